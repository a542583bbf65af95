#include "reconnectbackoff.h"

#include <QTest>

using namespace std::chrono_literals;

class tst_ReconnectBackoff : public QObject
{
    Q_OBJECT

private slots:
    void doublesUpToTheCapWithJitter();
    void resetStartsOver();
};

void tst_ReconnectBackoff::doublesUpToTheCapWithJitter()
{
    ReconnectBackoff backoff(1s, 30s);
    const QList<qint64> bases { 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };
    for (const qint64 base : bases) {
        const qint64 delay = backoff.next().count();
        QVERIFY2(delay >= base * 8 / 10 && delay <= base * 12 / 10,
                 qPrintable(QString::number(delay)));
    }
}

void tst_ReconnectBackoff::resetStartsOver()
{
    ReconnectBackoff backoff(1s, 30s);
    for (int i = 0; i < 6; ++i)
        backoff.next();
    QCOMPARE(backoff.attempt(), 6);
    backoff.reset();
    QVERIFY(backoff.next() <= 1200ms);

    // Jitter spreads clients that were cut off together.
    QSet<qint64> delays;
    for (int i = 0; i < 20; ++i) {
        backoff.reset();
        delays.insert(backoff.next().count());
    }
    QVERIFY(delays.size() > 1);
}

QTEST_APPLESS_MAIN(tst_ReconnectBackoff)
#include "tst_reconnectbackoff.moc"
