// SPDX-License-Identifier: BSD-3-Clause
#include "notifier.h"

#include "actiontext.h"
#include "chatclient.h"

#include <QApplication>
#include <QSystemTrayIcon>
#include <QWidget>

#ifdef NATTER_HAVE_DBUS
#include <QDBusConnection>
#include <QDBusMessage>
#endif

using namespace Qt::StringLiterals;

namespace {
// A notification is a glance, not the message: the view has the rest.
constexpr qsizetype MaxBody = 200;
constexpr int ShownMs = 8000;
} // namespace

Notifier::Notifier(ChatClient *client, QWidget *window, QObject *parent)
    : QObject(parent), m_client(client), m_window(window)
{
    connect(client, &ChatClient::messageReceived, this, &Notifier::consider);
}

bool Notifier::shouldNotify(const Protocol::Message &message) const
{
    if (!m_enabled || (m_window && m_window->isActiveWindow()))
        return false;
    if (Protocol::storedNickKey(message.from) == Protocol::storedNickKey(m_client->nick()))
        return false;
    return message.isDirect() || m_client->isMention(message);
}

void Notifier::consider(const Protocol::Message &message)
{
    if (!shouldNotify(message))
        return;
    const QString title = message.isDirect() ? tr("%1 (direct message)").arg(message.from)
                                             : tr("%1 in #%2").arg(message.from, message.room);
    QString body = ActionText::displayed(message.from, message.text);
    if (body.size() > MaxBody)
        body = body.left(MaxBody - 1) + u'…';
    show(title, body);
}

void Notifier::show(const QString &title, const QString &body)
{
    emit notified(title, body);
    if (m_sound)
        QApplication::beep();
    if (m_tray && m_tray->isVisible() && QSystemTrayIcon::supportsMessages()) {
        m_tray->showMessage(title, body, m_tray->icon(), ShownMs);
        return;
    }
    showOverDBus(title, body);
}

bool Notifier::showOverDBus(const QString &title, const QString &body)
{
#ifdef NATTER_HAVE_DBUS
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    QDBusMessage call = QDBusMessage::createMethodCall(
            u"org.freedesktop.Notifications"_s, u"/org/freedesktop/Notifications"_s,
            u"org.freedesktop.Notifications"_s, u"Notify"_s);
    // The body is markup to some servers: plain text has to stay plain.
    call << QApplication::applicationDisplayName() << uint(0) << u"natter"_s << title
         << body.toHtmlEscaped() << QStringList() << QVariantMap() << ShownMs;
    // No answer is waited for: the window never blocks on the desktop.
    return bus.send(call);
#else
    Q_UNUSED(title)
    Q_UNUSED(body)
    return false;
#endif
}
