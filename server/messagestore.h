#pragma once

#include "protocol.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

// Where the room's messages live. Writes are asynchronous and batched: write() takes numbered
// messages in order, and batchWritten() reports, in the same order, whether each batch is safe.
// The room delivers and acknowledges a message only after that. Reads are synchronous and see
// only what was written, except search, which is answered later (it may be slow).
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

    // Prepares the store; false with a one-line reason when it cannot be used.
    virtual bool open(QString *error) = 0;
    // The newest message number written before this run (0 for a new store).
    virtual qint64 lastSeq() const = 0;
    // Names this store's numbering (Protocol::Welcome::epoch): fixed for the store's life.
    virtual QString epoch() const = 0;
    static QString newEpoch(); // random, 16 hex digits
    virtual void write(const QList<Protocol::Message> &batch) = 0;

    // What `nick` may see (broadcasts, and direct messages to or from it): after `since`, or
    // the newest; at most `limit`, the newest of them.
    virtual Replay replay(const QString &nick, std::optional<qint64> since, qsizetype limit) = 0;
    // Older messages for scrolling back: the newest `limit` with seq < before.
    virtual QList<Protocol::Message> before(const QString &nick, qint64 before, qsizetype limit) = 0;
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
    // The newest `limit` messages `nick` may see whose text contains every one of `terms`.
    // Answered through the event loop on this object's thread, never before this returns, and
    // only if `context` still exists; a store whose reads can be slow searches off the event loop.
    virtual void search(const QString &nick, const QStringList &terms,
                        std::optional<qint64> before, qsizetype limit, QObject *context,
                        Found found) = 0;
    // The newest `limit` messages that carried a client id, for the duplicate filter.
    virtual QList<Protocol::Message> recentWithClientIds(qsizetype limit) = 0;
    // Retention: removes messages older than `timestamp`; returns how many.
    virtual qsizetype removeOlderThan(qint64 timestamp) = 0;

signals:
    void batchWritten(bool ok, const QString &error);
};
