// SPDX-License-Identifier: BSD-3-Clause
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

qint64 MemoryStore::lastSeqIn(const QString &room) const
{
    // Every message of the room counts, direct ones too: the room serves nothing numbered
    // above it (MessagePipeline::forReader).
    const auto history = m_rooms.constFind(room);
    if (history == m_rooms.cend() || history->messages.empty())
        return 0;
    return history->messages.back().seq;
}

void MemoryStore::write(const QList<Protocol::Message> &batch)
{
    keep(batch);
    emit batchWritten(true, {});
}

void MemoryStore::keep(const QList<Protocol::Message> &batch)
{
    for (const Protocol::Message &message : batch) {
        History &history = m_rooms[message.room];
        if (m_limit == 0) {
            history.droppedThrough = message.seq;
            continue;
        }
        if (qsizetype(history.messages.size()) == m_limit) {
            history.droppedThrough = history.messages.front().seq;
            history.messages.pop_front();
        }
        history.messages.push_back(message);
    }
}

void MemoryStore::clear()
{
    m_rooms.clear();
}

template<typename Predicate>
QList<Protocol::Message> MemoryStore::newestVisible(const History &history, const QString &nick,
                                                    qsizetype limit, Predicate matches) const
{
    const QString key = Protocol::storedNickKey(nick);
    QList<Protocol::Message> found;
    for (auto it = history.messages.crbegin();
         it != history.messages.crend() && found.size() < limit; ++it) {
        if (matches(*it) && visibleTo(*it, key))
            found.prepend(*it);
    }
    return found;
}

MessageStore::Replay MemoryStore::replay(const QString &nick, const QString &room,
                                         std::optional<qint64> since, qsizetype limit)
{
    Replay replay;
    static const History none;
    const auto found = m_rooms.constFind(room);
    const History &history = found == m_rooms.cend() ? none : *found;
    // Numbers are shared by all rooms, so gaps prove nothing: only what this room dropped does.
    replay.truncated = since && *since < history.droppedThrough;
    // One more than asked tells whether some were left out.
    const qsizetype served = std::min(limit, m_limit);
    replay.messages = newestVisible(history, nick, served + 1, [&](const Protocol::Message &m) {
        return !since || m.seq > *since;
    });
    if (replay.messages.size() > served) {
        replay.messages.removeFirst();
        replay.truncated = replay.truncated || since.has_value();
    }
    return replay;
}

namespace {

// Whether `message` belongs to the direct conversation between `nick` and `peer`.
bool isBetween(const Protocol::Message &message, const QString &nick, const QString &peer)
{
    if (!message.isDirect())
        return false;
    const QString from = Protocol::storedNickKey(message.from);
    const QString to = Protocol::storedNickKey(message.to);
    const QString a = Protocol::storedNickKey(nick);
    const QString b = Protocol::storedNickKey(peer);
    return (from == a && to == b) || (from == b && to == a);
}

} // namespace

QList<MessageStore::Conversation> MemoryStore::directConversations(const QString &nick,
                                                                   qsizetype limit)
{
    QList<Conversation> found;
    const auto lobby = m_rooms.constFind(Protocol::Lobby);
    if (lobby == m_rooms.cend())
        return found;
    const QString key = Protocol::storedNickKey(nick);
    QSet<QString> seen;
    for (auto it = lobby->messages.crbegin(); it != lobby->messages.crend(); ++it) {
        if (!it->isDirect())
            continue;
        const bool sent = Protocol::storedNickKey(it->from) == key;
        if (!sent && Protocol::storedNickKey(it->to) != key)
            continue;
        const QString peer = sent ? it->to : it->from;
        if (!seen.contains(Protocol::storedNickKey(peer))) {
            seen.insert(Protocol::storedNickKey(peer));
            found.append({ peer, it->seq });
            if (found.size() == limit)
                break;
        }
    }
    return found;
}

QList<Protocol::Message> MemoryStore::before(const QString &nick, const QString &room,
                                             qint64 before, qsizetype limit)
{
    if (const QString peer = Protocol::directPeer(room); !peer.isEmpty()) {
        const auto lobby = m_rooms.constFind(Protocol::Lobby);
        if (lobby == m_rooms.cend())
            return {};
        return newestVisible(*lobby, nick, limit, [&](const Protocol::Message &m) {
            return m.seq < before && isBetween(m, nick, peer);
        });
    }
    const auto history = m_rooms.constFind(room);
    if (history == m_rooms.cend())
        return {};
    return newestVisible(*history, nick, limit,
                         [&](const Protocol::Message &m) { return m.seq < before; });
}

QList<Protocol::Message> MemoryStore::after(const QString &nick, const QString &room, qint64 after,
                                            qsizetype limit)
{
    const QString peer = Protocol::directPeer(room);
    const auto history = m_rooms.constFind(peer.isEmpty() ? room : Protocol::Lobby);
    if (history == m_rooms.cend())
        return {};
    const QString key = Protocol::storedNickKey(nick);
    QList<Protocol::Message> found;
    for (auto it = history->messages.cbegin();
         it != history->messages.cend() && found.size() < limit; ++it) {
        if (it->seq > after && visibleTo(*it, key)
            && (peer.isEmpty() || isBetween(*it, nick, peer)))
            found.append(*it);
    }
    return found;
}

std::optional<qint64> MemoryStore::firstSeqAt(const QString &room, qint64 timestamp)
{
    const auto history = m_rooms.constFind(room);
    if (history == m_rooms.cend())
        return std::nullopt;
    const auto found = std::find_if(history->messages.cbegin(), history->messages.cend(),
                                    [timestamp](const Protocol::Message &message) {
                                        return message.timestamp >= timestamp;
                                    });
    return found == history->messages.cend() ? std::nullopt : std::optional<qint64>(found->seq);
}

void MemoryStore::search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                         std::optional<qint64> before, qsizetype limit, QObject *context,
                         Found found)
{
    // At most --history messages per room: quick enough here, answered later like any store's
    // search.
    QList<Protocol::Message> messages;
    if (!terms.isEmpty()) {
        for (const QString &room : rooms) {
            const QString peer = Protocol::directPeer(room);
            const auto history = m_rooms.constFind(peer.isEmpty() ? room : Protocol::Lobby);
            if (history == m_rooms.cend())
                continue;
            messages += newestVisible(*history, nick, limit, [&](const Protocol::Message &m) {
                return (!before || m.seq < *before) && (peer.isEmpty() || isBetween(m, nick, peer))
                        && std::all_of(terms.cbegin(), terms.cend(), [&](const QString &word) {
                               return m.text.contains(word, Qt::CaseInsensitive);
                           });
            });
        }
        // The newest `limit` of all the rooms, oldest first.
        std::sort(messages.begin(), messages.end(),
                  [](const Protocol::Message &a, const Protocol::Message &b) {
                      return a.seq < b.seq;
                  });
        if (messages.size() > limit)
            messages.remove(0, messages.size() - limit);
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
    for (History &history : m_rooms) {
        while (!history.messages.empty() && history.messages.front().timestamp < timestamp) {
            history.droppedThrough = history.messages.front().seq;
            history.messages.pop_front();
            ++removed;
        }
    }
    return removed;
}
