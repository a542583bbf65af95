// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QString>

// Where the cluster keeps what it shares in Redis. Every key starts with "natter:" so that a
// Redis database can be shared with other programs; rooms and nicks go by their keys
// (Protocol::roomKey, Protocol::nickKey), so look-alike names meet in one place.
namespace ClusterKeys {
inline QByteArray room(const QString &name)
{
    return Protocol::roomKey(name).toUtf8();
}
inline const QByteArray Epoch = "natter:epoch";
inline const QByteArray Rooms = "natter:rooms"; // set of room names as created
inline const QByteArray Nodes = "natter:nodes"; // set of node ids
// Every node follows the node-wide channel: rooms created, nodes lost, and every change to a
// room but its messages.
inline const QByteArray ClusterChannel = "natter:cluster";
// A room's messages, followed by the nodes where the room has members online.
inline QByteArray roomChannel(const QString &name)
{
    return "natter:room:" + room(name);
}
inline QByteArray roomField(const QString &name, const char *what)
{
    return "natter:room:" + room(name) + ':' + what;
}
inline QByteArray nodeField(const QString &node, const char *what)
{
    return "natter:node:" + node.toUtf8() + ':' + what;
}

// What a publication is: its first byte. On a room's channel only Message; on the cluster
// channel a room's change is the kind, node \n room key \n and what is shown below.
enum Publication : char {
    Message = 'm', // the message frame's JSON
    MemberAdded = 'a', // node \n nick
    MemberRemoved = 'r', // node \n nick
    ReadMarker = 'k', // node \n nick \n seq
    Invited = 'i', // node \n nick
    Uninvited = 'u', // node \n nick
    Invitation = 'v', // node \n the invited frame's JSON (for the invitee, wherever it is)
    Parted = 'p', // node \n the left frame's JSON (a part or a kick, with who and why)
    Topic = 't', // node \n the topic frame's JSON
    Online = 'j', // node \n nick
    Offline = 'l', // node \n nick \n reason
    // Of the cluster itself:
    RoomCreated = 'c', // node \n name \n owner \n private (0/1) \n topic
    NodeLost = 'd', // node \n lost or retired
};
} // namespace ClusterKeys
