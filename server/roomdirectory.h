// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "messagestore.h"
#include "room.h"
#include "serverconfig.h"
#include "storequeue.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

// Every room on the server, by Protocol::roomKey, loaded from the store at start (the lobby is
// always there), and who is online where: a nick is online at most once on the server.
class ClusterPresence;
class ClusterStore;
class RoomSubscriptions;

class RoomDirectory : public QObject
{
    Q_OBJECT
public:
    RoomDirectory(MessageStore *store, const ServerConfig &config, QObject *parent = nullptr);
    ~RoomDirectory() override;

    Room *lobby() const { return m_lobby; }
    Room *find(const QString &name) const;
    QList<Room *> rooms() const;
    // The rooms `nick` is a member of, the lobby first.
    QList<Room *> roomsOf(const QString &nick) const;
    qsizetype roomCount() const { return m_rooms.size(); }

    // Why `nick` may not create a room now, or nothing. `isRegistered` and `isOperator` say
    // what the access control knows of it.
    std::optional<std::pair<Protocol::ErrorCode, QString>>
    refuseCreation(const QString &nick, bool isPrivate, bool isRegistered, bool isOperator,
                   bool accountsInUse) const;
    Room *create(const QString &name, const QString &owner, bool isPrivate);

    // Public rooms, and private ones `nick` belongs to or is invited to, whose name or topic
    // contains `filter`; sorted by size, at most `limit`.
    QList<Protocol::RoomSummary> list(const QString &nick, const QString &filter,
                                      qsizetype limit) const;

    // Searches the given rooms, and direct conversations ("@bb"), for `reader`; answered
    // later, if `context` still exists.
    void search(const QString &reader, const QList<Room *> &rooms, const QStringList &conversations,
                const QStringList &terms, std::optional<qint64> before, qsizetype limit,
                QObject *context, MessageStore::Found found);

    bool isOnline(const QString &nick) const { return m_online.contains(Protocol::nickKey(nick)); }
    RoomMember *online(const QString &nick) const
    {
        return m_online.value(Protocol::nickKey(nick));
    }
    qsizetype onlineCount() const { return m_online.size(); }
    void setOnline(RoomMember *member);
    void setOffline(RoomMember *member);
    // The member, online as `oldNick`, is called member->nick() now: the new nick must have
    // been claimed, and the old one is released.
    void rename(RoomMember *member, const QString &oldNick);
    // In a cluster a nick is online on one node at a time: `done` says whether this node may
    // take it (at once without a cluster), if `context` still exists. Rooms of the nick's
    // that nobody here read are caught up first, so that its welcome is the cluster's.
    void claimNick(const QString &nick, QObject *context, std::function<void(bool)> done);
    void releaseNick(const QString &nick);
    // Tells the invited nick of its invitation, wherever in the cluster it is online (not
    // `inviter`, who has its own answer).
    void tellInvited(const Protocol::Invited &invited, const RoomMember *inviter);
    // Frees what this node holds in the cluster (at once without one), then `done`.
    void leaveCluster(QObject *context, std::function<void()> done);

    // Read markers of direct conversations (a member's newest read message from or to `peer`).
    qint64 directRead(const QString &nick, const QString &peer) const;
    void setDirectRead(const QString &nick, const QString &peer, qint64 seq);
    // The member's direct conversations for a welcome, newest first.
    QList<Protocol::Welcome::Direct> directConversations(const QString &nick) const;

    bool isBusy() const;
    void setClosing(bool closing);

signals:
    void idle();
    // Every member must connect again: the cluster lost its numbering (they must count
    // afresh), or took this node for lost (their nicks are no longer held for them).
    void membersMustReconnect(const QString &why);

private:
    void followCluster(ClusterStore *cluster);
    void followPresence(Room *room);
    Room *add(MessageStore::RoomRecord record, const QList<Protocol::Message> &accepted = {});

    MessageStore *m_store;
    const ServerConfig &m_config;
    StoreQueue m_queue;
    QHash<QString, Room *> m_rooms; // owned
    Room *m_lobby = nullptr;
    QHash<QString, RoomMember *> m_online; // by Protocol::nickKey
    // The rooms of each member (by Protocol::nickKey): a hello finds its rooms without a walk
    // over every room on the server.
    QHash<QString, QList<Room *>> m_roomsOfMember;
    // Direct conversations' read markers: member key -> peer key -> seq. Kept in the store as
    // the member's row of a room named "@" + the peer's key, which no real room can be called.
    QHash<QString, QHash<QString, qint64>> m_directRead;
    QHash<QString, int> m_roomsOwnedBy; // by Protocol::nickKey
    ClusterStore *m_cluster = nullptr;
    ClusterPresence *m_presence = nullptr;
    RoomSubscriptions *m_subscriptions = nullptr;
};
