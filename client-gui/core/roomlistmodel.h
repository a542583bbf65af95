#pragma once

#include "protocol.h"

#include <QAbstractTableModel>

// The server's rooms as the "Join or create a room" dialog lists them: name, topic, size.
class RoomListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TopicColumn, MembersColumn, ColumnCount };
    enum Role { RoomRole = Qt::UserRole + 1 }; // the room's name, without '#'

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setRooms(const QList<Protocol::RoomSummary> &rooms);

private:
    QList<Protocol::RoomSummary> m_rooms;
};
