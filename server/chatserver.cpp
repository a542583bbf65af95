// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"

#include "cluster/clusterstore.h"
#include "encodedframe.h"
#include "ircface.h"
#include "memorystore.h"
#include "plaintextface.h"
#include "servercounters.h"
#include "serverlogging.h"
#include "session.h"
#include "sqlitestore.h"
#include "terminaltext.h"

#include <QDateTime>
#include <QFile>
#include <QSslKey>
#include <QSslSocket>
#include <QSysInfo>
#include <QTcpSocket>

#include <algorithm>
#include <chrono>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
RefusalLog::Limits refusalLimits(const ServerConfig &config)
{
    RefusalLog::Limits limits;
    limits.window = config.refusalLogWindow;
    return limits;
}
} // namespace

ChatServer::ChatServer(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config), m_access(m_config), m_refusals(refusalLimits(config))
{
    if (!config.redisUrl.isEmpty()) {
        ClusterStore::Options options;
        QString error;
        RedisAddress::parse(config.redisUrl, &options.address, &error); // checked by main
        if (!config.redisPasswordFile.isEmpty()) {
            QFile file(config.redisPasswordFile);
            if (file.open(QIODevice::ReadOnly))
                options.address.password = file.readAll().trimmed();
        }
        options.nodeId = config.nodeId; // or, once listening, hostname:port
        options.historyLimit = config.historyLimit;
        m_store = std::make_unique<ClusterStore>(options);
    } else if (config.storePath.isEmpty()) {
        m_store = std::make_unique<MemoryStore>(config.historyLimit);
    } else {
        m_store = std::make_unique<SqliteStore>(
                SqliteStore::Options { config.storePath, config.storeMaxPageCount });
    }
    // Many clients may connect at once (a restart brings everyone back); the default backlog
    // of 50 would refuse some of them, and each refused handshake costs its client a second.
    // The kernel caps this at net.core.somaxconn (4096 on Debian 12): docs/benchmarks.md.
    m_listener.setListenBacklogSize(16384);
    m_listener.setMaxOpenConnections(config.maxOpenConnections);
    connect(&m_listener, &QTcpServer::pendingConnectionAvailable, this,
            [this] { acceptPendingConnections(&m_listener, Face::Natter); });
    m_ircListener.setListenBacklogSize(16384);
    m_ircListener.setMaxOpenConnections(config.maxOpenConnections);
    connect(&m_ircListener, &QTcpServer::pendingConnectionAvailable, this,
            [this] { acceptPendingConnections(&m_ircListener, Face::Irc); });
    // When QTcpServer reports that accept() failed for want of resources it stops accepting
    // for good; they come back as connections close, so it tries again shortly.
    m_acceptRetry.setSingleShot(true);
    m_acceptRetry.setInterval(std::chrono::milliseconds(100));
    connect(&m_listener, &QTcpServer::acceptError, this, [this] {
        if (!m_acceptFailing) {
            qCWarning(lcServer).noquote()
                    << "Cannot accept connections:" << m_listener.errorString() << "- trying again";
        }
        m_acceptFailing = true;
        m_acceptRetry.start();
    });
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] {
        if (m_listener.isListening() && !m_shuttingDown)
            m_listener.resumeAccepting();
    });
    m_shutdownDeadline.setSingleShot(true);
    connect(&m_shutdownDeadline, &QTimer::timeout, this, &ChatServer::finishShutdown);

    // One sweep for all connections instead of a timer each: cheap to keep, and nothing is
    // done per message. A quarter of the shortest limit keeps each limit accurate to 25%.
    using namespace std::chrono;
    const milliseconds shortest = std::min({ config.pingInterval, config.timeout,
                                             config.helloTimeout, config.tlsHandshakeTimeout });
    const milliseconds pass = std::clamp<milliseconds>(shortest / 4, 20ms, 1000ms);
    // A pass is cut into slices a tick each: one walk over 10,000 sessions would hold the loop
    // for milliseconds every second, and every message arriving meanwhile would wait.
    m_livenessSlices = int(std::clamp<qint64>(pass / 20ms, 1, 10));
    m_livenessSweep.setInterval(pass / m_livenessSlices);
    connect(&m_livenessSweep, &QTimer::timeout, this, &ChatServer::checkLiveness);
}

ChatServer::~ChatServer()
{
    // Sessions talk to the room while they go: they go first.
    for (Session *session : std::as_const(m_sessions)) {
        session->disconnect(this);
        delete session;
    }
}

std::optional<QSslConfiguration> ChatServer::readTls(const QString &certPath,
                                                     const QString &keyPath, QString *error)
{
    QFile certFile(certPath);
    QFile keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the TLS certificate %1: %2"_s.arg(certPath, certFile.errorString());
        return std::nullopt;
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the TLS key %1: %2"_s.arg(keyPath, keyFile.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll());
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec);
    if (chain.isEmpty() || key.isNull()) {
        *error = u"%1 holds no PEM certificate, or %2 no unencrypted PEM RSA or EC key"_s.arg(
                certPath, keyPath);
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients prove who they are by password
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    return tls;
}

bool ChatServer::setUpTls()
{
    const std::optional<QSslConfiguration> tls = readTls(m_config.tlsCertPath, m_config.tlsKeyPath,
                                                         &m_error);
    if (!tls)
        return false;
    m_listener.setTls(*tls);
    m_ircListener.setTls(*tls); // IRC clients call it "SSL" and expect it on the same terms
    return true;
}

bool ChatServer::reload(const ServerConfig &next, QString *error)
{
    // Everything is read before anything changes, so that a problem changes nothing.
    std::optional<QSslConfiguration> tls;
    if (!next.tlsCertPath.isEmpty()) {
        if (!(tls = readTls(next.tlsCertPath, next.tlsKeyPath, error)))
            return false;
    } else if (m_listener.usesTls()) {
        *error = u"turning TLS off needs a restart"_s;
        return false;
    }
    if (!m_access.reload(next, error))
        return false;
    if (tls) {
        m_listener.setTls(*tls); // for the connections that follow
        m_ircListener.setTls(*tls);
    }
    m_config.tlsCertPath = next.tlsCertPath;
    m_config.tlsKeyPath = next.tlsKeyPath;
    m_config.accountsPath = next.accountsPath;
    m_config.passwordFile = next.passwordFile;
    m_config.operators = next.operators;
    m_config.registeredOnly = next.registeredOnly;
    m_config.maxClients = next.maxClients;
    m_config.maxPerAddress = next.maxPerAddress;
    m_config.rate = next.rate; // for the connections that follow
    m_config.burst = next.burst;
    m_config.floodGrace = next.floodGrace;
    m_config.maxRoomsPerUser = next.maxRoomsPerUser;
    m_config.maxRooms = next.maxRooms;
    m_config.roomCreation = next.roomCreation;
    for (Session *session : std::as_const(m_sessions))
        session->applyReloadedConfig();
    return true;
}

bool ChatServer::listen()
{
    if (!m_access.load(&m_error))
        return false;
    if (!m_config.tlsCertPath.isEmpty() && !m_listener.usesTls() && !setUpTls())
        return false;
    // Listening first: a port in use is the likelier problem, and it leaves the store untouched.
    if (!m_listener.listen(m_config.host, m_config.port)) {
        m_error = u"cannot listen on %1:%2: %3"_s.arg(m_config.host.toString())
                          .arg(m_config.port)
                          .arg(m_listener.errorString());
        return false;
    }
    if (m_config.ircPort && !m_ircListener.listen(m_config.host, *m_config.ircPort)) {
        m_error = u"cannot listen for IRC on %1:%2: %3"_s.arg(m_config.host.toString())
                          .arg(*m_config.ircPort)
                          .arg(m_ircListener.errorString());
        m_listener.close();
        return false;
    }
    if (!m_rooms) {
        auto *cluster = qobject_cast<ClusterStore *>(m_store.get());
        if (cluster && cluster->nodeId().isEmpty())
            cluster->setNodeId(QSysInfo::machineHostName() + u':'
                               + QString::number(m_listener.serverPort()));
        if (!m_store->open(&m_error)) {
            m_listener.close();
            m_ircListener.close();
            return false;
        }
        m_rooms = std::make_unique<RoomDirectory>(m_store.get(), m_config);
        connect(m_rooms.get(), &RoomDirectory::membersMustReconnect, this,
                [this](const QString &why) {
                    // They connect again (to this node or another) and start afresh from their
                    // welcomes.
                    const EncodedFrame notice(Protocol::Shutdown { why });
                    const QSet<Session *> sessions = m_sessions;
                    for (Session *session : sessions)
                        session->shutdown(notice);
                });
        if (m_config.retainDays > 0) {
            connect(&m_retention, &QTimer::timeout, this, &ChatServer::applyRetention);
            m_retention.start(std::chrono::hours(1));
            applyRetention();
        }
    }
    m_livenessSweep.start();
    qCInfo(lcServer).noquote() << u"Natter server listening on %1:%2"_s
                                          .arg(m_listener.serverAddress().toString())
                                          .arg(m_listener.serverPort());
    if (m_ircListener.isListening()) {
        qCInfo(lcServer).noquote()
                << u"IRC clients welcome on %1:%2"_s.arg(m_ircListener.serverAddress().toString())
                           .arg(m_ircListener.serverPort());
    }
    return true;
}

void ChatServer::acceptPendingConnections(QTcpServer *listener, Face face)
{
    while (listener->hasPendingConnections()) {
        QTcpSocket *socket = listener->nextPendingConnection();
        if (std::exchange(m_acceptFailing, false))
            qCInfo(lcServer) << "Accepting connections again";
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const QHostAddress address = socket->peerAddress();
        if (m_access.isBanned(address)) {
            refuse(socket, face, Protocol::ErrorCode::Banned,
                   u"Too many failed logins from %1; try again later."_s.arg(address.toString()));
            continue;
        }
        if ((face == Face::Natter ? m_config.tlsOnly : m_config.ircTlsOnly)
            && ChatListener::isPlain(socket)) {
            refuse(socket, face, Protocol::ErrorCode::TlsRequired,
                   u"This server accepts TLS connections only: turn on \"Use TLS\" in your "
                   "client."_s);
            continue;
        }
        if (m_sessions.size() >= m_config.maxClients) {
            refuse(socket, face, Protocol::ErrorCode::ServerFull,
                   u"The server is full (%1 connections). Try again later."_s.arg(
                           m_config.maxClients));
            continue;
        }
        int &fromAddress = m_connectionsPerAddress[address];
        if (fromAddress >= m_config.maxPerAddress) {
            refuse(socket, face, Protocol::ErrorCode::TooManyConnections,
                   u"Too many connections from %1 (at most %2)."_s.arg(address.toString())
                           .arg(m_config.maxPerAddress));
            continue;
        }
        ++fromAddress;
        auto *session = new Session(socket, m_rooms.get(), &m_access, &m_refusals, m_config, this);
        if (face == Face::Irc)
            session->speakIrc();
        m_sessions.insert(session);
        connect(session, &Session::finished, this, &ChatServer::forgetSession);
    }
}

void ChatServer::refuse(QTcpSocket *socket, Face face, Protocol::ErrorCode code,
                        const QString &text)
{
    ServerCounters::instance().countRefusal(code);
    m_refusals.log(
            lcServer, socket->peerAddress(),
            u"Refused %1 %2"_s.arg(socket->peerAddress().toString(), TerminalText::escaped(text)));
    // Someone at a terminal gets a sentence; JSON clients (and TLS ones) get an error frame.
    const Protocol::Error error { code, text, {} };
    QByteArray answer;
    if (face == Face::Irc)
        answer = IrcFace::format(error, {});
    else if (ChatListener::isPlain(socket) && !ChatListener::isJsonClient(socket))
        answer = PlainTextFace::format(error);
    else
        answer = Protocol::encode(error);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(2000, socket, [socket] {
        socket->abort(); // a client that never closes, or never finishes its TLS handshake
        socket->deleteLater();
    });
    // A TLS client still in its handshake could not read an answer: closing now would only
    // cut the handshake short, so the answer waits until the connection is encrypted.
    if (auto *tls = qobject_cast<QSslSocket *>(socket); tls && !tls->isEncrypted()) {
        connect(tls, &QSslSocket::encrypted, tls, [tls, answer] { answerAndClose(tls, answer); });
        return;
    }
    answerAndClose(socket, answer);
}

void ChatServer::answerAndClose(QTcpSocket *socket, const QByteArray &answer)
{
    socket->write(answer);
    // Closing a socket with unread input makes the kernel send a reset, which can destroy the
    // answer before the client reads it. So the sending side is shut (the client sees the end
    // of the stream after the answer), input is read and dropped until the client closes, and
    // a client that never does is cut after two seconds.
    auto discard = [socket] {
        for (int i = 0; i < 16 && !socket->read(4096).isEmpty(); ++i) { }
    };
    connect(socket, &QTcpSocket::readyRead, socket, discard);
    socket->flush(); // a new socket queues its first write; hand it to the kernel now
    if (socket->bytesToWrite() == 0 && !qobject_cast<QSslSocket *>(socket))
        ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    else
        socket->disconnectFromHost();
}

void ChatServer::checkLiveness()
{
    const qint64 now = Session::monotonicMs();
    if (m_livenessNext >= m_livenessPass.size()) {
        m_listener.closeSilent(now, m_config.helloTimeout.count());
        m_ircListener.closeSilent(now, m_config.helloTimeout.count());
        m_livenessPass.clear();
        m_livenessPass.reserve(m_sessions.size());
        for (Session *session : std::as_const(m_sessions))
            m_livenessPass.append(session);
        m_livenessNext = 0;
    }
    const qsizetype slice = m_livenessPass.size() / m_livenessSlices + 1;
    const qsizetype end = std::min(m_livenessPass.size(), m_livenessNext + slice);
    for (; m_livenessNext < end; ++m_livenessNext) {
        // Sessions that ended since the pass began are gone (deleteLater): QPointer says so.
        if (Session *session = m_livenessPass.at(m_livenessNext))
            session->checkLiveness(now);
    }
}

void ChatServer::forgetSession(Session *session)
{
    m_sessions.remove(session);
    const auto count = m_connectionsPerAddress.find(session->peerAddress());
    if (count != m_connectionsPerAddress.end() && --count.value() <= 0)
        m_connectionsPerAddress.erase(count);
    session->deleteLater(); // we are inside one of its socket's signals
    if (m_shuttingDown && m_sessions.isEmpty())
        finishShutdown();
}

void ChatServer::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "Shutting down:" << m_sessions.size() << "connections to close";
    m_listener.close();
    m_ircListener.close();
    m_livenessSweep.stop();
    m_retention.stop();
    m_shutdownDeadline.start(m_config.shutdownGrace);
    // Messages already accepted are stored and acknowledged before anyone is told to go; nothing
    // new is taken meanwhile, or clients that keep writing would keep the room busy for ever.
    for (Session *session : std::as_const(m_sessions))
        session->stopReading();
    if (m_rooms && m_rooms->isBusy())
        connect(m_rooms.get(), &RoomDirectory::idle, this, &ChatServer::closeSessions,
                Qt::SingleShotConnection);
    else
        closeSessions();
}

void ChatServer::closeSessions()
{
    if (std::exchange(m_sessionsClosed, true))
        return;
    if (m_rooms)
        m_rooms->setClosing(true);
    const EncodedFrame notice(Protocol::Shutdown { u"The server is shutting down."_s });
    const auto sessions = m_sessions;
    for (Session *session : sessions)
        session->shutdown(notice);
    if (m_sessions.isEmpty())
        QMetaObject::invokeMethod(this, &ChatServer::finishShutdown, Qt::QueuedConnection);
}

void ChatServer::applyRetention()
{
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch()
            - qint64(m_config.retainDays) * 24 * 60 * 60 * 1000;
    if (const qsizetype removed = m_store->removeOlderThan(cutoff))
        qCInfo(lcServer) << "Retention: removed" << removed << "messages older than"
                         << m_config.retainDays << "days";
}

void ChatServer::finishShutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (!m_shutdownDeadline.isActive() && !m_sessions.isEmpty())
        qCWarning(lcServer) << m_sessions.size() << "connections did not close in time";
    m_shutdownDeadline.stop();
    // The store never caught up: members still leave the room before they are deleted.
    closeSessions();
    const auto remaining = m_sessions;
    for (Session *session : remaining)
        session->deleteLater();
    m_sessions.clear();
    // A node of a cluster hands back its nicks before it goes, so its members can come back
    // on another node at once rather than after the node timeout.
    if (m_rooms)
        m_rooms->leaveCluster(this, [this] { emit stopped(); });
    else
        emit stopped();
}
