// SPDX-License-Identifier: BSD-3-Clause
#include "refusallog.h"
#include "serverlogging.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
QStringList logged;
QtMessageHandler previousHandler = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArrayView(context.category).startsWith("natter.")) {
        logged.append(message);
        return;
    }
    previousHandler(type, context, message);
}

QHostAddress address(int n)
{
    return QHostAddress(u"10.0.%1.%2"_s.arg(n / 256).arg(n % 256));
}
} // namespace

// The first refusals per address and window are logged, the rest counted and summarised.
class tst_RefusalLog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { previousHandler = qInstallMessageHandler(capture); }
    void cleanupTestCase() { qInstallMessageHandler(previousHandler); }
    void init() { logged.clear(); }

    void firstLinesPerAddressAreLogged_data();
    void firstLinesPerAddressAreLogged();
    void summaryComesWhenTheWindowEnds();
    void nothingSuppressedMeansNoSummary();
    void trackedAddressesAreCapped();
    void destructionFlushes();
};

void tst_RefusalLog::firstLinesPerAddressAreLogged_data()
{
    QTest::addColumn<int>("refusals");
    QTest::addColumn<int>("lines");
    QTest::newRow("none") << 0 << 0;
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("at the limit") << 3 << 3;
    QTest::newRow("over") << 4 << 3;
    QTest::newRow("flood") << 10'000 << 3;
}

void tst_RefusalLog::firstLinesPerAddressAreLogged()
{
    QFETCH(int, refusals);
    QFETCH(int, lines);
    RefusalLog log({ 3, 1h, 100 });
    for (int i = 0; i < refusals; ++i) {
        log.log(lcSession, address(1), u"first %1"_s.arg(i));
        log.log(lcServer, address(2), u"second %1"_s.arg(i));
    }
    QCOMPARE(logged.size(), 2 * lines);
    if (lines > 0) {
        QCOMPARE(logged.constFirst(), u"first 0"_s);
        QCOMPARE(logged.constLast(), u"second %1"_s.arg(lines - 1));
    }
    logged.clear();
    log.flush();
    if (refusals > lines) {
        logged.sort(); // one line per address, in no particular order
        QCOMPARE(logged,
                 QStringList({
                         u"Suppressed %1 refusals from 10.0.0.1 in the last 3600 s"_s.arg(refusals
                                                                                          - lines),
                         u"Suppressed %1 refusals from 10.0.0.2 in the last 3600 s"_s.arg(refusals
                                                                                          - lines),
                 }));
    } else {
        QVERIFY(logged.isEmpty());
    }
}

void tst_RefusalLog::summaryComesWhenTheWindowEnds()
{
    RefusalLog log({ 2, 50ms, 100 });
    for (int i = 0; i < 7; ++i)
        log.log(lcServer, address(1), u"refused"_s);
    QCOMPARE(logged.size(), 2);
    // The window's timer writes the summary by itself, and a new window starts afresh.
    QTRY_COMPARE(logged.size(), 3);
    QCOMPARE(logged.constLast(), u"Suppressed 5 refusals from 10.0.0.1 in the last 0.05 s"_s);
    QCOMPARE(log.trackedAddresses(), 0);
    log.log(lcServer, address(1), u"again"_s);
    QCOMPARE(logged.constLast(), u"again"_s);
}

void tst_RefusalLog::nothingSuppressedMeansNoSummary()
{
    RefusalLog log({ 2, 1h, 100 });
    log.log(lcServer, address(1), u"one"_s);
    log.log(lcServer, address(2), u"two"_s);
    log.flush();
    QCOMPARE(logged, QStringList({ u"one"_s, u"two"_s }));
}

void tst_RefusalLog::trackedAddressesAreCapped()
{
    RefusalLog log({ 1, 1h, 10 });
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 1000; ++i)
            log.log(lcServer, address(i), u"refused %1"_s.arg(i));
    }
    QCOMPARE(log.trackedAddresses(), 10);
    QCOMPARE(logged.size(), 10);
    logged.clear();
    log.flush();
    QCOMPARE(logged.size(), 11);
    QCOMPARE(logged.constLast(),
             u"Suppressed 2970 refusals from addresses beyond the 10 tracked in the last 3600 s"_s);
    QCOMPARE(log.trackedAddresses(), 0);
}

void tst_RefusalLog::destructionFlushes()
{
    {
        RefusalLog log({ 1, 1h, 10 });
        log.log(lcServer, address(1), u"refused"_s);
        log.log(lcServer, address(1), u"refused"_s);
    }
    QCOMPARE(logged.constLast(), u"Suppressed 1 refusals from 10.0.0.1 in the last 3600 s"_s);
}

QTEST_GUILESS_MAIN(tst_RefusalLog)
#include "tst_refusallog.moc"
