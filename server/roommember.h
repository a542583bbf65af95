// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QString>

class Room;

// How a room sees one of its members: a nick, a face, and a place to write. A Session is one;
// the room's tests use members without sockets. The room never owns a member: a member leaves
// (Room::leave) before it is destroyed.
class RoomMember
{
public:
    enum class Face { Undecided, Json, PlainText, Irc };

    virtual QString nick() const = 0;
    virtual Face face() const = 0;
    // Why the member is away, or empty while it is not (shown in greetings, WHO and WHOIS).
    virtual QString awayReason() const { return {}; }
    // IRC clients that negotiated message tags get them (time, msgid); the choice is made
    // before the member is in any room and holds for the connection.
    virtual bool wantsMessageTags() const { return false; }
    // IRC's echo-message: the member's own messages come back to it, in place of an ack.
    virtual bool wantsOwnMessages() const { return false; }
    // Whether it knows rooms (an old JSON client knows only the lobby).
    virtual bool speaksRooms() const { return true; }
    // Bytes written to the member that its connection has not yet handed to the network: the
    // room writes more only while this is small.
    virtual qint64 unsentBytes() const = 0;
    // Frames already encoded for this member's face, in order.
    virtual void writeFromRoom(const QByteArray &bytes) = 0;
    // The room gives up on the member (it fell too far behind). The member leaves later, from
    // the event loop, never from inside this call.
    virtual void removeFromRoom(Protocol::LeaveReason reason) = 0;
    // The room held the member's input back (Room::mayRead) and may take it again.
    virtual void resumeReadingFromRoom() = 0;
    // The member's membership ended without its own doing (a kick on another node of a
    // cluster): it no longer belongs to `room`, and has been told.
    virtual void partedFromRoom(Room *room) { Q_UNUSED(room) }

protected:
    ~RoomMember() = default;
};
