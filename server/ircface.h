// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

// The face natter-server shows to IRC clients (irssi, WeeChat, HexChat): rooms are channels
// (`#name`), direct conversations are private messages, and the chatroom's notices are JOIN,
// PART, KICK and QUIT. Everything the IRC face means is here (parsing client lines, writing
// server frames as IRC lines and numerics); the session only routes. RFC 1459/2812 as clients
// use them today.
namespace IrcFace {

inline const QString ServerName = QStringLiteral("natter");
// An IRC message's body (without tags) may hold 512 bytes, CR LF included.
inline constexpr qsizetype MaxBodyBytes = 512;

// One client line: `[@tags] [:prefix] COMMAND params... [:trailing]`.
struct Command
{
    QString name; // upper case
    QStringList params; // the trailing parameter last, as any other
    QString label; // the `label` tag (IRCv3 labeled-response), unescaped; empty if none
};
// Nothing for an empty line. `line` is valid UTF-8, without its CR LF.
std::optional<Command> parse(const QString &line);
// True when the line's body, its tags set aside, is over MaxBodyBytes.
bool isBodyTooLong(const QByteArray &line);
// Text from an IRC client without its formatting codes (bold, colours, reset…): Natter has no
// formatting, and the other faces would otherwise show the codes as control characters.
QString withoutFormatting(const QString &text);

QString channelOf(const QString &room);
// The room a channel names ("#dev" -> "dev"); empty when it names none.
QString roomOf(const QString &channel);

// What the server sends, as IRC lines ("\r\n" included). Frames that every IRC member sees
// alike (messages, joins, leaves, topics) need no `me`; the others (the welcome, a room's
// names, errors) are numerics addressed to `me`. `command` and `target` are what the client
// asked, for errors that name them. Empty when the frame means nothing to IRC (an ack).
// With Tags::On, messages, joins, leaves and topics carry IRCv3 tags: `time` (server-time)
// and, on messages, `msgid` (the message's seq).
enum class Tags { Off, On };
QByteArray format(const Protocol::ServerFrame &frame, const QString &me,
                  const QString &command = {}, const QString &target = {}, Tags tags = Tags::Off);
// A stored message as a chathistory batch's lines (tagged, and in batch `batch` if not empty).
QByteArray historyMessage(const Protocol::Message &message, const QString &batch);

// labeled-response: `lines` (a reply, complete lines) as one logical message carrying `label`:
// a single line tagged, several in a `labeled-response` batch named `batch` (or, when the
// reply is one batch already, that batch tagged), none as `ACK`.
QByteArray labeled(const QByteArray &lines, const QString &label, const QString &batch);
// A label may hold 64 bytes (labeled-response).
inline constexpr qsizetype MaxLabelBytes = 64;

// One numeric reply: `:natter NNN me params... :trailing`.
QByteArray numeric(int code, const QString &me, const QStringList &params, const QString &trailing);
// The welcome burst (001-005, LUSERS, no MOTD). CHATHISTORY= in 005 is Protocol::MaxResults.
QByteArray welcome(const QString &me, qsizetype online);
// The room's owner is shown as a channel operator ('@').
QByteArray names(const QString &me, const QString &room, const QStringList &nicks,
                 const QString &owner, bool isPrivate);
QByteArray notice(const QString &me, const QString &text);

} // namespace IrcFace
