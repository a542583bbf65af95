#include "delegates.h"

#include "conversationlistmodel.h"
#include "userlistmodel.h"

void ConversationDelegate::initStyleOption(QStyleOptionViewItem *option,
                                           const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(ConversationListModel::BoldRole).toBool())
        option->font.setBold(true);
    if (index.data(ConversationListModel::MentionedRole).toBool()) {
        // The palette's own highlight, faint: readable in light and dark themes alike (a
        // dark base needs more of it to show).
        QColor highlight = option->palette.color(QPalette::Highlight);
        highlight.setAlpha(option->palette.color(QPalette::Base).lightness() < 128 ? 120 : 70);
        option->backgroundBrush = highlight;
    }
}

void MemberDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!index.data(UserListModel::OnlineRole).toBool()) {
        option->palette.setColor(QPalette::Text,
                                 option->palette.color(QPalette::Disabled, QPalette::Text));
    } else if (!index.data(UserListModel::AwayReasonRole).toString().isEmpty()) {
        // Online but away: dimmed and in italics, with a note; the reason is the tooltip.
        option->palette.setColor(QPalette::Text,
                                 option->palette.color(QPalette::Disabled, QPalette::Text));
        option->font.setItalic(true);
        option->text = tr("%1 (away)").arg(option->text);
    }
}
