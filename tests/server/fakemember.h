// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "roommember.h"

#include <QByteArrayList>

#include <optional>

// A room member without a socket: it records what the room writes to it, and can play a
// member that stopped reading (what it is given then stays unsent).
class FakeMember : public RoomMember
{
public:
    explicit FakeMember(QString nick, Face face = Face::Json)
        : m_nick(std::move(nick)), m_face(face)
    {
    }

    QString nick() const override { return m_nick; }
    Face face() const override { return m_face; }
    qint64 unsentBytes() const override { return m_unsent; }
    void writeFromRoom(const QByteArray &bytes) override
    {
        writes.append(bytes);
        if (stalled)
            m_unsent += bytes.size();
    }
    void removeFromRoom(Protocol::LeaveReason reason) override { removedFor = reason; }
    void resumeReadingFromRoom() override { ++resumed; }

    // The peer took everything it was given.
    void drain() { m_unsent = 0; }
    QByteArray received() const { return writes.join(); }
    qsizetype receivedBytes() const { return received().size(); }

    QByteArrayList writes;
    bool stalled = false;
    std::optional<Protocol::LeaveReason> removedFor;
    int resumed = 0;

private:
    QString m_nick;
    Face m_face;
    qint64 m_unsent = 0;
};
