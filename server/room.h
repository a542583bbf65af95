// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "membership.h"
#include "messagepipeline.h"
#include "messagestore.h"
#include "protocol.h"
#include "roomlog.h"
#include "serverconfig.h"
#include "storequeue.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <optional>

// One room: its settings and members (who belongs, kept in the store, and read markers), who
// is online in it (Membership), its message pipeline (numbering, the store, acks) and its log
// (what every online member has been sent). Members talk to the room only through
// join/leave/part/post and the push-back calls.
class Room : public QObject
{
    Q_OBJECT
public:
    // Past `config.announceLimit` members (0: never) joins and leaves are no longer announced one
    // by one; the welcome then gives the number online, and a presence frame updates it.
    // `accepted`: the room's stored messages with client ids (see MessagePipeline).
    Room(const MessageStore::RoomRecord &record, StoreQueue *queue, const ServerConfig &config,
         const QList<Protocol::Message> &accepted = {}, QObject *parent = nullptr);
    ~Room() override;

    QString name() const { return m_record.name; }
    QString topic() const { return m_record.topic; }
    QString owner() const { return m_record.owner; }
    bool isPrivate() const { return m_record.isPrivate; }
    bool isLobby() const { return m_record.name == Protocol::Lobby; }
    qint64 created() const { return m_record.created; } // ms since the epoch
    // Membership, which outlives connections (presence is `isOnline`).
    bool isMember(const QString &nick) const;
    void addMember(const QString &nick);
    bool isInvited(const QString &nick) const;
    // False when the room holds MaxInvitations already.
    bool invite(const QString &nick);
    static constexpr qsizetype MaxInvitations = 1000;
    bool mayManage(const QString &nick, bool isOperator) const;
    void setTopic(const QString &topic, const QString &by);
    qint64 readMarker(const QString &nick) const;
    void setReadMarker(const QString &nick, qint64 seq);

    bool isOnline(const QString &nick) const { return m_membership.contains(nick); }
    // How the member is greeted: a version-1 welcome (the lobby, for clients without rooms) or
    // a room frame.
    enum class Greeting { Welcome, RoomFrame };
    // The member must be a member and not online here. Sends it the greeting and tells
    // everyone else. `since` counts in `epoch` (empty: the client did not say); from another
    // epoch it is void.
    void join(RoomMember *member, std::optional<qint64> since, const QString &epoch = {},
              Greeting greeting = Greeting::Welcome);
    // The member goes offline here (it stays a member). A kick names the operator and their
    // reason.
    void leave(RoomMember *member, Protocol::LeaveReason reason, const QString &by = {},
               const QString &comment = {});
    // The member's membership ends (part, or a kick by the room's owner): it is told, as is
    // everyone else, and it no longer gets the room. It need not be online.
    void part(const QString &nick, RoomMember *member, Protocol::LeaveReason reason,
              const QString &by = {}, const QString &comment = {});
    RoomMember *member(const QString &nick) const { return m_membership.find(nick); }
    // The members online on this node (for announcements that are not the room's own: a
    // member's new nick or its being away).
    QList<RoomMember *> localMembers() const { return m_membership.members(); }
    bool isLarge() const { return m_membership.isLarge(); }
    QMap<QString, QString> awayReasons() const { return m_membership.awayReasons(); }
    // The member, online here as `oldNick`, changed its nick to member->nick(): the membership
    // and its read marker move to the new nick, which is online here in the old one's place.
    // The room's owner stays the nick that created it.
    // Nothing is announced: the member tells the others once for all its rooms.
    void rename(RoomMember *member, const QString &oldNick);
    std::optional<Protocol::ErrorCode> post(RoomMember *sender, const QString &text,
                                            const QString &to, const QString &id,
                                            const QString &label = {});

    // `conversation` is this room's name, or (the lobby) a direct conversation's ("@bb").
    QList<Protocol::Message> history(const QString &reader, const QString &conversation,
                                     qint64 before, qsizetype limit);
    // The oldest `limit` after `after`, in order (CHATHISTORY AFTER).
    QList<Protocol::Message> historyAfter(const QString &reader, const QString &conversation,
                                          qint64 after, qsizetype limit);
    // The room's own messages, without the direct messages the lobby keeps: the newest `limit`
    // before `before`, or (Direction::After) the oldest `limit` after `from`.
    enum class Direction { Before, After };
    QList<Protocol::Message> broadcasts(const QString &reader, Direction direction, qint64 from,
                                        qsizetype limit);
    // The first message here sent at or after `timestamp` (ms), if any (CHATHISTORY timestamp=).
    std::optional<qint64> firstSeqAt(qint64 timestamp) const
    {
        return m_store->firstSeqAt(m_record.name, timestamp);
    }
    // What the pipeline may serve of messages found in the store for `reader`.
    QList<Protocol::Message> forReader(const QString &reader, QList<Protocol::Message> found) const
    {
        return m_pipeline.forReader(reader, std::move(found));
    }

    // Push-back lands on senders, never on the room: false while this member's own messages
    // wait for the store in numbers, or while the room's readers are far behind and it is one
    // of those who sent what they have not been given yet. The member then stops reading (TCP
    // flow control slows it) until the room calls its resumeReadingFromRoom().
    bool mayRead(RoomMember *member);
    // The member's connection has taken what it was given: it can have more of the log.
    void memberDrained(RoomMember *member) { m_log.pump(member); }

    // While closing, members leave silently: everyone is getting the shutdown notice instead.
    void setClosing(bool closing) { m_closing = closing; }
    bool isBusy() const { return m_pipeline.isBusy(); }

    // The room as other nodes of a cluster change it: applied here, not written again.
    void deliverPublished(const Protocol::Message &message)
    {
        m_pipeline.deliverPublished(message);
    }
    void catchUp(qint64 after, const QList<Protocol::Message> &messages)
    {
        m_pipeline.catchUp(after, messages);
    }
    void resetNumbering() { m_pipeline.resetNumbering(); }
    void onlineElsewhere(const QString &nick, const QString &node);
    void offlineElsewhere(const QString &nick, Protocol::LeaveReason reason);
    void nodeLost(const QString &node);
    void memberAddedElsewhere(const QString &nick);
    void memberRemovedElsewhere(const QString &nick);
    void readMarkerSetElsewhere(const QString &nick, qint64 seq);
    void invitedElsewhere(const QString &nick, bool invited);
    void partedElsewhere(const Protocol::Left &left);
    // The room's settings as the cluster has them (owner and privacy: its creator's).
    void adoptSettings(const MessageStore::RoomRecord &record);
    void topicChangedElsewhere(const Protocol::TopicChanged &topic);

    QStringList nicks() const { return m_membership.nicks(); }
    qsizetype memberCount() const { return m_membership.size(); }
    qsizetype memberCountHere() const { return m_membership.sizeHere(); }
    qint64 lastSeq() const { return m_pipeline.deliveredSeq(); }
    QString epoch() const { return m_store->epoch(); }
    Protocol::RoomSummary summary() const;

signals:
    void idle();
    void memberAdded(const QString &nick);
    void memberRemoved(const QString &nick);
    // Presence, for the other nodes of a cluster.
    void wentOnline(const QString &nick);
    void wentOffline(const QString &nick, Protocol::LeaveReason reason);

private:
    bool shouldHold(RoomMember *member) const;
    void resumeHeld();
    void updateLargeness();
    void enqueuePresence();
    QStringList memberNicks() const;

    MessageStore::RoomRecord m_record;
    MessageStore *m_store;
    Membership m_membership;
    RoomLog m_log;
    MessagePipeline m_pipeline;
    qsizetype m_historyLimit;
    qsizetype m_announceLimit;
    qint64 m_maxBehindBytes;
    qsizetype m_announcedCount = 0;
    QTimer m_presenceTimer;
    QTimer m_slowSweep;
    QTimer m_resumeCheck;
    QSet<RoomMember *> m_held; // not reading until resumed
    QHash<QString, QString> m_nodeOf; // nick key -> the node it is online on, elsewhere
    bool m_closing = false;
};
