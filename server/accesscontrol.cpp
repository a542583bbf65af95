// SPDX-License-Identifier: BSD-3-Clause
#include "accesscontrol.h"

#include "protocol.h"
#include "serverlogging.h"
#include "session.h"

#include <QFile>
#include <QPointer>
#include <QThread>

using namespace Qt::StringLiterals;

AccessControl::AccessControl(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config)
{
    // Two at least, so that one can be kept for newcomers (see check()).
    m_hashing.setMaxThreadCount(std::max(2, QThread::idealThreadCount() - 1));
    // A file written in place may be caught half-way: reading waits until it has been quiet.
    m_accountsReload.setSingleShot(true);
    m_accountsReload.setInterval(std::chrono::milliseconds(200));
    connect(&m_accountsReload, &QTimer::timeout, this, &AccessControl::reloadAccounts);
    connect(&m_accountsWatcher, &QFileSystemWatcher::fileChanged, &m_accountsReload,
            qOverload<>(&QTimer::start));
}

AccessControl::~AccessControl()
{
    m_hashing.waitForDone();
}

bool AccessControl::load(QString *error)
{
    return reload(m_config, error);
}

bool AccessControl::reload(const ServerConfig &next, QString *error)
{
    AccountStore accounts;
    if (!next.accountsPath.isEmpty() && !accounts.load(next.accountsPath, error))
        return false;
    QByteArray serverPassword;
    if (!next.passwordFile.isEmpty()) {
        QFile file(next.passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"Cannot read the password file %1: %2"_s.arg(next.passwordFile,
                                                                   file.errorString());
            return false;
        }
        serverPassword = file.readLine().trimmed();
        if (serverPassword.isEmpty()) {
            *error = u"The password file %1 is empty."_s.arg(next.passwordFile);
            return false;
        }
    }
    for (const QString &nick : next.operators) {
        if (!accounts.isRegistered(nick)) {
            *error = u"Operator %1 has no account: an operator must log in with a password "
                     "(natter-server --accounts FILE --add-user %1)."_s.arg(nick);
            return false;
        }
    }
    m_accounts = std::move(accounts);
    m_serverPassword = serverPassword;
    m_operators.clear();
    for (const QString &nick : next.operators)
        m_operators.insert(Protocol::nickKey(nick));
    if (const QStringList watched = m_accountsWatcher.files(); !watched.isEmpty())
        m_accountsWatcher.removePaths(watched);
    if (!next.accountsPath.isEmpty())
        m_accountsWatcher.addPath(next.accountsPath);
    return true;
}

bool AccessControl::isOperator(const QString &nick) const
{
    return m_operators.contains(Protocol::nickKey(nick));
}

void AccessControl::reloadAccounts()
{
    const QString &path = m_config.accountsPath;
    // --add-user replaces the file (QSaveFile), which ends the watch on the old one.
    if (!m_accountsWatcher.files().contains(path))
        m_accountsWatcher.addPath(path);
    AccountStore accounts;
    QString error;
    if (!accounts.load(path, &error)) {
        qCWarning(lcServer).noquote() << "Keeping the accounts read before:" << error;
        return;
    }
    m_accounts = std::move(accounts);
    qCInfo(lcServer).noquote() << u"Accounts reloaded from %1: %2"_s.arg(path).arg(
            m_accounts.count());
    for (const QString &nick : m_config.operators) {
        if (!m_accounts.isRegistered(nick)) {
            qCWarning(lcServer).noquote()
                    << u"Operator %1 has no account any more, so no operator rights."_s.arg(nick);
        }
    }
}

void AccessControl::check(const QString &nick, const QString &password, const QHostAddress &address,
                          QObject *context, std::function<void(Verdict, bool)> done)
{
    // Connections made before a ban may still be asking.
    if (isBanned(address)) {
        done(Verdict::Banned, false);
        return;
    }
    if (const std::optional<AccountStore::Hash> hash = m_accounts.hashFor(nick)) {
        if (password.isEmpty()) {
            done(Verdict::PasswordRequired, false);
            return;
        }
        const QString account = Protocol::nickKey(nick);
        m_waiting.push_back({ address, account, *hash, password, m_operators.contains(account),
                              context, std::move(done) });
        startChecks();
        return;
    }
    if (m_config.registeredOnly) {
        done(Verdict::RegistrationRequired, false);
    } else if (!m_serverPassword.isEmpty() && password.isEmpty()) {
        done(Verdict::PasswordRequired, false);
    } else if (!m_serverPassword.isEmpty()) {
        const bool ok = AccountStore::equalInConstantTime(password.toUtf8(), m_serverPassword);
        if (!ok)
            recordFailure(address);
        done(ok ? Verdict::Allowed : Verdict::Failed, false);
    } else {
        done(Verdict::Allowed, false);
    }
}

void AccessControl::startChecks()
{
    const int threads = m_hashing.maxThreadCount();
    const int unreserved = threads - std::max(1, threads / 4);
    QList<Check> banned;
    for (auto it = m_waiting.begin(); it != m_waiting.end() && m_checking < threads;) {
        if (!it->context) { // the connection went meanwhile
            it = m_waiting.erase(it);
            continue;
        }
        if (isBanned(it->address)) {
            banned.append(std::move(*it));
            it = m_waiting.erase(it);
            continue;
        }
        const int fromAddress = m_checkingFrom.value(it->address);
        const int forAccount = m_checkingFor.value(it->account);
        const bool newcomer = fromAddress == 0 && forAccount == 0;
        if (fromAddress >= MaxChecksPerAddress || forAccount >= MaxChecksPerAccount
            || recentFailures(it->address) + fromAddress >= m_config.loginFailuresBeforeBan
            || (!newcomer && m_checking >= unreserved)) {
            ++it;
            continue;
        }
        ++m_checking;
        ++m_checkingFrom[it->address];
        ++m_checkingFor[it->account];
        // Hashing takes a while: it is answered through the event loop, by this object (which
        // waits for the hashing threads when destroyed).
        m_hashing.start([this, check = std::move(*it)] {
            const bool matches = AccountStore::verify(check.hash, check.password);
            QMetaObject::invokeMethod(
                    this, [this, check, matches] { finishCheck(check, matches); },
                    Qt::QueuedConnection);
        });
        it = m_waiting.erase(it);
    }
    for (const Check &check : std::as_const(banned)) {
        if (check.context)
            check.done(Verdict::Banned, false);
    }
}

void AccessControl::finishCheck(const Check &check, bool matches)
{
    --m_checking;
    if (--m_checkingFrom[check.address] <= 0)
        m_checkingFrom.remove(check.address);
    if (--m_checkingFor[check.account] <= 0)
        m_checkingFor.remove(check.account);
    // Recorded whether or not the asker is still there: hanging up does not hide a guess.
    if (!matches)
        recordFailure(check.address);
    if (check.context)
        check.done(matches ? Verdict::Allowed : Verdict::Failed, matches && check.isOperator);
    startChecks();
}

qsizetype AccessControl::recentFailures(const QHostAddress &address) const
{
    const qint64 now = Session::monotonicMs();
    const QList<qint64> failures = m_failures.value(address);
    return std::count_if(failures.cbegin(), failures.cend(), [&](qint64 at) {
        return now - at <= m_config.loginFailureWindow.count();
    });
}

std::chrono::milliseconds AccessControl::failureDelay(const QHostAddress &address) const
{
    // Each failure within the window makes the next answer slower.
    return m_config.loginFailureDelay * std::max<qsizetype>(1, recentFailures(address));
}

void AccessControl::recordFailure(const QHostAddress &address)
{
    const qint64 now = Session::monotonicMs();
    QList<qint64> &failures = m_failures[address];
    failures.removeIf([&](qint64 at) { return now - at > m_config.loginFailureWindow.count(); });
    failures.append(now);
    if (m_failures.size() > 10'000) { // addresses that failed once, long ago
        m_failures.removeIf([&](const auto &entry) {
            return entry.value().isEmpty()
                    || now - entry.value().constLast() > m_config.loginFailureWindow.count();
        });
        m_bannedUntil.removeIf([&](const auto &entry) { return entry.value() <= now; });
    }
    if (failures.size() >= m_config.loginFailuresBeforeBan) {
        m_bannedUntil.insert(address, now + m_config.banDuration.count());
        qCWarning(lcServer).noquote()
                << u"Banning %1 for %2 s after %3 failed logins"_s.arg(address.toString())
                           .arg(m_config.banDuration.count() / 1000)
                           .arg(failures.size());
        failures.clear();
    }
}

bool AccessControl::isBanned(const QHostAddress &address) const
{
    const auto it = m_bannedUntil.constFind(address);
    return it != m_bannedUntil.cend() && Session::monotonicMs() < *it;
}
