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
    m_hashing.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    for (const QString &nick : config.operators)
        m_operators.insert(Protocol::nickKey(nick));
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
    if (!m_config.accountsPath.isEmpty()) {
        if (!m_accounts.load(m_config.accountsPath, error))
            return false;
        m_accountsWatcher.addPath(m_config.accountsPath);
    }
    if (!m_config.passwordFile.isEmpty()) {
        QFile file(m_config.passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"Cannot read the password file %1: %2"_s.arg(m_config.passwordFile,
                                                                   file.errorString());
            return false;
        }
        m_serverPassword = file.readLine().trimmed();
        if (m_serverPassword.isEmpty()) {
            *error = u"The password file %1 is empty."_s.arg(m_config.passwordFile);
            return false;
        }
    }
    for (const QString &nick : m_config.operators) {
        if (!m_accounts.isRegistered(nick)) {
            *error = u"Operator %1 has no account: an operator must log in with a password "
                     "(natter-server --accounts FILE --add-user %1)."_s.arg(nick);
            return false;
        }
    }
    return true;
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

void AccessControl::check(const QString &nick, const QString &password, QObject *context,
                          std::function<void(Verdict, bool)> done)
{
    if (const std::optional<AccountStore::Hash> hash = m_accounts.hashFor(nick)) {
        if (password.isEmpty()) {
            done(Verdict::PasswordRequired, false);
            return;
        }
        // Hashing takes a while: it is answered through the event loop, by this object (which
        // waits for the hashing threads when destroyed), and only if the asker still exists.
        const bool isOperator = m_operators.contains(Protocol::nickKey(nick));
        m_hashing.start([this, context = QPointer<QObject>(context), done, hash = *hash, password,
                         isOperator] {
            const Verdict verdict =
                    AccountStore::verify(hash, password) ? Verdict::Allowed : Verdict::Failed;
            QMetaObject::invokeMethod(
                    this,
                    [context, done, verdict, isOperator] {
                        if (context)
                            done(verdict, verdict == Verdict::Allowed && isOperator);
                    },
                    Qt::QueuedConnection);
        });
        return;
    }
    if (m_config.registeredOnly) {
        done(Verdict::RegistrationRequired, false);
    } else if (!m_serverPassword.isEmpty() && password.isEmpty()) {
        done(Verdict::PasswordRequired, false);
    } else if (!m_serverPassword.isEmpty()) {
        const bool ok = AccountStore::equalInConstantTime(password.toUtf8(), m_serverPassword);
        done(ok ? Verdict::Allowed : Verdict::Failed, false);
    } else {
        done(Verdict::Allowed, false);
    }
}

std::chrono::milliseconds AccessControl::recordFailure(const QHostAddress &address)
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
    // Each failure within the window makes the next answer slower.
    return m_config.loginFailureDelay * std::max<qsizetype>(1, failures.size());
}

bool AccessControl::isBanned(const QHostAddress &address) const
{
    const auto it = m_bannedUntil.constFind(address);
    return it != m_bannedUntil.cend() && Session::monotonicMs() < *it;
}
