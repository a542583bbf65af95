// SPDX-License-Identifier: BSD-3-Clause
#include "roomlog.h"

#include "serverlogging.h"
#include "terminaltext.h"

#include <algorithm>
#include <vector>

namespace {
// A reader is written to while its connection holds less than this unsent, a chunk at a time:
// the connection's own buffer stays small, and the backlog stays shared in the log.
constexpr qint64 LowWaterBytes = 16 * 1024;
constexpr qint64 ChunkBytes = 64 * 1024;
// A reader that took nothing for this long while far behind does not count as draining.
constexpr qint64 StalledAfterMs = 250;
}

RoomLog::RoomLog(Limits limits) : m_limits(limits)
{
}

RoomLog::~RoomLog() = default;

qint64 RoomLog::monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

RoomLog::ReaderId RoomLog::addReader(RoomMember *member)
{
    auto reader = std::make_unique<Reader>();
    reader->member = member;
    reader->id = m_nextId++;
    reader->encoding = int(encodingOf(*member));
    reader->cursor = head();
    reader->lastProgressMs = monotonicMs();
    ++m_readersByEncoding[reader->encoding];
    m_byId.insert(reader->id, reader.get());
    const ReaderId id = reader->id;
    m_readers[member] = std::move(reader);
    return id;
}

void RoomLog::removeReader(RoomMember *member, Departure departure)
{
    const auto it = m_readers.find(member);
    if (it == m_readers.end())
        return;
    Reader *reader = it->second.get();
    while (departure == Departure::Orderly && !reader->removed && reader->cursor < head()) {
        const Chunk chunk = buildChunk(reader->cursor, reader->encoding, reader);
        reader->cursor = chunk.end;
        if (!chunk.bytes.isEmpty())
            member->writeFromRoom(chunk.bytes);
    }
    --m_readersByEncoding[it->second->encoding];
    m_byId.remove(it->second->id);
    m_readers.erase(it);
    if (m_readers.empty())
        trim();
}

RoomLog::ReaderId RoomLog::idOf(const RoomMember *member) const
{
    const auto it = m_readers.find(member);
    return it == m_readers.end() ? 0 : it->second->id;
}

RoomLog::Encoding RoomLog::encodingOf(const RoomMember &member)
{
    switch (member.face()) {
    case RoomMember::Face::PlainText:
        return Encoding::PlainText;
    case RoomMember::Face::Irc:
        return member.wantsMessageTags() ? Encoding::IrcTagged : Encoding::Irc;
    case RoomMember::Face::Json:
    case RoomMember::Face::Undecided:
        break;
    }
    return Encoding::Json;
}

RoomMember *RoomLog::memberOf(ReaderId id) const
{
    const Reader *reader = id ? m_byId.value(id) : nullptr;
    return reader ? reader->member : nullptr;
}

RoomLog::Reader *RoomLog::find(ReaderId id)
{
    return id ? m_byId.value(id) : nullptr;
}

void RoomLog::appendToAllBut(ReaderId except, Encodings bytes, ReaderId author)
{
    Entry entry;
    entry.except = except;
    append(std::move(entry), except, author, std::move(bytes));
}

void RoomLog::appendToOne(ReaderId only, Encodings bytes, ReaderId author)
{
    if (!find(only))
        return; // gone meanwhile: nobody else may read it
    Entry entry;
    entry.only = only;
    append(std::move(entry), only, author, std::move(bytes));
}

void RoomLog::append(Entry entry, ReaderId personalFor, ReaderId author, Encodings bytes)
{
    if (m_readers.empty())
        return; // nobody to read it; history comes from the store
    m_sweptEmpty = false;
    entry.bytes = { std::move(bytes.json), std::move(bytes.plainText), std::move(bytes.irc),
                    std::move(bytes.ircTagged) };
    for (int encoding = 0; encoding < EncodingCount; ++encoding) {
        entry.offset[encoding] = m_bytes[encoding];
        m_bytes[encoding] += entry.bytes[encoding].size();
    }
    const qint64 index = head();
    m_entries.push_back(std::move(entry));
    if (Reader *reader = find(personalFor))
        reader->personal.append(index);
    if (Reader *reader = find(author))
        reader->lastAuthored = index;
}

qint64 RoomLog::retainedBytes() const
{
    if (m_entries.empty())
        return 0;
    qint64 retained = 0;
    for (int encoding = 0; encoding < EncodingCount; ++encoding)
        retained += m_bytes[encoding] - m_entries.front().offset[encoding];
    return retained;
}

qint64 RoomLog::lagBytes(const Reader &reader) const
{
    qint64 logged = 0;
    // A lapped reader's place is already forgotten: it is at least the whole log behind.
    if (const qint64 from = std::max(reader.cursor, m_first); from < head()) {
        const Entry &next = at(from);
        logged = m_bytes[reader.encoding] - next.offset[reader.encoding];
    }
    return logged + reader.member->unsentBytes();
}

RoomLog::Chunk RoomLog::buildChunk(qint64 from, int encoding, const Reader *reader) const
{
    // `reader` null: the bytes every reader without a personal entry in the range shares.
    Chunk chunk;
    qint64 index = from;
    const qint64 end = head();
    for (; index < end && chunk.bytes.size() < ChunkBytes; ++index) {
        const Entry &entry = at(index);
        const bool wanted = reader
                ? (entry.only ? entry.only == reader->id : entry.except != reader->id)
                : entry.only == 0;
        if (wanted)
            chunk.bytes += entry.bytes[encoding];
    }
    chunk.end = index;
    return chunk;
}

void RoomLog::pumpReader(Reader *reader, std::array<ChunkCache, EncodingCount> *shared)
{
    bool progressed = false;
    while (!reader->removed && reader->cursor < head()
           && reader->member->unsentBytes() < LowWaterBytes) {
        ChunkCache *cache = shared ? &(*shared)[reader->encoding] : nullptr;
        Chunk chunk;
        bool shared = false;
        if (cache) {
            auto cached = cache->constFind(reader->cursor);
            if (cached == cache->cend())
                cached = cache->insert(reader->cursor,
                                       buildChunk(reader->cursor, reader->encoding, nullptr));
            shared = reader->personal.empty() || reader->personal.front() >= cached->end;
            if (shared)
                chunk = *cached;
        }
        if (!shared)
            chunk = buildChunk(reader->cursor, reader->encoding, reader);
        reader->cursor = chunk.end;
        while (!reader->personal.empty() && reader->personal.front() < reader->cursor)
            reader->personal.removeFirst();
        progressed = true;
        if (!chunk.bytes.isEmpty())
            reader->member->writeFromRoom(chunk.bytes);
    }
    if (progressed)
        reader->lastProgressMs = monotonicMs();
}

void RoomLog::flush()
{
    // Readers at the same place share one chunk (one buffer written to many sockets): after a
    // store batch that is nearly everyone.
    std::array<ChunkCache, EncodingCount> shared;
    std::vector<Reader *> readers;
    readers.reserve(m_readers.size());
    for (const auto &[member, reader] : m_readers)
        readers.push_back(reader.get());
    for (Reader *reader : readers)
        pumpReader(reader, &shared);
    trim();
    refreshMedian();
}

void RoomLog::pump(RoomMember *member)
{
    const auto it = m_readers.find(member);
    if (it != m_readers.end())
        pumpReader(it->second.get(), nullptr);
}

void RoomLog::sweep(qint64 nowMs)
{
    // With nothing retained every reader is at the head: one pass clears what earlier passes
    // noted, the next ones would only walk a big room's readers for nothing.
    if (m_entries.empty()) {
        if (m_sweptEmpty)
            return;
        m_sweptEmpty = true;
    }
    std::vector<Reader *> readers;
    readers.reserve(m_readers.size());
    for (const auto &[member, reader] : m_readers)
        readers.push_back(reader.get());
    for (Reader *reader : readers) {
        if (reader->removed)
            continue;
        if (lagBytes(*reader) <= m_limits.maxBehindBytes) {
            reader->behindSinceMs = -1;
            continue;
        }
        if (reader->behindSinceMs < 0)
            reader->behindSinceMs = nowMs;
        // Behind for the whole grace period and nothing taken in it: not a burst being
        // drained, a reader that stopped.
        const qint64 grace = m_limits.slowGrace.count();
        if (nowMs - reader->behindSinceMs >= grace && nowMs - reader->lastProgressMs >= grace)
            removeAsSlow(reader, "stayed behind without reading");
    }
    trim();
    refreshMedian();
}

void RoomLog::trim()
{
    qint64 oldestNeeded = head();
    for (const auto &[member, reader] : m_readers) {
        if (!reader->removed)
            oldestNeeded = std::min(oldestNeeded, reader->cursor);
    }
    while (m_first < oldestNeeded) {
        m_entries.pop_front();
        ++m_first;
    }
    if (retainedBytes() <= m_limits.budgetBytes)
        return;
    // Over budget: the oldest entries go, and the readers still waiting for them with them.
    while (!m_entries.empty() && retainedBytes() > m_limits.budgetBytes) {
        m_entries.pop_front();
        ++m_first;
    }
    std::vector<Reader *> lapped;
    for (const auto &[member, reader] : m_readers) {
        if (!reader->removed && reader->cursor < m_first)
            lapped.push_back(reader.get());
    }
    for (Reader *reader : lapped)
        removeAsSlow(reader, "was lapped by the room's buffer");
}

void RoomLog::removeAsSlow(Reader *reader, const char *why)
{
    reader->removed = true;
    qCInfo(lcServer).noquote() << TerminalText::escaped(reader->member->nick()) << why << "-"
                               << lagBytes(*reader) << "bytes behind";
    reader->member->removeFromRoom(Protocol::LeaveReason::Slow);
}

void RoomLog::refreshMedian()
{
    // Readers that have stopped taking anything are left out: however many they are, they
    // must not hold back the room (they are removed as slow once the grace is over).
    const qint64 now = monotonicMs();
    std::vector<qint64> cursors;
    cursors.reserve(m_readers.size());
    for (const auto &[member, reader] : m_readers) {
        if (reader->removed)
            continue;
        const bool stalled = now - reader->lastProgressMs > StalledAfterMs
                && lagBytes(*reader) > m_limits.maxBehindBytes;
        if (!stalled)
            cursors.push_back(reader->cursor);
    }
    if (cursors.empty()) {
        m_medianCursor = head();
        m_medianLagBytes = 0;
        return;
    }
    const auto middle = cursors.begin() + qsizetype(cursors.size()) / 2;
    std::nth_element(cursors.begin(), middle, cursors.end());
    m_medianCursor = *middle;
    m_medianLagBytes = m_medianCursor < head() ? m_bytes[0] - at(m_medianCursor).offset[0] : 0;
}

bool RoomLog::isAheadOfMedian(const RoomMember *member) const
{
    const auto it = m_readers.find(member);
    return it != m_readers.end() && it->second->lastAuthored >= m_medianCursor;
}
