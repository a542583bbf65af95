// SPDX-License-Identifier: BSD-3-Clause
#include "protocol.h"

#include "nickskeleton.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace Protocol {

namespace {

constexpr std::array errorCodeNames = {
    std::pair { ErrorCode::BadFrame, "bad_frame" },
    std::pair { ErrorCode::TooLong, "too_long" },
    std::pair { ErrorCode::UnknownType, "unknown_type" },
    std::pair { ErrorCode::NotRegistered, "not_registered" },
    std::pair { ErrorCode::NickTaken, "nick_taken" },
    std::pair { ErrorCode::NickInvalid, "nick_invalid" },
    std::pair { ErrorCode::TextTooLong, "text_too_long" },
    std::pair { ErrorCode::NoSuchUser, "no_such_user" },
    std::pair { ErrorCode::RateLimited, "rate_limited" },
    std::pair { ErrorCode::ServerFull, "server_full" },
    std::pair { ErrorCode::TooManyConnections, "too_many_connections" },
    std::pair { ErrorCode::Timeout, "timeout" },
    std::pair { ErrorCode::StoreFailed, "store_failed" },
    std::pair { ErrorCode::AuthRequired, "auth_required" },
    std::pair { ErrorCode::AuthFailed, "auth_failed" },
    std::pair { ErrorCode::Banned, "banned" },
    std::pair { ErrorCode::TlsRequired, "tls_required" },
    std::pair { ErrorCode::Forbidden, "forbidden" },
    std::pair { ErrorCode::Kicked, "kicked" },
    std::pair { ErrorCode::UnsupportedProtocol, "unsupported_protocol" },
    std::pair { ErrorCode::NoSuchRoom, "no_such_room" },
    std::pair { ErrorCode::RoomInvalid, "room_invalid" },
    std::pair { ErrorCode::NotInvited, "not_invited" },
    std::pair { ErrorCode::NotAMember, "not_a_member" },
    std::pair { ErrorCode::TooManyRooms, "too_many_rooms" },
};

constexpr std::array leaveReasonNames = {
    std::pair { LeaveReason::Exit, "exit" },       std::pair { LeaveReason::Lost, "lost" },
    std::pair { LeaveReason::Timeout, "timeout" }, std::pair { LeaveReason::Slow, "slow" },
    std::pair { LeaveReason::Flood, "flood" },     std::pair { LeaveReason::Kicked, "kicked" },
    std::pair { LeaveReason::Part, "part" },
};

template<typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char *>, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return QString::fromLatin1(name);
    }
    Q_UNREACHABLE();
    return {};
}

template<typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, const char *>, N> &table,
                            const QString &name)
{
    for (const auto &[value, candidate] : table) {
        if (name == QLatin1StringView(candidate))
            return value;
    }
    return std::nullopt;
}

// Reads typed fields out of one frame and remembers the first problem, so that each decoder
// reads like the frame's description.
class FieldReader
{
public:
    explicit FieldReader(const QJsonObject &object) : m_object(object) { }

    QString string(QLatin1StringView key, bool required = true)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && !required)
            return {};
        if (!value.isString()) {
            fail(key, "a string"_L1);
            return {};
        }
        QString text = value.toString();
        // JSON's \u escapes can spell half a surrogate pair: text no store or screen can keep.
        if (!QStringView(text).isValidUtf16())
            fail(key, "valid Unicode text (it holds half of a surrogate pair)"_L1);
        return text;
    }

    std::optional<qint64> integer(QLatin1StringView key, bool required = true)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && !required)
            return std::nullopt;
        const double number = value.toDouble(std::nan(""));
        // Integers above 2^53 cannot travel through JSON's doubles without loss.
        if (!value.isDouble() || std::trunc(number) != number || std::abs(number) > 9.0e15) {
            fail(key, "an integer"_L1);
            return std::nullopt;
        }
        return qint64(number);
    }

    QJsonArray array(QLatin1StringView key)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isArray())
            fail(key, "an array"_L1);
        return value.toArray();
    }

    bool boolean(QLatin1StringView key)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isUndefined() && !value.isBool())
            fail(key, "true or false"_L1);
        return value.toBool();
    }

    void fail(QLatin1StringView key, QLatin1StringView expected)
    {
        if (m_problem.isEmpty())
            m_problem = "Field \"%1\" must be %2."_L1.arg(key, expected);
    }

    const QString &problem() const { return m_problem; }

private:
    QJsonObject m_object;
    QString m_problem;
};

template<typename Frame>
Decoded<Frame> badFrame(const QString &text, const QString &id = {})
{
    return { Frame {}, Error { ErrorCode::BadFrame, text, id } };
}

// The first steps shared by both directions: UTF-8, JSON, an object with a string "type".
std::optional<Error> parseObject(QByteArrayView line, QJsonObject *object, QString *type)
{
    if (!decodeUtf8(line))
        return Error { ErrorCode::BadFrame, u"The line is not valid UTF-8."_s, {} };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error { ErrorCode::BadFrame, u"Not JSON: "_s + parseError.errorString() + u'.', {} };
    if (!document.isObject())
        return Error { ErrorCode::BadFrame, u"A frame must be a JSON object."_s, {} };
    *object = document.object();
    const QJsonValue typeValue = object->value("type"_L1);
    if (!typeValue.isString())
        return Error { ErrorCode::BadFrame, u"Field \"type\" must be a string."_s,
                       object->value("id"_L1).toString() };
    *type = typeValue.toString();
    return std::nullopt;
}

// Frames about the lobby leave the room out, so version-1 frames stay as they were.
void insertRoom(QJsonObject *object, const QString &room)
{
    if (!room.isEmpty() && room != Lobby) // the server always writes a room as it is named
        object->insert("room"_L1, room);
}

QString roomOrLobby(FieldReader &reader)
{
    const QString room = reader.string("room"_L1, false);
    return room.isEmpty() ? Lobby : room;
}

Message messageFromJson(FieldReader &reader)
{
    Message message;
    message.seq = reader.integer("seq"_L1).value_or(0);
    message.timestamp = reader.integer("ts"_L1).value_or(0);
    message.from = reader.string("from"_L1);
    message.to = reader.string("to"_L1, false);
    message.text = reader.string("text"_L1);
    message.id = reader.string("id"_L1, false);
    message.room = roomOrLobby(reader);
    return message;
}

Joined joinedFromJson(FieldReader &reader)
{
    Joined joined;
    joined.nick = reader.string("nick"_L1);
    joined.timestamp = reader.integer("ts"_L1).value_or(0);
    joined.text = reader.string("text"_L1, false);
    joined.room = roomOrLobby(reader);
    return joined;
}

QStringList stringsFromJson(FieldReader &reader, QLatin1StringView key)
{
    QStringList strings;
    for (const QJsonValue &value : reader.array(key)) {
        if (!value.isString())
            reader.fail(key, "an array of strings"_L1);
        strings.append(value.toString());
    }
    return strings;
}

Left leftFromJson(FieldReader &reader)
{
    Left left;
    left.nick = reader.string("nick"_L1);
    const auto reason = leaveReasonFromName(reader.string("reason"_L1));
    if (!reason)
        reader.fail("reason"_L1, "a known leave reason"_L1);
    left.reason = reason.value_or(LeaveReason::Lost);
    left.timestamp = reader.integer("ts"_L1).value_or(0);
    left.room = roomOrLobby(reader);
    left.text = reader.string("text"_L1, false);
    left.by = reader.string("by"_L1, false);
    left.comment = reader.string("comment"_L1, false);
    return left;
}

QList<Message> messagesFromJson(FieldReader &reader, QLatin1StringView key)
{
    QList<Message> messages;
    for (const QJsonValue &entry : reader.array(key)) {
        FieldReader messageReader(entry.toObject());
        messages.append(messageFromJson(messageReader));
        if (!entry.isObject() || !messageReader.problem().isEmpty())
            reader.fail(key, "an array of messages"_L1);
    }
    return messages;
}

// The fields insertGreeting writes.
template<typename Greeting>
void readGreeting(FieldReader &reader, const QJsonObject &object, Greeting *greeting)
{
    greeting->usersListed = object.contains("users"_L1);
    if (greeting->usersListed)
        greeting->users = stringsFromJson(reader, "users"_L1);
    greeting->online = reader.integer("online"_L1, false).value_or(greeting->users.size());
    greeting->seq = reader.integer("seq"_L1).value_or(0);
    greeting->epoch = reader.string("epoch"_L1, false);
    greeting->history = messagesFromJson(reader, "history"_L1);
    greeting->historyTruncated = reader.boolean("history_truncated"_L1);
    greeting->historyReset = reader.boolean("history_reset"_L1);
    if (const QJsonValue away = object.value("away"_L1); !away.isUndefined()) {
        const QJsonObject reasons = away.toObject();
        for (auto it = reasons.begin(); it != reasons.end(); ++it) {
            if (!it.value().isString())
                reader.fail("away"_L1, "an object of reasons by nick"_L1);
            greeting->away.insert(it.key(), it.value().toString());
        }
        if (!away.isObject())
            reader.fail("away"_L1, "an object of reasons by nick"_L1);
    }
}

template<typename Frame, typename Variant>
Decoded<Variant> finish(Frame &&frame, const FieldReader &reader, const QString &id = {})
{
    if (!reader.problem().isEmpty())
        return badFrame<Variant>(reader.problem(), id);
    return { Variant { std::forward<Frame>(frame) }, std::nullopt };
}

QByteArray toLine(const QJsonObject &object)
{
    QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    line.append('\n');
    return line;
}

QJsonObject typed(QLatin1StringView type)
{
    return QJsonObject { { "type"_L1, type } };
}

// What a version-1 welcome and a room frame both say of a room: who is online, its numbering
// and the first page of its history.
template<typename Greeting>
void insertGreeting(QJsonObject *object, const Greeting &greeting)
{
    if (greeting.usersListed)
        object->insert("users"_L1, QJsonArray::fromStringList(greeting.users));
    object->insert("online"_L1, greeting.online);
    object->insert("seq"_L1, greeting.seq);
    if (!greeting.epoch.isEmpty())
        object->insert("epoch"_L1, greeting.epoch);
    QJsonArray history;
    for (const Message &message : greeting.history)
        history.append(toJson(message));
    object->insert("history"_L1, history);
    if (greeting.historyTruncated)
        object->insert("history_truncated"_L1, true);
    if (greeting.historyReset)
        object->insert("history_reset"_L1, true);
    if (!greeting.away.isEmpty()) {
        QJsonObject away;
        for (auto it = greeting.away.cbegin(); it != greeting.away.cend(); ++it)
            away.insert(it.key(), it.value());
        object->insert("away"_L1, away);
    }
}

struct Encoder
{
    QJsonObject operator()(const Hello &hello) const
    {
        QJsonObject object = typed("hello"_L1);
        object.insert("nick"_L1, hello.nick);
        object.insert("protocol"_L1, hello.protocol);
        if (!hello.client.isEmpty())
            object.insert("client"_L1, hello.client);
        if (hello.since)
            object.insert("since"_L1, *hello.since);
        if (!hello.epoch.isEmpty())
            object.insert("epoch"_L1, hello.epoch);
        if (!hello.password.isEmpty())
            object.insert("password"_L1, hello.password);
        if (!hello.rooms.isEmpty()) {
            QJsonObject rooms;
            for (const Hello::Position &position : hello.rooms) {
                QJsonObject entry;
                if (position.since)
                    entry.insert("since"_L1, *position.since);
                if (!position.epoch.isEmpty())
                    entry.insert("epoch"_L1, position.epoch);
                rooms.insert(position.room, entry);
            }
            object.insert("rooms"_L1, rooms);
        }
        return object;
    }
    QJsonObject operator()(const Kick &kick) const
    {
        QJsonObject object = typed("kick"_L1);
        object.insert("nick"_L1, kick.nick);
        if (!kick.reason.isEmpty())
            object.insert("reason"_L1, kick.reason);
        if (!kick.id.isEmpty())
            object.insert("id"_L1, kick.id);
        insertRoom(&object, kick.room);
        return object;
    }
    QJsonObject operator()(const Join &join) const
    {
        QJsonObject object = typed("join"_L1);
        object.insert("room"_L1, join.room);
        if (join.isPrivate)
            object.insert("private"_L1, true);
        if (!join.id.isEmpty())
            object.insert("id"_L1, join.id);
        return object;
    }
    QJsonObject operator()(const Part &part) const
    {
        QJsonObject object = typed("part"_L1);
        object.insert("room"_L1, part.room);
        if (!part.id.isEmpty())
            object.insert("id"_L1, part.id);
        return object;
    }
    QJsonObject operator()(const ListRooms &list) const
    {
        QJsonObject object = typed("rooms"_L1);
        if (!list.filter.isEmpty())
            object.insert("filter"_L1, list.filter);
        if (!list.id.isEmpty())
            object.insert("id"_L1, list.id);
        return object;
    }
    QJsonObject operator()(const SetTopic &topic) const
    {
        QJsonObject object = typed("topic"_L1);
        object.insert("room"_L1, topic.room);
        object.insert("topic"_L1, topic.topic);
        if (!topic.id.isEmpty())
            object.insert("id"_L1, topic.id);
        return object;
    }
    QJsonObject operator()(const Invite &invite) const
    {
        QJsonObject object = typed("invite"_L1);
        object.insert("room"_L1, invite.room);
        object.insert("nick"_L1, invite.nick);
        if (!invite.id.isEmpty())
            object.insert("id"_L1, invite.id);
        return object;
    }
    QJsonObject operator()(const MarkRead &read) const
    {
        QJsonObject object = typed("read"_L1);
        object.insert("room"_L1, read.room);
        object.insert("seq"_L1, read.seq);
        return object;
    }
    QJsonObject operator()(const RoomState &state) const
    {
        QJsonObject object = typed("room"_L1);
        object.insert("room"_L1, state.room);
        object.insert("topic"_L1, state.topic);
        if (!state.owner.isEmpty())
            object.insert("owner"_L1, state.owner);
        if (state.isPrivate)
            object.insert("private"_L1, true);
        object.insert("read"_L1, state.read);
        if (state.membersListed)
            object.insert("members"_L1, QJsonArray::fromStringList(state.members));
        object.insert("member_count"_L1, state.memberCount);
        insertGreeting(&object, state);
        return object;
    }
    QJsonObject operator()(const RoomList &list) const
    {
        QJsonObject object = typed("room_list"_L1);
        if (!list.id.isEmpty())
            object.insert("id"_L1, list.id);
        QJsonArray rooms;
        for (const RoomSummary &room : list.rooms) {
            QJsonObject entry { { "room"_L1, room.room },
                                { "topic"_L1, room.topic },
                                { "members"_L1, room.members } };
            if (room.isPrivate)
                entry.insert("private"_L1, true);
            rooms.append(entry);
        }
        object.insert("rooms"_L1, rooms);
        return object;
    }
    QJsonObject operator()(const TopicChanged &topic) const
    {
        QJsonObject object = typed("topic"_L1);
        object.insert("room"_L1, topic.room);
        object.insert("topic"_L1, topic.topic);
        object.insert("by"_L1, topic.by);
        object.insert("ts"_L1, topic.timestamp);
        return object;
    }
    QJsonObject operator()(const Invited &invited) const
    {
        QJsonObject object = typed("invited"_L1);
        object.insert("room"_L1, invited.room);
        object.insert("nick"_L1, invited.nick);
        object.insert("by"_L1, invited.by);
        return object;
    }
    QJsonObject operator()(const ChangeNick &change) const
    {
        QJsonObject object = typed("nick"_L1);
        object.insert("nick"_L1, change.nick);
        if (!change.password.isEmpty())
            object.insert("password"_L1, change.password);
        if (!change.id.isEmpty())
            object.insert("id"_L1, change.id);
        return object;
    }
    QJsonObject operator()(const SetAway &away) const
    {
        QJsonObject object = typed("away"_L1);
        if (!away.reason.isEmpty())
            object.insert("reason"_L1, away.reason);
        if (!away.id.isEmpty())
            object.insert("id"_L1, away.id);
        return object;
    }
    QJsonObject operator()(const Renamed &renamed) const
    {
        QJsonObject object = typed("renamed"_L1);
        object.insert("from"_L1, renamed.from);
        object.insert("to"_L1, renamed.to);
        object.insert("ts"_L1, renamed.timestamp);
        object.insert("text"_L1, renamed.text);
        if (!renamed.id.isEmpty())
            object.insert("id"_L1, renamed.id);
        return object;
    }
    QJsonObject operator()(const AwayChanged &away) const
    {
        QJsonObject object = typed("away"_L1);
        object.insert("nick"_L1, away.nick);
        if (!away.reason.isEmpty())
            object.insert("reason"_L1, away.reason);
        if (!away.id.isEmpty())
            object.insert("id"_L1, away.id);
        return object;
    }
    QJsonObject operator()(const Say &say) const
    {
        QJsonObject object = typed("say"_L1);
        object.insert("text"_L1, say.text);
        if (!say.id.isEmpty())
            object.insert("id"_L1, say.id);
        if (!say.to.isEmpty())
            object.insert("to"_L1, say.to);
        insertRoom(&object, say.room);
        return object;
    }
    QJsonObject operator()(const Exit &) const { return typed("exit"_L1); }
    QJsonObject operator()(const Search &search) const
    {
        QJsonObject object = typed("search"_L1);
        object.insert("query"_L1, search.query);
        if (!search.id.isEmpty())
            object.insert("id"_L1, search.id);
        if (search.before)
            object.insert("before"_L1, *search.before);
        if (!search.room.isEmpty())
            object.insert("room"_L1, search.room);
        return object;
    }
    QJsonObject operator()(const History &history) const
    {
        QJsonObject object = typed("history"_L1);
        object.insert("before"_L1, history.before);
        object.insert("limit"_L1, history.limit);
        if (!history.id.isEmpty())
            object.insert("id"_L1, history.id);
        insertRoom(&object, history.room);
        return object;
    }
    QJsonObject operator()(const Notices &notices) const
    {
        QJsonObject object = typed("notices"_L1);
        QJsonArray list;
        for (const auto &notice : notices.notices)
            list.append(std::visit(*this, notice));
        object.insert("notices"_L1, list);
        return object;
    }
    QJsonObject operator()(const Presence &presence) const
    {
        QJsonObject object = typed("presence"_L1);
        object.insert("online"_L1, presence.online);
        if (presence.users)
            object.insert("users"_L1, QJsonArray::fromStringList(*presence.users));
        insertRoom(&object, presence.room);
        return object;
    }
    QJsonObject operator()(const Results &results) const
    {
        QJsonObject object = typed("results"_L1);
        object.insert("id"_L1, results.id);
        QJsonArray messages;
        for (const Message &message : results.messages)
            messages.append(toJson(message));
        object.insert("messages"_L1, messages);
        return object;
    }
    QJsonObject operator()(const Ping &ping) const
    {
        QJsonObject object = typed("ping"_L1);
        object.insert("token"_L1, ping.token);
        return object;
    }
    QJsonObject operator()(const Pong &pong) const
    {
        QJsonObject object = typed("pong"_L1);
        object.insert("token"_L1, pong.token);
        return object;
    }
    QJsonObject operator()(const Message &message) const { return toJson(message); }
    QJsonObject operator()(const Welcome &welcome) const
    {
        QJsonObject object = typed("welcome"_L1);
        object.insert("nick"_L1, welcome.nick);
        object.insert("protocol"_L1, welcome.protocol);
        object.insert("server"_L1, welcome.server);
        if (!welcome.rooms.isEmpty()) {
            // Version 2: each room's state follows in a room frame of its own.
            if (!welcome.epoch.isEmpty())
                object.insert("epoch"_L1, welcome.epoch);
            object.insert("rooms"_L1, QJsonArray::fromStringList(welcome.rooms));
            QJsonArray direct;
            for (const Welcome::Direct &conversation : welcome.direct) {
                direct.append(QJsonObject { { "nick"_L1, conversation.nick },
                                            { "seq"_L1, conversation.seq },
                                            { "read"_L1, conversation.read } });
            }
            object.insert("direct"_L1, direct);
            return object;
        }
        insertGreeting(&object, welcome);
        return object;
    }
    QJsonObject operator()(const Ack &ack) const
    {
        QJsonObject object = typed("ack"_L1);
        object.insert("id"_L1, ack.id);
        object.insert("seq"_L1, ack.seq);
        object.insert("ts"_L1, ack.timestamp);
        insertRoom(&object, ack.room);
        return object;
    }
    QJsonObject operator()(const Joined &joined) const
    {
        QJsonObject object = typed("joined"_L1);
        object.insert("nick"_L1, joined.nick);
        object.insert("ts"_L1, joined.timestamp);
        object.insert("text"_L1, joined.text);
        insertRoom(&object, joined.room);
        return object;
    }
    QJsonObject operator()(const Left &left) const
    {
        QJsonObject object = typed("left"_L1);
        object.insert("nick"_L1, left.nick);
        object.insert("reason"_L1, leaveReasonName(left.reason));
        object.insert("ts"_L1, left.timestamp);
        object.insert("text"_L1, left.text);
        if (!left.by.isEmpty())
            object.insert("by"_L1, left.by);
        if (!left.comment.isEmpty())
            object.insert("comment"_L1, left.comment);
        insertRoom(&object, left.room);
        return object;
    }
    QJsonObject operator()(const Error &error) const
    {
        QJsonObject object = typed("error"_L1);
        object.insert("code"_L1, errorCodeName(error.code));
        object.insert("text"_L1, error.text);
        if (!error.id.isEmpty())
            object.insert("id"_L1, error.id);
        return object;
    }
    QJsonObject operator()(const Shutdown &shutdown) const
    {
        QJsonObject object = typed("shutdown"_L1);
        object.insert("text"_L1, shutdown.text);
        return object;
    }
};

} // namespace

QString errorCodeName(ErrorCode code)
{
    return nameOf(errorCodeNames, code);
}

std::optional<ErrorCode> errorCodeFromName(const QString &name)
{
    return valueOf(errorCodeNames, name);
}

QString leaveReasonName(LeaveReason reason)
{
    return nameOf(leaveReasonNames, reason);
}

std::optional<LeaveReason> leaveReasonFromName(const QString &name)
{
    return valueOf(leaveReasonNames, name);
}

QString joinedText(const QString &nick)
{
    return u"%1 has joined the chat."_s.arg(nick);
}

QString leftText(const QString &nick, LeaveReason reason)
{
    switch (reason) {
    case LeaveReason::Exit:
        return u"%1 has left the chat."_s.arg(nick);
    case LeaveReason::Lost:
        return u"No message from %1, %1 will be removed from the chatroom."_s.arg(nick);
    case LeaveReason::Timeout:
        return u"%1 timed out and was removed from the chatroom."_s.arg(nick);
    case LeaveReason::Slow:
        return u"%1 could not keep up and was removed from the chatroom."_s.arg(nick);
    case LeaveReason::Flood:
        return u"%1 sent too many messages and was removed from the chatroom."_s.arg(nick);
    case LeaveReason::Kicked:
        return u"%1 was removed from the chatroom by an operator."_s.arg(nick);
    case LeaveReason::Part:
        return u"%1 has left the room."_s.arg(nick);
    }
    Q_UNREACHABLE();
    return {};
}

bool isValidNick(const QString &nick)
{
    qsizetype characters = 0;
    for (const char32_t codePoint : nick.toUcs4()) {
        const bool allowed = QChar::isLetter(codePoint) || QChar::isDigit(codePoint)
                || codePoint == U'_' || codePoint == U'-';
        if (!allowed || ++characters > MaxNickLength)
            return false;
    }
    return characters > 0 && NickSkeleton::isSingleScript(nick);
}

bool isValidRoomName(const QString &name)
{
    qsizetype characters = 0;
    for (const char32_t codePoint : name.toUcs4()) {
        const bool allowed = QChar::isLetter(codePoint) || QChar::isDigit(codePoint)
                || codePoint == U'_' || codePoint == U'-' || codePoint == U'.';
        if (!allowed || ++characters > MaxRoomNameLength)
            return false;
    }
    return characters > 0 && NickSkeleton::isSingleScript(name);
}

QString roomKey(const QString &name)
{
    // As nicks: `dev`, `DEV`, `ｄｅｖ` (fullwidth) and `dеv` (Cyrillic е) would be one room to
    // the eye, so they are one room.
    return NickSkeleton::skeleton(name);
}

QString directPeer(const QString &name)
{
    if (!name.startsWith(DirectPrefix))
        return {};
    const QString peer = name.mid(1);
    return isValidNick(peer) ? peer : QString();
}

QString renamedText(const QString &from, const QString &to)
{
    return u"%1 is now known as %2."_s.arg(from, to);
}

QString partedText(const QString &nick, const QString &room, LeaveReason reason)
{
    if (reason == LeaveReason::Kicked)
        return u"%1 was removed from #%2."_s.arg(nick, room);
    return u"%1 has left #%2."_s.arg(nick, room);
}

qsizetype textLength(QStringView text)
{
    qsizetype characters = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (!(text.at(i).isLowSurrogate() && i > 0 && text.at(i - 1).isHighSurrogate()))
            ++characters;
    }
    return characters;
}

namespace {

// Characters that leave no mark of their own: spaces, controls, format characters (zero-width
// space, joiners, bidi marks), variation selectors and the fillers that render as nothing.
bool isInvisible(char32_t codePoint)
{
    switch (QChar::category(codePoint)) {
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
    case QChar::Other_Control:
    case QChar::Other_Format:
        return true;
    default:
        break;
    }
    return QChar::isSpace(codePoint) || codePoint == 0x034F || codePoint == 0x115F
            || codePoint == 0x1160 || codePoint == 0x17B4 || codePoint == 0x17B5
            || (codePoint >= 0x180B && codePoint <= 0x180F) || codePoint == 0x2800
            || codePoint == 0x3164 || (codePoint >= 0xFE00 && codePoint <= 0xFE0F)
            || codePoint == 0xFFA0 || (codePoint >= 0xE0100 && codePoint <= 0xE01EF);
}

} // namespace

bool isBlankText(QStringView text)
{
    const QList<uint> codePoints = text.toUcs4();
    return std::all_of(codePoints.cbegin(), codePoints.cend(),
                       [](uint codePoint) { return isInvisible(char32_t(codePoint)); });
}

QString nickKey(const QString &nick)
{
    return NickSkeleton::skeleton(nick);
}

QString storedNickKey(const QString &nick)
{
    return nick.toCaseFolded();
}

std::optional<QString> decodeUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

QJsonObject toJson(const Message &message)
{
    QJsonObject object = typed("message"_L1);
    object.insert("seq"_L1, message.seq);
    object.insert("ts"_L1, message.timestamp);
    object.insert("from"_L1, message.from);
    if (message.isDirect())
        object.insert("to"_L1, message.to);
    object.insert("text"_L1, message.text);
    if (!message.id.isEmpty())
        object.insert("id"_L1, message.id);
    insertRoom(&object, message.room);
    return object;
}

Decoded<ClientFrame> decodeClientFrame(QByteArrayView line)
{
    QJsonObject object;
    QString type;
    if (const auto error = parseObject(line, &object, &type))
        return { ClientFrame {}, error };
    FieldReader reader(object);
    if (type == "hello"_L1) {
        Hello hello;
        hello.nick = reader.string("nick"_L1);
        // A hello that names no version is from before versions were named: version 1.
        hello.protocol = int(reader.integer("protocol"_L1, false).value_or(OldestVersion));
        hello.client = reader.string("client"_L1, false);
        hello.since = reader.integer("since"_L1, false);
        hello.epoch = reader.string("epoch"_L1, false);
        hello.password = reader.string("password"_L1, false);
        if (const QJsonValue rooms = object.value("rooms"_L1); !rooms.isUndefined()) {
            if (!rooms.isObject())
                reader.fail("rooms"_L1, "an object of rooms"_L1);
            const QJsonObject positions = rooms.toObject();
            for (auto it = positions.begin(); it != positions.end(); ++it) {
                FieldReader positionReader(it.value().toObject());
                hello.rooms.append({ it.key(), positionReader.integer("since"_L1, false),
                                     positionReader.string("epoch"_L1, false) });
                if (!it.value().isObject() || !positionReader.problem().isEmpty())
                    reader.fail("rooms"_L1, "an object of {since, epoch} by room"_L1);
            }
        }
        return finish<Hello, ClientFrame>(std::move(hello), reader);
    }
    if (type == "say"_L1) {
        Say say;
        say.id = reader.string("id"_L1, false);
        say.text = reader.string("text"_L1);
        say.to = reader.string("to"_L1, false);
        say.room = roomOrLobby(reader);
        return finish<Say, ClientFrame>(std::move(say), reader, say.id);
    }
    if (type == "exit"_L1)
        return { Exit {}, std::nullopt };
    if (type == "search"_L1) {
        Search search;
        search.id = reader.string("id"_L1, false);
        search.query = reader.string("query"_L1);
        search.before = reader.integer("before"_L1, false);
        search.room = reader.string("room"_L1, false);
        return finish<Search, ClientFrame>(std::move(search), reader, search.id);
    }
    if (type == "history"_L1) {
        History history;
        history.id = reader.string("id"_L1, false);
        history.before = reader.integer("before"_L1).value_or(0);
        history.limit = reader.integer("limit"_L1, false).value_or(MaxResults);
        history.room = roomOrLobby(reader);
        return finish<History, ClientFrame>(std::move(history), reader, history.id);
    }
    if (type == "kick"_L1) {
        Kick kick;
        kick.id = reader.string("id"_L1, false);
        kick.nick = reader.string("nick"_L1);
        kick.reason = reader.string("reason"_L1, false);
        kick.room = reader.string("room"_L1, false);
        return finish<Kick, ClientFrame>(std::move(kick), reader, kick.id);
    }
    if (type == "join"_L1) {
        Join join;
        join.id = reader.string("id"_L1, false);
        join.room = reader.string("room"_L1);
        join.isPrivate = reader.boolean("private"_L1);
        return finish<Join, ClientFrame>(std::move(join), reader, join.id);
    }
    if (type == "part"_L1) {
        Part part;
        part.id = reader.string("id"_L1, false);
        part.room = reader.string("room"_L1);
        return finish<Part, ClientFrame>(std::move(part), reader, part.id);
    }
    if (type == "rooms"_L1) {
        ListRooms list;
        list.id = reader.string("id"_L1, false);
        list.filter = reader.string("filter"_L1, false);
        return finish<ListRooms, ClientFrame>(std::move(list), reader, list.id);
    }
    if (type == "topic"_L1) {
        SetTopic topic;
        topic.id = reader.string("id"_L1, false);
        topic.room = reader.string("room"_L1);
        topic.topic = reader.string("topic"_L1);
        return finish<SetTopic, ClientFrame>(std::move(topic), reader, topic.id);
    }
    if (type == "invite"_L1) {
        Invite invite;
        invite.id = reader.string("id"_L1, false);
        invite.room = reader.string("room"_L1);
        invite.nick = reader.string("nick"_L1);
        return finish<Invite, ClientFrame>(std::move(invite), reader, invite.id);
    }
    if (type == "read"_L1) {
        MarkRead read;
        read.room = reader.string("room"_L1);
        read.seq = reader.integer("seq"_L1).value_or(0);
        return finish<MarkRead, ClientFrame>(std::move(read), reader);
    }
    if (type == "nick"_L1) {
        ChangeNick change;
        change.id = reader.string("id"_L1, false);
        change.nick = reader.string("nick"_L1);
        change.password = reader.string("password"_L1, false);
        return finish<ChangeNick, ClientFrame>(std::move(change), reader, change.id);
    }
    if (type == "away"_L1) {
        SetAway away;
        away.id = reader.string("id"_L1, false);
        away.reason = reader.string("reason"_L1, false);
        return finish<SetAway, ClientFrame>(std::move(away), reader, away.id);
    }
    if (type == "ping"_L1)
        return finish<Ping, ClientFrame>(Ping { reader.string("token"_L1, false) }, reader);
    if (type == "pong"_L1)
        return finish<Pong, ClientFrame>(Pong { reader.string("token"_L1, false) }, reader);
    return { ClientFrame {},
             Error { ErrorCode::UnknownType, u"Unknown frame type \"%1\"."_s.arg(type),
                     object.value("id"_L1).toString() } };
}

Decoded<ServerFrame> decodeServerFrame(QByteArrayView line)
{
    QJsonObject object;
    QString type;
    if (const auto error = parseObject(line, &object, &type))
        return { ServerFrame {}, error };
    FieldReader reader(object);
    if (type == "message"_L1)
        return finish<Message, ServerFrame>(messageFromJson(reader), reader);
    if (type == "welcome"_L1) {
        Welcome welcome;
        welcome.nick = reader.string("nick"_L1);
        welcome.protocol = int(reader.integer("protocol"_L1).value_or(0));
        welcome.server = reader.string("server"_L1, false);
        if (object.contains("rooms"_L1)) {
            welcome.rooms = stringsFromJson(reader, "rooms"_L1);
            welcome.epoch = reader.string("epoch"_L1, false);
            if (object.contains("direct"_L1)) {
                for (const QJsonValue &entry : reader.array("direct"_L1)) {
                    FieldReader directReader(entry.toObject());
                    welcome.direct.append({ directReader.string("nick"_L1),
                                            directReader.integer("seq"_L1).value_or(0),
                                            directReader.integer("read"_L1, false).value_or(0) });
                    if (!entry.isObject() || !directReader.problem().isEmpty())
                        reader.fail("direct"_L1, "an array of direct conversations"_L1);
                }
            }
            welcome.usersListed = false;
            return finish<Welcome, ServerFrame>(std::move(welcome), reader);
        }
        readGreeting(reader, object, &welcome);
        return finish<Welcome, ServerFrame>(std::move(welcome), reader);
    }
    if (type == "room"_L1) {
        RoomState state;
        state.room = reader.string("room"_L1);
        state.topic = reader.string("topic"_L1, false);
        state.owner = reader.string("owner"_L1, false);
        state.isPrivate = reader.boolean("private"_L1);
        state.read = reader.integer("read"_L1, false).value_or(0);
        state.membersListed = object.contains("members"_L1);
        if (state.membersListed)
            state.members = stringsFromJson(reader, "members"_L1);
        state.memberCount = reader.integer("member_count"_L1, false).value_or(state.members.size());
        readGreeting(reader, object, &state);
        return finish<RoomState, ServerFrame>(std::move(state), reader);
    }
    if (type == "room_list"_L1) {
        RoomList list;
        list.id = reader.string("id"_L1, false);
        for (const QJsonValue &entry : reader.array("rooms"_L1)) {
            FieldReader roomReader(entry.toObject());
            RoomSummary summary;
            summary.room = roomReader.string("room"_L1);
            summary.topic = roomReader.string("topic"_L1, false);
            summary.members = roomReader.integer("members"_L1, false).value_or(0);
            summary.isPrivate = roomReader.boolean("private"_L1);
            if (!entry.isObject() || !roomReader.problem().isEmpty())
                reader.fail("rooms"_L1, "an array of rooms"_L1);
            list.rooms.append(summary);
        }
        return finish<RoomList, ServerFrame>(std::move(list), reader);
    }
    if (type == "topic"_L1) {
        TopicChanged topic;
        topic.room = reader.string("room"_L1);
        topic.topic = reader.string("topic"_L1, false);
        topic.by = reader.string("by"_L1, false);
        topic.timestamp = reader.integer("ts"_L1, false).value_or(0);
        return finish<TopicChanged, ServerFrame>(std::move(topic), reader);
    }
    if (type == "invited"_L1) {
        Invited invited;
        invited.room = reader.string("room"_L1);
        invited.nick = reader.string("nick"_L1, false);
        invited.by = reader.string("by"_L1, false);
        return finish<Invited, ServerFrame>(std::move(invited), reader);
    }
    if (type == "renamed"_L1) {
        Renamed renamed;
        renamed.from = reader.string("from"_L1);
        renamed.to = reader.string("to"_L1);
        renamed.timestamp = reader.integer("ts"_L1, false).value_or(0);
        renamed.text = reader.string("text"_L1, false);
        renamed.id = reader.string("id"_L1, false);
        return finish<Renamed, ServerFrame>(std::move(renamed), reader);
    }
    if (type == "away"_L1) {
        AwayChanged away;
        away.nick = reader.string("nick"_L1);
        away.reason = reader.string("reason"_L1, false);
        away.id = reader.string("id"_L1, false);
        return finish<AwayChanged, ServerFrame>(std::move(away), reader);
    }
    if (type == "ack"_L1) {
        Ack ack;
        ack.id = reader.string("id"_L1);
        ack.seq = reader.integer("seq"_L1).value_or(0);
        ack.timestamp = reader.integer("ts"_L1).value_or(0);
        ack.room = roomOrLobby(reader);
        return finish<Ack, ServerFrame>(std::move(ack), reader);
    }
    if (type == "joined"_L1)
        return finish<Joined, ServerFrame>(joinedFromJson(reader), reader);
    if (type == "left"_L1)
        return finish<Left, ServerFrame>(leftFromJson(reader), reader);
    if (type == "presence"_L1) {
        Presence presence;
        presence.online = reader.integer("online"_L1).value_or(0);
        if (object.contains("users"_L1))
            presence.users = stringsFromJson(reader, "users"_L1);
        presence.room = roomOrLobby(reader);
        return finish<Presence, ServerFrame>(std::move(presence), reader);
    }
    if (type == "notices"_L1) {
        Notices notices;
        for (const QJsonValue &entry : reader.array("notices"_L1)) {
            const QJsonObject object = entry.toObject();
            FieldReader noticeReader(object);
            const QJsonValue noticeType = object.value("type"_L1);
            if (noticeType == "joined"_L1)
                notices.notices.append(joinedFromJson(noticeReader));
            else if (noticeType == "left"_L1)
                notices.notices.append(leftFromJson(noticeReader));
            else
                noticeReader.fail("type"_L1, "joined or left"_L1);
            if (!noticeReader.problem().isEmpty())
                reader.fail("notices"_L1, "an array of joined and left notices"_L1);
        }
        return finish<Notices, ServerFrame>(std::move(notices), reader);
    }
    if (type == "error"_L1) {
        Error error;
        const auto code = errorCodeFromName(reader.string("code"_L1));
        if (!code)
            reader.fail("code"_L1, "a known error code"_L1);
        error.code = code.value_or(ErrorCode::BadFrame);
        error.text = reader.string("text"_L1, false);
        error.id = reader.string("id"_L1, false);
        return finish<Error, ServerFrame>(std::move(error), reader);
    }
    if (type == "results"_L1) {
        Results results;
        results.id = reader.string("id"_L1, false);
        results.messages = messagesFromJson(reader, "messages"_L1);
        return finish<Results, ServerFrame>(std::move(results), reader);
    }
    if (type == "shutdown"_L1)
        return finish<Shutdown, ServerFrame>(Shutdown { reader.string("text"_L1, false) }, reader);
    if (type == "ping"_L1)
        return finish<Ping, ServerFrame>(Ping { reader.string("token"_L1, false) }, reader);
    if (type == "pong"_L1)
        return finish<Pong, ServerFrame>(Pong { reader.string("token"_L1, false) }, reader);
    return { ServerFrame {},
             Error { ErrorCode::UnknownType, u"Unknown frame type \"%1\"."_s.arg(type), {} } };
}

QByteArray encode(const ClientFrame &frame)
{
    return toLine(std::visit(Encoder {}, frame));
}

QByteArray encode(const ServerFrame &frame)
{
    return toLine(std::visit(Encoder {}, frame));
}

namespace {

// A greeting (welcome or room frame) with its user list and history spliced in already
// encoded: `Greeting` is encoded without them, then they are appended.
template<typename Greeting>
QByteArray encodeGreeting(Greeting greeting, const QByteArray &usersJson,
                          const QByteArray &historyJson)
{
    if (!historyJson.isEmpty())
        greeting.history.clear();
    QJsonObject object = Encoder {}(greeting);
    if (!usersJson.isEmpty())
        object.remove("users"_L1);
    if (!historyJson.isEmpty())
        object.remove("history"_L1);
    QByteArray line = toLine(object);
    Q_ASSERT(line.endsWith("}\n"));
    line.chop(2);
    if (!usersJson.isEmpty())
        line += ",\"users\":" + usersJson;
    if (!historyJson.isEmpty())
        line += ",\"history\":" + historyJson;
    line += "}\n";
    return line;
}

} // namespace

QByteArray encodeWelcome(const Welcome &welcome, const QByteArray &usersJson,
                         const QByteArray &historyJson)
{
    return encodeGreeting(welcome, usersJson, historyJson);
}

QByteArray encodeRoomState(const RoomState &state, const QByteArray &usersJson,
                           const QByteArray &historyJson)
{
    return encodeGreeting(state, usersJson, historyJson);
}

QByteArray encodeNicks(const QStringList &nicks)
{
    return QJsonDocument(QJsonArray::fromStringList(nicks)).toJson(QJsonDocument::Compact);
}

} // namespace Protocol
