#include "storequeue.h"

StoreQueue::StoreQueue(MessageStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_lastSeq(store->lastSeq())
{
    connect(store, &MessageStore::batchWritten, this, &StoreQueue::answer);
    // Fires once the event loop has served what was ready: every room's batch of this turn.
    m_turn.setSingleShot(true);
    m_turn.setInterval(0);
    connect(&m_turn, &QTimer::timeout, this, &StoreQueue::writeCollected);
}

void StoreQueue::write(const QList<Protocol::Message> &batch, Done done)
{
    m_collected += batch;
    m_collectedDone.append(std::move(done));
    if (!m_turn.isActive())
        m_turn.start();
}

void StoreQueue::writeCollected()
{
    if (m_collectedDone.isEmpty())
        return;
    // Queued first: a store may answer from inside write().
    m_waiting.enqueue(std::exchange(m_collectedDone, {}));
    m_store->write(std::exchange(m_collected, {}));
}

void StoreQueue::answer(bool ok, const QString &error)
{
    if (m_waiting.isEmpty())
        return;
    const QList<Done> done = m_waiting.dequeue();
    for (const Done &room : done)
        room(ok, error);
}
