// SPDX-License-Identifier: BSD-3-Clause
#include "terminaltext.h"

#include <QTest>

using namespace Qt::StringLiterals;

// Text from peers made safe for a terminal and for a log line, without damaging text.
class tst_TerminalText : public QObject
{
    Q_OBJECT

private slots:
    void sanitized_data();
    void sanitized();
    void escaped_data();
    void escaped();
    void escapedIsCapped();
    void everyControlIsCaught();
};

void tst_TerminalText::sanitized_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shown");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("ascii") << u"hello, world! <b>&"_s << u"hello, world! <b>&"_s;
    QTest::newRow("backslash stays") << u"C:\\Users"_s << u"C:\\Users"_s;
    QTest::newRow("CR") << u"hi\rbob: fake line"_s << u"hi\\rbob: fake line"_s;
    QTest::newRow("LF continues indented") << u"hi\nbob: x"_s << u"hi\n  bob: x"_s;
    QTest::newRow("CRLF is one break") << u"a\r\nb"_s << u"a\n  b"_s;
    QTest::newRow("line separators") << u"a\u2028b\u2029c"_s << u"a\n  b\n  c"_s;
    QTest::newRow("trailing LF") << u"a\n"_s << u"a\n  "_s;
    QTest::newRow("tab") << u"a\tb"_s << u"a b"_s;
    QTest::newRow("clear screen") << u"\x1b[2J\x1b[H"_s << u"\\x1b[2J\\x1b[H"_s;
    QTest::newRow("OSC 0 title") << u"\x1b]0;owned\x07"_s << u"\\x1b]0;owned\\x07"_s;
    QTest::newRow("OSC 8 link") << u"\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\"_s
                                << u"\\x1b]8;;http://evil/\\x1b\\click\\x1b]8;;\\x1b\\"_s;
    QTest::newRow("cursor report") << u"\x1b[6n"_s << u"\\x1b[6n"_s;
    QTest::newRow("bidi overrides") << u"\u202Etxt.exe\u202C"_s << u"\\u202etxt.exe\\u202c"_s;
    QTest::newRow("bidi isolates and marks") << u"\u2066\u2067\u2068\u2069\u200E\u200F\u061C"_s
                                             << u"\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f"
                                                "\\u061c"_s;
    QTest::newRow("embeddings") << u"\u202A\u202B\u202D"_s << u"\\u202a\\u202b\\u202d"_s;
    QTest::newRow("C1 NEL and CSI") << u"a\u0085b\u009B31m"_s << u"a\\x85b\\x9b31m"_s;
    QTest::newRow("NUL") << u"a\0b"_s << u"a\\x00b"_s;
    QTest::newRow("BS VT FF DEL") << u"\b\v\f\x7f"_s << u"\\x08\\x0b\\x0c\\x7f"_s;
    QTest::newRow("unpaired surrogate") << QString(QChar(0xD800)) << u"\\ud800"_s;
    QTest::newRow("combining marks")
            << u"e\u0301 n\u0303 a\u0308\u0323"_s << u"e\u0301 n\u0303 a\u0308\u0323"_s;
    QTest::newRow("emoji") << u"👩\u200D👩\u200D👧 👍🏽 🇫🇷 ❤\uFE0F"_s
                           << u"👩\u200D👩\u200D👧 👍🏽 🇫🇷 ❤\uFE0F"_s;
    QTest::newRow("scripts") << u"日本語 مرحبا עברית ελληνικά हिन्दी"_s
                             << u"日本語 مرحبا עברית ελληνικά हिन्दी"_s;
}

void tst_TerminalText::sanitized()
{
    QFETCH(QString, text);
    QFETCH(QString, shown);
    const QString result = TerminalText::sanitized(text);
    QCOMPARE(result, shown);
    QVERIFY(TerminalText::isSafeForTerminal(result));
    // Only line breaks are changed without being unsafe: they are re-indented.
    if (!text.contains(u'\n'))
        QCOMPARE(TerminalText::isSafeForTerminal(text), text == shown);
}

void tst_TerminalText::escaped_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("logged");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("ascii") << u"bad nick"_s << u"bad nick"_s;
    QTest::newRow("forged line") << u"x\nBanning 10.9.8.7"_s << u"x\\nBanning 10.9.8.7"_s;
    QTest::newRow("CR tab") << u"a\rb\tc"_s << u"a\\rb\\tc"_s;
    QTest::newRow("backslash") << u"a\\nb"_s << u"a\\\\nb"_s;
    QTest::newRow("ESC") << u"\x1b[2J"_s << u"\\x1b[2J"_s;
    QTest::newRow("C1") << u"\u009B"_s << u"\\x9b"_s;
    QTest::newRow("bidi") << u"\u202E"_s << u"\\u202e"_s;
    QTest::newRow("line separator") << u"a\u2028b"_s << u"a\\u2028b"_s;
    QTest::newRow("scripts and emoji")
            << u"日本語 e\u0301 👍🏽"_s << u"日本語 e\u0301 👍🏽"_s;
}

void tst_TerminalText::escaped()
{
    QFETCH(QString, value);
    QFETCH(QString, logged);
    QCOMPARE(TerminalText::escaped(value), logged);
}

void tst_TerminalText::escapedIsCapped()
{
    QCOMPARE(TerminalText::escaped(QString(200, u'x')), QString(200, u'x'));
    QCOMPARE(TerminalText::escaped(QString(201, u'x')), QString(200, u'x') + u'…');
    QCOMPARE(TerminalText::escaped(QString(100'000, u'\n'), 10),
             QString(10, u'n').replace(u"n"_s, u"\\n"_s) + u'…');
    QCOMPARE(TerminalText::escaped(u"abcdef"_s, 3), u"abc…"_s);
    // A pair of surrogates is never cut in two.
    QCOMPARE(TerminalText::escaped(u"a👍b"_s, 2), u"a👍…"_s);
}

void tst_TerminalText::everyControlIsCaught()
{
    for (char32_t c = 0; c <= 0xFFFF; ++c) {
        const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E
                || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || (c >= 0xD800 && c <= 0xDFFF);
        QCOMPARE(TerminalText::isControl(c), control);
        const QString text = u"a"_s + QChar(char16_t(c)) + u"b"_s;
        QVERIFY(TerminalText::isSafeForTerminal(TerminalText::sanitized(text)));
        const QString logged = TerminalText::escaped(text);
        QVERIFY(TerminalText::isSafeForTerminal(logged) && !logged.contains(u'\n'));
    }
}

QTEST_APPLESS_MAIN(tst_TerminalText)
#include "tst_terminaltext.moc"
