#include "roomlistmodel.h"

using namespace Qt::StringLiterals;

RoomListModel::RoomListModel(QObject *parent) : QAbstractTableModel(parent)
{
}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

int RoomListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Protocol::RoomSummary &room = m_rooms.at(index.row());
    if (role == RoomRole)
        return room.room;
    if (role == Qt::TextAlignmentRole && index.column() == MembersColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return room.isPrivate ? tr("#%1 (private)").arg(room.room) : u"#"_s + room.room;
    case TopicColumn:
        return room.topic;
    case MembersColumn:
        return room.members;
    }
    return {};
}

QVariant RoomListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Room");
    case TopicColumn:
        return tr("Topic");
    case MembersColumn:
        return tr("Members");
    }
    return {};
}

void RoomListModel::setRooms(const QList<Protocol::RoomSummary> &rooms)
{
    beginResetModel();
    m_rooms = rooms;
    endResetModel();
}
