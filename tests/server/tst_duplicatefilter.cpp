// SPDX-License-Identifier: BSD-3-Clause
#include "duplicatefilter.h"

#include <QTest>

using namespace Qt::StringLiterals;

class tst_DuplicateFilter : public QObject
{
    Q_OBJECT

private slots:
    void remembersPerNick();
    void keepsTheNewestWindow();
    void forgetsLongDepartedNicks();
    void emptyIdIsNeverADuplicate();
};

void tst_DuplicateFilter::remembersPerNick()
{
    DuplicateFilter filter(10, 10);
    filter.remember(u"aa"_s, u"c1"_s, { 5, 500 });
    QCOMPARE(filter.find(u"aa"_s, u"c1"_s)->seq, 5);
    QCOMPARE(filter.find(u"aa"_s, u"c1"_s)->timestamp, 500);
    QVERIFY(!filter.find(u"bb"_s, u"c1"_s));
    QVERIFY(!filter.find(u"aa"_s, u"c2"_s));
}

void tst_DuplicateFilter::keepsTheNewestWindow()
{
    DuplicateFilter filter(1000, 10);
    for (int i = 1; i <= 1500; ++i)
        filter.remember(u"aa"_s, u"id%1"_s.arg(i), { i, 0 });
    QVERIFY(!filter.find(u"aa"_s, u"id500"_s));
    QCOMPARE(filter.find(u"aa"_s, u"id501"_s)->seq, 501);
    QCOMPARE(filter.find(u"aa"_s, u"id1500"_s)->seq, 1500);
}

void tst_DuplicateFilter::forgetsLongDepartedNicks()
{
    DuplicateFilter filter(10, 2);
    for (const QString &nick : { u"aa"_s, u"bb"_s, u"cc"_s })
        filter.remember(nick, u"x"_s, { 1, 0 });
    filter.nickLeft(u"aa"_s);
    filter.nickLeft(u"bb"_s);
    filter.nickJoined(u"bb"_s); // came back: no longer departed
    filter.nickLeft(u"cc"_s);
    QVERIFY(filter.find(u"aa"_s, u"x"_s)); // two departures kept
    filter.nickLeft(u"bb"_s);
    QVERIFY(!filter.find(u"aa"_s, u"x"_s)); // the oldest departure goes first
    QVERIFY(filter.find(u"bb"_s, u"x"_s));
    QVERIFY(filter.find(u"cc"_s, u"x"_s));
    QCOMPARE(filter.rememberedNicks(), 2);
}

void tst_DuplicateFilter::emptyIdIsNeverADuplicate()
{
    DuplicateFilter filter(10, 10);
    filter.remember(u"aa"_s, QString(), { 1, 0 });
    QVERIFY(!filter.find(u"aa"_s, QString()));
}

QTEST_APPLESS_MAIN(tst_DuplicateFilter)
#include "tst_duplicatefilter.moc"
