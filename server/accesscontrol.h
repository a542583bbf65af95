#pragma once

#include "accountstore.h"
#include "serverconfig.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>

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

    enum class Verdict { Allowed, PasswordRequired, RegistrationRequired, Failed };
    // Calls `done` with the verdict: at once, or, when an account password must be hashed,
    // later on this thread (hashing runs on a thread pool so a login never stalls the room).
    void check(const QString &nick, const QString &password, QObject *context,
               std::function<void(Verdict, bool isOperator)> done);

    // A failed login from `address`: how long to hold the answer back. Past the limit the
    // address is banned.
    std::chrono::milliseconds recordFailure(const QHostAddress &address);
    bool isBanned(const QHostAddress &address) const;

    bool isRegistered(const QString &nick) const { return m_accounts.isRegistered(nick); }

private:
    void reloadAccounts();

    const ServerConfig &m_config;
    AccountStore m_accounts;
    QFileSystemWatcher m_accountsWatcher;
    QTimer m_accountsReload;
    QByteArray m_serverPassword;
    QSet<QString> m_operators; // nick keys
    QThreadPool m_hashing;
    QHash<QHostAddress, QList<qint64>> m_failures; // monotonic ms, within the window
    QHash<QHostAddress, qint64> m_bannedUntil;
};
