// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

// Where the rooms' messages, and the rooms themselves, live. Writes are asynchronous and batched:
// write() takes numbered messages in order, and batchWritten() reports, in the same order, whether
// each batch is safe. The room delivers and acknowledges a message only after that. Reads are
// synchronous and see only what was written, except search, which is answered later (it may be
// slow).
class MessageStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    struct Replay
    {
        QList<Protocol::Message> messages;
        bool truncated = false; // some messages after `since` are not served
    };

    // A room as the store keeps it: its settings, its members (by Protocol::nickKey, with the
    // nick as they spelled it and the newest number they have read) and who is invited.
    struct RoomRecord
    {
        QString name; // as created; Protocol::roomKey(name) is unique
        QString topic;
        QString owner; // the nick that created it (empty for the lobby)
        bool isPrivate = false;
        qint64 created = 0; // ms since the epoch; 0 when the store does not know
        struct Member
        {
            QString nick;
            qint64 read = 0;
        };
        QHash<QString, Member> members;
        QSet<QString> invited; // nick keys
    };

    // Prepares the store; false with a one-line reason when it cannot be used.
    virtual bool open(QString *error) = 0;
    // The newest message number written before this run, in all rooms (0 for a new store).
    // Numbers are one sequence for the whole store: each room sees a rising subsequence.
    virtual qint64 lastSeq() const = 0;
    // The newest number among the messages kept of `room` (0 when none are).
    virtual qint64 lastSeqIn(const QString &room) const = 0;
    // Names this store's numbering (Protocol::Welcome::epoch): fixed for the store's life.
    virtual QString epoch() const = 0;
    static QString newEpoch(); // random, 16 hex digits
    virtual void write(const QList<Protocol::Message> &batch) = 0;

    // What `nick` may see of `room` (broadcasts, and direct messages to or from it; direct
    // messages are only ever in the lobby): after `since`, or the newest; at most `limit`, the
    // newest of them. --history is a limit per room.
    virtual Replay replay(const QString &nick, const QString &room, std::optional<qint64> since,
                          qsizetype limit) = 0;
    // Older messages for scrolling back: the newest `limit` with seq < before. `room` may name
    // a direct conversation ("@bb": the lobby's direct messages between `nick` and bb).
    virtual QList<Protocol::Message> before(const QString &nick, const QString &room, qint64 before,
                                            qsizetype limit) = 0;
    // Newer messages, in order from a point: the oldest `limit` with seq > after (`room` as
    // for before()).
    virtual QList<Protocol::Message> after(const QString &nick, const QString &room, qint64 after,
                                           qsizetype limit) = 0;
    // The number of the first message of `room` (direct messages included) sent at or after
    // `timestamp` (ms since the epoch); nothing when none was.
    virtual std::optional<qint64> firstSeqAt(const QString &room, qint64 timestamp) = 0;
    // The direct conversations `nick` has (the other nick, as last spelt, and the newest
    // message), newest first, at most `limit`.
    struct Conversation
    {
        QString peer;
        qint64 seq = 0;
    };
    virtual QList<Conversation> directConversations(const QString &nick, qsizetype limit) = 0;
    // A query's words, each once (ignoring case): what search() looks for.
    static QStringList searchTerms(const QString &query)
    {
        QStringList terms;
        QSet<QString> seen;
        for (const QString &word : query.split(u' ', Qt::SkipEmptyParts)) {
            if (!seen.contains(word.toCaseFolded())) {
                seen.insert(word.toCaseFolded());
                terms.append(word);
            }
        }
        return terms;
    }
    using Found = std::function<void(QList<Protocol::Message>)>;
    // The newest `limit` messages `nick` may see in `rooms` (rooms, or direct conversations as
    // "@bb") whose text contains every one of `terms`.
    // Answered through the event loop on this object's thread, never before this returns, and
    // only if `context` still exists; a store whose reads can be slow searches off the event loop.
    virtual void search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                        std::optional<qint64> before, qsizetype limit, QObject *context,
                        Found found) = 0;
    // The newest `limit` messages that carried a client id, for the duplicate filter.
    virtual QList<Protocol::Message> recentWithClientIds(qsizetype limit) = 0;
    // Retention: removes messages older than `timestamp`; returns how many.
    virtual qsizetype removeOlderThan(qint64 timestamp) = 0;

    // Rooms. Every change is written in order after the messages handed over before it, never
    // blocking the caller; a store without a disk keeps nothing (the rooms live in memory).
    virtual QList<RoomRecord> loadRooms() = 0;
    // Creates the room or updates its settings (name, topic, owner, private; not its members).
    virtual void saveRoom(const RoomRecord &room) = 0;
    virtual void saveMember(const QString &room, const QString &nick) = 0;
    virtual void removeMember(const QString &room, const QString &nick) = 0;
    virtual void saveReadMarker(const QString &room, const QString &nick, qint64 seq) = 0;
    virtual void saveInvite(const QString &room, const QString &nick) = 0;
    virtual void removeInvite(const QString &room, const QString &nick) = 0;

    // A store shared by several servers numbers the messages itself, per room, when it writes
    // them (their seq is 0 until then): takeNumbers() then gives the numbers of the batch just
    // reported written, in its order. Messages numbered elsewhere arrive as `published`, and
    // every message a room delivers, from here or elsewhere, is noted in order.
    struct Number
    {
        qint64 seq = 0;
        // Set when the sender had sent the message before (the same client id, perhaps to
        // another server): it was not stored again, and `seq` and this are the first copy's.
        std::optional<qint64> earlierTimestamp;
    };
    virtual bool numbersMessages() const { return false; }
    virtual QList<Number> takeNumbers() { return {}; }
    virtual void noteDelivered(const Protocol::Message &) { }
    // Asks again for a room's messages after `after` (a gap in what was published): they
    // arrive as `published`.
    virtual void fetchAfter(const QString &room, qint64 after)
    {
        Q_UNUSED(room)
        Q_UNUSED(after)
    }
    // Why a membership ended (part or kick) and the topic a room was given, for the members of
    // other nodes.
    virtual void noteParted(const Protocol::Left &left) { Q_UNUSED(left) }
    virtual void noteTopic(const Protocol::TopicChanged &topic) { Q_UNUSED(topic) }

signals:
    void batchWritten(bool ok, const QString &error);
    void published(const Protocol::Message &message);
    void partedElsewhere(const Protocol::Left &left);
    void topicChangedElsewhere(const Protocol::TopicChanged &topic);
};
