// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "testclient.h"
#include "windowfixture.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

// What the input line does with what is typed and pasted, in the real window against an
// in-process server, offscreen.
class tst_WindowInput : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void pastedLinesAreSentOneByOne();
    void pastedLinesWaitWhenNothingCanBeSent();
    void tabCompletesNicks();
    void tabWithNothingToCompleteMovesOn();

private:
    ChatInput *input() const { return m_window->findChild<ChatInput *>(u"input"_s); }
    void paste(const QString &text);
};

void tst_WindowInput::initTestCase()
{
    m_settings.install(u"tst_windowinput"_s);
}

void tst_WindowInput::init()
{
    startServerAndClient();
    if (QTest::currentTestFailed())
        return;
    openWindowOnline(u"aa"_s);
}

void tst_WindowInput::cleanup()
{
    tearDown();
}

void tst_WindowInput::paste(const QString &text)
{
    QApplication::clipboard()->setText(text);
    input()->setFocus();
    QTest::keySequence(input(), QKeySequence::Paste);
}

void tst_WindowInput::pastedLinesAreSentOneByOne()
{
    TestClient *bb = join(u"bb"_s);
    QTest::keyClicks(input(), u"Notes: "_s);
    paste(u"first\r\nsecond\n\n   \nthird\n"_s);
    QVERIFY(input()->text().contains(u'\n')); // the line breaks are kept, not spaces
    auto *length = m_window->findChild<QLabel *>(u"length"_s);
    QVERIFY(length->isVisible());
    QCOMPARE(length->text(), u"3 lines, sent one by one"_s);

    QTest::keyClick(input(), Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 3);
    QStringList got;
    for (const Protocol::Message &message : bb->all<Protocol::Message>())
        got.append(message.text);
    QCOMPARE(got, QStringList({ u"Notes: first"_s, u"second"_s, u"third"_s }));
    QVERIFY(input()->text().isEmpty());
    QVERIFY(!length->isVisible());
    // No blank message after them.
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 3);

    // One line and its line break: one message, without the break.
    paste(u"just this\n"_s);
    QTest::keyClick(input(), Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 4);
    QCOMPARE(bb->last<Protocol::Message>().text, u"just this"_s);
}

void tst_WindowInput::pastedLinesWaitWhenNothingCanBeSent()
{
    m_client->disconnectFromServer();
    paste(u"one\ntwo\n"_s);
    QTest::keyClick(input(), Qt::Key_Return);
    // Refused (not connected): nothing is lost, the lines wait as they were.
    QCOMPARE(input()->text(), u"one\ntwo"_s);
    QCOMPARE(m_client->outboxSize(), 0);
}

void tst_WindowInput::tabCompletesNicks()
{
    join(u"bob"_s);
    join(u"Bea"_s);
    join(u"carol"_s);
    QTRY_COMPARE(m_client->users()->users().size(), 4);
    ChatInput *line = input();
    line->setFocus();

    // At the start of the line: whom the line is for.
    QTest::keyClicks(line, u"b"_s);
    QTest::keyClick(line, Qt::Key_Tab);
    QCOMPARE(line->text(), u"Bea: "_s); // ignoring case, in the members' order
    QVERIFY(line->hasFocus());
    QTest::keyClick(line, Qt::Key_Tab); // again: the next one
    QCOMPARE(line->text(), u"bob: "_s);
    QTest::keyClick(line, Qt::Key_Tab); // and round
    QCOMPARE(line->text(), u"Bea: "_s);
    QTest::keyClick(line, Qt::Key_Backtab);
    QCOMPARE(line->text(), u"bob: "_s);
    QTest::keyClicks(line, u"hi"_s);
    QCOMPARE(line->text(), u"bob: hi"_s);

    // Elsewhere the plain nick, where the cursor is, and the text after it stays.
    line->setText(u"ask CA about it"_s);
    line->setCursorPosition(6);
    QTest::keyClick(line, Qt::Key_Tab);
    QCOMPARE(line->text(), u"ask carol about it"_s);
    QCOMPARE(line->cursorPosition(), 9);
    QTest::keyClick(line, Qt::Key_Tab); // the only one: it stays
    QCOMPARE(line->text(), u"ask carol about it"_s);

    // Typing between two Tabs starts anew; the user's own nick is never offered.
    line->setText(u"a"_s);
    QTest::keyClick(line, Qt::Key_Tab);
    QCOMPARE(line->text(), u"a"_s);
    QTest::keyClick(line, Qt::Key_Return);
    QTRY_VERIFY(line->text().isEmpty());
    QTest::keyClicks(line, u"/msg ca"_s);
    QTest::keyClick(line, Qt::Key_Tab);
    QCOMPARE(line->text(), u"/msg carol"_s);
}

void tst_WindowInput::tabWithNothingToCompleteMovesOn()
{
    ChatInput *line = input();
    line->setFocus();
    QTRY_VERIFY(line->hasFocus());
    QTest::keyClicks(line, u"zz"_s);
    QTest::keyClick(line, Qt::Key_Tab);
    QCOMPARE(line->text(), u"zz"_s);
    QVERIFY(!line->hasFocus()); // Tab moves the focus, as in any other field
}

QTEST_MAIN(tst_WindowInput)
#include "tst_windowinput.moc"
