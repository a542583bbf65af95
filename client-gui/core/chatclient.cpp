#include "chatclient.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Protocol::ErrorCode;
using Protocol::LeaveReason;

Q_LOGGING_CATEGORY(lcClient, "natter.client", QtInfoMsg)

namespace {
// A welcome carries the history and the user list: it may be large, but not without bound.
constexpr qsizetype MaxServerLineBytes = 64 * 1024 * 1024;
}

ChatClient::ChatClient(QObject *parent)
    : QObject(parent),
      m_framer(MaxServerLineBytes),
      // Client ids must not repeat across runs: the server drops a repeated id as a duplicate.
      m_idPrefix(QString::number(QRandomGenerator::global()->generate64(), 36))
{
    // Over TLS, hello waits for the handshake: nothing goes out before the server is checked.
    connect(&m_socket, &QSslSocket::connected, this, [this] {
        if (!m_useTls)
            handleConnected();
    });
    connect(&m_socket, &QSslSocket::encrypted, this, &ChatClient::handleConnected);
    connect(&m_socket, &QSslSocket::sslErrors, this, &ChatClient::handleSslErrors);
    connect(&m_socket, &QTcpSocket::readyRead, this, &ChatClient::processReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, &ChatClient::handleConnectionLost);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        qCInfo(lcClient) << "connection to" << m_host << m_port << "failed:"
                         << m_socket.errorString();
        handleConnectionLost();
    });

    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ChatClient::openConnection);
    m_countdownTimer.setInterval(1s);
    connect(&m_countdownTimer, &QTimer::timeout, this,
            [this] { emit reconnectCountdown(secondsUntilReconnect()); });

    m_rateLimitPause.setSingleShot(true);
    m_rateLimitPause.setInterval(1s);
    connect(&m_rateLimitPause, &QTimer::timeout, this, &ChatClient::transmitOutbox);

    m_pingTimer.setSingleShot(true);
    m_deadTimer.setSingleShot(true);
    setHeartbeat(30s, 60s);
    connect(&m_pingTimer, &QTimer::timeout, this,
            [this] { write(Protocol::Ping { QString::number(QDateTime::currentMSecsSinceEpoch()) }); });
    connect(&m_deadTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcClient) << "no traffic from the server; reconnecting";
        m_socket.abort();
        handleConnectionLost();
    });
}

ChatClient::~ChatClient()
{
    // The socket outlives the models it would report to while closing.
    m_socket.disconnect(this);
    m_socket.abort();
}

void ChatClient::setReconnectDelays(std::chrono::milliseconds first,
                                    std::chrono::milliseconds longest)
{
    m_backoff = ReconnectBackoff(first, longest);
}

void ChatClient::setHeartbeat(std::chrono::milliseconds pingAfter,
                              std::chrono::milliseconds deadAfter)
{
    m_pingTimer.setInterval(pingAfter);
    m_deadTimer.setInterval(deadAfter);
}

void ChatClient::connectToServer(const QString &host, quint16 port, const QString &nick,
                                 const QString &password, bool useTls)
{
    m_password = password;
    m_useTls = useTls;
    if (host != m_host || port != m_port) {
        m_lastSeq = 0; // message numbers belong to one server
        m_epoch.clear();
        m_lastSeqByEpoch.clear();
        m_reachedOldest = false;
    }
    m_host = host;
    m_port = port;
    m_nick = nick;
    m_wantOnline = true;
    m_wasOnline = false;
    m_backoff.reset();
    openConnection();
}

void ChatClient::disconnectFromServer()
{
    m_wantOnline = false;
    m_reconnectTimer.stop();
    m_countdownTimer.stop();
    m_pingTimer.stop();
    m_deadTimer.stop();
    if (m_state == State::Online) {
        write(Protocol::Exit {});
        m_socket.flush(); // hands the exit to the kernel now, without waiting
    }
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.disconnectFromHost(); // closes once the exit is written
    else
        m_socket.abort();
    m_users.clear();
    setState(State::Disconnected);
}

QString ChatClient::sendMessage(const QString &text, const QString &to)
{
    const Outgoing message { nextId(), text, to };
    MessageModel::Entry entry;
    entry.timestamp = QDateTime::currentMSecsSinceEpoch();
    entry.from = m_nick;
    entry.to = to;
    entry.text = text;
    entry.own = true;
    entry.delivery = MessageModel::Delivery::Pending;
    entry.id = message.id;
    m_messages.append(std::move(entry));
    m_outbox.append(message);
    transmitOutbox();
    return message.id;
}

void ChatClient::retryMessage(const QString &id)
{
    const QModelIndexList found =
            m_messages.match(m_messages.index(0), MessageModel::IdRole, id, 1, Qt::MatchExactly);
    if (found.isEmpty())
        return;
    const MessageModel::Entry &entry = m_messages.entry(found.first().row());
    if (entry.delivery != MessageModel::Delivery::Failed)
        return;
    m_outbox.append(Outgoing { id, entry.text, entry.to });
    m_messages.markPending(id);
    transmitOutbox();
}

int ChatClient::secondsUntilReconnect() const
{
    if (m_state != State::Reconnecting)
        return 0;
    return int((m_reconnectDeadline.remainingTime() + 999) / 1000);
}

void ChatClient::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void ChatClient::openConnection()
{
    m_countdownTimer.stop();
    m_socket.abort();
    m_framer.clear();
    setState(State::Connecting);
    if (m_useTls)
        m_socket.connectToHostEncrypted(m_host, m_port);
    else
        m_socket.connectToHost(m_host, m_port);
}

void ChatClient::handleSslErrors(const QList<QSslError> &errors)
{
    const QByteArray fingerprint = m_socket.peerCertificate().digest(QCryptographicHash::Sha256);
    const CertificateTrust::Status status = m_trust.check(m_host, m_port, fingerprint);
    if (status == CertificateTrust::Status::Trusted) {
        m_socket.ignoreSslErrors(errors); // must happen inside this slot
        return;
    }
    qCWarning(lcClient) << "certificate of" << m_host << m_port << "not trusted:" << errors;
    QStringList problems;
    for (const QSslError &error : errors)
        problems.append(error.errorString());
    m_pendingFingerprint = fingerprint;
    m_wantOnline = false;
    m_socket.abort();
    setState(State::Disconnected);
    emit certificateNeedsTrust(m_host, m_port, CertificateTrust::formatFingerprint(fingerprint),
                               status == CertificateTrust::Status::Changed, problems);
}

void ChatClient::acceptCertificate(bool always)
{
    if (m_pendingFingerprint.isEmpty())
        return;
    if (always)
        m_trust.trustAlways(m_host, m_port, m_pendingFingerprint);
    else
        m_trust.trustOnce(m_host, m_port, m_pendingFingerprint);
    m_pendingFingerprint.clear();
    connectToServer(m_host, m_port, m_nick, m_password, m_useTls);
}

void ChatClient::kick(const QString &nick, const QString &reason)
{
    write(Protocol::Kick { nick, reason, nextId() });
}

void ChatClient::scheduleReconnect()
{
    const auto delay = m_backoff.next();
    m_reconnectDeadline.setRemainingTime(delay);
    m_reconnectTimer.start(delay);
    setState(State::Reconnecting);
    m_countdownTimer.start();
    emit reconnectCountdown(secondsUntilReconnect());
    qCInfo(lcClient) << "reconnecting in" << delay.count() << "ms";
}

void ChatClient::handleConnected()
{
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket.setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    setState(State::Joining);
    std::optional<qint64> since;
    if (m_lastSeq > 0)
        since = m_lastSeq;
    // The window speaks version 1 (the lobby) until it shows rooms.
    write(Protocol::Hello { m_nick, 1, QStringLiteral("natter/" NATTER_VERSION),
                            since, m_password, since ? m_epoch : QString() });
    m_pingTimer.start();
    m_deadTimer.start();
}

void ChatClient::handleConnectionLost()
{
    m_olderRequest.clear(); // its answer will not come on a new connection
    // Both errorOccurred and disconnected may report the same loss.
    m_pingTimer.stop();
    m_deadTimer.stop();
    if (!m_wantOnline || m_reconnectTimer.isActive())
        return;
    if (m_state == State::Online) {
        m_wasOnline = true;
        showNotice(tr("Connection to the server lost."));
    }
    m_users.clear();
    scheduleReconnect();
}

void ChatClient::processReadyRead()
{
    m_pingTimer.start();
    m_deadTimer.start();
    m_framer.append(m_socket.readAll());
    QByteArray line;
    for (;;) {
        const LineFramer::Status status = m_framer.takeLine(&line);
        if (status == LineFramer::Status::NeedMore)
            return;
        if (status == LineFramer::Status::TooLong) {
            qCWarning(lcClient) << "the server sent a line over" << MaxServerLineBytes << "bytes";
            m_socket.abort();
            return;
        }
        auto decoded = Protocol::decodeServerFrame(line);
        if (!decoded.isValid()) {
            // A newer server may send frames this client does not know: skip them.
            qCWarning(lcClient) << "ignoring a frame from the server:" << decoded.error->text;
            continue;
        }
        std::visit([this](const auto &frame) { handleFrame(frame); }, decoded.frame);
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            return;
    }
}

void ChatClient::handleFrame(const Protocol::Welcome &welcome)
{
    m_nick = welcome.nick;
    bool missing = welcome.historyTruncated;
    // A server that keeps no store numbers from 1 again after each restart (a new epoch; an
    // older server only shows it by a smaller number): the numbers this window holds are void.
    const bool renumbered = welcome.historyReset
            || (!welcome.epoch.isEmpty() && !m_epoch.isEmpty() && welcome.epoch != m_epoch)
            || welcome.seq < m_lastSeq;
    if (renumbered) {
        if (!m_epoch.isEmpty() && m_lastSeq > 0) {
            if (m_lastSeqByEpoch.size() >= 16)
                m_lastSeqByEpoch.clear(); // a bound; only the newest few matter
            m_lastSeqByEpoch.insert(m_epoch, m_lastSeq);
        }
        m_lastSeq = m_lastSeqByEpoch.take(welcome.epoch);
        m_messages.forgetNumbering();
        m_reachedOldest = false;
        if (m_lastSeq > 0) {
            // Back in a numbering seen before: only a gap after what was shown is missing.
            missing = welcome.history.isEmpty()
                    ? welcome.seq > m_lastSeq
                    : welcome.history.constFirst().seq > m_lastSeq + 1;
        }
    }
    m_epoch = welcome.epoch;
    if (missing)
        showNotice(tr("Some messages may be missing: the server no longer has them all."));
    for (const Protocol::Message &message : welcome.history)
        addMessage(message);
    m_lastSeq = std::max(m_lastSeq, welcome.seq);
    if (welcome.usersListed)
        m_users.setUsers(welcome.users);
    else
        m_users.setCountOnly(welcome.online);
    showNotice(m_wasOnline ? tr("Reconnected as %1.").arg(m_nick)
                          : tr("You are in the chat as %1.").arg(m_nick));
    m_wasOnline = true;
    m_backoff.reset();
    setState(State::Online);
    // Unacknowledged messages go again with their ids; the server drops any it already has.
    for (Outgoing &message : m_outbox)
        message.inFlight = false;
    transmitOutbox();
}

void ChatClient::handleFrame(const Protocol::Message &message)
{
    if (addMessage(message))
        emit messageReceived(message);
}

bool ChatClient::addMessage(const Protocol::Message &message)
{
    if (message.seq <= m_lastSeq)
        return false; // already shown
    m_lastSeq = message.seq;
    // Own as the server keeps it: a lookalike nick's old messages are not ours.
    const bool own = Protocol::storedNickKey(message.from) == Protocol::storedNickKey(m_nick);
    if (own && !message.id.isEmpty() && m_messages.markDelivered(message.id, message.seq,
                                                                 message.timestamp)) {
        // An own message whose ack was lost with the connection: it did arrive.
        forgetOutgoing(message.id);
        return true;
    }
    m_messages.append(entryFor(message));
    return true;
}

MessageModel::Entry ChatClient::entryFor(const Protocol::Message &message) const
{
    const bool own = Protocol::storedNickKey(message.from) == Protocol::storedNickKey(m_nick);
    MessageModel::Entry entry;
    entry.seq = message.seq;
    entry.timestamp = message.timestamp;
    entry.from = message.from;
    entry.to = message.to;
    entry.text = message.text;
    entry.own = own;
    entry.delivery = own ? MessageModel::Delivery::Delivered : MessageModel::Delivery::Received;
    entry.id = message.id;
    return entry;
}

QString ChatClient::nextId()
{
    return m_idPrefix + u'-' + QString::number(++m_nextId);
}

QString ChatClient::search(const QString &query)
{
    if (m_state != State::Online || query.trimmed().isEmpty())
        return {};
    const QString id = nextId();
    write(Protocol::Search { query.trimmed(), id, std::nullopt });
    return id;
}

bool ChatClient::loadOlder()
{
    const qint64 oldest = m_messages.oldestSeq();
    if (m_state != State::Online || isLoadingOlder() || m_reachedOldest || oldest <= 1
        || m_messages.rowCount() >= m_messages.maxEntries())
        return false;
    m_olderRequest = nextId();
    write(Protocol::History { oldest, Protocol::MaxResults, m_olderRequest });
    return true;
}

void ChatClient::handleFrame(const Protocol::Results &results)
{
    if (results.id != m_olderRequest) {
        emit searchResults(results.id, results.messages);
        return;
    }
    m_olderRequest.clear();
    // Only what is older than the top of the view, and only as much as the view may hold.
    const qint64 oldest = m_messages.oldestSeq();
    QList<MessageModel::Entry> entries;
    for (const Protocol::Message &message : results.messages) {
        if (oldest == 0 || message.seq < oldest)
            entries.append(entryFor(message));
    }
    const qsizetype room = m_messages.maxEntries() - m_messages.rowCount();
    if (entries.size() > room)
        entries = entries.mid(entries.size() - room);
    m_reachedOldest = results.messages.isEmpty();
    m_messages.prepend(entries);
    emit olderLoaded(int(entries.size()));
}

void ChatClient::handleFrame(const Protocol::Ack &ack)
{
    // The server writes in order, so everything numbered before this ack has reached us.
    m_lastSeq = std::max(m_lastSeq, ack.seq);
    forgetOutgoing(ack.id);
    m_messages.markDelivered(ack.id, ack.seq, ack.timestamp);
}

void ChatClient::handleFrame(const Protocol::Presence &presence)
{
    if (presence.users)
        m_users.setUsers(*presence.users);
    else
        m_users.setCountOnly(presence.online);
}

void ChatClient::handleFrame(const Protocol::Notices &notices)
{
    for (const auto &notice : notices.notices)
        std::visit([this](const auto &frame) { handleFrame(frame); }, notice);
}

void ChatClient::handleFrame(const Protocol::Joined &joined)
{
    if (Protocol::nickKey(joined.nick) == Protocol::nickKey(m_nick))
        return; // our own arrival, in a batch of notices
    m_users.addUser(joined.nick);
    showNotice(tr("%1 has joined the chat.").arg(joined.nick), joined.timestamp);
}

void ChatClient::handleFrame(const Protocol::Left &left)
{
    m_users.removeUser(left.nick);
    showNotice(leftText(left), left.timestamp);
}

void ChatClient::handleFrame(const Protocol::Error &error)
{
    const bool refusal = error.code == ErrorCode::NickTaken || error.code == ErrorCode::NickInvalid
            || error.code == ErrorCode::AuthRequired || error.code == ErrorCode::AuthFailed
            || error.code == ErrorCode::Banned || error.code == ErrorCode::TlsRequired;
    if (refusal && m_state == State::Joining) {
        if (m_wasOnline && error.code == ErrorCode::NickTaken) {
            // Our previous connection may still look alive to the server; it will be removed.
            m_socket.abort();
            return;
        }
        refuseJoin(error.code);
        return;
    }
    if (error.code == ErrorCode::Kicked) {
        showError(errorText(error.code));
        refuseJoin(error.code);
        return;
    }
    if (Outgoing *message = outgoing(error.id);
        message && error.code == ErrorCode::RateLimited
        && ++message->rateLimited < MaxRateLimitedTries) {
        // Not delivered yet, not failed either: hold everything back a moment, then resend.
        message->inFlight = false;
        if (!m_rateLimitPause.isActive())
            m_rateLimitPause.start();
        return;
    }
    if (!error.id.isEmpty()) {
        forgetOutgoing(error.id);
        if (m_messages.markFailed(error.id, errorText(error.code)))
            return;
    }
    showError(errorText(error.code));
}

void ChatClient::refuseJoin(ErrorCode code)
{
    m_wantOnline = false;
    m_socket.abort();
    setState(State::Disconnected);
    emit joinRefused(code, errorText(code));
}

void ChatClient::showError(const QString &text)
{
    MessageModel::Entry entry;
    entry.kind = MessageModel::Kind::Error;
    entry.timestamp = QDateTime::currentMSecsSinceEpoch();
    entry.text = text;
    m_messages.append(std::move(entry));
}

void ChatClient::handleFrame(const Protocol::Shutdown &)
{
    showNotice(tr("The server is shutting down."));
}

void ChatClient::handleFrame(const Protocol::Ping &ping)
{
    write(Protocol::Pong { ping.token });
}

void ChatClient::handleFrame(const Protocol::Pong &)
{
}

void ChatClient::showNotice(const QString &text, qint64 timestamp)
{
    MessageModel::Entry entry;
    entry.kind = MessageModel::Kind::Notice;
    entry.timestamp = timestamp > 0 ? timestamp : QDateTime::currentMSecsSinceEpoch();
    entry.text = text;
    m_messages.append(std::move(entry));
}

void ChatClient::transmitOutbox()
{
    if (m_state != State::Online || m_rateLimitPause.isActive())
        return;
    for (Outgoing &message : m_outbox) {
        if (!message.inFlight) {
            write(Protocol::Say { message.text, message.id, message.to });
            message.inFlight = true;
        }
    }
}

ChatClient::Outgoing *ChatClient::outgoing(const QString &id)
{
    for (Outgoing &message : m_outbox) {
        if (message.id == id)
            return &message;
    }
    return nullptr;
}

void ChatClient::forgetOutgoing(const QString &id)
{
    m_outbox.removeIf([&](const Outgoing &message) { return message.id == id; });
}

void ChatClient::write(const Protocol::ClientFrame &frame)
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.write(Protocol::encode(frame));
}

QString ChatClient::leftText(const Protocol::Left &left) const
{
    switch (left.reason) {
    case LeaveReason::Exit:
        return tr("%1 has left the chat.").arg(left.nick);
    case LeaveReason::Lost:
        return tr("No message from %1, %1 will be removed from the chatroom.").arg(left.nick);
    case LeaveReason::Timeout:
        return tr("%1 timed out and was removed from the chatroom.").arg(left.nick);
    case LeaveReason::Slow:
        return tr("%1 could not keep up and was removed from the chatroom.").arg(left.nick);
    case LeaveReason::Flood:
        return tr("%1 sent too many messages and was removed from the chatroom.").arg(left.nick);
    case LeaveReason::Kicked:
        if (left.comment.isEmpty())
            return tr("%1 was removed from the chat by %2.").arg(left.nick, left.by);
        return tr("%1 was removed from the chat by %2: %3").arg(left.nick, left.by, left.comment);
    }
    return left.text;
}

QString ChatClient::errorText(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadFrame:
        return tr("The server could not read what was sent.");
    case ErrorCode::TooLong:
        return tr("That was too long for the server.");
    case ErrorCode::UnknownType:
        return tr("The server does not know that request.");
    case ErrorCode::NotRegistered:
        return tr("Not in the chat yet.");
    case ErrorCode::NickTaken:
        return tr("That nickname is taken. Please choose another.");
    case ErrorCode::NickInvalid:
        return tr("A nickname is 1 to 32 letters, digits, '_' or '-', its letters all of "
                  "one script.");
    case ErrorCode::TextTooLong:
        return tr("The message is too long.");
    case ErrorCode::NoSuchUser:
        return tr("Nobody with that nickname is in the chat.");
    case ErrorCode::RateLimited:
        return tr("Too many messages at once; slow down.");
    case ErrorCode::ServerFull:
        return tr("The server is full. Try again later.");
    case ErrorCode::TooManyConnections:
        return tr("Too many connections from this address.");
    case ErrorCode::Timeout:
        return tr("The server gave up waiting.");
    case ErrorCode::StoreFailed:
        return tr("The server could not store the message.");
    case ErrorCode::AuthRequired:
        return tr("This server needs a password for that nickname, or for everyone.");
    case ErrorCode::AuthFailed:
        return tr("The password is wrong.");
    case ErrorCode::Banned:
        return tr("Too many failed logins from this address. Try again in a few minutes.");
    case ErrorCode::TlsRequired:
        return tr("This server only accepts encrypted connections: tick \"Use TLS\".");
    case ErrorCode::Forbidden:
        return tr("Only operators may do that.");
    case ErrorCode::Kicked:
        return tr("An operator removed you from the chat.");
    case ErrorCode::UnsupportedProtocol:
        return tr("This server speaks another version of Natter's protocol; update Natter.");
    }
    return {};
}
