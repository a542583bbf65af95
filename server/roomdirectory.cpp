// SPDX-License-Identifier: BSD-3-Clause
#include "roomdirectory.h"

#include "cluster/clusterpresence.h"
#include "cluster/clusterstore.h"
#include "cluster/roomsubscriptions.h"
#include "encodedframe.h"
#include "serverlogging.h"
#include "terminaltext.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

RoomDirectory::RoomDirectory(MessageStore *store, const ServerConfig &config, QObject *parent)
    : QObject(parent), m_store(store), m_config(config), m_queue(store)
{
    // Read once for all rooms: the recent messages with client ids, by room.
    QHash<QString, QList<Protocol::Message>> accepted;
    for (Protocol::Message &message : store->recentWithClientIds(10 * config.duplicateWindow))
        accepted[Protocol::roomKey(message.room)].append(std::move(message));
    for (const MessageStore::RoomRecord &record : store->loadRooms()) {
        if (record.name.startsWith(Protocol::DirectPrefix)) {
            const QString peer = record.name.mid(1);
            for (const auto &member : record.members)
                m_directRead[Protocol::nickKey(member.nick)].insert(peer, member.read);
            continue;
        }
        add(record, accepted.value(Protocol::roomKey(record.name)));
    }
    m_lobby = find(Protocol::Lobby);
    if (!m_lobby) {
        MessageStore::RoomRecord lobby;
        lobby.name = Protocol::Lobby;
        lobby.created = QDateTime::currentMSecsSinceEpoch();
        m_lobby = add(lobby, accepted.value(Protocol::Lobby));
        store->saveRoom(lobby);
    }
    qCInfo(lcServer) << m_rooms.size() << (m_rooms.size() == 1 ? "room" : "rooms");
    if (auto *cluster = qobject_cast<ClusterStore *>(store))
        followCluster(cluster);
}

void RoomDirectory::followCluster(ClusterStore *cluster)
{
    m_cluster = cluster;
    m_presence = new ClusterPresence(cluster, this);
    m_subscriptions = new RoomSubscriptions(
            cluster,
            [this](const QString &key) {
                const Room *target = m_rooms.value(key);
                return target ? target->lastSeq() : 0;
            },
            [this](const QString &key, qint64 after, const QList<Protocol::Message> &messages) {
                if (Room *target = m_rooms.value(key))
                    target->catchUp(after, messages);
            },
            this);
    auto room = [this](const QString &key) { return m_rooms.value(key); };
    connect(cluster, &MessageStore::published, this, [this](const Protocol::Message &message) {
        Room *target = find(message.room);
        if (!target) { // created elsewhere a moment ago: its announcement is on its way
            MessageStore::RoomRecord record;
            record.name = message.room;
            target = add(record);
        }
        target->deliverPublished(message);
    });
    connect(cluster, &ClusterStore::roomCreated, this,
            [this](const MessageStore::RoomRecord &record) {
                if (Room *existing = find(record.name))
                    existing->adoptSettings(record);
                else
                    add(record);
            });
    connect(cluster, &ClusterStore::memberAdded, this,
            [room](const QString &key, const QString &nick) {
                if (Room *target = room(key))
                    target->memberAddedElsewhere(nick);
            });
    connect(cluster, &ClusterStore::memberRemoved, this,
            [room](const QString &key, const QString &nick) {
                if (Room *target = room(key))
                    target->memberRemovedElsewhere(nick);
            });
    connect(cluster, &ClusterStore::readMarkerSet, this,
            [room](const QString &key, const QString &nick, qint64 seq) {
                if (Room *target = room(key))
                    target->readMarkerSetElsewhere(nick, seq);
            });
    connect(cluster, &ClusterStore::invited, this,
            [room](const QString &key, const QString &nick, bool invited) {
                if (Room *target = room(key))
                    target->invitedElsewhere(nick, invited);
            });
    connect(cluster, &MessageStore::partedElsewhere, this, [this](const Protocol::Left &left) {
        if (Room *target = find(left.room))
            target->partedElsewhere(left);
    });
    connect(cluster, &ClusterStore::invitationElsewhere, this,
            [this](const Protocol::Invited &invited) {
                if (RoomMember *target = online(invited.nick); target && target->speaksRooms())
                    target->writeFromRoom(encodedFor(*target, EncodedFrame(invited)));
            });
    connect(cluster, &MessageStore::topicChangedElsewhere, this,
            [this](const Protocol::TopicChanged &topic) {
                if (Room *target = find(topic.room))
                    target->topicChangedElsewhere(topic);
            });
    connect(cluster, &ClusterStore::epochChanged, this, [this] {
        for (Room *target : std::as_const(m_rooms))
            target->resetNumbering();
        emit membersMustReconnect(u"The cluster lost its message store; connect again."_s);
    });
    connect(m_presence, &ClusterPresence::declaredLost, this, [this] {
        qCWarning(lcServer) << "The cluster took this node for lost: its members connect again";
        emit membersMustReconnect(u"This server lost touch with the cluster; connect again."_s);
    });
    connect(m_presence, &ClusterPresence::onlineElsewhere, this,
            [room](const QString &key, const QString &nick, const QString &node) {
                if (Room *target = room(key))
                    target->onlineElsewhere(nick, node);
            });
    connect(m_presence, &ClusterPresence::offlineElsewhere, this,
            [room](const QString &key, const QString &nick, Protocol::LeaveReason reason) {
                if (Room *target = room(key))
                    target->offlineElsewhere(nick, reason);
            });
    connect(m_presence, &ClusterPresence::nodeLost, this, [this](const QString &node) {
        for (Room *target : std::as_const(m_rooms))
            target->nodeLost(node);
    });
    const auto online = cluster->onlineElsewhere();
    for (auto it = online.cbegin(); it != online.cend(); ++it) {
        if (Room *target = find(it.key())) {
            for (const auto &[nick, node] : it.value())
                target->onlineElsewhere(nick, node);
        }
    }
    for (Room *target : std::as_const(m_rooms))
        followPresence(target);
    m_presence->start();
}

void RoomDirectory::followPresence(Room *room)
{
    if (!m_presence)
        return;
    connect(room, &Room::wentOnline, m_presence, [this, room](const QString &nick) {
        m_subscriptions->setMembersHere(room->name(), true);
        m_presence->wentOnline(room->name(), nick);
    });
    connect(room, &Room::wentOffline, m_presence,
            [this, room](const QString &nick, Protocol::LeaveReason reason) {
                m_subscriptions->setMembersHere(room->name(), room->memberCountHere() > 0);
                m_presence->wentOffline(room->name(), nick, reason);
            });
}

void RoomDirectory::tellInvited(const Protocol::Invited &invited, const RoomMember *inviter)
{
    RoomMember *target = online(invited.nick);
    if (target) {
        if (target != inviter && target->speaksRooms())
            target->writeFromRoom(encodedFor(*target, EncodedFrame(invited)));
        return;
    }
    if (m_cluster)
        m_cluster->noteInvitation(invited); // online on another node, perhaps
}

void RoomDirectory::leaveCluster(QObject *context, std::function<void()> done)
{
    if (!m_presence) {
        done();
        return;
    }
    m_presence->retire(context, std::move(done));
}

void RoomDirectory::releaseNick(const QString &nick)
{
    if (m_presence)
        m_presence->releaseNick(nick);
}

void RoomDirectory::claimNick(const QString &nick, QObject *context, std::function<void(bool)> done)
{
    if (!m_presence) {
        done(true);
        return;
    }
    m_presence->claimNick(nick, context,
                          [this, nick, context = QPointer<QObject>(context),
                           done = std::move(done)](bool claimed) {
                              if (!claimed) {
                                  done(false);
                                  return;
                              }
                              // The member is welcomed into its rooms, or the lobby.
                              QStringList rooms { m_lobby->name() };
                              for (const Room *room : roomsOf(nick))
                                  rooms.append(room->name());
                              m_subscriptions->whenCurrent(rooms, [this, nick, context, done] {
                                  if (context)
                                      done(true);
                                  else
                                      releaseNick(nick); // whoever asked is gone
                              });
                          });
}

RoomDirectory::~RoomDirectory()
{
    qDeleteAll(m_rooms);
}

Room *RoomDirectory::add(MessageStore::RoomRecord record, const QList<Protocol::Message> &accepted)
{
    // Members are found by today's nick key, whatever key the store kept them under.
    QHash<QString, MessageStore::RoomRecord::Member> members;
    for (const auto &member : std::as_const(record.members))
        members.insert(Protocol::nickKey(member.nick), member);
    record.members = std::move(members);
    auto *room = new Room(record, &m_queue, m_config, accepted);
    m_rooms.insert(Protocol::roomKey(record.name), room);
    if (!record.owner.isEmpty())
        ++m_roomsOwnedBy[Protocol::nickKey(record.owner)];
    for (auto it = record.members.cbegin(); it != record.members.cend(); ++it)
        m_roomsOfMember[it.key()].append(room);
    connect(room, &Room::memberAdded, this, [this, room](const QString &nick) {
        m_roomsOfMember[Protocol::nickKey(nick)].append(room);
    });
    connect(room, &Room::memberRemoved, this, [this, room](const QString &nick) {
        const auto rooms = m_roomsOfMember.find(Protocol::nickKey(nick));
        if (rooms == m_roomsOfMember.end())
            return;
        rooms->removeAll(room);
        if (rooms->isEmpty())
            m_roomsOfMember.erase(rooms);
    });
    connect(room, &Room::idle, this, [this] {
        if (!isBusy())
            emit idle();
    });
    if (m_cluster)
        followPresence(room);
    return room;
}

Room *RoomDirectory::find(const QString &name) const
{
    return m_rooms.value(Protocol::roomKey(name));
}

QList<Room *> RoomDirectory::rooms() const
{
    return m_rooms.values();
}

QList<Room *> RoomDirectory::roomsOf(const QString &nick) const
{
    QList<Room *> found = m_roomsOfMember.value(Protocol::nickKey(nick));
    const bool inLobby = found.removeAll(m_lobby) > 0;
    std::sort(found.begin(), found.end(), [](const Room *a, const Room *b) {
        return Protocol::roomKey(a->name()) < Protocol::roomKey(b->name());
    });
    if (inLobby)
        found.prepend(m_lobby);
    return found;
}

std::optional<std::pair<ErrorCode, QString>>
RoomDirectory::refuseCreation(const QString &nick, bool isPrivate, bool isRegistered,
                              bool isOperator, bool accountsInUse) const
{
    using Creation = ServerConfig::RoomCreation;
    if (m_config.roomCreation == Creation::Operators && !isOperator)
        return std::pair { ErrorCode::Forbidden, u"Only operators may create rooms here."_s };
    if (m_config.roomCreation == Creation::Registered && !isRegistered && !isOperator)
        return std::pair { ErrorCode::Forbidden,
                           u"Only registered nicknames may create rooms here."_s };
    if (isPrivate && !accountsInUse) {
        return std::pair { ErrorCode::Forbidden,
                           u"Private rooms need registered nicknames, and this server has no "
                           "accounts: only public rooms can be created."_s };
    }
    if (isPrivate && !isRegistered) {
        return std::pair { ErrorCode::Forbidden,
                           u"Only a registered nickname may create a private room."_s };
    }
    // Creating and parting again must not let one nick fill the server.
    if (m_config.maxRoomsPerUser > 0 && !isOperator) {
        const int owned = m_roomsOwnedBy.value(Protocol::nickKey(nick));
        if (owned >= m_config.maxRoomsPerUser) {
            return std::pair { ErrorCode::TooManyRooms,
                               u"You created %1 rooms, the most this server allows."_s.arg(owned) };
        }
    }
    if (m_config.maxRooms > 0 && m_rooms.size() >= m_config.maxRooms) {
        return std::pair { ErrorCode::TooManyRooms,
                           u"The server holds its most rooms (%1); join one of them."_s.arg(
                                   m_config.maxRooms) };
    }
    return std::nullopt;
}

Room *RoomDirectory::create(const QString &name, const QString &owner, bool isPrivate)
{
    MessageStore::RoomRecord record;
    record.name = name;
    record.owner = owner;
    record.isPrivate = isPrivate;
    record.created = QDateTime::currentMSecsSinceEpoch();
    m_store->saveRoom(record);
    qCInfo(lcServer).noquote() << TerminalText::escaped(owner) << "created"
                               << (isPrivate ? "the private room" : "the room")
                               << TerminalText::escaped(name);
    return add(record);
}

QList<Protocol::RoomSummary> RoomDirectory::list(const QString &nick, const QString &filter,
                                                 qsizetype limit) const
{
    QList<Protocol::RoomSummary> found;
    for (const Room *room : m_rooms) {
        if (room->isPrivate() && !room->isMember(nick) && !room->isInvited(nick))
            continue;
        if (!filter.isEmpty() && !room->name().contains(filter, Qt::CaseInsensitive)
            && !room->topic().contains(filter, Qt::CaseInsensitive))
            continue;
        found.append(room->summary());
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) {
        return a.members != b.members ? a.members > b.members
                                      : Protocol::roomKey(a.room) < Protocol::roomKey(b.room);
    });
    if (found.size() > limit)
        found.resize(limit);
    return found;
}

void RoomDirectory::search(const QString &reader, const QList<Room *> &rooms,
                           const QStringList &conversations, const QStringList &terms,
                           std::optional<qint64> before, qsizetype limit, QObject *context,
                           MessageStore::Found found)
{
    QStringList names = conversations;
    QHash<QString, QPointer<Room>> byName;
    if (!conversations.isEmpty())
        byName.insert(m_lobby->name(), m_lobby); // direct messages are the lobby's
    for (Room *room : rooms) {
        names.append(room->name());
        byName.insert(room->name(), room);
    }
    m_store->search(reader, names, terms, before, limit, context,
                    [reader, byName, found = std::move(found)](QList<Protocol::Message> messages) {
                        // Each room serves only what it has delivered (see forReader).
                        QHash<QString, QList<Protocol::Message>> perRoom;
                        for (Protocol::Message &message : messages)
                            perRoom[message.room].append(std::move(message));
                        QList<Protocol::Message> served;
                        for (auto it = perRoom.begin(); it != perRoom.end(); ++it) {
                            if (const Room *room = byName.value(it.key()))
                                served += room->forReader(reader, std::move(*it));
                        }
                        std::sort(served.begin(), served.end(),
                                  [](const auto &a, const auto &b) { return a.seq < b.seq; });
                        found(served);
                    });
}

void RoomDirectory::setOnline(RoomMember *member)
{
    m_online.insert(Protocol::nickKey(member->nick()), member);
}

void RoomDirectory::setOffline(RoomMember *member)
{
    const QString key = Protocol::nickKey(member->nick());
    if (m_online.value(key) == member) {
        m_online.remove(key);
        if (m_presence)
            m_presence->releaseNick(member->nick());
    }
}

void RoomDirectory::rename(RoomMember *member, const QString &oldNick)
{
    const QString oldKey = Protocol::nickKey(oldNick);
    m_online.insert(Protocol::nickKey(member->nick()), member);
    if (m_online.value(oldKey) == member && oldKey != Protocol::nickKey(member->nick())) {
        m_online.remove(oldKey);
        if (m_presence)
            m_presence->releaseNick(oldNick);
    }
}

qint64 RoomDirectory::directRead(const QString &nick, const QString &peer) const
{
    return m_directRead.value(Protocol::nickKey(nick)).value(Protocol::nickKey(peer));
}

void RoomDirectory::setDirectRead(const QString &nick, const QString &peer, qint64 seq)
{
    seq = std::min(seq, m_lobby->lastSeq());
    QHash<QString, qint64> &markers = m_directRead[Protocol::nickKey(nick)];
    const QString peerKey = Protocol::nickKey(peer);
    const auto marker = markers.constFind(peerKey);
    if (marker != markers.cend() && *marker >= seq)
        return;
    const QString room = Protocol::DirectPrefix + peerKey;
    if (marker == markers.cend())
        m_store->saveMember(room, nick);
    markers.insert(peerKey, seq);
    m_store->saveReadMarker(room, nick, seq);
}

QList<Protocol::Welcome::Direct> RoomDirectory::directConversations(const QString &nick) const
{
    constexpr qsizetype MaxListed = 200;
    QList<Protocol::Welcome::Direct> found;
    const qint64 delivered = m_lobby->lastSeq();
    for (const MessageStore::Conversation &conversation :
         m_store->directConversations(nick, MaxListed)) {
        // What is stored but not yet delivered comes as a message in a moment.
        if (conversation.seq <= delivered)
            found.append(
                    { conversation.peer, conversation.seq, directRead(nick, conversation.peer) });
    }
    return found;
}

bool RoomDirectory::isBusy() const
{
    return std::any_of(m_rooms.cbegin(), m_rooms.cend(),
                       [](const Room *room) { return room->isBusy(); });
}

void RoomDirectory::setClosing(bool closing)
{
    for (Room *room : std::as_const(m_rooms))
        room->setClosing(closing);
}
