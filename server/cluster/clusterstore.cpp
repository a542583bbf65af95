// SPDX-License-Identifier: BSD-3-Clause
#include "clusterstore.h"

#include "clusterkeys.h"
#include "clusterlogging.h"

#include <QPointer>

#include <hiredis/hiredis.h>

#include <memory>

using namespace Qt::StringLiterals;
using Reply = RedisConnection::Reply;

namespace {
constexpr QByteArrayView RoomChannelPrefix = "natter:room:";

// Numbers, appends and publishes a batch in one step. ARGV: the epoch the node counts in, the
// stream's length, how long a client id is remembered (s), then per message the room's key, its
// frame with "seq":0 in it, the sender's key and client id ('' for none) and its time. A node
// whose epoch is not Redis's is told so and nothing is written. A message whose sender sent the
// same id before (to any node) is not written again: its answer is {seq, time} of the first.
constexpr char PostScript[] = R"lua(
local epoch = redis.call('GET', 'natter:epoch')
if epoch ~= ARGV[1] then return redis.error_reply('EPOCH ' .. tostring(epoch)) end
local numbers = {}
for i = 4, #ARGV, 4 do
  local room = 'natter:room:' .. ARGV[i]
  local sent = ARGV[i + 2]
  local earlier = false
  if sent ~= '' then
    sent = room .. ':sent:' .. sent
    earlier = redis.call('GET', sent)
  end
  if earlier then
    local cut = string.find(earlier, ' ', 1, true)
    numbers[#numbers + 1] = { tonumber(string.sub(earlier, 1, cut - 1)),
                              tonumber(string.sub(earlier, cut + 1)) }
  else
    local frame = ARGV[i + 1]
    local seq = redis.call('INCR', room .. ':seq')
    local at = string.find(frame, '"seq":0', 1, true)
    frame = string.sub(frame, 1, at - 1) .. '"seq":' .. seq .. string.sub(frame, at + 7)
    redis.call('XADD', room .. ':log', 'MAXLEN', '~', ARGV[2], seq .. '-0', 'm', frame)
    redis.call('PUBLISH', room, 'm' .. frame)
    if sent ~= '' then redis.call('SET', sent, seq .. ' ' .. ARGV[i + 3], 'EX', ARGV[3]) end
    numbers[#numbers + 1] = seq
  end
end
return numbers
)lua";

// ARGV: name, info key, owner, private, topic, announcement. 1 when this call made the room;
// then it is announced, before anything this node says next about the room.
constexpr char SaveRoomScript[] = R"lua(
local made = redis.call('SADD', 'natter:rooms', ARGV[1])
if made == 1 then
  redis.call('HSET', ARGV[2], 'name', ARGV[1], 'owner', ARGV[3], 'private', ARGV[4])
  redis.call('PUBLISH', 'natter:cluster', ARGV[6])
end
redis.call('HSET', ARGV[2], 'topic', ARGV[5])
return made
)lua";

struct ContextDeleter
{
    void operator()(redisContext *context) const { redisFree(context); }
};

Reply call(redisContext *context, const QList<QByteArray> &arguments)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    void *reply = redisCommandArgv(context, int(argv.size()), argv.data(), lengths.data());
    if (!reply)
        return {};
    Reply converted = RedisConnection::convert(reply);
    freeReplyObject(reply);
    return converted;
}

QHash<QByteArray, QByteArray> pairs(const Reply &reply)
{
    QHash<QByteArray, QByteArray> hash;
    for (qsizetype i = 0; i + 1 < reply.elements.size(); i += 2)
        hash.insert(reply.elements.at(i).string, reply.elements.at(i + 1).string);
    return hash;
}

std::optional<Protocol::Message> decodeMessage(QByteArrayView json)
{
    const auto decoded = Protocol::decodeServerFrame(json);
    if (decoded.error)
        return std::nullopt;
    if (const auto *message = std::get_if<Protocol::Message>(&decoded.frame))
        return *message;
    return std::nullopt;
}

// Messages of a stream reply (XRANGE/XREVRANGE: [[id, [field, value]]...]).
QList<Protocol::Message> streamMessages(const Reply &reply)
{
    QList<Protocol::Message> messages;
    for (const Reply &entry : reply.elements) {
        if (entry.elements.size() != 2 || entry.elements.at(1).elements.size() < 2)
            continue;
        if (const auto message = decodeMessage(entry.elements.at(1).elements.at(1).string))
            messages.append(*message);
    }
    return messages;
}

} // namespace

ClusterStore::ClusterStore(const Options &options, QObject *parent)
    : MemoryStore(options.historyLimit, parent), m_options(options)
{
}

bool ClusterStore::open(QString *error)
{
    const timeval timeout { 5, 0 };
    const RedisAddress &address = m_options.address;
    std::unique_ptr<redisContext, ContextDeleter> context(
            address.socketPath.isEmpty() ? redisConnectWithTimeout(
                    address.host.toUtf8().constData(), address.port, timeout)
                                         : redisConnectUnixWithTimeout(
                                                 address.socketPath.toUtf8().constData(), timeout));
    if (!context || context->err) {
        *error = u"Cannot reach Redis at %1: %2"_s.arg(
                address.toString(), context ? QString::fromUtf8(context->errstr) : u"no memory"_s);
        return false;
    }
    redisSetTimeout(context.get(), timeout);
    if (!load(context.get(), error))
        return false;

    m_commands = new RedisConnection(address, u"commands"_s, this);
    m_subscriber = new RedisConnection(address, u"subscriptions"_s, this);
    connect(m_commands, &RedisConnection::ready, this, [this] {
        // After a loss Redis may have come back empty.
        if (std::exchange(m_commandsWereUp, true))
            checkEpoch();
    });
    connect(m_subscriber, &RedisConnection::message, this, &ClusterStore::handlePublication);
    connect(m_subscriber, &RedisConnection::subscribed, this, [this](const QByteArray &channel) {
        if (channel.startsWith(RoomChannelPrefix))
            emit roomSubscribed(QString::fromUtf8(channel.sliced(RoomChannelPrefix.size())));
    });
    // Rooms' channels carry their messages and are followed only while the room has members
    // here (subscribeRoom); everything else about rooms and nodes comes on the node-wide
    // channel, which every node follows, in the order it was published.
    m_subscriber->subscribe(ClusterKeys::ClusterChannel);
    m_commands->open();
    m_subscriber->open();
    return true;
}

bool ClusterStore::load(void *handle, QString *error)
{
    auto *context = static_cast<redisContext *>(handle);
    auto failed = [&](const Reply &reply) {
        if (reply.isOk())
            return false;
        *error = u"Redis at %1 answered: %2"_s.arg(m_options.address.toString(),
                                                   reply.type == Reply::Type::Failed
                                                           ? QString::fromUtf8(context->errstr)
                                                           : QString::fromUtf8(reply.string));
        return true;
    };
    if (!m_options.address.password.isEmpty()
        && failed(call(context, { "AUTH", m_options.address.password })))
        return false;
    if (m_options.address.database != 0
        && failed(call(context, { "SELECT", QByteArray::number(m_options.address.database) })))
        return false;
    // The first node names the epoch; every other node takes it.
    if (failed(call(context, { "SET", ClusterKeys::Epoch, newEpoch().toUtf8(), "NX" })))
        return false;
    const Reply epoch = call(context, { "GET", ClusterKeys::Epoch });
    if (failed(epoch))
        return false;
    m_epoch = QString::fromUtf8(epoch.string);

    const Reply names = call(context, { "SMEMBERS", ClusterKeys::Rooms });
    if (failed(names))
        return false;
    for (const Reply &name : names.elements) {
        const QString roomName = QString::fromUtf8(name.string);
        const auto info = pairs(
                call(context, { "HGETALL", ClusterKeys::roomField(roomName, "info") }));
        RoomRecord record;
        record.name = info.contains("name") ? QString::fromUtf8(info.value("name")) : roomName;
        record.topic = QString::fromUtf8(info.value("topic"));
        record.owner = QString::fromUtf8(info.value("owner"));
        record.isPrivate = info.value("private") == "1";
        const auto members = pairs(
                call(context, { "HGETALL", ClusterKeys::roomField(roomName, "members") }));
        const auto read = pairs(
                call(context, { "HGETALL", ClusterKeys::roomField(roomName, "read") }));
        for (auto it = members.cbegin(); it != members.cend(); ++it) {
            record.members.insert(
                    QString::fromUtf8(it.key()),
                    { QString::fromUtf8(it.value()), read.value(it.key()).toLongLong() });
        }
        for (const Reply &key :
             call(context, { "SMEMBERS", ClusterKeys::roomField(roomName, "invited") }).elements)
            record.invited.insert(QString::fromUtf8(key.string));
        if (!record.name.startsWith(Protocol::DirectPrefix)) {
            const Reply recent = call(context,
                                      { "XREVRANGE", ClusterKeys::roomField(roomName, "log"), "+",
                                        "-", "COUNT", QByteArray::number(m_options.historyLimit) });
            if (failed(recent))
                return false;
            QList<Protocol::Message> messages = streamMessages(recent);
            std::reverse(messages.begin(), messages.end());
            for (const Protocol::Message &message : std::as_const(messages))
                if (!message.id.isEmpty())
                    m_loadedWithIds.append(message);
            keep(messages);
            const auto online = pairs(
                    call(context, { "HGETALL", ClusterKeys::roomField(roomName, "online") }));
            for (auto it = online.cbegin(); it != online.cend(); ++it) {
                if (it.value() != m_options.nodeId.toUtf8())
                    m_onlineElsewhere[record.name].append(
                            { QString::fromUtf8(it.key()), QString::fromUtf8(it.value()) });
            }
        }
        m_loadedRooms.append(std::move(record));
    }
    qCInfo(lcCluster).noquote() << u"Node %1 joined the cluster at %2 (epoch %3, %4 rooms)"_s
                                           .arg(m_options.nodeId, m_options.address.toString(),
                                                m_epoch)
                                           .arg(m_loadedRooms.size());
    return true;
}

void ClusterStore::checkEpoch()
{
    m_commands->command({ "SET", ClusterKeys::Epoch, newEpoch().toUtf8(), "NX" });
    m_commands->command({ "GET", ClusterKeys::Epoch }, [this](const Reply &reply) {
        if (reply.type != Reply::Type::String || reply.string == m_epoch.toUtf8())
            return;
        qCWarning(lcCluster).noquote()
                << u"Redis lost the cluster's data: numbering starts again in epoch %1 (was %2)"_s
                           .arg(QString::fromUtf8(reply.string), m_epoch);
        m_epoch = QString::fromUtf8(reply.string);
        clear();
        emit epochChanged();
    });
}

void ClusterStore::write(const QList<Protocol::Message> &batch)
{
    QList<QByteArray> arguments { "EVAL",
                                  PostScript,
                                  "0",
                                  m_epoch.toUtf8(),
                                  QByteArray::number(
                                          std::max<qsizetype>(m_options.historyLimit, 1)),
                                  QByteArray::number(RepeatWindowSeconds) };
    arguments.reserve(arguments.size() + 4 * batch.size());
    for (const Protocol::Message &message : batch) {
        arguments.append(ClusterKeys::room(message.room));
        arguments.append(Protocol::encode(Protocol::ServerFrame { message }).chopped(1));
        // A nick never holds a line break: the key is unambiguous.
        arguments.append(message.id.isEmpty() ? QByteArray()
                                              : Protocol::storedNickKey(message.from).toUtf8()
                                         + '\n' + message.id.toUtf8());
        arguments.append(QByteArray::number(message.timestamp));
    }
    const qsizetype count = batch.size();
    m_commands->command(arguments,
                        [this, count](const Reply &reply) { finishWrite(reply, count); });
}

void ClusterStore::finishWrite(const Reply &reply, qsizetype count)
{
    if (reply.type == Reply::Type::Array && reply.elements.size() == count) {
        for (const Reply &number : reply.elements) {
            if (number.type == Reply::Type::Array && number.elements.size() == 2)
                m_numbers.append({ number.elements.at(0).integer, number.elements.at(1).integer });
            else
                m_numbers.append({ number.integer, std::nullopt });
        }
        emit batchWritten(true, {});
        return;
    }
    if (reply.type == Reply::Type::Error && reply.string.startsWith("EPOCH"))
        checkEpoch();
    emit batchWritten(false,
                      reply.type == Reply::Type::Failed ? u"Redis cannot be reached"_s
                                                        : QString::fromUtf8(reply.string));
}

void ClusterStore::fetchAfter(const QString &room, qint64 after)
{
    fetchRange(room, after, this, [this](bool, const QList<Protocol::Message> &messages) {
        for (const Protocol::Message &message : messages)
            emit published(message);
    });
}

void ClusterStore::fetchRange(const QString &room, qint64 after, QObject *context, Fetched fetched)
{
    m_commands->command({ "XRANGE", ClusterKeys::roomField(room, "log"),
                          QByteArray::number(after + 1) + "-0", "+", "COUNT",
                          QByteArray::number(FetchCount) },
                        [context = QPointer<QObject>(context),
                         fetched = std::move(fetched)](const Reply &reply) {
                            if (context)
                                fetched(reply.type == Reply::Type::Array, streamMessages(reply));
                        });
}

void ClusterStore::subscribeRoom(const QString &room)
{
    m_subscriber->subscribe(ClusterKeys::roomChannel(room));
}

void ClusterStore::unsubscribeRoom(const QString &room)
{
    m_subscriber->unsubscribe(ClusterKeys::roomChannel(room));
}

void ClusterStore::noteParted(const Protocol::Left &left)
{
    publish(left.room, ClusterKeys::Parted,
            Protocol::encode(Protocol::ServerFrame { left }).chopped(1));
}

void ClusterStore::noteTopic(const Protocol::TopicChanged &topic)
{
    publish(topic.room, ClusterKeys::Topic,
            Protocol::encode(Protocol::ServerFrame { topic }).chopped(1));
}

void ClusterStore::noteInvitation(const Protocol::Invited &invited)
{
    // After the invitation's record (saveInvite): the invitee's node knows it may join first.
    publish(invited.room, ClusterKeys::Invitation,
            Protocol::encode(Protocol::ServerFrame { invited }).chopped(1));
}

void ClusterStore::publish(const QString &room, char kind, const QByteArray &body)
{
    m_commands->command(
            { "PUBLISH", ClusterKeys::ClusterChannel,
              kind + m_options.nodeId.toUtf8() + '\n' + ClusterKeys::room(room) + '\n' + body });
}

void ClusterStore::saveRoom(const RoomRecord &room)
{
    const QByteArray isPrivate = room.isPrivate ? "1" : "0";
    // Name, owner and privacy are the creator's: a node that created the same room a moment
    // later does not overwrite them (one script, so the first SADD and its settings go together).
    const QByteArray info = ClusterKeys::roomField(room.name, "info");
    // Only the node whose SADD made the room announces it: a room two nodes create at the
    // same moment is announced once, with its first creator's settings, and the other node
    // takes those from Redis.
    const QByteArray announcement = ClusterKeys::RoomCreated + m_options.nodeId.toUtf8() + '\n'
            + room.name.toUtf8() + '\n' + room.owner.toUtf8() + '\n' + isPrivate + '\n'
            + room.topic.toUtf8();
    m_commands->command({ "EVAL", SaveRoomScript, "0", room.name.toUtf8(), info,
                          room.owner.toUtf8(), isPrivate, room.topic.toUtf8(), announcement },
                        [this, info](const Reply &added) {
                            if (added.type != Reply::Type::Integer || added.integer == 1)
                                return;
                            m_commands->command({ "HGETALL", info }, [this](const Reply &reply) {
                                const auto fields = pairs(reply);
                                if (!fields.contains("name"))
                                    return;
                                RoomRecord record;
                                record.name = QString::fromUtf8(fields.value("name"));
                                record.owner = QString::fromUtf8(fields.value("owner"));
                                record.isPrivate = fields.value("private") == "1";
                                record.topic = QString::fromUtf8(fields.value("topic"));
                                emit roomCreated(record);
                            });
                        });
}

void ClusterStore::saveMember(const QString &room, const QString &nick)
{
    if (room.startsWith(Protocol::DirectPrefix))
        m_commands->command({ "SADD", ClusterKeys::Rooms, room.toUtf8() });
    m_commands->command({ "HSET", ClusterKeys::roomField(room, "members"),
                          Protocol::nickKey(nick).toUtf8(), nick.toUtf8() });
    publish(room, ClusterKeys::MemberAdded, nick.toUtf8());
}

void ClusterStore::removeMember(const QString &room, const QString &nick)
{
    m_commands->command(
            { "HDEL", ClusterKeys::roomField(room, "members"), Protocol::nickKey(nick).toUtf8() });
    m_commands->command(
            { "HDEL", ClusterKeys::roomField(room, "read"), Protocol::nickKey(nick).toUtf8() });
    publish(room, ClusterKeys::MemberRemoved, nick.toUtf8());
}

void ClusterStore::saveReadMarker(const QString &room, const QString &nick, qint64 seq)
{
    if (room.startsWith(Protocol::DirectPrefix)) {
        m_commands->command({ "SADD", ClusterKeys::Rooms, room.toUtf8() });
        m_commands->command({ "HSET", ClusterKeys::roomField(room, "members"),
                              Protocol::nickKey(nick).toUtf8(), nick.toUtf8() });
    }
    m_commands->command({ "HSET", ClusterKeys::roomField(room, "read"),
                          Protocol::nickKey(nick).toUtf8(), QByteArray::number(seq) });
    if (!room.startsWith(Protocol::DirectPrefix))
        publish(room, ClusterKeys::ReadMarker, nick.toUtf8() + '\n' + QByteArray::number(seq));
}

void ClusterStore::saveInvite(const QString &room, const QString &nick)
{
    m_commands->command(
            { "SADD", ClusterKeys::roomField(room, "invited"), Protocol::nickKey(nick).toUtf8() });
    publish(room, ClusterKeys::Invited, nick.toUtf8());
}

void ClusterStore::removeInvite(const QString &room, const QString &nick)
{
    m_commands->command(
            { "SREM", ClusterKeys::roomField(room, "invited"), Protocol::nickKey(nick).toUtf8() });
    publish(room, ClusterKeys::Uninvited, nick.toUtf8());
}

void ClusterStore::handlePublication(const QByteArray &channel, const QByteArray &payload)
{
    if (payload.isEmpty())
        return;
    const char kind = payload.at(0);
    if (channel != ClusterKeys::ClusterChannel) {
        // What was on its way when the room was left is not followed any more: if the room
        // is taken up again, it catches up from its stream.
        if (kind != ClusterKeys::Message || !m_subscriber->isSubscribed(channel))
            return;
        if (const auto message = decodeMessage(QByteArrayView(payload).sliced(1)))
            emit published(*message);
        else
            qCWarning(lcCluster) << "Ignored a message published on" << channel
                                 << "that does not decode";
        return;
    }
    // kind node \n ...: a room's change is kind node \n room key \n what changed.
    const qsizetype nodeEnd = payload.indexOf('\n');
    if (nodeEnd < 0 || payload.sliced(1, nodeEnd - 1) == m_options.nodeId.toUtf8())
        return; // this node's own change, applied already
    if (kind == ClusterKeys::RoomCreated) {
        const QList<QByteArray> fields = payload.sliced(nodeEnd + 1).split('\n');
        if (fields.size() < 4)
            return;
        RoomRecord record;
        record.name = QString::fromUtf8(fields.at(0));
        record.owner = QString::fromUtf8(fields.at(1));
        record.isPrivate = fields.at(2) == "1";
        record.topic = QString::fromUtf8(fields.mid(3).join('\n'));
        emit roomCreated(record);
        return;
    }
    const qsizetype roomEnd = payload.indexOf('\n', nodeEnd + 1);
    if (roomEnd < 0)
        return; // a node's own news (lost, retired): ClusterPresence's
    const QString roomKey = QString::fromUtf8(payload.sliced(nodeEnd + 1, roomEnd - nodeEnd - 1));
    const QByteArrayView body = QByteArrayView(payload).sliced(roomEnd + 1);
    if (kind == ClusterKeys::Parted || kind == ClusterKeys::Topic
        || kind == ClusterKeys::Invitation) {
        const auto decoded = Protocol::decodeServerFrame(body);
        if (const auto *invitation = std::get_if<Protocol::Invited>(&decoded.frame);
            invitation && !decoded.error)
            emit invitationElsewhere(*invitation);
        else if (const auto *left = std::get_if<Protocol::Left>(&decoded.frame);
                 left && !decoded.error)
            emit partedElsewhere(*left);
        else if (const auto *topic = std::get_if<Protocol::TopicChanged>(&decoded.frame);
                 topic && !decoded.error)
            emit topicChangedElsewhere(*topic);
        return;
    }
    const QList<QByteArray> fields = body.toByteArray().split('\n');
    const QString nick = QString::fromUtf8(fields.at(0));
    switch (kind) {
    case ClusterKeys::MemberAdded:
        emit memberAdded(roomKey, nick);
        break;
    case ClusterKeys::MemberRemoved:
        emit memberRemoved(roomKey, nick);
        break;
    case ClusterKeys::ReadMarker:
        if (fields.size() >= 2)
            emit readMarkerSet(roomKey, nick, fields.at(1).toLongLong());
        break;
    case ClusterKeys::Invited:
    case ClusterKeys::Uninvited:
        emit invited(roomKey, nick, kind == ClusterKeys::Invited);
        break;
    default:
        break; // presence: ClusterPresence's
    }
}
