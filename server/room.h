#pragma once

#include "membership.h"
#include "messagepipeline.h"
#include "messagestore.h"
#include "protocol.h"
#include "roomlog.h"
#include "serverconfig.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <optional>

// The chatroom: its membership (who is in), its message pipeline (numbering, the store,
// acks) and its log (what every member has been sent). Members talk to the room only through
// join/leave/post and the push-back calls, so more rooms can come without changing them.
class Room : public QObject
{
    Q_OBJECT
public:
    // Past `config.announceLimit` members (0: never) joins and leaves are no longer announced one
    // by one; the welcome then gives the number online, and a presence frame updates it.
    Room(MessageStore *store, const ServerConfig &config, QObject *parent = nullptr);
    ~Room() override;

    bool isNickTaken(const QString &nick) const { return m_membership.contains(nick); }
    // The member's nick must be valid and free. Sends it the welcome and tells everyone else.
    // `since` counts in `epoch` (empty: the client did not say); from another epoch it is void.
    void join(RoomMember *member, std::optional<qint64> since, const QString &epoch = {});
    // A kick names the operator and their reason.
    void leave(RoomMember *member, Protocol::LeaveReason reason, const QString &by = {},
               const QString &comment = {});
    RoomMember *member(const QString &nick) const { return m_membership.find(nick); }
    std::optional<Protocol::ErrorCode> post(RoomMember *sender, const QString &text,
                                            const QString &to, const QString &id);

    QList<Protocol::Message> history(const QString &reader, qint64 before, qsizetype limit);
    // Answered later (see MessageStore::search), if `context` still exists.
    void search(const QString &reader, const QStringList &terms, std::optional<qint64> before,
                qsizetype limit, QObject *context, MessageStore::Found found);

    // Push-back lands on senders, never on the room: false while this member's own messages
    // wait for the store in numbers, or while the room's readers are far behind and it is one
    // of those who sent what they have not been given yet. The member then stops reading (TCP
    // flow control slows it) until the room calls its resumeReadingFromRoom().
    bool mayRead(RoomMember *member);
    // The member's connection has taken what it was given: it can have more of the log.
    void memberDrained(RoomMember *member) { m_log.pump(member); }

    // While closing, members leave silently: everyone is getting the shutdown notice instead.
    void setClosing(bool closing) { m_closing = closing; }
    bool isBusy() const { return m_pipeline.isBusy(); }

    QStringList nicks() const { return m_membership.nicks(); }
    qsizetype memberCount() const { return m_membership.size(); }
    qint64 lastSeq() const { return m_pipeline.deliveredSeq(); }
    QString epoch() const { return m_store->epoch(); }

signals:
    void idle();

private:
    bool shouldHold(RoomMember *member) const;
    void resumeHeld();
    void updateLargeness();
    void enqueuePresence();

    MessageStore *m_store;
    Membership m_membership;
    RoomLog m_log;
    MessagePipeline m_pipeline;
    qsizetype m_historyLimit;
    qint64 m_maxBehindBytes;
    qsizetype m_announcedCount = 0;
    QTimer m_presenceTimer;
    QTimer m_slowSweep;
    QTimer m_resumeCheck;
    QSet<RoomMember *> m_held; // not reading until resumed
    bool m_closing = false;
};
