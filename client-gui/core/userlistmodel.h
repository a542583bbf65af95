#pragma once

#include <QAbstractListModel>
#include <QCollator>
#include <QHash>
#include <QMap>
#include <QStringList>

// Who is in a conversation: those online first, then the room's members who are away, each
// part sorted the way people read names (case-insensitive, locale-aware); in a room too large
// to list, only how many are online. "Away" in the list's parts means not online; an online
// user who said `/away` keeps its place and has a reason (AwayReasonRole, the tooltip).
class UserListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { OnlineRole = Qt::UserRole + 1, AwayReasonRole };

    explicit UserListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void setUsers(QStringList users);
    // Everyone who belongs to the room, online or not; those not online are listed after.
    void setMembers(const QStringList &members);
    // A room too large to list: only how many are online is known.
    void setCountOnly(qsizetype online);
    bool isCountOnly() const { return m_countOnly; }
    qsizetype onlineCount() const { return m_countOnly ? m_online : m_users.size(); }
    // Online now; a member who joined the room is one from then on.
    void addUser(const QString &nick);
    // Gone offline: still listed (greyed) if a member of the room.
    void removeUser(const QString &nick);
    // No longer a member at all (parted or removed).
    void removeMember(const QString &nick);
    void clear() { setUsers({}); }
    // Online users who said they are away, with why; an empty reason: back.
    void setAwayReasons(const QMap<QString, QString> &reasons);
    void setAwayReason(const QString &nick, const QString &reason);
    QString awayReason(const QString &nick) const;
    // `from` is called `to` now (online and as a member); false when `from` is not online here.
    bool renameUser(const QString &from, const QString &to);
    bool hasUser(const QString &nick) const;
    const QStringList &users() const { return m_users; }
    const QStringList &away() const { return m_away; }

signals:
    void countChanged(int count);

private:
    void sortNicks(QStringList *nicks) const;
    void recomputeAway();

    QStringList m_users; // online
    QStringList m_members; // all members, when the room lists them
    QStringList m_away; // members not online, sorted
    QHash<QString, QString> m_awayReasons; // nickKey -> why an online user is away
    QCollator m_collator;
    qsizetype m_online = 0;
    bool m_countOnly = false;
};
