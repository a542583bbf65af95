#pragma once

#include "messagestore.h"

#include <QObject>
#include <QQueue>

#include <functional>

// Every room hands its batches to the one store through this queue: it gives out the message
// numbers (one sequence for the whole server, so a number names one message) and sends each
// store answer back to the room whose batch it was (the store answers in order).
class StoreQueue : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QString &error)>;

    explicit StoreQueue(MessageStore *store, QObject *parent = nullptr);

    MessageStore *store() const { return m_store; }
    qint64 nextSeq() { return ++m_lastSeq; }
    void write(const QList<Protocol::Message> &batch, Done done);
    bool isBusy() const { return !m_waiting.isEmpty(); }

private:
    void answer(bool ok, const QString &error);

    MessageStore *m_store;
    qint64 m_lastSeq;
    QQueue<Done> m_waiting;
};
