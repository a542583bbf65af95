// SPDX-License-Identifier: BSD-3-Clause
#include "session.h"

#include "accesscontrol.h"
#include "chatlistener.h"
#include "encodedframe.h"
#include "ircface.h"
#include "messagestore.h"
#include "nickskeleton.h"
#include "plaintextface.h"
#include "room.h"
#include "roomdirectory.h"
#include "servercounters.h"
#include "serverlogging.h"
#include "terminaltext.h"

#include <algorithm>
#include <chrono>

#include <QDateTime>
#include <QSslSocket>
#include <QTimer>
#include <QTimerEvent>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;
using Protocol::LeaveReason;

namespace {
// How long a plain-text line may wait for its "\n" before it counts as complete: the original
// chatroom's client sends each typed line in one send() without one. People type slower than
// this; a line cut by the network arrives in pieces far closer together.
constexpr auto UnfinishedLineTimeout = std::chrono::milliseconds(200);
}

Session::Session(QTcpSocket *socket, RoomDirectory *rooms, AccessControl *access,
                 RefusalLog *refusals, const ServerConfig &config, QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_directory(rooms),
      m_access(access),
      m_refusals(refusals),
      m_config(config),
      m_framer(config.maxLineBytes),
      m_peer(u"%1:%2"_s.arg(socket->peerAddress().toString()).arg(socket->peerPort())),
      m_peerAddress(socket->peerAddress()),
      m_bucket(config.rate, config.burst, monotonicMs()),
      m_connectedMs(ChatListener::acceptedMs(socket).value_or(monotonicMs())),
      m_lastActivityMs(m_connectedMs),
      m_directWrites(!qobject_cast<QSslSocket *>(socket))
{
    socket->setParent(this);
    // Without TCP_NODELAY small chat lines wait behind delayed ACKs.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
#ifdef Q_OS_LINUX
    // Plain-text clients cannot answer pings, so TCP keepalive is what finds their half-open
    // connections: probe after one ping interval of silence, give up after three misses.
    const int idleSeconds = std::max(1, int(config.pingInterval.count() / 1000));
    const int probeSeconds = 10;
    const int probes = 3;
    const auto fd = int(socket->socketDescriptor());
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idleSeconds, sizeof idleSeconds);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &probeSeconds, sizeof probeSeconds);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
#endif
    socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption,
                            config.socketSendBufferBytes);
    socket->setReadBufferSize(config.readBufferBytes);
    connect(socket, &QTcpSocket::readyRead, this, &Session::processReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &Session::handleDisconnected);
    // errorOccurred is followed by disconnected for a connected socket; abort() makes sure.
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcSession) << m_peer << "socket error:" << m_socket->errorString();
        m_socket->abort();
        handleDisconnected();
    });
    qCDebug(lcSession) << m_peer << "connected";
}

qint64 Session::monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void Session::checkLiveness(qint64 nowMs)
{
    if (m_state == State::Closing) {
        // A client that neither takes its last bytes nor closes is cut.
        if (m_socket && nowMs - m_closingSinceMs >= m_config.shutdownGrace.count()) {
            qCDebug(lcSession) << m_peer << "did not close in time";
            m_socket->abort();
            handleDisconnected();
        }
        return;
    }
    if (const auto *tls = qobject_cast<QSslSocket *>(m_socket.data()); tls && !tls->isEncrypted()
        && nowMs - m_connectedMs
                >= std::min(m_config.tlsHandshakeTimeout, m_config.helloTimeout).count()) {
        // Nothing can be said to a client whose handshake never finished.
        m_refusals->log(
                lcSession, m_peerAddress,
                u"%1 TLS handshake not finished within %2 ms; closing the connection"_s.arg(m_peer)
                        .arg(nowMs - m_connectedMs));
        m_state = State::Closing;
        m_socket->abort();
        handleDisconnected();
        return;
    }
    // A password check ends by itself (hashing, or the delay after a wrong one), which may
    // outlast the hello timeout on purpose.
    if (m_state == State::Authenticating)
        return;
    if (m_state != State::InRoom) {
        if (nowMs - m_connectedMs >= m_config.helloTimeout.count()) {
            reject(ErrorCode::Timeout,
                   u"No hello within %1 s; closing the connection."_s.arg(
                           m_config.helloTimeout.count() / 1000.0));
            closeAfterWriting();
        }
        return;
    }
    if (m_face == Face::PlainText)
        return; // TCP keepalive watches plain-text clients
    const qint64 silentMs = nowMs - m_lastActivityMs;
    if (silentMs >= m_config.timeout.count()) {
        qCInfo(lcSession).noquote() << m_peer << loggedNick() << "silent for" << silentMs << "ms";
        drop(LeaveReason::Timeout);
    } else if (silentMs >= m_config.pingInterval.count() && !m_pinged) {
        m_pinged = true;
        send(Protocol::Ping { QString::number(nowMs) });
    }
}

void Session::speakIrc()
{
    m_face = Face::Irc;
    m_state = State::AwaitingNick;
}

void Session::applyReloadedConfig()
{
    m_bucket.setLimits(m_config.rate, m_config.burst, monotonicMs());
    if (m_state != State::InRoom)
        return;
    // Rights need the account's password (given at login), under the account's own nick; an
    // account removed since the login takes them with it.
    if (!m_account.isEmpty())
        m_accountIsOperator = m_access->isRegistered(m_account) && m_access->isOperator(m_account);
    const bool isOperator = m_accountIsOperator && Protocol::nickKey(m_nick) == m_account;
    if (isOperator != m_operator)
        qCInfo(lcSession).noquote() << m_peer << loggedNick()
                                    << (isOperator ? "is an operator now" : "is no operator now");
    m_operator = isOperator;
}

bool Session::admit(const QString &id, double cost)
{
    const qint64 now = monotonicMs();
    if (m_bucket.tryTake(now, cost))
        return true;
    // A streak of rejections with no second of calm between them is a flood.
    const bool newStreak = now - m_lastRejectionMs > 1000;
    if (newStreak)
        m_floodStartMs = now;
    m_lastRejectionMs = now;
    if (now - m_floodStartMs >= m_config.floodGrace.count()) {
        m_refusals->log(lcSession, m_peerAddress,
                        u"%1 %2 still flooding after %3 ms"_s.arg(m_peer, loggedNick())
                                .arg(m_config.floodGrace.count()));
        drop(LeaveReason::Flood);
        return false;
    }
    reject(ErrorCode::RateLimited,
           cost > 1.0
                   ? u"Too many searches: each costs as much as %1 messages, and at most %2 "
                     "messages a second are allowed. Try again in a moment."_s.arg(cost)
                             .arg(m_config.rate)
                   : u"Too many messages: at most %1 a second. This one was not delivered."_s.arg(
                           m_config.rate),
           id, newStreak ? LogRejection::Yes : LogRejection::No);
    return false;
}

void Session::deliver(const EncodedFrame &frame)
{
    if (m_face == Face::Irc)
        write(IrcFace::format(frame.frame(), ircNick(), m_irc.command, m_irc.target,
                              wantsMessageTags() ? IrcFace::Tags::On : IrcFace::Tags::Off));
    else
        write(m_face == Face::PlainText ? frame.plainText() : frame.json());
}

void Session::send(const Protocol::ServerFrame &frame)
{
    deliver(EncodedFrame(frame));
}

void Session::shutdown(const EncodedFrame &notice)
{
    if (m_state == State::Closing)
        return;
    // Leaving first: the room writes what it still owed this member, then the notice.
    if (m_state == State::InRoom)
        leaveRooms(LeaveReason::Exit);
    writeToSocket(encodedFor(*this, notice));
    closeAfterWriting();
}

void Session::processReadyRead()
{
    // Bytes of a line cut between two reads wait in the framer for the rest.
    m_lastActivityMs = monotonicMs();
    m_pinged = false;
    if (m_state == State::Authenticating) {
        m_readPaused = true; // picked up again once the password is checked
        return;
    }
    // Push-back: while the room holds this member's input back, nothing more is read. Qt
    // stops reading ahead once the socket's read buffer is full, so the kernel's buffer fills
    // next and TCP flow control slows the sender; nobody else is affected.
    if (m_state == State::InRoom
        && !std::all_of(m_rooms.cbegin(), m_rooms.cend(),
                        [this](Room *room) { return room->mayRead(this); })) {
        m_readPaused = true;
        return;
    }
    m_readPaused = false;
    if (m_state == State::Closing) {
        // Dropped, so that Qt keeps reading and sees the client close (closeAfterWriting).
        if (m_socket)
            m_socket->read(m_socket->bytesAvailable());
        return;
    }
    if (m_inputStopped || !m_socket)
        return;
    // At most Qt's read-ahead (readBufferBytes) per turn of the event loop: a flooding sender
    // cannot starve the others, and what it sent past that waits in the kernel. Asking for
    // exactly what is buffered lets Qt hand over its read block instead of copying out of it
    // and keeping the empty 16 KiB block for the socket's lifetime.
    if (const qint64 buffered = m_socket->bytesAvailable(); buffered > 0)
        m_framer.append(m_socket->read(buffered));
    if (!takeLines())
        return;
    const bool mayBePlainText = m_face == Face::PlainText
            || (m_face == Face::Undecided && !m_framer.unfinished().trimmed().startsWith('{'));
    if (mayBePlainText && m_framer.bufferedBytes() > 0)
        m_unfinishedLine.start(int(UnfinishedLineTimeout.count()), this);
    else
        m_unfinishedLine.stop();
}

bool Session::takeLines()
{
    QByteArray line;
    for (;;) {
        const LineFramer::Status status = m_framer.takeLine(&line);
        if (status == LineFramer::Status::NeedMore)
            return true;
        if (status == LineFramer::Status::TooLong) {
            reject(ErrorCode::TooLong,
                   u"A line may hold at most %1 bytes; closing the connection."_s.arg(
                           m_framer.maxLineBytes()));
            leaveAndClose(LeaveReason::Lost);
            return false;
        }
        handleLine(line);
        if (m_state == State::Closing)
            return false;
        if (m_state == State::Authenticating) {
            m_readPaused = true; // the lines after hello wait for the password check
            return false;
        }
    }
}

void Session::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_unfinishedLine.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_unfinishedLine.stop();
    // Input held back (a password check, push-back) is taken up again by resumeReading.
    if (m_state == State::Closing || m_state == State::Authenticating || m_readPaused)
        return;
    QByteArray line;
    if (m_framer.takeUnfinishedLine(&line)) {
        handleLine(line);
        if (m_state != State::Closing && m_state != State::Authenticating)
            takeLines();
    }
}

void Session::handleLine(const QByteArray &line)
{
    if (m_face == Face::Irc) {
        handleIrcLine(line);
        return;
    }
    if (m_face == Face::Undecided) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty())
            return; // someone at a terminal pressed Enter before typing a name
        m_face = trimmed.startsWith('{') ? Face::Json : Face::PlainText;
        m_state = State::AwaitingNick;
    }
    if (m_face == Face::Json)
        handleJsonLine(line);
    else
        handlePlainTextLine(line);
}

void Session::handleJsonLine(const QByteArray &line)
{
    Protocol::Decoded<Protocol::ClientFrame> decoded = Protocol::decodeClientFrame(line);
    if (!decoded.isValid()) {
        // Errors cost the server a reply and a log line: they count against the rate too.
        if (admit(decoded.error->id))
            reject(decoded.error->code, decoded.error->text, decoded.error->id);
        return;
    }
    std::visit([this](const auto &frame) { handleFrame(frame); }, decoded.frame);
}

void Session::handlePlainTextLine(const QByteArray &line)
{
    const std::optional<QString> decoded = Protocol::decodeUtf8(line);
    if (!decoded) {
        reject(ErrorCode::BadFrame, u"The line is not valid UTF-8."_s);
        return;
    }
    const QString trimmed = decoded->trimmed();
    if (trimmed.isEmpty())
        return;
    if (m_state == State::AwaitingNick) {
        // "nick" or "nick password": a nick never holds a space.
        enterRoom({ trimmed.section(u' ', 0, 0), std::nullopt, {} },
                  trimmed.section(u' ', 1).trimmed());
        return;
    }
    // Typed commands are frames like the JSON face's, and pay the same rate (handleFrame).
    const PlainTextFace::Input input = PlainTextFace::read(*decoded);
    if (const auto *frame = std::get_if<Protocol::ClientFrame>(&input)) {
        std::visit([this](const auto &typed) { handleFrame(typed); }, *frame);
        return;
    }
    if (!requireRoom({}) || !admit({}))
        return;
    if (std::holds_alternative<PlainTextFace::ListMembers>(input))
        write(m_currentRoom ? PlainTextFace::formatMembers(m_currentRoom->nicks(),
                                                           m_currentRoom->awayReasons())
                            : PlainTextFace::formatMembers({}));
    else if (std::holds_alternative<PlainTextFace::ShowHelp>(input))
        write(PlainTextFace::helpText());
    else if (const auto *refusal = std::get_if<PlainTextFace::Refusal>(&input))
        reject(refusal->code, refusal->text);
}

void Session::handleFrame(const Protocol::Hello &hello)
{
    if (m_state == State::InRoom) {
        reject(ErrorCode::BadFrame, u"Already in the chat as %1."_s.arg(m_nick));
        return;
    }
    if (hello.protocol < Protocol::OldestVersion || hello.protocol > Protocol::Version) {
        const QString supported = Protocol::OldestVersion == Protocol::Version
                ? QString::number(Protocol::Version)
                : u"%1 to %2"_s.arg(Protocol::OldestVersion).arg(Protocol::Version);
        reject(ErrorCode::UnsupportedProtocol,
               u"This server speaks protocol version %1; the client asked for %2."_s.arg(supported)
                       .arg(hello.protocol));
        return;
    }
    m_protocol = hello.protocol;
    enterRoom({ hello.nick, hello.since, hello.epoch, hello.rooms }, hello.password);
}

bool Session::requireRoom(const QString &id)
{
    if (m_state == State::InRoom)
        return true;
    reject(ErrorCode::NotRegistered, u"Send hello before anything else."_s, id);
    return false;
}

void Session::handleFrame(const Protocol::Say &frame)
{
    if (requireRoom(frame.id) && admit(frame.id))
        say(frame.text, frame.to, frame.room, frame.id);
}

void Session::handleFrame(const Protocol::Search &search)
{
    if (!requireRoom(search.id) || !admit(search.id, m_config.searchCost))
        return;
    if (m_searching) {
        reject(ErrorCode::RateLimited,
               u"One search at a time: wait for the results of the last one."_s, search.id,
               LogRejection::No);
        return;
    }
    if (Protocol::isBlankText(search.query)
        || Protocol::textLength(search.query) > m_config.maxTextLength) {
        reject(ErrorCode::BadFrame,
               u"A search needs 1 to %1 characters."_s.arg(m_config.maxTextLength), search.id);
        return;
    }
    const QStringList terms = MessageStore::searchTerms(search.query);
    if (terms.size() > Protocol::MaxSearchTerms) {
        reject(ErrorCode::BadFrame,
               u"A search may hold at most %1 different words."_s.arg(Protocol::MaxSearchTerms),
               search.id);
        return;
    }
    QList<Room *> rooms = m_rooms;
    QStringList conversations;
    // m_searching is set only once the search is on its way: a refusal must not block the next.
    if (!Protocol::directPeer(search.room).isEmpty()) {
        rooms.clear();
        conversations = { search.room };
    } else if (!search.room.isEmpty()) {
        Room *room = myRoom(search.room, search.id);
        if (!room)
            return;
        rooms = { room };
    }
    m_searching = true;
    m_directory->search(m_nick, rooms, conversations, terms, search.before, Protocol::MaxResults,
                        this, [this, id = search.id](QList<Protocol::Message> found) {
                            m_searching = false;
                            send(Protocol::Results { id, std::move(found) });
                        });
}

void Session::handleFrame(const Protocol::History &history)
{
    if (!requireRoom(history.id) || !admit(history.id))
        return;
    const qsizetype limit = std::clamp<qint64>(history.limit, 1, Protocol::MaxResults);
    // A direct conversation's history: its messages are the lobby's, between the two nicks.
    const bool direct = !Protocol::directPeer(history.room).isEmpty();
    Room *room = direct ? m_directory->lobby() : myRoom(history.room, history.id);
    if (!room)
        return;
    send(Protocol::Results {
            history.id,
            room->history(m_nick, direct ? history.room : room->name(), history.before, limit) });
}

void Session::handleFrame(const Protocol::Exit &)
{
    leaveAndClose(LeaveReason::Exit);
}

void Session::handleFrame(const Protocol::Ping &ping)
{
    send(Protocol::Pong { ping.token });
}

void Session::handleFrame(const Protocol::Pong &)
{
    // Any traffic shows the peer is alive; nothing else to do.
}

void Session::enterRoom(const JoinRequest &request, const QString &password)
{
    if (m_state == State::Authenticating)
        return;
    const QString &nick = request.nick;
    if (!Protocol::isValidNick(nick)) {
        reject(ErrorCode::NickInvalid, invalidNickText(nick));
        return;
    }
    if (m_directory->isOnline(nick)) {
        rejectTakenNick(nick);
        return;
    }
    m_state = State::Authenticating;
    m_access->check(nick, password, m_peerAddress, this,
                    [this, request](AccessControl::Verdict verdict, bool isOperator) {
                        finishAuthentication(verdict, request, isOperator);
                    });
}

QString Session::invalidNickText(const QString &nick)
{
    return NickSkeleton::isSingleScript(nick)
            ? u"A nickname is 1 to 32 letters, digits, '_' or '-'; \"%1\" is not."_s.arg(nick)
            : u"A nickname is written in one script; \"%1\" mixes letters of "
              "different scripts (such as Latin and Cyrillic)."_s.arg(nick);
}

void Session::rejectTakenNick(const QString &nick, const QString &id)
{
    const RoomMember *holder = m_directory->online(nick);
    if (holder && Protocol::storedNickKey(holder->nick()) != Protocol::storedNickKey(nick)) {
        reject(ErrorCode::NickTaken,
               u"The nickname %1 looks like %2, who is online; choose another."_s.arg(
                       nick, holder->nick()),
               id);
        return;
    }
    reject(ErrorCode::NickTaken, u"The nickname %1 is taken; choose another."_s.arg(nick), id);
}

void Session::finishAuthentication(AccessControl::Verdict verdict, const JoinRequest &request,
                                   bool isOperator)
{
    const QString &nick = request.nick;
    if (m_state != State::Authenticating)
        return; // the connection went meanwhile
    using Verdict = AccessControl::Verdict;
    if (verdict == Verdict::Banned) { // banned while this connection was waiting for its turn
        m_state = State::AwaitingNick;
        reject(ErrorCode::Banned,
               u"Too many failed logins from %1; try again later."_s.arg(m_peerAddress.toString()),
               {}, LogRejection::No);
        closeAfterWriting();
        return;
    }
    if (verdict == Verdict::Failed) {
        const auto delay = m_access->failureDelay(m_peerAddress);
        qCWarning(lcSession).noquote()
                << m_peer << "failed login as" << TerminalText::escaped(nick);
        // Held back, and nothing more is read meanwhile: guessing gets slower with each try.
        QTimer::singleShot(delay, this, [this, nick] {
            if (m_state != State::Authenticating || !m_socket)
                return;
            m_state = State::AwaitingNick;
            reject(ErrorCode::AuthFailed, u"Wrong password for %1."_s.arg(nick), {},
                   LogRejection::No);
            closeAfterWriting();
        });
        return;
    }
    m_state = State::AwaitingNick;
    if (verdict == Verdict::PasswordRequired) {
        const QString account = m_access->registeredNick(nick);
        if (account.isEmpty()) {
            reject(ErrorCode::AuthRequired, u"This server needs a password."_s);
        } else if (Protocol::storedNickKey(account) != Protocol::storedNickKey(nick)) {
            reject(ErrorCode::AuthRequired,
                   u"The nickname %1 looks like the registered nickname %2: give %2's "
                   "password."_s.arg(nick, account));
        } else {
            reject(ErrorCode::AuthRequired,
                   u"The nickname %1 is registered: give its password."_s.arg(nick));
        }
    } else if (verdict == Verdict::RegistrationRequired) {
        reject(ErrorCode::AuthRequired,
               u"Only registered nicknames may join this server; %1 is not one."_s.arg(nick));
    } else if (m_directory->isOnline(nick)) { // taken while the password was being checked
        rejectTakenNick(nick);
    } else {
        // Held until the cluster (if any) says the nick is this node's: nothing is read meanwhile.
        m_state = State::Authenticating;
        m_directory->claimNick(nick, this, [this, request, isOperator](bool claimed) {
            if (m_state != State::Authenticating || !m_socket) {
                if (claimed && !m_directory->isOnline(request.nick))
                    m_directory->releaseNick(request.nick); // gone while the cluster answered
                return;
            }
            m_state = State::AwaitingNick;
            if (!claimed || m_directory->isOnline(request.nick))
                rejectTakenNick(request.nick);
            else
                becomeMember(request, isOperator);
            if (m_readPaused)
                QMetaObject::invokeMethod(this, &Session::resumeReading, Qt::QueuedConnection);
        });
        return;
    }
    if (m_readPaused)
        QMetaObject::invokeMethod(this, &Session::resumeReading, Qt::QueuedConnection);
}

void Session::becomeMember(const JoinRequest &request, bool isOperator)
{
    const QString &nick = request.nick;
    m_nick = nick;
    m_operator = isOperator;
    // Only a registered nick's login proves an account (a shared password proves none).
    if (m_access->isRegistered(nick)) {
        m_account = Protocol::nickKey(nick);
        m_accountIsOperator = isOperator;
    }
    m_state = State::InRoom;
    m_directory->setOnline(this);
    // The rooms write their logs to the member as fast as the connection takes them.
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_state != State::InRoom)
            return;
        // The greetings are out: the allowance for them ends with them.
        if (!m_greeting && m_socket->bytesToWrite() == 0)
            m_welcomeBytes = 0;
        for (Room *room : std::as_const(m_rooms))
            room->memberDrained(this);
    });
    // A member is back in every room it belongs to; a client without rooms (protocol 1)
    // is in the lobby, as is anyone who belongs nowhere yet.
    QList<Room *> rooms = speaksRooms() ? m_directory->roomsOf(nick) : QList<Room *>();
    QList<std::pair<ErrorCode, QString>> refusals;
    if (rooms.isEmpty() && m_face == Face::Json && m_protocol >= 2) {
        // A member of nothing (a new nick, or a server restarted without its store) is put
        // in the rooms its hello names, under the rules of join.
        for (const Protocol::Hello::Position &position : request.rooms) {
            if (!Protocol::directPeer(position.room).isEmpty())
                continue;
            Room *room = Protocol::isValidRoomName(position.room) ? m_directory->find(position.room)
                                                                  : nullptr;
            if (room && rooms.contains(room))
                continue;
            if (const auto refusal = refuseJoin(position.room, room, false, rooms.size())) {
                refusals.append(*refusal);
                continue;
            }
            rooms.append(room ? room : m_directory->create(position.room, nick, false));
        }
    }
    if (rooms.isEmpty() || !speaksRooms())
        rooms = { m_directory->lobby() };
    m_greeting = true;
    if (m_face == Face::Json && m_protocol >= 2) {
        Protocol::Welcome welcome;
        welcome.nick = nick;
        welcome.server = QStringLiteral("natter-server/" NATTER_VERSION);
        welcome.epoch = m_directory->lobby()->epoch();
        for (const Room *room : std::as_const(rooms))
            welcome.rooms.append(room->name());
        welcome.direct = m_directory->directConversations(nick);
        writeFromRoom(Protocol::encode(Protocol::ServerFrame { std::move(welcome) }));
    } else if (m_face == Face::Irc) {
        writeFromRoom(IrcFace::welcome(nick, m_directory->onlineCount()));
    }
    for (Room *room : std::as_const(rooms)) {
        std::optional<qint64> since = request.since;
        QString epoch = request.epoch;
        if (m_protocol >= 2 && m_face == Face::Json) {
            since.reset();
            epoch.clear();
            for (const Protocol::Hello::Position &position : request.rooms) {
                if (Protocol::roomKey(position.room) == Protocol::roomKey(room->name())) {
                    since = position.since;
                    epoch = position.epoch;
                }
            }
        } else if (room != m_directory->lobby()) {
            since.reset(); // a plain-text client keeps no numbers
        }
        room->addMember(nick);
        m_rooms.append(room);
        const bool classic = room == m_directory->lobby()
                && (m_face == Face::PlainText || (m_face == Face::Json && m_protocol < 2));
        room->join(this, since, epoch,
                   classic ? Room::Greeting::Welcome : Room::Greeting::RoomFrame);
    }
    m_greeting = false;
    m_currentRoom = m_rooms.contains(m_directory->lobby()) ? m_directory->lobby()
                                                           : m_rooms.constFirst();
    for (const auto &[code, text] : std::as_const(refusals))
        reject(code, text);
}

void Session::handleFrame(const Protocol::Kick &kick)
{
    if (!requireRoom(kick.id) || !admit(kick.id))
        return;
    if (Protocol::textLength(kick.reason) > m_config.maxTextLength) {
        reject(ErrorCode::TextTooLong,
               u"A reason may hold at most %1 characters."_s.arg(m_config.maxTextLength), kick.id);
        return;
    }
    if (!kick.room.isEmpty()) {
        if (Room *room = myRoom(kick.room, kick.id))
            kickFromRoom(room, kick);
        return;
    }
    if (!m_operator) {
        reject(ErrorCode::Forbidden, u"Only operators may remove people from the chat."_s, kick.id);
        return;
    }
    auto *target = dynamic_cast<Session *>(m_directory->online(kick.nick));
    if (!target || target->m_state != State::InRoom) {
        reject(ErrorCode::NoSuchUser, u"Nobody called %1 is in the chat."_s.arg(kick.nick),
               kick.id);
        return;
    }
    qCInfo(lcServer).noquote() << loggedNick() << "removed" << target->loggedNick()
                               << (kick.reason.isEmpty()
                                           ? QString()
                                           : u"(%1)"_s.arg(TerminalText::escaped(kick.reason)));
    target->kickedBy(m_nick, kick.reason);
}

void Session::kickedBy(const QString &operatorNick, const QString &reason)
{
    const QString why = reason.isEmpty() ? QString() : u": "_s + reason;
    send(Protocol::Error { ErrorCode::Kicked,
                           u"You were removed from the chat by %1%2."_s.arg(operatorNick, why),
                           {} });
    leaveRooms(LeaveReason::Kicked, operatorNick, reason);
    closeAfterWriting();
}

void Session::say(const QString &text, const QString &to, const QString &room, const QString &id)
{
    if (Protocol::isBlankText(text)) {
        reject(ErrorCode::BadFrame, u"A message needs some text that shows."_s, id);
        return;
    }
    if (Protocol::textLength(text) > m_config.maxTextLength) {
        reject(ErrorCode::TextTooLong,
               u"A message may hold at most %1 characters."_s.arg(m_config.maxTextLength), id);
        return;
    }
    Room *target = to.isEmpty() ? myRoom(room, id) : m_directory->lobby();
    if (!target)
        return;
    if (!to.isEmpty() && !m_rooms.contains(target)) {
        reject(ErrorCode::NotAMember,
               u"Direct messages go through the lobby: join it to send one."_s, id);
        return;
    }
    if (const auto error = target->post(this, text, to, id, m_irc.label)) {
        Q_ASSERT(*error == ErrorCode::NoSuchUser);
        reject(*error, u"Nobody called %1 is in the chat."_s.arg(to), id);
        return;
    }
    m_irc.labelTaken = !m_irc.label.isEmpty();
    ServerCounters::instance().messagesReceived.fetch_add(1, std::memory_order_relaxed);
}

void Session::reject(ErrorCode code, const QString &text, const QString &id, LogRejection log)
{
    // The text quotes what the peer sent (a nick, a type, a "to"): escaped and capped.
    if (log == LogRejection::Yes) {
        m_refusals->log(lcSession, m_peerAddress,
                        u"%1 %2 %3 %4"_s.arg(m_peer, loggedNick(), Protocol::errorCodeName(code),
                                             TerminalText::escaped(text)));
    }
    send(Protocol::Error { code, text, id });
}

QString Session::loggedNick() const
{
    // Valid nicks hold no controls, but the rules are Protocol's to change: escaped anyway.
    return m_nick.isEmpty() ? u"-"_s : TerminalText::escaped(m_nick);
}

void Session::write(const QByteArray &bytes)
{
    if (!m_irc.label.isEmpty()) {
        m_irc.labelled += bytes; // one command's replies, written out when it is answered
        return;
    }
    writeToSocket(bytes);
    // Qt never limits a socket's write buffer: a client that asks and never reads would grow
    // the server without bound. The room's own writes are bounded by its log (see RoomLog).
    if (m_socket && m_state != State::Closing
        && m_socket->bytesToWrite() > 2 * m_config.maxSendQueueBytes + m_welcomeBytes) {
        qCInfo(lcSession).noquote() << m_peer << loggedNick() << "send queue over"
                                    << 2 * m_config.maxSendQueueBytes + m_welcomeBytes << "bytes";
        drop(LeaveReason::Slow);
    }
}

void Session::writeFromRoom(const QByteArray &bytes)
{
    // A room's first write is its greeting, whose history the client asked for: it does not
    // count against the cap on the session's own answers.
    if (m_greeting)
        m_welcomeBytes += bytes.size();
    if (m_greeting && !m_irc.label.isEmpty()) {
        m_irc.labelled += bytes; // the greeting answers an IRC client's labelled JOIN
        return;
    }
    writeToSocket(bytes);
}

void Session::leaveRooms(LeaveReason reason, const QString &by, const QString &comment)
{
    const QList<Room *> rooms = std::exchange(m_rooms, {});
    for (Room *room : rooms)
        room->leave(this, reason, by, comment);
    m_currentRoom = nullptr;
    if (!m_nick.isEmpty())
        m_directory->setOffline(this);
}

Room *Session::myRoom(const QString &name, const QString &id)
{
    if (name.isEmpty() && m_currentRoom)
        return m_currentRoom;
    Room *room = m_directory->find(name);
    if (!room || (room->isPrivate() && !room->isMember(m_nick) && !m_operator)) {
        reject(ErrorCode::NoSuchRoom, u"There is no room called #%1."_s.arg(name), id);
        return nullptr;
    }
    if (!m_rooms.contains(room)) {
        reject(ErrorCode::NotAMember, u"You are not in #%1: join it first."_s.arg(room->name()),
               id);
        return nullptr;
    }
    return room;
}

void Session::forgetRoom(Room *room)
{
    m_rooms.removeAll(room);
    if (m_face != Face::PlainText || m_currentRoom != room)
        return;
    Room *lobby = m_directory->lobby();
    if (m_rooms.isEmpty()) {
        // A terminal always has somewhere to type into.
        lobby->addMember(m_nick);
        m_rooms.append(lobby);
        m_greeting = true;
        lobby->join(this, std::nullopt, {}, Room::Greeting::RoomFrame);
        m_greeting = false;
    }
    m_currentRoom = m_rooms.contains(lobby) ? lobby : m_rooms.constFirst();
    write(u"Lines you type now go to #%1.\n"_s.arg(TerminalText::sanitized(m_currentRoom->name()))
                  .toUtf8());
}

bool Session::requireRooms(const QString &id)
{
    if (speaksRooms())
        return true;
    reject(ErrorCode::UnsupportedProtocol,
           u"Rooms need protocol version 2: say \"protocol\":2 in hello."_s, id);
    return false;
}

std::optional<std::pair<ErrorCode, QString>> Session::refuseJoin(const QString &name,
                                                                 const Room *room, bool isPrivate,
                                                                 qsizetype roomsHeld) const
{
    if (!Protocol::isValidRoomName(name)) {
        return std::pair { ErrorCode::RoomInvalid,
                           u"A room's name is 1 to %1 letters, digits, '_', '-' or '.'; \"%2\" "
                           "is not."_s.arg(Protocol::MaxRoomNameLength)
                                   .arg(name) };
    }
    if (m_config.maxRoomsPerUser > 0 && roomsHeld >= m_config.maxRoomsPerUser) {
        return std::pair { ErrorCode::TooManyRooms,
                           u"You are in %1 rooms, the most this server allows: part one first."_s
                                   .arg(m_config.maxRoomsPerUser) };
    }
    if (room && room->isPrivate() && !room->isMember(m_nick) && !room->isInvited(m_nick)
        && !room->mayManage(m_nick, m_operator)) {
        return std::pair { ErrorCode::NotInvited,
                           u"#%1 is private: only those its owner invites may join."_s.arg(
                                   room->name()) };
    }
    if (!room) {
        return m_directory->refuseCreation(m_nick, isPrivate, m_access->isRegistered(m_nick),
                                           m_operator, !m_config.accountsPath.isEmpty());
    }
    return std::nullopt;
}

void Session::handleFrame(const Protocol::Join &join)
{
    if (!requireRoom(join.id) || !requireRooms(join.id) || !admit(join.id))
        return;
    Room *room = Protocol::isValidRoomName(join.room) ? m_directory->find(join.room) : nullptr;
    if (room && m_rooms.contains(room)) {
        if (m_face == Face::PlainText)
            m_currentRoom = room; // /join of a room one is in switches to it
        else
            reject(ErrorCode::BadFrame, u"You are in #%1 already."_s.arg(room->name()), join.id);
        return;
    }
    const auto refusal = refuseJoin(join.room, room, join.isPrivate,
                                    m_directory->roomsOf(m_nick).size());
    if (refusal) {
        reject(refusal->first, refusal->second, join.id);
        return;
    }
    if (!room)
        room = m_directory->create(join.room, m_nick, join.isPrivate);
    room->addMember(m_nick);
    m_rooms.append(room);
    m_greeting = true;
    room->join(this, std::nullopt, {}, Room::Greeting::RoomFrame);
    m_greeting = false;
    if (m_face == Face::PlainText)
        m_currentRoom = room;
}

void Session::handleFrame(const Protocol::Part &part)
{
    if (!requireRoom(part.id) || !requireRooms(part.id) || !admit(part.id))
        return;
    Room *room = myRoom(part.room, part.id);
    if (!room)
        return;
    room->part(m_nick, this, LeaveReason::Part);
    forgetRoom(room);
}

void Session::handleFrame(const Protocol::ListRooms &list)
{
    if (!requireRoom(list.id) || !requireRooms(list.id) || !admit(list.id, m_config.searchCost))
        return;
    constexpr qsizetype MaxListed = 500;
    send(Protocol::RoomList { list.id, m_directory->list(m_nick, list.filter, MaxListed) });
}

void Session::handleFrame(const Protocol::SetTopic &topic)
{
    if (!requireRoom(topic.id) || !admit(topic.id))
        return;
    Room *room = myRoom(topic.room, topic.id);
    if (!room)
        return;
    if (!room->mayManage(m_nick, m_operator)) {
        reject(ErrorCode::Forbidden,
               u"Only the owner of #%1 (or an operator) may set its topic."_s.arg(room->name()),
               topic.id);
        return;
    }
    if (Protocol::textLength(topic.topic) > Protocol::MaxTopicLength) {
        reject(ErrorCode::TextTooLong,
               u"A topic may hold at most %1 characters."_s.arg(Protocol::MaxTopicLength),
               topic.id);
        return;
    }
    room->setTopic(topic.topic, m_nick);
}

void Session::handleFrame(const Protocol::Invite &invite)
{
    if (!requireRoom(invite.id) || !requireRooms(invite.id) || !admit(invite.id))
        return;
    Room *room = myRoom(invite.room, invite.id);
    if (!room)
        return;
    if (room->isPrivate() && !room->mayManage(m_nick, m_operator)) {
        reject(ErrorCode::Forbidden,
               u"Only the owner of #%1 (or an operator) may invite to it."_s.arg(room->name()),
               invite.id);
        return;
    }
    if (!Protocol::isValidNick(invite.nick)) {
        reject(ErrorCode::NickInvalid, u"\"%1\" is not a nickname."_s.arg(invite.nick), invite.id);
        return;
    }
    // Only a private room keeps invitations; to a public one an invitation is a pointer.
    if (room->isPrivate() && !room->invite(invite.nick)) {
        reject(ErrorCode::TooManyRooms,
               u"#%1 holds as many invitations as it may; they end as the invited join."_s.arg(
                       room->name()),
               invite.id);
        return;
    }
    const Protocol::Invited invited { room->name(), invite.nick, m_nick };
    send(invited);
    m_directory->tellInvited(invited, this);
}

void Session::handleFrame(const Protocol::MarkRead &read)
{
    if (!requireRoom({}) || !admit({}))
        return;
    // Markers cost the server a hash update; a client sends one per room it looks at.
    if (const QString peer = Protocol::directPeer(read.room); !peer.isEmpty())
        m_directory->setDirectRead(m_nick, peer, read.seq);
    else if (Room *room = myRoom(read.room, {}))
        room->setReadMarker(m_nick, read.seq);
}

void Session::handleFrame(const Protocol::ChangeNick &change)
{
    if (!requireRoom(change.id) || !admit(change.id))
        return;
    const QString &nick = change.nick;
    if (m_renaming) {
        reject(ErrorCode::RateLimited,
               u"One nick change at a time: wait for the answer to the last one."_s, change.id,
               LogRejection::No);
        return;
    }
    if (!Protocol::isValidNick(nick)) {
        reject(ErrorCode::NickInvalid, invalidNickText(nick), change.id);
        return;
    }
    if (nick == m_nick) {
        reject(ErrorCode::BadFrame, u"You are %1 already."_s.arg(nick), change.id);
        return;
    }
    // A new spelling of one's own nick ("aa" to "AA") is free; anyone else's is taken.
    if (Protocol::nickKey(nick) != Protocol::nickKey(m_nick) && m_directory->isOnline(nick)) {
        rejectTakenNick(nick, change.id);
        return;
    }
    const QString account = m_access->registeredNick(nick);
    if (account.isEmpty()) {
        if (m_config.registeredOnly) {
            reject(ErrorCode::AuthRequired,
                   u"Only registered nicknames may join this server; %1 is not one."_s.arg(nick),
                   change.id);
            return;
        }
        claimNewNick(nick, false, change.id);
        return;
    }
    if (Protocol::nickKey(account) == m_account) {
        claimNewNick(nick, m_accountIsOperator, change.id);
        return;
    }
    if (change.password.isEmpty()) {
        const QString how = m_face == Face::Json
                ? u"give its password with the new nick, or connect with it"_s
                : u"connect again with it and its password"_s;
        reject(ErrorCode::AuthRequired,
               Protocol::storedNickKey(account) == Protocol::storedNickKey(nick)
                       ? u"The nickname %1 is registered: %2."_s.arg(nick, how)
                       : u"The nickname %1 looks like the registered nickname %2: %3."_s.arg(
                               nick, account, how),
               change.id);
        return;
    }
    // The same check, delays and bans as a login, but a wrong password keeps the connection:
    // the member is in the chat already, under the nick it has.
    m_renaming = true;
    m_access->check(nick, change.password, m_peerAddress, this,
                    [this, nick, id = change.id](AccessControl::Verdict verdict, bool isOperator) {
                        using Verdict = AccessControl::Verdict;
                        if (m_state != State::InRoom) {
                            m_renaming = false;
                            return;
                        }
                        if (verdict == Verdict::Allowed) {
                            m_renaming = false;
                            m_account = Protocol::nickKey(nick);
                            m_accountIsOperator = isOperator;
                            claimNewNick(nick, isOperator, id);
                            return;
                        }
                        qCWarning(lcSession).noquote()
                                << m_peer << loggedNick() << "gave a wrong password for the nick"
                                << TerminalText::escaped(nick);
                        const auto delay = verdict == Verdict::Failed
                                ? m_access->failureDelay(m_peerAddress)
                                : std::chrono::milliseconds(0);
                        QTimer::singleShot(delay, this, [this, nick, id, verdict] {
                            m_renaming = false;
                            if (m_state != State::InRoom)
                                return;
                            m_irc.command = u"NICK"_s;
                            m_irc.target = nick;
                            if (verdict == Verdict::Banned) {
                                reject(ErrorCode::Banned,
                                       u"Too many failed logins from %1; try again later."_s.arg(
                                               m_peerAddress.toString()),
                                       id, LogRejection::No);
                                leaveAndClose(LeaveReason::Exit);
                            } else {
                                reject(ErrorCode::AuthFailed, u"Wrong password for %1."_s.arg(nick),
                                       id, LogRejection::No);
                            }
                            m_irc.command.clear();
                            m_irc.target.clear();
                        });
                    });
}

void Session::claimNewNick(const QString &nick, bool isOperator, const QString &id)
{
    if (Protocol::nickKey(nick) == Protocol::nickKey(m_nick)) {
        rename(nick, isOperator, id); // this node holds the key already
        return;
    }
    // Held by this node before the old nick is released (rename), so that in a cluster the
    // member never holds neither, and nobody else can take the new one meanwhile.
    m_renaming = true;
    m_directory->claimNick(nick, this, [this, nick, isOperator, id](bool claimed) {
        m_renaming = false;
        if (m_state != State::InRoom) {
            if (claimed && !m_directory->isOnline(nick))
                m_directory->releaseNick(nick); // gone while the cluster answered
            return;
        }
        m_irc.command = u"NICK"_s;
        m_irc.target = nick;
        if (!claimed || m_directory->isOnline(nick))
            rejectTakenNick(nick, id);
        else
            rename(nick, isOperator, id);
        m_irc.command.clear();
        m_irc.target.clear();
    });
}

void Session::rename(const QString &nick, bool isOperator, const QString &id)
{
    const QString old = std::exchange(m_nick, nick);
    m_operator = isOperator;
    m_directory->rename(this, old);
    for (Room *room : std::as_const(m_rooms))
        room->rename(this, old);
    Protocol::Renamed renamed {
        old, nick, QDateTime::currentMSecsSinceEpoch(), Protocol::renamedText(old, nick), {}
    };
    qCInfo(lcSession).noquote() << m_peer << TerminalText::escaped(renamed.text);
    announce(EncodedFrame(renamed), Audience::Everyone);
    renamed.id = id;
    send(renamed);
}

void Session::handleFrame(const Protocol::SetAway &away)
{
    if (!requireRoom(away.id) || !admit(away.id))
        return;
    if (Protocol::textLength(away.reason) > Protocol::MaxAwayLength) {
        reject(ErrorCode::TextTooLong,
               u"An away reason may hold at most %1 characters."_s.arg(Protocol::MaxAwayLength),
               away.id);
        return;
    }
    // A reason that shows nothing is no reason: the member is back.
    const QString reason = Protocol::isBlankText(away.reason) ? QString() : away.reason;
    const bool changed = reason != m_away;
    m_away = reason;
    const Protocol::AwayChanged frame { m_nick, reason, {} };
    if (m_face == Face::Irc) {
        write(reason.isEmpty() ? IrcFace::numeric(305, ircNick(), {},
                                                  u"You are no longer marked as being away"_s)
                               : IrcFace::numeric(306, ircNick(), {},
                                                  u"You have been marked as being away"_s));
    } else if (m_face == Face::PlainText) {
        write((reason.isEmpty() ? u"You are back.\n"_s
                                : u"You are away: %1\n"_s.arg(TerminalText::sanitized(reason)))
                      .toUtf8());
    } else {
        Protocol::AwayChanged answer = frame;
        answer.id = away.id;
        send(answer);
    }
    if (changed)
        announce(EncodedFrame(frame), Audience::AwayNotify);
}

void Session::announce(const EncodedFrame &frame, Audience audience)
{
    QSet<RoomMember *> told { this };
    for (const Room *room : std::as_const(m_rooms)) {
        // As joins and leaves: every member hearing of everyone costs the square of the room.
        if (room->isLarge())
            continue;
        for (RoomMember *member : room->localMembers()) {
            if (told.contains(member))
                continue;
            told.insert(member);
            auto *peer = dynamic_cast<Session *>(member);
            if (!peer || peer->m_state != State::InRoom)
                continue;
            if (audience == Audience::AwayNotify && peer->m_face == Face::Irc
                && !peer->m_irc.capabilities.contains(u"away-notify"_s))
                continue;
            peer->deliver(frame);
        }
    }
}

void Session::kickFromRoom(Room *room, const Protocol::Kick &kick)
{
    if (!room->mayManage(m_nick, m_operator)) {
        reject(ErrorCode::Forbidden,
               u"Only the owner of #%1 (or an operator) may remove people from it."_s.arg(
                       room->name()),
               kick.id);
        return;
    }
    if (!room->isMember(kick.nick)) {
        reject(ErrorCode::NoSuchUser, u"Nobody called %1 is in #%2."_s.arg(kick.nick, room->name()),
               kick.id);
        return;
    }
    auto *target = dynamic_cast<Session *>(m_directory->online(kick.nick));
    if (target && !target->m_rooms.contains(room))
        target = nullptr;
    room->part(kick.nick, target, LeaveReason::Kicked, m_nick, kick.reason);
    if (target)
        target->forgetRoom(room);
}

qint64 Session::unsentBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void Session::writeToSocket(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_state == State::Closing || !m_socket)
        return;
    // Straight to the kernel while nothing is queued: QTcpSocket would copy the bytes into its
    // write buffer (a 32 KiB block it then keeps) and send them a turn later, switching its
    // write notifier on and off for every delivery. Only what the kernel does not take is
    // handed to Qt, so the order is kept. TLS sockets must encrypt, so they always go via Qt.
    qsizetype sent = 0;
    if (m_directWrites && m_socket->bytesToWrite() == 0) {
        const ssize_t written = ::send(int(m_socket->socketDescriptor()), bytes.constData(),
                                       size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (written > 0)
            sent = qsizetype(written);
        // On an error Qt gets the rest and reports the broken connection itself.
    }
    if (sent < bytes.size())
        m_socket->write(bytes.constData() + sent, bytes.size() - sent);
}

void Session::resumeReadingFromRoom()
{
    // Queued: the room calls this from inside a delivery or a leave, and reading may post.
    QMetaObject::invokeMethod(this, &Session::resumeReading, Qt::QueuedConnection);
}

void Session::resumeReading()
{
    if (m_readPaused && m_socket)
        processReadyRead();
}

void Session::leaveAndClose(LeaveReason reason)
{
    if (m_state == State::InRoom)
        leaveRooms(reason);
    closeAfterWriting();
}

void Session::closeAfterWriting()
{
    m_state = State::Closing;
    m_closingSinceMs = monotonicMs();
    if (const auto *tls = qobject_cast<QSslSocket *>(m_socket.data()); tls && !tls->isEncrypted()) {
        // disconnectFromHost() would wait for the handshake to finish, for ever if the client
        // stalls it; and nothing written before it finishes could be read anyway.
        m_socket->abort();
        handleDisconnected();
        return;
    }
    if (qobject_cast<QSslSocket *>(m_socket.data())) {
        m_socket->disconnectFromHost(); // sends what is queued and close_notify, then closes
        return;
    }
    // Closing with input unread makes the kernel reset the connection, which destroys what the
    // client has not read yet (a shutdown notice, its last acks). So only the sending side is
    // shut, once everything is written; input is dropped until the client closes, and one that
    // never does is cut by the liveness sweep or the shutdown deadline.
    connect(m_socket, &QTcpSocket::bytesWritten, this, &Session::shutWriteOnceWritten,
            Qt::UniqueConnection);
    m_socket->flush();
    shutWriteOnceWritten();
    // Whatever is already buffered is dropped now.
    QMetaObject::invokeMethod(this, &Session::processReadyRead, Qt::QueuedConnection);
}

void Session::shutWriteOnceWritten()
{
    if (m_writeShut || !m_socket || m_socket->bytesToWrite() > 0)
        return;
    m_writeShut = true;
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

void Session::drop(LeaveReason reason)
{
    const bool wasInRoom = m_state == State::InRoom;
    if (m_state != State::Closing) {
        ServerCounters &counters = ServerCounters::instance();
        if (reason == LeaveReason::Slow)
            counters.removedSlow.fetch_add(1, std::memory_order_relaxed);
        else if (reason == LeaveReason::Flood)
            counters.removedFlood.fetch_add(1, std::memory_order_relaxed);
        else if (reason == LeaveReason::Timeout)
            counters.removedTimeout.fetch_add(1, std::memory_order_relaxed);
    }
    m_state = State::Closing;
    // Deferred: this may run inside the room's delivery loop.
    QMetaObject::invokeMethod(
            this,
            [this, reason, wasInRoom] {
                if (wasInRoom)
                    leaveRooms(reason);
                if (m_socket)
                    m_socket->abort();
                handleDisconnected();
            },
            Qt::QueuedConnection);
}

void Session::handleDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_state == State::InRoom)
        leaveRooms(LeaveReason::Lost);
    m_state = State::Closing;
    qCDebug(lcSession) << m_peer << "disconnected";
    emit finished(this);
}
