// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "roommember.h"

#include <QByteArray>
#include <QHash>
#include <QList>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>

// A room's ordered log and its readers' places in it. Every frame the room delivers is encoded
// once and appended here; each reader (a member) is a cursor, written from whenever its
// connection can take more, a chunk at a time. So one member that does not read costs the
// others nothing: it only falls behind the head, and a reader that stays behind without
// catching up (or that the log's byte budget laps) is removed as slow, while a reader that
// keeps draining is never removed however big a burst is.
//
// Memory is what lies between the slowest reader and the head, bounded by the budget; a
// reader costs a cursor, not a queue.
class RoomLog
{
public:
    using ReaderId = quint64; // never 0, never reused

    struct Limits
    {
        qint64 budgetBytes = 32 * 1024 * 1024; // --room-buffer
        qint64 maxBehindBytes = 1024 * 1024; // --max-sendq
        std::chrono::milliseconds slowGrace { 5000 }; // --slow-grace
    };

    explicit RoomLog(Limits limits);
    ~RoomLog();

    // A new reader starts at the head: what was logged before it came is not for it.
    ReaderId addReader(RoomMember *member);
    // A reader that leaves in good order (exit, shutdown) is first written the rest of what
    // it was due, whatever its connection holds: its acks may be among it.
    enum class Departure { Abrupt, Orderly };
    void removeReader(RoomMember *member, Departure departure = Departure::Abrupt);
    ReaderId idOf(const RoomMember *member) const;
    RoomMember *memberOf(ReaderId id) const;

    // The forms an entry takes, one per kind of reader.
    enum class Encoding { Json, PlainText, Irc, IrcTagged };
    static constexpr int EncodingCount = 4;
    static Encoding encodingOf(const RoomMember &member);
    // Whether any reader reads `encoding`: a frame is encoded only in the forms that are read.
    bool hasReaders(Encoding encoding) const { return m_readersByEncoding[int(encoding)] > 0; }

    // One entry in each form. A form's bytes may be empty (nothing to show at a terminal, or
    // nobody reading that form).
    struct Encodings
    {
        QByteArray json;
        QByteArray plainText;
        QByteArray irc;
        QByteArray ircTagged;
    };
    // The author is the member whose input produced the entry (0: none), for push-back.
    void appendToAllBut(ReaderId except, Encodings bytes, ReaderId author);
    void appendToOne(ReaderId only, Encodings bytes, ReaderId author);

    // Writes every reader what it can take now, then forgets what all of them have taken.
    void flush();
    // One reader's connection took what it had: give it the next chunk.
    void pump(RoomMember *member);
    // Removes the readers that have stayed too far behind without catching up; called now
    // and then. Also forgets what everyone has taken.
    void sweep(qint64 nowMs);

    // How far behind the head the middle reader is, as of the last flush or sweep, counting
    // only readers that are still taking what they are given: the room produces faster than
    // its readers take when this grows. Readers that stopped reading do not move it.
    qint64 medianLagBytes() const { return m_medianLagBytes; }
    // The member logged something the middle reader has not yet been given.
    bool isAheadOfMedian(const RoomMember *member) const;
    void refreshMedian();

    qint64 retainedBytes() const;
    qint64 head() const { return m_first + qint64(m_entries.size()); }
    qsizetype readerCount() const { return qsizetype(m_readers.size()); }

    static qint64 monotonicMs();

private:
    struct Entry
    {
        std::array<QByteArray, EncodingCount> bytes;
        ReaderId only = 0; // for this reader alone
        ReaderId except = 0; // or for everyone but this reader
        std::array<qint64, EncodingCount> offset {}; // bytes logged before this entry, per form
    };
    struct Reader
    {
        RoomMember *member = nullptr;
        ReaderId id = 0;
        int encoding = 0; // Encoding
        qint64 cursor = 0; // the next entry to write
        // Entries at or after the cursor that this reader sees differently from the others
        // (its own acks, the broadcast it sent): while none is ahead, it shares the others'
        // bytes instead of getting its own copy.
        // A QList, not a deque: empty, it allocates nothing (thousands of idle members).
        QList<qint64> personal;
        qint64 behindSinceMs = -1;
        qint64 lastProgressMs = 0;
        qint64 lastAuthored = -1;
        bool removed = false;
    };
    struct Chunk
    {
        QByteArray bytes;
        qint64 end = 0;
    };
    using ChunkCache = QHash<qint64, Chunk>; // by first entry, for one form

    const Entry &at(qint64 index) const { return m_entries[size_t(index - m_first)]; }
    void append(Entry entry, ReaderId personalFor, ReaderId author, Encodings bytes);
    void pumpReader(Reader *reader, std::array<ChunkCache, EncodingCount> *shared);
    Chunk buildChunk(qint64 from, int encoding, const Reader *reader) const;
    qint64 lagBytes(const Reader &reader) const;
    // Forgets entries every reader has passed, then laps readers if still over budget.
    void trim();
    void removeAsSlow(Reader *reader, const char *why);
    Reader *find(ReaderId id);

    Limits m_limits;
    std::deque<Entry> m_entries;
    qint64 m_first = 0; // index of m_entries.front()
    std::array<qint64, EncodingCount> m_bytes {}; // appended so far, per form
    std::unordered_map<const RoomMember *, std::unique_ptr<Reader>> m_readers;
    QHash<ReaderId, Reader *> m_byId;
    ReaderId m_nextId = 1;
    std::array<qsizetype, EncodingCount> m_readersByEncoding {};
    qint64 m_medianCursor = 0;
    qint64 m_medianLagBytes = 0;
    bool m_sweptEmpty = false; // a sweep found nothing retained, and nothing came since
};
