// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// What a text on the wire may be: how long (in characters), which Unicode, not invisible; and
// which protocol versions a hello may ask for.
class tst_TextRules : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void lengthCountsCharactersNotUtf16Units();
    void loneSurrogateIsRefusedAndNeverStored();
    void invisibleOnlyTextIsBlank_data();
    void invisibleOnlyTextIsBlank();
    void textWithSomethingVisibleIsKept();
    void unknownProtocolVersionIsRefusedByName_data();
    void unknownProtocolVersionIsRefusedByName();

private:
    TestClient *join(const QString &nick);

    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
    TestClient *m_reader = nullptr;
    TestClient *m_writer = nullptr;
};

void tst_TextRules::init()
{
    ServerConfig config; // the default limits: they are what users meet
    config.port = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_reader = join(u"reader"_s);
    m_writer = join(u"writer"_s);
    QVERIFY(m_reader && m_writer);
    // Notices are coalesced: wait for the writer's, so later counts start from a settled room.
    QTRY_VERIFY(m_reader->count<Joined>() + m_reader->count<Notices>() >= 1);
}

void tst_TextRules::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

TestClient *tst_TextRules::join(const QString &nick)
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->setAnswersPings(true);
    return client->join(m_server->serverPort(), nick) ? client : nullptr;
}

void tst_TextRules::lengthCountsCharactersNotUtf16Units()
{
    // 🙂 is one character but two UTF-16 units: 4,096 of them are within the limit.
    const QString smile = u"\U0001F642"_s;
    const QString longest = smile.repeated(MaxTextLength);
    m_writer->say(longest, u"longest"_s);
    QTRY_COMPARE(m_writer->count<Ack>(), 1);
    QTRY_COMPARE(m_reader->count<Message>(), 1);
    QCOMPARE(m_reader->last<Message>().text, longest);

    m_writer->say(longest + smile, u"over"_s);
    QTRY_COMPARE(m_writer->count<Error>(), 1);
    QCOMPARE(m_writer->last<Error>().code, ErrorCode::TextTooLong);
    QCOMPARE(m_writer->last<Error>().id, u"over"_s);
    QVERIFY(m_writer->last<Error>().text.contains(u"4096"_s));
    QCOMPARE(m_writer->count<Ack>(), 1);

    // The longest text of characters JSON must escape (6 bytes each) still fits one line.
    const QString escaped = QString(QChar(0x01)).repeated(MaxTextLength - 1) + u'x';
    m_writer->say(escaped, u"escaped"_s);
    QTRY_COMPARE(m_writer->count<Ack>(), 2);
    QTRY_COMPARE(m_reader->count<Message>(), 2);
    QVERIFY(m_writer->isConnected());
}

void tst_TextRules::loneSurrogateIsRefusedAndNeverStored()
{
    m_writer->sendLine(R"({"type":"say","id":"half","text":"a\ud800b"})");
    m_writer->sendLine(R"({"type":"say","id":"whole","text":"a\ud83d\ude42b"})");
    QTRY_COMPARE(m_writer->count<Ack>(), 1);
    QCOMPARE(m_writer->last<Ack>().id, u"whole"_s);
    QCOMPARE(m_writer->count<Error>(), 1);
    QCOMPARE(m_writer->last<Error>().code, ErrorCode::BadFrame);
    QCOMPARE(m_writer->last<Error>().id, u"half"_s);
    QVERIFY(m_writer->last<Error>().text.contains(u"surrogate"_s));

    QTRY_COMPARE(m_reader->count<Message>(), 1);
    QCOMPARE(m_reader->last<Message>().text, u"a\U0001F642b"_s);

    // The history a newcomer gets holds only the whole one.
    TestClient *later = join(u"later"_s);
    QVERIFY(later);
    const Welcome welcome = later->last<Welcome>();
    QCOMPARE(welcome.history.size(), 1);
    QCOMPARE(welcome.history.constFirst().text, u"a\U0001F642b"_s);

    // A plain-text client cannot spell a surrogate at all: UTF-8 forbids encoding one.
    auto *terminal = new TestClient;
    m_clients.append(terminal);
    terminal->connectTo(m_server->serverPort());
    terminal->sendLine("tt");
    QTRY_VERIFY(m_reader->count<Joined>() + m_reader->count<Notices>() >= 1);
    terminal->sendLine("a\xed\xa0\x80z");
    QTRY_VERIFY(!terminal->lines().isEmpty()
                && terminal->lines().constLast().startsWith("Error: "));
    QVERIFY(terminal->lines().constLast().contains("UTF-8"));
    QCOMPARE(m_reader->count<Message>(), 1);
}

void tst_TextRules::invisibleOnlyTextIsBlank_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("zero-width space") << u"\u200B"_s;
    QTest::newRow("word joiner") << u"\u2060"_s;
    QTest::newRow("byte order mark") << u"\uFEFF"_s;
    QTest::newRow("joiners and spaces") << u" \u200D\u200C \u00A0"_s;
    QTest::newRow("hangul filler") << u"\u3164"_s;
    QTest::newRow("braille blank") << u"\u2800\u2800"_s;
    QTest::newRow("variation selector") << u"\uFE0F"_s;
    QTest::newRow("bidi marks") << u"\u200E\u200F\u202E"_s;
    QTest::newRow("tabs and line breaks") << u"\t\r\n\t"_s;
}

void tst_TextRules::invisibleOnlyTextIsBlank()
{
    QFETCH(QString, text);
    m_writer->say(text, u"blank"_s);
    QTRY_COMPARE(m_writer->count<Error>(), 1);
    QCOMPARE(m_writer->last<Error>().code, ErrorCode::BadFrame);
    QCOMPARE(m_writer->last<Error>().id, u"blank"_s);
    QCOMPARE(m_writer->count<Ack>(), 0);
    // A ping after it comes back before any message could: nothing was delivered.
    m_reader->send(Ping { u"after"_s });
    QTRY_COMPARE(m_reader->count<Pong>(), 1);
    QCOMPARE(m_reader->count<Message>(), 0);
}

void tst_TextRules::textWithSomethingVisibleIsKept()
{
    const QStringList texts { u"a\u200B"_s, u"\u200D\U0001F642"_s, u"\u3164x"_s,
                              u"\u0915\u094D"_s };
    for (qsizetype i = 0; i < texts.size(); ++i)
        m_writer->say(texts.at(i), QString::number(i));
    QTRY_COMPARE(m_writer->count<Ack>(), texts.size());
    QCOMPARE(m_writer->count<Error>(), 0);
    QTRY_COMPARE(m_reader->count<Message>(), texts.size());
    for (qsizetype i = 0; i < texts.size(); ++i)
        QCOMPARE(m_reader->all<Message>().at(i).text, texts.at(i));
}

void tst_TextRules::unknownProtocolVersionIsRefusedByName_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("from the future") << 999;
    QTest::newRow("zero") << 0;
    QTest::newRow("negative") << -1;
}

void tst_TextRules::unknownProtocolVersionIsRefusedByName()
{
    QFETCH(int, version);
    const qsizetype noticesBefore = m_reader->count<Joined>() + m_reader->count<Notices>();
    auto *client = new TestClient;
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    Hello hello;
    hello.nick = u"future"_s;
    hello.protocol = version;
    client->send(hello);
    QTRY_COMPARE(client->count<Error>(), 1);
    const Error error = client->last<Error>();
    QCOMPARE(error.code, ErrorCode::UnsupportedProtocol);
    QVERIFY2(error.text.contains(u"version %1 to %2"_s.arg(OldestVersion).arg(Version)),
             qPrintable(error.text));
    QVERIFY(error.text.contains(QString::number(version)));
    QCOMPARE(client->count<Welcome>(), 0);
    QCOMPARE(m_reader->count<Joined>() + m_reader->count<Notices>(), noticesBefore);

    // The connection stays, and a hello the server speaks is welcomed.
    hello.protocol = Version;
    client->send(hello);
    QTRY_COMPARE(client->count<Welcome>(), 1);
}

NATTER_SERVER_TEST_MAIN(tst_TextRules)
#include "tst_textrules.moc"
