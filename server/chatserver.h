// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "accesscontrol.h"
#include "chatlistener.h"
#include "messagestore.h"
#include "refusallog.h"
#include "room.h"
#include "roomdirectory.h"
#include "serverconfig.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <memory>
#include <optional>

class Session;

// Owns the listening socket, the rooms and every session; accepts connections and stops
// gracefully.
class ChatServer : public QObject
{
    Q_OBJECT
public:
    explicit ChatServer(const ServerConfig &config, QObject *parent = nullptr);
    ~ChatServer() override;

    // Opens the message store, then listens; false with errorString() when either fails.
    bool listen();
    QString errorString() const { return m_error; }
    QHostAddress serverAddress() const { return m_listener.serverAddress(); }
    quint16 serverPort() const { return m_listener.serverPort(); }
    // 0 when there is no IRC face (--irc-port).
    quint16 ircPort() const { return m_ircListener.isListening() ? m_ircListener.serverPort() : 0; }

    RoomDirectory *rooms() { return m_rooms.get(); }
    const RoomDirectory *rooms() const { return m_rooms.get(); }
    // For the metrics: every open connection, and whether the server still takes clients.
    const QSet<Session *> &sessions() const { return m_sessions; }
    bool isServing() const { return m_listener.isListening() && !m_shuttingDown; }
    Room *room() { return m_rooms ? m_rooms->lobby() : nullptr; }
    qsizetype sessionCount() const { return m_sessions.size(); }

    // Applies what may change while clients are connected (SIGHUP): the accounts, password
    // file and operators, the limits, and the TLS certificate and key, which the connections
    // that follow get. Reads everything first: on a problem nothing changes, and false says why.
    bool reload(const ServerConfig &next, QString *error);
    qsizetype accountCount() const { return m_access.accountCount(); }

    // Tells every client, lets their sockets flush, closes them; emits stopped() when done
    // or when the grace period runs out.
    void shutdown();

signals:
    void stopped();

private:
    enum class Face { Natter, Irc };
    void acceptPendingConnections(QTcpServer *listener, Face face);
    void forgetSession(Session *session);
    void finishShutdown();
    void closeSessions();
    void applyRetention();
    void checkLiveness();
    void refuse(QTcpSocket *socket, Face face, Protocol::ErrorCode code, const QString &text);
    static void answerAndClose(QTcpSocket *socket, const QByteArray &answer);
    bool setUpTls();
    static std::optional<QSslConfiguration> readTls(const QString &certPath, const QString &keyPath,
                                                    QString *error);

    ServerConfig m_config;
    ChatListener m_listener;
    ChatListener m_ircListener;
    AccessControl m_access;
    RefusalLog m_refusals;
    std::unique_ptr<MessageStore> m_store;
    std::unique_ptr<RoomDirectory> m_rooms;
    QString m_error;
    QTimer m_retention;
    QSet<Session *> m_sessions;
    QHash<QHostAddress, int> m_connectionsPerAddress;
    QTimer m_shutdownDeadline;
    QTimer m_livenessSweep;
    QList<QPointer<Session>> m_livenessPass; // this pass of the sweep, in slices
    qsizetype m_livenessNext = 0;
    int m_livenessSlices = 1;
    QTimer m_acceptRetry;
    bool m_acceptFailing = false;
    bool m_shuttingDown = false;
    bool m_sessionsClosed = false;
    bool m_stopped = false;
};
