#include "conversationlistmodel.h"

using namespace Qt::StringLiterals;

ConversationListModel::ConversationListModel(QObject *parent) : QAbstractListModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_conversations.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Conversation *conversation = m_conversations.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (conversation->unreadCount() > 0)
            return u"%1 (%2)"_s.arg(conversation->title()).arg(conversation->unreadCount());
        return conversation->title();
    case Qt::ToolTipRole:
    case TopicRole:
        return conversation->topic();
    case UnreadRole:
        return conversation->unreadCount();
    case BoldRole:
        return conversation->unreadCount() > 0;
    case MentionedRole:
        return conversation->isMentioned();
    case KindRole:
        return QVariant::fromValue(conversation->kind());
    case NameRole:
        return conversation->name();
    }
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({ { UnreadRole, "unread" },
                   { BoldRole, "bold" },
                   { MentionedRole, "mentioned" },
                   { KindRole, "kind" },
                   { NameRole, "name" },
                   { TopicRole, "topic" } });
    return names;
}

Conversation *ConversationListModel::find(Conversation::Kind kind, const QString &name) const
{
    const QString key = Conversation::keyFor(kind, name);
    for (Conversation *conversation : m_conversations) {
        if (conversation->key() == key)
            return conversation;
    }
    return nullptr;
}

bool ConversationListModel::comesBefore(const Conversation *a, const Conversation *b) const
{
    if (a->kind() != b->kind())
        return a->isRoom();
    if (a->isLobby() != b->isLobby())
        return a->isLobby();
    return m_collator.compare(a->name(), b->name()) < 0;
}

Conversation *ConversationListModel::obtain(Conversation::Kind kind, const QString &name)
{
    if (Conversation *found = find(kind, name))
        return found;
    auto *conversation = new Conversation(kind, name, this);
    int row = 0;
    while (row < m_conversations.size() && comesBefore(m_conversations.at(row), conversation))
        ++row;
    beginInsertRows({}, row, row);
    m_conversations.insert(row, conversation);
    endInsertRows();
    connect(conversation, &Conversation::changed, this, [this, conversation] {
        const QModelIndex at = index(rowOf(conversation));
        emit dataChanged(at, at);
    });
    return conversation;
}

int ConversationListModel::rowOf(const Conversation *conversation) const
{
    return int(m_conversations.indexOf(conversation));
}

void ConversationListModel::remove(Conversation *conversation)
{
    const int row = rowOf(conversation);
    if (row < 0)
        return;
    emit aboutToRemove(conversation);
    beginRemoveRows({}, row, row);
    m_conversations.removeAt(row);
    endRemoveRows();
    conversation->disconnect(this);
    conversation->deleteLater();
}
