#pragma once

#include "room.h"
#include "serverconfig.h"

#include <QObject>
#include <QSet>
#include <QTcpServer>
#include <QTimer>

class Session;

// Owns the listening socket, the room and every session; accepts connections and stops
// gracefully.
class ChatServer : public QObject
{
    Q_OBJECT
public:
    explicit ChatServer(const ServerConfig &config, QObject *parent = nullptr);
    ~ChatServer() override;

    bool listen();
    QString errorString() const { return m_listener.errorString(); }
    QHostAddress serverAddress() const { return m_listener.serverAddress(); }
    quint16 serverPort() const { return m_listener.serverPort(); }

    Room *room() { return &m_room; }
    qsizetype sessionCount() const { return m_sessions.size(); }

    // Tells every client, lets their sockets flush, closes them; emits stopped() when done
    // or when the grace period runs out.
    void shutdown();

signals:
    void stopped();

private:
    void acceptPendingConnections();
    void forgetSession(Session *session);
    void finishShutdown();
    void checkLiveness();
    void refuse(QTcpSocket *socket, Protocol::ErrorCode code, const QString &text);

    ServerConfig m_config;
    QTcpServer m_listener;
    Room m_room;
    QSet<Session *> m_sessions;
    QHash<QHostAddress, int> m_connectionsPerAddress;
    QTimer m_shutdownDeadline;
    QTimer m_livenessSweep;
    bool m_shuttingDown = false;
    bool m_stopped = false;
};
