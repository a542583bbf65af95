#include "messagehistory.h"

#include <algorithm>

MessageHistory::MessageHistory(qsizetype limit) : m_limit(std::max<qsizetype>(0, limit)) { }

Protocol::Message MessageHistory::append(Protocol::Message message)
{
    message.seq = ++m_lastSeq;
    if (m_limit == 0)
        return message;
    if (qsizetype(m_messages.size()) == m_limit)
        m_messages.pop_front();
    m_messages.push_back(message);
    return message;
}

MessageHistory::Replay MessageHistory::replayFor(const QString &nick,
                                                 std::optional<qint64> since) const
{
    Replay replay;
    // A `since` from the future means the numbering restarted (a server without a store was
    // restarted): the client gets what is kept and is told its view has a gap.
    if (since && *since > m_lastSeq) {
        since.reset();
        replay.truncated = true;
    }
    const qint64 oldestKept = m_messages.empty() ? m_lastSeq + 1 : m_messages.front().seq;
    if (since && *since + 1 < oldestKept)
        replay.truncated = true;

    const QString key = Protocol::nickKey(nick);
    auto first = m_messages.cbegin();
    if (since) {
        first = std::partition_point(m_messages.cbegin(), m_messages.cend(),
                                     [&](const Protocol::Message &m) { return m.seq <= *since; });
    }
    for (auto it = first; it != m_messages.cend(); ++it) {
        const bool own = Protocol::nickKey(it->from) == key;
        if (it->isDirect() && !own && Protocol::nickKey(it->to) != key)
            continue;
        replay.messages.append(*it);
        if (!own)
            replay.messages.last().id.clear();
    }
    return replay;
}
