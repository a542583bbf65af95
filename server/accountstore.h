// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

// Registered nicks and their password hashes, from a text file the operator keeps. The file
// holds salted PBKDF2-SHA256 hashes only, one account a line:
//   nick:pbkdf2-sha256:ITERATIONS:SALT(base64):KEY(base64)
class AccountStore
{
public:
    struct Hash
    {
        int iterations = 0;
        QByteArray salt;
        QByteArray key;
    };
    static constexpr int DefaultIterations = 100'000; // about 0.2 s a check on one core

    bool load(const QString &path, QString *error);
    bool isEmpty() const { return m_accounts.isEmpty(); }
    qsizetype count() const { return m_accounts.size(); }
    // Registered means: the nick, or one that looks like it (Protocol::nickKey), has an account.
    bool isRegistered(const QString &nick) const;
    QString registeredNick(const QString &nick) const; // as the file spells it; empty if none
    std::optional<Hash> hashFor(const QString &nick) const;

    // A new random salt each time.
    static Hash hash(const QString &password, int iterations = DefaultIterations);
    // Slow on purpose (that is the point of PBKDF2): run it off the event loop.
    static bool verify(const Hash &hash, const QString &password);
    static bool equalInConstantTime(QByteArrayView a, QByteArrayView b);

    // Adds the account or replaces its password, rewriting the file atomically.
    static bool addUser(const QString &path, const QString &nick, const QString &password,
                        QString *error, int iterations = DefaultIterations);

private:
    struct Account
    {
        QString nick;
        Hash hash;
    };
    QHash<QString, Account> m_accounts; // by Protocol::nickKey
};
