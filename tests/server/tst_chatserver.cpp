// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Protocol;

class tst_ChatServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void seedScenario();
    void brokenSocketDuringBroadcastCostsNobodyAMessage();
    void nickCollisionAndRetry();
    void invalidNickAndRetry();
    void directMessages();
    void historyForLateJoiner();
    void historySinceAndTruncation();
    void historyShowsClientIdsToTheirSenderOnly();
    void plainTextAndJsonClientsTalk();
    void plainTextCommands();
    void originalChatroomClientWorksUnchanged();
    void onlyHelloOrPingBeforeHello();
    void malformedInputGetsErrorsAndConnectionStays();
    void overlongLineClosesOnlyThatConnection();
    void textTooLong();
    void slowReaderIsRemoved();
    void gracefulShutdown();
    void shutdownUnderLoadReachesEveryWriter();
    void noticesArriveTogetherInAStorm();
    void largeRoomSendsCountsNotEveryArrival();

private:
    TestClient *connectClient();
    TestClient *join(const QString &nick, std::optional<qint64> since = std::nullopt);

    ServerConfig m_config;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
};

void tst_ChatServer::init()
{
    m_config = ServerConfig {};
    m_config.port = 0;
    m_config.historyLimit = 5;
    m_config.maxLineBytes = 1024;
    m_config.maxTextLength = 100;
    m_config.rate = 0; // the flood tests set their own
    m_server = std::make_unique<ChatServer>(m_config);
    QVERIFY(m_server->listen());
}

void tst_ChatServer::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

TestClient *tst_ChatServer::connectClient()
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    return client;
}

TestClient *tst_ChatServer::join(const QString &nick, std::optional<qint64> since)
{
    auto *client = new TestClient;
    m_clients.append(client);
    if (!client->join(m_server->serverPort(), nick, since))
        qWarning("no welcome for %s", qPrintable(nick));
    return client;
}

void tst_ChatServer::seedScenario()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    TestClient *dd = join(u"dd"_s);
    QCOMPARE(dd->last<Welcome>().users, QStringList({ u"aa"_s, u"bb"_s, u"cc"_s, u"dd"_s }));
    QTRY_COMPARE(aa->count<Joined>(), 3);
    QCOMPARE(aa->last<Joined>().text, u"dd has joined the chat."_s);

    aa->say(u"hello everyone"_s, u"c1"_s);
    for (TestClient *other : { bb, cc, dd }) {
        QTRY_COMPARE(other->count<Message>(), 1);
        QCOMPARE(other->last<Message>().from, u"aa"_s);
        QCOMPARE(other->last<Message>().text, u"hello everyone"_s);
    }
    QTRY_COMPARE(aa->count<Ack>(), 1);
    QCOMPARE(aa->last<Ack>().id, u"c1"_s);
    QCOMPARE(aa->last<Ack>().seq, bb->last<Message>().seq);
    QCOMPARE(aa->count<Message>(), 0); // the sender gets the ack, not its own message

    bb->send(Exit {});
    for (TestClient *other : { aa, cc, dd }) {
        QTRY_COMPARE(other->count<Left>(), 1);
        QCOMPARE(other->last<Left>().nick, u"bb"_s);
        QCOMPARE(other->last<Left>().reason, LeaveReason::Exit);
        QCOMPARE(other->last<Left>().text, u"bb has left the chat."_s);
    }
    QTRY_VERIFY(bb->wasDisconnected());

    cc->socket()->abort(); // Ctrl-C: the connection just vanishes
    for (TestClient *other : { aa, dd }) {
        QTRY_COMPARE(other->count<Left>(), 2);
        QCOMPARE(other->last<Left>().nick, u"cc"_s);
        QCOMPARE(other->last<Left>().reason, LeaveReason::Lost);
        QCOMPARE(other->last<Left>().text,
                 u"No message from cc, cc will be removed from the chatroom."_s);
    }
    QCOMPARE(m_server->room()->nicks(), QStringList({ u"aa"_s, u"dd"_s }));
    QTRY_COMPARE(m_server->sessionCount(), 2);
}

void tst_ChatServer::brokenSocketDuringBroadcastCostsNobodyAMessage()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    for (int i = 0; i < 50; ++i) {
        aa->say(u"m%1"_s.arg(i), u"id%1"_s.arg(i));
        if (i == 10)
            cc->socket()->abort();
    }
    QTRY_COMPARE(bb->count<Message>(), 50);
    QTRY_COMPARE(aa->count<Ack>(), 50);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(bb->all<Message>().at(i).text, u"m%1"_s.arg(i));
    QTRY_COMPARE(bb->count<Left>(), 1);
    QCOMPARE(bb->last<Left>().reason, LeaveReason::Lost);
}

void tst_ChatServer::nickCollisionAndRetry()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *other = connectClient();
    other->hello(u"AA"_s); // nicks are unique ignoring case
    QTRY_COMPARE(other->count<Error>(), 1);
    QCOMPARE(other->last<Error>().code, ErrorCode::NickTaken);
    QVERIFY(other->isConnected());
    other->hello(u"ee"_s); // same connection, another try
    QTRY_COMPARE(other->count<Welcome>(), 1);
    QCOMPARE(other->last<Welcome>().nick, u"ee"_s);
    QTRY_COMPARE(aa->count<Joined>(), 1);
    QCOMPARE(aa->count<Error>(), 0);
}

void tst_ChatServer::invalidNickAndRetry()
{
    TestClient *client = connectClient();
    client->hello(u"no spaces"_s);
    QTRY_COMPARE(client->count<Error>(), 1);
    QCOMPARE(client->last<Error>().code, ErrorCode::NickInvalid);
    client->hello(u"小明"_s);
    QTRY_COMPARE(client->count<Welcome>(), 1);
    QCOMPARE(m_server->room()->nicks(), QStringList { u"小明"_s });
}

void tst_ChatServer::directMessages()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    aa->say(u"just for you"_s, u"d1"_s, u"CC"_s);
    QTRY_COMPARE(cc->count<Message>(), 1);
    QCOMPARE(cc->last<Message>().to, u"cc"_s);
    QCOMPARE(cc->last<Message>().from, u"aa"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    QCOMPARE(aa->last<Ack>().id, u"d1"_s);

    aa->say(u"anyone?"_s, u"d2"_s, u"zz"_s);
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::NoSuchUser);
    QCOMPARE(aa->last<Error>().id, u"d2"_s);

    // A broadcast after the direct message: once bb has it, bb would have had the DM too.
    aa->say(u"public"_s, u"d3"_s);
    QTRY_COMPARE(bb->count<Message>(), 1);
    QCOMPARE(bb->last<Message>().text, u"public"_s);
}

void tst_ChatServer::historyForLateJoiner()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    aa->say(u"one"_s, u"1"_s);
    aa->say(u"secret"_s, u"2"_s, u"bb"_s);
    // Sends from two connections have no order between them until one is acknowledged.
    QTRY_COMPARE(aa->count<Ack>(), 2);
    bb->say(u"two"_s, u"3"_s);
    QTRY_COMPARE(bb->count<Ack>(), 1);

    TestClient *cc = join(u"cc"_s);
    const Welcome welcome = cc->last<Welcome>();
    QCOMPARE(welcome.seq, 3);
    QCOMPARE(welcome.history.size(), 2); // not aa's direct message to bb
    QCOMPARE(welcome.history.at(0).text, u"one"_s);
    QCOMPARE(welcome.history.at(1).text, u"two"_s);
    QVERIFY(!welcome.historyTruncated);

    bb->send(Exit {});
    QTRY_COMPARE(m_server->room()->memberCount(), 2);
    TestClient *bbAgain = join(u"bb"_s);
    QCOMPARE(bbAgain->last<Welcome>().history.size(), 3); // bb's own direct message is there
    QCOMPARE(bbAgain->last<Welcome>().history.at(1).to, u"bb"_s);
}

void tst_ChatServer::historySinceAndTruncation()
{
    TestClient *aa = join(u"aa"_s);
    for (int i = 1; i <= 8; ++i)
        aa->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(aa->count<Ack>(), 8);

    TestClient *recent = join(u"bb"_s, 6);
    QList<qint64> seqs;
    for (const Message &m : recent->last<Welcome>().history)
        seqs.append(m.seq);
    QCOMPARE(seqs, QList<qint64>({ 7, 8 }));
    QVERIFY(!recent->last<Welcome>().historyTruncated);

    // Only the newest 5 are kept, so a client that saw up to 1 has missed 2 and 3 for good.
    TestClient *old = join(u"cc"_s, 1);
    QCOMPARE(old->last<Welcome>().history.size(), 5);
    QCOMPARE(old->last<Welcome>().history.first().seq, 4);
    QVERIFY(old->last<Welcome>().historyTruncated);

    // A number from the future (a server restarted without its store) is void: the client is
    // told to start its numbering again, and the newest history is a gap after what it had.
    TestClient *fromTheFuture = join(u"dd"_s, 100);
    QVERIFY(fromTheFuture->last<Welcome>().historyReset);
    QVERIFY(fromTheFuture->last<Welcome>().historyTruncated);
    QCOMPARE(fromTheFuture->last<Welcome>().history.size(), 5);
    QVERIFY(!recent->last<Welcome>().historyReset);
    QCOMPARE(recent->last<Welcome>().epoch, m_server->room()->epoch());
    QCOMPARE(recent->last<Welcome>().epoch.size(), 16);

    // A number that would be valid here, but from another epoch, is void too.
    auto *elsewhere = new TestClient;
    m_clients.append(elsewhere);
    elsewhere->connectTo(m_server->serverPort());
    elsewhere->send(Hello { u"ee"_s, 1, {}, 6, {}, u"0123456789abcdef"_s });
    QTRY_COMPARE(elsewhere->count<Welcome>(), 1);
    QVERIFY(elsewhere->last<Welcome>().historyReset);
    QCOMPARE(elsewhere->last<Welcome>().history.size(), 5);
    auto *sameEpoch = new TestClient;
    m_clients.append(sameEpoch);
    sameEpoch->connectTo(m_server->serverPort());
    sameEpoch->send(Hello { u"ff"_s, 1, {}, 6, {}, m_server->room()->epoch() });
    QTRY_COMPARE(sameEpoch->count<Welcome>(), 1);
    QVERIFY(!sameEpoch->last<Welcome>().historyReset);
    QCOMPARE(sameEpoch->last<Welcome>().history.size(), 2);
}

void tst_ChatServer::historyShowsClientIdsToTheirSenderOnly()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    aa->say(u"from aa"_s, u"a1"_s);
    bb->say(u"from bb"_s, u"b1"_s);
    aa->say(u"to bb"_s, u"a2"_s, u"bb"_s);
    QTRY_COMPARE(aa->count<Ack>(), 2);
    QTRY_COMPARE(bb->count<Ack>(), 1);

    // The first welcome after these keeps their encodings; the ones after must not mix
    // readers up.
    TestClient *cc = join(u"cc"_s);
    aa->send(Exit {});
    QTRY_COMPARE(bb->count<Left>(), 1);
    TestClient *aaAgain = join(u"aa"_s);
    TestClient *dd = join(u"dd"_s);

    const auto ids = [](const TestClient *client) { // in text order: aa's two may come first
        QStringList ids;
        for (const Message &message : client->last<Welcome>().history)
            ids.append(message.text + u'=' + message.id);
        ids.sort();
        return ids;
    };
    QCOMPARE(ids(cc), QStringList({ u"from aa="_s, u"from bb="_s }));
    QCOMPARE(ids(aaAgain), QStringList({ u"from aa=a1"_s, u"from bb="_s, u"to bb=a2"_s }));
    QCOMPARE(ids(dd), QStringList({ u"from aa="_s, u"from bb="_s }));
    TestClient *bbAgain = connectClient();
    bb->send(Exit {});
    QTRY_COMPARE(aaAgain->count<Left>(), 1);
    bbAgain->hello(u"bb"_s);
    QTRY_COMPARE(bbAgain->count<Welcome>(), 1);
    QCOMPARE(ids(bbAgain), QStringList({ u"from aa="_s, u"from bb=b1"_s, u"to bb="_s }));
}

void tst_ChatServer::plainTextAndJsonClientsTalk()
{
    TestClient *json = join(u"aa"_s);
    TestClient *plain = connectClient();
    plain->sendLine("bb");
    QTRY_VERIFY(!plain->lines().isEmpty());
    QVERIFY(plain->lines().first().startsWith("Welcome to Natter, bb!"));
    QVERIFY(plain->lines().first().contains("aa, bb"));
    QTRY_COMPARE(json->count<Joined>(), 1);

    plain->sendLine("hello from a terminal\r");
    QTRY_COMPARE(json->count<Message>(), 1);
    QCOMPARE(json->last<Message>().from, u"bb"_s);
    QCOMPARE(json->last<Message>().text, u"hello from a terminal"_s);

    json->say(u"hello, terminal"_s, u"x"_s);
    QTRY_VERIFY(plain->hasLine("aa: hello, terminal"));
    json->say(u"line one\nline two"_s, u"y"_s);
    // The second line is indented as a continuation: it cannot pass for a line of its own.
    QTRY_VERIFY(plain->hasLine("  line two"));
    QVERIFY(plain->hasLine("aa: line one"));

    plain->sendLine("exit");
    QTRY_COMPARE(json->count<Left>(), 1);
    QCOMPARE(json->last<Left>().text, u"bb has left the chat."_s);
    QTRY_VERIFY(plain->wasDisconnected());
}

void tst_ChatServer::plainTextCommands()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *plain = connectClient();
    plain->sendLine("");
    plain->sendLine("bb");
    QTRY_COMPARE(plain->lines().size(), 2); // the welcome has two lines
    plain->sendLine("/who");
    QTRY_VERIFY(plain->hasLine("Online now (2): aa, bb."));
    plain->sendLine("/msg aa psst");
    QTRY_COMPARE(aa->count<Message>(), 1);
    QCOMPARE(aa->last<Message>().to, u"aa"_s);
    QCOMPARE(aa->last<Message>().text, u"psst"_s);
    aa->say(u"back at you"_s, u"r"_s, u"bb"_s);
    QTRY_VERIFY(plain->hasLine("[direct] aa: back at you"));
    plain->sendLine("/dance");
    QTRY_VERIFY(plain->lines().constLast().startsWith("Error: Unknown command /dance."));
    plain->sendLine("/msg nobody hi");
    QTRY_VERIFY(plain->hasLine("Error: Nobody called nobody is in the chat."));
    plain->sendLine("\xff\xfe");
    QTRY_VERIFY(plain->hasLine("Error: The line is not valid UTF-8."));
    // The window and the terminal read commands with one parser: the same hint for a bare
    // command, and /help answers.
    plain->sendLine("/kick");
    QTRY_VERIFY(plain->hasLine("Error: Usage: /kick NICK [REASON]"));
    plain->sendLine("/msg aa");
    QTRY_VERIFY(plain->hasLine("Error: Usage: /msg NICK TEXT"));
    plain->sendLine("/help");
    QTRY_VERIFY(plain->lines().constLast().startsWith("Type a line to chat. /msg NICK TEXT"));

    TestClient *taken = connectClient();
    taken->sendLine("AA");
    QTRY_VERIFY(taken->hasLine("Error: The nickname AA is taken; choose another."));
    taken->sendLine("cc");
    QTRY_VERIFY(taken->lines().constLast().startsWith("Welcome to Natter, cc!")
                || taken->lines().size() >= 2);
    QTRY_COMPARE(m_server->room()->memberCount(), 3);
}

void tst_ChatServer::originalChatroomClientWorksUnchanged()
{
    // The seed's client.py: each typed line goes out in one send(), with no line end, and
    // whatever arrives is printed as it comes.
    TestClient *aa = join(u"aa"_s);
    TestClient *seed = connectClient();
    QTRY_VERIFY(seed->isConnected());
    seed->sendRaw("bb");
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Joined>(), 1, 3000);
    QCOMPARE(aa->last<Joined>().nick, u"bb"_s);
    QTRY_VERIFY(!seed->lines().isEmpty());
    QVERIFY(seed->lines().first().startsWith("Welcome to Natter, bb!"));

    seed->sendRaw("hello from the original client");
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Message>(), 1, 3000);
    QCOMPARE(aa->last<Message>().text, u"hello from the original client"_s);
    seed->sendRaw("and again");
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Message>(), 2, 3000);
    QCOMPARE(aa->last<Message>().text, u"and again"_s);
    aa->say(u"hi bb"_s, u"a1"_s);
    QTRY_VERIFY(seed->hasLine("aa: hi bb"));

    seed->sendRaw("exit");
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Left>(), 1, 3000);
    QCOMPARE(aa->last<Left>().text, u"bb has left the chat."_s);
    QTRY_VERIFY(seed->wasDisconnected());

    // A JSON hello that arrives in pieces is not cut short by the pause.
    TestClient *slow = connectClient();
    QTRY_VERIFY(slow->isConnected());
    const QByteArray hello = encode(ClientFrame { Hello { u"cc"_s, 1, {}, {}, {}, {} } });
    slow->sendRaw(hello.left(10));
    QVERIFY(!QTest::qWaitFor([&] { return !slow->lines().isEmpty(); }, 400));
    slow->sendRaw(hello.mid(10));
    QTRY_COMPARE(slow->count<Welcome>(), 1);
}

void tst_ChatServer::onlyHelloOrPingBeforeHello()
{
    TestClient *client = connectClient();
    client->say(u"too early"_s, u"e1"_s);
    QTRY_COMPARE(client->count<Error>(), 1);
    QCOMPARE(client->last<Error>().code, ErrorCode::NotRegistered);
    QCOMPARE(client->last<Error>().id, u"e1"_s);
    client->send(Ping { u"t1"_s });
    QTRY_COMPARE(client->count<Pong>(), 1);
    QCOMPARE(client->last<Pong>().token, u"t1"_s);
    QCOMPARE(m_server->room()->memberCount(), 0);
}

void tst_ChatServer::malformedInputGetsErrorsAndConnectionStays()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    aa->sendLine("{not json");
    aa->sendLine(R"({"type":"dance"})");
    aa->sendLine("{\"type\":\"say\",\"text\":\"\xc3\x28\"}");
    aa->sendLine(R"({"type":"say","text":42,"id":"n"})");
    aa->sendLine(R"({"type":"say","text":"   ","id":"blank"})");
    aa->sendLine(R"({"type":"hello","nick":"again"})");
    aa->say(u"still here"_s, u"ok"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    const QList<Error> errors = aa->all<Error>();
    QCOMPARE(errors.size(), 6);
    QCOMPARE(errors.at(0).code, ErrorCode::BadFrame);
    QCOMPARE(errors.at(1).code, ErrorCode::UnknownType);
    QCOMPARE(errors.at(2).code, ErrorCode::BadFrame);
    QCOMPARE(errors.at(3).id, u"n"_s);
    QCOMPARE(errors.at(4).id, u"blank"_s);
    QCOMPARE(errors.at(5).code, ErrorCode::BadFrame);
    QTRY_COMPARE(bb->count<Message>(), 1);
    QCOMPARE(bb->last<Message>().text, u"still here"_s);
}

void tst_ChatServer::overlongLineClosesOnlyThatConnection()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"too_long"_s));
    bb->sendRaw(QByteArray(5000, 'x')); // no newline: rejected before the line ends
    QTRY_COMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::TooLong);
    QTRY_VERIFY(bb->wasDisconnected());
    QTRY_COMPARE(aa->count<Left>(), 1);
    QCOMPARE(m_server->room()->nicks(), QStringList { u"aa"_s });
}

void tst_ChatServer::textTooLong()
{
    TestClient *aa = join(u"aa"_s);
    aa->say(QString(101, u'x'), u"long"_s);
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::TextTooLong);
    QCOMPARE(aa->last<Error>().id, u"long"_s);
    aa->say(QString(100, u'x'), u"fits"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
}

void tst_ChatServer::slowReaderIsRemoved()
{
    // Short limits keep this quick under the sanitizers too.
    m_config.maxSendQueueBytes = 64 * 1024;
    m_config.slowGrace = 500ms;
    m_server = std::make_unique<ChatServer>(m_config);
    QVERIFY(m_server->listen());
    TestClient *aa = join(u"aa"_s);
    TestClient *bb = join(u"bb"_s);
    TestClient *slow = join(u"slow"_s);
    // A client that never reads: once the kernel buffers are full, the server's queue for it
    // grows until the cap, and then it is removed instead of growing the server.
    slow->socket()->setReadBufferSize(1);
    disconnect(slow->socket(), &QTcpSocket::readyRead, nullptr, nullptr);
    const QString text(90, u'x');
    int sent = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < 200; ++i)
                    aa->say(text, u"s%1"_s.arg(sent++));
                return bb->count<Left>() == 1;
            }(),
            30000);
    QCOMPARE(bb->last<Left>().nick, u"slow"_s);
    QCOMPARE(bb->last<Left>().reason, LeaveReason::Slow);
    QCOMPARE(bb->last<Left>().text, u"slow could not keep up and was removed from the chatroom."_s);
    QTRY_COMPARE(bb->count<Message>(), sent); // everyone else got every message
}

void tst_ChatServer::gracefulShutdown()
{
    TestClient *aa = join(u"aa"_s);
    TestClient *plain = connectClient();
    plain->sendLine("bb");
    QTRY_COMPARE(m_server->room()->memberCount(), 2);
    QSignalSpy stopped(m_server.get(), &ChatServer::stopped);
    m_server->shutdown();
    QTRY_COMPARE(stopped.size(), 1);
    QTRY_VERIFY(aa->wasDisconnected());
    QTRY_VERIFY(plain->wasDisconnected());
    QCOMPARE(aa->count<Shutdown>(), 1);
    QCOMPARE(aa->count<Left>(), 0); // no leave noise while everyone is told to go
    QVERIFY(plain->hasLine("The server is shutting down."));
}

void tst_ChatServer::shutdownUnderLoadReachesEveryWriter()
{
    // Twenty members keep 20 messages unacknowledged (a new one for each ack) when the server
    // stops, and are behind on reading: their input is still unread when their connections
    // close, and the end of their output is still in the server's kernel.
    QList<TestClient *> writers;
    for (int i = 0; i < 20; ++i)
        writers.append(join(u"w%1"_s.arg(i)));
    for (TestClient *writer : std::as_const(writers)) {
        // A small receive buffer, as over a real network: the end of what the server sends
        // waits in the server's kernel until the client reads.
        writer->socket()->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        auto sent = std::make_shared<int>(0);
        auto writeMore = [writer, sent](int count) {
            for (int n = 0; n < count; ++n, ++*sent)
                writer->say(u"message %1"_s.arg(*sent), u"%1"_s.arg(*sent));
        };
        connect(writer, &TestClient::frameReceived, writer, [writer, writeMore] {
            if (std::holds_alternative<Ack>(writer->frames().constLast()))
                writeMore(1);
        });
        writeMore(20);
    }
    for (TestClient *writer : std::as_const(writers))
        QTRY_VERIFY(writer->count<Ack>() > 20);
    for (TestClient *writer : std::as_const(writers))
        writer->setReadingPaused(true);
    QSignalSpy stopped(m_server.get(), &ChatServer::stopped);
    m_server->shutdown();
    QTRY_COMPARE(m_server->room()->memberCount(), 0); // everyone has been sent the notice
    for (TestClient *writer : std::as_const(writers))
        writer->setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 10000);

    // Everyone hears why, and gets the ack of every message the room took from them.
    qsizetype acks = 0;
    for (TestClient *writer : std::as_const(writers)) {
        QTRY_VERIFY(writer->wasDisconnected());
        QCOMPARE(writer->count<Shutdown>(), 1);
        acks += writer->count<Ack>();
    }
    QCOMPARE(acks, m_server->room()->lastSeq());
}

void tst_ChatServer::noticesArriveTogetherInAStorm()
{
    TestClient *observer = join(u"observer"_s);
    TestClient *plain = connectClient();
    plain->sendLine("terminal");
    QTRY_COMPARE(observer->count<Joined>(), 1);
    // Twenty people come back at once, as after a server restart.
    QList<TestClient *> storm;
    for (int i = 0; i < 20; ++i) {
        storm.append(connectClient());
        storm.last()->hello(u"s%1"_s.arg(i));
    }
    QTRY_COMPARE(observer->count<Joined>(), 21);
    const auto coalesced = std::count_if(
            observer->lines().cbegin(), observer->lines().cend(),
            [](const QByteArray &line) { return line.contains("\"type\":\"notices\""); });
    QVERIFY2(coalesced >= 1, "twenty joins should not take twenty frames");
    QVERIFY(observer->lines().size() < 21);
    // A terminal client reads each notice as its own line.
    QTRY_COMPARE(std::count_if(plain->lines().cbegin(), plain->lines().cend(),
                               [](const QByteArray &line) {
                                   return line.startsWith("s")
                                           && line.endsWith("has joined the chat.");
                               }),
                 20);
}

void tst_ChatServer::largeRoomSendsCountsNotEveryArrival()
{
    m_server.reset();
    m_config.announceLimit = 3;
    m_config.presenceInterval = 100ms;
    m_server = std::make_unique<ChatServer>(m_config);
    QVERIFY(m_server->listen());
    TestClient *aa = join(u"aa"_s);
    join(u"bb"_s);
    join(u"cc"_s);
    QTRY_COMPARE(aa->count<Joined>(), 2); // small: every arrival announced

    // The fourth member makes the room large: its welcome has the count, not the list, and the
    // others hear the new count instead of "dd has joined".
    TestClient *dd = join(u"dd"_s);
    QVERIFY(!dd->last<Welcome>().usersListed);
    QVERIFY(dd->last<Welcome>().users.isEmpty());
    QCOMPARE(dd->last<Welcome>().online, 4);
    QTRY_COMPARE(aa->count<Presence>(), 1);
    QCOMPARE(aa->last<Presence>().online, 4);
    QVERIFY(!aa->last<Presence>().users);
    TestClient *terminal = connectClient();
    terminal->sendLine("ee");
    QTRY_VERIFY(!terminal->lines().isEmpty());
    QCOMPARE(terminal->lines().constFirst(), QByteArray("Welcome to Natter, ee! Online now: 5."));
    // Later arrivals are not announced; the count follows within the presence interval.
    QTRY_COMPARE(aa->last<Presence>().online, 5);
    QCOMPARE(aa->count<Joined>(), 2);

    // Small again: everyone gets the whole list, and arrivals are announced once more.
    terminal->sendLine("exit");
    dd->send(Exit {});
    QTRY_VERIFY(aa->last<Presence>().users.has_value());
    QCOMPARE(aa->last<Presence>().online, 3);
    QCOMPARE(*aa->last<Presence>().users, QStringList({ u"aa"_s, u"bb"_s, u"cc"_s }));
    QCOMPARE(aa->count<Left>(), 0);
    m_clients.at(2)->send(Exit {}); // cc
    QTRY_COMPARE(aa->count<Left>(), 1);
    QCOMPARE(aa->last<Left>().nick, u"cc"_s);
}

NATTER_SERVER_TEST_MAIN(tst_ChatServer)
#include "tst_chatserver.moc"
