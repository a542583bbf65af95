#pragma once

#include <QAbstractListModel>
#include <QCollator>
#include <QStringList>

// Who is online, kept sorted the way people read names (case-insensitive, locale-aware).
class UserListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit UserListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void setUsers(QStringList users);
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
};
