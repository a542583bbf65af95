// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"

#include "protocol.h"

#include <QFile>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView Scheme = "pbkdf2-sha256";
constexpr int SaltBytes = 16;
constexpr int KeyBytes = 32;

struct Line
{
    QString nick;
    AccountStore::Hash hash;
};

std::optional<Line> parseLine(const QByteArray &line)
{
    const QList<QByteArray> fields = line.split(':');
    if (fields.size() != 5 || fields.at(1) != Scheme)
        return std::nullopt;
    Line parsed;
    parsed.nick = QString::fromUtf8(fields.at(0));
    bool ok = false;
    parsed.hash.iterations = fields.at(2).toInt(&ok);
    parsed.hash.salt = QByteArray::fromBase64(fields.at(3));
    parsed.hash.key = QByteArray::fromBase64(fields.at(4));
    if (!ok || parsed.hash.iterations < 1 || !Protocol::isValidNick(parsed.nick)
        || parsed.hash.salt.isEmpty() || parsed.hash.key.size() != KeyBytes)
        return std::nullopt;
    return parsed;
}

QByteArray formatLine(const QString &nick, const AccountStore::Hash &hash)
{
    return nick.toUtf8() + ':' + Scheme.toByteArray() + ':' + QByteArray::number(hash.iterations)
            + ':' + hash.salt.toBase64() + ':' + hash.key.toBase64() + '\n';
}

} // namespace

bool AccountStore::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"Cannot read the accounts file %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    m_accounts.clear();
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const std::optional<Line> parsed = parseLine(line);
        if (!parsed) {
            *error = u"%1:%2: not an account line (nick:pbkdf2-sha256:iterations:salt:key)"_s
                             .arg(path)
                             .arg(number);
            return false;
        }
        const QString key = Protocol::nickKey(parsed->nick);
        if (const auto it = m_accounts.constFind(key); it != m_accounts.cend()
            && Protocol::storedNickKey(it->nick) != Protocol::storedNickKey(parsed->nick)) {
            // Either one's password would open the other's name: the operator must choose.
            *error = u"%1:%2: the account %3 looks like the account %4 (they compare the same); "
                     "remove or rename one"_s.arg(path)
                             .arg(number)
                             .arg(parsed->nick, it->nick);
            return false;
        }
        m_accounts.insert(key, { parsed->nick, parsed->hash });
    }
    return true;
}

bool AccountStore::isRegistered(const QString &nick) const
{
    return m_accounts.contains(Protocol::nickKey(nick));
}

QString AccountStore::registeredNick(const QString &nick) const
{
    return m_accounts.value(Protocol::nickKey(nick)).nick;
}

std::optional<AccountStore::Hash> AccountStore::hashFor(const QString &nick) const
{
    const auto it = m_accounts.constFind(Protocol::nickKey(nick));
    if (it == m_accounts.cend())
        return std::nullopt;
    return it->hash;
}

AccountStore::Hash AccountStore::hash(const QString &password, int iterations)
{
    Hash hash;
    hash.iterations = iterations;
    hash.salt.resize(SaltBytes);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(hash.salt.data()),
                                          SaltBytes / sizeof(quint32));
    hash.key = QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toUtf8(),
                                                  hash.salt, hash.iterations, KeyBytes);
    return hash;
}

bool AccountStore::verify(const Hash &hash, const QString &password)
{
    const QByteArray key = QPasswordDigestor::deriveKeyPbkdf2(
            QCryptographicHash::Sha256, password.toUtf8(), hash.salt, hash.iterations, KeyBytes);
    return equalInConstantTime(key, hash.key);
}

bool AccountStore::equalInConstantTime(QByteArrayView a, QByteArrayView b)
{
    // Every byte is looked at whatever differs, so timing tells nothing about where.
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

bool AccountStore::addUser(const QString &path, const QString &nick, const QString &password,
                           QString *error, int iterations)
{
    if (!Protocol::isValidNick(nick)) {
        *error = u"\"%1\" is not a valid nickname."_s.arg(nick);
        return false;
    }
    QByteArray kept;
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = u"Cannot read %1: %2"_s.arg(path, existing.errorString());
            return false;
        }
        while (!existing.atEnd()) {
            const QByteArray line = existing.readLine();
            const std::optional<Line> parsed = parseLine(line.trimmed());
            if (parsed && Protocol::nickKey(parsed->nick) == Protocol::nickKey(nick)) {
                if (Protocol::storedNickKey(parsed->nick) == Protocol::storedNickKey(nick))
                    continue; // replaced below
                *error = u"\"%1\" looks like the account %2 (they compare the same); choose "
                         "another nickname."_s.arg(nick, parsed->nick);
                return false;
            }
            kept += line;
        }
        if (!kept.isEmpty() && !kept.endsWith('\n'))
            kept += '\n';
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(kept + formatLine(nick, hash(password, iterations)));
    if (!file.commit()) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}
