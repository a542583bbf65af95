// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "isolatedsettings.h"
#include "messagetexts.h"
#include "serverlist.h"
#include "tcprelay.h"
#include "testclient.h"

#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The client given several servers (the nodes of one cluster): it moves to the next when its
// node goes away, and resumes there as after a reconnect. Two independent in-process servers
// stand for the nodes; they share no rooms, so what is checked is the move, the rejoin and the
// outbox, not a shared history.
class tst_Failover : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void parsesListsOfServers_data();
    void parsesListsOfServers();
    void aClusterIsNotOneOfItsServers();

    void movesToTheNextNodeWhenItsNodeStops();
    void movesOnAfterAShutdownFrame();
    void aShutdownFrameIsEnoughToMoveOn();
    void aRefusingFirstNodeIsSkippedAtOnce();
    void aWholeRoundFailingWaitsThenGivesUp();
    void anUnrelatedServerGetsNothingOfTheCluster();
    void savedPositionsBelongToTheList();

private:
    static std::unique_ptr<ChatServer> startServer(int historyLimit = 500);
    static quint16 closedPort();
    TestClient *joinRoom(quint16 port, const QString &nick, const QString &room);
    static QStringList texts(const MessageModel *model) { return messageTexts(model); }

    IsolatedSettings m_settings;
    std::unique_ptr<ChatServer> m_first;
    std::unique_ptr<ChatServer> m_second;
    std::unique_ptr<ChatClient> m_client;
    QList<TestClient *> m_peers;
};

void tst_Failover::initTestCase()
{
    m_settings.install(u"tst_failover"_s);
}

std::unique_ptr<ChatServer> tst_Failover::startServer(int historyLimit)
{
    ServerConfig config;
    config.historyLimit = historyLimit;
    config.port = 0;
    config.rate = 0;
    auto server = std::make_unique<ChatServer>(config);
    if (!server->listen())
        qWarning("no server: %s", qPrintable(server->errorString()));
    return server;
}

quint16 tst_Failover::closedPort()
{
    // A port nobody listens on: taken, then let go.
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

void tst_Failover::init()
{
    QSettings().clear();
    m_first = startServer();
    m_second = startServer();
    m_client = std::make_unique<ChatClient>();
    m_client->setReconnectDelays(50ms, 400ms);
}

void tst_Failover::cleanup()
{
    qDeleteAll(m_peers);
    m_peers.clear();
    m_client.reset();
    m_first.reset();
    m_second.reset();
}

TestClient *tst_Failover::joinRoom(quint16 port, const QString &nick, const QString &room)
{
    auto *peer = new TestClient;
    m_peers.append(peer);
    peer->setProtocol(2);
    if (!peer->join(port, nick))
        qWarning("no welcome for %s", qPrintable(nick));
    peer->send(Protocol::Join { room, false, u"j"_s });
    if (!QTest::qWaitFor([&] { return peer->count<Protocol::RoomState>() >= 2; }, 5000))
        qWarning("%s did not get into %s", qPrintable(nick), qPrintable(room));
    return peer;
}

void tst_Failover::parsesListsOfServers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("parsed"); // toString(), empty when refused
    QTest::addColumn<QString>("error");

    QTest::newRow("host") << u"chat.example.org"_s << u"chat.example.org:7000"_s << QString();
    QTest::newRow("host:port") << u" 10.0.0.1:6790 "_s << u"10.0.0.1:6790"_s << QString();
    QTest::newRow("list") << u"a:6789, b:6790,c"_s << u"a:6789,b:6790,c:7000"_s << QString();
    QTest::newRow("ipv6") << u"::1"_s << u"[::1]:7000"_s << QString();
    QTest::newRow("ipv6 port") << u"[::1]:6789,[fe80::1]"_s << u"[::1]:6789,[fe80::1]:7000"_s
                               << QString();
    QTest::newRow("empty") << u"  "_s << QString() << u"No server given."_s;
    QTest::newRow("two commas") << u"a,,b"_s << QString()
                                << u"An empty entry in the list of servers (two commas, or one "
                                   "at an end)."_s;
    QTest::newRow("trailing comma") << u"a:6789,"_s << QString()
                                    << u"An empty entry in the list of servers (two commas, or "
                                       "one at an end)."_s;
    QTest::newRow("port 0") << u"a:0"_s << QString() << u"a:0: the port must be 1 to 65535."_s;
    QTest::newRow("port too big") << u"a:6789,b:70000"_s << QString()
                                  << u"b:70000: the port must be 1 to 65535."_s;
    QTest::newRow("no port") << u"a:"_s << QString() << u"a:: the port must be 1 to 65535."_s;
    QTest::newRow("no host") << u":6789"_s << QString() << u":6789: the address is missing."_s;
    QTest::newRow("space") << u"a b:6789"_s << QString()
                           << u"a b:6789: an address has no spaces."_s;
    QTest::newRow("bare v6 with port") << u"fe80::1::6789"_s << QString()
                                       << u"fe80::1::6789: write an IPv6 address with a port as "
                                          "[address]:port."_s;
    QTest::newRow("twice") << u"a:6789,A:6789"_s << QString() << u"A:6789 is listed twice."_s;
}

void tst_Failover::parsesListsOfServers()
{
    QFETCH(QString, text);
    QFETCH(QString, parsed);
    QFETCH(QString, error);
    QString why;
    const std::optional<ServerList> list = ServerList::parse(text, 7000, &why);
    QCOMPARE(list.has_value(), !parsed.isEmpty());
    if (list)
        QCOMPARE(list->toString(), parsed);
    QCOMPARE(why, error);
}

void tst_Failover::aClusterIsNotOneOfItsServers()
{
    const ServerList ab = *ServerList::parse(u"a:1,b:2"_s, 6789);
    QCOMPARE(ServerList::parse(u"B:2, a:1"_s, 6789)->key(), ab.key()); // any order, any case
    QVERIFY(ServerList(u"a"_s, 1).key() != ab.key());
    QVERIFY(ServerList::parse(u"a:1,b:2,c:3"_s, 6789)->key() != ab.key());
    // One server is named as before lists existed: what was saved for it still counts.
    QCOMPARE(ServerList(u"127.0.0.1"_s, 6789).key(), u"127.0.0.1:6789"_s);
}

void tst_Failover::movesToTheNextNodeWhenItsNodeStops()
{
    TcpRelay relay(m_first->serverPort());
    QVERIFY(relay.listen());
    ServerList nodes;
    nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(relay.port()).arg(m_second->serverPort()), 6789);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->port(), relay.port());
    QSignalSpy joined(m_client.get(), &ChatClient::roomJoined);
    m_client->joinRoom(u"dev"_s);
    QTRY_COMPARE(joined.size(), 1);
    Conversation *dev = joined.at(0).at(0).value<Conversation *>();
    TestClient *bbOnFirst = joinRoom(m_first->serverPort(), u"bb"_s, u"dev"_s);
    bbOnFirst->sayIn(u"dev"_s, u"before the move"_s, u"b1"_s);
    QTRY_COMPARE(texts(dev->messages()), QStringList { u"before the move"_s });

    // Said to the first node, never acknowledged: they wait in the outbox.
    relay.setFrozen(true, TcpRelay::Direction::ToServer);
    m_client->sendMessage(dev, u"one"_s);
    m_client->sendMessage(dev, u"two"_s);
    m_client->sendMessage(m_client->lobby(), u"three"_s);
    QCOMPARE(m_client->outboxSize(), 3);

    TestClient *ccOnSecond = joinRoom(m_second->serverPort(), u"cc"_s, u"dev"_s);
    relay.setAccepting(false);
    m_first.reset(); // the node goes away
    QTRY_COMPARE(m_client->serverIndex(), 1);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->port(), m_second->serverPort());

    // The same conversation goes on, rejoined on the new node, and the outbox is delivered
    // there once, with the ids it had.
    QCOMPARE(m_client->findRoom(u"dev"_s), dev);
    QTRY_COMPARE(m_client->outboxSize(), 0);
    QTRY_COMPARE(ccOnSecond->count<Protocol::Message>(), 3);
    QStringList got;
    for (const Protocol::Message &message : ccOnSecond->all<Protocol::Message>())
        got.append(message.room + u':' + message.text);
    QCOMPARE(got, QStringList({ u"dev:one"_s, u"dev:two"_s, u"lobby:three"_s }));
    QTRY_VERIFY(dev->users()->users().contains(u"cc"_s));
    QVERIFY(dev->users()->users().contains(u"aa"_s));

    ccOnSecond->sayIn(u"dev"_s, u"after the move"_s, u"c1"_s);
    QTRY_COMPARE(texts(dev->messages()).constLast(), u"after the move"_s);
    QCOMPARE(texts(dev->messages()).count(u"before the move"_s), 1);
    QCOMPARE(texts(dev->messages()).count(u"one"_s), 1);

    // Nothing arrives twice later.
    ccOnSecond->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(ccOnSecond->count<Protocol::Pong>(), 1);
    QCOMPARE(ccOnSecond->count<Protocol::Message>(), 3);
}

void tst_Failover::movesOnAfterAShutdownFrame()
{
    // A long backoff: reaching the second node in time shows it was not waited for.
    m_client->setReconnectDelays(30s, 30s);
    const ServerList nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(m_first->serverPort()).arg(m_second->serverPort()),
            6789);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->serverIndex(), 0);
    QSignalSpy stopped(m_first.get(), &ChatServer::stopped);
    m_first->shutdown();
    QTRY_COMPARE(m_client->serverIndex(), 1);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->port(), m_second->serverPort());
    const QStringList lines = [&] {
        QStringList all;
        for (int row = 0; row < m_client->lobby()->messages()->rowCount(); ++row)
            all.append(m_client->lobby()->messages()->entry(row).text);
        return all;
    }();
    QVERIFY(lines.contains(u"The server is shutting down."_s));
    QVERIFY(lines.contains(u"Reconnected as aa, on 127.0.0.1:%1."_s.arg(m_second->serverPort())));

    TestClient *bb = joinRoom(m_second->serverPort(), u"bb"_s, u"lobby2"_s);
    m_client->sendMessage(m_client->lobby(), u"hello second"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"hello second"_s);
}

void tst_Failover::aShutdownFrameIsEnoughToMoveOn()
{
    // A node that says it is shutting down but keeps the connection open (draining slowly).
    QTcpServer draining;
    QVERIFY(draining.listen(QHostAddress::LocalHost, 0));
    QPointer<QTcpSocket> accepted;
    connect(&draining, &QTcpServer::pendingConnectionAvailable, this, [&] {
        accepted = draining.nextPendingConnection();
        connect(accepted, &QTcpSocket::readyRead, accepted, [socket = accepted.data()] {
            if (!socket->canReadLine())
                return;
            socket->readAll(); // the hello
            Protocol::Welcome welcome;
            welcome.nick = u"aa"_s;
            welcome.protocol = 2;
            welcome.epoch = u"00000000000000e1"_s;
            welcome.rooms = QStringList { u"lobby"_s };
            Protocol::RoomState lobby;
            lobby.room = u"lobby"_s;
            lobby.epoch = welcome.epoch;
            lobby.users = QStringList { u"aa"_s };
            socket->write(Protocol::encode(Protocol::ServerFrame { welcome }));
            socket->write(Protocol::encode(Protocol::ServerFrame { lobby }));
            socket->write(Protocol::encode(Protocol::ServerFrame {
                    Protocol::Shutdown { u"The server is shutting down."_s } }));
        });
    });
    const ServerList nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(draining.serverPort()).arg(m_second->serverPort()),
            6789);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(m_client->serverIndex(), 1);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->port(), m_second->serverPort());
    QVERIFY(accepted); // the first node took the connection and said its goodbye
}

void tst_Failover::aRefusingFirstNodeIsSkippedAtOnce()
{
    m_client->setReconnectDelays(30s, 30s);
    const quint16 dead = closedPort();
    const ServerList nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(dead).arg(m_second->serverPort()), 6789);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->serverIndex(), 1);
    QCOMPARE(m_client->port(), m_second->serverPort());
    QVERIFY(m_client->lastFailure().isEmpty());
    TestClient *bb = joinRoom(m_second->serverPort(), u"bb"_s, u"dev"_s);
    m_client->sendMessage(m_client->lobby(), u"made it"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
}

void tst_Failover::aWholeRoundFailingWaitsThenGivesUp()
{
    const quint16 firstDead = closedPort();
    const quint16 secondDead = m_second->serverPort();
    m_second.reset();
    const ServerList nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(firstDead).arg(secondDead), 6789);
    QSignalSpy countdown(m_client.get(), &ChatClient::reconnectCountdown);
    QSignalSpy failed(m_client.get(), &ChatClient::connectFailed);
    m_client->setReconnectDelays(2s, 2s);
    m_client->connectToServer(nodes, u"aa"_s);
    // Both refused: a round is over, and the backoff is waited before the next.
    QTRY_VERIFY(m_client->state() == ChatClient::State::Reconnecting
                && m_client->secondsUntilReconnect() >= 1);
    QCOMPARE(m_client->serverIndex(), 0);

    // A cluster never reached is given up like one server, after as many rounds.
    m_client->setReconnectDelays(20ms, 20ms);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
    QVERIFY2(failed.at(0).at(0).toString().startsWith(
                     u"Could not connect to any of %1: connection refused"_s.arg(nodes.toString())),
             qPrintable(failed.at(0).at(0).toString()));
}

void tst_Failover::anUnrelatedServerGetsNothingOfTheCluster()
{
    TcpRelay relay(m_first->serverPort());
    QVERIFY(relay.listen());
    const ServerList nodes = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(relay.port()).arg(m_second->serverPort()), 6789);
    m_client->connectToServer(nodes, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    relay.setFrozen(true, TcpRelay::Direction::ToServer);
    m_client->sendMessage(m_client->lobby(), u"for the cluster"_s);
    QCOMPARE(m_client->outboxSize(), 1);

    // The same nodes listed the other way round are the same cluster: the outbox stays.
    const ServerList reordered = *ServerList::parse(
            u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(m_second->serverPort()).arg(relay.port()), 6789);
    m_client->disconnectFromServer();
    m_client->connectToServer(reordered, u"aa"_s);
    QCOMPARE(m_client->outboxSize(), 1);
    m_client->disconnectFromServer();

    // One of its nodes alone is another server: what was typed for the cluster never goes
    // there (nor to anything else).
    TestClient *bb = joinRoom(m_second->serverPort(), u"bb"_s, u"dev"_s);
    m_client->connectToServer(u"127.0.0.1"_s, m_second->serverPort(), u"aa"_s);
    QCOMPARE(m_client->outboxSize(), 0);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    m_client->sendMessage(m_client->lobby(), u"for the single server"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"for the single server"_s);
}

void tst_Failover::savedPositionsBelongToTheList()
{
    // The server keeps two messages: a window that resumes from where it was is told that
    // some are missing; one that starts afresh just gets the newest.
    m_first = startServer(2);
    const quint16 dead = closedPort();
    const auto missingShown = [](ChatClient *client) {
        MessageModel *model = client->lobby()->messages();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->entry(row).text.startsWith(u"Some messages may be missing"_s))
                return true;
        }
        return false;
    };
    TestClient *bb = joinRoom(m_first->serverPort(), u"bb"_s, u"dev"_s);
    m_client->connectToServer(
            *ServerList::parse(u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(m_first->serverPort()).arg(dead),
                               6789),
            u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    bb->say(u"m1"_s, u"1"_s);
    QTRY_COMPARE(texts(m_client->lobby()->messages()), QStringList { u"m1"_s });
    m_client.reset(); // the window closes; its place is saved for the list
    for (int i = 2; i <= 5; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 5);

    // The same list in another order: the same cluster, resumed from m1.
    m_client = std::make_unique<ChatClient>();
    m_client->setReconnectDelays(50ms, 400ms);
    m_client->connectToServer(
            *ServerList::parse(u"127.0.0.1:%2,127.0.0.1:%1"_s.arg(m_first->serverPort()).arg(dead),
                               6789),
            u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->serverIndex(), 1);
    QTRY_VERIFY(texts(m_client->lobby()->messages()).contains(u"m5"_s));
    QVERIFY(missingShown(m_client.get()));
    m_client->disconnectFromServer();

    // One of its nodes alone is another server: nothing of the cluster's is resumed there.
    auto single = std::make_unique<ChatClient>();
    single->connectToServer(u"127.0.0.1"_s, m_first->serverPort(), u"aa"_s);
    QTRY_COMPARE(single->state(), ChatClient::State::Online);
    QTRY_VERIFY(texts(single->lobby()->messages()).contains(u"m5"_s));
    QVERIFY(!missingShown(single.get()));
}

QTEST_GUILESS_MAIN(tst_Failover)
#include "tst_failover.moc"
