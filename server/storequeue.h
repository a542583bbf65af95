// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "messagestore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QQueue>

#include <functional>

// Every room hands its batches to the one store through this queue: it gives out the message
// numbers (one sequence for the whole server, so a number names one message), writes what the
// rooms hand over while a store batch is in flight as one batch when it is answered (group
// commit: one transaction and one disk sync for many rooms, where a thousand busy rooms would
// otherwise ask for thousands a second), and gives each room the store's answer for its part.
class StoreQueue : public QObject
{
    Q_OBJECT
public:
    // `numbers`: what a store that numbers messages gave this part of the batch, in order.
    using Done = std::function<void(bool ok, const QString &error,
                                    const QList<MessageStore::Number> &numbers)>;

    explicit StoreQueue(MessageStore *store, QObject *parent = nullptr);

    MessageStore *store() const { return m_store; }
    qint64 nextSeq() { return ++m_lastSeq; }
    void write(const QList<Protocol::Message> &batch, Done done);

private:
    void writeCollected();
    void answer(bool ok, const QString &error);

    MessageStore *m_store;
    qint64 m_lastSeq;
    QList<Protocol::Message> m_collected; // handed over this turn
    using Part = std::pair<qsizetype, Done>; // a room's part: how many messages, its answer
    QList<Part> m_collectedDone;
    QElapsedTimer m_inFlight; // since the batch in flight was handed over
    QQueue<QList<Part>> m_waiting; // one entry per store batch in flight, in order
};
