// SPDX-License-Identifier: BSD-3-Clause
#include "roomsubscriptions.h"

#include "clusterlogging.h"
#include "clusterstore.h"

#include <QTimer>

#include <memory>

RoomSubscriptions::RoomSubscriptions(ClusterStore *store, LastSeq lastSeq, CatchUp catchUp,
                                     QObject *parent)
    : QObject(parent), m_store(store), m_lastSeq(std::move(lastSeq)), m_catchUp(std::move(catchUp))
{
    connect(store, &ClusterStore::roomSubscribed, this, [this](const QString &key) {
        const auto feed = m_feeds.find(key);
        if (feed == m_feeds.end())
            return; // left again before Redis answered
        feed->current = false;
        const quint64 round = ++feed->round;
        this->catchUp(key, m_lastSeq(key), round);
    });
    // Publications are missed until the subscriptions are made again; each room catches up then.
    connect(store->subscriber(), &RedisConnection::lost, this, [this] {
        for (Feed &feed : m_feeds)
            feed.current = false;
    });
}

RoomSubscriptions::Feed &RoomSubscriptions::follow(const QString &room)
{
    const QString key = Protocol::roomKey(room);
    auto feed = m_feeds.find(key);
    if (feed == m_feeds.end()) {
        feed = m_feeds.insert(key, Feed { room });
        m_store->subscribeRoom(room);
        qCDebug(lcCluster).noquote() << "Following room" << key;
    }
    return *feed;
}

void RoomSubscriptions::dropIfUnused(const QString &key)
{
    const auto feed = m_feeds.constFind(key);
    if (feed == m_feeds.cend() || feed->membersHere || feed->welcomes > 0)
        return;
    m_store->unsubscribeRoom(feed->name);
    m_feeds.erase(feed);
    qCDebug(lcCluster).noquote() << "No longer following room" << key;
}

bool RoomSubscriptions::isFollowed(const QString &room) const
{
    return m_feeds.contains(Protocol::roomKey(room));
}

void RoomSubscriptions::setMembersHere(const QString &room, bool here)
{
    if (here) {
        follow(room).membersHere = true;
        return;
    }
    const QString key = Protocol::roomKey(room);
    if (const auto feed = m_feeds.find(key); feed != m_feeds.end()) {
        feed->membersHere = false;
        dropIfUnused(key);
    }
}

void RoomSubscriptions::whenCurrent(const QStringList &rooms, std::function<void()> done)
{
    struct Wait
    {
        std::function<void()> done;
        QStringList keys;
        int pending = 0;
    };
    auto wait = std::make_shared<Wait>();
    wait->done = std::move(done);
    // Called once: the member is welcomed (and so holds its rooms by being online in them)
    // before the rooms stop being held for the welcome.
    auto finish = [this, wait] {
        if (!wait->done)
            return;
        std::exchange(wait->done, {})();
        for (const QString &key : std::as_const(wait->keys)) {
            if (const auto feed = m_feeds.find(key); feed != m_feeds.end()) {
                --feed->welcomes;
                dropIfUnused(key);
            }
        }
    };
    for (const QString &room : rooms) {
        const QString key = Protocol::roomKey(room);
        if (wait->keys.contains(key))
            continue;
        wait->keys.append(key);
        Feed &feed = follow(room);
        ++feed.welcomes;
        if (feed.current)
            continue;
        ++wait->pending;
        feed.whenCurrent.append([wait, finish] {
            if (--wait->pending == 0)
                finish();
        });
    }
    if (wait->pending == 0) {
        finish();
        return;
    }
    QTimer::singleShot(WaitMs, this, [wait, finish] {
        if (wait->done)
            qCWarning(lcCluster) << "Rooms did not catch up within" << WaitMs
                                 << "ms: a member is welcomed into them as they are";
        finish();
    });
}

void RoomSubscriptions::catchUp(const QString &key, qint64 after, quint64 round)
{
    const auto feed = m_feeds.constFind(key);
    if (feed == m_feeds.cend())
        return;
    m_store->fetchRange(
            feed->name, after, this,
            [this, key, after, round](bool ok, const QList<Protocol::Message> &messages) {
                const auto feed = m_feeds.constFind(key);
                if (feed == m_feeds.cend() || feed->round != round)
                    return; // left, or subscribed again since
                if (!ok) {
                    // Gaps are fetched again as later messages show them.
                    qCWarning(lcCluster).noquote()
                            << "Room" << key << "could not catch up from its stream";
                    becameCurrent(key);
                    return;
                }
                m_catchUp(key, after, messages);
                if (messages.size() == ClusterStore::FetchCount)
                    catchUp(key, messages.constLast().seq, round);
                else
                    becameCurrent(key);
            });
}

void RoomSubscriptions::becameCurrent(const QString &key)
{
    const auto feed = m_feeds.find(key);
    if (feed == m_feeds.end())
        return;
    feed->current = true;
    // Taken out first: a welcome this lets go of changes m_feeds.
    const QList<std::function<void()>> waiting = std::exchange(feed->whenCurrent, {});
    for (const auto &resume : waiting)
        resume();
}
