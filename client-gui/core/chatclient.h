#pragma once

#include "certificatetrust.h"
#include "conversationlistmodel.h"
#include "lineframer.h"
#include "messagemodel.h"
#include "protocol.h"
#include "reconnectbackoff.h"
#include "serverlist.h"
#include "userlistmodel.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslSocket>
#include <QTimer>

#include <chrono>

// The desktop client's connection to a natter-server, without any widget: it owns the socket,
// speaks the JSON Lines protocol (version 2: rooms), reconnects with backoff when the connection
// is lost, keeps an outbox so that nothing typed is lost, and exposes the conversations (rooms
// and direct messages, each with its messages, members and unread count) as models.
//
// States: Disconnected -connectToServer-> Connecting -connected-> Joining -welcome-> Online.
// A lost connection (not the user's own disconnect) goes to Reconnecting, which counts down and
// connects again, sending hello with each room's last message number seen; given the nodes of a
// cluster, it connects to the next node instead. Those positions are also kept in QSettings per
// server (or cluster) and nick, so a restarted window resumes too.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Joining, Online, Reconnecting };
    Q_ENUM(State)

    explicit ChatClient(QObject *parent = nullptr);
    ~ChatClient() override;

    // `password` is a registered nick's password or the server's shared one; empty for none.
    // With `useTls` the connection is encrypted and the server's certificate checked: against
    // the system's CAs, else against the certificates the user chose to trust.
    void connectToServer(const QString &host, quint16 port, const QString &nick,
                         const QString &password = {}, bool useTls = false);
    // The nodes of one cluster (or one server): the client connects to the first, and when the
    // node in use goes away (lost, refused, shut down) moves to the next, round robin, waiting
    // the reconnect backoff only after a whole round failed. Each room resumes where it was.
    void connectToServer(const ServerList &servers, const QString &nick,
                         const QString &password = {}, bool useTls = false);
    // The user trusts the certificate last reported by certificateNeedsTrust (for this run,
    // or remembered): connects again.
    void acceptCertificate(bool always);
    bool usesTls() const { return m_useTls; }
    bool isEncrypted() const { return m_socket.isEncrypted(); }
    CertificateTrust *certificateTrust() { return &m_trust; }
    // Sends a kick: from a room (by its owner or an operator) when `room` is set, else from
    // the server (operators only). The answer is a left notice, or an error.
    void kick(const QString &nick, const QString &reason, const QString &room = {});
    // Asks for another nick (with its password if it is registered): answered by nickChanged,
    // or an error shown in the conversation. Reconnecting uses the nick the server accepted.
    void changeNick(const QString &nick, const QString &password = {});
    // Marks the user away with a reason, or back with none.
    void setAway(const QString &reason);
    QString awayReason() const { return m_awayReason; }
    // The user's own goodbye: sends exit and does not reconnect.
    void disconnectFromServer();

    // Queues a message and sends it as soon as the client is online: to one user when `to` is
    // set, else to the current conversation. Returns the message's client id, or nothing (and
    // queues nothing) while the user has not asked to be connected. Unsent messages belong to
    // the server they were typed for: connecting to another one drops them, with a notice.
    QString sendMessage(const QString &text, const QString &to = {});
    QString sendMessage(Conversation *conversation, const QString &text);
    // Sends a failed message again, keeping its place in the conversation.
    void retryMessage(const QString &id);

    // Asks the server for messages containing all words of `query`, in one conversation's room
    // (a direct conversation's is the lobby) or, with none, in all the user's rooms; the answer
    // comes as searchResults with the returned id. Empty when offline.
    QString search(const QString &query, const Conversation *scope = nullptr);
    // Asks for the messages before the oldest one shown in the current conversation (or the
    // given room); they are put at the top of its model. False when offline, already asking,
    // or nothing older exists.
    bool loadOlder(Conversation *conversation = nullptr);

    // Rooms. Joining answers with a room frame (roomJoined) or an error; a room not there yet
    // is created (private: only those invited may join).
    void joinRoom(const QString &room, bool isPrivate = false);
    void partRoom(Conversation *room);
    void setTopic(Conversation *room, const QString &topic);
    void invite(Conversation *room, const QString &nick);
    // The server's rooms whose name or topic contains `filter`: answered by roomListReceived
    // with the returned id. Empty when offline.
    QString listRooms(const QString &filter);
    // Opens the direct conversation with `nick` (it appears in the list).
    Conversation *openDirect(const QString &nick);

    ConversationListModel *conversations() { return &m_conversations; }
    Conversation *lobby() const { return m_lobby; }
    Conversation *findRoom(const QString &name) const;
    // The conversation on screen: notices go there, and while the user is attentive (the
    // window is active) what arrives in it counts as read, and the server hears so.
    Conversation *current() const { return m_current ? m_current.data() : m_lobby; }
    void setCurrent(Conversation *conversation);
    void setAttentive(bool attentive);
    bool isAttentive() const { return m_attentive; }
    // Marks everything in the conversation read, here and (throttled) on the server.
    void markRead(Conversation *conversation);
    void setReadThrottle(std::chrono::milliseconds interval);
    bool isLoadingOlder() const { return !m_olderRequest.isEmpty(); }

    State state() const { return m_state; }
    // The user asked to be connected (and did not leave since): online, or on the way.
    bool isConnectionWanted() const { return m_wantOnline; }
    // The node in use (or being tried), and every node the client may use.
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    const ServerList &servers() const { return m_servers; }
    qsizetype serverIndex() const { return m_serverIndex; }
    QString nick() const { return m_nick; }
    qint64 lastSeq() const { return m_lobby->lastSeq(); } // the lobby's
    qsizetype outboxSize() const { return m_outbox.size(); }
    // Why the last connection attempt failed ("connection refused", …); empty once online.
    QString lastFailure() const { return m_lastFailure; }
    // This connection run has been online: a loss now is retried for as long as it takes.
    bool hasBeenOnline() const { return m_wasOnline; }
    // Whole seconds until the next connection attempt while reconnecting.
    int secondsUntilReconnect() const;

    // The current conversation's; a direct conversation shows who is online in the lobby,
    // whom direct messages can reach.
    MessageModel *messages() { return current()->messages(); }
    UserListModel *users() { return current()->isRoom() ? current()->users() : m_lobby->users(); }

    void setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest);
    // No traffic for `pingAfter` sends a ping; none for `deadAfter` counts as a lost connection.
    void setHeartbeat(std::chrono::milliseconds pingAfter, std::chrono::milliseconds deadAfter);
    // How long to hold messages back after the server said "rate_limited".
    void setRateLimitPause(std::chrono::milliseconds pause) { m_rateLimitPause.setInterval(pause); }

    // Lines for the conversation that come from this side, not from the server.
    void showNotice(const QString &text, qint64 timestamp = 0);
    void showError(const QString &text);
    static void showNotice(Conversation *conversation, const QString &text, qint64 timestamp = 0);
    static void showError(Conversation *conversation, const QString &text);
    // True when `text` names `nick` as a word (ignoring case).
    static bool mentions(const QString &text, const QString &nick);
    // Words besides the nick that make a message a mention (whole words, ignoring case).
    void setHighlightWords(const QStringList &words) { m_highlightWords = words; }
    QStringList highlightWords() const { return m_highlightWords; }
    // Someone else's message that names the user or one of the highlight words.
    bool isMention(const Protocol::Message &message) const;

    static QString errorText(Protocol::ErrorCode code);

signals:
    void stateChanged(ChatClient::State state);
    void reconnectCountdown(int seconds);
    // The server would not let us in (nick_taken, nick_invalid, auth_required, auth_failed,
    // banned, tls_required) or removed us (kicked): the client stays disconnected, and the
    // user has to change something before connecting again.
    void joinRefused(Protocol::ErrorCode code, const QString &text);
    // A server never reached in this run failed MaxFirstConnectAttempts times: the client
    // stays disconnected; `text` says where and why.
    void connectFailed(const QString &text);
    // The server's certificate is not vouched for by a system CA and not trusted yet (or it
    // differs from the one trusted before: `changed`). The connection is closed meanwhile.
    void certificateNeedsTrust(const QString &host, quint16 port, const QString &fingerprint,
                               bool changed, const QStringList &problems);
    // A message from someone else arrived live (not replayed history).
    void messageReceived(const Protocol::Message &message);
    void searchResults(const QString &id, const QList<Protocol::Message> &messages);
    void olderLoaded(int count);
    // A room the user asked to join is there (its room frame arrived).
    void roomJoined(Conversation *room);
    void currentChanged(Conversation *conversation);
    void roomListReceived(const QString &id, const QList<Protocol::RoomSummary> &rooms);
    // The server accepted the user's new nick.
    void nickChanged(const QString &nick);

private:
    struct Outgoing
    {
        QString id;
        QString text;
        QString to;
        QString room;
        bool inFlight = false; // written on the current connection, no answer yet
        int rateLimited = 0; // times the server said "slow down" to this one
    };
    static constexpr int MaxRateLimitedTries = 5;
    // Tries for a connection that never succeeded, the first included.
    static constexpr int MaxFirstConnectAttempts = 4;

    void setState(State state);
    void start();
    void openConnection();
    void scheduleReconnect(std::chrono::milliseconds delay);
    void useServer(qsizetype index);
    void handleConnected();
    void sendHello();
    void handleConnectionLost();
    QString failureText(QAbstractSocket::SocketError error) const;
    void processReadyRead();
    void handleFrame(const Protocol::Welcome &welcome);
    void handleFrame(const Protocol::Message &message);
    void handleFrame(const Protocol::Ack &ack);
    void handleFrame(const Protocol::Joined &joined);
    void handleFrame(const Protocol::Left &left);
    void handleFrame(const Protocol::Error &error);
    void handleFrame(const Protocol::Shutdown &shutdown);
    void handleFrame(const Protocol::Ping &ping);
    void handleFrame(const Protocol::Pong &pong);
    void handleFrame(const Protocol::RoomState &state);
    void handleFrame(const Protocol::RoomList &list);
    void handleFrame(const Protocol::TopicChanged &topic);
    void handleFrame(const Protocol::Invited &invited);
    void handleFrame(const Protocol::Results &results);
    void handleFrame(const Protocol::Notices &notices);
    void handleFrame(const Protocol::Presence &presence);
    void handleFrame(const Protocol::Renamed &renamed);
    void handleFrame(const Protocol::AwayChanged &away);
    // False when the message was already shown.
    bool addMessage(const Protocol::Message &message);
    MessageModel::Entry entryFor(const Protocol::Message &message) const;
    bool isOwn(const QString &nick) const;
    Conversation *room(const QString &name);
    Conversation *conversationOf(const Outgoing &message) const;
    void sendReads();
    void loadPositions();
    void schedulePositionSave();
    void savePositions();
    QString positionsGroup() const;
    QString nextId();
    void transmitOutbox();
    void abandonOutbox();
    Outgoing *outgoing(const QString &id);
    void forgetOutgoing(const QString &id);
    void write(const Protocol::ClientFrame &frame);
    QString leftText(const Protocol::Left &left) const;

    void handleSslErrors(const QList<QSslError> &errors);
    void refuseJoin(Protocol::ErrorCode code);

    QSslSocket m_socket;
    CertificateTrust m_trust;
    QByteArray m_pendingFingerprint; // reported by certificateNeedsTrust, not yet accepted
    LineFramer m_framer;
    ConversationListModel m_conversations;
    Conversation *m_lobby;
    QPointer<Conversation> m_current;
    bool m_attentive = false;
    QTimer m_readTimer; // sends read markers held back by the throttle
    QTimer m_saveTimer; // writes the positions to QSettings, at most once a second
    // Where the client stood in each room (roomKey -> name, since, epoch) and what it had read
    // of each direct conversation (nickKey -> seq), as remembered from an earlier run.
    struct Position
    {
        QString room;
        qint64 since = 0;
        QString epoch;
    };
    QHash<QString, Position> m_savedPositions;
    QHash<QString, qint64> m_savedDirectReads;
    QString m_savedDirectEpoch; // the lobby numbering those count in
    QSet<QString> m_resumedRooms; // rooms whose hello position came from an earlier run
    QList<QPointer<Conversation>> m_contextWanted; // resumed rooms waiting for a page before
    void requestContext();
    QHash<QString, QString> m_pendingJoins; // request id -> roomKey the user asked to join
    ReconnectBackoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_countdownTimer;
    QDeadlineTimer m_reconnectDeadline;
    QTimer m_pingTimer;
    QTimer m_deadTimer;
    QTimer m_rateLimitPause;
    QList<Outgoing> m_outbox; // accepted from the user, not yet acknowledged, in order
    ServerList m_servers;
    qsizetype m_serverIndex = 0; // in m_servers: the node m_host and m_port name
    int m_failedInRound = 0; // nodes that failed since the last welcome or the last backoff
    QString m_host;
    quint16 m_port = 0;
    QString m_nick;
    QString m_password;
    // The nick change under way: its request id, and the password it gave.
    QString m_nickRequest;
    QString m_nickWanted;
    QString m_nickPassword;
    QString m_awayReason; // as the server last confirmed it
    bool m_useTls = false;
    QString m_idPrefix;
    quint64 m_nextId = 0;
    QString m_olderRequest; // id of the history request under way
    QPointer<Conversation> m_olderConversation; // what it is for
    bool m_reachedOldest = false;
    State m_state = State::Disconnected;
    bool m_wantOnline = false; // the user asked to be connected
    // What this server speaks: version 1 servers know only the lobby (its welcome says so).
    int m_protocol = Protocol::Version;
    bool m_wasOnline = false; // this connection run has been online: rejoining, not joining
    QString m_lastFailure; // why the last attempt failed, for the user
    QStringList m_highlightWords;
};
