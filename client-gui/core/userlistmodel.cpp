#include "userlistmodel.h"

#include "protocol.h"

#include <QSet>

#include <algorithm>

namespace {

bool containsNick(const QStringList &nicks, const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    return std::any_of(nicks.cbegin(), nicks.cend(),
                       [&](const QString &other) { return Protocol::nickKey(other) == key; });
}

bool removeNick(QStringList *nicks, const QString &nick)
{
    const QString key = Protocol::nickKey(nick);
    return nicks->removeIf([&](const QString &other) { return Protocol::nickKey(other) == key; })
            > 0;
}

} // namespace

UserListModel::UserListModel(QObject *parent) : QAbstractListModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

int UserListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size() + m_away.size());
}

QVariant UserListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool online = index.row() < m_users.size();
    switch (role) {
    case Qt::DisplayRole:
        return online ? m_users.at(index.row()) : m_away.at(index.row() - m_users.size());
    case OnlineRole:
        return online;
    case AwayReasonRole:
        return online ? m_awayReasons.value(Protocol::nickKey(m_users.at(index.row()))) : QString();
    case Qt::ToolTipRole:
        if (const QString reason = online
                    ? m_awayReasons.value(Protocol::nickKey(m_users.at(index.row())))
                    : QString();
            !reason.isEmpty())
            return tr("Away: %1").arg(reason);
        return online ? QVariant() : tr("Not online");
    }
    return {};
}

void UserListModel::setAwayReasons(const QMap<QString, QString> &reasons)
{
    m_awayReasons.clear();
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
        if (!it.value().isEmpty())
            m_awayReasons.insert(Protocol::nickKey(it.key()), it.value());
    }
    if (!m_users.isEmpty())
        emit dataChanged(index(0), index(int(m_users.size()) - 1));
}

void UserListModel::setAwayReason(const QString &nick, const QString &reason)
{
    const QString key = Protocol::nickKey(nick);
    if (reason.isEmpty())
        m_awayReasons.remove(key);
    else
        m_awayReasons.insert(key, reason);
    for (qsizetype row = 0; row < m_users.size(); ++row) {
        if (Protocol::nickKey(m_users.at(row)) == key)
            emit dataChanged(index(int(row)), index(int(row)));
    }
}

QString UserListModel::awayReason(const QString &nick) const
{
    return m_awayReasons.value(Protocol::nickKey(nick));
}

bool UserListModel::hasUser(const QString &nick) const
{
    return containsNick(m_users, nick);
}

bool UserListModel::renameUser(const QString &from, const QString &to)
{
    if (m_countOnly || !containsNick(m_users, from))
        return false;
    beginResetModel();
    removeNick(&m_users, from);
    m_users.append(to);
    sortNicks(&m_users);
    // The new nick is a member too (the server adds it to the rooms the user is in).
    if (!m_members.isEmpty() && !containsNick(m_members, to))
        m_members.append(to);
    if (const QString reason = m_awayReasons.take(Protocol::nickKey(from)); !reason.isEmpty())
        m_awayReasons.insert(Protocol::nickKey(to), reason);
    recomputeAway();
    endResetModel();
    return true;
}

void UserListModel::sortNicks(QStringList *nicks) const
{
    std::sort(nicks->begin(), nicks->end(), m_collator);
}

void UserListModel::recomputeAway()
{
    m_away.clear();
    for (const QString &member : std::as_const(m_members)) {
        if (!containsNick(m_users, member))
            m_away.append(member);
    }
    sortNicks(&m_away);
}

void UserListModel::setUsers(QStringList users)
{
    sortNicks(&users);
    beginResetModel();
    m_users = std::move(users);
    m_countOnly = false;
    recomputeAway();
    endResetModel();
    emit countChanged(int(m_users.size()));
}

void UserListModel::setMembers(const QStringList &members)
{
    beginResetModel();
    m_members = members;
    recomputeAway();
    endResetModel();
}

void UserListModel::setCountOnly(qsizetype online)
{
    beginResetModel();
    m_users.clear();
    m_away.clear();
    m_awayReasons.clear();
    m_online = online;
    m_countOnly = true;
    endResetModel();
    emit countChanged(int(online));
}

void UserListModel::addUser(const QString &nick)
{
    if (m_countOnly)
        return;
    if (!m_members.isEmpty() && !containsNick(m_members, nick))
        m_members.append(nick);
    if (containsNick(m_users, nick))
        return;
    beginResetModel();
    m_users.append(nick);
    sortNicks(&m_users);
    removeNick(&m_away, nick);
    endResetModel();
    emit countChanged(int(m_users.size()));
}

void UserListModel::removeUser(const QString &nick)
{
    if (m_countOnly || !containsNick(m_users, nick))
        return;
    beginResetModel();
    removeNick(&m_users, nick);
    m_awayReasons.remove(Protocol::nickKey(nick));
    recomputeAway();
    endResetModel();
    emit countChanged(int(m_users.size()));
}

void UserListModel::removeMember(const QString &nick)
{
    removeNick(&m_members, nick);
    removeUser(nick);
    if (containsNick(m_away, nick)) {
        beginResetModel();
        removeNick(&m_away, nick);
        endResetModel();
    }
}
