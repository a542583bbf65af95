// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

// Every message of the server's categories, as the log would get it.
struct Captured
{
    QString category;
    QString message;
};
QList<Captured> captured;
QtMessageHandler previousHandler = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString category = QString::fromLatin1(context.category ? context.category : "");
    if (category.startsWith(u"natter."_s)) {
        captured.append({ category, message });
        return; // thousands of lines in the flood test: kept out of the test's output
    }
    previousHandler(type, context, message);
}

// Where a captured message holds what a peer could use to forge a line or drive a terminal.
QString forgery(const QString &message)
{
    for (const QChar c : message) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7F && u <= 0x9F) || u == 0x2028 || u == 0x2029 || u == 0x061C
            || u == 0x200E || u == 0x200F || (u >= 0x202A && u <= 0x202E)
            || (u >= 0x2066 && u <= 0x2069))
            return u"U+%1 in: %2"_s.arg(uint(u), 4, 16, QChar(u'0')).arg(message.left(300));
    }
    return {};
}

const QString forged = u"\nBanning 10.9.8.7 for 300 s after 10 failed logins\x1b[2J\r"_s;

} // namespace

// What peers send reaches the log only escaped and bounded: no forged lines, no floods.
class tst_LogSafety : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void peerValuesCannotForgeLogLines();
    void refusalFloodsAreSummarised();

private:
    void start(ServerConfig config);
    TestClient *clientFrom(const QString &address);

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
};

void tst_LogSafety::initTestCase()
{
    previousHandler = qInstallMessageHandler(capture);
}

void tst_LogSafety::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
}

void tst_LogSafety::init()
{
    captured.clear();
}

void tst_LogSafety::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_LogSafety::start(ServerConfig config)
{
    config.port = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

TestClient *tst_LogSafety::clientFrom(const QString &address)
{
    // Any 127.x.y.z reaches the server on 127.0.0.1 and is a different address to it.
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    client->socket()->bind(QHostAddress(address));
    client->connectTo(m_server->serverPort());
    return client;
}

void tst_LogSafety::peerValuesCannotForgeLogLines()
{
    const QString accounts = m_dir.filePath(u"accounts"_s);
    QString error;
    QVERIFY2(AccountStore::addUser(accounts, u"op"_s, u"s3cret"_s, &error, 1000),
             qPrintable(error));
    ServerConfig config;
    config.accountsPath = accounts;
    config.operators = { u"op"_s };
    start(config);

    TestClient *json = clientFrom(u"127.0.0.1"_s);
    json->hello(u"x"_s + forged);
    json->sendLine(
            QJsonDocument(QJsonObject { { u"type"_s, forged } }).toJson(QJsonDocument::Compact));
    json->hello(u"js"_s);
    QTRY_COMPARE(json->count<Welcome>(), 1);
    json->say(u"hi"_s, u"c1"_s, forged);
    json->say(u"hi"_s, u"c2"_s, QString(10'000, u'x'));
    QTRY_COMPARE(json->count<Error>(), 4);

    TestClient *plain = clientFrom(u"127.0.0.2"_s);
    plain->sendLine(u"x\rBanning 10.9.8.7\x1b[2J\u202E"_s.toUtf8());
    plain->sendLine("pt");
    plain->sendLine(u"/msg \x1b[2JBanning\r10.9.8.7 hello"_s.toUtf8());
    plain->sendLine(u"/frob\rBanning 10.9.8.7"_s.toUtf8());
    QTRY_VERIFY(std::any_of(plain->lines().cbegin(), plain->lines().cend(),
                            [](const QByteArray &line) { return line.startsWith("Welcome"); }));
    QTRY_COMPARE(std::count_if(plain->lines().cbegin(), plain->lines().cend(),
                               [](const QByteArray &line) { return line.startsWith("Error: "); }),
                 3);

    auto *op = clientFrom(u"127.0.0.3"_s);
    op->hello(u"op"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(op->count<Welcome>(), 1);
    op->send(Kick { u"pt"_s, forged, u"k1"_s });
    QTRY_VERIFY(plain->wasDisconnected());
    // The kick is logged twice: who removed whom, and the notice everyone sees.
    QTRY_VERIFY(
            std::count_if(captured.cbegin(), captured.cend(),
                          [](const Captured &line) { return line.message.contains(u"removed"_s); })
            >= 2);

    qsizetype mentions = 0;
    for (const Captured &line : std::as_const(captured)) {
        const QString found = forgery(line.message);
        QVERIFY2(found.isEmpty(), qPrintable(found));
        QVERIFY2(line.message.size() < 1000, qPrintable(line.message.left(300)));
        if (line.message.contains(u"Banning 10.9.8.7"_s))
            ++mentions;
    }
    // The values were logged, escaped, not left out: the nick, the type, the "to", the kick twice.
    QStringList all;
    for (const Captured &line : std::as_const(captured))
        all.append(line.message.left(200));
    QVERIFY2(mentions >= 5, qPrintable(all.join(u"\n"_s)));
}

void tst_LogSafety::refusalFloodsAreSummarised()
{
    ServerConfig config;
    config.maxPerAddress = 4;
    config.refusalLogWindow = std::chrono::seconds(2); // the summaries come within the test
    start(config);
    constexpr int addresses = 5;
    constexpr int perAddress = 4;
    constexpr int badHellos = 200;
    QList<TestClient *> attackers;
    for (int a = 0; a < addresses; ++a) {
        for (int c = 0; c < perAddress; ++c) {
            TestClient *attacker = clientFrom(u"127.0.1.%1"_s.arg(a + 1));
            attackers.append(attacker);
            // Bad nicks are answered before any rate limit: half on each face.
            QByteArray burst;
            for (int i = 0; i < badHellos; ++i) {
                burst += c % 2 ? Protocol::encode(Hello { u"bad nick %1"_s.arg(i), 1, {}, {}, {} })
                               : u"bad/nick%1\n"_s.arg(i).toUtf8();
            }
            attacker->sendRaw(burst);
        }
    }
    for (TestClient *attacker : std::as_const(attackers)) {
        QTRY_COMPARE_WITH_TIMEOUT(attacker->lines().size(), badHellos, 20'000);
    }
    // Over --max-per-ip: refused at the door, once each.
    constexpr int turnedAway = 10;
    for (int i = 0; i < turnedAway; ++i) {
        TestClient *extra = clientFrom(u"127.0.1.%1"_s.arg(i % addresses + 1));
        QTRY_VERIFY(extra->wasDisconnected());
    }
    const qsizetype refusals = addresses * perAddress * badHellos + turnedAway;

    static const QRegularExpression summary(u"^Suppressed (\\d+) refusals from (\\S+)"_s);
    auto suppressed = [] {
        qsizetype total = 0;
        for (const Captured &line : std::as_const(captured)) {
            if (const auto match = summary.match(line.message); match.hasMatch())
                total += match.captured(1).toLongLong();
        }
        return total;
    };
    auto logged = [] {
        return std::count_if(captured.cbegin(), captured.cend(), [](const Captured &line) {
            return line.message.contains(u"nick_invalid"_s) || line.message.contains(u"Refused"_s);
        });
    };
    // The summaries come when the window ends; then every refusal is accounted for.
    QTRY_COMPARE_WITH_TIMEOUT(logged() + suppressed(), refusals, 10'000);
    QVERIFY2(captured.size() < 100, qPrintable(QString::number(captured.size())));
    QVERIFY(suppressed() > 0);
}

NATTER_SERVER_TEST_MAIN(tst_LogSafety)
#include "tst_logsafety.moc"
