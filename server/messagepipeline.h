// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "duplicatefilter.h"
#include "encodedframe.h"
#include "messagestore.h"
#include "roomlog.h"
#include "serverconfig.h"
#include "storequeue.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <optional>

class Membership;

// The path of what is said in a room: a message is numbered when posted, written to the store
// together with whatever else arrived in the same turn of the event loop, and appended to the
// room's log (and so delivered) and acknowledged only once the store has it: an ack means the
// message is safe. Join and leave notices queue behind earlier messages so that everybody sees
// one order.
class MessagePipeline : public QObject
{
    Q_OBJECT
public:
    MessagePipeline(const QString &room, StoreQueue *queue, Membership *membership, RoomLog *log,
                    const ServerConfig &config, QObject *parent = nullptr);

    // A message from a member to everyone else, or to one member when `to` is set. The sender
    // gets its ack (or store_failed) once the store has answered; a repeated id is acked again.
    // An IRC sender's `label` (labeled-response) tags that answer: its echo, or an ACK.
    std::optional<Protocol::ErrorCode> post(RoomMember *sender, const QString &text,
                                            const QString &to, const QString &id,
                                            const QString &label = {});
    // A notice for everyone but `except`, in its place among the messages.
    void enqueueNotice(EncodedFrame notice, RoomLog::ReaderId except);

    // Messages of this room from the store that carried client ids: a resend is acked again.
    void rememberAccepted(const QList<Protocol::Message> &messages);

    void nickJoined(const QString &nick);
    void nickLeft(const QString &nick);

    // What a reader may be given of `messages` from the store: nothing not yet delivered, and
    // client ids only on its own messages.
    QList<Protocol::Message> forReader(const QString &nick,
                                       QList<Protocol::Message> messages) const;
    // The messages as a JSON history array, from the encodings kept of recent messages.
    QByteArray encodeHistory(const QList<Protocol::Message> &messages);

    // A message another node of the cluster numbered (or this one, seen on its way back):
    // delivered in number order with this node's own, each number once.
    void deliverPublished(const Protocol::Message &message);
    // The room's stored messages after `after`, fetched from the cluster's store when the
    // room was taken up again: delivered now, in order. Numbers between `after` and the first
    // of them are no longer stored (the stream was trimmed meanwhile) and are not waited for.
    void catchUp(qint64 after, const QList<Protocol::Message> &messages);
    // The cluster's store lost its numbering: this room counts from the start again.
    void resetNumbering();

    qint64 deliveredSeq() const { return m_deliveredSeq; }
    // True while messages wait for the store; idle() is emitted when the last one is done.
    bool isBusy() const { return !m_queued.isEmpty() || !m_writing.isEmpty(); }
    // Messages read but not yet handed to the store, in all and from one sender.
    qsizetype waiting() const { return m_queued.size(); }
    int waitingFrom(RoomLog::ReaderId sender) const { return m_waitingBySender.value(sender); }

signals:
    // A store batch went into the log: time to write it out.
    void delivered();
    void idle();

private:
    struct Pending
    {
        std::optional<Protocol::Message> message; // numbered, not yet safe
        RoomLog::ReaderId sender = 0;
        std::optional<EncodedFrame> notice; // or a notice for everyone but `sender`
        QString label; // the IRC sender's, for its answer
    };
    static QString pendingKey(const QString &nickKey, const QString &id);
    // The sender and whoever sent the same id again while it waited for the store.
    QList<RoomLog::ReaderId> takeSenders(const Pending &pending);

    void enqueue(Pending pending);
    void writeQueued();
    void finishWrite(bool ok, const QString &error, const QList<MessageStore::Number> &numbers);
    void deliverInOrder();
    void fillGap();
    void deliver(const Pending &pending);
    void deliverFromElsewhere(const Protocol::Message &message);
    void acknowledge(const Pending &pending, const EncodedFrame &frame);
    void deliverNotices(const QList<Pending> &done, qsizetype *index);
    RoomLog::Encodings encodings(const EncodedFrame &frame) const;
    void append(RoomLog::ReaderId only, const EncodedFrame &frame);
    void keepEncoded(qint64 seq, const QByteArray &line);

    QString m_room;
    StoreQueue *m_queue;
    Membership *m_membership;
    RoomLog *m_log;
    // Recent messages' frames as sent (without client ids), by number: every welcome carries
    // up to --history of them, and a crowd joining at once would otherwise encode the same
    // messages once per person (2,000 joins with 500 messages each: 5 s).
    QMap<qint64, QByteArray> m_encodedMessages;
    DuplicateFilter m_accepted;
    QList<Pending> m_queued; // in order, not yet handed to the store
    QList<Pending> m_writing; // handed to the store, waiting for its answer
    // Ids of the messages queued or being written, with the members that sent one again
    // meanwhile: a hash lookup per message instead of a scan of the queue.
    QHash<QString, QList<RoomLog::ReaderId>> m_pendingIds;
    QHash<RoomLog::ReaderId, int> m_waitingBySender;
    qsizetype m_historyLimit;
    qint64 m_deliveredSeq = 0; // the newest number delivered
    QTimer m_handOff; // hands the queue to the store
    // A store shared by a cluster numbers messages as it stores them, and every node delivers
    // by number: what is stored here waits for the numbers before it (m_settled, in order),
    // what other nodes published waits by number (m_published).
    bool m_numberedByStore;
    QList<Pending> m_settled;
    QMap<qint64, Protocol::Message> m_published;
    QTimer m_gapTimer; // a number that does not come is asked for again
    // Publications arrive many to a read: delivered together, one write per member for all.
    QTimer m_deliverPublished;
    int m_gapRequests = 0;
};
