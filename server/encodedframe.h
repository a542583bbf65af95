// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"
#include "roommember.h"

#include <QByteArray>

// One server frame, encoded at most once per face however many sessions it goes to: a broadcast
// to ten thousand members costs one JSON encoding, and every socket gets the same shared bytes.
class EncodedFrame
{
public:
    explicit EncodedFrame(Protocol::ServerFrame frame);

    const Protocol::ServerFrame &frame() const { return m_frame; }
    const QByteArray &json() const;
    // As PlainTextFace shows it; empty when the frame means nothing to a person at a terminal.
    const QByteArray &plainText() const;
    // As IrcFace shows it to every IRC member alike (no numerics, which name their reader).
    const QByteArray &irc() const;
    // With IRCv3 message tags (server-time, msgid).
    const QByteArray &ircTagged() const;

private:
    Protocol::ServerFrame m_frame;
    mutable QByteArray m_json;
    mutable QByteArray m_plainText;
    mutable QByteArray m_irc;
    mutable QByteArray m_ircTagged;
    mutable bool m_plainTextEncoded = false;
    mutable bool m_ircEncoded = false;
    mutable bool m_ircTaggedEncoded = false;
};

// The frame as `member`'s face shows it to that member alone (IRC numerics name their reader).
QByteArray encodedFor(const RoomMember &member, const EncodedFrame &frame);
