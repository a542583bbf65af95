// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "accessverdict.h"
#include "accountstore.h"
#include "serverconfig.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <list>

// Who may join under which nick, and who has tried too often: the accounts, the shared server
// password, the operators, and per-address failed logins and bans.
class AccessControl : public QObject
{
    Q_OBJECT
public:
    explicit AccessControl(const ServerConfig &config, QObject *parent = nullptr);
    ~AccessControl() override;

    // Reads the accounts and password files named in the configuration. The accounts file is
    // read again whenever it changes (natter-server --add-user on a running server).
    bool load(QString *error);
    // Reads the accounts, the password file and the operators `next` names (SIGHUP); on a
    // problem keeps what it has. Sessions already logged in keep their rights.
    bool reload(const ServerConfig &next, QString *error);
    qsizetype accountCount() const { return m_accounts.count(); }

    using Verdict = AccessVerdict;
    // Calls `done` with the verdict: at once, or, when an account password must be hashed,
    // later on this thread (hashing runs on a thread pool so a login never stalls the room).
    // A failure is recorded against `address`; past the limit the address is banned.
    //
    // Checks wait in turn: few run at once per address and per account, an address runs no
    // more than the failures it has left before a ban (so guesses sent together cannot
    // outrun it), and a share of the threads is kept for addresses and accounts not already
    // being checked, so that a crowd of logins cannot make everyone else wait.
    void check(const QString &nick, const QString &password, const QHostAddress &address,
               QObject *context, std::function<void(Verdict, bool isOperator)> done);

    // How long to hold back the answer to a failed login: longer with each recent failure.
    std::chrono::milliseconds failureDelay(const QHostAddress &address) const;
    bool isBanned(const QHostAddress &address) const;

    bool isRegistered(const QString &nick) const { return m_accounts.isRegistered(nick); }
    // Listed in --operators; the rights need the account's password too.
    bool isOperator(const QString &nick) const;
    // Whether any login can need a password (accounts, or a shared password).
    bool hasPasswords() const
    {
        return !m_config.accountsPath.isEmpty() || !m_serverPassword.isEmpty();
    }
    // The account `nick` is or looks like, as the accounts file spells it; empty if none.
    QString registeredNick(const QString &nick) const { return m_accounts.registeredNick(nick); }

    static constexpr int MaxChecksPerAddress = 2;
    static constexpr int MaxChecksPerAccount = 2;

private:
    struct Check
    {
        QHostAddress address;
        QString account; // nick key
        AccountStore::Hash hash;
        QString password;
        bool isOperator = false;
        QPointer<QObject> context;
        std::function<void(Verdict, bool)> done;
    };
    void reloadAccounts();
    void recordFailure(const QHostAddress &address);
    qsizetype recentFailures(const QHostAddress &address) const;
    void startChecks();
    void finishCheck(const Check &check, bool matches);

    const ServerConfig &m_config;
    AccountStore m_accounts;
    QFileSystemWatcher m_accountsWatcher;
    QTimer m_accountsReload;
    QByteArray m_serverPassword;
    QSet<QString> m_operators; // nick keys
    QThreadPool m_hashing;
    // One entry at most per connection that is logging in, so bounded by the connection limits.
    std::list<Check> m_waiting;
    int m_checking = 0;
    QHash<QHostAddress, int> m_checkingFrom;
    QHash<QString, int> m_checkingFor; // by account
    QHash<QHostAddress, QList<qint64>> m_failures; // monotonic ms, within the window
    QHash<QHostAddress, qint64> m_bannedUntil;
};
