#include "memorystore.h"

#include <QPointer>

#include <algorithm>

namespace {

bool visibleTo(const Protocol::Message &message, const QString &key)
{
    return !message.isDirect() || Protocol::storedNickKey(message.from) == key
            || Protocol::storedNickKey(message.to) == key;
}

} // namespace

MemoryStore::MemoryStore(qsizetype limit, QObject *parent)
    : MessageStore(parent), m_limit(std::max<qsizetype>(0, limit))
{
}

void MemoryStore::write(const QList<Protocol::Message> &batch)
{
    for (const Protocol::Message &message : batch) {
        m_lastWritten = message.seq;
        if (m_limit == 0)
            continue;
        if (qsizetype(m_messages.size()) == m_limit)
            m_messages.pop_front();
        m_messages.push_back(message);
    }
    emit batchWritten(true, {});
}

template<typename Predicate>
QList<Protocol::Message> MemoryStore::newestVisible(const QString &nick, qsizetype limit,
                                                    Predicate matches) const
{
    const QString key = Protocol::storedNickKey(nick);
    QList<Protocol::Message> found;
    for (auto it = m_messages.crbegin(); it != m_messages.crend() && found.size() < limit; ++it) {
        if (matches(*it) && visibleTo(*it, key))
            found.prepend(*it);
    }
    return found;
}

MessageStore::Replay MemoryStore::replay(const QString &nick, const QString &room,
                                         std::optional<qint64> since, qsizetype limit)
{
    Replay replay;
    const qint64 oldestKept = m_messages.empty() ? m_lastWritten + 1 : m_messages.front().seq;
    if (since && *since + 1 < oldestKept)
        replay.truncated = true;
    replay.messages = newestVisible(nick, std::min(limit, m_limit), [&](const Protocol::Message &m) {
        return m.room == room && (!since || m.seq > *since);
    });
    if (since && !replay.messages.isEmpty() && replay.messages.constFirst().seq > *since + 1
        && replay.messages.size() == std::min(limit, m_limit))
        replay.truncated = true;
    return replay;
}

QList<Protocol::Message> MemoryStore::before(const QString &nick, const QString &room,
                                             qint64 before, qsizetype limit)
{
    return newestVisible(nick, limit,
                         [&](const Protocol::Message &m) { return m.room == room && m.seq < before; });
}

void MemoryStore::search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                         std::optional<qint64> before, qsizetype limit, QObject *context,
                         Found found)
{
    // At most --history messages: quick enough here, answered later like any store's search.
    QList<Protocol::Message> messages;
    if (!terms.isEmpty()) {
        messages = newestVisible(nick, limit, [&](const Protocol::Message &m) {
            return rooms.contains(m.room) && (!before || m.seq < *before)
                    && std::all_of(terms.cbegin(), terms.cend(), [&](const QString &word) {
                           return m.text.contains(word, Qt::CaseInsensitive);
                       });
        });
    }
    QMetaObject::invokeMethod(
            this,
            [context = QPointer<QObject>(context), found = std::move(found),
             messages = std::move(messages)] {
                if (context)
                    found(messages);
            },
            Qt::QueuedConnection);
}

qsizetype MemoryStore::removeOlderThan(qint64 timestamp)
{
    qsizetype removed = 0;
    while (!m_messages.empty() && m_messages.front().timestamp < timestamp) {
        m_messages.pop_front();
        ++removed;
    }
    return removed;
}
