// SPDX-License-Identifier: BSD-3-Clause
#include "messagepipeline.h"

#include "ircface.h"
#include "membership.h"
#include "servercounters.h"
#include "serverlogging.h"

#include <QDateTime>
#include <QPointer>

#include <limits>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace {
// Messages in one store transaction: a store that fell behind catches up in steps, and each
// step reaches the log (and the readers) as soon as it is safe.
constexpr qsizetype MaxBatchMessages = 1'000;

bool isJoinOrLeave(const std::optional<EncodedFrame> &notice)
{
    return notice
            && (std::holds_alternative<Protocol::Joined>(notice->frame())
                || std::holds_alternative<Protocol::Left>(notice->frame()));
}
} // namespace

MessagePipeline::MessagePipeline(const QString &room, StoreQueue *queue, Membership *membership,
                                 RoomLog *log, const ServerConfig &config, QObject *parent)
    : QObject(parent),
      m_room(room),
      m_queue(queue),
      m_membership(membership),
      m_log(log),
      // Nicks that left are remembered up to the number of clients the server takes.
      m_accepted(config.duplicateWindow, config.maxClients),
      m_historyLimit(config.historyLimit),
      m_deliveredSeq(queue->store()->lastSeqIn(room)),
      m_numberedByStore(queue->store()->numbersMessages())
{
    m_gapTimer.setSingleShot(true);
    m_gapTimer.setInterval(500);
    connect(&m_gapTimer, &QTimer::timeout, this, &MessagePipeline::fillGap);
    m_deliverPublished.setSingleShot(true);
    m_deliverPublished.setInterval(0);
    connect(&m_deliverPublished, &QTimer::timeout, this, &MessagePipeline::deliverInOrder);
    // A zero timer fires once the event loop has served the sockets that are ready, so the
    // messages that came in while the room was busy delivering go to the store together
    // instead of waiting a whole delivery behind the few that arrived first.
    m_handOff.setSingleShot(true);
    m_handOff.setInterval(0);
    connect(&m_handOff, &QTimer::timeout, this, &MessagePipeline::writeQueued);
}

void MessagePipeline::rememberAccepted(const QList<Protocol::Message> &messages)
{
    // A message sent again after a restart (its ack lost in the crash) is still known.
    for (const Protocol::Message &message : messages) {
        m_accepted.remember(Protocol::storedNickKey(message.from), message.id,
                            { message.seq, message.timestamp });
    }
}

void MessagePipeline::nickJoined(const QString &nick)
{
    m_accepted.nickJoined(Protocol::storedNickKey(nick));
}

void MessagePipeline::nickLeft(const QString &nick)
{
    m_accepted.nickLeft(Protocol::storedNickKey(nick));
}

std::optional<ErrorCode> MessagePipeline::post(RoomMember *sender, const QString &text,
                                               const QString &to, const QString &id,
                                               const QString &label)
{
    const QString senderKey = Protocol::storedNickKey(sender->nick());
    const RoomLog::ReaderId senderId = m_log->idOf(sender);
    if (const auto accepted = m_accepted.find(senderKey, id)) {
        // Sent again after a reconnect: it was delivered the first time, so only re-ack it.
        append(senderId,
               EncodedFrame(Protocol::Ack { id, accepted->seq, accepted->timestamp, m_room }));
        m_log->pump(sender);
        return std::nullopt;
    }
    const QString key = id.isEmpty() ? QString() : pendingKey(senderKey, id);
    if (!key.isEmpty()) {
        if (const auto pending = m_pendingIds.find(key); pending != m_pendingIds.end()) {
            pending->append(senderId); // acked together with the first copy
            return std::nullopt;
        }
    }
    QString recipient;
    if (!to.isEmpty()) {
        if (const RoomMember *member = m_membership->find(to))
            recipient = member->nick();
        else
            recipient = m_membership->elsewhere(to); // online on another node
        if (recipient.isEmpty())
            return ErrorCode::NoSuchUser;
    }
    Protocol::Message message;
    message.seq = m_numberedByStore ? 0 : m_queue->nextSeq();
    message.room = m_room;
    message.timestamp = QDateTime::currentMSecsSinceEpoch();
    message.from = sender->nick();
    message.to = recipient;
    message.text = text;
    message.id = id; // stored, so the sender's own history shows which of its messages landed
    if (!key.isEmpty())
        m_pendingIds.insert(key, {});
    ++m_waitingBySender[senderId];
    enqueue({ std::move(message), senderId, std::nullopt, label });
    return std::nullopt;
}

void MessagePipeline::enqueueNotice(EncodedFrame notice, RoomLog::ReaderId except)
{
    enqueue({ std::nullopt, except, std::move(notice) });
}

QList<Protocol::Message> MessagePipeline::forReader(const QString &nick,
                                                    QList<Protocol::Message> messages) const
{
    // The store may already hold a batch whose delivery is a moment away: the reader will get
    // those as they are delivered, so they are not served twice.
    messages.removeIf([this](const Protocol::Message &m) { return m.seq > m_deliveredSeq; });
    const QString key = Protocol::storedNickKey(nick);
    for (Protocol::Message &message : messages) {
        if (Protocol::storedNickKey(message.from) != key)
            message.id.clear(); // a client id is the sender's business only
    }
    return messages;
}

QByteArray MessagePipeline::encodeHistory(const QList<Protocol::Message> &messages)
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

void MessagePipeline::keepEncoded(qint64 seq, const QByteArray &line)
{
    if (m_historyLimit == 0)
        return;
    m_encodedMessages.insert(seq, line);
    // Twice the history: room for the newest and for what older welcomes (with `since`) ask.
    while (m_encodedMessages.size() > 2 * m_historyLimit)
        m_encodedMessages.erase(m_encodedMessages.begin());
}

QString MessagePipeline::pendingKey(const QString &nickKey, const QString &id)
{
    return nickKey + u'\n' + id; // a nick never holds a line break
}

QList<RoomLog::ReaderId> MessagePipeline::takeSenders(const Pending &pending)
{
    QList<RoomLog::ReaderId> senders { pending.sender };
    if (!pending.message->id.isEmpty())
        senders += m_pendingIds.take(
                pendingKey(Protocol::storedNickKey(pending.message->from), pending.message->id));
    return senders;
}

void MessagePipeline::enqueue(Pending pending)
{
    m_queued.append(std::move(pending));
    if (m_writing.isEmpty() && !m_handOff.isActive())
        m_handOff.start();
}

void MessagePipeline::writeQueued()
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
        finishWrite(true, {}, {});
    else
        m_queue->write(
                batch,
                [self = QPointer<MessagePipeline>(this)](
                        bool ok, const QString &error, const QList<MessageStore::Number> &numbers) {
                    if (self)
                        self->finishWrite(ok, error, numbers);
                });
}

RoomLog::Encodings MessagePipeline::encodings(const EncodedFrame &frame) const
{
    // A form nobody in the room reads costs no encoding.
    using Encoding = RoomLog::Encoding;
    return { frame.json(),
             m_log->hasReaders(Encoding::PlainText) ? frame.plainText() : QByteArray(),
             m_log->hasReaders(Encoding::Irc) ? frame.irc() : QByteArray(),
             m_log->hasReaders(Encoding::IrcTagged) ? frame.ircTagged() : QByteArray() };
}

void MessagePipeline::append(RoomLog::ReaderId only, const EncodedFrame &frame)
{
    m_log->appendToOne(only, encodings(frame), 0);
}

void MessagePipeline::finishWrite(bool ok, const QString &error,
                                  const QList<MessageStore::Number> &numbers)
{
    QList<Pending> done = std::exchange(m_writing, {});
    if (!ok)
        qCCritical(lcServer).noquote() << "Could not store messages:" << error;
    if (ok && m_numberedByStore) {
        qsizetype next = 0;
        bool repeated = false;
        for (Pending &pending : done) {
            if (!pending.message)
                continue;
            const MessageStore::Number number = numbers.value(next++);
            pending.message->seq = number.seq;
            if (auto waiting = m_waitingBySender.find(pending.sender);
                waiting != m_waitingBySender.end() && --*waiting <= 0)
                m_waitingBySender.erase(waiting);
            if (number.earlierTimestamp) {
                // Sent before through another node (its ack lost with that node): the first
                // copy is the message, and this one only brings its ack again.
                pending.message->timestamp = *number.earlierTimestamp;
                m_accepted.remember(Protocol::storedNickKey(pending.message->from),
                                    pending.message->id,
                                    { pending.message->seq, pending.message->timestamp });
                const Protocol::Message &message = *pending.message;
                const EncodedFrame ack(
                        Protocol::Ack { message.id, message.seq, message.timestamp, m_room });
                for (RoomLog::ReaderId sender : takeSenders(pending))
                    append(sender, ack);
                pending.message.reset();
                pending.notice.reset();
                repeated = true;
            }
        }
        // What was only acknowledged again is done with.
        done.removeIf([](const Pending &pending) { return !pending.message && !pending.notice; });
        m_settled += std::move(done);
        deliverInOrder();
        if (repeated)
            emit delivered(); // the acks go out
        if (!m_queued.isEmpty())
            m_handOff.start();
        else if (!isBusy())
            emit idle();
        return;
    }
    for (qsizetype i = 0; i < done.size(); ++i) {
        const Pending &pending = done.at(i);
        if (pending.notice) {
            deliverNotices(done, &i);
            continue;
        }
        if (auto waiting = m_waitingBySender.find(pending.sender);
            waiting != m_waitingBySender.end() && --*waiting <= 0)
            m_waitingBySender.erase(waiting);
        if (ok) {
            deliver(pending);
            continue;
        }
        const EncodedFrame failed(Protocol::Error {
                ErrorCode::StoreFailed,
                u"The server could not store the message, so it was not delivered."_s,
                pending.message->id });
        for (RoomLog::ReaderId sender : takeSenders(pending)) {
            if (sender == pending.sender && !pending.label.isEmpty()) {
                const QByteArray notice = IrcFace::labeled(failed.irc(), pending.label, {});
                m_log->appendToOne(sender, { {}, {}, notice, notice }, 0);
            } else {
                append(sender, failed);
            }
        }
    }
    // The failed batch's numbers stay unused: numbers are shared by every room, so a room
    // sees gaps in its numbering anyway, and clients go by `since`, not by counting.
    emit delivered();
    if (!m_queued.isEmpty())
        m_handOff.start();
    else if (!isBusy())
        emit idle();
}

void MessagePipeline::deliverPublished(const Protocol::Message &message)
{
    if (message.seq <= m_deliveredSeq)
        return; // this node's own, delivered when it was stored, or a repeat
    m_published.insert(message.seq, message);
    if (!m_deliverPublished.isActive())
        m_deliverPublished.start();
}

void MessagePipeline::catchUp(qint64 after, const QList<Protocol::Message> &messages)
{
    for (const Protocol::Message &message : messages)
        if (message.seq > m_deliveredSeq)
            m_published.insert(message.seq, message);
    if (!messages.isEmpty() && messages.constFirst().seq > after + 1) {
        qint64 next = messages.constFirst().seq;
        for (const Pending &pending : std::as_const(m_settled))
            if (pending.message)
                next = std::min(next, pending.message->seq);
        if (next - 1 > m_deliveredSeq) {
            qCInfo(lcServer).noquote()
                    << "Messages" << m_deliveredSeq + 1 << "to" << next - 1 << "of" << m_room
                    << "are no longer stored: the room's history here starts after them";
            m_deliveredSeq = next - 1;
        }
    }
    deliverInOrder();
}

void MessagePipeline::deliverInOrder()
{
    bool progress = false;
    for (;;) {
        if (const auto next = m_published.constFind(m_deliveredSeq + 1);
            next != m_published.cend()) {
            deliverFromElsewhere(*next);
            m_published.erase(next);
            progress = true;
            continue;
        }
        if (m_settled.isEmpty())
            break;
        const Pending &front = m_settled.constFirst();
        if (front.notice) {
            qsizetype last = 0;
            deliverNotices(m_settled, &last);
            m_settled.remove(0, last + 1);
            progress = true;
            continue;
        }
        if (front.message->seq > m_deliveredSeq + 1)
            break; // a number given to another node comes first
        const Pending pending = m_settled.takeFirst();
        if (pending.message->seq <= m_deliveredSeq) {
            // Delivered already, as it came back from the store's publication: the sender
            // still waits for its ack.
            Protocol::Message delivered = *pending.message;
            delivered.id.clear();
            acknowledge(pending, EncodedFrame(std::move(delivered)));
        } else {
            deliver(pending);
        }
        progress = true;
    }
    m_published.removeIf([this](const auto &entry) { return entry.key() <= m_deliveredSeq; });
    if (m_published.isEmpty() && m_settled.isEmpty()) {
        m_gapTimer.stop();
        m_gapRequests = 0;
    } else if (progress || !m_gapTimer.isActive()) {
        m_gapRequests = progress ? 0 : m_gapRequests;
        m_gapTimer.start();
    }
    if (progress)
        emit delivered();
}

void MessagePipeline::fillGap()
{
    if (m_published.isEmpty() && m_settled.isEmpty())
        return;
    // The publication of the next number was missed (Redis's connection dropped): the stream
    // has it. If even the stream has not, it was trimmed away, and the room moves on.
    if (++m_gapRequests <= 3) {
        m_queue->store()->fetchAfter(m_room, m_deliveredSeq);
        m_gapTimer.start();
        return;
    }
    qint64 next = m_published.isEmpty() ? std::numeric_limits<qint64>::max()
                                        : m_published.firstKey();
    for (const Pending &pending : std::as_const(m_settled))
        if (pending.message)
            next = std::min(next, pending.message->seq);
    if (next == std::numeric_limits<qint64>::max())
        return;
    qCWarning(lcServer).noquote() << "Messages" << m_deliveredSeq + 1 << "to" << next - 1 << "of"
                                  << m_room << "cannot be found: skipped";
    m_deliveredSeq = next - 1;
    m_gapRequests = 0;
    deliverInOrder();
}

void MessagePipeline::resetNumbering()
{
    m_deliveredSeq = 0;
    m_published.clear();
    m_settled.removeIf([](const Pending &pending) { return pending.message.has_value(); });
    m_encodedMessages.clear();
    m_gapTimer.stop();
    deliverInOrder();
}

void MessagePipeline::deliverFromElsewhere(const Protocol::Message &message)
{
    Protocol::Message delivered = message;
    delivered.id.clear();
    const EncodedFrame frame(std::move(delivered));
    keepEncoded(message.seq, frame.json());
    // A nick is online on one node at a time: if the sender is here, this is its own message
    // coming back before its ack.
    const RoomLog::ReaderId sender = m_log->idOf(m_membership->find(message.from));
    if (message.isDirect()) {
        const RoomLog::ReaderId recipient = m_log->idOf(m_membership->find(message.to));
        if (recipient && recipient != sender)
            m_log->appendToOne(recipient, encodings(frame), sender);
    } else {
        m_log->appendToAllBut(sender, encodings(frame), sender);
    }
    m_deliveredSeq = message.seq;
    m_accepted.remember(Protocol::storedNickKey(message.from), message.id,
                        { message.seq, message.timestamp });
    m_queue->store()->noteDelivered(message);
}

void MessagePipeline::deliverNotices(const QList<Pending> &done, qsizetype *index)
{
    const Pending &pending = done.at(*index);
    // Join and leave notices next to each other go out as one frame: when hundreds of people
    // come back at once, each member gets a few frames instead of one per person.
    qsizetype end = *index + 1;
    while (isJoinOrLeave(pending.notice) && end < done.size() && isJoinOrLeave(done.at(end).notice))
        ++end;
    const qsizetype first = *index;
    *index = end - 1;
    // Joins and leaves from before the room grew past the limit are stale by now: the presence
    // count queued when it did supersedes them. Delivering them anyway would send every member
    // of a joining crowd the whole crowd (2,000 members x 1,000 notices = 170 MB).
    if (m_membership->wasLarge() && isJoinOrLeave(pending.notice))
        return;
    if (end - first == 1) {
        m_log->appendToAllBut(pending.sender, encodings(*pending.notice), 0);
        return;
    }
    Protocol::Notices notices;
    for (qsizetype n = first; n < end; ++n) {
        const Protocol::ServerFrame &frame = done.at(n).notice->frame();
        if (const auto *joined = std::get_if<Protocol::Joined>(&frame))
            notices.notices.append(*joined);
        else if (const auto *left = std::get_if<Protocol::Left>(&frame))
            notices.notices.append(*left);
    }
    const EncodedFrame frame(std::move(notices));
    m_log->appendToAllBut(0, encodings(frame), 0);
}

void MessagePipeline::deliver(const Pending &pending)
{
    const Protocol::Message &message = *pending.message;
    Protocol::Message delivered = message;
    delivered.id.clear();
    const EncodedFrame frame(std::move(delivered));
    // The frame's line is the message as every later history shows it (ids stripped).
    keepEncoded(message.seq, frame.json());
    ServerCounters &counters = ServerCounters::instance();
    counters.messagesDelivered.fetch_add(1, std::memory_order_relaxed);
    if (message.isDirect()) {
        const RoomLog::ReaderId recipient = m_log->idOf(m_membership->find(message.to));
        if (recipient && recipient != pending.sender) {
            m_log->appendToOne(recipient, encodings(frame), pending.sender);
            counters.deliveries.fetch_add(1, std::memory_order_relaxed);
        }
    } else {
        m_log->appendToAllBut(pending.sender, encodings(frame), pending.sender);
        const qsizetype others = m_membership->size() - (pending.sender ? 1 : 0);
        counters.deliveries.fetch_add(quint64(std::max<qsizetype>(0, others)),
                                      std::memory_order_relaxed);
    }
    m_deliveredSeq = message.seq;
    m_accepted.remember(Protocol::storedNickKey(message.from), message.id,
                        { message.seq, message.timestamp });
    if (m_numberedByStore)
        m_queue->store()->noteDelivered(message);
    acknowledge(pending, frame);
}

void MessagePipeline::acknowledge(const Pending &pending, const EncodedFrame &frame)
{
    const Protocol::Message &message = *pending.message;
    const EncodedFrame ack(Protocol::Ack { message.id, message.seq, message.timestamp, m_room });
    for (RoomLog::ReaderId sender : takeSenders(pending)) {
        const RoomMember *member = m_log->memberOf(sender);
        if (member && sender == pending.sender && !pending.label.isEmpty()) {
            // labeled-response: the echo, or an ACK, carries the label the message came with.
            const QString batch = u"e%1"_s.arg(message.seq);
            const bool echo = member->wantsOwnMessages();
            m_log->appendToOne(
                    sender,
                    { {},
                      {},
                      IrcFace::labeled(echo ? frame.irc() : QByteArray(), pending.label, batch),
                      IrcFace::labeled(echo ? frame.ircTagged() : QByteArray(), pending.label,
                                       batch) },
                    0);
        } else if (member && member->wantsOwnMessages()) {
            // IRC's echo-message: the sender's own message is its acknowledgement.
            m_log->appendToOne(sender, { {}, {}, frame.irc(), frame.ircTagged() }, 0);
        } else {
            append(sender, ack);
        }
    }
}
