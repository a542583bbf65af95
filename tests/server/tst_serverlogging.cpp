// SPDX-License-Identifier: BSD-3-Clause
#include "serverlogging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

// ServerLogging::format(): one line per message with its level, the time only when the
// journal does not add its own, and JSON for log shippers.
class tst_ServerLogging : public QObject
{
    Q_OBJECT

private slots:
    void text_data();
    void text();
    void json_data();
    void json();
};

namespace {
const QDateTime when(QDate(2026, 12, 3), QTime(13, 4, 5, 678), Qt::UTC);
}

void tst_ServerLogging::text_data()
{
    QTest::addColumn<bool>("journal");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("line");
    const QByteArray stamp = when.toLocalTime().toString(u"yyyy-MM-dd hh:mm:ss.zzz"_s).toUtf8();
    QTest::newRow("info") << false << int(QtInfoMsg) << u"aa has joined the chat."_s
                          << stamp + " info: aa has joined the chat.\n";
    QTest::newRow("warning") << false << int(QtWarningMsg) << u"Keeping the accounts"_s
                             << stamp + " warning: Keeping the accounts\n";
    QTest::newRow("error") << false << int(QtCriticalMsg) << u"disk full"_s
                           << stamp + " error: disk full\n";
    QTest::newRow("debug") << false << int(QtDebugMsg) << u"x"_s << stamp + " debug: x\n";
    QTest::newRow("line break stays in the line")
            << false << int(QtInfoMsg) << u"one\ntwo\r"_s << stamp + " info: one\\ntwo\\r\n";
    QTest::newRow("journal info") << true << int(QtInfoMsg) << u"aa has joined the chat."_s
                                  << QByteArray("<6>info: aa has joined the chat.\n");
    QTest::newRow("journal warning")
            << true << int(QtWarningMsg) << u"w"_s << QByteArray("<4>warning: w\n");
    QTest::newRow("journal error")
            << true << int(QtCriticalMsg) << u"e"_s << QByteArray("<3>error: e\n");
    QTest::newRow("journal debug")
            << true << int(QtDebugMsg) << u"d"_s << QByteArray("<7>debug: d\n");
    QTest::newRow("journal line break")
            << true << int(QtInfoMsg) << u"a\nb"_s << QByteArray("<6>info: a\\nb\n");
}

void tst_ServerLogging::text()
{
    QFETCH(bool, journal);
    QFETCH(int, type);
    QFETCH(QString, message);
    QFETCH(QByteArray, line);
    QCOMPARE(ServerLogging::format(ServerLogging::Format::Text, journal, QtMsgType(type),
                                   "natter.server", message, when),
             line);
}

void tst_ServerLogging::json_data()
{
    QTest::addColumn<bool>("journal");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("level");
    QTest::newRow("info") << false << int(QtInfoMsg) << u"aa has joined the chat."_s << u"info"_s;
    QTest::newRow("warning") << false << int(QtWarningMsg) << u"w"_s << u"warning"_s;
    QTest::newRow("error") << false << int(QtCriticalMsg) << u"e"_s << u"error"_s;
    QTest::newRow("quotes and line breaks")
            << false << int(QtInfoMsg) << u"\"quoted\"\nnext \\ line"_s << u"info"_s;
    QTest::newRow("journal") << true << int(QtInfoMsg) << u"m"_s << u"info"_s;
}

void tst_ServerLogging::json()
{
    QFETCH(bool, journal);
    QFETCH(int, type);
    QFETCH(QString, message);
    QFETCH(QString, level);
    const QByteArray line = ServerLogging::format(ServerLogging::Format::Json, journal,
                                                  QtMsgType(type), "natter.session", message, when);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QJsonParseError error {};
    const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(object.value(u"message"_s).toString(), message);
    QCOMPARE(object.value(u"level"_s).toString(), level);
    QCOMPARE(object.value(u"category"_s).toString(), u"natter.session"_s);
    if (journal)
        QVERIFY(!object.contains(u"time"_s));
    else
        QCOMPARE(object.value(u"time"_s).toString(), u"2026-12-03T13:04:05.678Z"_s);
}

QTEST_GUILESS_MAIN(tst_ServerLogging)
#include "tst_serverlogging.moc"
