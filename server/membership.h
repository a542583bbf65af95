// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "roommember.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QSet>
#include <QStringList>

// Who is in a room: members by case-folded nick, kept in order, and the user list a welcome
// carries. Past the announce limit a room is "large": joins and leaves are no longer announced
// one by one (every member hearing of every arrival costs the square of the room's size), and
// the list is not kept.
class Membership
{
public:
    explicit Membership(qsizetype announceLimit) : m_announceLimit(announceLimit) { }

    bool contains(const QString &nick) const;
    RoomMember *find(const QString &nick) const;
    // The member's nick must be free.
    void add(RoomMember *member);
    // False if the member was not in (or another member holds its nick now).
    bool remove(RoomMember *member);
    // The member, online here as `oldNick`, is called member->nick() now (a nick that is free).
    void rename(RoomMember *member, const QString &oldNick);
    // The members online on this node.
    QList<RoomMember *> members() const { return m_members.values(); }
    // Who of the members online on this node is away, with the reason, by nick.
    QMap<QString, QString> awayReasons() const;

    // Members online on other nodes of a cluster: listed and counted, but written to by their
    // own node. False if the nick was (not) there already.
    bool addElsewhere(const QString &nick);
    bool removeElsewhere(const QString &nick);
    // The nick as spelt by the member online elsewhere, or empty.
    QString elsewhere(const QString &nick) const;

    qsizetype size() const { return m_members.size() + m_elsewhere.size(); }
    qsizetype sizeHere() const { return m_members.size(); } // online on this node
    QStringList nicks() const; // ordered by case-folded nick
    // Who is online as the JSON array of a welcome, kept between joins so that a welcome costs
    // a copy, not an encoding of every nick. In join order after the first rebuild.
    const QByteArray &usersJson();

    bool isLarge() const;
    // True once when the room has crossed the announce limit in either direction since the
    // last call: the room then tells everyone the number online (and the list, when small).
    bool takeLargenessChange();
    bool wasLarge() const { return m_large; }

private:
    QHash<QString, RoomMember *> m_members; // by Protocol::nickKey
    QSet<QString> m_elsewhere; // nick keys
    QMap<QString, QString> m_orderedNicks; // nickKey -> nick: a welcome costs a walk, not a sort
    QByteArray m_usersJson;
    qsizetype m_announceLimit;
    bool m_large = false;
};
