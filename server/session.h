// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "accessverdict.h"
#include "lineframer.h"
#include "protocol.h"
#include "refusallog.h"
#include "roommember.h"
#include "serverconfig.h"
#include "tokenbucket.h"

#include <QBasicTimer>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTcpSocket>

#include <optional>
#include <utility>

class AccessControl;
class EncodedFrame;
class Room;
class RoomDirectory;
namespace IrcFace {
struct Command;
}

// One client connection: its framing, its state and its limits. The client is never trusted:
// every line is checked here before the room sees it.
//
// States: AwaitingFirstLine -(first line picks the face)-> AwaitingNick -(valid free nick)->
// Authenticating (password checked off the event loop) -> InRoom -(exit, error, drop, kick,
// shutdown)-> Closing. The first line starting with '{' selects the
// JSON Lines face; any other first line is a plain-text client's nickname (PlainTextFace).
// Connections to the IRC port speak IRC from the start (IrcFace, sessionirc.cpp).
class Session : public QObject, public RoomMember
{
    Q_OBJECT
public:
    using Face = RoomMember::Face;
    enum class State { AwaitingFirstLine, AwaitingNick, Authenticating, InRoom, Closing };

    Session(QTcpSocket *socket, RoomDirectory *rooms, AccessControl *access, RefusalLog *refusals,
            const ServerConfig &config, QObject *parent = nullptr);

    static qint64 monotonicMs();
    // The connection came to the IRC port: it registers with NICK and USER, not hello.
    void speakIrc();

    QString nick() const override { return m_nick; }
    Face face() const override { return m_face; }
    QString awayReason() const override { return m_away; }
    bool wantsMessageTags() const override;
    bool wantsOwnMessages() const override;
    State state() const { return m_state; }
    QString peer() const { return m_peer; }

    QHostAddress peerAddress() const { return m_peerAddress; }

    // Called periodically by the server: pings a silent client, removes a dead one, and closes
    // a connection that never said hello.
    void checkLiveness(qint64 nowMs);
    // The configuration was reloaded (SIGHUP): the flood limit and operator rights apply to
    // this connection at once, not only to the connections that follow.
    void applyReloadedConfig();

    void deliver(const EncodedFrame &frame);
    void send(const Protocol::ServerFrame &frame);
    // The server is stopping: nothing more is read, so that the room can finish what it has;
    // what the client sends now stays in the kernel until closing drops it.
    void stopReading() { m_inputStopped = true; }
    // Sends the notice, lets the socket flush, then closes. Leaving is silent (see Room).
    void shutdown(const EncodedFrame &notice);

    // RoomMember
    qint64 unsentBytes() const override;
    void writeFromRoom(const QByteArray &bytes) override;
    void removeFromRoom(Protocol::LeaveReason reason) override { drop(reason); }
    void resumeReadingFromRoom() override;

protected:
    void timerEvent(QTimerEvent *event) override;

signals:
    void finished(Session *session);

private:
    void processReadyRead();
    void handleLine(const QByteArray &line);
    void handleJsonLine(const QByteArray &line);
    void handlePlainTextLine(const QByteArray &line);
    void handleIrcLine(const QByteArray &line);
    void handleIrcCommand(const IrcFace::Command &command);
    bool requireIrcParams(const IrcFace::Command &command, qsizetype count);
    // The room a channel names, if this member is in it; answers the IRC error otherwise.
    Room *ircRoom(const QString &channel);
    void registerIrcClient();
    void negotiateIrcCapabilities(const QStringList &params);
    void sendIrcHistory(const IrcFace::Command &command);
    void authenticateIrcClient(const QString &param);
    QString ircNick() const; // the nick numerics are addressed to ("*" before there is one)
    bool takeLines();
    void resumeReading();
    void handleFrame(const Protocol::Hello &hello);
    void handleFrame(const Protocol::Say &say);
    void handleFrame(const Protocol::Exit &exit);
    void handleFrame(const Protocol::Ping &ping);
    void handleFrame(const Protocol::Pong &pong);
    void handleFrame(const Protocol::Search &search);
    void handleFrame(const Protocol::History &history);
    void handleFrame(const Protocol::Kick &kick);
    void handleFrame(const Protocol::Join &join);
    void handleFrame(const Protocol::Part &part);
    void handleFrame(const Protocol::ListRooms &list);
    void handleFrame(const Protocol::SetTopic &topic);
    void handleFrame(const Protocol::Invite &invite);
    void handleFrame(const Protocol::MarkRead &read);
    void handleFrame(const Protocol::ChangeNick &change);
    void handleFrame(const Protocol::SetAway &away);
    // A nick change, once the new nick's password (if any) is checked: claims it in the
    // cluster before the old one is let go, so that nobody else can hold either meanwhile.
    void claimNewNick(const QString &nick, bool isOperator, const QString &id);
    void rename(const QString &nick, bool isOperator, const QString &id);
    // Why `nick` breaks the nick rules, for nick_invalid.
    static QString invalidNickText(const QString &nick);
    enum class Audience { Everyone, AwayNotify };
    // Writes the frame once to every other member online here who shares a room with this
    // one (not in rooms past --announce-limit); Audience::AwayNotify leaves out IRC clients
    // without away-notify.
    void announce(const EncodedFrame &frame, Audience audience);
    void kickedBy(const QString &operatorNick, const QString &reason);
    void kickFromRoom(Room *room, const Protocol::Kick &kick);
    // The room's membership ended (part or kick): the session stops being online there.
    void forgetRoom(Room *room);
    void partedFromRoom(Room *room) override { forgetRoom(room); }
    bool requireRoom(const QString &id);
    // One of the rooms this member is online in, by name (plain text: empty is the current
    // room); refuses with no_such_room or not_a_member and returns nothing otherwise.
    Room *myRoom(const QString &name, const QString &id);
    bool speaksRooms() const override { return m_face != Face::Json || m_protocol >= 2; }
    bool requireRooms(const QString &id);
    void leaveRooms(Protocol::LeaveReason reason, const QString &by = {},
                    const QString &comment = {});
    // What a hello asks for: a nick, and where the client's numbering of messages stands.
    struct JoinRequest
    {
        QString nick;
        std::optional<qint64> since;
        QString epoch;
        QList<Protocol::Hello::Position> rooms;
    };
    void enterRoom(const JoinRequest &request, const QString &password);
    // Why this member may not join `name` (`room`: the room of that name, if there is one),
    // being in `roomsHeld` rooms already; nothing when it may (creating the room if need be).
    std::optional<std::pair<Protocol::ErrorCode, QString>>
    refuseJoin(const QString &name, const Room *room, bool isPrivate, qsizetype roomsHeld) const;
    void rejectTakenNick(const QString &nick, const QString &id = {});
    void becomeMember(const JoinRequest &request, bool isOperator);
    void finishAuthentication(AccessVerdict verdict, const JoinRequest &request, bool isOperator);
    void say(const QString &text, const QString &to, const QString &room, const QString &id);
    bool admit(const QString &id, double cost = 1.0);
    enum class LogRejection { Yes, No };
    void reject(Protocol::ErrorCode code, const QString &text, const QString &id = {},
                LogRejection log = LogRejection::Yes);
    // The nick for a log line, escaped ("-" before there is one).
    QString loggedNick() const;
    // The session's own answers (errors, pongs, results): past the send-queue cap on top of
    // what the room wrote, a client that asks and never reads is cut.
    void write(const QByteArray &bytes);
    void writeToSocket(const QByteArray &bytes);
    void leaveAndClose(Protocol::LeaveReason reason);
    void closeAfterWriting();
    void shutWriteOnceWritten();
    void drop(Protocol::LeaveReason reason);
    void handleDisconnected();

    QPointer<QTcpSocket> m_socket;
    RoomDirectory *m_directory;
    QList<Room *> m_rooms; // online in, in the order joined
    Room *m_currentRoom = nullptr; // plain text: where typed lines go
    int m_protocol = 1;
    AccessControl *m_access;
    RefusalLog *m_refusals;
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
    // The account whose password this session gave (its nick key), and whether it is an
    // operator's: a member renamed away from its account may come back to it without it.
    QString m_account;
    bool m_accountIsOperator = false;
    bool m_renaming = false; // a nick change waits for a password check or the cluster
    QString m_away; // why the member is away; empty while it is not
    bool m_readPaused = false;
    qint64 m_welcomeBytes = 0; // written unchecked: the history a joining client asked for
    bool m_greeting = false; // the rooms are writing their greetings
    // A plain-text line without its "\n" is complete after a pause (see processReadyRead).
    QBasicTimer m_unfinishedLine;
    bool m_inputStopped = false;
    bool m_searching = false; // one search in flight at a time
    bool m_writeShut = false;
    // IRC: registration, and the command being answered (its errors name the command and
    // its target).
    struct IrcState
    {
        QString nick;
        QString password;
        bool userGiven = false;
        bool capNegotiating = false;
        QSet<QString> capabilities; // acknowledged IRCv3 capabilities
        int batches = 0;
        bool saslStarted = false; // AUTHENTICATE PLAIN was asked, the credentials are awaited
        bool saslChecking = false;
        QByteArray saslPayload; // base64, in chunks of 400
        QString account; // logged in by SASL
        QString command;
        QString target;
        // labeled-response: the label of the command being answered, and its replies so far
        // (one command's, written out as one labelled whole when it is done). A message handed
        // to a room takes the label along: its echo or ACK comes once it is stored.
        QString label;
        QByteArray labelled;
        bool labelTaken = false;
    };
    IrcState m_irc;
};
