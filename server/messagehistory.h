#pragma once

#include "protocol.h"

#include <QList>

#include <deque>
#include <optional>

// The room's recent messages and its message numbering. Keeps the newest `limit` messages; the
// numbering goes on increasing past what is kept, so a client's `since` always means the same.
class MessageHistory
{
public:
    explicit MessageHistory(qsizetype limit);

    // Numbers and stores a message; returns it with its seq set.
    Protocol::Message append(Protocol::Message message);

    qint64 lastSeq() const { return m_lastSeq; }

    struct Replay
    {
        QList<Protocol::Message> messages;
        bool truncated = false; // some messages after `since` are no longer kept
    };
    // What a joining nick may see: broadcasts and its own direct messages, after `since` when
    // given, else the newest ones kept.
    Replay replayFor(const QString &nick, std::optional<qint64> since) const;

private:
    std::deque<Protocol::Message> m_messages;
    qsizetype m_limit;
    qint64 m_lastSeq = 0;
};
