// SPDX-License-Identifier: BSD-3-Clause
#include "fakemember.h"
#include "roomlog.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The room's log and its readers' cursors, without sockets.
class tst_RoomLog : public QObject
{
    Q_OBJECT

private slots:
    void broadcastReachesEveryoneButItsAuthorInOrder();
    void readersAtTheSamePlaceShareOneBuffer();
    void entryForOneReaderReachesOnlyIt();
    void stalledReaderIsGivenAChunkNotTheBacklog();
    void readerThatStaysBehindWithoutReadingIsRemovedAfterTheGrace();
    void budgetLapsTheReaderThatIsFurthestBehind();
    void medianLeavesOutReadersThatStopped();
    void newReaderStartsAtTheHead();
    void orderlyDepartureIsWrittenTheRestFirst();

private:
    static QByteArray line(const QString &text, qsizetype size = 0)
    {
        QByteArray bytes = text.toUtf8();
        if (size > bytes.size())
            bytes += QByteArray(size - bytes.size() - 1, 'x');
        return bytes + '\n';
    }
};

void tst_RoomLog::broadcastReachesEveryoneButItsAuthorInOrder()
{
    RoomLog log({});
    FakeMember aa(u"aa"_s), bb(u"bb"_s), cc(u"cc"_s);
    const auto a = log.addReader(&aa);
    const auto b = log.addReader(&bb);
    log.addReader(&cc);
    log.appendToAllBut(a, { line(u"1 from aa"_s) }, a);
    log.appendToAllBut(b, { line(u"2 from bb"_s) }, b);
    log.flush();
    QCOMPARE(aa.received(), line(u"2 from bb"_s));
    QCOMPARE(bb.received(), line(u"1 from aa"_s));
    QCOMPARE(cc.received(), line(u"1 from aa"_s) + line(u"2 from bb"_s));
    QCOMPARE(cc.writes.size(), 1); // one write for the whole turn
    QCOMPARE(log.retainedBytes(), 0); // everyone has it: nothing is kept
}

void tst_RoomLog::readersAtTheSamePlaceShareOneBuffer()
{
    RoomLog log({});
    QList<FakeMember *> members;
    for (int i = 0; i < 50; ++i) {
        members.append(new FakeMember(u"m%1"_s.arg(i)));
        log.addReader(members.last());
    }
    for (int i = 0; i < 20; ++i)
        log.appendToAllBut(0, { line(u"message %1"_s.arg(i), 200) }, 0);
    log.flush();
    for (FakeMember *member : std::as_const(members)) {
        QCOMPARE(member->writes.size(), 1);
        QCOMPARE(member->writes.first().constData(), members.first()->writes.first().constData());
    }
    qDeleteAll(members);
}

void tst_RoomLog::entryForOneReaderReachesOnlyIt()
{
    RoomLog log({});
    FakeMember aa(u"aa"_s), bb(u"bb"_s), cc(u"cc"_s, RoomMember::Face::PlainText);
    const auto a = log.addReader(&aa);
    const auto b = log.addReader(&bb);
    const auto c = log.addReader(&cc);
    log.appendToOne(b, { line(u"psst"_s), line(u"[direct] aa: psst"_s) }, a);
    log.appendToOne(a, { line(u"ack"_s) }, 0);
    log.appendToAllBut(0, { line(u"{\"everyone\"}"_s), line(u"everyone"_s) }, 0);
    log.appendToOne(c, { line(u"{\"for cc\"}"_s), line(u"for cc"_s) }, 0);
    log.flush();
    QCOMPARE(aa.received(), line(u"ack"_s) + line(u"{\"everyone\"}"_s));
    QCOMPARE(bb.received(), line(u"psst"_s) + line(u"{\"everyone\"}"_s));
    QCOMPARE(cc.received(), line(u"everyone"_s) + line(u"for cc"_s));
}

void tst_RoomLog::stalledReaderIsGivenAChunkNotTheBacklog()
{
    RoomLog log({});
    FakeMember reader(u"reader"_s), stalled(u"stalled"_s);
    log.addReader(&reader);
    log.addReader(&stalled);
    stalled.stalled = true;
    for (int i = 0; i < 250; ++i) // 1 MB
        log.appendToAllBut(0, { line(u"%1"_s.arg(i), 4000) }, 0);
    log.flush();
    QCOMPARE(reader.receivedBytes(), 1'000'000);
    QVERIFY2(stalled.receivedBytes() <= 80 * 1024,
             qPrintable(QString::number(stalled.receivedBytes())));
    QVERIFY(log.retainedBytes() >= 900'000); // kept once, for the one behind

    stalled.drain();
    while (stalled.receivedBytes() < 1'000'000) {
        const qsizetype before = stalled.receivedBytes();
        log.pump(&stalled);
        stalled.drain();
        QVERIFY(stalled.receivedBytes() > before);
    }
    QCOMPARE(stalled.received(), reader.received());
    log.flush();
    QCOMPARE(log.retainedBytes(), 0);
}

void tst_RoomLog::readerThatStaysBehindWithoutReadingIsRemovedAfterTheGrace()
{
    RoomLog log({ 32 * 1024 * 1024, 64 * 1024, 1000ms });
    FakeMember reader(u"reader"_s), stalled(u"stalled"_s);
    log.addReader(&reader);
    log.addReader(&stalled);
    stalled.stalled = true;
    for (int i = 0; i < 100; ++i) // 400 KB: six times the limit
        log.appendToAllBut(0, { line(u"%1"_s.arg(i), 4000) }, 0);
    log.flush();
    const qint64 now = RoomLog::monotonicMs();
    log.sweep(now);
    QVERIFY(!stalled.removedFor); // behind, but only just
    log.sweep(now + 500);
    QVERIFY(!stalled.removedFor);
    log.sweep(now + 1100);
    QCOMPARE(stalled.removedFor, Protocol::LeaveReason::Slow);
    QVERIFY(!reader.removedFor); // got it all: never behind
}

void tst_RoomLog::budgetLapsTheReaderThatIsFurthestBehind()
{
    RoomLog log({ 256 * 1024, 64 * 1024, 60s });
    FakeMember reader(u"reader"_s), stalled(u"stalled"_s);
    log.addReader(&reader);
    log.addReader(&stalled);
    stalled.stalled = true;
    for (int i = 0; i < 100; ++i) {
        log.appendToAllBut(0, { line(u"%1"_s.arg(i), 4000) }, 0);
        log.flush();
    }
    QCOMPARE(reader.receivedBytes(), 400'000);
    QCOMPARE(stalled.removedFor, Protocol::LeaveReason::Slow); // long before its grace is over
    QVERIFY(log.retainedBytes() <= 256 * 1024);
    QVERIFY(!reader.removedFor);
}

void tst_RoomLog::medianLeavesOutReadersThatStopped()
{
    RoomLog log({ 32 * 1024 * 1024, 64 * 1024, 60s });
    FakeMember reader(u"reader"_s);
    const auto author = log.addReader(&reader);
    QList<FakeMember *> stalled;
    for (int i = 0; i < 5; ++i) {
        stalled.append(new FakeMember(u"s%1"_s.arg(i)));
        stalled.last()->stalled = true;
        log.addReader(stalled.last());
    }
    for (int i = 0; i < 100; ++i)
        log.appendToAllBut(author, { line(u"%1"_s.arg(i), 4000) }, author);
    log.flush();
    // Just now they were given something: for a moment they count as readers.
    QVERIFY(log.medianLagBytes() > 64 * 1024);
    QVERIFY(log.isAheadOfMedian(&reader));
    QTRY_VERIFY_WITH_TIMEOUT((log.refreshMedian(), log.medianLagBytes() == 0), 2000);
    QVERIFY(!log.isAheadOfMedian(&reader));
    qDeleteAll(stalled);
}

void tst_RoomLog::newReaderStartsAtTheHead()
{
    RoomLog log({});
    FakeMember aa(u"aa"_s), late(u"late"_s);
    aa.stalled = true;
    log.addReader(&aa);
    log.appendToAllBut(0, { line(u"before"_s, 100'000) }, 0);
    log.flush();
    log.addReader(&late);
    log.appendToAllBut(0, { line(u"after"_s) }, 0);
    log.flush();
    QCOMPARE(late.received(), line(u"after"_s));
}

void tst_RoomLog::orderlyDepartureIsWrittenTheRestFirst()
{
    RoomLog log({});
    FakeMember reader(u"reader"_s), leaving(u"leaving"_s), cut(u"cut"_s);
    log.addReader(&reader);
    log.addReader(&leaving);
    log.addReader(&cut);
    leaving.stalled = cut.stalled = true;
    for (int i = 0; i < 100; ++i)
        log.appendToAllBut(0, { line(u"%1"_s.arg(i), 4000) }, 0);
    log.flush();
    QVERIFY(leaving.receivedBytes() < 400'000);
    // Exit or shutdown: its acks may be in what is left, so it gets all of it.
    log.removeReader(&leaving, RoomLog::Departure::Orderly);
    QCOMPARE(leaving.received(), reader.received());
    log.removeReader(&cut);
    QVERIFY(cut.receivedBytes() < 400'000);
    QCOMPARE(log.readerCount(), 1);
}

QTEST_APPLESS_MAIN(tst_RoomLog)
#include "tst_roomlog.moc"
