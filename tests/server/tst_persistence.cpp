// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "testclient.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// The conversation across restarts of a server with a store, over real sockets.
class tst_Persistence : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void restartKeepsHistorySeqAndSince();
    void searchAndHistoryFrames();
    void fullStoreRefusesWithStoreFailed();
    void joinsWaitingForTheStoreAreDroppedOnceTheRoomIsLarge();
    void realBinaryRestart();
    void realBinaryUnusableStore();

private:
    void start(qint64 maxPageCount = 0, qsizetype announceLimit = 1000);
    TestClient *join(const QString &nick, std::optional<qint64> since = std::nullopt);

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
    quint16 m_port = 0;
};

void tst_Persistence::init()
{
    for (const QString &suffix : { u""_s, u"-wal"_s, u"-shm"_s })
        QFile::remove(m_dir.filePath(u"natter.sqlite"_s + suffix));
    m_port = 0;
}

void tst_Persistence::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_Persistence::start(qint64 maxPageCount, qsizetype announceLimit)
{
    ServerConfig config;
    config.port = m_port;
    config.rate = 0;
    config.historyLimit = 100;
    config.storePath = m_dir.filePath(u"natter.sqlite"_s);
    config.storeMaxPageCount = maxPageCount;
    config.announceLimit = announceLimit;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_port = m_server->serverPort();
}

TestClient *tst_Persistence::join(const QString &nick, std::optional<qint64> since)
{
    auto *client = new TestClient;
    m_clients.append(client);
    if (!client->join(m_port, nick, since))
        qWarning("no welcome for %s", qPrintable(nick));
    return client;
}

void tst_Persistence::restartKeepsHistorySeqAndSince()
{
    start();
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    aa->say(u"first half 1"_s, u"a1"_s);
    aa->say(u"first half 2"_s, u"a2"_s);
    aa->say(u"psst"_s, u"a3"_s, u"bb"_s);
    QTRY_COMPARE(bb->count<Message>(), 3);
    const qint64 bbSaw = bb->last<Message>().seq;
    QCOMPARE(bbSaw, 3);

    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset(); // the restart
    start();

    TestClient *cc = join(u"cc"_s);
    QCOMPARE(cc->last<Welcome>().seq, 3);
    QCOMPARE(cc->last<Welcome>().history.size(), 2); // not the direct message
    TestClient *aaAgain = join(u"aa"_s);
    aaAgain->say(u"second half"_s, u"a4"_s);
    QTRY_COMPARE(aaAgain->count<Ack>(), 1);
    QCOMPARE(aaAgain->last<Ack>().seq, 4); // numbering goes on
    aaAgain->say(u"first half 1"_s, u"a1"_s); // resent after the restart: known, not repeated
    QTRY_COMPARE(aaAgain->count<Ack>(), 2);
    QCOMPARE(aaAgain->last<Ack>().seq, 1);

    TestClient *bbAgain = join(u"bb"_s, bbSaw);
    const Welcome welcome = bbAgain->last<Welcome>();
    QCOMPARE(welcome.history.size(), 1);
    QCOMPARE(welcome.history.first().text, u"second half"_s);
    QVERIFY(!welcome.historyTruncated);
    QCOMPARE(cc->count<Message>(), 1);
}

void tst_Persistence::searchAndHistoryFrames()
{
    start();
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    for (int i = 1; i <= 60; ++i)
        aa->say(u"message %1 about %2"_s.arg(i).arg(i % 2 ? u"cats"_s : u"dogs"_s),
                QString::number(i));
    aa->say(u"secret cats"_s, u"s"_s, u"bb"_s);
    QTRY_COMPARE(aa->count<Ack>(), 61);

    cc->send(Search { u"cats"_s, u"q1"_s, std::nullopt });
    QTRY_COMPARE(cc->count<Results>(), 1);
    QCOMPARE(cc->last<Results>().id, u"q1"_s);
    QCOMPARE(cc->last<Results>().messages.size(), 30); // never bb's direct message
    bb->send(Search { u"secret"_s, u"q2"_s, std::nullopt });
    QTRY_COMPARE(bb->count<Results>(), 1);
    QCOMPARE(bb->last<Results>().messages.size(), 1);
    cc->send(Search { u"secret"_s, u"q3"_s, std::nullopt });
    QTRY_COMPARE(cc->count<Results>(), 2);
    QVERIFY(cc->last<Results>().messages.isEmpty());

    cc->send(History { 50, 10, u"h1"_s });
    QTRY_COMPARE(cc->count<Results>(), 3);
    const Results older = cc->last<Results>();
    QCOMPARE(older.id, u"h1"_s);
    QCOMPARE(older.messages.size(), 10);
    QCOMPARE(older.messages.first().seq, 40);
    QCOMPARE(older.messages.last().seq, 49);

    TestClient *stranger = new TestClient;
    m_clients.append(stranger);
    stranger->connectTo(m_port);
    stranger->send(Search { u"cats"_s, u"q4"_s, std::nullopt });
    QTRY_COMPARE(stranger->count<Error>(), 1);
    QCOMPARE(stranger->last<Error>().code, ErrorCode::NotRegistered);
}

void tst_Persistence::fullStoreRefusesWithStoreFailed()
{
    start(12); // a file that cannot grow past 12 pages: the disk is "full"
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    const QString big(4000, u'x');
    int sent = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                aa->say(big, u"big%1"_s.arg(sent++));
                return aa->count<Error>() > 0;
            }(),
            10000);
    QTRY_COMPARE(aa->count<Ack>() + aa->count<Error>(), sent);
    const Error failed = aa->all<Error>().constFirst();
    QCOMPARE(failed.code, ErrorCode::StoreFailed);
    QVERIFY(failed.id.startsWith(u"big"_s));
    // Whatever was not stored was not delivered either, and numbering has no holes.
    QTRY_COMPARE(bb->count<Message>(), aa->count<Ack>());
    const QList<Message> got = bb->all<Message>();
    for (qsizetype i = 0; i < got.size(); ++i)
        QCOMPARE(got.at(i).seq, i + 1);
}

void tst_Persistence::joinsWaitingForTheStoreAreDroppedOnceTheRoomIsLarge()
{
    start(0, 3); // past 3 members, joins are not announced one by one
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    QTRY_COMPARE(aa->count<Joined>(), 1);

    // Another connection takes the database's write lock, so aa's message waits in the store
    // and everything after it waits behind it, as in a reconnect storm on a busy server.
    QSqlDatabase lock = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"lock"_s);
    lock.setDatabaseName(m_dir.filePath(u"natter.sqlite"_s));
    QVERIFY(lock.open());
    QVERIFY(QSqlQuery(lock).exec(u"BEGIN IMMEDIATE"_s));
    aa->say(u"held"_s, u"h1"_s);
    aa->send(Ping { u"read"_s }); // answered at once: the server has read "held" by then
    QTRY_COMPARE(aa->count<Pong>(), 1);
    join(u"cc"_s); // still a small room: announced, but queued behind "held"
    join(u"dd"_s); // now a large one: the count goes out instead
    QVERIFY(QSqlQuery(lock).exec(u"COMMIT"_s));
    lock.close();
    lock = {};
    QSqlDatabase::removeDatabase(u"lock"_s);

    QTRY_COMPARE(bb->count<Presence>(), 1);
    QCOMPARE(bb->last<Presence>().online, 4);
    QCOMPARE(bb->count<Message>(), 1);
    QCOMPARE(aa->count<Ack>(), 1);
    // "cc has joined" is stale once the count is on its way: nobody gets it.
    for (TestClient *member : { aa, bb }) {
        QCOMPARE(member->count<Joined>(), 1 - int(member == bb));
        QCOMPARE(member->count<Notices>(), 0);
    }
}

void tst_Persistence::realBinaryRestart()
{
    QByteArray log;
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    connect(&server, &QProcess::readyRead, this, [&] { log += server.readAll(); });
    auto startBinary = [&] {
        log.clear();
        server.start(QStringLiteral(NATTER_SERVER_BINARY),
                     { u"--port"_s, u"0"_s, u"--data-dir"_s, m_dir.path() });
        static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
        QRegularExpressionMatch match;
        if (!QTest::qWaitFor(
                    [&] { return (match = listening.match(QString::fromUtf8(log))).hasMatch(); },
                    10000))
            return quint16(0); // checked by the caller
        return quint16(match.captured(1).toUInt());
    };
    m_port = startBinary();
    QVERIFY(m_port != 0);
    TestClient *aa = join(u"aa"_s);
    aa->say(u"before the restart"_s, u"1"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    server.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 0);

    m_port = startBinary();
    QVERIFY(m_port != 0);
    QVERIFY(log.contains("1 messages so far"));
    TestClient *bb = join(u"bb"_s);
    QCOMPARE(bb->last<Welcome>().seq, 1);
    QCOMPARE(bb->last<Welcome>().history.first().text, u"before the restart"_s);
    server.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
}

void tst_Persistence::realBinaryUnusableStore()
{
    QFile corrupt(m_dir.filePath(u"natter.sqlite"_s));
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write(QByteArray(4096, 'z'));
    corrupt.close();
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(QStringLiteral(NATTER_SERVER_BINARY),
                 { u"--port"_s, u"0"_s, u"--data-dir"_s, m_dir.path() });
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 2);
    const QByteArray text = server.readAll();
    QVERIFY2(text.contains(corrupt.fileName().toUtf8()), text.constData());
    QCOMPARE(text.count('\n'), 1);
}

QTEST_GUILESS_MAIN(tst_Persistence)
#include "tst_persistence.moc"
