// SPDX-License-Identifier: BSD-3-Clause
#include "plaintextface.h"

#include "chatcommand.h"
#include "terminaltext.h"

using namespace Qt::StringLiterals;

namespace PlainTextFace {

namespace {

const QString commandList =
        u"Commands: /msg NICK TEXT, /who, /join ROOM, /part, /rooms [FILTER], /topic TEXT, "
        "/invite NICK, /nick NICK, /away [REASON], /kick NICK [REASON], /help, exit."_s;

// Every field a peer may have chosen goes through this before it reaches a terminal (see
// TerminalText): the server's own sentences around them hold no controls.
QString safe(const QString &text)
{
    return TerminalText::sanitized(text);
}

// Lines of rooms other than the lobby say where they are from: a terminal shows every room.
QString inRoom(const QString &room, const QString &line)
{
    if (room.isEmpty() || room == Protocol::Lobby) // rooms come named as created
        return line;
    return u"[#%1] %2"_s.arg(safe(room), line);
}

QString safeList(const QStringList &nicks)
{
    QStringList result;
    result.reserve(nicks.size());
    for (const QString &nick : nicks)
        result.append(safe(nick));
    return result.join(u", "_s);
}

struct Formatter
{
    QString operator()(const Protocol::Welcome &welcome) const
    {
        if (!welcome.usersListed) {
            return u"Welcome to Natter, %1! Online now: %2.\n"
                   "Type a line to chat. /msg NICK TEXT sends a direct message, exit leaves."_s
                           .arg(safe(welcome.nick))
                           .arg(welcome.online);
        }
        return u"Welcome to Natter, %1! Online now (%2): %3.\n"
               "Type a line to chat. /msg NICK TEXT sends a direct message, /who lists who is "
               "online, exit leaves."_s.arg(safe(welcome.nick))
                       .arg(welcome.users.size())
                       .arg(safeList(welcome.users));
    }
    QString operator()(const Protocol::Message &message) const
    {
        if (message.isDirect())
            return u"[direct] %1: %2"_s.arg(safe(message.from), safe(message.text));
        return inRoom(message.room, u"%1: %2"_s.arg(safe(message.from), safe(message.text)));
    }
    QString operator()(const Protocol::Joined &joined) const
    {
        return inRoom(joined.room, safe(joined.text));
    }
    QString operator()(const Protocol::Left &left) const
    {
        return inRoom(left.room, safe(left.text));
    }
    QString operator()(const Protocol::RoomState &state) const
    {
        QStringList lines;
        QString header = u"You are in #%1"_s.arg(safe(state.room));
        if (!state.topic.isEmpty())
            header += u" (topic: %1)"_s.arg(safe(state.topic));
        if (state.usersListed)
            header += u". Online now (%1): %2."_s.arg(state.users.size())
                              .arg(safeList(state.users));
        else
            header += u". Online now: %1."_s.arg(state.online);
        lines.append(header);
        for (const Protocol::Message &message : state.history)
            lines.append((*this)(message));
        lines.append(u"Lines you type now go to #%1."_s.arg(safe(state.room)));
        return lines.join(u'\n');
    }
    QString operator()(const Protocol::RoomList &list) const
    {
        QStringList rooms;
        for (const Protocol::RoomSummary &room : list.rooms) {
            QString entry = u"#%1 (%2)"_s.arg(safe(room.room)).arg(room.members);
            if (room.isPrivate)
                entry += u" private"_s;
            if (!room.topic.isEmpty())
                entry += u": "_s + safe(room.topic);
            rooms.append(entry);
        }
        if (rooms.isEmpty())
            return u"No rooms match."_s;
        return u"Rooms (%1):\n  "_s.arg(rooms.size()) + rooms.join(u"\n  "_s);
    }
    QString operator()(const Protocol::TopicChanged &topic) const
    {
        return u"[#%1] %2 set the topic: %3"_s.arg(safe(topic.room), safe(topic.by),
                                                   safe(topic.topic));
    }
    QString operator()(const Protocol::Invited &invited) const
    {
        return u"%1 invited %2 to #%3 (/join %3)."_s.arg(safe(invited.by), safe(invited.nick),
                                                         safe(invited.room));
    }
    QString operator()(const Protocol::Renamed &renamed) const { return safe(renamed.text); }
    QString operator()(const Protocol::AwayChanged &away) const
    {
        if (away.isAway())
            return u"%1 is away: %2"_s.arg(safe(away.nick), safe(away.reason));
        return u"%1 is back."_s.arg(safe(away.nick));
    }
    QString operator()(const Protocol::Error &error) const
    {
        return u"Error: "_s + safe(error.text);
    }
    QString operator()(const Protocol::Shutdown &shutdown) const { return safe(shutdown.text); }
    QString operator()(const Protocol::Ack &) const { return {}; }
    QString operator()(const Protocol::Ping &) const { return {}; }
    QString operator()(const Protocol::Pong &) const { return {}; }
    QString operator()(const Protocol::Results &) const { return {}; }
    QString operator()(const Protocol::Presence &presence) const
    {
        if (!presence.users)
            return inRoom(presence.room, u"Online now: %1."_s.arg(presence.online));
        return inRoom(
                presence.room,
                u"Online now (%1): %2."_s.arg(presence.online).arg(safeList(*presence.users)));
    }
    QString operator()(const Protocol::Notices &notices) const
    {
        QStringList lines;
        for (const auto &notice : notices.notices)
            lines.append(std::visit(*this, notice));
        return lines.join(u'\n');
    }
};

} // namespace

Input read(const QString &line)
{
    using ChatCommand::Kind;
    const ChatCommand::Command command = ChatCommand::parse(line);
    switch (command.kind) {
    case Kind::Empty:
    case Kind::Say:
        return Protocol::ClientFrame { Protocol::Say { command.text, {}, {} } };
    case Kind::DirectMessage:
        return Protocol::ClientFrame { Protocol::Say { command.text, {}, command.nick } };
    case Kind::Kick:
        return Protocol::ClientFrame { Protocol::Kick { command.nick, command.text, {}, {} } };
    case Kind::Join:
        return Protocol::ClientFrame { Protocol::Join { command.text, false, {} } };
    case Kind::Part:
        return Protocol::ClientFrame { Protocol::Part { command.text, {} } };
    case Kind::Rooms:
        return Protocol::ClientFrame { Protocol::ListRooms { command.text, {} } };
    case Kind::Topic:
        return Protocol::ClientFrame { Protocol::SetTopic { {}, command.text, {} } };
    case Kind::Invite:
        return Protocol::ClientFrame { Protocol::Invite { {}, command.nick, {} } };
    case Kind::Nick:
        return Protocol::ClientFrame { Protocol::ChangeNick { command.nick, command.text, {} } };
    case Kind::Away:
        return Protocol::ClientFrame { Protocol::SetAway { command.text, {} } };
    case Kind::Quit:
        return Protocol::ClientFrame { Protocol::Exit {} };
    case Kind::Who:
        return ListMembers {};
    case Kind::Help:
        return ShowHelp {};
    case Kind::Usage:
        return Refusal { Protocol::ErrorCode::BadFrame, u"Usage: "_s + command.text };
    case Kind::Unknown:
        break;
    }
    return Refusal { Protocol::ErrorCode::UnknownType,
                     u"Unknown command %1. %2"_s.arg(command.text, commandList) };
}

QByteArray format(const Protocol::ServerFrame &frame)
{
    const QString text = std::visit(Formatter {}, frame);
    if (text.isEmpty())
        return {};
    return text.toUtf8() + '\n';
}

QByteArray formatMembers(const QStringList &nicks, const QMap<QString, QString> &away)
{
    QStringList shown;
    shown.reserve(nicks.size());
    for (const QString &nick : nicks) {
        const auto reason = away.constFind(nick);
        shown.append(reason == away.cend()
                             ? safe(nick)
                             : u"%1 (away: %2)"_s.arg(safe(nick), safe(reason.value())));
    }
    return u"Online now (%1): %2.\n"_s.arg(nicks.size()).arg(shown.join(u", "_s)).toUtf8();
}

QByteArray helpText()
{
    return u"Type a line to chat. /msg NICK TEXT sends a direct message, /who lists who is "
           "online, /join ROOM joins (or creates) a room and types into it, /part leaves it, "
           "/rooms [FILTER] lists rooms, /topic TEXT sets its topic, /invite NICK invites, "
           "/nick NICK [PASSWORD] changes your nickname, /away [REASON] marks you away (and "
           "/away alone back), /kick NICK [REASON] removes someone (operators only), exit or "
           "/quit leaves."
           "\n"_s.toUtf8();
}

} // namespace PlainTextFace
