// SPDX-License-Identifier: BSD-3-Clause
#include "tokenbucket.h"

#include <QTest>

class tst_TokenBucket : public QObject
{
    Q_OBJECT

private slots:
    void burstThenRate();
    void zeroRateMeansNoLimit();
    void savesUpToBurstOnly();
    void costlyRequestsTakeMore();
};

void tst_TokenBucket::burstThenRate()
{
    TokenBucket bucket(10, 20, 0);
    for (int i = 0; i < 20; ++i)
        QVERIFY(bucket.tryTake(0));
    QVERIFY(!bucket.tryTake(0));
    QVERIFY(!bucket.tryTake(99)); // 0.99 of a token
    QVERIFY(bucket.tryTake(100));
    QVERIFY(!bucket.tryTake(100));
    int accepted = 0;
    for (qint64 ms = 101; ms <= 1100; ++ms)
        accepted += bucket.tryTake(ms);
    QCOMPARE(accepted, 10); // ten a second once the burst is spent
}

void tst_TokenBucket::zeroRateMeansNoLimit()
{
    TokenBucket bucket(0, 1, 0);
    for (int i = 0; i < 100000; ++i)
        QVERIFY(bucket.tryTake(0));
}

void tst_TokenBucket::costlyRequestsTakeMore()
{
    TokenBucket bucket(10, 20, 0);
    for (int i = 0; i < 4; ++i)
        QVERIFY(bucket.tryTake(0, 5));
    QVERIFY(!bucket.tryTake(0, 5));
    QVERIFY(!bucket.tryTake(400, 5)); // 4 tokens back: a refused request takes none
    QVERIFY(bucket.tryTake(500, 5));
}

void tst_TokenBucket::savesUpToBurstOnly()
{
    TokenBucket bucket(10, 3, 0);
    for (int i = 0; i < 3; ++i)
        QVERIFY(bucket.tryTake(0));
    int accepted = 0;
    for (int i = 0; i < 10; ++i)
        accepted += bucket.tryTake(60'000); // a minute of silence saves three, not 600
    QCOMPARE(accepted, 3);
}

QTEST_APPLESS_MAIN(tst_TokenBucket)
#include "tst_tokenbucket.moc"
