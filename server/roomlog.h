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
    // Whether any reader speaks `face`: a frame is encoded only for the faces that read it.
    bool hasReaders(RoomMember::Face face) const { return m_readersByFace[faceIndex(face)] > 0; }

    // One entry as each face shows it. A face's bytes may be empty (nothing to show at a
    // terminal, or nobody of that face reading).
    struct Encodings
    {
        QByteArray json;
        QByteArray plainText;
        QByteArray irc;
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
    static constexpr int FaceCount = 3;
    static int faceIndex(RoomMember::Face face)
    {
        return face == RoomMember::Face::PlainText ? 1 : face == RoomMember::Face::Irc ? 2 : 0;
    }
    struct Entry
    {
        std::array<QByteArray, FaceCount> bytes;
        ReaderId only = 0; // for this reader alone
        ReaderId except = 0; // or for everyone but this reader
        std::array<qint64, FaceCount> offset {}; // bytes logged before this entry, per face
    };
    struct Reader
    {
        RoomMember *member = nullptr;
        ReaderId id = 0;
        int face = 0; // faceIndex
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
    using ChunkCache = QHash<qint64, Chunk>; // by first entry, for one face

    const Entry &at(qint64 index) const { return m_entries[size_t(index - m_first)]; }
    void append(Entry entry, ReaderId personalFor, ReaderId author, Encodings bytes);
    void pumpReader(Reader *reader, std::array<ChunkCache, FaceCount> *shared);
    Chunk buildChunk(qint64 from, int face, const Reader *reader) const;
    qint64 lagBytes(const Reader &reader) const;
    // Forgets entries every reader has passed, then laps readers if still over budget.
    void trim();
    void removeAsSlow(Reader *reader, const char *why);
    Reader *find(ReaderId id);

    Limits m_limits;
    std::deque<Entry> m_entries;
    qint64 m_first = 0; // index of m_entries.front()
    std::array<qint64, FaceCount> m_bytes {}; // appended so far, per face
    std::unordered_map<const RoomMember *, std::unique_ptr<Reader>> m_readers;
    QHash<ReaderId, Reader *> m_byId;
    ReaderId m_nextId = 1;
    std::array<qsizetype, FaceCount> m_readersByFace {};
    qint64 m_medianCursor = 0;
    qint64 m_medianLagBytes = 0;
    bool m_sweptEmpty = false; // a sweep found nothing retained, and nothing came since
};
