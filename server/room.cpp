// SPDX-License-Identifier: BSD-3-Clause
#include "room.h"

#include "serverlogging.h"
#include "terminaltext.h"

#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace {
// Messages read but not yet handed to the store: past this, whoever has messages waiting is
// held back until the store catches up.
constexpr qsizetype MaxWaitingMessages = 5'000;
// One sender's messages waiting for the store: far above any honest burst, so only a flood
// (with --rate 0, or many connections) is held back, and held back first.
constexpr int MaxWaitingFromOneSender = 200;
// The history a greeting (welcome or room frame) carries, in bytes, at most.
constexpr qint64 MaxGreetingHistoryBytes = 256 * 1024;
}

Room::Room(const MessageStore::RoomRecord &record, StoreQueue *queue, const ServerConfig &config,
           const QList<Protocol::Message> &accepted, QObject *parent)
    : QObject(parent),
      m_record(record),
      m_store(queue->store()),
      m_membership(config.announceLimit),
      m_log({ config.roomBufferBytes, config.maxSendQueueBytes, config.slowGrace }),
      m_pipeline(record.name, queue, &m_membership, &m_log, config),
      m_historyLimit(config.historyLimit),
      m_announceLimit(config.announceLimit),
      m_maxBehindBytes(config.maxSendQueueBytes)
{
    // A room the store knows no creation time of (one learnt from a cluster's other node, or
    // from a membership alone) counts from when this server first knew it.
    if (m_record.created <= 0)
        m_record.created = QDateTime::currentMSecsSinceEpoch();
    connect(&m_pipeline, &MessagePipeline::delivered, this, [this] {
        m_log.flush();
        resumeHeld();
    });
    connect(&m_pipeline, &MessagePipeline::idle, this, &Room::idle);
    m_pipeline.rememberAccepted(accepted);
    m_presenceTimer.setInterval(config.presenceInterval);
    connect(&m_presenceTimer, &QTimer::timeout, this, [this] {
        if (m_membership.size() != m_announcedCount)
            enqueuePresence();
    });
    // A quarter of the grace keeps the slow rule accurate to 25%, at one pass over the
    // members a second at most.
    using namespace std::chrono;
    m_slowSweep.setInterval(std::clamp<milliseconds>(config.slowGrace / 4, 50ms, 1000ms));
    connect(&m_slowSweep, &QTimer::timeout, this, [this] { m_log.sweep(RoomLog::monotonicMs()); });
    // Started by the first member online and stopped by the last: a server of 10,000 rooms
    // must not wake 10,000 timers a second for rooms where nobody is.
    m_resumeCheck.setInterval(50ms);
    connect(&m_resumeCheck, &QTimer::timeout, this, [this] {
        m_log.refreshMedian();
        resumeHeld();
    });
}

Room::~Room() = default;

bool Room::isMember(const QString &nick) const
{
    return m_record.members.contains(Protocol::nickKey(nick));
}

void Room::addMember(const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    if (m_record.members.contains(key))
        return;
    m_record.members.insert(key, { nick, m_pipeline.deliveredSeq() });
    // An invitation is used up: a member kicked later cannot come back through it.
    if (m_record.invited.remove(key))
        m_store->removeInvite(m_record.name, nick);
    m_store->saveMember(m_record.name, nick);
    m_store->saveReadMarker(m_record.name, nick, m_pipeline.deliveredSeq());
    emit memberAdded(nick);
}

bool Room::isInvited(const QString &nick) const
{
    return m_record.invited.contains(Protocol::nickKey(nick));
}

bool Room::invite(const QString &nick)
{
    if (m_record.invited.contains(Protocol::nickKey(nick)))
        return true;
    if (m_record.invited.size() >= MaxInvitations)
        return false;
    m_record.invited.insert(Protocol::nickKey(nick));
    m_store->saveInvite(m_record.name, nick);
    return true;
}

bool Room::mayManage(const QString &nick, bool isOperator) const
{
    return isOperator
            || (!m_record.owner.isEmpty()
                && Protocol::nickKey(m_record.owner) == Protocol::nickKey(nick));
}

void Room::setTopic(const QString &topic, const QString &by)
{
    m_record.topic = topic;
    m_store->saveRoom(m_record);
    qCInfo(lcServer).noquote() << TerminalText::escaped(by) << "set the topic of"
                               << TerminalText::escaped(m_record.name);
    const Protocol::TopicChanged changed { m_record.name, topic, by,
                                           QDateTime::currentMSecsSinceEpoch() };
    m_store->noteTopic(changed);
    m_pipeline.enqueueNotice(EncodedFrame(changed), 0);
}

qint64 Room::readMarker(const QString &nick) const
{
    return m_record.members.value(Protocol::nickKey(nick)).read;
}

void Room::setReadMarker(const QString &nick, qint64 seq)
{
    const auto member = m_record.members.find(Protocol::nickKey(nick));
    // A marker never goes back, nor past what the room has delivered.
    seq = std::min(seq, m_pipeline.deliveredSeq());
    if (member == m_record.members.end() || seq <= member->read)
        return;
    member->read = seq;
    m_store->saveReadMarker(m_record.name, nick, seq);
}

QStringList Room::memberNicks() const
{
    QMap<QString, QString> ordered;
    for (auto it = m_record.members.cbegin(); it != m_record.members.cend(); ++it)
        ordered.insert(it.key(), it->nick);
    return ordered.values();
}

Protocol::RoomSummary Room::summary() const
{
    return { m_record.name, m_record.topic, m_record.members.size(), m_record.isPrivate };
}

void Room::join(RoomMember *member, std::optional<qint64> since, const QString &epoch,
                Greeting greeting)
{
    const QString nick = member->nick();
    m_membership.add(member);
    m_pipeline.nickJoined(nick);
    if (!m_slowSweep.isActive())
        m_slowSweep.start();

    Protocol::Welcome welcome;
    // Numbers from another epoch, or from the future (an older client of a server that was
    // restarted without a store), mean nothing here: the client is told to forget them.
    if (since
        && ((!epoch.isEmpty() && epoch != m_store->epoch())
            || *since > m_pipeline.deliveredSeq())) {
        since.reset();
        welcome.historyReset = true;
    }
    // A room that has never delivered a message has none to read (a crowd joining new rooms
    // would otherwise cost a store query each, on the event loop).
    MessageStore::Replay replay = m_pipeline.deliveredSeq() == 0
            ? MessageStore::Replay {}
            : m_store->replay(nick, m_record.name, since, m_historyLimit);
    welcome.nick = nick;
    welcome.server = QStringLiteral("natter-server/" NATTER_VERSION);
    welcome.seq = m_pipeline.deliveredSeq();
    welcome.epoch = m_store->epoch();
    welcome.history = m_pipeline.forReader(nick, std::move(replay.messages));
    // A greeting is written at once, past the socket's flow control: its history has a byte
    // budget (the newest messages that fit), and the client pages back for the rest. Without
    // it, 500 messages of 4,096 characters in each of 100 rooms made one hello queue 800 MB.
    bool trimmed = false;
    qint64 bytes = 0;
    for (qsizetype i = welcome.history.size() - 1; i >= 0; --i) {
        bytes += 3 * welcome.history.at(i).text.size() + 128; // UTF-8 and the frame's fields
        if (bytes > MaxGreetingHistoryBytes && i < welcome.history.size() - 1) {
            welcome.history.remove(0, i + 1);
            trimmed = true;
            break;
        }
    }
    // After a reset the client's view starts again: anything before the history is a gap.
    welcome.historyTruncated = trimmed || replay.truncated
            || (welcome.historyReset && !welcome.history.isEmpty()
                && welcome.history.constFirst().seq > 1);
    welcome.online = m_membership.size();
    welcome.usersListed = !m_membership.isLarge();
    if (welcome.usersListed)
        welcome.away = m_membership.awayReasons();
    // The welcome goes before the member's place in the log is taken: everything after it
    // comes from the log, in order.
    if (greeting == Greeting::RoomFrame) {
        Protocol::RoomState state;
        state.room = m_record.name;
        state.topic = m_record.topic;
        state.owner = m_record.owner;
        state.isPrivate = m_record.isPrivate;
        state.read = readMarker(nick);
        state.memberCount = m_record.members.size();
        // Members include everyone who ever joined and stayed: a lobby of many thousands
        // would otherwise send them all to every arrival.
        state.membersListed = !m_membership.isLarge()
                && (m_announceLimit == 0 || m_record.members.size() <= m_announceLimit);
        if (state.membersListed)
            state.members = memberNicks();
        state.usersListed = welcome.usersListed;
        state.away = welcome.away;
        state.online = welcome.online;
        state.seq = welcome.seq;
        state.epoch = welcome.epoch;
        state.history = std::move(welcome.history);
        state.historyTruncated = welcome.historyTruncated;
        state.historyReset = welcome.historyReset;
        if (member->face() == RoomMember::Face::Json) {
            member->writeFromRoom(Protocol::encodeRoomState(
                    state, state.usersListed ? m_membership.usersJson() : QByteArray(),
                    m_pipeline.encodeHistory(state.history)));
        } else {
            if (state.usersListed)
                state.users = m_membership.nicks();
            member->writeFromRoom(encodedFor(*member, EncodedFrame(std::move(state))));
        }
    } else if (member->face() == RoomMember::Face::Json) {
        member->writeFromRoom(Protocol::encodeWelcome(
                welcome, welcome.usersListed ? m_membership.usersJson() : QByteArray(),
                m_pipeline.encodeHistory(welcome.history)));
    } else {
        if (welcome.usersListed)
            welcome.users = m_membership.nicks();
        member->writeFromRoom(encodedFor(*member, EncodedFrame(std::move(welcome))));
    }
    const RoomLog::ReaderId id = m_log.addReader(member);
    emit wentOnline(nick);

    const QString text = Protocol::joinedText(nick);
    qCInfo(lcServer).noquote() << TerminalText::escaped(text)
                               << (isLobby() ? QString() : TerminalText::escaped(m_record.name));
    if (!m_membership.wasLarge() && !m_membership.isLarge()) {
        m_pipeline.enqueueNotice(
                EncodedFrame(Protocol::Joined { nick, QDateTime::currentMSecsSinceEpoch(), text,
                                                m_record.name }),
                id);
    }
    updateLargeness();
}

void Room::rename(RoomMember *member, const QString &oldNick)
{
    const QString nick = member->nick();
    if (m_membership.find(oldNick) != member)
        return;
    m_membership.rename(member, oldNick);
    m_pipeline.nickLeft(oldNick);
    m_pipeline.nickJoined(nick);
    const QString oldKey = Protocol::nickKey(oldNick);
    if (!isMember(nick)) {
        addMember(nick);
        // The new nick has read what the old one had, not everything (addMember's default).
        const qint64 read = readMarker(oldNick);
        m_record.members[Protocol::nickKey(nick)].read = read;
        m_store->saveReadMarker(m_record.name, nick, read);
    }
    // The membership moves with the member: the old nick, free for anyone now, is no longer one.
    if (const auto old = m_record.members.constFind(oldKey);
        old != m_record.members.cend() && oldKey != Protocol::nickKey(nick)) {
        const QString spelt = old->nick;
        m_record.members.erase(old);
        m_store->removeMember(m_record.name, spelt);
        emit memberRemoved(spelt);
    }
    qCInfo(lcServer).noquote() << TerminalText::escaped(Protocol::renamedText(oldNick, nick))
                               << (isLobby() ? QString() : TerminalText::escaped(m_record.name));
    // Other nodes of a cluster see the old nick go and the new one come.
    emit wentOffline(oldNick, Protocol::LeaveReason::Exit);
    emit wentOnline(nick);
}

void Room::leave(RoomMember *member, Protocol::LeaveReason reason, const QString &by,
                 const QString &comment)
{
    if (!m_membership.remove(member))
        return;
    const QString nick = member->nick();
    m_log.removeReader(member,
                       reason == Protocol::LeaveReason::Exit ? RoomLog::Departure::Orderly
                                                             : RoomLog::Departure::Abrupt);
    m_held.remove(member);
    m_pipeline.nickLeft(nick);
    emit wentOffline(nick, reason);

    QString text = Protocol::leftText(nick, reason);
    if (!by.isEmpty()) {
        text = comment.isEmpty()
                ? u"%1 was removed from the chat by %2."_s.arg(nick, by)
                : u"%1 was removed from the chat by %2: %3."_s.arg(nick, by, comment);
    }
    qCInfo(lcServer).noquote() << TerminalText::escaped(text); // the comment is an operator's
    if (!m_closing && !m_membership.wasLarge() && !m_membership.isLarge()) {
        m_pipeline.enqueueNotice(
                EncodedFrame(Protocol::Left { nick, reason, QDateTime::currentMSecsSinceEpoch(),
                                              text, by, comment, m_record.name }),
                0);
    }
    updateLargeness();
    resumeHeld();
    if (m_membership.size() == 0)
        m_slowSweep.stop();
}

void Room::part(const QString &nick, RoomMember *member, Protocol::LeaveReason reason,
                const QString &by, const QString &comment)
{
    const QString key = Protocol::nickKey(nick);
    const auto record = m_record.members.constFind(key);
    if (record == m_record.members.cend())
        return;
    const QString spelt = record->nick; // not the kicker's spelling of it
    m_record.members.erase(record);
    m_store->removeMember(m_record.name, spelt);
    emit memberRemoved(spelt);
    const Protocol::Left left { spelt,
                                reason,
                                QDateTime::currentMSecsSinceEpoch(),
                                Protocol::partedText(spelt, m_record.name, reason),
                                by,
                                comment,
                                m_record.name };
    qCInfo(lcServer).noquote() << TerminalText::escaped(left.text);
    m_store->noteParted(left); // before the member's going offline is published
    if (member && m_membership.find(nick) == member) {
        // What the log still owes the member goes first, then its own notice, then nothing.
        m_pipeline.enqueueNotice(EncodedFrame(left), 0);
        m_membership.remove(member);
        m_log.removeReader(member, RoomLog::Departure::Orderly);
        m_held.remove(member);
        m_pipeline.nickLeft(nick);
        emit wentOffline(spelt, reason);
        member->writeFromRoom(encodedFor(*member, EncodedFrame(left)));
        updateLargeness();
        resumeHeld();
        if (m_membership.size() == 0)
            m_slowSweep.stop();
        return;
    }
    // Online on another node of a cluster: its node tells it; here it is no longer listed.
    m_nodeOf.remove(key);
    if (m_membership.removeElsewhere(spelt))
        updateLargeness();
    m_pipeline.enqueueNotice(EncodedFrame(left), 0);
}

std::optional<ErrorCode> Room::post(RoomMember *sender, const QString &text, const QString &to,
                                    const QString &id, const QString &label)
{
    return m_pipeline.post(sender, text, to, id, label);
}

QList<Protocol::Message> Room::history(const QString &reader, const QString &conversation,
                                       qint64 before, qsizetype limit)
{
    return m_pipeline.forReader(reader, m_store->before(reader, conversation, before, limit));
}

QList<Protocol::Message> Room::historyAfter(const QString &reader, const QString &conversation,
                                            qint64 after, qsizetype limit)
{
    return m_pipeline.forReader(reader, m_store->after(reader, conversation, after, limit));
}

QList<Protocol::Message> Room::broadcasts(const QString &reader, Direction direction, qint64 from,
                                          qsizetype limit)
{
    // Asked as nobody, the store has no direct messages to add.
    return m_pipeline.forReader(reader,
                                direction == Direction::After
                                        ? m_store->after({}, m_record.name, from, limit)
                                        : m_store->before({}, m_record.name, from, limit));
}

void Room::updateLargeness()
{
    if (!m_membership.takeLargenessChange())
        return;
    const bool large = m_membership.wasLarge();
    qCInfo(lcServer) << (large ? "Over" : "Back within") << "the announce limit:"
                     << "joins and leaves are" << (large ? "no longer" : "again")
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
    m_announcedCount = m_membership.size();
    Protocol::Presence presence { m_membership.size(), std::nullopt, m_record.name };
    if (!m_membership.wasLarge())
        presence.users = m_membership.nicks();
    m_pipeline.enqueueNotice(EncodedFrame(std::move(presence)), 0);
}

bool Room::shouldHold(RoomMember *member) const
{
    if (m_closing)
        return false;
    const int waiting = m_pipeline.waitingFrom(m_log.idOf(member));
    return waiting >= MaxWaitingFromOneSender
            || (waiting > 0 && m_pipeline.waiting() >= MaxWaitingMessages)
            || (m_log.medianLagBytes() > m_maxBehindBytes && m_log.isAheadOfMedian(member));
}

bool Room::mayRead(RoomMember *member)
{
    if (!shouldHold(member))
        return true;
    m_held.insert(member);
    if (!m_resumeCheck.isActive())
        m_resumeCheck.start();
    return false;
}

void Room::resumeHeld()
{
    if (m_held.isEmpty()) {
        m_resumeCheck.stop();
        return;
    }
    const QSet<RoomMember *> held = m_held;
    for (RoomMember *member : held) {
        if (!shouldHold(member)) {
            m_held.remove(member);
            member->resumeReadingFromRoom();
        }
    }
    if (m_held.isEmpty())
        m_resumeCheck.stop();
}

void Room::onlineElsewhere(const QString &nick, const QString &node)
{
    if (m_membership.contains(nick))
        return;
    m_nodeOf.insert(Protocol::nickKey(nick), node);
    if (!m_membership.addElsewhere(nick))
        return;
    m_pipeline.nickJoined(nick);
    if (!m_membership.wasLarge() && !m_membership.isLarge()) {
        m_pipeline.enqueueNotice(
                EncodedFrame(Protocol::Joined { nick, QDateTime::currentMSecsSinceEpoch(),
                                                Protocol::joinedText(nick), m_record.name }),
                0);
    }
    updateLargeness();
}

void Room::offlineElsewhere(const QString &nick, Protocol::LeaveReason reason)
{
    m_nodeOf.remove(Protocol::nickKey(nick));
    if (!m_membership.removeElsewhere(nick))
        return;
    m_pipeline.nickLeft(nick);
    if (!m_closing && !m_membership.wasLarge() && !m_membership.isLarge()) {
        const QString text = reason == Protocol::LeaveReason::Part
                ? Protocol::partedText(nick, m_record.name, reason)
                : Protocol::leftText(nick, reason);
        m_pipeline.enqueueNotice(EncodedFrame(Protocol::Left { nick,
                                                               reason,
                                                               QDateTime::currentMSecsSinceEpoch(),
                                                               text,
                                                               {},
                                                               {},
                                                               m_record.name }),
                                 0);
    }
    updateLargeness();
}

void Room::nodeLost(const QString &node)
{
    QStringList lost;
    for (auto it = m_nodeOf.cbegin(); it != m_nodeOf.cend(); ++it)
        if (it.value() == node)
            lost.append(m_membership.elsewhere(it.key()));
    for (const QString &nick : std::as_const(lost)) {
        if (!nick.isEmpty()) {
            qCInfo(lcServer).noquote()
                    << TerminalText::escaped(Protocol::leftText(nick, Protocol::LeaveReason::Lost));
            offlineElsewhere(nick, Protocol::LeaveReason::Lost);
        }
    }
    m_nodeOf.removeIf([&node](const auto &entry) { return entry.value() == node; });
}

void Room::memberAddedElsewhere(const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    if (m_record.members.contains(key))
        return;
    m_record.members.insert(key, { nick, m_pipeline.deliveredSeq() });
    m_record.invited.remove(key);
    emit memberAdded(nick);
}

void Room::memberRemovedElsewhere(const QString &nick)
{
    const auto record = m_record.members.constFind(Protocol::nickKey(nick));
    if (record == m_record.members.cend())
        return;
    const QString spelt = record->nick;
    m_record.members.erase(record);
    emit memberRemoved(spelt);
}

void Room::readMarkerSetElsewhere(const QString &nick, qint64 seq)
{
    const auto member = m_record.members.find(Protocol::nickKey(nick));
    if (member != m_record.members.end() && seq > member->read)
        member->read = seq;
}

void Room::invitedElsewhere(const QString &nick, bool invited)
{
    if (invited)
        m_record.invited.insert(Protocol::nickKey(nick));
    else
        m_record.invited.remove(Protocol::nickKey(nick));
}

void Room::partedElsewhere(const Protocol::Left &left)
{
    memberRemovedElsewhere(left.nick);
    if (RoomMember *member = m_membership.find(left.nick)) {
        // Kicked on another node while online here: as a kick here would.
        m_pipeline.enqueueNotice(EncodedFrame(left), 0);
        m_membership.remove(member);
        m_log.removeReader(member, RoomLog::Departure::Orderly);
        m_held.remove(member);
        m_pipeline.nickLeft(left.nick);
        emit wentOffline(left.nick, left.reason);
        member->writeFromRoom(encodedFor(*member, EncodedFrame(left)));
        member->partedFromRoom(this);
        updateLargeness();
        resumeHeld();
        return;
    }
    m_nodeOf.remove(Protocol::nickKey(left.nick));
    m_membership.removeElsewhere(left.nick);
    m_pipeline.nickLeft(left.nick);
    m_pipeline.enqueueNotice(EncodedFrame(left), 0);
    updateLargeness();
}

void Room::topicChangedElsewhere(const Protocol::TopicChanged &topic)
{
    m_record.topic = topic.topic;
    m_pipeline.enqueueNotice(EncodedFrame(topic), 0);
}

void Room::adoptSettings(const MessageStore::RoomRecord &record)
{
    m_record.owner = record.owner;
    m_record.isPrivate = record.isPrivate;
}
