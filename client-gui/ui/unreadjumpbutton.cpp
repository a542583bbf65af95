// SPDX-License-Identifier: BSD-3-Clause
#include "unreadjumpbutton.h"

#include "messageview.h"

#include <QScrollBar>
#include <QTimer>

UnreadJumpButton::UnreadJumpButton(QWidget *parent) : QToolButton(parent)
{
    setText(tr("↑ Jump to the first unread message (Alt+U)"));
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAutoRaise(true);
    setFocusPolicy(Qt::NoFocus); // typing stays in the input line
    hide();
    connect(this, &QToolButton::clicked, this, [this] {
        if (m_view)
            m_view->scrollToUnreadMarker();
        refresh();
    });
}

void UnreadJumpButton::setView(MessageView *view)
{
    if (m_view)
        m_view->verticalScrollBar()->disconnect(this);
    m_view = view;
    if (view) {
        // The layout settles after the scroll bar moved: look once it has.
        const auto later = [this] { QTimer::singleShot(0, this, &UnreadJumpButton::refresh); };
        connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
        connect(view->verticalScrollBar(), &QScrollBar::rangeChanged, this, later);
    }
    refresh();
}

void UnreadJumpButton::refresh()
{
    const int marker = m_view ? m_view->unreadMarkerRow() : -1;
    const bool above = marker >= 0
            && m_view->cursorForPosition(QPoint(0, 0)).blockNumber() > marker;
    setVisible(above);
}
