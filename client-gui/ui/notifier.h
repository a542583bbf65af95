// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QObject>
#include <QPointer>
#include <QSystemTrayIcon>
#include <QWidget>

class ChatClient;

// Tells the user, while the window is not the active one, about a message that names them
// (their nick or a highlight word) or is addressed to them alone: a desktop notification
// (through the tray icon when it is shown, else the freedesktop notification service over
// D-Bus where there is one), and a beep when sound is on.
class Notifier : public QObject
{
    Q_OBJECT
public:
    Notifier(ChatClient *client, QWidget *window, QObject *parent = nullptr);

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }
    void setSound(bool sound) { m_sound = sound; }
    bool hasSound() const { return m_sound; }
    // Notifications go through this icon while it is visible.
    void setTrayIcon(QSystemTrayIcon *tray) { m_tray = tray; }

    // The message deserves a notification now.
    bool shouldNotify(const Protocol::Message &message) const;

signals:
    // A notification was asked for (whichever service shows it, if any).
    void notified(const QString &title, const QString &body);

private:
    void consider(const Protocol::Message &message);
    void show(const QString &title, const QString &body);
    bool showOverDBus(const QString &title, const QString &body);

    ChatClient *m_client;
    QPointer<QWidget> m_window;
    QPointer<QSystemTrayIcon> m_tray;
    bool m_enabled = true;
    bool m_sound = false;
};
