#include "messagemodel.h"

#include <algorithm>

MessageModel::MessageModel(qsizetype maxEntries, QObject *parent)
    : QAbstractListModel(parent), m_maxEntries(std::max<qsizetype>(1, maxEntries))
{
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Entry &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return entry.kind == Kind::Message ? entry.from + QLatin1String(": ") + entry.text
                                           : entry.text;
    case KindRole:
        return QVariant::fromValue(entry.kind);
    case SeqRole:
        return entry.seq;
    case TimestampRole:
        return entry.timestamp;
    case FromRole:
        return entry.from;
    case ToRole:
        return entry.to;
    case TextRole:
        return entry.text;
    case OwnRole:
        return entry.own;
    case DeliveryRole:
        return QVariant::fromValue(entry.delivery);
    case IdRole:
        return entry.id;
    case FailureRole:
        return entry.failure;
    case MentionRole:
        return entry.mention;
    }
    return {};
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({ { KindRole, "kind" },
                   { SeqRole, "seq" },
                   { TimestampRole, "timestamp" },
                   { FromRole, "from" },
                   { ToRole, "to" },
                   { TextRole, "text" },
                   { OwnRole, "own" },
                   { DeliveryRole, "delivery" },
                   { IdRole, "id" },
                   { FailureRole, "failure" },
                   { MentionRole, "mention" } });
    return names;
}

void MessageModel::append(Entry entry)
{
    if (m_entries.size() == m_maxEntries) {
        beginRemoveRows({}, 0, 0);
        m_entries.removeFirst();
        endRemoveRows();
    }
    tag(entry);
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(std::move(entry));
    endInsertRows();
}

void MessageModel::prepend(const QList<Entry> &entries)
{
    if (entries.isEmpty())
        return;
    QList<Entry> older = entries;
    for (Entry &entry : older)
        tag(entry);
    // Older in this numbering, but newer than what an earlier numbering left on top (a
    // server back without its store): they go below that, above the rest of this one.
    int at = 0;
    for (int row = 0; row < int(m_entries.size()) && m_entries.at(row).seq == 0; ++row) {
        const Entry &entry = m_entries.at(row);
        if (entry.kind == Kind::Message
            && (entry.delivery == Delivery::Received || entry.delivery == Delivery::Delivered))
            at = row + 1;
    }
    beginInsertRows({}, at, at + int(older.size()) - 1);
    m_entries.insert(at, older.size(), Entry {});
    std::move(older.begin(), older.end(), m_entries.begin() + at);
    endInsertRows();
}

void MessageModel::tag(Entry &entry) const
{
    if (entry.seq > 0 && entry.epochSeq == 0) {
        entry.epoch = m_epoch;
        entry.epochSeq = entry.seq;
    }
}

void MessageModel::setNumbering(const QString &epoch)
{
    if (epoch == m_epoch)
        return;
    m_epoch = epoch;
    // Not announced: no row looks any different, only what its number means.
    for (Entry &entry : m_entries)
        entry.seq = entry.epochSeq > 0 && entry.epoch == epoch ? entry.epochSeq : 0;
}

void MessageModel::forgetNumbering()
{
    for (Entry &entry : m_entries) {
        if (entry.epoch == m_epoch) {
            entry.epochSeq = 0;
            entry.epoch.clear();
        }
        entry.seq = 0;
    }
}

void MessageModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

qint64 MessageModel::oldestSeq() const
{
    for (const Entry &entry : m_entries) {
        if (entry.seq > 0)
            return entry.seq;
    }
    return 0;
}

int MessageModel::rowForId(const QString &id) const
{
    // Own messages waiting for news are among the newest rows: search from the end.
    for (qsizetype row = m_entries.size() - 1; row >= 0; --row) {
        if (m_entries.at(row).own && m_entries.at(row).id == id)
            return int(row);
    }
    return -1;
}

void MessageModel::changed(int row)
{
    const QModelIndex at = index(row);
    emit dataChanged(at, at);
}

bool MessageModel::markDelivered(const QString &id, qint64 seq, qint64 timestamp)
{
    const int row = rowForId(id);
    if (row < 0)
        return false;
    Entry &entry = m_entries[row];
    entry.delivery = Delivery::Delivered;
    entry.seq = seq;
    entry.epoch = m_epoch;
    entry.epochSeq = seq;
    entry.timestamp = timestamp;
    entry.failure.clear();
    changed(row);
    placeBySeq(row);
    return true;
}

void MessageModel::placeBySeq(int row)
{
    // An own message is shown when typed, but numbered only when the server takes it: what
    // others said meanwhile (while it waited in the outbox, or for its ack) is numbered before
    // it and was put below it. It goes after the last of those; unnumbered rows between (notices,
    // other pending messages) keep their place.
    const qint64 seq = m_entries.at(row).seq;
    int last = -1;
    for (int next = row + 1; next < int(m_entries.size()); ++next) {
        const qint64 other = m_entries.at(next).seq;
        if (other > seq)
            break;
        if (other > 0)
            last = next;
    }
    if (last < 0)
        return;
    beginMoveRows({}, row, row, {}, last + 1);
    m_entries.move(row, last);
    endMoveRows();
}

bool MessageModel::markFailed(const QString &id, const QString &reason)
{
    const int row = rowForId(id);
    if (row < 0)
        return false;
    m_entries[row].delivery = Delivery::Failed;
    m_entries[row].failure = reason;
    changed(row);
    return true;
}

bool MessageModel::markPending(const QString &id)
{
    const int row = rowForId(id);
    if (row < 0)
        return false;
    m_entries[row].delivery = Delivery::Pending;
    m_entries[row].failure.clear();
    changed(row);
    return true;
}
