#include "chatclient.h"
#include "chatserver.h"
#include "tcprelay.h"
#include "testclient.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Protocol::ErrorCode;

class tst_ChatClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void joinSendAckReceiveAndLeaveNotices();
    void reconnectsAfterServerRestart();
    void resumesWithSinceWithoutDuplicates();
    void offlineMessagesDeliveredOnceInOrder();
    void nickTakenIsReportedAndStopsReconnecting();
    void unreachableServerKeepsRetrying();
    void failedMessageCanBeRetried();
    void heartbeatFindsADeadServer();
    void unacknowledgedMessageIsResentExactlyOnce();
    void rateLimitedMessagesAreSentAgain();
    void missingHistoryIsShown();
    void serverNumberingStartingAgainShowsNothingTwiceAndMissesNothing();
    void scrollingBackLoadsOlderMessages();
    void largeRoomShowsTheCountOnly();

private:
    void startServer(quint16 port = 0, ServerConfig config = unlimited());
    static ServerConfig unlimited()
    {
        ServerConfig config;
        config.rate = 0;
        return config;
    }
    TestClient *join(const QString &nick);
    QStringList texts() const;

    QTemporaryDir m_settingsDir;
    std::unique_ptr<ChatServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    QList<TestClient *> m_peers;
};

void tst_ChatClient::initTestCase()
{
    // The client remembers its place in each room per server: not in the user's own settings.
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"NatterTest"_s);
    QCoreApplication::setApplicationName(u"tst_chatclient"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_ChatClient::startServer(quint16 port, ServerConfig config)
{
    config.port = port;
    config.maxTextLength = 50;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
}

void tst_ChatClient::init()
{
    startServer();
    m_client = std::make_unique<ChatClient>();
    m_client->setReconnectDelays(50ms, 400ms);
}

void tst_ChatClient::cleanup()
{
    qDeleteAll(m_peers);
    m_peers.clear();
    m_client.reset();
    m_server.reset();
}

TestClient *tst_ChatClient::join(const QString &nick)
{
    auto *peer = new TestClient;
    m_peers.append(peer);
    if (!peer->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return peer;
}

QStringList tst_ChatClient::texts() const
{
    QStringList result;
    MessageModel *model = m_client->messages();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->entry(row).kind == MessageModel::Kind::Message)
            result.append(model->entry(row).text);
    }
    return result;
}

void tst_ChatClient::joinSendAckReceiveAndLeaveNotices()
{
    QSignalSpy states(m_client.get(), &ChatClient::stateChanged);
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(states.at(0).at(0).value<ChatClient::State>(), ChatClient::State::Connecting);
    QCOMPARE(states.at(1).at(0).value<ChatClient::State>(), ChatClient::State::Joining);
    QCOMPARE(states.at(2).at(0).value<ChatClient::State>(), ChatClient::State::Online);

    TestClient *bb = join(u"bb"_s);
    QTRY_COMPARE(m_client->users()->users(), QStringList({ u"aa"_s, u"bb"_s }));

    const QString id = m_client->sendMessage(u"hi bb"_s);
    MessageModel *model = m_client->messages();
    const int row = model->rowCount() - 1;
    QCOMPARE(model->entry(row).delivery, MessageModel::Delivery::Pending);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"hi bb"_s);
    QVERIFY(bb->last<Protocol::Message>().id.isEmpty()); // client ids stay with their sender
    QTRY_COMPARE(model->entry(row).delivery, MessageModel::Delivery::Delivered);
    QCOMPARE(model->entry(row).id, id);
    QCOMPARE(model->entry(row).seq, bb->last<Protocol::Message>().seq);

    QSignalSpy received(m_client.get(), &ChatClient::messageReceived);
    bb->say(u"hello aa"_s, u"b1"_s);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(texts(), QStringList({ u"hi bb"_s, u"hello aa"_s }));

    bb->send(Protocol::Exit {});
    QTRY_COMPARE(m_client->users()->users(), QStringList { u"aa"_s });
    QCOMPARE(model->entry(model->rowCount() - 1).text, u"bb has left the chat."_s);

    TestClient *cc = join(u"cc"_s);
    QTRY_COMPARE(m_client->users()->users().size(), 2);
    cc->socket()->abort();
    QTRY_COMPARE(model->entry(model->rowCount() - 1).text,
                 u"No message from cc, cc will be removed from the chatroom."_s);
    QCOMPARE(m_client->users()->users(), QStringList { u"aa"_s });
}

void tst_ChatClient::reconnectsAfterServerRestart()
{
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    const quint16 port = m_server->serverPort();

    m_server.reset(); // the server goes away
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QVERIFY(m_client->secondsUntilReconnect() >= 0);
    startServer(port);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);

    TestClient *bb = join(u"bb"_s);
    m_client->sendMessage(u"back again"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"back again"_s);
}

void tst_ChatClient::resumesWithSinceWithoutDuplicates()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 3; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(texts().size(), 3);

    relay.setAccepting(false);
    relay.cutAll(); // the network drops; the server notices and the client reconnects
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QTRY_COMPARE(bb->count<Protocol::Left>(), 1);
    for (int i = 4; i <= 6; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 6);
    relay.setAccepting(true);

    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_COMPARE(texts().size(), 6);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s, u"m5"_s, u"m6"_s }));
    QCOMPARE(m_client->lastSeq(), 6);
    bb->say(u"m7"_s, u"7"_s);
    QTRY_COMPARE(texts().size(), 7);
}

void tst_ChatClient::offlineMessagesDeliveredOnceInOrder()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);

    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    for (int i = 1; i <= 3; ++i)
        m_client->sendMessage(u"offline %1"_s.arg(i));
    QCOMPARE(m_client->outboxSize(), 3);
    relay.setAccepting(true);

    QTRY_COMPARE_WITH_TIMEOUT(bb->count<Protocol::Message>(), 3, 10000);
    QStringList got;
    for (const auto &message : bb->all<Protocol::Message>())
        got.append(message.text);
    QCOMPARE(got, QStringList({ u"offline 1"_s, u"offline 2"_s, u"offline 3"_s }));
    QTRY_COMPARE(m_client->outboxSize(), 0);
    MessageModel *model = m_client->messages();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->entry(row).own)
            QCOMPARE(model->entry(row).delivery, MessageModel::Delivery::Delivered);
    }
    // Nothing more arrives later: each was delivered exactly once.
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 3);
}

void tst_ChatClient::nickTakenIsReportedAndStopsReconnecting()
{
    join(u"aa"_s);
    QSignalSpy rejected(m_client.get(), &ChatClient::joinRefused);
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"AA"_s);
    QTRY_COMPARE(rejected.size(), 1);
    QCOMPARE(rejected.at(0).at(0).value<ErrorCode>(), ErrorCode::NickTaken);
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);

    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa2"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
}

void tst_ChatClient::unreachableServerKeepsRetrying()
{
    const quint16 port = m_server->serverPort();
    m_server.reset();
    QSignalSpy countdown(m_client.get(), &ChatClient::reconnectCountdown);
    m_client->connectToServer(u"127.0.0.1"_s, port, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QVERIFY(countdown.size() >= 1);
    startServer(port);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
}

void tst_ChatClient::failedMessageCanBeRetried()
{
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    const QString id = m_client->sendMessage(u"psst"_s, u"bb"_s); // bb is not here yet
    // A direct message is shown in its own conversation.
    MessageModel *model = m_client->openDirect(u"bb"_s)->messages();
    const int row = model->rowCount() - 1;
    QTRY_COMPARE(model->entry(row).delivery, MessageModel::Delivery::Failed);
    QCOMPARE(model->entry(row).failure, ChatClient::errorText(ErrorCode::NoSuchUser));

    TestClient *bb = join(u"bb"_s);
    m_client->retryMessage(id);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().to, u"bb"_s);
    QTRY_COMPARE(model->entry(row).delivery, MessageModel::Delivery::Delivered);
}

void tst_ChatClient::heartbeatFindsADeadServer()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->setHeartbeat(100ms, 300ms);
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    relay.setFrozen(true); // no error, no close: only the silence tells
    QTRY_VERIFY(m_client->state() != ChatClient::State::Online);
    relay.setFrozen(false);
    relay.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
}

void tst_ChatClient::unacknowledgedMessageIsResentExactlyOnce()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);

    relay.setFrozen(true, TcpRelay::Direction::ToClient); // the ack will never arrive
    m_client->sendMessage(u"did this arrive?"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    relay.cutAll();
    relay.setFrozen(false);

    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_COMPARE(m_client->outboxSize(), 0);
    MessageModel *model = m_client->messages();
    int own = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->entry(row).own) {
            ++own;
            QCOMPARE(model->entry(row).delivery, MessageModel::Delivery::Delivered);
        }
    }
    QCOMPARE(own, 1); // shown once, not again from the history
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 1); // delivered once
}

void tst_ChatClient::rateLimitedMessagesAreSentAgain()
{
    ServerConfig limited;
    limited.rate = 20;
    limited.burst = 2;
    startServer(0, limited);
    m_client->setRateLimitPause(150ms);
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 6; ++i)
        m_client->sendMessage(u"quick %1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(bb->count<Protocol::Message>(), 6, 10000);
    QSet<QString> received;
    for (const auto &message : bb->all<Protocol::Message>())
        received.insert(message.text);
    QCOMPARE(received.size(), 6);
    QTRY_COMPARE(m_client->outboxSize(), 0);
}

void tst_ChatClient::missingHistoryIsShown()
{
    ServerConfig shortMemory = unlimited();
    shortMemory.historyLimit = 2;
    startServer(0, shortMemory);
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    bb->say(u"first"_s, u"0"_s);
    QTRY_COMPARE(texts().size(), 1);
    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(bb->count<Protocol::Left>(), 1);
    for (int i = 1; i <= 5; ++i)
        bb->say(u"while away %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 6);
    relay.setAccepting(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QCOMPARE(texts(), QStringList({ u"first"_s, u"while away 4"_s, u"while away 5"_s }));
    bool noticeShown = false;
    MessageModel *model = m_client->messages();
    for (int row = 0; row < model->rowCount(); ++row)
        noticeShown |= model->entry(row).text.startsWith(u"Some messages may be missing"_s);
    QVERIFY(noticeShown);
}

void tst_ChatClient::serverNumberingStartingAgainShowsNothingTwiceAndMissesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig stored = unlimited();
    stored.storePath = dir.filePath(u"natter.sqlite"_s);
    startServer(0, stored);
    const quint16 port = m_server->serverPort();
    TcpRelay relay(port);
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    const auto restart = [&](const ServerConfig &config, const QStringList &saidMeanwhile) {
        relay.setAccepting(false);
        relay.cutAll();
        QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
        qDeleteAll(m_peers);
        m_peers.clear();
        m_server.reset();
        startServer(port, config);
        TestClient *cc = join(u"cc"_s);
        for (const QString &text : saidMeanwhile)
            cc->say(text, text);
        QTRY_COMPARE(cc->count<Protocol::Ack>(), saidMeanwhile.size());
        relay.setAccepting(true);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    };
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 5; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(texts().size(), 5);

    // Restarted without its store: numbering starts at 1 again, and the window (at 5) must not
    // take the new 1 to 3 for messages it has seen.
    restart(unlimited(), { u"n1"_s, u"n2"_s, u"n3"_s });
    QTRY_COMPARE(texts().size(), 8);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s, u"m5"_s, u"n1"_s,
                                    u"n2"_s, u"n3"_s }));
    QCOMPARE(m_client->lastSeq(), 3);

    // Back on the store: its numbering resumes where the window left it, so m1 to m5 are not
    // shown again and what was said meanwhile is.
    restart(stored, { u"p1"_s });
    QTRY_COMPARE(texts().size(), 9);
    QCOMPARE(texts().constLast(), u"p1"_s);
    QCOMPARE(texts().count(u"m1"_s), 1);
    QCOMPARE(m_client->lastSeq(), 6);
    bool gapShown = false;
    MessageModel *model = m_client->messages();
    for (int row = 0; row < model->rowCount(); ++row)
        gapShown |= model->entry(row).text.startsWith(u"Some messages may be missing"_s);
    QVERIFY(!gapShown);
}

void tst_ChatClient::scrollingBackLoadsOlderMessages()
{
    QTemporaryDir dir;
    ServerConfig stored = unlimited();
    stored.historyLimit = 5;
    stored.storePath = dir.filePath(u"natter.sqlite"_s);
    startServer(0, stored);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 20; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 20);

    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(texts().first(), u"m16"_s); // the newest five on joining
    QSignalSpy loaded(m_client.get(), &ChatClient::olderLoaded);
    QVERIFY(m_client->loadOlder());
    QVERIFY(!m_client->loadOlder()); // one request at a time
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(loaded.at(0).at(0).toInt(), 15);
    QStringList expected;
    for (int i = 1; i <= 20; ++i)
        expected.append(u"m%1"_s.arg(i));
    QCOMPARE(texts(), expected);
    QVERIFY(!m_client->loadOlder()); // nothing older than m1
}

void tst_ChatClient::largeRoomShowsTheCountOnly()
{
    ServerConfig config = unlimited();
    config.announceLimit = 2;
    config.presenceInterval = 100ms;
    startServer(0, config);
    TestClient *bb = join(u"bb"_s);
    join(u"cc"_s);
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    UserListModel *users = m_client->users();
    QVERIFY(users->isCountOnly());
    QCOMPARE(users->onlineCount(), 3);
    QCOMPARE(users->rowCount(), 0);
    join(u"dd"_s);
    QTRY_COMPARE(users->onlineCount(), 4);

    bb->send(Protocol::Exit {});
    m_peers.last()->send(Protocol::Exit {}); // dd
    QTRY_VERIFY(!users->isCountOnly());
    QCOMPARE(users->users(), QStringList({ u"aa"_s, u"cc"_s }));
}

QTEST_GUILESS_MAIN(tst_ChatClient)
#include "tst_chatclient.moc"
