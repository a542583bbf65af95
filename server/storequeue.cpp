// SPDX-License-Identifier: BSD-3-Clause
#include "storequeue.h"

#include "servercounters.h"

StoreQueue::StoreQueue(MessageStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_lastSeq(store->lastSeq())
{
    connect(store, &MessageStore::batchWritten, this, &StoreQueue::answer);
}

void StoreQueue::write(const QList<Protocol::Message> &batch, Done done)
{
    m_collected += batch;
    m_collectedDone.append({ batch.size(), std::move(done) });
    // Group commit: with nothing in flight a batch goes at once; what comes while one is in
    // flight waits and goes as one batch when it is answered.
    if (m_waiting.isEmpty())
        writeCollected();
}

void StoreQueue::writeCollected()
{
    if (m_collectedDone.isEmpty())
        return;
    // Queued first: a store may answer from inside write().
    m_waiting.enqueue(std::exchange(m_collectedDone, {}));
    m_inFlight.start(); // one batch at a time: the next waits for this one's answer
    m_store->write(std::exchange(m_collected, {}));
}

void StoreQueue::answer(bool ok, const QString &error)
{
    if (m_waiting.isEmpty())
        return;
    ServerCounters::instance().countBatch(m_inFlight.nsecsElapsed() / 1000);
    const QList<Part> done = m_waiting.dequeue();
    const QList<MessageStore::Number> numbers = ok ? m_store->takeNumbers()
                                                   : QList<MessageStore::Number>();
    qsizetype at = 0;
    for (const auto &[count, room] : done) {
        room(ok, error, numbers.mid(at, numbers.isEmpty() ? 0 : count));
        at += count;
    }
    if (m_waiting.isEmpty())
        writeCollected();
}
