// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

// Natter's wire protocol, version 2 (docs/protocol.md is the reference). Version 1 clients
// speak the same frames without rooms: they are in the lobby.
//
// Grammar of the JSON Lines face: one UTF-8 JSON object per line, ended by "\n".
//   client: hello (first) -> { say | search | history | kick | ping | pong | join | part
//           | rooms | topic | invite | read | nick | away | exit }*
//   server: welcome -> room* (version 2: one per room the member is in) -> { message | ack
//           | results | joined | left | notices | presence | room | room_list | topic
//           | invited | renamed | away | error | ping | pong }* -> shutdown?
// Unknown fields are ignored so the protocol can grow; unknown types are errors.
namespace Protocol {

inline constexpr int Version = 2;
inline constexpr int OldestVersion = 1; // the oldest version this code still speaks
inline constexpr quint16 DefaultPort = 6789;
// Room for the longest text however it is spelled: 4,096 characters of 6-byte JSON escapes.
inline constexpr qsizetype DefaultMaxLineBytes = 32 * 1024;
inline constexpr qsizetype MaxTextLength = 4096; // characters (code points) of a message's text
inline constexpr qsizetype MaxNickLength = 32; // characters of a nickname
inline constexpr qsizetype MaxResults = 50; // messages in one results frame
inline constexpr qsizetype MaxSearchTerms = 16; // different words in one search
inline constexpr qsizetype MaxRoomNameLength = 50; // characters of a room's name
inline constexpr qsizetype MaxTopicLength = 500; // characters of a room's topic
inline constexpr qsizetype MaxAwayLength = 300; // characters of an away reason

enum class ErrorCode {
    BadFrame,
    TooLong,
    UnknownType,
    NotRegistered,
    NickTaken,
    NickInvalid,
    TextTooLong,
    NoSuchUser,
    RateLimited,
    ServerFull,
    TooManyConnections,
    Timeout,
    StoreFailed,
    AuthRequired,
    AuthFailed,
    Banned,
    TlsRequired,
    Forbidden,
    Kicked,
    UnsupportedProtocol,
    NoSuchRoom,
    RoomInvalid,
    NotInvited,
    NotAMember,
    TooManyRooms,
};
QString errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(const QString &name);

// Exit to Kicked end the member's presence (it is still a member of its rooms); Part ends its
// membership of one room, as does Kicked when it names a room.
enum class LeaveReason { Exit, Lost, Timeout, Slow, Flood, Kicked, Part };
QString leaveReasonName(LeaveReason reason);
std::optional<LeaveReason> leaveReasonFromName(const QString &name);

// The chatroom's own sentences, as the original chatroom printed them. The server sends them in
// the "text" field and logs them; the desktop client shows a translated version.
QString joinedText(const QString &nick);
QString leftText(const QString &nick, LeaveReason reason);
QString partedText(const QString &nick, const QString &room, LeaveReason reason);
QString renamedText(const QString &from, const QString &to);

// A text's length in characters as a person counts them: an emoji is one, not two UTF-16 units.
qsizetype textLength(QStringView text);
// True when nothing in the text would show: spaces, controls, zero-width and filler characters.
bool isBlankText(QStringView text);

// Nicknames: 1 to 32 letters, digits, '_' and '-', all letters (and non-ASCII digits) of one
// script (NickSkeleton::isSingleScript); unique by nickKey.
bool isValidNick(const QString &nick);
// What nicks are compared by, online and against accounts and operators: the confusable
// skeleton (NickSkeleton::skeleton), so "AA", "аа" (Cyrillic) and "ａａ" are all "aa".
QString nickKey(const QString &nick);
// The key the stores keep a nick's messages under (its history, direct messages and client
// ids): only case-folded, as before skeletons, so stored rows keep their owner, and a
// lookalike that joins while the nick is away does not read its direct messages.
QString storedNickKey(const QString &nick);

// Rooms: 1 to 50 letters (of one script, as nicks), digits, '_', '-' and '.'; unique by their
// confusable skeleton, as nicks are. The server starts with Lobby, where every client without
// rooms is.
inline const QString Lobby = QStringLiteral("lobby");
bool isValidRoomName(const QString &name);
QString roomKey(const QString &name);
// "@bb" in history and search names the direct conversation with bb (no room has an '@').
inline constexpr QChar DirectPrefix = u'@';
// The other nick of a direct conversation's name, or empty when it names none.
QString directPeer(const QString &name);

// Frames sent by clients.
struct Hello
{
    QString nick;
    int protocol = Version;
    QString client;
    std::optional<qint64> since; // the last message number this client saw
    // A registered nick's password, or the server's shared password; never logged.
    QString password;
    // The server numbering `since` belongs to (the welcome's epoch); empty from older clients.
    QString epoch;
    // Version 2: where the client stands in each room it knows, instead of since/epoch.
    struct Position
    {
        QString room;
        std::optional<qint64> since;
        QString epoch;
    };
    QList<Position> rooms;
};
struct Say
{
    QString text;
    QString id; // chosen by the client, echoed in ack and error
    QString to; // empty: to everyone
    QString room; // empty: the lobby
};
struct Exit
{
};
struct Search
{
    QString query;
    QString id;
    std::optional<qint64> before; // only messages numbered below this
    QString room; // empty: every room the member is in
};
struct History
{
    qint64 before = 0; // messages numbered below this, newest first
    qint64 limit = 50;
    QString id;
    QString room; // empty: the lobby
};
// Without a room, an operator removes a member from the server; with one, the room's owner (or
// an operator) ends the member's membership of it.
struct Kick
{
    QString nick;
    QString reason;
    QString id;
    QString room;
};
// Joins a room, creating it (public, or private with isPrivate) when there is none.
struct Join
{
    QString room;
    bool isPrivate = false;
    QString id;
};
struct Part
{
    QString room;
    QString id;
};
// Lists the rooms whose name or topic contains `filter` (ignoring case).
struct ListRooms
{
    QString filter;
    QString id;
};
struct SetTopic
{
    QString room;
    QString topic;
    QString id;
};
struct Invite
{
    QString room;
    QString nick;
    QString id;
};
// The newest message number the member has read in a room.
struct MarkRead
{
    QString room;
    qint64 seq = 0;
};
// Changes the session's nick without reconnecting; `password` for a registered nick.
struct ChangeNick
{
    QString nick;
    QString password; // never logged
    QString id;
};
// Marks the member away with a reason; an empty reason marks it back.
struct SetAway
{
    QString reason;
    QString id;
};
struct Ping
{
    QString token;
};
struct Pong
{
    QString token;
};

// Frames sent by the server.
struct Message
{
    qint64 seq = 0;
    qint64 timestamp = 0; // milliseconds since the Unix epoch
    QString from;
    QString to; // empty: a broadcast
    QString text;
    QString id; // the sender's client id; only ever sent back to the sender itself
    QString room = Lobby;
    bool isDirect() const { return !to.isEmpty(); }
};
struct Welcome
{
    QString nick;
    int protocol = Version;
    QString server;
    QStringList users;
    // A room past the server's --announce-limit sends only how many are online: listing them
    // to every newcomer (and every arrival to everyone) would cost the square of its size.
    bool usersListed = true;
    qint64 online = 0;
    qint64 seq = 0; // the newest message number
    // Names the numbering: chosen when it starts (a new store, or every start without one).
    // Message numbers from another epoch mean nothing here.
    QString epoch;
    QList<Message> history;
    bool historyTruncated = false;
    // The hello's `since` was from another epoch (or from the future): it was ignored, the
    // history is the newest, and the client must forget the numbers it had.
    bool historyReset = false;
    // Who of `users` is away, with the reason (listed only with `users`).
    QMap<QString, QString> away;
    // Version 2: the rooms the member is in, each described by a room frame that follows.
    QStringList rooms;
    // Version 2: the member's direct conversations, newest first ("@nick" in history, search
    // and read).
    struct Direct
    {
        QString nick;
        qint64 seq = 0; // the newest message of the conversation
        qint64 read = 0; // the newest the member has read
    };
    QList<Direct> direct;
};
// Version 2: one room as a member sees it, after the welcome and in answer to join. The same
// fields as a version-1 welcome describe its lobby.
struct RoomState
{
    QString room;
    QString topic;
    QString owner;
    bool isPrivate = false;
    qint64 read = 0; // the newest number this member has read here
    QStringList members; // everyone who is a member, online or not (unless the room is large)
    bool membersListed = true;
    QStringList users; // who is online
    bool usersListed = true;
    QMap<QString, QString> away; // who of `users` is away, with the reason
    qint64 online = 0;
    qint64 memberCount = 0;
    qint64 seq = 0;
    QString epoch;
    QList<Message> history;
    bool historyTruncated = false;
    bool historyReset = false;
};
struct RoomSummary
{
    QString room;
    QString topic;
    qint64 members = 0;
    bool isPrivate = false;
};
struct RoomList
{
    QString id;
    QList<RoomSummary> rooms;
};
struct TopicChanged
{
    QString room;
    QString topic;
    QString by;
    qint64 timestamp = 0;
};
// Sent to the invited member (if online) and, as the answer, to the one who invited.
struct Invited
{
    QString room;
    QString nick;
    QString by;
};
// A member changed its nick; to the member itself it is the answer (with the request's id).
struct Renamed
{
    QString from;
    QString to;
    qint64 timestamp = 0;
    QString text;
    QString id;
};
// A member went away (with a reason) or came back (no reason); the answer to away as well.
struct AwayChanged
{
    QString nick;
    QString reason;
    QString id;
    bool isAway() const { return !reason.isEmpty(); }
};
struct Ack
{
    QString id;
    qint64 seq = 0;
    qint64 timestamp = 0;
    QString room = Lobby;
};
struct Joined
{
    QString nick;
    qint64 timestamp = 0;
    QString text;
    QString room = Lobby;
};
struct Left
{
    QString nick;
    LeaveReason reason = LeaveReason::Exit;
    qint64 timestamp = 0;
    QString text;
    QString by; // the operator, for "kicked"
    QString comment; // the operator's reason, if any
    QString room = Lobby;
};
struct Error
{
    ErrorCode code = ErrorCode::BadFrame;
    QString text;
    QString id;
};
struct Shutdown
{
    QString text;
};
// Several join and leave notices at once, in order (a reconnect storm brings hundreds).
struct Notices
{
    QList<std::variant<Joined, Left>> notices;
};
// How many are online, for a room too large to announce each arrival; with `users` when the
// room has become small enough to list again.
struct Presence
{
    qint64 online = 0;
    std::optional<QStringList> users;
    QString room = Lobby;
};
struct Results
{
    QString id; // the id of the search or history request
    QList<Message> messages; // oldest first
};

using ClientFrame = std::variant<Hello, Say, Exit, Ping, Pong, Search, History, Kick, Join, Part,
                                 ListRooms, SetTopic, Invite, MarkRead, ChangeNick, SetAway>;
using ServerFrame = std::variant<Welcome, Message, Ack, Joined, Left, Error, Shutdown, Ping, Pong,
                                 Results, Notices, Presence, RoomState, RoomList, TopicChanged,
                                 Invited, Renamed, AwayChanged>;

// A decoded line: either a frame or the error to answer it with.
template<typename Frame>
struct Decoded
{
    Frame frame;
    std::optional<Error> error;
    bool isValid() const { return !error.has_value(); }
};

Decoded<ClientFrame> decodeClientFrame(QByteArrayView line);
Decoded<ServerFrame> decodeServerFrame(QByteArrayView line);

// Each returns one complete line, "\n" included.
QByteArray encode(const ClientFrame &frame);
QByteArray encode(const ServerFrame &frame);
// A welcome whose user list and history are already encoded as JSON arrays (encodeNicks, and
// message frames without their line ends): a server with thousands online keeps the user list
// and appends to it, and keeps each recent message encoded, instead of encoding them for every
// join. An empty array argument is encoded here from `welcome`.
QByteArray encodeWelcome(const Welcome &welcome, const QByteArray &usersJson,
                         const QByteArray &historyJson = {});
QByteArray encodeNicks(const QStringList &nicks);
// The same for a room frame.
QByteArray encodeRoomState(const RoomState &state, const QByteArray &usersJson,
                           const QByteArray &historyJson = {});

QJsonObject toJson(const Message &message);

// Strict UTF-8: invalid sequences are reported instead of silently replaced.
std::optional<QString> decodeUtf8(QByteArrayView bytes);

} // namespace Protocol
