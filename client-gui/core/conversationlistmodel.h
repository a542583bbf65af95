#pragma once

#include "conversation.h"

#include <QAbstractListModel>
#include <QCollator>
#include <QList>

// The sidebar's list: the rooms (the lobby first, then by name), then the direct
// conversations (by nick). It owns the conversations.
class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        UnreadRole = Qt::UserRole + 1, // int
        BoldRole, // bool: something unread
        MentionedRole, // bool: something unread names the user
        KindRole, // Conversation::Kind
        NameRole, // the room's name or the peer's nick
        TopicRole,
    };

    explicit ConversationListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Conversation *find(Conversation::Kind kind, const QString &name) const;
    // Finds it or adds a new one in its place.
    Conversation *obtain(Conversation::Kind kind, const QString &name);
    // Removes and deletes it later (the window may still be showing it this turn).
    void remove(Conversation *conversation);
    Conversation *at(int row) const { return m_conversations.value(row); }
    int rowOf(const Conversation *conversation) const;
    const QList<Conversation *> &all() const { return m_conversations; }

signals:
    void aboutToRemove(Conversation *conversation);

private:
    bool comesBefore(const Conversation *a, const Conversation *b) const;

    QList<Conversation *> m_conversations;
    QCollator m_collator;
};
