// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "messageview.h"
#include "sendkeyfilter.h"
#include "testclient.h"
#include "windowfixture.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QScrollBar>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

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

    void enterSendsAndShiftEnterMakesANewLine_data();
    void enterSendsAndShiftEnterMakesANewLine();
    void linesTypedAreOneMessageShownOnSeveralLines();
    void inputGrowsUpToSixLinesAndShrinksAfterSending();
    void pastedLinesAreOneMessageWithoutTrailingBlankLines();
    void pastedLinesWaitWhenNothingCanBeSent();
    void upAndDownMoveWithinAMessageBeforeRecalling();
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

void tst_WindowInput::enterSendsAndShiftEnterMakesANewLine_data()
{
    using Action = SendKeyFilter::Action;
    using SendKey = Preferences::SendKey;
    QTest::addColumn<SendKey>("sendKey");
    QTest::addColumn<int>("key");
    QTest::addColumn<Qt::KeyboardModifiers>("modifiers");
    QTest::addColumn<Action>("action");
    QTest::newRow("Enter") << SendKey::Enter << int(Qt::Key_Return) << Qt::KeyboardModifiers()
                           << Action::Send;
    QTest::newRow("keypad Enter") << SendKey::Enter << int(Qt::Key_Enter)
                                  << Qt::KeyboardModifiers(Qt::KeypadModifier) << Action::Send;
    QTest::newRow("Shift+Enter") << SendKey::Enter << int(Qt::Key_Return)
                                 << Qt::KeyboardModifiers(Qt::ShiftModifier) << Action::NewLine;
    QTest::newRow("Ctrl+Enter") << SendKey::Enter << int(Qt::Key_Return)
                                << Qt::KeyboardModifiers(Qt::ControlModifier) << Action::Send;
    QTest::newRow("Ctrl mode: Enter") << SendKey::CtrlEnter << int(Qt::Key_Return)
                                      << Qt::KeyboardModifiers() << Action::NewLine;
    QTest::newRow("Ctrl mode: keypad Enter")
            << SendKey::CtrlEnter << int(Qt::Key_Enter) << Qt::KeyboardModifiers(Qt::KeypadModifier)
            << Action::NewLine;
    QTest::newRow("Ctrl mode: Shift+Enter")
            << SendKey::CtrlEnter << int(Qt::Key_Return) << Qt::KeyboardModifiers(Qt::ShiftModifier)
            << Action::NewLine;
    QTest::newRow("Ctrl mode: Ctrl+Enter")
            << SendKey::CtrlEnter << int(Qt::Key_Return)
            << Qt::KeyboardModifiers(Qt::ControlModifier) << Action::Send;
    QTest::newRow("a letter") << SendKey::Enter << int(Qt::Key_A) << Qt::KeyboardModifiers()
                              << Action::None;
}

void tst_WindowInput::enterSendsAndShiftEnterMakesANewLine()
{
    QFETCH(Preferences::SendKey, sendKey);
    QFETCH(int, key);
    QFETCH(Qt::KeyboardModifiers, modifiers);
    QFETCH(SendKeyFilter::Action, action);
    const QKeyEvent event(QEvent::KeyPress, key, modifiers);
    QCOMPARE(SendKeyFilter::actionFor(sendKey, &event), action);
}

void tst_WindowInput::linesTypedAreOneMessageShownOnSeveralLines()
{
    TestClient *bb = join(u"bb"_s);
    input()->setFocus();
    QTest::keyClicks(input(), u"first"_s);
    QTest::keyClick(input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(input(), u"second"_s);
    QTest::keyClick(input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClick(input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(input(), u"after a blank line"_s);
    QCOMPARE(input()->text(), u"first\nsecond\n\nafter a blank line"_s);
    QTest::keyClick(input(), Qt::Key_Return);

    // One message on the wire, its line breaks as they were typed.
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"first\nsecond\n\nafter a blank line"_s);
    QVERIFY(input()->text().isEmpty());

    // In the view, one row (one block) drawn on four lines.
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QTRY_VERIFY(view->toPlainText().contains(u"aa: first\nsecond\n\nafter a blank line ✓"_s));
    QTextBlock row = view->document()->find(u"after a blank line"_s).block();
    QVERIFY(row.text().contains(u"first"_s));
    QTRY_VERIFY(row.layout()->lineCount() >= 4);

    // The same from the other side: bb's lines arrive as bb sent them.
    bb->say(u"one\ntwo"_s, u"2"_s);
    QTRY_VERIFY(view->toPlainText().contains(u"bb: one\ntwo"_s));
    row = view->document()->find(u"bb: one"_s).block();
    QVERIFY(row.text().contains(u"two"_s));
    QTRY_COMPARE(row.layout()->lineCount(), 2);
}

void tst_WindowInput::inputGrowsUpToSixLinesAndShrinksAfterSending()
{
    TestClient *bb = join(u"bb"_s);
    ChatInput *box = input();
    box->setFocus();
    QTest::keyClicks(box, u"line 1"_s);
    const int oneLine = box->height();
    QCOMPARE(box->verticalScrollBar()->maximum(), 0); // one line fits whole
    for (int line = 2; line <= ChatInput::MaxVisibleLines; ++line) {
        QTest::keyClick(box, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(box, u"line %1"_s.arg(line));
        // It grows line by line, all of them in sight.
        QTRY_VERIFY2(box->height() >= oneLine + (line - 1) * box->fontMetrics().lineSpacing(),
                     qPrintable(u"%1 lines: %2 px"_s.arg(line).arg(box->height())));
        QCOMPARE(box->verticalScrollBar()->maximum(), 0);
    }
    const int sixLines = box->height();
    QTest::keyClick(box, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(box, u"line 7"_s);
    QTest::keyClick(box, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(box, u"line 8"_s);
    // Then no further: it scrolls, the cursor's line in view.
    QTRY_VERIFY(box->verticalScrollBar()->maximum() > 0);
    QCOMPARE(box->height(), sixLines);
    QVERIFY(box->viewport()->rect().contains(box->cursorRect().center()));

    QTest::keyClick(box, Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text.count(u'\n'), 7);
    QTRY_COMPARE(box->height(), oneLine); // back to one line for the next message
}

void tst_WindowInput::pastedLinesAreOneMessageWithoutTrailingBlankLines()
{
    TestClient *bb = join(u"bb"_s);
    QTest::keyClicks(input(), u"Notes: "_s);
    paste(u"first\r\nsecond\n\n   \nthird\n\n  \n"_s);
    // Bug 12: the lines stay lines (not spaces), the blank ones at the end are dropped.
    QCOMPARE(input()->text(), u"Notes: first\nsecond\n\n   \nthird"_s);
    QTest::keyClick(input(), Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"Notes: first\nsecond\n\n   \nthird"_s);
    QVERIFY(input()->text().isEmpty());
    // Nothing after it: no blank message.
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 1);

    // One line and its line break: one message, without the break.
    paste(u"just this\n"_s);
    QCOMPARE(input()->text(), u"just this"_s);
    QTest::keyClick(input(), Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 2);
    QCOMPARE(bb->last<Protocol::Message>().text, u"just this"_s);

    // Blank lines typed at either end are not sent either.
    input()->setText(u"\n  \nmiddle\n\n"_s);
    QTest::keyClick(input(), Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 3);
    QCOMPARE(bb->last<Protocol::Message>().text, u"middle"_s);
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

void tst_WindowInput::upAndDownMoveWithinAMessageBeforeRecalling()
{
    join(u"bb"_s);
    ChatInput *box = input();
    box->setFocus();
    QTest::keyClicks(box, u"older"_s);
    QTest::keyClick(box, Qt::Key_Return);
    QTRY_VERIFY(box->text().isEmpty());
    QTest::keyClicks(box, u"top"_s);
    QTest::keyClick(box, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(box, u"bottom"_s);
    QTest::keyClick(box, Qt::Key_Return);
    QTRY_VERIFY(box->text().isEmpty());

    QTest::keyClick(box, Qt::Key_Up); // recalls the last message, the cursor at its end
    QCOMPARE(box->text(), u"top\nbottom"_s);
    QCOMPARE(box->cursorPosition(), int(box->text().size()));
    QTest::keyClick(box, Qt::Key_Up); // on its last line: up to its first
    QCOMPARE(box->text(), u"top\nbottom"_s);
    QVERIFY(box->cursorPosition() <= 3);
    QTest::keyClick(box, Qt::Key_Up); // on its first line: the one before
    QCOMPARE(box->text(), u"older"_s);
    QTest::keyClick(box, Qt::Key_Down);
    QCOMPARE(box->text(), u"top\nbottom"_s);
    QTest::keyClick(box, Qt::Key_Down); // back to the draft (empty)
    QVERIFY(box->text().isEmpty());
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
