#pragma once

#include "duplicatefilter.h"
#include "messagehistory.h"
#include "protocol.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <optional>
#include <variant>

class EncodedFrame;
class Session;

// The chatroom: who is in it, delivery of messages and notices, and the recent history.
// Sessions talk to the room only through join/leave/post, so more rooms can come later
// without changing how a session works.
class Room : public QObject
{
    Q_OBJECT
public:
    Room(qsizetype historyLimit, qsizetype duplicateWindow, qsizetype departedNicks,
         QObject *parent = nullptr);

    bool isNickTaken(const QString &nick) const;
    // The session's nick must be valid and free. Sends it the welcome and tells everyone else.
    void join(Session *session, std::optional<qint64> since);
    void leave(Session *session, Protocol::LeaveReason reason);
    // A message from a member to everyone else, or to one member when `to` is set.
    std::variant<Protocol::Message, Protocol::ErrorCode> post(Session *sender, const QString &text,
                                                              const QString &to = {},
                                                              const QString &id = {});

    // The original seq of a message this member already sent with the same client id.
    std::optional<DuplicateFilter::Accepted> findAccepted(const Session *sender,
                                                          const QString &id) const;

    // While closing, members leave silently: everyone is getting the shutdown notice instead.
    void setClosing(bool closing) { m_closing = closing; }
    void broadcast(const EncodedFrame &frame, const Session *except = nullptr) const;

    QStringList nicks() const; // sorted for display
    qsizetype memberCount() const { return m_members.size(); }
    qint64 lastSeq() const { return m_history.lastSeq(); }

signals:
    void memberJoined(const QString &nick);
    void memberLeft(const QString &nick, Protocol::LeaveReason reason);

private:
    QHash<QString, Session *> m_members; // by Protocol::nickKey
    MessageHistory m_history;
    DuplicateFilter m_accepted;
    bool m_closing = false;
};
