// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QIcon>
#include <QObject>
#include <QPointer>
#include <QSystemTrayIcon>

class ConversationListModel;
class QAction;
class QMenu;
class QWidget;

// The icon in the system tray: the unread count in its tooltip and as a badge, a click shows
// or hides the window, and its menu has Show/Hide and Quit. It is only shown where the desktop
// has a tray; the window hides to it on close only then (the user could not get it back).
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    TrayIcon(ConversationListModel *conversations, QWidget *window, QObject *parent = nullptr);
    ~TrayIcon() override;

    // The desktop has a tray (asked of the platform; set for platforms that say so late).
    bool isAvailable() const { return m_available; }
    void setAvailable(bool available);

    int unreadCount() const { return m_unread; }
    bool isMentioned() const { return m_mentioned; }
    QString toolTip() const;
    QMenu *menu() const { return m_menu; }
    QSystemTrayIcon *icon() const { return m_icon; }
    // The application's icon with the count on it (none for 0).
    static QIcon badged(const QIcon &base, int count, bool mentioned);

signals:
    void quitRequested();

private:
    void update();
    void toggleWindow();

    ConversationListModel *m_conversations;
    QPointer<QWidget> m_window;
    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
    QAction *m_showAction;
    QIcon m_baseIcon;
    bool m_available;
    int m_unread = -1;
    bool m_mentioned = false;
};
