#pragma once

#include "certificatetrust.h"
#include "lineframer.h"
#include "messagemodel.h"
#include "protocol.h"
#include "reconnectbackoff.h"
#include "userlistmodel.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QSslSocket>
#include <QTimer>

#include <chrono>

// The desktop client's connection to a natter-server, without any widget: it owns the socket,
// speaks the JSON Lines protocol, reconnects with backoff when the connection is lost, keeps an
// outbox so that nothing typed is lost, and exposes the conversation as two models.
//
// States: Disconnected -connectToServer-> Connecting -connected-> Joining -welcome-> Online.
// A lost connection (not the user's own disconnect) goes to Reconnecting, which counts down and
// connects again, sending hello with `since` = the last message number seen.
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
    // The user trusts the certificate last reported by certificateNeedsTrust (for this run,
    // or remembered): connects again.
    void acceptCertificate(bool always);
    bool usesTls() const { return m_useTls; }
    bool isEncrypted() const { return m_socket.isEncrypted(); }
    CertificateTrust *certificateTrust() { return &m_trust; }
    // Sends an operator's kick; the answer is a left notice, or an error.
    void kick(const QString &nick, const QString &reason);
    // The user's own goodbye: sends exit and does not reconnect.
    void disconnectFromServer();

    // Queues a message (to one user when `to` is set) and sends it as soon as the client is
    // online. Returns the message's client id.
    QString sendMessage(const QString &text, const QString &to = {});
    // Sends a failed message again, keeping its place in the conversation.
    void retryMessage(const QString &id);

    // Asks the server for messages containing all words of `query`; the answer comes as
    // searchResults with the returned id. Empty when offline.
    QString search(const QString &query);
    // Asks for the messages before the oldest one shown; they are put at the top of the model.
    // False when offline, already asking, or nothing older exists.
    bool loadOlder();
    bool isLoadingOlder() const { return !m_olderRequest.isEmpty(); }

    State state() const { return m_state; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString nick() const { return m_nick; }
    qint64 lastSeq() const { return m_lastSeq; }
    qsizetype outboxSize() const { return m_outbox.size(); }
    // Whole seconds until the next connection attempt while reconnecting.
    int secondsUntilReconnect() const;

    MessageModel *messages() { return &m_messages; }
    UserListModel *users() { return &m_users; }

    void setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest);
    // No traffic for `pingAfter` sends a ping; none for `deadAfter` counts as a lost connection.
    void setHeartbeat(std::chrono::milliseconds pingAfter, std::chrono::milliseconds deadAfter);
    // How long to hold messages back after the server said "rate_limited".
    void setRateLimitPause(std::chrono::milliseconds pause) { m_rateLimitPause.setInterval(pause); }

    // Lines for the conversation that come from this side, not from the server.
    void showNotice(const QString &text, qint64 timestamp = 0);
    void showError(const QString &text);

    static QString errorText(Protocol::ErrorCode code);

signals:
    void stateChanged(ChatClient::State state);
    void reconnectCountdown(int seconds);
    // The server would not let us in (nick_taken, nick_invalid, auth_required, auth_failed,
    // banned, tls_required) or removed us (kicked): the client stays disconnected, and the
    // user has to change something before connecting again.
    void joinRefused(Protocol::ErrorCode code, const QString &text);
    // The server's certificate is not vouched for by a system CA and not trusted yet (or it
    // differs from the one trusted before: `changed`). The connection is closed meanwhile.
    void certificateNeedsTrust(const QString &host, quint16 port, const QString &fingerprint,
                               bool changed, const QStringList &problems);
    // A message from someone else arrived live (not replayed history).
    void messageReceived(const Protocol::Message &message);
    void searchResults(const QString &id, const QList<Protocol::Message> &messages);
    void olderLoaded(int count);

private:
    struct Outgoing
    {
        QString id;
        QString text;
        QString to;
        bool inFlight = false; // written on the current connection, no answer yet
        int rateLimited = 0; // times the server said "slow down" to this one
    };
    static constexpr int MaxRateLimitedTries = 5;

    void setState(State state);
    void openConnection();
    void scheduleReconnect();
    void handleConnected();
    void handleConnectionLost();
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
    // Frames about rooms: a version-1 client is not sent them.
    void handleFrame(const Protocol::RoomState &) { }
    void handleFrame(const Protocol::RoomList &) { }
    void handleFrame(const Protocol::TopicChanged &) { }
    void handleFrame(const Protocol::Invited &) { }
    void handleFrame(const Protocol::Results &results);
    void handleFrame(const Protocol::Notices &notices);
    void handleFrame(const Protocol::Presence &presence);
    // False when the message was already shown.
    bool addMessage(const Protocol::Message &message);
    MessageModel::Entry entryFor(const Protocol::Message &message) const;
    QString nextId();
    void transmitOutbox();
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
    MessageModel m_messages;
    UserListModel m_users;
    ReconnectBackoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_countdownTimer;
    QDeadlineTimer m_reconnectDeadline;
    QTimer m_pingTimer;
    QTimer m_deadTimer;
    QTimer m_rateLimitPause;
    QList<Outgoing> m_outbox; // accepted from the user, not yet acknowledged, in order
    QString m_host;
    quint16 m_port = 0;
    QString m_nick;
    QString m_password;
    bool m_useTls = false;
    QString m_idPrefix;
    quint64 m_nextId = 0;
    qint64 m_lastSeq = 0;
    // The server's numbering m_lastSeq counts in (Welcome::epoch), and where this window stood
    // in the numberings it saw before: a server that comes back with its old store resumes
    // there, so nothing is shown twice.
    QString m_epoch;
    QHash<QString, qint64> m_lastSeqByEpoch;
    QString m_olderRequest; // id of the history request under way
    bool m_reachedOldest = false;
    State m_state = State::Disconnected;
    bool m_wantOnline = false; // the user asked to be connected
    bool m_wasOnline = false; // this connection run has been online: rejoining, not joining
};
