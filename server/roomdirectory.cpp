#include "roomdirectory.h"

#include "serverlogging.h"
#include "terminaltext.h"

#include <QPointer>

#include <algorithm>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

RoomDirectory::RoomDirectory(MessageStore *store, const ServerConfig &config, QObject *parent)
    : QObject(parent), m_store(store), m_config(config), m_queue(store)
{
    for (const MessageStore::RoomRecord &record : store->loadRooms())
        add(record);
    m_lobby = find(Protocol::Lobby);
    if (!m_lobby) {
        MessageStore::RoomRecord lobby;
        lobby.name = Protocol::Lobby;
        m_lobby = add(lobby);
        store->saveRoom(lobby);
    }
    qCInfo(lcServer) << m_rooms.size() << (m_rooms.size() == 1 ? "room" : "rooms");
}

RoomDirectory::~RoomDirectory()
{
    qDeleteAll(m_rooms);
}

Room *RoomDirectory::add(MessageStore::RoomRecord record)
{
    // Members are found by today's nick key, whatever key the store kept them under.
    QHash<QString, MessageStore::RoomRecord::Member> members;
    for (const auto &member : std::as_const(record.members))
        members.insert(Protocol::nickKey(member.nick), member);
    record.members = std::move(members);
    auto *room = new Room(record, &m_queue, m_config);
    m_rooms.insert(Protocol::roomKey(record.name), room);
    connect(room, &Room::idle, this, [this] {
        if (!isBusy())
            emit idle();
    });
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
    // The key once, not once per room: its confusable skeleton is costly, and every hello asks
    // every room (10,000 hellos x 1,000 rooms took 10 s of the server's time).
    const QString key = Protocol::nickKey(nick);
    QList<Room *> found;
    for (Room *room : m_rooms) {
        if (room != m_lobby && room->isMemberKey(key))
            found.append(room);
    }
    std::sort(found.begin(), found.end(), [](const Room *a, const Room *b) {
        return Protocol::roomKey(a->name()) < Protocol::roomKey(b->name());
    });
    if (m_lobby->isMemberKey(key))
        found.prepend(m_lobby);
    return found;
}

std::optional<std::pair<ErrorCode, QString>>
RoomDirectory::refuseCreation(const QString &, bool isPrivate, bool isRegistered, bool isOperator,
                              bool accountsInUse) const
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
                           const QStringList &terms, std::optional<qint64> before,
                           qsizetype limit, QObject *context, MessageStore::Found found)
{
    QStringList names;
    QHash<QString, QPointer<Room>> byName;
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
    if (m_online.value(key) == member)
        m_online.remove(key);
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
