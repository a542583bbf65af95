// SPDX-License-Identifier: BSD-3-Clause
#include "lineframer.h"

#include <QTest>

class tst_LineFramer : public QObject
{
    Q_OBJECT

private slots:
    void splitsChunks_data();
    void splitsChunks();
    void reportsOverlongLineBeforeItEnds();
    void reportsOverlongCompleteLine();
    void acceptsLineExactlyAtLimit();
    void keepsBufferSmallAcrossManyLines();
};

void tst_LineFramer::splitsChunks_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QByteArrayList>("lines");
    QTest::addColumn<qsizetype>("leftOver");

    QTest::newRow("empty input") << QByteArrayList {} << QByteArrayList {} << qsizetype(0);
    QTest::newRow("one line") << QByteArrayList { "hello\n" } << QByteArrayList { "hello" }
                              << qsizetype(0);
    QTest::newRow("partial line waits")
            << QByteArrayList { "hel" } << QByteArrayList {} << qsizetype(3);
    QTest::newRow("line across three reads") << QByteArrayList { "he", "ll", "o\nwor" }
                                             << QByteArrayList { "hello" } << qsizetype(3);
    QTest::newRow("several lines in one read")
            << QByteArrayList { "a\nb\nc\n" } << QByteArrayList { "a", "b", "c" } << qsizetype(0);
    QTest::newRow("crlf") << QByteArrayList { "a\r\nb\r", "\n" } << QByteArrayList { "a", "b" }
                          << qsizetype(0);
    QTest::newRow("empty lines") << QByteArrayList { "\n\r\n" } << QByteArrayList { "", "" }
                                 << qsizetype(0);
    QTest::newRow("bare cr stays inside the line")
            << QByteArrayList { "a\rb\n" } << QByteArrayList { "a\rb" } << qsizetype(0);
    QTest::newRow("utf-8 split inside a character")
            << QByteArrayList { "\xe4\xbd", "\xa0\xe5\xa5\xbd\n" }
            << QByteArrayList { "\xe4\xbd\xa0\xe5\xa5\xbd" } << qsizetype(0);
    QTest::newRow("invalid utf-8 passes through as bytes")
            << QByteArrayList { "\xff\xfe\n" } << QByteArrayList { "\xff\xfe" } << qsizetype(0);
}

void tst_LineFramer::splitsChunks()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QByteArrayList, lines);
    QFETCH(qsizetype, leftOver);

    LineFramer framer(64);
    QByteArrayList received;
    for (const QByteArray &chunk : chunks) {
        framer.append(chunk);
        QByteArray line;
        while (framer.takeLine(&line) == LineFramer::Status::Line)
            received.append(line);
    }
    QCOMPARE(received, lines);
    QCOMPARE(framer.bufferedBytes(), leftOver);
}

void tst_LineFramer::reportsOverlongLineBeforeItEnds()
{
    LineFramer framer(16);
    framer.append(QByteArray(10, 'x'));
    QByteArray line;
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::NeedMore);
    framer.append(QByteArray(10, 'x'));
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::TooLong);
    // Nothing more is buffered once the stream is out of step.
    framer.append(QByteArray(1000, 'y'));
    QCOMPARE(framer.bufferedBytes(), 0);
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::TooLong);
}

void tst_LineFramer::reportsOverlongCompleteLine()
{
    LineFramer framer(4);
    framer.append("ok\ntoolong\nlater\n");
    QByteArray line;
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::Line);
    QCOMPARE(line, QByteArray("ok"));
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::TooLong);
}

void tst_LineFramer::acceptsLineExactlyAtLimit()
{
    LineFramer framer(4);
    framer.append("abcd\r");
    QByteArray line;
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::NeedMore);
    framer.append("\n");
    QCOMPARE(framer.takeLine(&line), LineFramer::Status::Line);
    QCOMPARE(line, QByteArray("abcd"));
}

void tst_LineFramer::keepsBufferSmallAcrossManyLines()
{
    LineFramer framer(64);
    QByteArray line;
    for (int i = 0; i < 10000; ++i) {
        framer.append("message\nmess");
        QCOMPARE(framer.takeLine(&line), LineFramer::Status::Line);
        framer.append("age\n");
        QCOMPARE(framer.takeLine(&line), LineFramer::Status::Line);
        QCOMPARE(line, QByteArray("message"));
        QCOMPARE(framer.takeLine(&line), LineFramer::Status::NeedMore);
    }
    QCOMPARE(framer.bufferedBytes(), 0);
}

QTEST_APPLESS_MAIN(tst_LineFramer)
#include "tst_lineframer.moc"
