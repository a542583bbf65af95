#pragma once

#include <QAbstractListModel>
#include <QCollator>
#include <QStringList>

// Who is online, kept sorted the way people read names (case-insensitive, locale-aware); in a
// room too large to list, only how many.
class UserListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit UserListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void setUsers(QStringList users);
    // A room too large to list: only how many are online is known.
    void setCountOnly(qsizetype online);
    bool isCountOnly() const { return m_countOnly; }
    qsizetype onlineCount() const { return m_countOnly ? m_online : m_users.size(); }
    void addUser(const QString &nick);
    void removeUser(const QString &nick);
    void clear() { setUsers({}); }
    const QStringList &users() const { return m_users; }

signals:
    void countChanged(int count);

private:
    QStringList::const_iterator lowerBound(const QString &nick) const;

    QStringList m_users;
    QCollator m_collator;
    qsizetype m_online = 0;
    bool m_countOnly = false;
};
