#pragma once

#include "accesscontrol.h"
#include "lineframer.h"
#include "protocol.h"
#include "serverconfig.h"
#include "tokenbucket.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

class EncodedFrame;
class Room;

// One client connection: its framing, its state and its limits. The client is never trusted:
// every line is checked here before the room sees it.
//
// States: AwaitingFirstLine -(first line picks the face)-> AwaitingNick -(valid free nick)->
// Authenticating (password checked off the event loop) -> InRoom -(exit, error, drop, kick,
// shutdown)-> Closing. The first line starting with '{' selects the
// JSON Lines face; any other first line is a plain-text client's nickname.
class Session : public QObject
{
    Q_OBJECT
public:
    enum class Face { Undecided, Json, PlainText };
    enum class State { AwaitingFirstLine, AwaitingNick, Authenticating, InRoom, Closing };

    Session(QTcpSocket *socket, Room *room, AccessControl *access, const ServerConfig &config,
            QObject *parent = nullptr);

    static qint64 monotonicMs();

    QString nick() const { return m_nick; }
    Face face() const { return m_face; }
    State state() const { return m_state; }
    QString peer() const { return m_peer; }

    QHostAddress peerAddress() const { return m_peerAddress; }

    // Called periodically by the server: pings a silent client, removes a dead one, and closes
    // a connection that never said hello.
    void checkLiveness(qint64 nowMs);

    void deliver(const EncodedFrame &frame);
    // Frames already encoded for this session's face, several at once.
    void deliverBytes(const QByteArray &bytes) { write(bytes); }
    void send(const Protocol::ServerFrame &frame);
    // The server is stopping: nothing more is read, so that the room can finish what it has;
    // what the client sends now stays in the kernel until closing drops it.
    void stopReading() { m_inputStopped = true; }
    // Sends the notice, lets the socket flush, then closes. Leaving is silent (see Room).
    void shutdown(const EncodedFrame &notice);
    // Reading was paused because the room is backed up: take up what the kernel kept.
    void resumeReading();

signals:
    void finished(Session *session);

private:
    void processReadyRead();
    void handleLine(const QByteArray &line);
    void handleJsonLine(const QByteArray &line);
    void handlePlainTextLine(const QByteArray &line);
    void handleFrame(const Protocol::Hello &hello);
    void handleFrame(const Protocol::Say &say);
    void handleFrame(const Protocol::Exit &exit);
    void handleFrame(const Protocol::Ping &ping);
    void handleFrame(const Protocol::Pong &pong);
    void handleFrame(const Protocol::Search &search);
    void handleFrame(const Protocol::History &history);
    void handleFrame(const Protocol::Kick &kick);
    void kickedBy(const QString &operatorNick, const QString &reason);
    bool requireRoom(const QString &id);
    void enterRoom(const QString &nick, std::optional<qint64> since, const QString &password);
    void finishAuthentication(AccessControl::Verdict verdict, const QString &nick, std::optional<qint64> since,
                              bool isOperator);
    void say(const QString &text, const QString &to, const QString &id);
    bool admit(const QString &id, double cost = 1.0);
    enum class LogRejection { Yes, No };
    void reject(Protocol::ErrorCode code, const QString &text, const QString &id = {},
                LogRejection log = LogRejection::Yes);
    void write(const QByteArray &bytes);
    void updateBacklog();
    void leaveAndClose(Protocol::LeaveReason reason);
    void closeAfterWriting();
    void shutWriteOnceWritten();
    void drop(Protocol::LeaveReason reason);
    void handleDisconnected();

    QPointer<QTcpSocket> m_socket;
    Room *m_room;
    AccessControl *m_access;
    const ServerConfig &m_config;
    LineFramer m_framer;
    QString m_nick;
    QString m_peer;
    QHostAddress m_peerAddress;
    TokenBucket m_bucket;
    qint64 m_connectedMs;
    qint64 m_closingSinceMs = 0;
    qint64 m_lastActivityMs;
    bool m_directWrites; // plain TCP: the kernel takes what it can before Qt queues the rest
    qint64 m_floodStartMs = 0;
    qint64 m_lastRejectionMs = -1'000'000;
    bool m_pinged = false;
    Face m_face = Face::Undecided;
    State m_state = State::AwaitingFirstLine;
    bool m_finished = false;
    bool m_operator = false;
    bool m_readPaused = false;
    bool m_behind = false; // counted in the room's backlog
    bool m_inputStopped = false;
    bool m_searching = false; // one search in flight at a time
    bool m_writeShut = false;
};
