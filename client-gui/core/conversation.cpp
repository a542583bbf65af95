#include "conversation.h"

#include "protocol.h"

using namespace Qt::StringLiterals;

Conversation::Conversation(Kind kind, const QString &name, QObject *parent)
    : QObject(parent), m_kind(kind), m_name(name)
{
    // Counted from the model itself, so rows added any way (live, history, older pages)
    // count the same.
    connect(&m_messages, &QAbstractItemModel::rowsInserted, this, &Conversation::recount);
    connect(&m_messages, &QAbstractItemModel::rowsRemoved, this, &Conversation::recount);
    connect(&m_messages, &QAbstractItemModel::dataChanged, this, &Conversation::recount);
    connect(&m_messages, &QAbstractItemModel::rowsMoved, this, &Conversation::recount);
    connect(&m_messages, &QAbstractItemModel::modelReset, this, &Conversation::recount);
}

bool Conversation::isLobby() const
{
    return isRoom() && Protocol::roomKey(m_name) == Protocol::Lobby;
}

QString Conversation::keyFor(Kind kind, const QString &name)
{
    return kind == Kind::Room ? u"#"_s + Protocol::roomKey(name) : Protocol::nickKey(name);
}

QString Conversation::title() const
{
    return isRoom() ? u"#"_s + m_name : m_name;
}

void Conversation::setTopic(const QString &topic)
{
    if (topic == m_topic)
        return;
    m_topic = topic;
    emit changed();
}

void Conversation::setRoomSettings(const QString &owner, bool isPrivate)
{
    m_owner = owner;
    m_private = isPrivate;
}

bool Conversation::setReadSeq(qint64 seq)
{
    if (seq <= m_readSeq)
        return false;
    m_readSeq = seq;
    recount();
    return true;
}

void Conversation::setEpoch(const QString &epoch)
{
    m_epoch = epoch;
    m_messages.setNumbering(epoch);
}

void Conversation::resetNumbering(const QString &epoch)
{
    m_readSeq = 0;
    m_sentReadSeq = 0;
    if (epoch.isEmpty() || epoch == m_messages.numbering())
        m_messages.forgetNumbering();
    m_messages.setNumbering(epoch);
    m_reachedOldest = false;
    recount();
}

void Conversation::recount()
{
    int unread = 0;
    bool mentioned = false;
    for (int row = m_messages.rowCount() - 1; row >= 0; --row) {
        const MessageModel::Entry &entry = m_messages.entry(row);
        // Rows are in order: the first one at or before the marker ends the unread part.
        if (entry.seq > 0 && entry.seq <= m_readSeq)
            break;
        if (entry.kind != MessageModel::Kind::Message || entry.own || entry.seq == 0)
            continue;
        ++unread;
        mentioned |= entry.mention;
    }
    if (unread == m_unread && mentioned == m_mentioned)
        return;
    m_unread = unread;
    m_mentioned = mentioned;
    emit changed();
}
