// SPDX-License-Identifier: BSD-3-Clause
#include "ircface.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace IrcFace {

namespace {

// A line break inside a parameter would end the line and start a command of the peer's choosing.
QString oneLine(const QString &text)
{
    QString result = text;
    result.replace(u'\r', u' ').replace(u'\n', u' ').remove(QChar(0));
    return result;
}

QString source(const QString &nick)
{
    return u":%1!%1@%2"_s.arg(nick, ServerName);
}

QByteArray line(const QString &text)
{
    return text.toUtf8() + "\r\n";
}

// Text cut into pieces that fit after `head` within an IRC line, never inside a character,
// at a space where there is one: a long message arrives whole, in several lines.
QStringList fitted(const QString &head, const QString &text)
{
    const qsizetype room = MaxBodyBytes - 2 - head.toUtf8().size();
    QStringList pieces;
    for (const QString &paragraph : text.split(u'\n')) {
        QString rest = paragraph;
        rest.remove(u'\r').remove(QChar(0));
        if (rest.isEmpty())
            continue;
        while (!rest.isEmpty()) {
            qsizetype bytes = 0;
            qsizetype end = 0;
            qsizetype lastSpace = -1;
            while (end < rest.size()) {
                const qsizetype width = rest.at(end).isHighSurrogate() && end + 1 < rest.size() ? 2
                                                                                                : 1;
                const qsizetype size = rest.mid(end, width).toUtf8().size();
                if (bytes + size > room)
                    break;
                if (rest.at(end) == u' ')
                    lastSpace = end;
                bytes += size;
                end += width;
            }
            if (end < rest.size() && lastSpace > 0)
                end = lastSpace + 1;
            pieces.append(rest.left(end));
            rest = rest.mid(end);
        }
    }
    return pieces;
}

// IRCv3 tag values escape what would end the tag, the tags or the line.
QString escapedTagValue(const QString &value)
{
    QString result;
    result.reserve(value.size());
    for (const QChar c : value) {
        switch (c.unicode()) {
        case u';':
            result += u"\\:"_s;
            break;
        case u' ':
            result += u"\\s"_s;
            break;
        case u'\\':
            result += u"\\\\"_s;
            break;
        case u'\r':
            result += u"\\r"_s;
            break;
        case u'\n':
            result += u"\\n"_s;
            break;
        case 0:
            break;
        default:
            result += c;
        }
    }
    return result;
}

QString unescapedTagValue(QStringView value)
{
    QString result;
    result.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value.at(i) != u'\\') {
            result += value.at(i);
            continue;
        }
        if (++i == value.size())
            break; // a lone trailing backslash is dropped
        switch (value.at(i).unicode()) {
        case u':':
            result += u';';
            break;
        case u's':
            result += u' ';
            break;
        case u'r':
            result += u'\r';
            break;
        case u'n':
            result += u'\n';
            break;
        default:
            result += value.at(i); // "\\" and any other escaped character stand for themselves
        }
    }
    return result;
}

// `line` (one line, CR LF included) with `tag` first among its tags.
QByteArray withTag(const QByteArray &line, const QByteArray &tag)
{
    if (line.startsWith('@'))
        return '@' + tag + ';' + line.mid(1);
    return '@' + tag + ' ' + line;
}

QString timeTag(qint64 timestamp)
{
    return u"time="_s
            + QDateTime::fromMSecsSinceEpoch(timestamp, Qt::UTC).toString(Qt::ISODateWithMs);
}

// One message, in as many lines as it takes; with tags, the first line's msgid is the seq and
// the lines after it are seq.2, seq.3…, so that every line has an id of its own.
QByteArray message(const QString &from, const QString &target, const QString &text,
                   const Protocol::Message *tagged, const QString &batch = {})
{
    const QString head = u"%1 PRIVMSG %2 :"_s.arg(source(from), target);
    const QString seq = tagged ? QString::number(tagged->seq) : QString();
    QByteArray lines;
    int part = 0;
    for (const QString &piece : fitted(head, text)) {
        ++part;
        if (tagged) {
            const QString msgid = part == 1 ? seq : u"%1.%2"_s.arg(seq).arg(part);
            const QString batchTag = batch.isEmpty() ? QString() : u"batch="_s + batch + u';';
            lines += line(u'@' + batchTag + timeTag(tagged->timestamp) + u";msgid="_s + msgid + u' '
                          + head + piece);
        } else {
            lines += line(head + piece);
        }
    }
    return lines;
}

struct Formatter
{
    const QString &me;
    const QString &command;
    const QString &target;
    bool tagged;

    // A tagged line starts with its time.
    QString at(qint64 timestamp) const
    {
        return tagged ? u'@' + timeTag(timestamp) + u' ' : QString();
    }

    QByteArray operator()(const Protocol::Welcome &frame) const
    {
        return welcome(me, frame.online);
    }
    QByteArray operator()(const Protocol::Message &frame) const
    {
        return message(frame.from, frame.isDirect() ? frame.to : channelOf(frame.room), frame.text,
                       tagged ? &frame : nullptr);
    }
    QByteArray operator()(const Protocol::Joined &frame) const
    {
        return line(at(frame.timestamp)
                    + u"%1 JOIN %2"_s.arg(source(frame.nick), channelOf(frame.room)));
    }
    QByteArray operator()(const Protocol::Left &frame) const
    {
        using Protocol::LeaveReason;
        const QString channel = channelOf(frame.room);
        const QString time = at(frame.timestamp);
        if (frame.reason == LeaveReason::Part)
            return line(
                    time
                    + u"%1 PART %2 :%3"_s.arg(source(frame.nick), channel, oneLine(frame.text)));
        if (frame.reason == LeaveReason::Kicked && !frame.by.isEmpty()) {
            return line(time
                        + u"%1 KICK %2 %3 :%4"_s.arg(
                                source(frame.by), channel, frame.nick,
                                oneLine(frame.comment.isEmpty() ? frame.text : frame.comment)));
        }
        // The chatroom's own sentences ("bb has left the chat.") as the quit message.
        return line(time + u"%1 QUIT :%2"_s.arg(source(frame.nick), oneLine(frame.text)));
    }
    QByteArray operator()(const Protocol::Notices &frame) const
    {
        QByteArray lines;
        for (const auto &notice : frame.notices)
            lines += std::visit(*this, notice);
        return lines;
    }
    QByteArray operator()(const Protocol::RoomState &frame) const
    {
        const QString channel = channelOf(frame.room);
        QByteArray lines = line(u"%1 JOIN %2"_s.arg(source(me), channel));
        if (!frame.topic.isEmpty())
            lines += numeric(332, me, { channel }, oneLine(frame.topic));
        // A room past the announce limit lists nobody: only the member itself.
        lines += names(me, frame.room, frame.usersListed ? frame.users : QStringList { me },
                       frame.owner, frame.isPrivate);
        return lines;
    }
    QByteArray operator()(const Protocol::RoomList &frame) const
    {
        QByteArray lines = numeric(321, me, { u"Channel"_s }, u"Users  Name"_s);
        for (const Protocol::RoomSummary &room : frame.rooms) {
            lines += numeric(322, me, { channelOf(room.room), QString::number(room.members) },
                             oneLine(room.topic));
        }
        return lines + numeric(323, me, {}, u"End of /LIST"_s);
    }
    QByteArray operator()(const Protocol::TopicChanged &frame) const
    {
        return line(at(frame.timestamp)
                    + u"%1 TOPIC %2 :%3"_s.arg(source(frame.by), channelOf(frame.room),
                                               oneLine(frame.topic)));
    }
    QByteArray operator()(const Protocol::Invited &frame) const
    {
        if (Protocol::nickKey(frame.nick) == Protocol::nickKey(me))
            return line(u"%1 INVITE %2 %3"_s.arg(source(frame.by), me, channelOf(frame.room)));
        return numeric(341, me, { frame.nick, channelOf(frame.room) }, {});
    }
    QByteArray operator()(const Protocol::Renamed &frame) const
    {
        return line(at(frame.timestamp) + u"%1 NICK :%2"_s.arg(source(frame.from), frame.to));
    }
    // IRCv3 away-notify; the member's own AWAY is answered with 305/306 instead.
    QByteArray operator()(const Protocol::AwayChanged &frame) const
    {
        if (!frame.isAway())
            return line(u"%1 AWAY"_s.arg(source(frame.nick)));
        return line(u"%1 AWAY :%2"_s.arg(source(frame.nick), oneLine(frame.reason)));
    }
    QByteArray operator()(const Protocol::Error &frame) const { return error(frame); }
    QByteArray operator()(const Protocol::Shutdown &frame) const
    {
        return line(u"ERROR :"_s + oneLine(frame.text));
    }
    QByteArray operator()(const Protocol::Ping &frame) const
    {
        return line(u"PING :"_s + oneLine(frame.token));
    }
    QByteArray operator()(const Protocol::Pong &frame) const
    {
        return line(u":%1 PONG %1 :%2"_s.arg(ServerName, oneLine(frame.token)));
    }
    // Acks, counts and history answers have no IRC form: an IRC client sees its own message
    // as sent, counts on NAMES, and has no history requests yet.
    QByteArray operator()(const Protocol::Ack &) const { return {}; }
    QByteArray operator()(const Protocol::Presence &) const { return {}; }
    QByteArray operator()(const Protocol::Results &) const { return {}; }

    QByteArray error(const Protocol::Error &frame) const
    {
        const QString text = oneLine(frame.text);
        const QString who = me.isEmpty() ? u"*"_s : me;
        switch (frame.code) {
        case ErrorCode::NickTaken:
            return numeric(433, who, { target }, text);
        case ErrorCode::NickInvalid:
            return numeric(432, who, { target }, text);
        case ErrorCode::NotRegistered:
            return numeric(451, who, {}, u"You have not registered"_s);
        case ErrorCode::NoSuchUser:
            return numeric(401, who, { target }, text);
        case ErrorCode::NoSuchRoom:
            return numeric(403, who, { target }, text);
        case ErrorCode::NotAMember:
            return numeric(442, who, { target }, text);
        case ErrorCode::NotInvited:
            return numeric(473, who, { target }, text);
        case ErrorCode::TooManyRooms:
            return numeric(405, who, { target }, text);
        case ErrorCode::RoomInvalid:
            return numeric(479, who, { target }, text);
        case ErrorCode::Forbidden:
            return target.startsWith(u'#') ? numeric(482, who, { target }, text)
                                           : numeric(481, who, {}, text);
        case ErrorCode::AuthRequired:
        case ErrorCode::AuthFailed:
            // A registered nick refused to a NICK change: the connection stays, so not 464.
            if (command == u"NICK" && who != u"*")
                return numeric(433, who, { target }, text);
            return numeric(464, who, {}, text);
        case ErrorCode::Banned:
            return numeric(465, who, {}, text);
        case ErrorCode::UnknownType:
            return numeric(421, who, { command }, text);
        case ErrorCode::Kicked:
        case ErrorCode::ServerFull:
        case ErrorCode::TooManyConnections:
        case ErrorCode::Timeout:
        case ErrorCode::TlsRequired:
        case ErrorCode::TooLong:
            return line(u"ERROR :"_s + text);
        case ErrorCode::BadFrame:
        case ErrorCode::TextTooLong:
        case ErrorCode::RateLimited:
        case ErrorCode::StoreFailed:
        case ErrorCode::UnsupportedProtocol:
            break;
        }
        return notice(who, text);
    }
};

} // namespace

std::optional<Command> parse(const QString &text)
{
    QStringView rest(text);
    auto skipWord = [&rest] {
        const qsizetype space = rest.indexOf(u' ');
        rest = space < 0 ? QStringView() : rest.mid(space + 1);
    };
    auto skipSpaces = [&rest] {
        while (rest.startsWith(u' '))
            rest = rest.mid(1);
    };
    skipSpaces();
    Command command;
    if (rest.startsWith(u'@')) {
        // Of the client's tags only `label` means something here; the rest are skipped.
        const qsizetype space = rest.indexOf(u' ');
        const QStringView tags = rest.mid(1, space < 0 ? rest.size() - 1 : space - 1);
        for (const QStringView tag : tags.split(u';', Qt::SkipEmptyParts)) {
            const qsizetype equals = tag.indexOf(u'=');
            if (tag.left(equals < 0 ? tag.size() : equals) == u"label" && equals > 0)
                command.label = unescapedTagValue(tag.mid(equals + 1));
        }
        skipWord();
    }
    skipSpaces();
    if (rest.startsWith(u':'))
        skipWord();
    skipSpaces();
    if (rest.isEmpty())
        return std::nullopt;
    const qsizetype space = rest.indexOf(u' ');
    command.name = rest.left(space < 0 ? rest.size() : space).toString().toUpper();
    rest = space < 0 ? QStringView() : rest.mid(space + 1);
    for (;;) {
        skipSpaces();
        if (rest.isEmpty())
            break;
        if (rest.startsWith(u':')) {
            command.params.append(rest.mid(1).toString());
            break;
        }
        const qsizetype end = rest.indexOf(u' ');
        command.params.append(rest.left(end < 0 ? rest.size() : end).toString());
        if (end < 0)
            break;
        rest = rest.mid(end + 1);
    }
    return command;
}

bool isBodyTooLong(const QByteArray &bytes)
{
    qsizetype start = 0;
    if (bytes.startsWith('@')) {
        const qsizetype space = bytes.indexOf(' ');
        start = space < 0 ? bytes.size() : space + 1;
    }
    qsizetype end = bytes.size();
    if (end > start && bytes.at(end - 1) == '\r')
        --end;
    return end - start + 2 > MaxBodyBytes;
}

QString withoutFormatting(const QString &text)
{
    QString result;
    result.reserve(text.size());
    auto isHex = [](QChar c) {
        return c.isDigit() || (c.toLower() >= u'a' && c.toLower() <= u'f');
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == 0x02 || c == 0x1d || c == 0x1f || c == 0x1e || c == 0x11 || c == 0x16 || c == 0x0f)
            continue;
        if (c == 0x03 || c == 0x04) {
            // \x03 is followed by up to two digits of a colour, \x04 by six hex digits; either
            // with a comma and a background colour.
            const bool hex = c == 0x04;
            auto skipColour = [&] {
                qsizetype taken = 0;
                const qsizetype most = hex ? 6 : 2;
                while (taken < most && i + 1 < text.size()
                       && (hex ? isHex(text.at(i + 1)) : text.at(i + 1).isDigit())) {
                    ++i;
                    ++taken;
                }
                return taken > 0;
            };
            if (skipColour() && i + 2 < text.size() && text.at(i + 1) == u','
                && (hex ? isHex(text.at(i + 2)) : text.at(i + 2).isDigit())) {
                ++i;
                skipColour();
            }
            continue;
        }
        result.append(text.at(i));
    }
    return result;
}

QString channelOf(const QString &room)
{
    return u'#' + room;
}

QString roomOf(const QString &channel)
{
    return channel.startsWith(u'#') ? channel.mid(1) : QString();
}

QByteArray format(const Protocol::ServerFrame &frame, const QString &me, const QString &command,
                  const QString &target, Tags tags)
{
    return std::visit(Formatter { me, command, target, tags == Tags::On }, frame);
}

QByteArray historyMessage(const Protocol::Message &frame, const QString &batch)
{
    return message(frame.from, frame.isDirect() ? frame.to : channelOf(frame.room), frame.text,
                   &frame, batch);
}

QByteArray labeled(const QByteArray &lines, const QString &label, const QString &batch)
{
    const QByteArray labelTag = "label=" + escapedTagValue(label).toUtf8();
    QList<QByteArray> each = lines.split('\n');
    each.removeIf([](const QByteArray &piece) { return piece.trimmed().isEmpty(); });
    for (QByteArray &piece : each)
        piece += '\n';
    if (each.isEmpty())
        return withTag(line(u":%1 ACK"_s.arg(ServerName)), labelTag);
    if (each.size() == 1)
        return withTag(each.constFirst(), labelTag);
    // A reply that is one batch already (CHATHISTORY's) is labelled on its start.
    const QByteArray batchStart = ':' + ServerName.toUtf8() + " BATCH +";
    if (each.constFirst().startsWith(batchStart)) {
        const QByteArray reference = each.constFirst().mid(batchStart.size()).split(' ').value(0);
        const QByteArray end = ':' + ServerName.toUtf8() + " BATCH -" + reference + "\r\n";
        if (!reference.isEmpty() && each.constLast() == end) {
            each.first() = withTag(each.constFirst(), labelTag);
            return each.join();
        }
    }
    const QByteArray batchTag = "batch=" + batch.toUtf8();
    QByteArray result = withTag(line(u":%1 BATCH +%2 labeled-response"_s.arg(ServerName, batch)),
                                labelTag);
    for (const QByteArray &piece : std::as_const(each)) {
        // Lines of a batch inside this one stay in theirs.
        const QByteArray tags = piece.startsWith('@') ? piece.left(piece.indexOf(' '))
                                                      : QByteArray();
        const bool inBatch = tags.startsWith("@batch=") || tags.contains(";batch=");
        result += inBatch ? piece : withTag(piece, batchTag);
    }
    return result + line(u":%1 BATCH -%2"_s.arg(ServerName, batch));
}

QByteArray numeric(int code, const QString &me, const QStringList &params, const QString &trailing)
{
    QString text = u":%1 %2 %3"_s.arg(ServerName, QString::number(code).rightJustified(3, u'0'),
                                      me);
    for (const QString &param : params)
        text += u' ' + oneLine(param);
    text += u" :"_s + oneLine(trailing);
    return line(text);
}

QByteArray welcome(const QString &me, qsizetype online)
{
    const QString version = QStringLiteral("natter-server-" NATTER_VERSION);
    QByteArray lines = numeric(1, me, {}, u"Welcome to Natter, %1"_s.arg(me));
    lines += numeric(2, me, {}, u"Your host is %1, running %2"_s.arg(ServerName, version));
    lines += numeric(3, me, {}, u"This server speaks IRC as a face of Natter"_s);
    lines += line(u":%1 004 %2 %1 %3 i it"_s.arg(ServerName, me, version));
    // Nicks compare by their confusable skeleton, which is case-insensitive beyond ASCII.
    lines += numeric(5, me,
                     { u"CASEMAPPING=ascii"_s, u"CHANTYPES=#"_s,
                       u"NICKLEN=%1"_s.arg(Protocol::MaxNickLength),
                       u"CHANNELLEN=%1"_s.arg(Protocol::MaxRoomNameLength + 1),
                       u"TOPICLEN=%1"_s.arg(Protocol::MaxTopicLength),
                       u"AWAYLEN=%1"_s.arg(Protocol::MaxAwayLength), u"PREFIX=(o)@"_s,
                       u"CHANMODES=,,,it"_s, u"NETWORK=Natter"_s,
                       u"TARGMAX=PRIVMSG:1,NOTICE:1,JOIN:10,PART:10,NAMES:1,WHOIS:1"_s,
                       u"UTF8ONLY"_s, u"CHATHISTORY=%1"_s.arg(Protocol::MaxResults),
                       u"MSGREFTYPES=msgid,timestamp"_s },
                     u"are supported by this server"_s);
    lines += numeric(251, me, {}, u"There are %1 users on 1 server"_s.arg(online));
    lines += numeric(422, me, {}, u"MOTD File is missing"_s);
    return lines;
}

QByteArray names(const QString &me, const QString &room, const QStringList &nicks,
                 const QString &owner, bool isPrivate)
{
    const QString channel = channelOf(room);
    const QString head = u":%1 353 %2 %3 %4 :"_s.arg(ServerName, me, isPrivate ? u"*"_s : u"="_s,
                                                     channel);
    const QString ownerKey = owner.isEmpty() ? QString() : Protocol::nickKey(owner);
    QStringList shown;
    shown.reserve(nicks.size());
    for (const QString &nick : nicks)
        shown.append(!ownerKey.isEmpty() && Protocol::nickKey(nick) == ownerKey ? u'@' + nick
                                                                                : nick);
    QByteArray lines;
    for (const QString &piece : fitted(head, shown.join(u' ')))
        lines += line(head + piece.trimmed());
    return lines + numeric(366, me, { channel }, u"End of /NAMES list"_s);
}

QByteArray notice(const QString &me, const QString &text)
{
    return line(u":%1 NOTICE %2 :%3"_s.arg(ServerName, me.isEmpty() ? u"*"_s : me, oneLine(text)));
}

} // namespace IrcFace
