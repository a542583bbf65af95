#include "chatserver.h"
#include "tcprelay.h"
#include "testclient.h"

#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Protocol;

// The server's guarantees under faults, floods and abuse, driven by short limits.
class tst_ServerLimits : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void silentClientIsPingedThenTimedOut();
    void halfOpenConnectionIsFoundByTheHeartbeat();
    void helloIsRequiredInTime();
    void floodIsRateLimitedThenRemoved();
    void sendingWithinTheRateIsNeverLimited();
    void serverFullRefusesTheNextClient();
    void connectionsPerAddressAreCapped();
    void repeatedIdIsAcknowledgedAgainNotDeliveredTwice();

private:
    void start(const ServerConfig &config);
    TestClient *connectClient(quint16 port = 0);
    TestClient *join(const QString &nick, quint16 port = 0);

    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
};

void tst_ServerLimits::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_ServerLimits::start(const ServerConfig &config)
{
    ServerConfig local = config;
    local.port = 0;
    m_server = std::make_unique<ChatServer>(local);
    QVERIFY(m_server->listen());
}

TestClient *tst_ServerLimits::connectClient(quint16 port)
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->connectTo(port ? port : m_server->serverPort());
    return client;
}

TestClient *tst_ServerLimits::join(const QString &nick, quint16 port)
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->setAnswersPings(true);
    if (!client->join(port ? port : m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return client;
}

void tst_ServerLimits::silentClientIsPingedThenTimedOut()
{
    ServerConfig config;
    config.pingInterval = 150ms;
    config.timeout = 500ms;
    start(config);
    TestClient *alive = join(u"alive"_s);
    TestClient *silent = join(u"silent"_s);
    silent->setAnswersPings(false);

    QTRY_VERIFY(silent->count<Ping>() >= 1);
    QTRY_COMPARE(alive->count<Left>(), 1);
    QCOMPARE(alive->last<Left>().nick, u"silent"_s);
    QCOMPARE(alive->last<Left>().reason, LeaveReason::Timeout);
    QCOMPARE(alive->last<Left>().text, u"silent timed out and was removed from the chatroom."_s);
    QTRY_VERIFY(silent->wasDisconnected());
    // The one that answers its pings stays, well past the timeout.
    QVERIFY(alive->count<Ping>() >= 1);
    QVERIFY(!QTest::qWaitFor([&] { return alive->wasDisconnected(); }, 800));
    QCOMPARE(m_server->room()->nicks(), QStringList { u"alive"_s });
}

void tst_ServerLimits::halfOpenConnectionIsFoundByTheHeartbeat()
{
    ServerConfig config;
    config.pingInterval = 150ms;
    config.timeout = 500ms;
    start(config);
    TestClient *watcher = join(u"watcher"_s);
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    join(u"cc"_s, relay.port());
    QTRY_COMPARE(m_server->room()->memberCount(), 2);
    relay.setFrozen(true); // the cable is pulled: no FIN, no RST, just silence
    QTRY_COMPARE(watcher->count<Left>(), 1);
    QCOMPARE(watcher->last<Left>().reason, LeaveReason::Timeout);
}

void tst_ServerLimits::helloIsRequiredInTime()
{
    ServerConfig config;
    config.helloTimeout = 200ms;
    start(config);
    TestClient *mute = connectClient();
    QTRY_COMPARE(mute->count<Error>(), 1);
    QCOMPARE(mute->last<Error>().code, ErrorCode::Timeout);
    QTRY_VERIFY(mute->wasDisconnected());
    TestClient *plain = connectClient();
    plain->sendLine(""); // pressed Enter, never gave a name
    QTRY_VERIFY(plain->wasDisconnected());
    QTRY_COMPARE(m_server->sessionCount(), 0);
}

void tst_ServerLimits::floodIsRateLimitedThenRemoved()
{
    ServerConfig config;
    config.rate = 10;
    config.burst = 5;
    config.floodGrace = 1000ms;
    start(config);
    TestClient *reader = join(u"reader"_s);
    TestClient *calm = join(u"calm"_s);
    TestClient *flooder = join(u"flooder"_s);

    for (int i = 0; i < 10; ++i)
        flooder->say(u"spam %1"_s.arg(i), u"f%1"_s.arg(i));
    QTRY_COMPARE(flooder->count<Ack>() + flooder->count<Error>(), 10);
    QVERIFY(flooder->count<Ack>() >= 5);
    const QList<Error> errors = flooder->all<Error>();
    QVERIFY(!errors.isEmpty());
    for (const Error &error : errors) {
        QCOMPARE(error.code, ErrorCode::RateLimited);
        QVERIFY(error.id.startsWith(u"f"_s)); // the client learns which ones to send again
    }
    QTRY_COMPARE(reader->count<Message>(), flooder->count<Ack>());

    // Keeps flooding past the grace period: removed, while the calm one is unaffected.
    int calmSent = 0;
    int rounds = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < 20; ++i)
                    flooder->say(u"more"_s, {});
                // QTRY_ checks every 50 ms: one message every third check stays under 10/s.
                if (rounds++ % 3 == 0) {
                    calm->say(u"calm %1"_s.arg(calmSent), u"c%1"_s.arg(calmSent));
                    ++calmSent;
                }
                return reader->count<Left>() == 1;
            }(),
            5000);
    QCOMPARE(reader->last<Left>().nick, u"flooder"_s);
    QCOMPARE(reader->last<Left>().reason, LeaveReason::Flood);
    QTRY_VERIFY(flooder->wasDisconnected());
    QTRY_COMPARE(calm->count<Ack>(), calmSent);
    QCOMPARE(calm->count<Error>(), 0);
}

void tst_ServerLimits::sendingWithinTheRateIsNeverLimited()
{
    ServerConfig config;
    config.rate = 10;
    config.burst = 20;
    start(config);
    TestClient *reader = join(u"reader"_s);
    TestClient *typist = join(u"typist"_s);
    for (int i = 0; i < 20; ++i)
        typist->say(u"burst %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(typist->count<Ack>(), 20);
    QCOMPARE(typist->count<Error>(), 0);
    QTRY_COMPARE(reader->count<Message>(), 20);
}

void tst_ServerLimits::serverFullRefusesTheNextClient()
{
    ServerConfig config;
    config.maxClients = 3;
    start(config);
    for (const QString nick : { u"a"_s, u"b"_s, u"c"_s })
        join(nick);
    TestClient *fourth = connectClient();
    QTRY_COMPARE(fourth->count<Error>(), 1);
    QCOMPARE(fourth->last<Error>().code, ErrorCode::ServerFull);
    QTRY_VERIFY(fourth->wasDisconnected());
    QCOMPARE(m_server->sessionCount(), 3);
}

void tst_ServerLimits::connectionsPerAddressAreCapped()
{
    ServerConfig config;
    config.maxPerAddress = 2;
    start(config);
    TestClient *first = join(u"a"_s);
    join(u"b"_s);
    TestClient *third = connectClient();
    QTRY_COMPARE(third->count<Error>(), 1);
    QCOMPARE(third->last<Error>().code, ErrorCode::TooManyConnections);
    QTRY_VERIFY(third->wasDisconnected());

    first->send(Exit {});
    QTRY_COMPARE(m_server->sessionCount(), 1);
    TestClient *again = join(u"c"_s); // a freed place can be taken again
    QCOMPARE(again->count<Welcome>(), 1);
}

void tst_ServerLimits::repeatedIdIsAcknowledgedAgainNotDeliveredTwice()
{
    start(ServerConfig {});
    TestClient *reader = join(u"reader"_s);
    TestClient *aa = join(u"aa"_s);
    aa->say(u"once"_s, u"same-id"_s);
    aa->say(u"once"_s, u"same-id"_s);
    QTRY_COMPARE(aa->count<Ack>(), 2);
    QCOMPARE(aa->all<Ack>().at(0).seq, aa->all<Ack>().at(1).seq);

    // After a reconnect too: the ack was lost with the connection, the client sends again.
    aa->socket()->abort();
    QTRY_COMPARE(reader->count<Left>(), 1);
    TestClient *aaAgain = join(u"aa"_s);
    aaAgain->say(u"once"_s, u"same-id"_s);
    QTRY_COMPARE(aaAgain->count<Ack>(), 1);
    QCOMPARE(aaAgain->last<Ack>().seq, aa->last<Ack>().seq);
    aaAgain->say(u"new"_s, u"new-id"_s);
    QTRY_COMPARE(reader->count<Message>(), 2);
    QCOMPARE(reader->all<Message>().at(0).text, u"once"_s);
    QCOMPARE(reader->all<Message>().at(1).text, u"new"_s);
}

QTEST_GUILESS_MAIN(tst_ServerLimits)
#include "tst_serverlimits.moc"
