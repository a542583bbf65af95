// SPDX-License-Identifier: BSD-3-Clause
#include "nickskeleton.h"
#include "protocol.h"

#include <QTest>

using namespace Qt::StringLiterals;

// Which nicknames look alike (the confusables table, read from the library's resources) and
// which scripts a nickname may mix.
class tst_NickSkeleton : public QObject
{
    Q_OBJECT

private slots:
    void tableIsInThisExecutable();
    void lookalikesShareASkeleton_data();
    void lookalikesShareASkeleton();
    void differentNicksStayDifferent_data();
    void differentNicksStayDifferent();
    void skeletonIsStable();
    void caseIsIgnored_data();
    void caseIsIgnored();
    void scripts_data();
    void scripts();
    void mixedScriptNickIsInvalid();
    void storedKeyOnlyFoldsCase();
};

void tst_NickSkeleton::tableIsInThisExecutable()
{
    // Read from the static library's resources: missing there, it would be qFatal.
    QVERIFY(NickSkeleton::tableSize() > 5000);
}

void tst_NickSkeleton::lookalikesShareASkeleton_data()
{
    QTest::addColumn<QString>("lookalike");
    QTest::addColumn<QString>("original");
    QTest::newRow("Cyrillic а") << u"\u0430lice"_s << u"alice"_s;
    QTest::newRow("Cyrillic о") << u"\u043Ep"_s << u"op"_s;
    QTest::newRow("all Cyrillic") << u"\u043E\u0440"_s << u"op"_s;
    QTest::newRow("fullwidth") << u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s << u"alice"_s;
    QTest::newRow("dotless i") << u"al\u0131ce"_s << u"alice"_s;
    QTest::newRow("small capitals") << u"\u1D00\u029F\u026A\u1D04\u1D07"_s << u"alice"_s;
    QTest::newRow("capitals") << u"ALICE"_s << u"alice"_s;
    QTest::newRow("digit zero") << u"b0b"_s << u"bob"_s;
    QTest::newRow("digit one") << u"a1ice"_s << u"alice"_s;
    QTest::newRow("Greek omicron") << u"b\u03BFb"_s << u"bob"_s;
    // UTS #39 has "m" look like "rn": such nicks cannot be online together, and "rnallory"
    // needs mallory's password. A price paid on purpose: it is the classic lookalike.
    QTest::newRow("rn is m") << u"rnallory"_s << u"mallory"_s;
    QTest::newRow("precomposed and decomposed") << u"jos\u00E9"_s << u"jose\u0301"_s;
}

void tst_NickSkeleton::lookalikesShareASkeleton()
{
    QFETCH(QString, lookalike);
    QFETCH(QString, original);
    QCOMPARE(NickSkeleton::skeleton(lookalike), NickSkeleton::skeleton(original));
    QCOMPARE(Protocol::nickKey(lookalike), Protocol::nickKey(original));
}

void tst_NickSkeleton::differentNicksStayDifferent_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::newRow("latin") << u"alice"_s << u"alina"_s;
    QTest::newRow("one letter") << u"aa"_s << u"ab"_s;
    QTest::newRow("accent") << u"jose"_s << u"jos\u00E9"_s;
    QTest::newRow("Russian") << u"\u0414\u043C\u0438\u0442\u0440\u0438\u0439"_s // Дмитрий
                             << u"\u0414\u043C\u0438\u0442\u0440\u0430"_s; // Дмитра
    QTest::newRow("Chinese") << u"\u674E\u96F7"_s << u"\u97E9\u6885\u6885"_s; // 李雷, 韩梅梅
    QTest::newRow("Arabic") << u"\u0645\u062D\u0645\u062F"_s // محمد
                            << u"\u0623\u062D\u0645\u062F"_s; // أحمد
    QTest::newRow("Russian and Latin")
            << u"\u0414\u043C\u0438\u0442\u0440\u0438\u0439"_s << u"dmitriy"_s;
    QTest::newRow("digits") << u"user1"_s << u"user2"_s;
}

void tst_NickSkeleton::differentNicksStayDifferent()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QVERIFY(Protocol::isValidNick(first));
    QVERIFY(Protocol::isValidNick(second));
    QVERIFY(Protocol::nickKey(first) != Protocol::nickKey(second));
}

void tst_NickSkeleton::skeletonIsStable()
{
    // A key of a key is the key: comparing keys is an equivalence, whatever the table maps to.
    for (const QString &nick :
         { u"\u1D00\u029F\u026A\u1D04\u1D07"_s, u"rnallory"_s,
           u"\u0414\u043C\u0438\u0442\u0440\u0438\u0439"_s, u"B0B"_s, u"\u03A3\u0391\u03A3"_s,
           // A prototype that is a compatibility form ('%' is "º/₀"):
           // found by the fuzz target.
           u"50%"_s, u"sa%yay"_s }) {
        const QString key = NickSkeleton::skeleton(nick);
        QCOMPARE(NickSkeleton::skeleton(key), key);
    }
}

void tst_NickSkeleton::caseIsIgnored_data()
{
    QTest::addColumn<QString>("upper");
    QTest::addColumn<QString>("lower");
    QTest::newRow("ASCII") << u"AA"_s << u"aa"_s;
    QTest::newRow("Latin") << u"STRASSE"_s << u"strasse"_s; // simple folding: ß stays ß
    QTest::newRow("Greek sigma") << u"\u03A3\u0391\u03A3"_s << u"\u03C3\u03B1\u03C2"_s;
    QTest::newRow("Cyrillic") << u"\u0414\u041C\u0418\u0422\u0420\u0418\u0419"_s
                              << u"\u0434\u043C\u0438\u0442\u0440\u0438\u0439"_s;
}

void tst_NickSkeleton::caseIsIgnored()
{
    // Nicks that were one nick before skeletons (unique ignoring case) still are.
    QFETCH(QString, upper);
    QFETCH(QString, lower);
    QCOMPARE(Protocol::nickKey(upper), Protocol::nickKey(lower));
}

void tst_NickSkeleton::scripts_data()
{
    QTest::addColumn<QString>("nick");
    QTest::addColumn<bool>("singleScript");
    QTest::newRow("Latin") << u"alice_2-b"_s << true;
    QTest::newRow("Russian") << u"\u0414\u043C\u0438\u0442\u0440\u0438\u0439"_s << true;
    QTest::newRow("Chinese") << u"\u674E\u96F7"_s << true;
    QTest::newRow("Arabic") << u"\u0645\u062D\u0645\u062F"_s << true;
    QTest::newRow("Arabic with its digits") << u"\u0645\u062D\u0645\u062F\u0661"_s << true;
    QTest::newRow("Arabic with ASCII digits") << u"\u0645\u062D\u0645\u062F1"_s << true;
    QTest::newRow("Japanese") << u"\u5C71\u7530\u3072\u308D\u30B7"_s << true; // 山田ひろシ
    QTest::newRow("Korean") << u"\uAE40\u91D1"_s << true;
    QTest::newRow("digits only") << u"1234"_s << true;
    QTest::newRow("Cyrillic а in Latin") << u"\u0430lice"_s << false;
    QTest::newRow("Cyrillic о in Latin") << u"\u043Ep"_s << false;
    QTest::newRow("Arabic-Indic zero after Latin") << u"alice\u0660"_s << false;
    QTest::newRow("Greek in Latin") << u"b\u03BFb"_s << false;
    QTest::newRow("Latin in Han") << u"\u674Ea"_s << false;
}

void tst_NickSkeleton::scripts()
{
    QFETCH(QString, nick);
    QFETCH(bool, singleScript);
    QCOMPARE(NickSkeleton::isSingleScript(nick), singleScript);
    QCOMPARE(Protocol::isValidNick(nick), singleScript);
}

void tst_NickSkeleton::mixedScriptNickIsInvalid()
{
    QVERIFY(!Protocol::isValidNick(u"\u0430lice"_s));
    QVERIFY(Protocol::isValidNick(u"\u0430\u043B\u0438\u0441\u0430"_s)); // алиса, all Cyrillic
}

void tst_NickSkeleton::storedKeyOnlyFoldsCase()
{
    // The stores keep rows under the old key: nothing stored before skeletons loses its owner.
    QCOMPARE(Protocol::storedNickKey(u"Mallory"_s), u"mallory"_s);
    QVERIFY(Protocol::storedNickKey(u"rnallory"_s) != Protocol::storedNickKey(u"mallory"_s));
    QCOMPARE(Protocol::storedNickKey(u"\u0430lice"_s), u"\u0430lice"_s);
}

QTEST_GUILESS_MAIN(tst_NickSkeleton)
#include "tst_nickskeleton.moc"
