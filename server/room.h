#pragma once

#include "duplicatefilter.h"
#include "encodedframe.h"
#include "messagestore.h"
#include "protocol.h"
#include "serverconfig.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <optional>

class DeliveryBatch;
class Session;

// The chatroom: who is in it, and the order in which everything said in it reaches everyone.
// A message is numbered when posted, written to the store together with whatever else arrived in
// the same turn of the event loop, and delivered and acknowledged only once the store has it: an
// ack means the message is safe. Join and leave notices queue behind earlier messages so that
// everybody sees one order. Sessions talk to the room only through join/leave/post, so more
// rooms can come later without changing how a session works.
class Room : public QObject
{
    Q_OBJECT
public:
    // Past `config.announceLimit` members (0: never) joins and leaves are no longer announced one by
    // one: every member hearing of every arrival costs the square of the room's size. The
    // welcome then gives the number online, and a presence frame updates it now and then.
    Room(MessageStore *store, const ServerConfig &config, QObject *parent = nullptr);

    bool isNickTaken(const QString &nick) const;
    // The session's nick must be valid and free. Sends it the welcome and tells everyone else.
    void join(Session *session, std::optional<qint64> since);
    // A kick names the operator and their reason.
    void leave(Session *session, Protocol::LeaveReason reason, const QString &by = {},
               const QString &comment = {});
    Session *member(const QString &nick) const { return m_members.value(Protocol::nickKey(nick)); }
    // A message from a member to everyone else, or to one member when `to` is set. The sender
    // gets its ack (or store_failed) once the store has answered; a repeated id is acked again.
    std::optional<Protocol::ErrorCode> post(Session *sender, const QString &text,
                                            const QString &to, const QString &id);

    QList<Protocol::Message> history(const Session *reader, qint64 before, qsizetype limit);
    // Answered later (see MessageStore::search), if `context` still exists.
    void search(const Session *reader, const QStringList &terms, std::optional<qint64> before,
                qsizetype limit, QObject *context, MessageStore::Found found);

    // While closing, members leave silently: everyone is getting the shutdown notice instead.
    void setClosing(bool closing) { m_closing = closing; }
    // True while messages wait for the store; idle() is emitted when the last one is done.
    bool isBusy() const { return !m_queued.isEmpty() || !m_writing.isEmpty(); }

    // Overloaded: too many messages wait for the store, or a quarter of the members (two at
    // least, so one slow reader is not enough) are behind on their output. Sessions then stop
    // reading (pauseReading) until the room has caught up.
    bool isBackedUp() const;
    void pauseReading(Session *session);
    void memberBehind(Session *session, bool behind);

    QStringList nicks() const; // ordered by case-folded nick
    qsizetype memberCount() const { return m_members.size(); }
    qint64 lastSeq() const { return m_deliveredSeq; }

signals:
    void idle();

private:
    struct Pending
    {
        std::optional<Protocol::Message> message; // numbered, not yet safe
        QPointer<Session> sender;
        std::optional<EncodedFrame> notice; // or a notice for everyone but `sender`
    };
    static QString pendingKey(const QString &nickKey, const QString &id);
    // The sender and whoever sent the same id again while it waited for the store.
    QList<QPointer<Session>> takeSenders(const Pending &pending);

    void enqueue(Pending pending);
    void resumeIfCaughtUp();
    bool isLarge() const;
    void updateLargeness();
    void enqueuePresence();
    void writeQueued();
    void finishWrite(bool ok, const QString &error);
    void deliver(const Pending &pending, DeliveryBatch *batch);
    QList<Protocol::Message> forReader(const QString &nick, QList<Protocol::Message> messages) const;
    // The messages as a JSON history array, from the encodings kept of recent messages.
    QByteArray encodeHistory(const QList<Protocol::Message> &messages);
    void keepEncoded(qint64 seq, const QByteArray &line);

    MessageStore *m_store;
    QHash<QString, Session *> m_members; // by Protocol::nickKey
    // The same nicks kept in order, so a welcome costs a walk, not a sort, per join.
    QMap<QString, QString> m_orderedNicks; // nickKey -> nick
    // Who is online as the JSON array a welcome carries, kept between joins so that a welcome
    // costs a copy, not an encoding of every nick: joins append, a leave clears it. In join
    // order after the first rebuild; clients sort for display.
    const QByteArray &usersJson();
    QByteArray m_usersJson;
    // Recent messages' frames as sent (without client ids), by number: every
    // welcome carries up to --history of them, and a crowd joining at once would otherwise
    // encode the same messages once per person (2,000 joins with 500 messages each: 5 s).
    QMap<qint64, QByteArray> m_encodedMessages;
    DuplicateFilter m_accepted;
    QList<Pending> m_queued; // in order, not yet handed to the store
    QList<Pending> m_writing; // handed to the store, waiting for its answer
    // Ids of the messages queued or being written, with the sessions that sent one again
    // meanwhile: a hash lookup per message instead of a scan of the queue.
    QHash<QString, QList<QPointer<Session>>> m_pendingIds;
    qsizetype m_historyLimit;
    qsizetype m_announceLimit;
    bool m_large = false;
    qsizetype m_announcedCount = 0;
    QTimer m_presenceTimer;
    qint64 m_lastSeq = 0; // the newest number given out
    qint64 m_deliveredSeq = 0; // the newest number delivered
    QSet<const Session *> m_behind;
    QList<QPointer<Session>> m_paused;
    QTimer m_handOff; // hands the queue to the store
    bool m_closing = false;
};
