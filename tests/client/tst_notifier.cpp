// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "conversationlistmodel.h"
#include "mainwindow.h"
#include "messageview.h"
#include "notifier.h"
#include "testclient.h"
#include "windowfixture.h"

#include <QListView>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <memory>

#ifdef NATTER_HAVE_DBUS
#include <QDBusConnection>

// Stands in for the desktop's notification service (org.freedesktop.Notifications).
class FakeNotificationService : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QStringList summaries;
    QStringList bodies;

public slots:
    uint Notify(const QString &, uint, const QString &, const QString &summary, const QString &body,
                const QStringList &, const QVariantMap &, int)
    {
        summaries.append(summary);
        bodies.append(body);
        return uint(summaries.size());
    }
};
#endif

using namespace Qt::StringLiterals;

// Mentions and the notifications they raise, with the real window against an in-process
// server: one peer talks, the window is the active one or not.
class tst_Notifier : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void mentionWhileInactiveNotifies();
    void nothingWhileActive();
    void highlightWordsAreMentions();
    void directMessageNotifiesAndActionsReadAsSentences();
    void switchedOffNotifiesNothing();
    void desktopServiceIsAskedOverDBus();

private:
    void openWindow();
    void makeInactive();
    // bb says `text` in the lobby; returns once the window's client has it.
    void bbSays(const QString &text, const QString &to = {});

    TestClient *m_bb = nullptr; // deleted by tearDown()
    std::unique_ptr<QWidget> m_other;
    int m_said = 0;
    QProcess m_bus; // a session bus of the tests' own, where there is dbus-daemon
    QString m_busAddress;
};

void tst_Notifier::initTestCase()
{
    m_settings.install(u"tst_notifier"_s);
    // Before anything connects to a session bus: the window's notifications go to this one.
    const QString daemon = QStandardPaths::findExecutable(u"dbus-daemon"_s);
    if (!daemon.isEmpty()) {
        m_bus.start(daemon, { u"--session"_s, u"--nofork"_s, u"--print-address"_s });
        QTRY_VERIFY(m_bus.canReadLine() || m_bus.state() == QProcess::NotRunning);
        m_busAddress = QString::fromUtf8(m_bus.readLine()).trimmed();
        if (!m_busAddress.isEmpty())
            qputenv("DBUS_SESSION_BUS_ADDRESS", m_busAddress.toUtf8());
    }
}

void tst_Notifier::cleanupTestCase()
{
    if (m_bus.state() != QProcess::NotRunning) {
        m_bus.terminate();
        QTRY_COMPARE(m_bus.state(), QProcess::NotRunning);
    }
}

void tst_Notifier::init()
{
    startServerAndClient();
    m_said = 0;
}

void tst_Notifier::cleanup()
{
    m_other.reset();
    tearDown();
    m_bb = nullptr;
}

void tst_Notifier::openWindow()
{
    openWindowOnline(u"aa"_s, Activation::Activate);
    if (QTest::currentTestFailed())
        return;
    m_bb = newPeer();
    QVERIFY(m_bb->join(m_server->serverPort(), u"bb"_s));
}

void tst_Notifier::makeInactive()
{
    m_other = std::make_unique<QWidget>();
    m_other->show();
    m_other->activateWindow();
    QTRY_VERIFY(!m_window->isActiveWindow());
}

void tst_Notifier::bbSays(const QString &text, const QString &to)
{
    m_bb->say(text, QString::number(++m_said), to);
    const auto arrived = [&] {
        Conversation *where = to.isEmpty()
                ? m_client->lobby()
                : m_client->conversations()->find(Conversation::Kind::Direct, u"bb"_s);
        if (!where || where->messages()->rowCount() == 0)
            return false;
        const MessageModel *messages = where->messages();
        return messages->entry(messages->rowCount() - 1).text == text;
    };
    QTRY_VERIFY(arrived());
}

void tst_Notifier::mentionWhileInactiveNotifies()
{
    openWindow();
    makeInactive();
    QSignalSpy notified(m_window->notifier(), &Notifier::notified);
    bbSays(u"no names here"_s);
    bbSays(u"aardvarks"_s); // a longer word is no mention
    QCOMPARE(notified.count(), 0);
    bbSays(u"hey AA, are you there?"_s);
    QTRY_COMPARE(notified.count(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), u"bb in #lobby"_s);
    QCOMPARE(notified.at(0).at(1).toString(), u"hey AA, are you there?"_s);
    // Highlighted in the sidebar and in the view.
    const QModelIndex lobby = m_client->conversations()->index(0);
    QVERIFY(lobby.data(ConversationListModel::MentionedRole).toBool());
    const QString html = m_window->findChild<MessageView *>(u"messages"_s)->document()->toHtml();
    QVERIFY(html.contains(u"background-color:#fff3c4"_s));
}

void tst_Notifier::nothingWhileActive()
{
    openWindow();
    QSignalSpy notified(m_window->notifier(), &Notifier::notified);
    bbSays(u"aa: you are looking, so no popup"_s);
    bbSays(u"direct, and still looking"_s, u"aa"_s);
    QCOMPARE(notified.count(), 0);
    // The same mention while the window is inactive does notify: the window was the reason.
    makeInactive();
    bbSays(u"aa: now you are away"_s);
    QTRY_COMPARE(notified.count(), 1);
}

void tst_Notifier::highlightWordsAreMentions()
{
    openWindow();
    Preferences preferences = m_window->preferences();
    preferences.highlightWords = { u"release"_s, u"c++"_s };
    m_window->applyPreferences(preferences);
    makeInactive();
    QSignalSpy notified(m_window->notifier(), &Notifier::notified);
    bbSays(u"releases are weekly"_s); // a longer word
    QCOMPARE(notified.count(), 0);
    QVERIFY(!m_client->lobby()->isMentioned());
    bbSays(u"The RELEASE is out"_s);
    QTRY_COMPARE(notified.count(), 1);
    QVERIFY(m_client->lobby()->isMentioned());
    bbSays(u"all in C++ now"_s);
    QTRY_COMPARE(notified.count(), 2);
    const MessageModel *messages = m_client->lobby()->messages();
    QVERIFY(messages->entry(messages->rowCount() - 1).mention);
}

void tst_Notifier::directMessageNotifiesAndActionsReadAsSentences()
{
    openWindow();
    makeInactive();
    QSignalSpy notified(m_window->notifier(), &Notifier::notified);
    bbSays(u"* waves"_s, u"aa"_s); // a direct message needs no name in it
    QTRY_COMPARE(notified.count(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), u"bb (direct message)"_s);
    QCOMPARE(notified.at(0).at(1).toString(), u"* bb waves"_s);
}

void tst_Notifier::switchedOffNotifiesNothing()
{
    openWindow();
    Preferences preferences = m_window->preferences();
    preferences.notifications = false;
    m_window->applyPreferences(preferences);
    makeInactive();
    QSignalSpy notified(m_window->notifier(), &Notifier::notified);
    bbSays(u"aa, anyone?"_s);
    bbSays(u"direct"_s, u"aa"_s);
    QCOMPARE(notified.count(), 0);
    // The mention is still highlighted: only the popup is off.
    QVERIFY(m_client->lobby()->isMentioned());
}

void tst_Notifier::desktopServiceIsAskedOverDBus()
{
#ifndef NATTER_HAVE_DBUS
    QSKIP("built without Qt D-Bus");
#else
    if (m_busAddress.isEmpty())
        QSKIP("no dbus-daemon to run a session bus on");
    QVERIFY(QDBusConnection::sessionBus().isConnected());
    // The service on a connection of its own, as the desktop's would be.
    QDBusConnection desktop = QDBusConnection::connectToBus(m_busAddress, u"desktop"_s);
    QVERIFY(desktop.isConnected());
    FakeNotificationService service;
    QVERIFY(desktop.registerService(u"org.freedesktop.Notifications"_s));
    QVERIFY(desktop.registerObject(u"/org/freedesktop/Notifications"_s, &service,
                                   QDBusConnection::ExportAllSlots));
    openWindow();
    makeInactive();
    bbSays(u"aa: <b>markup</b> stays text"_s);
    QTRY_COMPARE(service.summaries.size(), 1);
    QCOMPARE(service.summaries.at(0), u"bb in #lobby"_s);
    QCOMPARE(service.bodies.at(0), u"aa: &lt;b&gt;markup&lt;/b&gt; stays text"_s);
    // Nothing for a line without a mention: the next one asked for is the next mention (one
    // connection's calls arrive in order).
    bbSays(u"no mention"_s);
    bbSays(u"aa again"_s);
    QTRY_COMPARE(service.summaries.size(), 2);
    QCOMPARE(service.bodies.at(1), u"aa again"_s);
    desktop.unregisterService(u"org.freedesktop.Notifications"_s);
    QDBusConnection::disconnectFromBus(u"desktop"_s);
#endif
}

QTEST_MAIN(tst_Notifier)
#include "tst_notifier.moc"
