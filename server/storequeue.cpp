#include "storequeue.h"

StoreQueue::StoreQueue(MessageStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_lastSeq(store->lastSeq())
{
    connect(store, &MessageStore::batchWritten, this, &StoreQueue::answer);
}

void StoreQueue::write(const QList<Protocol::Message> &batch, Done done)
{
    // Queued first: a store may answer from inside write().
    m_waiting.enqueue(std::move(done));
    m_store->write(batch);
}

void StoreQueue::answer(bool ok, const QString &error)
{
    if (m_waiting.isEmpty())
        return;
    const Done done = m_waiting.dequeue();
    done(ok, error);
}
