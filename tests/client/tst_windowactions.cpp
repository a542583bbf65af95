// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "messageview.h"
#include "testclient.h"
#include "windowfixture.h"

#include <QStatusBar>
#include <QTest>
#include <QTextBlock>
#include <QToolButton>

#include <memory>

using namespace Qt::StringLiterals;

// What the window does with "jump to first unread" and /me, offscreen, against an
// in-process server.
class tst_WindowActions : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void jumpToFirstUnreadFromTheKeyboard();
    void meSaysAnAction();

private:
    void openWindow();
    void type(const QString &line);
    MessageView *view() const { return m_window->findChild<MessageView *>(u"messages"_s); }

    TestClient *m_bb = nullptr; // deleted by tearDown()
};

void tst_WindowActions::initTestCase()
{
    m_settings.install(u"tst_windowactions"_s);
}

void tst_WindowActions::init()
{
    startServerAndClient();
}

void tst_WindowActions::cleanup()
{
    tearDown();
    m_bb = nullptr;
}

void tst_WindowActions::openWindow()
{
    openWindowOnline(u"aa"_s, Activation::Activate);
    if (QTest::currentTestFailed())
        return;
    m_bb = newPeer();
    m_bb->setProtocol(2);
    QVERIFY(m_bb->join(m_server->serverPort(), u"bb"_s));
}

void tst_WindowActions::type(const QString &line)
{
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClicks(input, line);
    QTest::keyClick(input, Qt::Key_Return);
}

void tst_WindowActions::jumpToFirstUnreadFromTheKeyboard()
{
    openWindow();
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    m_bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    QTRY_COMPARE(m_bb->count<Protocol::RoomState>(), 2);
    for (int i = 1; i <= 5; ++i)
        m_bb->sayIn(u"dev"_s, u"read %1"_s.arg(i), u"r%1"_s.arg(i));
    QTRY_VERIFY(view()->toPlainText().contains(u"bb: read 5"_s));
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClick(input, Qt::Key_1, Qt::AltModifier); // to the lobby
    for (int i = 1; i <= 80; ++i)
        m_bb->sayIn(u"dev"_s, u"unread %1"_s.arg(i), u"u%1"_s.arg(i));
    Conversation *dev = m_client->findRoom(u"dev"_s);
    QTRY_COMPARE(dev->unreadCount(), 80);

    // Nothing unread in the lobby: nothing moves, and the status bar says so.
    QTest::keyClick(input, Qt::Key_U, Qt::AltModifier);
    QCOMPARE(m_window->statusBar()->currentMessage(), u"Nothing unread here."_s);

    QTest::keyClick(input, Qt::Key_2, Qt::AltModifier);
    QCOMPARE(m_client->current(), dev);
    MessageView *shown = view();
    const int marker = shown->unreadMarkerRow();
    QVERIFY(marker > 0);
    QVERIFY(shown->document()->findBlockByNumber(marker).text().contains(u"bb: unread 1"_s));
    const auto topRow = [&] { return shown->cursorForPosition(QPoint(4, 4)).blockNumber(); };
    QTRY_VERIFY(shown->isAtBottom());
    QVERIFY(topRow() > marker + 10); // the view opened at the newest
    // The line is out of sight above: the bar offers to go there.
    auto *bar = m_window->findChild<QToolButton *>(u"jumpToUnread"_s);
    QTRY_VERIFY(bar->isVisible());
    QTest::keyClick(input, Qt::Key_U, Qt::AltModifier);
    QCOMPARE(topRow(), marker);
    QVERIFY(shown->document()->findBlockByNumber(topRow()).text().contains(u"new messages"_s));
    QCOMPARE(input->hasFocus(), true); // typing goes on where it was
    QTRY_VERIFY(!bar->isVisible()); // the line is on screen

    // Back at the newest, the bar is back; a click on it goes to the line too.
    QTest::keyClick(input, Qt::Key_End, Qt::ControlModifier);
    QTRY_VERIFY(shown->isAtBottom());
    QTRY_VERIFY(bar->isVisible());
    QTest::mouseClick(bar, Qt::LeftButton);
    QCOMPARE(topRow(), marker);
    QTRY_VERIFY(!bar->isVisible());
    QCOMPARE(input->hasFocus(), true);

    // A conversation with nothing unread has no bar.
    QTest::keyClick(input, Qt::Key_1, Qt::AltModifier);
    QTRY_VERIFY(!bar->isVisible());
}

void tst_WindowActions::meSaysAnAction()
{
    openWindow();
    type(u"/me waves"_s);
    QTRY_COMPARE(m_bb->count<Protocol::Message>(), 1);
    // The protocol has no action flag yet: the text is what the IRC face sends for one.
    QCOMPARE(m_bb->last<Protocol::Message>().text, u"* waves"_s);
    QTRY_VERIFY(view()->toPlainText().contains(u"* aa waves ✓"_s));
    m_bb->say(u"* nods"_s, u"1"_s);
    QTRY_VERIFY(view()->toPlainText().contains(u"* bb nods"_s));

    type(u"/me"_s);
    QTRY_VERIFY(view()->toPlainText().contains(u"Usage: /me ACTION"_s));
    QCOMPARE(m_window->findChild<ChatInput *>(u"input"_s)->text(), u"/me"_s);
    m_bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(m_bb->count<Protocol::Pong>(), 1);
    QCOMPARE(m_bb->count<Protocol::Message>(), 1);

    // In a direct message too.
    m_window->findChild<ChatInput *>(u"input"_s)->clear();
    type(u"/msg bb /me nods back"_s);
    QTRY_COMPARE(m_bb->count<Protocol::Message>(), 2);
    QCOMPARE(m_bb->last<Protocol::Message>().text, u"* nods back"_s);
    QCOMPARE(m_bb->last<Protocol::Message>().to, u"bb"_s);
    QTRY_VERIFY(view()->toPlainText().contains(u"* aa nods back ✓"_s));
}

QTEST_MAIN(tst_WindowActions)
#include "tst_windowactions.moc"
