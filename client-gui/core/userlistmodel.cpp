#include "userlistmodel.h"

#include "protocol.h"

#include <algorithm>

UserListModel::UserListModel(QObject *parent) : QAbstractListModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

int UserListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

QVariant UserListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::DisplayRole)
        return {};
    return m_users.at(index.row());
}

void UserListModel::setUsers(QStringList users)
{
    std::sort(users.begin(), users.end(), m_collator);
    beginResetModel();
    m_users = std::move(users);
    m_countOnly = false;
    endResetModel();
    emit countChanged(int(m_users.size()));
}

void UserListModel::setCountOnly(qsizetype online)
{
    beginResetModel();
    m_users.clear();
    m_online = online;
    m_countOnly = true;
    endResetModel();
    emit countChanged(int(online));
}

QStringList::const_iterator UserListModel::lowerBound(const QString &nick) const
{
    return std::lower_bound(m_users.cbegin(), m_users.cend(), nick, m_collator);
}

void UserListModel::addUser(const QString &nick)
{
    if (m_countOnly)
        return;
    const auto key = Protocol::nickKey(nick);
    if (std::any_of(m_users.cbegin(), m_users.cend(),
                    [&](const QString &user) { return Protocol::nickKey(user) == key; }))
        return;
    const int row = int(lowerBound(nick) - m_users.cbegin());
    beginInsertRows({}, row, row);
    m_users.insert(row, nick);
    endInsertRows();
    emit countChanged(int(m_users.size()));
}

void UserListModel::removeUser(const QString &nick)
{
    if (m_countOnly)
        return;
    const auto key = Protocol::nickKey(nick);
    const auto it = std::find_if(m_users.cbegin(), m_users.cend(),
                                 [&](const QString &user) { return Protocol::nickKey(user) == key; });
    if (it == m_users.cend())
        return;
    const int row = int(it - m_users.cbegin());
    beginRemoveRows({}, row, row);
    m_users.removeAt(row);
    endRemoveRows();
    emit countChanged(int(m_users.size()));
}
