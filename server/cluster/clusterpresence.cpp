// SPDX-License-Identifier: BSD-3-Clause
#include "clusterpresence.h"

#include "clusterkeys.h"
#include "clusterlogging.h"
#include "clusterstore.h"

#include <memory>

using namespace Qt::StringLiterals;
using Reply = RedisConnection::Reply;

namespace {

// ARGV: nick key, node. A nick held by another node stays its.
constexpr char ClaimScript[] = R"lua(
local holder = redis.call('GET', 'natter:nick:' .. ARGV[1])
if holder and holder ~= ARGV[2] then return 0 end
redis.call('SET', 'natter:nick:' .. ARGV[1], ARGV[2])
redis.call('SADD', 'natter:node:' .. ARGV[2] .. ':nicks', ARGV[1])
return 1
)lua";

constexpr char ReleaseScript[] = R"lua(
if redis.call('GET', 'natter:nick:' .. ARGV[1]) == ARGV[2] then
  redis.call('DEL', 'natter:nick:' .. ARGV[1])
end
redis.call('SREM', 'natter:node:' .. ARGV[2] .. ':nicks', ARGV[1])
return 1
)lua";

// ARGV: this node, then "retire" to clear this node's own leftovers from a previous run, or the
// time (ms) a node may be silent. A node is lost once it has been silent that long as seen
// from here: its heartbeat key expired, and then as long again, so that nodes coming back
// after Redis itself was away have time to beat before anyone declares them lost. Each lost
// node is removed with what it held and announced once.
constexpr char ReapScript[] = R"lua(
local lost = {}
local function reap(node, how)
  for _, nick in ipairs(redis.call('SMEMBERS', 'natter:node:' .. node .. ':nicks')) do
    if redis.call('GET', 'natter:nick:' .. nick) == node then
      redis.call('DEL', 'natter:nick:' .. nick)
    end
  end
  for _, entry in ipairs(redis.call('SMEMBERS', 'natter:node:' .. node .. ':presence')) do
    local cut = string.find(entry, '\n', 1, true)
    local online = 'natter:room:' .. string.sub(entry, 1, cut - 1) .. ':online'
    local nick = string.sub(entry, cut + 1)
    if redis.call('HGET', online, nick) == node then redis.call('HDEL', online, nick) end
  end
  redis.call('DEL', 'natter:node:' .. node .. ':nicks', 'natter:node:' .. node .. ':presence')
  redis.call('SREM', 'natter:nodes', node)
  redis.call('HDEL', 'natter:silent', node)
  redis.call('PUBLISH', 'natter:cluster', 'd' .. node .. '\n' .. how)
  lost[#lost + 1] = node
end
if ARGV[2] == 'retire' then
  reap(ARGV[1], 'retired')
  return lost
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for _, node in ipairs(redis.call('SMEMBERS', 'natter:nodes')) do
  if node ~= ARGV[1] and redis.call('EXISTS', 'natter:node:' .. node .. ':alive') == 0 then
    local since = tonumber(redis.call('HGET', 'natter:silent', node))
    if not since then
      redis.call('HSET', 'natter:silent', node, now)
    elseif now - since >= tonumber(ARGV[2]) then
      reap(node, 'lost')
    end
  end
end
return lost
)lua";

} // namespace

ClusterPresence::ClusterPresence(ClusterStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_node(store->nodeId().toUtf8())
{
    m_heartbeat.setInterval(HeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &ClusterPresence::beat);
    connect(store->subscriber(), &RedisConnection::message, this,
            &ClusterPresence::handlePublication);
}

void ClusterPresence::start()
{
    RedisConnection *redis = m_store->commands();
    // Given now, while the connection is being made, so that Redis runs it before any nick
    // this run claims: what a previous run of this node left is cleared first.
    redis->command({ "EVAL", ReapScript, "0", m_node, "retire" });
    // A node back after Redis was away says again that it is alive.
    connect(redis, &RedisConnection::ready, this, [this, redis] {
        redis->command({ "SADD", ClusterKeys::Nodes, m_node });
        beat();
    });
    if (redis->isReady()) {
        redis->command({ "SADD", ClusterKeys::Nodes, m_node });
        beat();
    }
    m_heartbeat.start();
}

void ClusterPresence::beat()
{
    RedisConnection *redis = m_store->commands();
    redis->command({ "SET", ClusterKeys::nodeField(m_store->nodeId(), "alive"), "1", "PX",
                     QByteArray::number(NodeTimeoutMs / 2) });
    redis->command({ "HDEL", "natter:silent", m_node });
    redis->command({ "EVAL", ReapScript, "0", m_node, QByteArray::number(NodeTimeoutMs / 2) },
                   [](const Reply &reply) {
                       for (const Reply &node : reply.elements)
                           qCWarning(lcCluster).noquote()
                                   << "Node" << QString::fromUtf8(node.string)
                                   << "stopped answering: its members are lost";
                   });
}

void ClusterPresence::retire(QObject *context, std::function<void()> done)
{
    m_heartbeat.stop();
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    auto once = [finish] {
        if (*finish)
            std::exchange(*finish, {})();
    };
    m_store->commands()->command({ "DEL", ClusterKeys::nodeField(m_store->nodeId(), "alive") });
    m_store->commands()->command({ "EVAL", ReapScript, "0", m_node, "retire" },
                                 [once](const Reply &) { once(); });
    QTimer::singleShot(1000, context, once);
}

void ClusterPresence::claimNick(const QString &nick, QObject *context,
                                std::function<void(bool)> done)
{
    m_store->commands()->command(
            { "EVAL", ClaimScript, "0", Protocol::nickKey(nick).toUtf8(), m_node },
            [this, nick, context = QPointer<QObject>(context),
             done = std::move(done)](const Reply &reply) {
                const bool claimed = reply.type == Reply::Type::Integer && reply.integer == 1;
                if (context)
                    done(claimed);
                else if (claimed)
                    releaseNick(nick); // whoever asked is gone
            });
}

void ClusterPresence::releaseNick(const QString &nick)
{
    m_store->commands()->command(
            { "EVAL", ReleaseScript, "0", Protocol::nickKey(nick).toUtf8(), m_node });
}

void ClusterPresence::wentOnline(const QString &room, const QString &nick)
{
    RedisConnection *redis = m_store->commands();
    redis->command({ "HSET", ClusterKeys::roomField(room, "online"), nick.toUtf8(), m_node });
    redis->command({ "SADD", ClusterKeys::nodeField(m_store->nodeId(), "presence"),
                     ClusterKeys::room(room) + '\n' + nick.toUtf8() });
    redis->command({ "PUBLISH", ClusterKeys::ClusterChannel,
                     ClusterKeys::Online + m_node + '\n' + ClusterKeys::room(room) + '\n'
                             + nick.toUtf8() });
}

void ClusterPresence::wentOffline(const QString &room, const QString &nick,
                                  Protocol::LeaveReason reason)
{
    RedisConnection *redis = m_store->commands();
    redis->command({ "HDEL", ClusterKeys::roomField(room, "online"), nick.toUtf8() });
    redis->command({ "SREM", ClusterKeys::nodeField(m_store->nodeId(), "presence"),
                     ClusterKeys::room(room) + '\n' + nick.toUtf8() });
    redis->command({ "PUBLISH", ClusterKeys::ClusterChannel,
                     ClusterKeys::Offline + m_node + '\n' + ClusterKeys::room(room) + '\n'
                             + nick.toUtf8() + '\n' + Protocol::leaveReasonName(reason).toUtf8() });
}

void ClusterPresence::handlePublication(const QByteArray &channel, const QByteArray &payload)
{
    if (payload.size() < 2 || channel != ClusterKeys::ClusterChannel)
        return;
    const char kind = payload.at(0);
    const QList<QByteArray> fields = payload.sliced(1).split('\n');
    const QString node = QString::fromUtf8(fields.at(0));
    if (kind == ClusterKeys::NodeLost) {
        if (node != m_store->nodeId())
            emit nodeLost(node);
        else if (fields.value(1) != "retired") // a previous run's leftovers, cleared at start
            emit declaredLost();
        return;
    }
    // node \n room key \n nick (\n reason)
    if (fields.at(0) == m_node || fields.size() < 3)
        return;
    const QString roomKey = QString::fromUtf8(fields.at(1));
    const QString nick = QString::fromUtf8(fields.at(2));
    if (kind == ClusterKeys::Online) {
        emit onlineElsewhere(roomKey, nick, node);
    } else if (kind == ClusterKeys::Offline && fields.size() >= 4) {
        emit offlineElsewhere(roomKey, nick,
                              Protocol::leaveReasonFromName(QString::fromUtf8(fields.at(3)))
                                      .value_or(Protocol::LeaveReason::Lost));
    }
}
