// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>

// What a person typed in the input line: a message, or one of the chat's commands. The window
// and the server's plain-text face both read input through this one parser, so the same line
// means the same thing (and gets the same usage hint) wherever it is typed.
//
//   exit | /quit            leave the chat
//   /msg NICK TEXT          a direct message
//   /who                    who is online
//   /join ROOM              join (or create) a room
//   /part [ROOM]            leave a room (the current one)
//   /rooms [FILTER]         list the server's rooms
//   /topic TEXT             set the current room's topic
//   /invite NICK            invite someone to the current room
//   /kick NICK [REASON]     an operator removes someone
//   /nick NICK [PASSWORD]   change nick (a registered one needs its password)
//   /away [REASON]          mark oneself away; without a reason, back
//   /help                   the list of commands
//   anything else           a message to everyone ("/..." with an unknown word is an error)
namespace ChatCommand {

enum class Kind {
    Empty,
    Say,
    DirectMessage,
    Who,
    Kick,
    Quit,
    Help,
    Join,
    Part,
    Rooms,
    Topic,
    Invite,
    Nick,
    Away,
    Usage,
    Unknown
};

struct Command
{
    Kind kind = Kind::Empty;
    QString nick; // DirectMessage, Kick and Invite: who it is for; Nick: the new nick
    // Say and DirectMessage: the text as typed; Kick: the reason; Join and Part: the room
    // (without '#'); Rooms: the filter; Topic: the topic; Nick: the password (if given); Away:
    // the reason (empty: back); Unknown: the command word; Usage: the command's usage line
    // (see usage()).
    QString text;
};

Command parse(const QString &line);

// "/msg NICK TEXT" and "/kick NICK [REASON]": the forms a Usage command reports.
QString usage(Kind kind);

} // namespace ChatCommand
