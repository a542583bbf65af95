// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "testclient.h"
#include "trayicon.h"
#include "windowfixture.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

// The tray icon with the real window against an in-process server. The offscreen platform
// has no tray, so the tests that need one say the desktop has it (TrayIcon::setAvailable).
class tst_TrayIcon : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void toolTipAndBadgeFollowTheUnreadCount();
    void menuShowsHidesAndQuits();
    void closeHidesToTheTrayOnlyWhereThereIsOne();
    void quitFromTheTrayWhileHidden();

private:
    void openWindow();

    TestClient *m_bb = nullptr; // deleted by tearDown()
};

void tst_TrayIcon::initTestCase()
{
    m_settings.install(u"tst_trayicon"_s);
}

void tst_TrayIcon::init()
{
    startServerAndClient();
}

void tst_TrayIcon::cleanup()
{
    tearDown();
    m_bb = nullptr;
}

void tst_TrayIcon::openWindow()
{
    openWindowOnline(u"aa"_s);
    if (QTest::currentTestFailed())
        return;
    m_bb = newPeer();
    QVERIFY(m_bb->join(m_server->serverPort(), u"bb"_s));
}

void tst_TrayIcon::toolTipAndBadgeFollowTheUnreadCount()
{
    openWindow();
    TrayIcon *tray = m_window->trayIcon();
    QVERIFY(tray);
    QCOMPARE(tray->isAvailable(), QSystemTrayIcon::isSystemTrayAvailable());
    QCOMPARE(tray->icon()->toolTip(), u"Natter"_s);
    QWidget other;
    other.show();
    other.activateWindow();
    QTRY_VERIFY(!m_window->isActiveWindow());
    m_bb->say(u"one"_s, u"1"_s);
    m_bb->say(u"two"_s, u"2"_s);
    QTRY_COMPARE(tray->unreadCount(), 2);
    QCOMPARE(tray->icon()->toolTip(), u"Natter: 2 unread"_s);
    QVERIFY(!tray->isMentioned());
    m_bb->say(u"aa: three"_s, u"3"_s);
    QTRY_COMPARE(tray->unreadCount(), 3);
    QCOMPARE(tray->icon()->toolTip(), u"Natter: 3 unread, you were mentioned"_s);
    // The badge is painted on the icon (bottom right): red for a mention. Sampled left of
    // its digit.
    const QImage badge = tray->icon()->icon().pixmap(64, 64).toImage();
    const QColor inBadge = badge.pixelColor(31, 45);
    QVERIFY2(inBadge.red() > 150 && inBadge.green() < 100, qPrintable(inBadge.name()));
    QVERIFY(badge
            != TrayIcon::badged(QApplication::windowIcon(), 0, false).pixmap(64, 64).toImage());
    // Looking at the window reads them.
    m_window->activateWindow();
    QTRY_COMPARE(tray->unreadCount(), 0);
    QCOMPARE(tray->icon()->toolTip(), u"Natter"_s);
}

void tst_TrayIcon::menuShowsHidesAndQuits()
{
    openWindow();
    TrayIcon *tray = m_window->trayIcon();
    QMenu *menu = tray->menu();
    QCOMPARE(tray->icon()->contextMenu(), menu);
    auto *show = menu->findChild<QAction *>(u"trayShow"_s);
    auto *quit = menu->findChild<QAction *>(u"trayQuit"_s);
    QVERIFY(show && quit);
    QCOMPARE(quit->text(), u"&Quit"_s);
    emit menu->aboutToShow();
    QCOMPARE(show->text(), u"&Hide Natter"_s);
    show->trigger();
    QVERIFY(!m_window->isVisible());
    emit menu->aboutToShow();
    QCOMPARE(show->text(), u"&Show Natter"_s);
    show->trigger();
    QVERIFY(m_window->isVisible());

    // Quit closes the window and leaves the chat even where closing would only hide it.
    tray->setAvailable(true);
    Preferences preferences = m_window->preferences();
    preferences.closeToTray = true;
    m_window->applyPreferences(preferences);
    QSignalSpy quitting(m_window.get(), &MainWindow::quitRequested);
    quit->trigger();
    QCOMPARE(quitting.count(), 1);
    QVERIFY(!m_window->isVisible());
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
}

void tst_TrayIcon::quitFromTheTrayWhileHidden()
{
    openWindow();
    TrayIcon *tray = m_window->trayIcon();
    tray->setAvailable(true);
    Preferences preferences = m_window->preferences();
    preferences.closeToTray = true;
    m_window->applyPreferences(preferences);
    QVERIFY(!m_window->close());
    QCOMPARE(m_client->state(), ChatClient::State::Online);
    QSignalSpy quitting(m_window.get(), &MainWindow::quitRequested);
    tray->menu()->findChild<QAction *>(u"trayQuit"_s)->trigger();
    QCOMPARE(quitting.count(), 1);
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
}

void tst_TrayIcon::closeHidesToTheTrayOnlyWhereThereIsOne()
{
    openWindow();
    TrayIcon *tray = m_window->trayIcon();
    Preferences preferences = m_window->preferences();
    preferences.closeToTray = true;
    m_window->applyPreferences(preferences);

    // With a tray: hidden, still in the chat, and back from the tray.
    tray->setAvailable(true);
    QVERIFY(!m_window->close());
    QVERIFY(!m_window->isVisible());
    QCOMPARE(m_client->state(), ChatClient::State::Online);
    m_bb->say(u"while hidden"_s, u"1"_s);
    QTRY_COMPARE(tray->unreadCount(), 1);
    tray->menu()->findChild<QAction *>(u"trayShow"_s)->trigger();
    QVERIFY(m_window->isVisible());
    // Clicking a notification brings the window back too.
    QVERIFY(!m_window->close());
    QVERIFY(!m_window->isVisible());
    emit tray->icon()->messageClicked();
    QVERIFY(m_window->isVisible());

    // Without one (this platform): closing is quitting, or the window could not come back.
    tray->setAvailable(false);
    QVERIFY(m_window->close());
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
}

QTEST_MAIN(tst_TrayIcon)
#include "tst_trayicon.moc"
