// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class ClusterStore;

// Who is online on which node of the cluster: a nick is held by one node at a time (a key in
// Redis naming the node), every node says it is alive every second, and a node that stops
// saying so for NodeTimeout (half with no heartbeat key, half more seen silent) is declared lost by
// the first survivor to notice (one script, so once): its nicks are freed, and every node tells its
// members that the lost node's members are gone, in the seed's words.
class ClusterPresence : public QObject
{
    Q_OBJECT
public:
    static constexpr int HeartbeatMs = 1000;
    static constexpr int NodeTimeoutMs = 5000;

    explicit ClusterPresence(ClusterStore *store, QObject *parent = nullptr);

    // Blocking is over: from here on everything goes through the event loop. Frees what a
    // previous run of this node left held.
    void start();

    // Asks the cluster for the nick; `done` gets whether this node holds it now (false: it is
    // online elsewhere, or Redis cannot be reached), only if `context` still exists.
    // Frees everything this node holds (a graceful stop), then `done`: after Redis answers, or
    // after a second without an answer.
    void retire(QObject *context, std::function<void()> done);

    void claimNick(const QString &nick, QObject *context, std::function<void(bool)> done);
    void releaseNick(const QString &nick);
    void wentOnline(const QString &room, const QString &nick);
    void wentOffline(const QString &room, const QString &nick, Protocol::LeaveReason reason);

signals:
    void onlineElsewhere(const QString &roomKey, const QString &nick, const QString &node);
    void offlineElsewhere(const QString &roomKey, const QString &nick,
                          Protocol::LeaveReason reason);
    void nodeLost(const QString &node);
    // The others took this node for lost (it was cut off from Redis for longer than the
    // timeout) and freed its nicks: its members must connect again to be counted.
    void declaredLost();

private:
    void beat();
    void handlePublication(const QByteArray &channel, const QByteArray &payload);

    ClusterStore *m_store;
    QByteArray m_node;
    QTimer m_heartbeat;
};
