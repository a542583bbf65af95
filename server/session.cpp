#include "session.h"

#include "encodedframe.h"
#include "room.h"
#include "serverlogging.h"

#include <algorithm>
#include <chrono>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;
using Protocol::LeaveReason;

Session::Session(QTcpSocket *socket, Room *room, const ServerConfig &config, QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_room(room),
      m_config(config),
      m_framer(config.maxLineBytes),
      m_peer(u"%1:%2"_s.arg(socket->peerAddress().toString()).arg(socket->peerPort())),
      m_peerAddress(socket->peerAddress()),
      m_bucket(config.rate, config.burst, monotonicMs()),
      m_connectedMs(monotonicMs()),
      m_lastActivityMs(m_connectedMs)
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
    if (m_state == State::Closing)
        return;
    if (m_state != State::InRoom) {
        if (nowMs - m_connectedMs >= m_config.helloTimeout.count()) {
            reject(ErrorCode::Timeout, u"No hello within %1 s; closing the connection."_s.arg(
                                               m_config.helloTimeout.count() / 1000.0));
            closeAfterWriting();
        }
        return;
    }
    if (m_face != Face::Json)
        return; // TCP keepalive watches plain-text clients
    const qint64 silentMs = nowMs - m_lastActivityMs;
    if (silentMs >= m_config.timeout.count()) {
        qCInfo(lcSession).noquote() << m_peer << m_nick << "silent for" << silentMs << "ms";
        drop(LeaveReason::Timeout);
    } else if (silentMs >= m_config.pingInterval.count() && !m_pinged) {
        m_pinged = true;
        send(Protocol::Ping { QString::number(nowMs) });
    }
}

bool Session::admit(const QString &id)
{
    const qint64 now = monotonicMs();
    if (m_bucket.tryTake(now))
        return true;
    // A streak of rejections with no second of calm between them is a flood.
    const bool newStreak = now - m_lastRejectionMs > 1000;
    if (newStreak)
        m_floodStartMs = now;
    m_lastRejectionMs = now;
    if (now - m_floodStartMs >= m_config.floodGrace.count()) {
        qCInfo(lcSession).noquote() << m_peer << m_nick << "still flooding after"
                                    << m_config.floodGrace.count() << "ms";
        drop(LeaveReason::Flood);
        return false;
    }
    reject(ErrorCode::RateLimited,
           u"Too many messages: at most %1 a second. This one was not delivered."_s.arg(
                   m_config.rate),
           id, newStreak ? LogRejection::Yes : LogRejection::No);
    return false;
}

void Session::deliver(const EncodedFrame &frame)
{
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
    deliver(notice);
    leaveAndClose(LeaveReason::Exit);
}

void Session::processReadyRead()
{
    // The socket is unbuffered: each read takes one chunk from the kernel; bytes of a
    // line cut between two reads wait in the framer for the rest.
    m_lastActivityMs = monotonicMs();
    m_pinged = false;
    // Push-back: while the room cannot get messages out, nothing more is read from its members.
    // The unbuffered socket raises readyRead again only after a read, so a paused session
    // costs nothing, and the kernel's full buffer slows the sender through TCP flow control.
    if (m_state == State::InRoom && m_room->isBackedUp()) {
        if (!m_readPaused) {
            m_readPaused = true;
            m_room->pauseReading(this);
        }
        return;
    }
    m_readPaused = false;
    // One chunk per turn of the event loop: a flooding sender cannot starve the others, and
    // what it sent past this chunk waits in the kernel. Qt raises readyRead only for new
    // data, so the rest is picked up by a queued call, after everyone else's turn.
    if (m_state != State::Closing && m_socket->bytesAvailable() > 0) {
        if (m_socket->bytesAvailable() > m_config.readChunkBytes && !m_readScheduled) {
            m_readScheduled = true;
            QMetaObject::invokeMethod(
                    this,
                    [this] {
                        m_readScheduled = false;
                        if (m_socket)
                            processReadyRead();
                    },
                    Qt::QueuedConnection);
        }
        m_framer.append(m_socket->read(m_config.readChunkBytes));
        QByteArray line;
        for (;;) {
            const LineFramer::Status status = m_framer.takeLine(&line);
            if (status == LineFramer::Status::NeedMore)
                break;
            if (status == LineFramer::Status::TooLong) {
                reject(ErrorCode::TooLong,
                       u"A line may hold at most %1 bytes; closing the connection."_s.arg(
                               m_framer.maxLineBytes()));
                leaveAndClose(LeaveReason::Lost);
                return;
            }
            handleLine(line);
            if (m_state == State::Closing)
                return;
        }
    }
}

void Session::handleLine(const QByteArray &line)
{
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
    const QString text = *decoded;
    const QString trimmed = text.trimmed();
    if (m_state == State::AwaitingNick) {
        if (!trimmed.isEmpty())
            enterRoom(trimmed, std::nullopt);
        return;
    }
    if (trimmed.isEmpty())
        return;
    if (trimmed == "exit"_L1 || trimmed == "/quit"_L1) {
        handleFrame(Protocol::Exit {});
        return;
    }
    if (trimmed == "/who"_L1) {
        const QStringList nicks = m_room->nicks();
        write(u"Online now (%1): %2.\n"_s.arg(nicks.size()).arg(nicks.join(u", "_s)).toUtf8());
        return;
    }
    if (trimmed.startsWith("/msg "_L1)) {
        const QString rest = trimmed.mid(5).trimmed();
        const qsizetype space = rest.indexOf(u' ');
        if (space < 0) {
            reject(ErrorCode::BadFrame, u"Usage: /msg NICK TEXT"_s);
            return;
        }
        say(rest.mid(space + 1).trimmed(), rest.left(space), {});
        return;
    }
    if (!admit({}))
        return;
    if (trimmed.startsWith(u'/')) {
        reject(ErrorCode::UnknownType,
               u"Unknown command %1. Commands: /msg NICK TEXT, /who, exit."_s.arg(
                       trimmed.section(u' ', 0, 0)));
        return;
    }
    say(text, {}, {});
}

void Session::handleFrame(const Protocol::Hello &hello)
{
    if (m_state == State::InRoom) {
        reject(ErrorCode::BadFrame, u"Already in the chat as %1."_s.arg(m_nick));
        return;
    }
    enterRoom(hello.nick, hello.since);
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
        say(frame.text, frame.to, frame.id);
}

void Session::handleFrame(const Protocol::Search &search)
{
    if (!requireRoom(search.id) || !admit(search.id))
        return;
    if (search.query.trimmed().isEmpty() || search.query.size() > m_config.maxTextLength) {
        reject(ErrorCode::BadFrame, u"A search needs 1 to %1 characters."_s.arg(
                                            m_config.maxTextLength), search.id);
        return;
    }
    send(Protocol::Results { search.id, m_room->search(this, search.query, search.before,
                                                       Protocol::MaxResults) });
}

void Session::handleFrame(const Protocol::History &history)
{
    if (!requireRoom(history.id) || !admit(history.id))
        return;
    const qsizetype limit = std::clamp<qint64>(history.limit, 1, Protocol::MaxResults);
    send(Protocol::Results { history.id, m_room->history(this, history.before, limit) });
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

void Session::enterRoom(const QString &nick, std::optional<qint64> since)
{
    if (!Protocol::isValidNick(nick)) {
        reject(ErrorCode::NickInvalid,
               u"A nickname is 1 to 32 letters, digits, '_' or '-'; \"%1\" is not."_s.arg(nick));
        return;
    }
    if (m_room->isNickTaken(nick)) {
        reject(ErrorCode::NickTaken, u"The nickname %1 is taken; choose another."_s.arg(nick));
        return;
    }
    m_nick = nick;
    m_state = State::InRoom;
    m_room->join(this, since);
}

void Session::say(const QString &text, const QString &to, const QString &id)
{
    if (text.trimmed().isEmpty()) {
        reject(ErrorCode::BadFrame, u"A message needs some text."_s, id);
        return;
    }
    if (text.size() > m_config.maxTextLength) {
        reject(ErrorCode::TextTooLong,
               u"A message may hold at most %1 characters."_s.arg(m_config.maxTextLength), id);
        return;
    }
    if (const auto error = m_room->post(this, text, to, id)) {
        Q_ASSERT(*error == ErrorCode::NoSuchUser);
        reject(*error, u"Nobody called %1 is in the chat."_s.arg(to), id);
    }
}

void Session::reject(ErrorCode code, const QString &text, const QString &id, LogRejection log)
{
    if (log == LogRejection::Yes) {
        qCInfo(lcSession).noquote() << m_peer << (m_nick.isEmpty() ? u"-"_s : m_nick)
                                    << Protocol::errorCodeName(code) << text;
    }
    send(Protocol::Error { code, text, id });
}

void Session::write(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_state == State::Closing || !m_socket)
        return;
    // Writes go to the kernel first; Qt queues only what it did not take, and never limits that
    // queue: a client that stops reading would grow the server without bound. Past the cap it
    // is dropped, after the current delivery loop.
    m_socket->write(bytes);
    if (m_socket->bytesToWrite() > m_config.maxSendQueueBytes) {
        qCInfo(lcSession).noquote() << m_peer << m_nick << "send queue over"
                                    << m_config.maxSendQueueBytes << "bytes";
        drop(LeaveReason::Slow);
        return;
    }
    updateBacklog();
}

void Session::resumeReading()
{
    if (m_readPaused && m_socket)
        processReadyRead();
}

void Session::updateBacklog()
{
    // A member with a quarter of its send queue used is behind. One such member is a slow
    // reader (cut at the cap); many at once mean the room is overloaded (see Room).
    const bool behind = m_state == State::InRoom && m_socket
            && m_socket->bytesToWrite() > m_config.maxSendQueueBytes / 4;
    if (behind == m_behind)
        return;
    m_behind = behind;
    m_room->memberBehind(this, behind);
    if (behind)
        connect(m_socket, &QTcpSocket::bytesWritten, this, &Session::updateBacklog,
                Qt::UniqueConnection);
    else if (m_socket)
        disconnect(m_socket, &QTcpSocket::bytesWritten, this, &Session::updateBacklog);
}

void Session::leaveAndClose(LeaveReason reason)
{
    if (m_state == State::InRoom)
        m_room->leave(this, reason);
    closeAfterWriting();
}

void Session::closeAfterWriting()
{
    m_state = State::Closing;
    m_socket->disconnectFromHost(); // sends what is queued first, then closes
}

void Session::drop(LeaveReason reason)
{
    const bool wasInRoom = m_state == State::InRoom;
    m_state = State::Closing;
    // Deferred: this may run inside the room's delivery loop.
    QMetaObject::invokeMethod(
            this,
            [this, reason, wasInRoom] {
                if (wasInRoom)
                    m_room->leave(this, reason);
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
        m_room->leave(this, LeaveReason::Lost);
    m_state = State::Closing;
    qCDebug(lcSession) << m_peer << "disconnected";
    emit finished(this);
}
