// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "memorystore.h"
#include "redisconnection.h"

#include <QQueue>

#include <functional>

// The store of a node in a cluster: Redis holds every room's messages (a stream per room,
// trimmed to the history limit), their numbers (one counter per room, given out by a script
// that numbers, appends and publishes in one step, so two nodes never give out the same number
// and every node sees one order), the rooms, their members, read markers and invitations.
// What the node reads it reads from memory: the rooms loaded at start, and the messages it
// delivered (the MemoryStore it is), so reads never wait for Redis.
// Messages are published on the room's channel, which a node follows while the room has
// members online on it; every other change on the node-wide channel. What other nodes publish
// arrives as `published` (messages) and the signals below.
class ClusterStore : public MemoryStore
{
    Q_OBJECT
public:
    struct Options
    {
        RedisAddress address;
        QString nodeId;
        qsizetype historyLimit = 500;
    };
    explicit ClusterStore(const Options &options, QObject *parent = nullptr);

    // Loads the rooms and their recent messages with blocking calls (nobody is served yet),
    // then connects for good; false with the reason when Redis cannot be reached.
    bool open(QString *error) override;
    qint64 lastSeq() const override { return 0; }
    QString epoch() const override { return m_epoch; }
    void write(const QList<Protocol::Message> &batch) override;
    bool numbersMessages() const override { return true; }
    QList<Number> takeNumbers() override { return std::exchange(m_numbers, {}); }
    // How long Redis remembers a message's client id, so that the message sent again through
    // another node (after a failover) is acknowledged, not taken twice. Older repeats are
    // caught by each node's own filter, which learns the ids from the rooms' streams.
    static constexpr int RepeatWindowSeconds = 300;
    void noteDelivered(const Protocol::Message &message) override { keep({ message }); }
    void fetchAfter(const QString &room, qint64 after) override;
    // The room's stored messages after `after`, oldest first, at most FetchCount of them;
    // `ok` is false when Redis did not answer. Only if `context` still exists.
    static constexpr qsizetype FetchCount = 1000;
    using Fetched = std::function<void(bool ok, const QList<Protocol::Message> &messages)>;
    void fetchRange(const QString &room, qint64 after, QObject *context, Fetched fetched);
    // Follows the room's channel (its messages), or stops; `roomSubscribed` says when Redis
    // has taken the subscription, each time it is made (again after a reconnect).
    void subscribeRoom(const QString &room);
    void unsubscribeRoom(const QString &room);
    void noteParted(const Protocol::Left &left) override;
    void noteTopic(const Protocol::TopicChanged &topic) override;
    // Tells the node where the invitee is online (if any) to give it the notice.
    void noteInvitation(const Protocol::Invited &invited);

    // The loaded messages that carried client ids: a resend to this node of a message another
    // node took before it went is acked, not posted twice.
    QList<Protocol::Message> recentWithClientIds(qsizetype limit) override
    {
        return m_loadedWithIds.mid(std::max<qsizetype>(0, m_loadedWithIds.size() - limit));
    }
    QList<RoomRecord> loadRooms() override { return std::exchange(m_loadedRooms, {}); }
    void saveRoom(const RoomRecord &room) override;
    void saveMember(const QString &room, const QString &nick) override;
    void removeMember(const QString &room, const QString &nick) override;
    void saveReadMarker(const QString &room, const QString &nick, qint64 seq) override;
    void saveInvite(const QString &room, const QString &nick) override;
    void removeInvite(const QString &room, const QString &nick) override;

    QString nodeId() const { return m_options.nodeId; }
    void setNodeId(const QString &id) { m_options.nodeId = id; } // before open()
    RedisConnection *commands() const { return m_commands; }
    RedisConnection *subscriber() const { return m_subscriber; }
    // Who was online on other nodes at start, by room name: (nick, node).
    QHash<QString, QList<std::pair<QString, QString>>> onlineElsewhere() const
    {
        return m_onlineElsewhere;
    }

signals:
    // Another node's changes to a room.
    void roomCreated(const MessageStore::RoomRecord &room);
    void memberAdded(const QString &room, const QString &nick);
    void memberRemoved(const QString &room, const QString &nick);
    void readMarkerSet(const QString &room, const QString &nick, qint64 seq);
    void invited(const QString &room, const QString &nick, bool invited);
    // An invitation made on another node, for a nick that may be online here.
    void invitationElsewhere(const Protocol::Invited &invited);
    // The room's channel is followed from now on: what was published before is in its stream.
    void roomSubscribed(const QString &roomKey);
    // Redis lost the cluster's data (restarted without persistence, flushed): numbers given
    // out before mean nothing now.
    void epochChanged();

private:
    bool load(void *context, QString *error);
    void checkEpoch();
    void handlePublication(const QByteArray &channel, const QByteArray &payload);
    void publish(const QString &room, char kind, const QByteArray &body);
    void finishWrite(const RedisConnection::Reply &reply, qsizetype count);

    Options m_options;
    QString m_epoch;
    QList<RoomRecord> m_loadedRooms;
    QList<Protocol::Message> m_loadedWithIds;
    QList<Number> m_numbers;
    QHash<QString, QList<std::pair<QString, QString>>> m_onlineElsewhere;
    RedisConnection *m_commands = nullptr;
    RedisConnection *m_subscriber = nullptr;
    bool m_commandsWereUp = false;
};
