// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "conversationlistmodel.h"
#include "mainwindow.h"
#include "messageview.h"
#include "notifier.h"
#include "testclient.h"

#include <QListView>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// Mentions and the notifications they raise, with the real window against an in-process
// server: one peer talks, the window is the active one or not.
class tst_Notifier : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void mentionWhileInactiveNotifies();
    void nothingWhileActive();
    void highlightWordsAreMentions();
    void directMessageNotifiesAndActionsReadAsSentences();
    void switchedOffNotifiesNothing();

private:
    void openWindow();
    void makeInactive();
    // bb says `text` in the lobby; returns once the window's client has it.
    void bbSays(const QString &text, const QString &to = {});

    QTemporaryDir m_settingsDir;
    std::unique_ptr<ChatServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<TestClient> m_bb;
    std::unique_ptr<QWidget> m_other;
    int m_said = 0;
};

void tst_Notifier::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"NatterTest"_s);
    QCoreApplication::setApplicationName(u"tst_notifier"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_Notifier::init()
{
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_client = std::make_unique<ChatClient>();
    m_client->setReconnectDelays(50ms, 200ms);
    m_said = 0;
}

void tst_Notifier::cleanup()
{
    m_other.reset();
    m_window.reset();
    m_bb.reset();
    m_client.reset();
    m_server.reset();
}

void tst_Notifier::openWindow()
{
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());
    m_window->connectTo(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    m_bb = std::make_unique<TestClient>();
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

QTEST_MAIN(tst_Notifier)
#include "tst_notifier.moc"
