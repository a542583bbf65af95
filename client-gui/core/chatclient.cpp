#include "chatclient.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>

#include <algorithm>

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
      m_lobby(m_conversations.obtain(Conversation::Kind::Room, Protocol::Lobby)),
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
    connect(&m_socket, &QTcpSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError error) {
                qCInfo(lcClient) << "connection to" << m_host << m_port
                                 << "failed:" << m_socket.errorString();
                m_lastFailure = failureText(error);
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
    m_readTimer.setInterval(1s);
    connect(&m_readTimer, &QTimer::timeout, this, &ChatClient::sendReads);
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(1s);
    connect(&m_saveTimer, &QTimer::timeout, this, &ChatClient::savePositions);
    connect(&m_conversations, &ConversationListModel::aboutToRemove, this,
            [this](Conversation *conversation) {
                if (conversation == m_current)
                    setCurrent(m_lobby);
            });

    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        write(Protocol::Ping { QString::number(QDateTime::currentMSecsSinceEpoch()) });
    });
    connect(&m_deadTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcClient) << "no traffic from the server; reconnecting";
        m_socket.abort();
        handleConnectionLost();
    });
}

ChatClient::~ChatClient()
{
    if (m_saveTimer.isActive())
        savePositions();
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
    connectToServer(ServerList(host, port), nick, password, useTls);
}

void ChatClient::connectToServer(const ServerList &servers, const QString &nick,
                                 const QString &password, bool useTls)
{
    if (servers.isEmpty())
        return;
    m_password = password;
    m_useTls = useTls;
    const bool otherServers = servers.key() != m_servers.key();
    if (otherServers || Protocol::nickKey(nick) != Protocol::nickKey(m_nick)) {
        // Message numbers and rooms belong to one server (or cluster) and one member.
        if (m_saveTimer.isActive())
            savePositions();
        const QList<Conversation *> all = m_conversations.all();
        for (Conversation *conversation : all) {
            if (conversation != m_lobby)
                m_conversations.remove(conversation);
        }
        if (otherServers) {
            // Another server's lobby is another conversation: its history would land below
            // this one's. (Another nick on the same server shares the lobby and resumes where
            // the window was.)
            m_lobby->messages()->clear();
            m_lobby->resetNumbering({});
            m_lobby->setLastSeq(0);
            m_lobby->setEpoch({});
            m_lobby->seqByEpoch().clear();
            abandonOutbox();
        }
        m_servers = servers;
        m_nick = nick;
        m_protocol = Protocol::Version;
        loadPositions();
    }
    m_servers = servers; // the same nodes, perhaps in another order
    m_nick = nick;
    useServer(0);
    start();
}

void ChatClient::useServer(qsizetype index)
{
    m_serverIndex = index;
    m_host = m_servers.at(index).host;
    m_port = m_servers.at(index).port;
}

void ChatClient::start()
{
    m_reconnectTimer.stop(); // a countdown to the old attempt would swallow the next loss
    m_wantOnline = true;
    m_wasOnline = false;
    m_lastFailure.clear();
    m_backoff.reset();
    m_failedInRound = 0;
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
    for (Conversation *conversation : m_conversations.all())
        conversation->users()->clear();
    if (m_saveTimer.isActive())
        savePositions();
    setState(State::Disconnected);
}

QString ChatClient::sendMessage(const QString &text, const QString &to)
{
    if (!to.isEmpty())
        return sendMessage(openDirect(to), text);
    return sendMessage(current(), text);
}

void ChatClient::abandonOutbox()
{
    // Typed for the server being left: another one must never get them. Their text stays
    // on screen, to copy if wanted.
    const QString server = m_servers.toString();
    for (const Outgoing &message : std::as_const(m_outbox)) {
        qCInfo(lcClient) << "not sending" << message.id << "to another server than" << server;
        showError(m_lobby,
                  tr("Not sent to %1 (you connected to another server): %2")
                          .arg(server, message.text));
    }
    m_outbox.clear();
}

QString ChatClient::sendMessage(Conversation *conversation, const QString &text)
{
    if (!m_wantOnline)
        return {}; // typed for no server: it would go to whichever comes next
    const QString to = conversation->isRoom() ? QString() : conversation->name();
    const QString room = conversation->isRoom() ? conversation->name() : QString();
    const Outgoing message { nextId(), text, to, room };
    MessageModel::Entry entry;
    entry.timestamp = QDateTime::currentMSecsSinceEpoch();
    entry.from = m_nick;
    entry.to = to;
    entry.text = text;
    entry.own = true;
    entry.delivery = MessageModel::Delivery::Pending;
    entry.id = message.id;
    conversation->messages()->append(std::move(entry));
    m_outbox.append(message);
    transmitOutbox();
    return message.id;
}

void ChatClient::retryMessage(const QString &id)
{
    for (Conversation *conversation : m_conversations.all()) {
        MessageModel *messages = conversation->messages();
        const QModelIndexList found = messages->match(messages->index(0), MessageModel::IdRole, id,
                                                      1, Qt::MatchExactly);
        if (found.isEmpty())
            continue;
        const MessageModel::Entry &entry = messages->entry(found.first().row());
        if (entry.delivery != MessageModel::Delivery::Failed)
            return;
        if (!m_wantOnline) {
            showError(conversation, tr("Not connected: connect first, then retry."));
            return;
        }
        m_outbox.append(Outgoing { id, entry.text, entry.to,
                                   conversation->isRoom() ? conversation->name() : QString() });
        messages->markPending(id);
        transmitOutbox();
        return;
    }
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
    start(); // the same node again, then the others as before
}

void ChatClient::kick(const QString &nick, const QString &reason, const QString &room)
{
    write(Protocol::Kick { nick, reason, nextId(), room });
}

void ChatClient::changeNick(const QString &nick, const QString &password)
{
    if (m_state != State::Online) {
        showError(tr("Not in the chat: connect first, then change your nickname."));
        return;
    }
    if (!m_nickRequest.isEmpty()) {
        showError(tr("Your last nickname change has no answer yet."));
        return;
    }
    m_nickRequest = nextId();
    m_nickWanted = nick;
    m_nickPassword = password;
    write(Protocol::ChangeNick { nick, password, m_nickRequest });
}

void ChatClient::setAway(const QString &reason)
{
    if (m_state != State::Online) {
        showError(tr("Not in the chat: connect first."));
        return;
    }
    write(Protocol::SetAway { reason, nextId() });
}

void ChatClient::handleFrame(const Protocol::Renamed &renamed)
{
    const bool own = (!renamed.id.isEmpty() && renamed.id == m_nickRequest) || isOwn(renamed.from);
    if (own) {
        m_nickRequest.clear();
        // A reconnect is a hello with the new nick; a registered one needs the password it
        // was taken with, an unregistered one the server's shared password if there is one.
        if (!m_nickPassword.isEmpty())
            m_password = std::exchange(m_nickPassword, {});
        m_nick = renamed.to;
    }
    for (Conversation *conversation : m_conversations.all()) {
        if (!conversation->isRoom())
            continue;
        if (!conversation->users()->renameUser(renamed.from, renamed.to) && !own)
            continue;
        showNotice(conversation,
                   own ? tr("You are now known as %1.").arg(renamed.to)
                       : tr("%1 is now known as %2.").arg(renamed.from, renamed.to),
                   renamed.timestamp);
    }
    if (own) {
        qCInfo(lcClient) << "now known as" << renamed.to;
        schedulePositionSave();
        emit nickChanged(m_nick);
    }
}

void ChatClient::handleFrame(const Protocol::AwayChanged &away)
{
    for (Conversation *conversation : m_conversations.all()) {
        if (conversation->isRoom())
            conversation->users()->setAwayReason(away.nick, away.reason);
    }
    if (!isOwn(away.nick))
        return;
    m_awayReason = away.reason;
    showNotice(away.isAway() ? tr("You are marked as away: %1").arg(away.reason)
                             : tr("You are no longer marked as away."));
}

void ChatClient::scheduleReconnect(std::chrono::milliseconds delay)
{
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
    sendHello();
    m_pingTimer.start();
    m_deadTimer.start();
}

void ChatClient::sendHello()
{
    Protocol::Hello hello {
        m_nick, m_protocol, QStringLiteral("natter/" NATTER_VERSION), std::nullopt, m_password,
        {},     {}
    };
    if (m_protocol < 2) {
        if (m_lobby->lastSeq() > 0) {
            hello.since = m_lobby->lastSeq();
            hello.epoch = m_lobby->epoch();
        }
        write(hello);
        return;
    }
    QSet<QString> known;
    for (Conversation *conversation : m_conversations.all()) {
        if (!conversation->isRoom())
            continue;
        if (conversation->lastSeq() > 0) {
            hello.rooms.append(
                    { conversation->name(), conversation->lastSeq(), conversation->epoch() });
            known.insert(Protocol::roomKey(conversation->name()));
        } else if (m_wasOnline) {
            // A room without messages yet is named too: a node (or a server restarted
            // without its store) that does not know the member puts it back in what it names.
            hello.rooms.append({ conversation->name(), std::nullopt, {} });
            known.insert(Protocol::roomKey(conversation->name()));
        }
    }
    m_resumedRooms.clear();
    for (auto it = m_savedPositions.cbegin(); it != m_savedPositions.cend(); ++it) {
        if (!known.contains(it.key()) && it->since > 0) {
            hello.rooms.append({ it->room, it->since, it->epoch });
            m_resumedRooms.insert(it.key());
        }
    }
    write(hello);
}

void ChatClient::handleConnectionLost()
{
    m_olderRequest.clear(); // its answer will not come on a new connection
    m_pendingJoins.clear();
    m_nickRequest.clear(); // unanswered: the nick stays the one the server last accepted
    m_nickPassword.clear();
    m_contextWanted.clear();
    // Both errorOccurred and disconnected may report the same loss.
    m_pingTimer.stop();
    m_deadTimer.stop();
    if (!m_wantOnline || m_reconnectTimer.isActive())
        return;
    if (m_state == State::Online) {
        m_wasOnline = true;
        showNotice(tr("Connection to the server lost."));
    }
    for (Conversation *conversation : m_conversations.all())
        conversation->users()->clear();
    // A whole round: every node of the list failed once since the last welcome or backoff.
    const bool roundFailed = ++m_failedInRound >= m_servers.size();
    if (!m_wasOnline && roundFailed && m_backoff.attempt() + 1 >= MaxFirstConnectAttempts) {
        // A server never reached is most likely a wrong address or port, not a network
        // hiccup: retrying forever would only hide that.
        const QString why = m_lastFailure.isEmpty() ? tr("the server closed the connection")
                                                    : m_lastFailure;
        const QString reason = m_servers.isCluster()
                ? tr("Could not connect to any of %1: %2").arg(m_servers.toString(), why)
                : tr("Could not connect to %1:%2: %3").arg(m_host).arg(m_port).arg(why);
        qCInfo(lcClient) << "giving up after" << MaxFirstConnectAttempts << "attempts";
        m_wantOnline = false;
        setState(State::Disconnected);
        showError(reason);
        emit connectFailed(reason);
        return;
    }
    if (m_servers.isCluster()) {
        // The next node serves the same rooms: go there at once, and wait only once all of
        // them failed, so a cluster with one live node is found in one round.
        const bool wasOnline = m_state == State::Online;
        useServer((m_serverIndex + 1) % m_servers.size());
        if (wasOnline)
            showNotice(tr("Trying the next server, %1.")
                               .arg(ServerList::format(m_servers.at(m_serverIndex))));
        if (!roundFailed) {
            scheduleReconnect(0ms);
            return;
        }
    }
    m_failedInRound = 0;
    scheduleReconnect(m_backoff.next());
}

QString ChatClient::failureText(QAbstractSocket::SocketError error) const
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return tr("connection refused (is a Natter server running on that port?)");
    case QAbstractSocket::HostNotFoundError:
        return tr("host %1 not found").arg(m_host);
    case QAbstractSocket::SocketTimeoutError:
        return tr("no answer (timed out)");
    case QAbstractSocket::NetworkError:
        return tr("the network is unreachable");
    case QAbstractSocket::RemoteHostClosedError:
        return tr("the server closed the connection");
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return tr("TLS failure: %1").arg(m_socket.errorString());
    default:
        return m_socket.errorString();
    }
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
    if (welcome.protocol < 2) {
        // A server of version 1 knows only the lobby, which its welcome describes.
        Protocol::RoomState lobby;
        lobby.room = Protocol::Lobby;
        lobby.users = welcome.users;
        lobby.usersListed = welcome.usersListed;
        lobby.away = welcome.away;
        lobby.online = welcome.online;
        lobby.seq = welcome.seq;
        lobby.epoch = welcome.epoch;
        lobby.history = welcome.history;
        lobby.historyTruncated = welcome.historyTruncated;
        lobby.historyReset = welcome.historyReset;
        handleFrame(lobby);
    } else {
        // Rooms the member no longer belongs to (parted or removed elsewhere) go.
        QSet<QString> rooms;
        for (const QString &name : welcome.rooms)
            rooms.insert(Protocol::roomKey(name));
        const QList<Conversation *> all = m_conversations.all();
        for (Conversation *conversation : all) {
            if (conversation->isRoom() && !conversation->isLobby()
                && !rooms.contains(Protocol::roomKey(conversation->name())))
                m_conversations.remove(conversation);
        }
    }
    m_savedPositions.clear(); // from now on the conversations know where they stand
    m_lastFailure.clear();
    if (m_servers.isCluster()) {
        // Which node, since any of them may be the one in use.
        const QString node = ServerList::format(m_servers.at(m_serverIndex));
        showNotice(m_wasOnline ? tr("Reconnected as %1, on %2.").arg(m_nick, node)
                               : tr("You are in the chat as %1, on %2.").arg(m_nick, node));
    } else {
        showNotice(m_wasOnline ? tr("Reconnected as %1.").arg(m_nick)
                               : tr("You are in the chat as %1.").arg(m_nick));
    }
    m_wasOnline = true;
    m_backoff.reset();
    m_failedInRound = 0;
    setState(State::Online);
    // Unacknowledged messages go again with their ids; the server drops any it already has.
    for (Outgoing &message : m_outbox)
        message.inFlight = false;
    transmitOutbox();
    // Away is the session's on the server: a new connection says it again.
    if (!m_awayReason.isEmpty())
        write(Protocol::SetAway { m_awayReason, nextId() });
}

void ChatClient::handleFrame(const Protocol::RoomState &state)
{
    Conversation *conversation = room(state.room);
    const bool resumed = m_resumedRooms.remove(Protocol::roomKey(state.room))
            && conversation->messages()->oldestSeq() == 0;
    conversation->setTopic(state.topic);
    conversation->setRoomSettings(state.owner, state.isPrivate);
    bool missing = state.historyTruncated;
    // A server that keeps no store numbers from 1 again after each restart (a new epoch; an
    // older server only shows it by a smaller number): the numbers this room holds are void.
    const qint64 lastSeq = conversation->lastSeq();
    const bool renumbered = state.historyReset
            || (!state.epoch.isEmpty() && !conversation->epoch().isEmpty()
                && state.epoch != conversation->epoch())
            || state.seq < lastSeq;
    if (renumbered) {
        QHash<QString, qint64> &seqByEpoch = conversation->seqByEpoch();
        if (!conversation->epoch().isEmpty() && lastSeq > 0) {
            if (seqByEpoch.size() >= 16)
                seqByEpoch.clear(); // a bound; only the newest few matter
            seqByEpoch.insert(conversation->epoch(), lastSeq);
        }
        const qint64 resumeAt = seqByEpoch.take(state.epoch);
        conversation->resetNumbering(state.epoch);
        conversation->setLastSeq(resumeAt);
        if (conversation->isLobby()) {
            // Direct messages are numbered with the lobby's.
            for (Conversation *other : m_conversations.all()) {
                if (!other->isRoom())
                    other->resetNumbering(state.epoch);
            }
        }
        if (resumeAt > 0) {
            // Back in a numbering seen before: only a gap after what was shown is missing.
            missing = state.history.isEmpty() ? state.seq > resumeAt
                                              : state.history.constFirst().seq > resumeAt + 1;
        }
    }
    conversation->setEpoch(state.epoch);
    if (conversation->isLobby()) {
        for (Conversation *other : m_conversations.all()) {
            if (!other->isRoom())
                other->setEpoch(state.epoch);
        }
    }
    if (missing) {
        showNotice(conversation,
                   tr("Some messages may be missing: the server no longer has them all."));
    }
    for (const Protocol::Message &message : state.history)
        addMessage(message);
    conversation->setLastSeq(std::max(conversation->lastSeq(), state.seq));
    conversation->setReadSeq(state.read);
    conversation->setSentReadSeq(std::max(conversation->sentReadSeq(), state.read));
    if (state.usersListed) {
        conversation->users()->setUsers(state.users);
        conversation->users()->setAwayReasons(state.away);
    } else {
        conversation->users()->setCountOnly(state.online);
    }
    // Everyone who ever came is a member of the lobby: only rooms list who is away.
    if (!conversation->isLobby() && state.membersListed)
        conversation->users()->setMembers(state.members);
    schedulePositionSave();
    for (auto it = m_pendingJoins.begin(); it != m_pendingJoins.end(); ++it) {
        if (it.value() == Protocol::roomKey(state.room)) {
            m_pendingJoins.erase(it);
            emit roomJoined(conversation);
            break;
        }
    }
    if (conversation == current() && m_attentive)
        markRead(conversation);
    sendReads(); // markers set while the connection was down
    // After a restart the room shows only what was missed: a page before it gives context
    // (one request at a time, room after room).
    if (resumed) {
        m_contextWanted.append(conversation);
        requestContext();
    }
}

void ChatClient::requestContext()
{
    while (!m_contextWanted.isEmpty() && !isLoadingOlder()) {
        if (Conversation *conversation = m_contextWanted.takeFirst())
            loadOlder(conversation);
    }
}

void ChatClient::handleFrame(const Protocol::Message &message)
{
    if (addMessage(message))
        emit messageReceived(message);
}

bool ChatClient::isOwn(const QString &nick) const
{
    // Own as the server keeps it: a lookalike nick's old messages are not ours.
    return Protocol::storedNickKey(nick) == Protocol::storedNickKey(m_nick);
}

Conversation *ChatClient::room(const QString &name)
{
    return m_conversations.obtain(Conversation::Kind::Room,
                                  name.isEmpty() ? Protocol::Lobby : name);
}

Conversation *ChatClient::findRoom(const QString &name) const
{
    return m_conversations.find(Conversation::Kind::Room, name);
}

Conversation *ChatClient::openDirect(const QString &nick)
{
    Conversation *found = m_conversations.find(Conversation::Kind::Direct, nick);
    if (found)
        return found;
    Conversation *conversation = m_conversations.obtain(Conversation::Kind::Direct, nick);
    conversation->setEpoch(m_lobby->epoch()); // its rows are numbered in the lobby's numbering
    // Direct messages are numbered with the lobby's: a marker from another numbering is void.
    if (m_savedDirectEpoch == m_lobby->epoch())
        conversation->setReadSeq(m_savedDirectReads.value(Protocol::nickKey(nick)));
    return conversation;
}

bool ChatClient::addMessage(const Protocol::Message &message)
{
    Conversation *inRoom = room(message.room);
    if (message.seq <= inRoom->lastSeq())
        return false; // already shown
    inRoom->setLastSeq(message.seq);
    schedulePositionSave();
    const bool own = isOwn(message.from);
    Conversation *target = message.isDirect() ? openDirect(own ? message.to : message.from)
                                              : inRoom;
    MessageModel *messages = target->messages();
    if (!(own && !message.id.isEmpty()
          && messages->markDelivered(message.id, message.seq, message.timestamp))) {
        messages->append(entryFor(message));
    } else {
        // An own message whose ack was lost with the connection: it did arrive.
        forgetOutgoing(message.id);
    }
    if (target == current() && m_attentive)
        markRead(target);
    return true;
}

bool ChatClient::mentions(const QString &text, const QString &nick)
{
    if (nick.isEmpty())
        return false;
    // Nicks are letters, digits, '_' and '-': a mention is one not inside a longer word.
    const QRegularExpression word(
            u"(?<![\\w-])%1(?![\\w-])"_s.arg(QRegularExpression::escape(nick)),
            QRegularExpression::CaseInsensitiveOption
                    | QRegularExpression::UseUnicodePropertiesOption);
    return word.match(text).hasMatch();
}

bool ChatClient::isMention(const Protocol::Message &message) const
{
    if (isOwn(message.from))
        return false;
    if (mentions(message.text, m_nick))
        return true;
    return std::any_of(m_highlightWords.cbegin(), m_highlightWords.cend(),
                       [&](const QString &word) { return mentions(message.text, word); });
}

MessageModel::Entry ChatClient::entryFor(const Protocol::Message &message) const
{
    const bool own = isOwn(message.from);
    MessageModel::Entry entry;
    entry.seq = message.seq;
    entry.timestamp = message.timestamp;
    entry.from = message.from;
    entry.to = message.to;
    entry.text = message.text;
    entry.own = own;
    entry.delivery = own ? MessageModel::Delivery::Delivered : MessageModel::Delivery::Received;
    entry.id = message.id;
    entry.mention = isMention(message);
    return entry;
}

QString ChatClient::nextId()
{
    return m_idPrefix + u'-' + QString::number(++m_nextId);
}

QString ChatClient::search(const QString &query, const Conversation *scope)
{
    if (m_state != State::Online || query.trimmed().isEmpty())
        return {};
    const QString id = nextId();
    QString room;
    if (scope)
        room = scope->isRoom() ? scope->name() : Protocol::Lobby;
    write(Protocol::Search { query.trimmed(), id, std::nullopt, room });
    return id;
}

bool ChatClient::loadOlder(Conversation *conversation)
{
    if (!conversation)
        conversation = current();
    MessageModel *messages = conversation->messages();
    // A room shown only from where it was resumed asks for what came before that.
    const qint64 oldest = messages->oldestSeq() > 0 ? messages->oldestSeq()
                                                    : conversation->lastSeq() + 1;
    if (!conversation->isRoom() || m_state != State::Online || isLoadingOlder()
        || conversation->reachedOldest() || oldest <= 1
        || messages->rowCount() >= messages->maxEntries())
        return false;
    m_olderRequest = nextId();
    m_olderConversation = conversation;
    write(Protocol::History { oldest, Protocol::MaxResults, m_olderRequest, conversation->name() });
    return true;
}

void ChatClient::handleFrame(const Protocol::Results &results)
{
    if (results.id != m_olderRequest) {
        emit searchResults(results.id, results.messages);
        return;
    }
    m_olderRequest.clear();
    Conversation *conversation = m_olderConversation;
    if (!conversation) {
        requestContext(); // parted meanwhile
        return;
    }
    // Only what is older than the top of each view, and only as much as the view may hold;
    // the lobby's direct messages go to their own conversations.
    QHash<Conversation *, QList<MessageModel::Entry>> entries;
    for (const Protocol::Message &message : results.messages) {
        Conversation *target = message.isDirect()
                ? openDirect(isOwn(message.from) ? message.to : message.from)
                : conversation;
        const qint64 oldest = target->messages()->oldestSeq();
        if (oldest == 0 || message.seq < oldest)
            entries[target].append(entryFor(message));
    }
    int count = 0;
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        MessageModel *messages = it.key()->messages();
        const qsizetype room = messages->maxEntries() - messages->rowCount();
        if (it->size() > room)
            *it = it->mid(it->size() - room);
        messages->prepend(*it);
        if (it.key() == conversation)
            count = int(it->size());
    }
    conversation->setReachedOldest(results.messages.isEmpty());
    emit olderLoaded(count);
    requestContext();
}

void ChatClient::handleFrame(const Protocol::Ack &ack)
{
    // The server writes each room in order, so everything numbered there before this ack has
    // reached us. Which room is the one the message went to: acks do not always name it.
    Outgoing *message = outgoing(ack.id);
    if (!message)
        return; // answered already (its message came back in a history)
    Conversation *inRoom = room(message->to.isEmpty() ? message->room : QString());
    inRoom->setLastSeq(std::max(inRoom->lastSeq(), ack.seq));
    schedulePositionSave();
    if (Conversation *conversation = conversationOf(*message))
        conversation->messages()->markDelivered(ack.id, ack.seq, ack.timestamp);
    forgetOutgoing(ack.id);
}

Conversation *ChatClient::conversationOf(const Outgoing &message) const
{
    if (!message.to.isEmpty())
        return m_conversations.find(Conversation::Kind::Direct, message.to);
    return m_conversations.find(Conversation::Kind::Room,
                                message.room.isEmpty() ? Protocol::Lobby : message.room);
}

void ChatClient::handleFrame(const Protocol::Presence &presence)
{
    UserListModel *users = room(presence.room)->users();
    if (presence.users)
        users->setUsers(*presence.users);
    else
        users->setCountOnly(presence.online);
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
    Conversation *conversation = room(joined.room);
    conversation->users()->addUser(joined.nick);
    showNotice(conversation,
               conversation->isLobby()
                       ? tr("%1 has joined the chat.").arg(joined.nick)
                       : tr("%1 has joined %2.").arg(joined.nick, conversation->title()),
               joined.timestamp);
}

void ChatClient::handleFrame(const Protocol::Left &left)
{
    Conversation *conversation = room(left.room);
    const bool membershipEnded = left.reason == LeaveReason::Part
            || (left.reason == LeaveReason::Kicked && !conversation->isLobby());
    if (Protocol::nickKey(left.nick) == Protocol::nickKey(m_nick)) {
        if (!membershipEnded)
            return;
        if (left.reason == LeaveReason::Kicked) {
            showError(m_lobby,
                      left.comment.isEmpty()
                              ? tr("%1 removed you from %2.").arg(left.by, conversation->title())
                              : tr("%1 removed you from %2: %3")
                                        .arg(left.by, conversation->title(), left.comment));
        }
        if (!conversation->isLobby())
            m_conversations.remove(conversation);
        schedulePositionSave();
        return;
    }
    if (membershipEnded) {
        conversation->users()->removeMember(left.nick);
        if (left.reason == LeaveReason::Part) {
            showNotice(conversation, tr("%1 has left %2.").arg(left.nick, conversation->title()),
                       left.timestamp);
        } else {
            showNotice(conversation,
                       tr("%1 was removed from %2 by %3.")
                               .arg(left.nick, conversation->title(), left.by),
                       left.timestamp);
        }
        return;
    }
    conversation->users()->removeUser(left.nick);
    showNotice(conversation, leftText(left), left.timestamp);
}

void ChatClient::handleFrame(const Protocol::TopicChanged &topic)
{
    Conversation *conversation = room(topic.room);
    conversation->setTopic(topic.topic);
    showNotice(conversation,
               topic.topic.isEmpty() ? tr("%1 cleared the topic.").arg(topic.by)
                                     : tr("%1 set the topic: %2").arg(topic.by, topic.topic),
               topic.timestamp);
}

void ChatClient::handleFrame(const Protocol::Invited &invited)
{
    const QString title = u"#"_s + invited.room;
    if (Protocol::nickKey(invited.nick) == Protocol::nickKey(m_nick)) {
        showNotice(tr("%1 invited you to %2. Type /join %3 to join.")
                           .arg(invited.by, title, invited.room));
        return;
    }
    Conversation *conversation = findRoom(invited.room);
    showNotice(conversation ? conversation : current(),
               isOwn(invited.by) ? tr("You invited %1 to %2.").arg(invited.nick, title)
                                 : tr("%1 invited %2 to %3.").arg(invited.by, invited.nick, title));
}

void ChatClient::handleFrame(const Protocol::RoomList &list)
{
    emit roomListReceived(list.id, list.rooms);
}

void ChatClient::joinRoom(const QString &room, bool isPrivate)
{
    if (Conversation *conversation = findRoom(room)) {
        emit roomJoined(conversation); // already in it: switch to it
        return;
    }
    if (m_state != State::Online) {
        showError(tr("Joining a room needs a connection."));
        return;
    }
    const QString id = nextId();
    m_pendingJoins.insert(id, Protocol::roomKey(room));
    write(Protocol::Join { room, isPrivate, id });
}

void ChatClient::partRoom(Conversation *room)
{
    if (!room || !room->isRoom()) {
        showError(tr("Only rooms can be left; this is a direct conversation."));
        return;
    }
    if (room->isLobby()) {
        showError(tr("The lobby cannot be left: direct messages go through it."));
        return;
    }
    if (m_state != State::Online) {
        showError(tr("Leaving a room needs a connection."));
        return;
    }
    write(Protocol::Part { room->name(), nextId() });
}

void ChatClient::setTopic(Conversation *room, const QString &topic)
{
    if (!room || !room->isRoom()) {
        showError(tr("Only rooms have a topic."));
        return;
    }
    write(Protocol::SetTopic { room->name(), topic, nextId() });
}

void ChatClient::invite(Conversation *room, const QString &nick)
{
    if (!room || !room->isRoom()) {
        showError(tr("Invite someone from the room you want them in."));
        return;
    }
    write(Protocol::Invite { room->name(), nick, nextId() });
}

QString ChatClient::listRooms(const QString &filter)
{
    if (m_state != State::Online)
        return {};
    const QString id = nextId();
    write(Protocol::ListRooms { filter, id });
    return id;
}

void ChatClient::setCurrent(Conversation *conversation)
{
    if (!conversation)
        conversation = m_lobby;
    if (conversation == m_current)
        return;
    m_current = conversation;
    if (m_attentive)
        markRead(conversation);
    emit currentChanged(conversation);
}

void ChatClient::setAttentive(bool attentive)
{
    m_attentive = attentive;
    if (attentive)
        markRead(current());
}

void ChatClient::setReadThrottle(std::chrono::milliseconds interval)
{
    m_readTimer.setInterval(interval);
}

void ChatClient::markRead(Conversation *conversation)
{
    qint64 newest = conversation->lastSeq();
    if (!conversation->isRoom()) {
        MessageModel *messages = conversation->messages();
        for (int row = messages->rowCount() - 1; row >= 0 && newest == 0; --row)
            newest = messages->entry(row).seq;
    }
    if (!conversation->setReadSeq(newest))
        return;
    if (conversation->isRoom())
        sendReads();
    else
        schedulePositionSave();
}

void ChatClient::sendReads()
{
    if (m_state != State::Online || m_protocol < 2)
        return; // a version-1 server keeps no read markers
    bool waiting = false;
    for (Conversation *conversation : m_conversations.all()) {
        if (!conversation->isRoom() || conversation->readSeq() <= conversation->sentReadSeq())
            continue;
        // At most one marker a second per room: reading a busy room costs the server little.
        if (!conversation->readCooldown().hasExpired()) {
            waiting = true;
            continue;
        }
        write(Protocol::MarkRead { conversation->name(), conversation->readSeq() });
        conversation->setSentReadSeq(conversation->readSeq());
        conversation->readCooldown().setRemainingTime(m_readTimer.intervalAsDuration());
    }
    if (waiting && !m_readTimer.isActive())
        m_readTimer.start();
    else if (!waiting)
        m_readTimer.stop();
}

QString ChatClient::positionsGroup() const
{
    // A cluster's nodes share the numbering: their positions are the list's.
    return u"positions/%1/%2"_s.arg(m_servers.key(), Protocol::nickKey(m_nick));
}

void ChatClient::loadPositions()
{
    m_savedPositions.clear();
    m_savedDirectReads.clear();
    m_savedDirectEpoch.clear();
    if (m_servers.isEmpty())
        return;
    QSettings settings;
    settings.beginGroup(positionsGroup());
    const QVariantMap rooms = settings.value(u"rooms"_s).toMap();
    for (auto it = rooms.cbegin(); it != rooms.cend(); ++it) {
        const QVariantList position = it->toList();
        if (position.size() == 2 && Protocol::isValidRoomName(it.key())) {
            m_savedPositions.insert(
                    Protocol::roomKey(it.key()),
                    { it.key(), position.at(0).toLongLong(), position.at(1).toString() });
        }
    }
    const QVariantMap direct = settings.value(u"directRead"_s).toMap();
    for (auto it = direct.cbegin(); it != direct.cend(); ++it)
        m_savedDirectReads.insert(it.key(), it->toLongLong());
    m_savedDirectEpoch = settings.value(u"directEpoch"_s).toString();
}

void ChatClient::schedulePositionSave()
{
    if (!m_saveTimer.isActive())
        m_saveTimer.start();
}

void ChatClient::savePositions()
{
    m_saveTimer.stop();
    if (m_servers.isEmpty() || m_nick.isEmpty())
        return;
    QVariantMap rooms;
    for (auto it = m_savedPositions.cbegin(); it != m_savedPositions.cend(); ++it)
        rooms.insert(it->room, QVariantList { it->since, it->epoch });
    for (Conversation *conversation : m_conversations.all()) {
        if (!conversation->isRoom()) {
            m_savedDirectReads.insert(Protocol::nickKey(conversation->name()),
                                      conversation->readSeq());
        } else if (conversation->lastSeq() > 0) {
            rooms.insert(conversation->name(),
                         QVariantList { conversation->lastSeq(), conversation->epoch() });
        }
    }
    if (m_savedDirectEpoch != m_lobby->epoch() && !m_lobby->epoch().isEmpty()) {
        // Markers of another numbering go; the conversations' own are of this one.
        m_savedDirectReads.clear();
        m_savedDirectEpoch = m_lobby->epoch();
        for (Conversation *conversation : m_conversations.all()) {
            if (!conversation->isRoom())
                m_savedDirectReads.insert(Protocol::nickKey(conversation->name()),
                                          conversation->readSeq());
        }
    }
    QVariantMap direct;
    for (auto it = m_savedDirectReads.cbegin(); it != m_savedDirectReads.cend(); ++it)
        direct.insert(it.key(), it.value());
    QSettings settings;
    settings.beginGroup(positionsGroup());
    settings.setValue(u"rooms"_s, rooms);
    settings.setValue(u"directRead"_s, direct);
    settings.setValue(u"directEpoch"_s, m_savedDirectEpoch);
}

void ChatClient::handleFrame(const Protocol::Error &error)
{
    const bool refusal = error.code == ErrorCode::NickTaken || error.code == ErrorCode::NickInvalid
            || error.code == ErrorCode::AuthRequired || error.code == ErrorCode::AuthFailed
            || error.code == ErrorCode::Banned || error.code == ErrorCode::TlsRequired;
    if (error.code == ErrorCode::UnsupportedProtocol && m_state == State::Joining
        && m_protocol > Protocol::OldestVersion) {
        // An older server: the lobby is all it has, and it is still worth being in.
        qCInfo(lcClient) << "the server does not speak protocol" << m_protocol << "; trying"
                         << m_protocol - 1;
        --m_protocol;
        sendHello();
        return;
    }
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
    if (Outgoing *message = outgoing(error.id); message && error.code == ErrorCode::RateLimited
        && ++message->rateLimited < MaxRateLimitedTries) {
        // Not delivered yet, not failed either: hold everything back a moment, then resend.
        message->inFlight = false;
        if (!m_rateLimitPause.isActive())
            m_rateLimitPause.start();
        return;
    }
    if (!error.id.isEmpty() && error.id == m_nickRequest) {
        m_nickRequest.clear();
        m_nickPassword.clear();
        QString why;
        switch (error.code) {
        case ErrorCode::NickTaken:
            why = tr("%1 is taken, or looks like a nickname that is online.").arg(m_nickWanted);
            break;
        case ErrorCode::AuthRequired:
            why = tr("%1 is registered: if it is yours, type /nick %1 PASSWORD.").arg(m_nickWanted);
            break;
        case ErrorCode::AuthFailed:
            why = tr("wrong password for %1.").arg(m_nickWanted);
            break;
        default:
            why = errorText(error.code);
            break;
        }
        showError(tr("You are still %1: %2").arg(m_nick, why));
        return;
    }
    if (!error.id.isEmpty()) {
        m_pendingJoins.remove(error.id);
        if (Outgoing *message = outgoing(error.id)) {
            Conversation *conversation = conversationOf(*message);
            forgetOutgoing(error.id);
            if (conversation
                && conversation->messages()->markFailed(error.id, errorText(error.code)))
                return;
        }
    }
    // A refusal has many reasons (the room's owner, the server's rules): the server's own
    // words tell which.
    if (error.code == ErrorCode::Forbidden && !error.text.isEmpty()) {
        showError(tr("Not allowed: %1").arg(error.text));
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
    showError(current(), text);
}

void ChatClient::showError(Conversation *conversation, const QString &text)
{
    MessageModel::Entry entry;
    entry.kind = MessageModel::Kind::Error;
    entry.timestamp = QDateTime::currentMSecsSinceEpoch();
    entry.text = text;
    conversation->messages()->append(std::move(entry));
}

void ChatClient::handleFrame(const Protocol::Shutdown &)
{
    showNotice(tr("The server is shutting down."));
    // Nothing follows a shutdown: another node need not wait for this one to close.
    if (m_servers.isCluster())
        m_socket.disconnectFromHost();
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
    showNotice(current(), text, timestamp);
}

void ChatClient::showNotice(Conversation *conversation, const QString &text, qint64 timestamp)
{
    MessageModel::Entry entry;
    entry.kind = MessageModel::Kind::Notice;
    entry.timestamp = timestamp > 0 ? timestamp : QDateTime::currentMSecsSinceEpoch();
    entry.text = text;
    conversation->messages()->append(std::move(entry));
}

void ChatClient::transmitOutbox()
{
    if (m_state != State::Online || m_rateLimitPause.isActive())
        return;
    for (Outgoing &message : m_outbox) {
        if (!message.inFlight) {
            write(Protocol::Say { message.text, message.id, message.to, message.room });
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
    case LeaveReason::Part:
        break; // leaving one room, not the chat: the server's sentence names the room
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
    case ErrorCode::NoSuchRoom:
        return tr("There is no room of that name (or it is private).");
    case ErrorCode::RoomInvalid:
        return tr("A room's name is 1 to 50 letters, digits, '_', '-' or '.'.");
    case ErrorCode::NotInvited:
        return tr("That room is private: its owner has to invite you first.");
    case ErrorCode::NotAMember:
        return tr("You are not in that room: join it first.");
    case ErrorCode::TooManyRooms:
        return tr("You are in as many rooms as this server allows: leave one first.");
    }
    return {};
}
