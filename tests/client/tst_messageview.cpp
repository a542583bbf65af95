#include "messagemodel.h"
#include "messageview.h"

#include <QDateTime>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QWheelEvent>

using namespace Qt::StringLiterals;

class tst_MessageView : public QObject
{
    Q_OBJECT

private slots:
    void oneBlockPerRowAndBoundedScrollback();
    void deliveryStateIsRedrawnInPlace();
    void followsNewLinesOnlyAtTheBottom();
    void retryLinkAsksForARetry();
    void nickColoursAreStable();
    void textIsEscaped();
    void dayHeadersAndOlderRowsOnTop();
    void goingUpAtTheTopAsksForOlder();
    void aRowNumberedLaterMovesBelowEarlierOnes();
    void olderRowsGoBelowAnEarlierNumbering();
    void jumpsToTheUnreadMarker();
    void actionsReadAsSentences();
    void timestampFormatIsUsed();
    void aNewPaletteRedrawsTheRows();

private:
    static MessageModel::Entry message(const QString &from, const QString &text)
    {
        MessageModel::Entry entry;
        entry.from = from;
        entry.text = text;
        entry.timestamp = 1764147303123;
        return entry;
    }
};

void tst_MessageView::oneBlockPerRowAndBoundedScrollback()
{
    MessageModel model(5);
    MessageView view;
    view.setModel(&model);
    for (int i = 1; i <= 8; ++i)
        model.append(message(u"aa"_s, u"line %1"_s.arg(i)));
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(view.document()->blockCount(), 5);
    QVERIFY(view.document()->firstBlock().text().endsWith(u"aa: line 4"_s));
    QVERIFY(view.document()->lastBlock().text().endsWith(u"aa: line 8"_s));
}

void tst_MessageView::deliveryStateIsRedrawnInPlace()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    model.append(message(u"bb"_s, u"before"_s));
    MessageModel::Entry own = message(u"aa"_s, u"mine"_s);
    own.own = true;
    own.delivery = MessageModel::Delivery::Pending;
    own.id = u"x1"_s;
    model.append(own);
    model.append(message(u"bb"_s, u"after"_s));
    QVERIFY(view.document()->findBlockByNumber(1).text().contains(u"sending"_s));
    QVERIFY(model.markDelivered(u"x1"_s, 7, 1764147303999));
    QCOMPARE(view.document()->blockCount(), 3);
    QVERIFY(view.document()->findBlockByNumber(1).text().endsWith(u"aa: mine ✓"_s));
    QVERIFY(view.document()->findBlockByNumber(2).text().endsWith(u"bb: after"_s));
}

void tst_MessageView::followsNewLinesOnlyAtTheBottom()
{
    MessageModel model;
    MessageView view;
    view.resize(300, 120);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int i = 0; i < 100; ++i)
        model.append(message(u"aa"_s, u"line %1"_s.arg(i)));
    QScrollBar *bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum()); // at the bottom: follows

    bar->setValue(0); // the reader scrolled up to read
    model.append(message(u"aa"_s, u"new"_s));
    QCOMPARE(bar->value(), 0);
    bar->setValue(bar->maximum());
    model.append(message(u"aa"_s, u"newer"_s));
    QCOMPARE(bar->value(), bar->maximum());
}

void tst_MessageView::retryLinkAsksForARetry()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    MessageModel::Entry own = message(u"aa"_s, u"hello"_s);
    own.own = true;
    own.delivery = MessageModel::Delivery::Pending;
    own.id = u"abc-3"_s;
    model.append(own);
    QVERIFY(model.markFailed(u"abc-3"_s, u"The message is too long."_s));
    QVERIFY(view.toPlainText().contains(u"not delivered: The message is too long. Retry"_s));
    QSignalSpy retry(&view, &MessageView::retryRequested);
    view.activateLink(QUrl(u"natter-retry:abc-3"_s));
    QCOMPARE(retry.size(), 1);
    QCOMPARE(retry.at(0).at(0).toString(), u"abc-3"_s);
}

void tst_MessageView::nickColoursAreStable()
{
    QCOMPARE(MessageView::nickColor(u"aa"_s, false), MessageView::nickColor(u"AA"_s, false));
    QVERIFY(MessageView::nickColor(u"aa"_s, false) != MessageView::nickColor(u"bb"_s, false));
    QVERIFY(MessageView::nickColor(u"aa"_s, true).lightness()
            > MessageView::nickColor(u"aa"_s, false).lightness());
}

void tst_MessageView::textIsEscaped()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    model.append(message(u"<b>x</b>"_s, u"<img src=x> & <a href='y'>z</a>"_s));
    QVERIFY(view.toPlainText().contains(u"<b>x</b>: <img src=x> & <a href='y'>z</a>"_s));
}

void tst_MessageView::dayHeadersAndOlderRowsOnTop()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    const QDateTime today(QDate(2026, 11, 26), QTime(9, 0));
    auto at = [](const QString &text, const QDateTime &when, qint64 seq) {
        MessageModel::Entry entry;
        entry.from = u"aa"_s;
        entry.text = text;
        entry.seq = seq;
        entry.timestamp = when.toMSecsSinceEpoch();
        return entry;
    };
    model.append(at(u"morning"_s, today, 10));
    model.append(at(u"later"_s, today.addSecs(3600), 11));
    const QString todayHeader = QLocale().toString(today.date(), QLocale::LongFormat);
    QVERIFY(view.document()->findBlockByNumber(0).text().contains(todayHeader));
    QVERIFY(!view.document()->findBlockByNumber(1).text().contains(todayHeader));

    // Scrolling back brings yesterday's messages on top, each day with its header once.
    model.prepend({ at(u"yesterday 1"_s, today.addDays(-1), 8),
                    at(u"yesterday 2"_s, today.addDays(-1).addSecs(60), 9) });
    QCOMPARE(view.document()->blockCount(), 4);
    const QString yesterdayHeader = QLocale().toString(today.date().addDays(-1),
                                                       QLocale::LongFormat);
    QVERIFY(view.document()->findBlockByNumber(0).text().contains(yesterdayHeader));
    QVERIFY(view.document()->findBlockByNumber(1).text().endsWith(u"aa: yesterday 2"_s));
    QVERIFY(!view.document()->findBlockByNumber(1).text().contains(yesterdayHeader));
    QVERIFY(view.document()->findBlockByNumber(2).text().contains(todayHeader));
    QVERIFY(view.document()->findBlockByNumber(3).text().endsWith(u"aa: later"_s));
    QVERIFY(view.scrollToSeq(9));
    QCOMPARE(view.textCursor().blockNumber(), 1);
    QVERIFY(!view.scrollToSeq(1));
}

void tst_MessageView::goingUpAtTheTopAsksForOlder()
{
    MessageModel model;
    MessageView view;
    view.resize(300, 120);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int i = 0; i < 100; ++i)
        model.append(message(u"aa"_s, u"line %1"_s.arg(i)));
    QScrollBar *bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    QSignalSpy older(&view, &MessageView::scrolledToTop);
    bar->setValue(0); // scrolled up to the top: the first request
    QCOMPARE(older.size(), 1);
    // Already at the top, the scroll bar stays put: each way up still asks.
    QTest::keyClick(&view, Qt::Key_PageUp);
    QCOMPARE(older.size(), 2);
    QTest::keyClick(&view, Qt::Key_Home, Qt::ControlModifier);
    QCOMPARE(older.size(), 3);
    QWheelEvent wheel(QPointF(10, 10), view.mapToGlobal(QPointF(10, 10)), {}, QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view.viewport(), &wheel);
    QCOMPARE(older.size(), 4);
    // Going down, or up from further down, is no request.
    QTest::keyClick(&view, Qt::Key_PageDown);
    QCOMPARE(older.size(), 4);
    bar->setValue(bar->maximum());
    QTest::keyClick(&view, Qt::Key_PageUp);
    QCOMPARE(older.size(), 4);
}

void tst_MessageView::jumpsToTheUnreadMarker()
{
    MessageModel model;
    MessageView view;
    view.resize(400, 200);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.scrollToUnreadMarker()); // nothing unread: nothing to jump to
    for (int i = 1; i <= 200; ++i) {
        MessageModel::Entry entry = message(u"bb"_s, u"line %1"_s.arg(i));
        entry.seq = i;
        model.append(entry);
    }
    view.setUnreadAfter(120);
    QCOMPARE(view.unreadMarkerRow(), 120);
    QVERIFY(view.isAtBottom());
    const auto topRow = [&] { return view.cursorForPosition(QPoint(4, 4)).blockNumber(); };
    QVERIFY(topRow() > 150);
    QVERIFY(view.scrollToUnreadMarker());
    QCOMPARE(topRow(), 120);
    QVERIFY(!view.isAtBottom());
    QVERIFY(view.document()->findBlockByNumber(topRow()).text().contains(u"new messages"_s));
    // Scrolled up past it, the jump brings it back to the top too.
    view.verticalScrollBar()->setValue(0);
    QVERIFY(view.scrollToUnreadMarker());
    QCOMPARE(topRow(), 120);
}

void tst_MessageView::actionsReadAsSentences()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    model.append(message(u"bb"_s, u"* waves at everyone"_s));
    model.append(message(u"bb"_s, u"* "_s)); // a lone star is no action
    model.append(message(u"bb"_s, u"*bold* is not one either"_s));
    QVERIFY(view.document()->findBlockByNumber(0).text().endsWith(u"* bb waves at everyone"_s));
    QVERIFY(view.document()->findBlockByNumber(1).text().endsWith(u"bb: * "_s));
    QVERIFY(view.document()->findBlockByNumber(2).text().endsWith(
            u"bb: *bold* is not one either"_s));
}

void tst_MessageView::timestampFormatIsUsed()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    MessageModel::Entry entry = message(u"bb"_s, u"hi"_s);
    model.append(entry);
    const QString time = QDateTime::fromMSecsSinceEpoch(entry.timestamp)
                                 .toLocalTime()
                                 .time()
                                 .toString(u"HH:mm:ss"_s);
    QVERIFY(!view.document()->firstBlock().text().contains(time));
    view.setTimestampFormat(u"HH:mm:ss"_s);
    QCOMPARE(view.document()->blockCount(), 1);
    QVERIFY(view.document()->firstBlock().text().contains(time + u" bb: hi"_s));
    QLocale::setDefault(QLocale::system());
}

void tst_MessageView::aNewPaletteRedrawsTheRows()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    model.append(message(u"bb"_s, u"hi"_s));
    QPalette light = view.palette();
    light.setColor(QPalette::Base, Qt::white);
    view.setPalette(light);
    const QString lightNick = MessageView::nickColor(u"bb"_s, false).name();
    QVERIFY(view.document()->toHtml().contains(lightNick));
    QPalette dark = light;
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    view.setPalette(dark);
    // The nick is drawn in the colour readable on the dark background now.
    const QString html = view.document()->toHtml();
    QVERIFY(html.contains(MessageView::nickColor(u"bb"_s, true).name()));
    QVERIFY(!html.contains(lightNick));
}

void tst_MessageView::aRowNumberedLaterMovesBelowEarlierOnes()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    MessageModel::Entry first = message(u"bb"_s, u"first"_s);
    first.seq = 4;
    model.append(first);
    MessageModel::Entry own = message(u"aa"_s, u"mine"_s);
    own.own = true;
    own.delivery = MessageModel::Delivery::Pending;
    own.id = u"x1"_s;
    model.append(own);
    MessageModel::Entry notice = message({}, u"Reconnected."_s);
    notice.kind = MessageModel::Kind::Notice;
    model.append(notice);
    for (int seq = 5; seq <= 6; ++seq) {
        MessageModel::Entry meanwhile = message(u"bb"_s, u"m%1"_s.arg(seq));
        meanwhile.seq = seq;
        model.append(meanwhile);
    }
    MessageModel::Entry later = message(u"bb"_s, u"later"_s);
    later.seq = 9;
    model.append(later);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);

    // Numbered 7: after m5 and m6, before 9, and the notice keeps its place.
    QVERIFY(model.markDelivered(u"x1"_s, 7, 1764147303999));
    QCOMPARE(moved.size(), 1);
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row)
        rows.append(model.entry(row).text);
    QCOMPARE(rows,
             QStringList(
                     { u"first"_s, u"Reconnected."_s, u"m5"_s, u"m6"_s, u"mine"_s, u"later"_s }));
    QCOMPARE(view.document()->blockCount(), 6);
    for (int row = 0; row < model.rowCount(); ++row) {
        QVERIFY2(view.document()->findBlockByNumber(row).text().contains(rows.at(row)),
                 qPrintable(view.document()->findBlockByNumber(row).text()));
    }
    QVERIFY(view.document()->findBlockByNumber(4).text().endsWith(u"aa: mine ✓"_s));

    // Numbered in order: nothing moves.
    own.id = u"x2"_s;
    own.text = u"next"_s;
    model.append(own);
    QVERIFY(model.markDelivered(u"x2"_s, 10, 1764147304000));
    QCOMPARE(moved.size(), 1);
    QCOMPARE(model.entry(model.rowCount() - 1).text, u"next"_s);
}

void tst_MessageView::olderRowsGoBelowAnEarlierNumbering()
{
    MessageModel model;
    MessageView view;
    view.setModel(&model);
    model.setNumbering(u"e1"_s);
    for (int seq = 1; seq <= 2; ++seq) {
        MessageModel::Entry old = message(u"bb"_s, u"old %1"_s.arg(seq));
        old.seq = seq;
        model.append(old);
    }
    model.setNumbering(u"e2"_s); // the server's numbering changed: those rows have none now
    QCOMPARE(model.entry(0).seq, 0);
    MessageModel::Entry recent = message(u"cc"_s, u"new 3"_s);
    recent.seq = 3;
    model.append(recent);

    MessageModel::Entry older = message(u"cc"_s, u"new 2"_s);
    older.seq = 2;
    model.prepend({ older });
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row)
        rows.append(model.entry(row).text);
    QCOMPARE(rows, QStringList({ u"old 1"_s, u"old 2"_s, u"new 2"_s, u"new 3"_s }));
    QCOMPARE(view.document()->blockCount(), 4);
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY(view.document()->findBlockByNumber(row).text().endsWith(rows.at(row)));

    // Back in the first numbering, its rows count again.
    model.setNumbering(u"e1"_s);
    QCOMPARE(model.entry(1).seq, 2);
    QCOMPARE(model.entry(2).seq, 0);
}

QTEST_MAIN(tst_MessageView)
#include "tst_messageview.moc"
