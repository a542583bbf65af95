// SPDX-License-Identifier: BSD-3-Clause
#include "trayicon.h"

#include "conversationlistmodel.h"

#include <QApplication>
#include <QEvent>
#include <QMenu>
#include <QPainter>
#include <QWidget>

using namespace Qt::StringLiterals;

TrayIcon::TrayIcon(ConversationListModel *conversations, QWidget *window, QObject *parent)
    : QObject(parent),
      m_conversations(conversations),
      m_window(window),
      m_icon(new QSystemTrayIcon(this)),
      m_menu(new QMenu),
      m_baseIcon(QApplication::windowIcon().isNull() ? QIcon(u":/icons/natter.svg"_s)
                                                     : QApplication::windowIcon()),
      m_available(QSystemTrayIcon::isSystemTrayAvailable())
{
    m_menu->setObjectName(u"trayMenu"_s);
    m_showAction = m_menu->addAction(QString(), this, [this] {
        if (m_window && m_window->isVisible())
            m_window->hide();
        else
            toggleWindow();
    });
    m_showAction->setObjectName(u"trayShow"_s);
    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(tr("&Quit"), this, &TrayIcon::quitRequested);
    quit->setObjectName(u"trayQuit"_s);
    // Its label follows the window: the menu is built when it opens.
    connect(m_menu, &QMenu::aboutToShow, this, [this] {
        m_showAction->setText(m_window && m_window->isVisible() ? tr("&Hide Natter")
                                                                : tr("&Show Natter"));
    });
    m_showAction->setText(tr("&Hide Natter"));
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger)
                    toggleWindow();
            });
    // A notification is about something in the window: clicking it shows the window.
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, [this] {
        if (m_window && !(m_window->isVisible() && m_window->isActiveWindow()))
            toggleWindow();
    });
    // Conversations report their unread counts and mentions through the sidebar's model.
    connect(conversations, &QAbstractItemModel::dataChanged, this, &TrayIcon::update);
    connect(conversations, &QAbstractItemModel::rowsInserted, this, &TrayIcon::update);
    connect(conversations, &QAbstractItemModel::rowsRemoved, this, &TrayIcon::update);
    connect(conversations, &QAbstractItemModel::modelReset, this, &TrayIcon::update);
    update();
    m_icon->setVisible(m_available);
}

TrayIcon::~TrayIcon()
{
    delete m_menu; // not a child: a QMenu's parent would have to be a widget
}

void TrayIcon::setAvailable(bool available)
{
    m_available = available;
    m_icon->setVisible(available);
}

QString TrayIcon::toolTip() const
{
    if (m_unread == 0)
        return tr("Natter");
    return m_mentioned ? tr("Natter: %n unread, you were mentioned", nullptr, m_unread)
                       : tr("Natter: %n unread", nullptr, m_unread);
}

void TrayIcon::update()
{
    int unread = 0;
    bool mentioned = false;
    for (const Conversation *conversation : m_conversations->all()) {
        unread += conversation->unreadCount();
        mentioned |= conversation->isMentioned();
    }
    if (unread == m_unread && mentioned == m_mentioned)
        return;
    m_unread = unread;
    m_mentioned = mentioned;
    m_icon->setToolTip(toolTip());
    m_icon->setIcon(badged(m_baseIcon, unread, mentioned));
}

QIcon TrayIcon::badged(const QIcon &base, int count, bool mentioned)
{
    if (count <= 0)
        return base;
    constexpr int Size = 64;
    QPixmap pixmap = base.pixmap(Size, Size);
    if (pixmap.isNull()) {
        pixmap = QPixmap(Size, Size);
        pixmap.fill(Qt::transparent);
    }
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRect badge(Size * 2 / 5, Size * 2 / 5, Size * 3 / 5, Size * 3 / 5);
    // Red for a mention, as the sidebar singles them out; blue for the rest.
    painter.setPen(Qt::NoPen);
    painter.setBrush(mentioned ? QColor(0xd0, 0x30, 0x30) : QColor(0x2a, 0x6f, 0xd0));
    painter.drawEllipse(badge);
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(count > 99 ? Size / 4 : Size / 3);
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(badge, Qt::AlignCenter, count > 99 ? u"99+"_s : QString::number(count));
    painter.end();
    return QIcon(pixmap);
}

void TrayIcon::toggleWindow()
{
    if (!m_window)
        return;
    if (m_window->isVisible() && m_window->isActiveWindow()) {
        m_window->hide();
        return;
    }
    m_window->show();
    m_window->setWindowState(m_window->windowState() & ~Qt::WindowMinimized);
    m_window->raise();
    m_window->activateWindow();
}
