// SPDX-License-Identifier: BSD-3-Clause
#include "membership.h"

bool Membership::contains(const QString &nick) const
{
    return m_members.contains(Protocol::nickKey(nick));
}

RoomMember *Membership::find(const QString &nick) const
{
    return m_members.value(Protocol::nickKey(nick));
}

void Membership::add(RoomMember *member)
{
    const QString nick = member->nick();
    const QString key = Protocol::nickKey(nick);
    Q_ASSERT(!m_members.contains(key));
    m_elsewhere.remove(key); // here now, before its old node has said it left
    m_members.insert(key, member);
    m_orderedNicks.insert(key, nick);
    if (isLarge()) {
        m_usersJson.clear(); // not kept up while nobody is sent the list
    } else if (!m_usersJson.isEmpty()) {
        m_usersJson.chop(1); // "]"
        if (m_orderedNicks.size() > 1)
            m_usersJson += ',';
        m_usersJson += Protocol::encodeNicks({ nick }).mid(1); // "\"nick\"]"
    }
}

bool Membership::remove(RoomMember *member)
{
    const QString key = Protocol::nickKey(member->nick());
    const auto it = m_members.constFind(key);
    if (it == m_members.cend() || it.value() != member)
        return false;
    m_members.erase(it);
    m_orderedNicks.remove(key);
    m_usersJson.clear();
    return true;
}

void Membership::rename(RoomMember *member, const QString &oldNick)
{
    const QString oldKey = Protocol::nickKey(oldNick);
    if (m_members.value(oldKey) == member) {
        m_members.remove(oldKey);
        m_orderedNicks.remove(oldKey);
    }
    const QString key = Protocol::nickKey(member->nick());
    Q_ASSERT(!m_members.contains(key) || m_members.value(key) == member);
    m_elsewhere.remove(key);
    m_members.insert(key, member);
    m_orderedNicks.insert(key, member->nick());
    m_usersJson.clear();
}

QMap<QString, QString> Membership::awayReasons() const
{
    QMap<QString, QString> away;
    for (const RoomMember *member : m_members) {
        if (const QString reason = member->awayReason(); !reason.isEmpty())
            away.insert(member->nick(), reason);
    }
    return away;
}

bool Membership::addElsewhere(const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    if (m_members.contains(key) || m_elsewhere.contains(key))
        return false;
    m_elsewhere.insert(key);
    m_orderedNicks.insert(key, nick);
    m_usersJson.clear();
    return true;
}

bool Membership::removeElsewhere(const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    if (!m_elsewhere.remove(key))
        return false;
    m_orderedNicks.remove(key);
    m_usersJson.clear();
    return true;
}

QString Membership::elsewhere(const QString &nick) const
{
    const QString key = Protocol::nickKey(nick);
    return m_elsewhere.contains(key) ? m_orderedNicks.value(key) : QString();
}

QStringList Membership::nicks() const
{
    return m_orderedNicks.values();
}

const QByteArray &Membership::usersJson()
{
    if (m_usersJson.isEmpty())
        m_usersJson = Protocol::encodeNicks(nicks());
    return m_usersJson;
}

bool Membership::isLarge() const
{
    return m_announceLimit > 0 && size() > m_announceLimit;
}

bool Membership::takeLargenessChange()
{
    const bool large = isLarge();
    if (large == m_large)
        return false;
    m_large = large;
    return true;
}
