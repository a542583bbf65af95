#include "protocol.h"

#include "nickskeleton.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

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
};

constexpr std::array leaveReasonNames = {
    std::pair { LeaveReason::Exit, "exit" },     std::pair { LeaveReason::Lost, "lost" },
    std::pair { LeaveReason::Timeout, "timeout" }, std::pair { LeaveReason::Slow, "slow" },
    std::pair { LeaveReason::Flood, "flood" },
    std::pair { LeaveReason::Kicked, "kicked" },
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
        if (!value.isString())
            fail(key, "a string"_L1);
        return value.toString();
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

Message messageFromJson(FieldReader &reader)
{
    Message message;
    message.seq = reader.integer("seq"_L1).value_or(0);
    message.timestamp = reader.integer("ts"_L1).value_or(0);
    message.from = reader.string("from"_L1);
    message.to = reader.string("to"_L1, false);
    message.text = reader.string("text"_L1);
    message.id = reader.string("id"_L1, false);
    return message;
}

Joined joinedFromJson(FieldReader &reader)
{
    Joined joined;
    joined.nick = reader.string("nick"_L1);
    joined.timestamp = reader.integer("ts"_L1).value_or(0);
    joined.text = reader.string("text"_L1, false);
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
        return object;
    }
    QJsonObject operator()(const History &history) const
    {
        QJsonObject object = typed("history"_L1);
        object.insert("before"_L1, history.before);
        object.insert("limit"_L1, history.limit);
        if (!history.id.isEmpty())
            object.insert("id"_L1, history.id);
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
        if (welcome.usersListed)
            object.insert("users"_L1, QJsonArray::fromStringList(welcome.users));
        object.insert("online"_L1, welcome.online);
        object.insert("seq"_L1, welcome.seq);
        if (!welcome.epoch.isEmpty())
            object.insert("epoch"_L1, welcome.epoch);
        QJsonArray history;
        for (const Message &message : welcome.history)
            history.append(toJson(message));
        object.insert("history"_L1, history);
        if (welcome.historyTruncated)
            object.insert("history_truncated"_L1, true);
        if (welcome.historyReset)
            object.insert("history_reset"_L1, true);
        return object;
    }
    QJsonObject operator()(const Ack &ack) const
    {
        QJsonObject object = typed("ack"_L1);
        object.insert("id"_L1, ack.id);
        object.insert("seq"_L1, ack.seq);
        object.insert("ts"_L1, ack.timestamp);
        return object;
    }
    QJsonObject operator()(const Joined &joined) const
    {
        QJsonObject object = typed("joined"_L1);
        object.insert("nick"_L1, joined.nick);
        object.insert("ts"_L1, joined.timestamp);
        object.insert("text"_L1, joined.text);
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
        hello.protocol = int(reader.integer("protocol"_L1, false).value_or(Version));
        hello.client = reader.string("client"_L1, false);
        hello.since = reader.integer("since"_L1, false);
        hello.epoch = reader.string("epoch"_L1, false);
        hello.password = reader.string("password"_L1, false);
        return finish<Hello, ClientFrame>(std::move(hello), reader);
    }
    if (type == "say"_L1) {
        Say say;
        say.id = reader.string("id"_L1, false);
        say.text = reader.string("text"_L1);
        say.to = reader.string("to"_L1, false);
        return finish<Say, ClientFrame>(std::move(say), reader, say.id);
    }
    if (type == "exit"_L1)
        return { Exit {}, std::nullopt };
    if (type == "search"_L1) {
        Search search;
        search.id = reader.string("id"_L1, false);
        search.query = reader.string("query"_L1);
        search.before = reader.integer("before"_L1, false);
        return finish<Search, ClientFrame>(std::move(search), reader, search.id);
    }
    if (type == "history"_L1) {
        History history;
        history.id = reader.string("id"_L1, false);
        history.before = reader.integer("before"_L1).value_or(0);
        history.limit = reader.integer("limit"_L1, false).value_or(MaxResults);
        return finish<History, ClientFrame>(std::move(history), reader, history.id);
    }
    if (type == "kick"_L1) {
        Kick kick;
        kick.id = reader.string("id"_L1, false);
        kick.nick = reader.string("nick"_L1);
        kick.reason = reader.string("reason"_L1, false);
        return finish<Kick, ClientFrame>(std::move(kick), reader, kick.id);
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
        welcome.usersListed = object.contains("users"_L1);
        if (welcome.usersListed)
            welcome.users = stringsFromJson(reader, "users"_L1);
        welcome.online = reader.integer("online"_L1, false).value_or(welcome.users.size());
        welcome.seq = reader.integer("seq"_L1).value_or(0);
        welcome.history = messagesFromJson(reader, "history"_L1);
        welcome.epoch = reader.string("epoch"_L1, false);
        welcome.historyTruncated = reader.boolean("history_truncated"_L1);
        welcome.historyReset = reader.boolean("history_reset"_L1);
        return finish<Welcome, ServerFrame>(std::move(welcome), reader);
    }
    if (type == "ack"_L1) {
        Ack ack;
        ack.id = reader.string("id"_L1);
        ack.seq = reader.integer("seq"_L1).value_or(0);
        ack.timestamp = reader.integer("ts"_L1).value_or(0);
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

QByteArray encodeWelcome(const Welcome &welcome, const QByteArray &usersJson,
                         const QByteArray &historyJson)
{
    Welcome rest = welcome;
    if (!historyJson.isEmpty())
        rest.history.clear();
    QJsonObject object = Encoder {}(rest);
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

QByteArray encodeNicks(const QStringList &nicks)
{
    return QJsonDocument(QJsonArray::fromStringList(nicks)).toJson(QJsonDocument::Compact);
}

} // namespace Protocol
