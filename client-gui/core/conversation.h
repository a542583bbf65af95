#pragma once

#include "messagemodel.h"
#include "userlistmodel.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>

// One conversation the window can show: a room the user is a member of, or the direct
// messages exchanged with one other nick (client-side: they travel through the lobby). Each
// has its own messages, member list and read marker; a room also keeps where the client
// stands in the server's numbering, so a reconnect asks for exactly what it missed.
class Conversation : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Room, Direct };
    Q_ENUM(Kind)

    Conversation(Kind kind, const QString &name, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    bool isRoom() const { return m_kind == Kind::Room; }
    bool isLobby() const;
    // The room's name, or the other nick of a direct conversation.
    QString name() const { return m_name; }
    // What identifies it: the room key, or the nick key, each with its kind.
    QString key() const { return keyFor(m_kind, m_name); }
    static QString keyFor(Kind kind, const QString &name);
    // "#dev" for a room, the nick for a direct conversation.
    QString title() const;

    QString topic() const { return m_topic; }
    void setTopic(const QString &topic);
    QString owner() const { return m_owner; }
    bool isPrivate() const { return m_private; }
    void setRoomSettings(const QString &owner, bool isPrivate);

    MessageModel *messages() { return &m_messages; }
    UserListModel *users() { return &m_users; }

    // The newest message number seen here (for a room: its `since` on the next hello).
    qint64 lastSeq() const { return m_lastSeq; }
    void setLastSeq(qint64 seq) { m_lastSeq = seq; }
    // The server numbering lastSeq counts in (the room frame's epoch), and the numbers this
    // conversation reached in numberings seen before: a server that comes back with its old
    // store resumes where it was, so nothing is shown twice.
    QString epoch() const { return m_epoch; }
    void setEpoch(const QString &epoch);
    QHash<QString, qint64> &seqByEpoch() { return m_seqByEpoch; }
    bool reachedOldest() const { return m_reachedOldest; }
    void setReachedOldest(bool reached) { m_reachedOldest = reached; }

    // The newest message number the user has read here; never goes back.
    qint64 readSeq() const { return m_readSeq; }
    bool setReadSeq(qint64 seq);
    // The server's numbering started again, now `epoch`: the marker means nothing now, nor
    // does lastSeq. Rows keep their numbers of an earlier numbering, for when it comes back;
    // the same epoch again (a reset) voids the numbers it gave.
    void resetNumbering(const QString &epoch);
    // Messages from others after the read marker.
    int unreadCount() const { return m_unread; }
    // One of them names the user.
    bool isMentioned() const { return m_mentioned; }

    // The marker last sent to the server, and when another may go (at most one a second).
    qint64 sentReadSeq() const { return m_sentReadSeq; }
    QDeadlineTimer &readCooldown() { return m_readCooldown; }
    void setSentReadSeq(qint64 seq) { m_sentReadSeq = seq; }

signals:
    // Its title, topic, unread count or mention changed: the sidebar redraws it.
    void changed();

private:
    void recount();

    Kind m_kind;
    QString m_name;
    QString m_topic;
    QString m_owner;
    bool m_private = false;
    MessageModel m_messages;
    UserListModel m_users;
    qint64 m_lastSeq = 0;
    QString m_epoch;
    QHash<QString, qint64> m_seqByEpoch;
    bool m_reachedOldest = false;
    qint64 m_readSeq = 0;
    qint64 m_sentReadSeq = 0;
    QDeadlineTimer m_readCooldown;
    int m_unread = 0;
    bool m_mentioned = false;
};
