// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>

class ClusterStore;

// Which rooms' channels this node follows: those with members online here, and those a member
// is about to be welcomed into. A message is sent only to the nodes that follow its room, so a
// node spends nothing on rooms nobody here reads. A room taken up again has missed what was
// said meanwhile: it catches up from the room's stream before it counts as current, and a
// welcome into it waits for that (its history and numbers are then the cluster's, not stale).
class RoomSubscriptions : public QObject
{
    Q_OBJECT
public:
    // The newest number the room has delivered here.
    using LastSeq = std::function<qint64(const QString &roomKey)>;
    // Messages of the room's stream after `after`, oldest first, to deliver.
    using CatchUp = std::function<void(const QString &roomKey, qint64 after,
                                       const QList<Protocol::Message> &messages)>;
    // How long a welcome waits for its rooms to be current when Redis does not answer.
    static constexpr int WaitMs = 2000;

    RoomSubscriptions(ClusterStore *store, LastSeq lastSeq, CatchUp catchUp,
                      QObject *parent = nullptr);

    // Whether the room has members online here: it is followed while it has.
    void setMembersHere(const QString &room, bool here);
    // `done` (always called) once every room is followed and caught up, or after WaitMs.
    void whenCurrent(const QStringList &rooms, std::function<void()> done);
    bool isFollowed(const QString &room) const;

private:
    struct Feed
    {
        QString name; // the room's name, as the store takes it
        bool membersHere = false;
        int welcomes = 0; // welcomes waiting for the room
        bool current = false; // subscribed and caught up
        quint64 round = 0; // which subscription a catch-up belongs to
        QList<std::function<void()>> whenCurrent;
    };
    Feed &follow(const QString &room);
    void dropIfUnused(const QString &key);
    void catchUp(const QString &key, qint64 after, quint64 round);
    void becameCurrent(const QString &key);

    ClusterStore *m_store;
    LastSeq m_lastSeq;
    CatchUp m_catchUp;
    QHash<QString, Feed> m_feeds; // by Protocol::roomKey, while followed
};
