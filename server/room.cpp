#include "room.h"

#include "deliverybatch.h"
#include "serverlogging.h"
#include "session.h"

#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace {
// Messages read but not yet handed to the store; past this, members are not read from.
constexpr qsizetype MaxQueuedMessages = 5'000;
// Messages in one store transaction, and so in one delivery to each member: a batch of this
// many stays far below --max-sendq, so a store that fell behind does not make every member
// look too slow when it catches up.
constexpr qsizetype MaxBatchMessages = 1'000;
}

Room::Room(MessageStore *store, const ServerConfig &config, QObject *parent)
    : QObject(parent),
      m_store(store),
      // Nicks that left are remembered up to the number of clients the server takes.
      m_accepted(config.duplicateWindow, config.maxClients),
      m_historyLimit(config.historyLimit),
      m_announceLimit(config.announceLimit),
      m_lastSeq(store->lastSeq()),
      m_deliveredSeq(store->lastSeq())
{
    connect(store, &MessageStore::batchWritten, this, &Room::finishWrite);
    // A zero timer fires once the event loop has served the sockets that are ready, so the
    // messages that came in while the room was busy delivering go to the store together
    // instead of waiting a whole delivery behind the few that arrived first.
    m_handOff.setSingleShot(true);
    m_handOff.setInterval(0);
    connect(&m_handOff, &QTimer::timeout, this, &Room::writeQueued);
    m_presenceTimer.setInterval(config.presenceInterval);
    connect(&m_presenceTimer, &QTimer::timeout, this, [this] {
        if (m_members.size() != m_announcedCount)
            enqueuePresence();
    });
    // A message sent again after a restart (its ack lost in the crash) is still known.
    for (const Protocol::Message &message :
         store->recentWithClientIds(10 * config.duplicateWindow))
        m_accepted.remember(Protocol::nickKey(message.from), message.id,
                            { message.seq, message.timestamp });
}

bool Room::isNickTaken(const QString &nick) const
{
    return m_members.contains(Protocol::nickKey(nick));
}

void Room::join(Session *session, std::optional<qint64> since)
{
    const QString nick = session->nick();
    Q_ASSERT(!isNickTaken(nick));
    m_members.insert(Protocol::nickKey(nick), session);
    m_orderedNicks.insert(Protocol::nickKey(nick), nick);
    if (isLarge()) {
        m_usersJson.clear(); // not kept up while nobody is sent the list
    } else if (!m_usersJson.isEmpty()) {
        m_usersJson.chop(1); // "]"
        if (m_members.size() > 1)
            m_usersJson += ',';
        m_usersJson += Protocol::encodeNicks({ nick }).mid(1); // "\"nick\"]"
    }
    m_accepted.nickJoined(Protocol::nickKey(nick));

    Protocol::Welcome welcome;
    // A `since` from the future means the numbering restarted (a server without a store was
    // restarted): the client gets what is kept and is told its view has a gap.
    if (since && *since > m_deliveredSeq) {
        since.reset();
        welcome.historyTruncated = true;
    }
    MessageStore::Replay replay = m_store->replay(nick, since, m_historyLimit);
    welcome.nick = nick;
    welcome.server = QStringLiteral("natter-server/" NATTER_VERSION);
    welcome.seq = m_deliveredSeq;
    welcome.history = forReader(nick, std::move(replay.messages));
    welcome.historyTruncated = welcome.historyTruncated || replay.truncated;
    welcome.online = m_members.size();
    welcome.usersListed = !isLarge();
    if (session->face() == Session::Face::Json) {
        session->deliverBytes(Protocol::encodeWelcome(
                welcome, welcome.usersListed ? usersJson() : QByteArray(),
                encodeHistory(welcome.history)));
    } else {
        if (welcome.usersListed)
            welcome.users = nicks();
        session->send(welcome);
    }

    const QString text = Protocol::joinedText(nick);
    qCInfo(lcServer).noquote() << text;
    if (!m_large && !isLarge()) {
        enqueue({ std::nullopt, session,
                  EncodedFrame(Protocol::Joined { nick, QDateTime::currentMSecsSinceEpoch(),
                                                  text }) });
    }
    updateLargeness();
}

void Room::leave(Session *session, Protocol::LeaveReason reason, const QString &by,
                 const QString &comment)
{
    const QString nick = session->nick();
    const auto it = m_members.constFind(Protocol::nickKey(nick));
    if (it == m_members.cend() || it.value() != session)
        return;
    m_members.erase(it);
    m_orderedNicks.remove(Protocol::nickKey(nick));
    m_usersJson.clear();
    m_behind.remove(session);
    m_paused.removeAll(session);
    resumeIfCaughtUp();
    m_accepted.nickLeft(Protocol::nickKey(nick));

    QString text = Protocol::leftText(nick, reason);
    if (!by.isEmpty()) {
        text = comment.isEmpty() ? u"%1 was removed from the chat by %2."_s.arg(nick, by)
                                 : u"%1 was removed from the chat by %2: %3."_s.arg(nick, by,
                                                                                   comment);
    }
    qCInfo(lcServer).noquote() << text;
    if (!m_closing && !m_large && !isLarge()) {
        enqueue({ std::nullopt, nullptr,
                  EncodedFrame(Protocol::Left { nick, reason, QDateTime::currentMSecsSinceEpoch(),
                                                text, by, comment }) });
    }
    updateLargeness();
}

bool Room::isLarge() const
{
    return m_announceLimit > 0 && m_members.size() > m_announceLimit;
}

void Room::updateLargeness()
{
    const bool large = isLarge();
    if (large == m_large)
        return;
    m_large = large;
    qCInfo(lcServer) << (large ? "Over" : "Back within") << m_announceLimit
                     << "members: joins and leaves are" << (large ? "no longer" : "again")
                     << "announced one by one";
    if (large)
        m_presenceTimer.start();
    else
        m_presenceTimer.stop();
    if (!m_closing)
        enqueuePresence();
}

void Room::enqueuePresence()
{
    // Queued like a notice, so it keeps its place among the messages; when the room is small
    // again, everyone gets the list they will keep up to date from the notices.
    m_announcedCount = m_members.size();
    Protocol::Presence presence { m_members.size(), std::nullopt };
    if (!m_large)
        presence.users = nicks();
    enqueue({ std::nullopt, nullptr, EncodedFrame(std::move(presence)) });
}

std::optional<ErrorCode> Room::post(Session *sender, const QString &text, const QString &to,
                                    const QString &id)
{
    const QString senderKey = Protocol::nickKey(sender->nick());
    if (const auto accepted = m_accepted.find(senderKey, id)) {
        // Sent again after a reconnect: it was delivered the first time, so only re-ack it.
        sender->send(Protocol::Ack { id, accepted->seq, accepted->timestamp });
        return std::nullopt;
    }
    const QString key = id.isEmpty() ? QString() : pendingKey(senderKey, id);
    if (!key.isEmpty()) {
        if (const auto pending = m_pendingIds.find(key); pending != m_pendingIds.end()) {
            pending->append(sender); // acked together with the first copy
            return std::nullopt;
        }
    }
    QString recipient;
    if (!to.isEmpty()) {
        const Session *member = m_members.value(Protocol::nickKey(to));
        if (!member)
            return ErrorCode::NoSuchUser;
        recipient = member->nick();
    }
    Protocol::Message message;
    message.seq = ++m_lastSeq;
    message.timestamp = QDateTime::currentMSecsSinceEpoch();
    message.from = sender->nick();
    message.to = recipient;
    message.text = text;
    message.id = id; // stored, so the sender's own history shows which of its messages landed
    if (!key.isEmpty())
        m_pendingIds.insert(key, {});
    enqueue({ std::move(message), sender, std::nullopt });
    return std::nullopt;
}

QList<Protocol::Message> Room::history(const Session *reader, qint64 before, qsizetype limit)
{
    return forReader(reader->nick(), m_store->before(reader->nick(), before, limit));
}

void Room::search(const Session *reader, const QStringList &terms, std::optional<qint64> before,
                  qsizetype limit, QObject *context, MessageStore::Found found)
{
    m_store->search(reader->nick(), terms, before, limit, context,
                    [this, nick = reader->nick(), found = std::move(found)](
                            QList<Protocol::Message> messages) {
                        found(forReader(nick, std::move(messages)));
                    });
}

QList<Protocol::Message> Room::forReader(const QString &nick,
                                         QList<Protocol::Message> messages) const
{
    // The store may already hold a batch whose delivery is a moment away: the reader will get
    // those as they are delivered, so they are not served twice.
    messages.removeIf([this](const Protocol::Message &m) { return m.seq > m_deliveredSeq; });
    const QString key = Protocol::nickKey(nick);
    for (Protocol::Message &message : messages) {
        if (Protocol::nickKey(message.from) != key)
            message.id.clear(); // a client id is the sender's business only
    }
    return messages;
}

QByteArray Room::encodeHistory(const QList<Protocol::Message> &messages)
{
    QByteArray array = "[";
    for (const Protocol::Message &message : messages) {
        if (array.size() > 1)
            array += ',';
        QByteArray line;
        if (const auto kept = m_encodedMessages.constFind(message.seq);
            kept != m_encodedMessages.cend() && message.id.isEmpty()) {
            line = *kept;
        } else {
            line = Protocol::encode(Protocol::ServerFrame { message });
            // The reader's own messages carry their client ids: those are for it alone.
            if (message.id.isEmpty())
                keepEncoded(message.seq, line);
        }
        array += QByteArrayView(line).chopped(1); // a frame's line, without its line end
    }
    array += ']';
    return array;
}

void Room::keepEncoded(qint64 seq, const QByteArray &line)
{
    if (m_historyLimit == 0)
        return;
    m_encodedMessages.insert(seq, line);
    // Twice the history: room for the newest and for what older welcomes (with `since`) ask.
    while (m_encodedMessages.size() > 2 * m_historyLimit)
        m_encodedMessages.erase(m_encodedMessages.begin());
}

QString Room::pendingKey(const QString &nickKey, const QString &id)
{
    return nickKey + u'\n' + id; // a nick never holds a line break
}

QList<QPointer<Session>> Room::takeSenders(const Pending &pending)
{
    QList<QPointer<Session>> senders { pending.sender };
    if (!pending.message->id.isEmpty())
        senders += m_pendingIds.take(
                pendingKey(Protocol::nickKey(pending.message->from), pending.message->id));
    return senders;
}

void Room::enqueue(Pending pending)
{
    m_queued.append(std::move(pending));
    if (m_writing.isEmpty() && !m_handOff.isActive())
        m_handOff.start();
}

void Room::writeQueued()
{
    if (!m_writing.isEmpty() || m_queued.isEmpty())
        return;
    if (m_queued.size() <= MaxBatchMessages) {
        m_writing = std::exchange(m_queued, {});
    } else {
        m_writing = m_queued.first(MaxBatchMessages);
        m_queued.remove(0, MaxBatchMessages);
    }
    QList<Protocol::Message> batch;
    for (const Pending &pending : std::as_const(m_writing)) {
        if (pending.message)
            batch.append(*pending.message);
    }
    if (batch.isEmpty())
        finishWrite(true, {});
    else
        m_store->write(batch);
}

void Room::finishWrite(bool ok, const QString &error)
{
    const QList<Pending> done = std::exchange(m_writing, {});
    if (!ok)
        qCCritical(lcServer).noquote() << "Could not store messages:" << error;
    DeliveryBatch batch;
    for (qsizetype i = 0; i < done.size(); ++i) {
        const Pending &pending = done.at(i);
        if (pending.notice) {
            // Join and leave notices next to each other go out as one frame: when hundreds of
            // people come back at once, each member gets a few frames instead of one per person.
            const auto isJoinOrLeave = [](const Pending &p) {
                return p.notice
                        && (std::holds_alternative<Protocol::Joined>(p.notice->frame())
                            || std::holds_alternative<Protocol::Left>(p.notice->frame()));
            };
            qsizetype end = i + 1;
            while (isJoinOrLeave(pending) && end < done.size() && isJoinOrLeave(done.at(end)))
                ++end;
            // Joins and leaves from before the room grew past the limit are stale by now: the
            // presence count queued when it did supersedes them. Delivering them anyway would
            // send every member of a joining crowd the whole crowd (2,000 members x 1,000
            // notices = 170 MB in a reconnect storm).
            if (m_large && isJoinOrLeave(pending)) {
                i = end - 1;
                continue;
            }
            if (end - i == 1) {
                batch.toAllBut(*pending.notice, pending.sender);
                continue;
            }
            Protocol::Notices notices;
            for (qsizetype n = i; n < end; ++n) {
                const Protocol::ServerFrame &frame = done.at(n).notice->frame();
                if (const auto *joined = std::get_if<Protocol::Joined>(&frame))
                    notices.notices.append(*joined);
                else if (const auto *left = std::get_if<Protocol::Left>(&frame))
                    notices.notices.append(*left);
            }
            batch.toAllBut(EncodedFrame(std::move(notices)), nullptr);
            i = end - 1;
        } else if (ok) {
            deliver(pending, &batch);
        } else {
            const EncodedFrame failed(Protocol::Error {
                    ErrorCode::StoreFailed,
                    u"The server could not store the message, so it was not delivered."_s,
                    pending.message->id });
            for (Session *sender : takeSenders(pending))
                batch.toOne(sender, failed);
        }
    }
    batch.send(m_members.values());
    if (!ok) {
        // The failed batch's numbers were never used: those still queued take them over.
        m_lastSeq = m_deliveredSeq;
        for (Pending &pending : m_queued) {
            if (pending.message)
                pending.message->seq = ++m_lastSeq;
        }
    }
    if (!m_queued.isEmpty())
        m_handOff.start();
    else if (!isBusy())
        emit idle();
    resumeIfCaughtUp();
}

bool Room::isBackedUp() const
{
    return m_queued.size() >= MaxQueuedMessages
            || (m_behind.size() >= 2 && m_behind.size() * 4 >= m_members.size());
}

void Room::pauseReading(Session *session)
{
    m_paused.append(session);
}

void Room::memberBehind(Session *session, bool behind)
{
    if (behind)
        m_behind.insert(session);
    else if (m_behind.remove(session))
        resumeIfCaughtUp();
}

void Room::resumeIfCaughtUp()
{
    if (m_paused.isEmpty() || isBackedUp())
        return;
    // Queued: this may run inside a delivery or a leave, and reading may post more.
    for (const QPointer<Session> &session : std::exchange(m_paused, {})) {
        if (session)
            QMetaObject::invokeMethod(session, &Session::resumeReading, Qt::QueuedConnection);
    }
}

void Room::deliver(const Pending &pending, DeliveryBatch *batch)
{
    const Protocol::Message &message = *pending.message;
    Protocol::Message delivered = message;
    delivered.id.clear();
    const EncodedFrame frame(std::move(delivered));
    // The frame's line is the message as every later history shows it (ids stripped).
    keepEncoded(message.seq, frame.json());
    if (message.isDirect()) {
        Session *recipient = m_members.value(Protocol::nickKey(message.to));
        if (recipient && recipient != pending.sender)
            batch->toOne(recipient, frame);
    } else {
        batch->toAllBut(frame, pending.sender);
    }
    m_deliveredSeq = message.seq;
    m_accepted.remember(Protocol::nickKey(message.from), message.id,
                        { message.seq, message.timestamp });
    const EncodedFrame ack(Protocol::Ack { message.id, message.seq, message.timestamp });
    for (Session *sender : takeSenders(pending))
        batch->toOne(sender, ack);
}

const QByteArray &Room::usersJson()
{
    if (m_usersJson.isEmpty())
        m_usersJson = Protocol::encodeNicks(nicks());
    return m_usersJson;
}

QStringList Room::nicks() const
{
    return m_orderedNicks.values();
}
