// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QPointer>
#include <QToolButton>

class MessageView;

// A bar above the conversation while its "new messages" line is scrolled out of sight above:
// a click (or Alt+U) brings the line to the top.
class UnreadJumpButton : public QToolButton
{
    Q_OBJECT
public:
    explicit UnreadJumpButton(QWidget *parent = nullptr);

    // Follows this view's scrolling; null hides the bar.
    void setView(MessageView *view);
    // Shown exactly while the view has the line and it is above the first line on screen.
    void refresh();

private:
    QPointer<MessageView> m_view;
};
