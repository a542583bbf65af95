// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <variant>

// The face natter-server shows to people at a terminal (nc, telnet, the original chatroom's
// client): what they type becomes the frames a JSON client would send, and what the server
// sends becomes lines of text. Everything the plain-text face means is here; the session only
// routes lines.
namespace PlainTextFace {

// A typed line the session answers itself, without the room.
struct ListMembers
{
};
struct ShowHelp
{
};
// A line that is not a valid command: answered with this error.
struct Refusal
{
    Protocol::ErrorCode code = Protocol::ErrorCode::BadFrame;
    QString text;
};
using Input = std::variant<Protocol::ClientFrame, ListMembers, ShowHelp, Refusal>;

// One line typed after the nickname (already valid UTF-8), as the shared ChatCommand parser
// reads it.
Input read(const QString &line);

// One server frame as the line(s) a terminal shows, "\n" included; empty when the frame means
// nothing to a person (an ack, a pong).
QByteArray format(const Protocol::ServerFrame &frame);
// Who is online, those away with their reason.
QByteArray formatMembers(const QStringList &nicks, const QMap<QString, QString> &away = {});
QByteArray helpText();

} // namespace PlainTextFace
