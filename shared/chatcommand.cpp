// SPDX-License-Identifier: BSD-3-Clause
#include "chatcommand.h"

using namespace Qt::StringLiterals;

namespace ChatCommand {

namespace {

// The word after the command and the rest after it, both trimmed.
std::pair<QString, QString> splitArguments(const QString &arguments)
{
    const QString trimmed = arguments.trimmed();
    const qsizetype space = trimmed.indexOf(u' ');
    if (space < 0)
        return { trimmed, {} };
    return { trimmed.left(space), trimmed.mid(space + 1).trimmed() };
}

} // namespace

Command parse(const QString &line)
{
    const QString trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (trimmed == "exit"_L1 || trimmed == "/quit"_L1)
        return { Kind::Quit, {}, {} };
    if (!trimmed.startsWith(u'/'))
        return { Kind::Say, {}, line };

    const qsizetype space = trimmed.indexOf(u' ');
    const QString word = space < 0 ? trimmed : trimmed.left(space);
    const QString arguments = space < 0 ? QString() : trimmed.mid(space + 1);
    if (word == "/msg"_L1) {
        const auto [nick, text] = splitArguments(arguments);
        if (nick.isEmpty() || text.isEmpty())
            return { Kind::Usage, {}, usage(Kind::DirectMessage) };
        return { Kind::DirectMessage, nick, text };
    }
    if (word == "/kick"_L1) {
        const auto [nick, reason] = splitArguments(arguments);
        if (nick.isEmpty())
            return { Kind::Usage, {}, usage(Kind::Kick) };
        return { Kind::Kick, nick, reason };
    }
    if (word == "/who"_L1)
        return { Kind::Who, {}, {} };
    const QString argument = arguments.trimmed();
    // "#dev" and "dev" name the same room, as in IRC clients.
    const QString room = argument.startsWith(u'#') ? argument.mid(1) : argument;
    if (word == "/join"_L1) {
        if (room.isEmpty() || room.contains(u' '))
            return { Kind::Usage, {}, usage(Kind::Join) };
        return { Kind::Join, {}, room };
    }
    if (word == "/part"_L1) {
        if (room.contains(u' '))
            return { Kind::Usage, {}, usage(Kind::Part) };
        return { Kind::Part, {}, room };
    }
    if (word == "/rooms"_L1 || word == "/list"_L1)
        return { Kind::Rooms, {}, argument };
    if (word == "/topic"_L1) {
        if (argument.isEmpty())
            return { Kind::Usage, {}, usage(Kind::Topic) };
        return { Kind::Topic, {}, argument };
    }
    if (word == "/invite"_L1) {
        if (argument.isEmpty() || argument.contains(u' '))
            return { Kind::Usage, {}, usage(Kind::Invite) };
        return { Kind::Invite, argument, {} };
    }
    if (word == "/nick"_L1) {
        const auto [nick, password] = splitArguments(arguments);
        if (nick.isEmpty() || password.contains(u' '))
            return { Kind::Usage, {}, usage(Kind::Nick) };
        return { Kind::Nick, nick, password };
    }
    if (word == "/away"_L1)
        return { Kind::Away, {}, argument };
    if (word == "/back"_L1)
        return { Kind::Away, {}, {} };
    if (word == "/help"_L1)
        return { Kind::Help, {}, {} };
    return { Kind::Unknown, {}, word };
}

QString usage(Kind kind)
{
    switch (kind) {
    case Kind::DirectMessage:
        return u"/msg NICK TEXT"_s;
    case Kind::Kick:
        return u"/kick NICK [REASON]"_s;
    case Kind::Join:
        return u"/join ROOM"_s;
    case Kind::Part:
        return u"/part [ROOM]"_s;
    case Kind::Topic:
        return u"/topic TEXT"_s;
    case Kind::Invite:
        return u"/invite NICK"_s;
    case Kind::Nick:
        return u"/nick NICK [PASSWORD]"_s;
    default:
        return {};
    }
}

} // namespace ChatCommand
