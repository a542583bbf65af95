#include "chatserver.h"

#include "encodedframe.h"
#include "serverlogging.h"
#include "session.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

ChatServer::ChatServer(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config), m_room(config.historyLimit)
{
    // Many clients may connect at once (a restart brings everyone back); the default backlog
    // of 50 would refuse some of them.
    m_listener.setListenBacklogSize(1024);
    connect(&m_listener, &QTcpServer::pendingConnectionAvailable, this,
            &ChatServer::acceptPendingConnections);
    m_shutdownDeadline.setSingleShot(true);
    connect(&m_shutdownDeadline, &QTimer::timeout, this, &ChatServer::finishShutdown);
}

ChatServer::~ChatServer()
{
    // Sessions are children; the room they talk to must not be used while they go.
    for (Session *session : std::as_const(m_sessions))
        session->disconnect(this);
}

bool ChatServer::listen()
{
    if (!m_listener.listen(m_config.host, m_config.port))
        return false;
    qCInfo(lcServer).noquote() << u"Natter server listening on %1:%2"_s.arg(
            m_listener.serverAddress().toString()).arg(m_listener.serverPort());
    return true;
}

void ChatServer::acceptPendingConnections()
{
    while (m_listener.hasPendingConnections()) {
        QTcpSocket *socket = m_listener.nextPendingConnection();
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *session = new Session(socket, &m_room, m_config, this);
        m_sessions.insert(session);
        connect(session, &Session::finished, this, &ChatServer::forgetSession);
    }
}

void ChatServer::forgetSession(Session *session)
{
    m_sessions.remove(session);
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
    m_room.setClosing(true);
    const EncodedFrame notice(Protocol::Shutdown { u"The server is shutting down."_s });
    const auto sessions = m_sessions;
    for (Session *session : sessions)
        session->shutdown(notice);
    if (m_sessions.isEmpty()) {
        QMetaObject::invokeMethod(this, &ChatServer::finishShutdown, Qt::QueuedConnection);
        return;
    }
    m_shutdownDeadline.start(m_config.shutdownGrace);
}

void ChatServer::finishShutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (!m_shutdownDeadline.isActive() && !m_sessions.isEmpty())
        qCWarning(lcServer) << m_sessions.size() << "connections did not close in time";
    m_shutdownDeadline.stop();
    const auto remaining = m_sessions;
    for (Session *session : remaining)
        session->deleteLater();
    m_sessions.clear();
    emit stopped();
}
