#include "chatclient.h"
#include "chatserver.h"
#include "isolatedsettings.h"
#include "messagetexts.h"
#include "tcprelay.h"
#include "testclient.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
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
    void serverThatComesUpDuringTheFirstTriesIsReached();
    void failedMessageCanBeRetried();
    void heartbeatFindsADeadServer();
    void unacknowledgedMessageIsResentExactlyOnce();
    void rateLimitedMessagesAreSentAgain();
    void missingHistoryIsShown();
    void serverNumberingStartingAgainShowsNothingTwiceAndMissesNothing();
    void scrollingBackLoadsOlderMessages();
    void largeRoomShowsTheCountOnly();
    void roomMessagesLandInTheirConversation();
    void directConversationsAreGroupedByPeer();
    void mentionsAreWholeWordsIgnoringCase();
    void unreadCountAndReadMarkerSurviveARestart();
    void resumeGetsExactlyWhatEachRoomMissed();
    void topicAndMembersFollowTheRoom();
    void readMarkersAreThrottledPerRoom();
    void anOlderServerIsSpokenToInVersionOne();
    void ownResentMessagesFollowWhatWasNumberedBefore();
    void scrollingBackAfterTheStoreIsBackShowsNothingTwice();
    void olderMessagesOfANewNumberingGoBelowTheOldOnes();

private:
    void startServer(quint16 port = 0, ServerConfig config = unlimited());
    static ServerConfig unlimited()
    {
        ServerConfig config;
        config.rate = 0;
        return config;
    }
    TestClient *join(const QString &nick);
    // A peer that speaks rooms, in `room` besides the lobby.
    TestClient *joinRoom(const QString &nick, const QString &room);
    Conversation *joinAs(const QString &nick, const QString &room);
    static QStringList texts(const MessageModel *model) { return messageTexts(model); }
    QStringList texts() const;

    IsolatedSettings m_settings;
    std::unique_ptr<ChatServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    QList<TestClient *> m_peers;
};

void tst_ChatClient::initTestCase()
{
    // The client remembers its place in each room per server: not in the user's own settings.
    m_settings.install(u"tst_chatclient"_s);
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

TestClient *tst_ChatClient::joinRoom(const QString &nick, const QString &room)
{
    auto *peer = new TestClient;
    m_peers.append(peer);
    peer->setProtocol(2);
    if (!peer->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    peer->send(Protocol::Join { room, false, u"j"_s });
    // Its room frame says it is in (the first came with the welcome: the lobby).
    if (!QTest::qWaitFor([&] { return peer->count<Protocol::RoomState>() >= 2; }, 5000))
        qWarning("%s did not get into %s", qPrintable(nick), qPrintable(room));
    return peer;
}

// Connects the client under test and has it join `room`.
Conversation *tst_ChatClient::joinAs(const QString &nick, const QString &room)
{
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), nick);
    if (!QTest::qWaitFor([&] { return m_client->state() == ChatClient::State::Online; }, 5000))
        return nullptr;
    QSignalSpy joined(m_client.get(), &ChatClient::roomJoined);
    m_client->joinRoom(room);
    if (!joined.wait(5000))
        return nullptr;
    return joined.at(0).at(0).value<Conversation *>();
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

void tst_ChatClient::serverThatComesUpDuringTheFirstTriesIsReached()
{
    const quint16 port = m_server->serverPort();
    m_server.reset();
    QSignalSpy countdown(m_client.get(), &ChatClient::reconnectCountdown);
    m_client->connectToServer(u"127.0.0.1"_s, port, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QVERIFY(countdown.size() >= 1);
    QCOMPARE(m_client->lastFailure(),
             u"connection refused (is a Natter server running on that port?)"_s);
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
    QCOMPARE(texts(),
             QStringList(
                     { u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s, u"m5"_s, u"n1"_s, u"n2"_s, u"n3"_s }));
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

void tst_ChatClient::roomMessagesLandInTheirConversation()
{
    Conversation *dev = joinAs(u"aa"_s, u"dev"_s);
    QVERIFY(dev);
    QCOMPARE(dev->title(), u"#dev"_s);
    ConversationListModel *list = m_client->conversations();
    QCOMPARE(list->rowCount(), 2);
    QCOMPARE(list->at(0), m_client->lobby()); // the lobby first, then the other rooms
    QCOMPARE(list->at(1), dev);
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s);
    QTRY_COMPARE(dev->users()->users(), QStringList({ u"aa"_s, u"bb"_s }));

    bb->sayIn(u"dev"_s, u"in dev"_s, u"1"_s);
    bb->say(u"in the lobby"_s, u"2"_s);
    QTRY_COMPARE(texts(dev->messages()), QStringList { u"in dev"_s });
    QTRY_COMPARE(texts(m_client->lobby()->messages()), QStringList { u"in the lobby"_s });
    // Nobody was looking: both are unread.
    QCOMPARE(dev->unreadCount(), 1);
    QCOMPARE(list->index(1).data(ConversationListModel::UnreadRole).toInt(), 1);
    QVERIFY(list->index(1).data(ConversationListModel::BoldRole).toBool());

    m_client->sendMessage(dev, u"answer in dev"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().room, u"dev"_s);
    QTRY_COMPARE(dev->messages()->entry(dev->messages()->rowCount() - 1).delivery,
                 MessageModel::Delivery::Delivered);
    QCOMPARE(dev->unreadCount(), 1); // own messages are never unread
    // The ack of a message in dev says nothing of the lobby's numbering.
    bb->say(u"the lobby again"_s, u"3"_s);
    QTRY_COMPARE(texts(m_client->lobby()->messages()),
                 QStringList({ u"in the lobby"_s, u"the lobby again"_s }));

    m_client->setCurrent(dev);
    QCOMPARE(dev->unreadCount(), 1); // shown, but the window is not active
    m_client->setAttentive(true);
    QCOMPARE(dev->unreadCount(), 0);
    QCOMPARE(m_client->lobby()->unreadCount(), 2);

    // Parting ends the conversation.
    m_client->partRoom(dev);
    QTRY_COMPARE(list->rowCount(), 1);
    QCOMPARE(m_client->current(), m_client->lobby());
}

void tst_ChatClient::directConversationsAreGroupedByPeer()
{
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    bb->say(u"from bb"_s, u"1"_s, u"aa"_s);
    cc->say(u"from cc"_s, u"2"_s, u"aa"_s);
    bb->say(u"bb again"_s, u"3"_s, u"aa"_s);
    ConversationListModel *list = m_client->conversations();
    QTRY_COMPARE(list->rowCount(), 3);
    Conversation *withBb = list->find(Conversation::Kind::Direct, u"BB"_s);
    QVERIFY(withBb);
    QTRY_COMPARE(texts(withBb->messages()), QStringList({ u"from bb"_s, u"bb again"_s }));
    QCOMPARE(withBb->unreadCount(), 2);
    QCOMPARE(list->at(1), withBb); // rooms first, then direct conversations by nick
    QCOMPARE(list->at(2)->name(), u"cc"_s);
    QCOMPARE(list->at(2)->unreadCount(), 1);
    QVERIFY(texts(m_client->lobby()->messages()).isEmpty());

    m_client->sendMessage(u"to bb"_s, u"bb"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(texts(withBb->messages()).constLast(), u"to bb"_s);
    m_client->setAttentive(true);
    m_client->setCurrent(withBb);
    QCOMPARE(withBb->unreadCount(), 0);
    QCOMPARE(list->at(2)->unreadCount(), 1);

    // What was read of each is remembered here (the server keeps no marker for them).
    m_client.reset();
    m_client = std::make_unique<ChatClient>();
    m_client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    list = m_client->conversations();
    QTRY_COMPARE(list->rowCount(), 3);
    QCOMPARE(list->at(1)->unreadCount(), 0);
    QCOMPARE(list->at(2)->unreadCount(), 1);
}

void tst_ChatClient::mentionsAreWholeWordsIgnoringCase()
{
    QVERIFY(ChatClient::mentions(u"hey AA, look"_s, u"aa"_s));
    QVERIFY(ChatClient::mentions(u"aa"_s, u"aa"_s));
    QVERIFY(ChatClient::mentions(u"@aa: ok?"_s, u"aa"_s));
    QVERIFY(!ChatClient::mentions(u"aardvark"_s, u"aa"_s));
    QVERIFY(!ChatClient::mentions(u"baa baa"_s, u"aa"_s));
    QVERIFY(!ChatClient::mentions(u"aa_b said"_s, u"aa"_s));
    QVERIFY(ChatClient::mentions(u"Jürgen!"_s, u"jürgen"_s));

    Conversation *dev = joinAs(u"aa"_s, u"dev"_s);
    QVERIFY(dev);
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s);
    bb->sayIn(u"dev"_s, u"nothing for you"_s, u"1"_s);
    QTRY_COMPARE(dev->unreadCount(), 1);
    QVERIFY(!dev->isMentioned());
    bb->sayIn(u"dev"_s, u"Aa, have a look"_s, u"2"_s);
    QTRY_VERIFY(dev->isMentioned());
    const QModelIndex row = m_client->conversations()->index(1);
    QVERIFY(row.data(ConversationListModel::MentionedRole).toBool());
    m_client->markRead(dev);
    QVERIFY(!dev->isMentioned());
}

void tst_ChatClient::unreadCountAndReadMarkerSurviveARestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig stored = unlimited();
    stored.storePath = dir.filePath(u"natter.sqlite"_s);
    startServer(0, stored);
    const quint16 port = m_server->serverPort();
    m_client->setReadThrottle(50ms);
    Conversation *dev = joinAs(u"aa"_s, u"dev"_s);
    QVERIFY(dev);
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s);
    for (int i = 1; i <= 3; ++i)
        bb->sayIn(u"dev"_s, u"read %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(dev->unreadCount(), 3);

    // Looked at: read here and, a moment later, on the server.
    m_client->setAttentive(true);
    m_client->setCurrent(dev);
    QCOMPARE(dev->unreadCount(), 0);
    m_client->setCurrent(m_client->lobby());
    for (int i = 4; i <= 5; ++i)
        bb->sayIn(u"dev"_s, u"unread %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(dev->unreadCount(), 2);

    // The server restarts on its store; the window resumes and still counts two.
    qDeleteAll(m_peers);
    m_peers.clear();
    m_server.reset();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    startServer(port, stored);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_COMPARE(m_client->conversations()->rowCount(), 2);
    dev = m_client->findRoom(u"dev"_s);
    QVERIFY(dev);
    QCOMPARE(dev->unreadCount(), 2);
    QCOMPARE(texts(dev->messages()).size(), 5); // nothing shown twice

    // The window restarts: it resumes each room from the position it kept in its settings,
    // and fetches the page before it for context.
    bb = joinRoom(u"bb"_s, u"dev"_s);
    bb->say(u"lobby before"_s, u"l"_s); // the lobby has a position to resume from too
    QTRY_COMPARE(texts(m_client->lobby()->messages()), QStringList { u"lobby before"_s });
    m_client->disconnectFromServer();
    m_client.reset();
    QVERIFY(QSettings().childGroups().contains(u"positions"_s));
    bb->sayIn(u"dev"_s, u"while closed"_s, u"6"_s);
    bb->say(u"lobby while closed"_s, u"7"_s);
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 3);
    m_client = std::make_unique<ChatClient>();
    m_client->connectToServer(u"127.0.0.1"_s, port, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_VERIFY((dev = m_client->findRoom(u"dev"_s)));
    QTRY_COMPARE(texts(dev->messages()).size(), 6);
    QCOMPARE(texts(dev->messages()).constLast(), u"while closed"_s);
    QCOMPARE(texts(dev->messages()).count(u"unread 5"_s), 1);
    QCOMPARE(dev->unreadCount(), 3);
    // Every resumed room gets its page before, one request after the other.
    QTRY_COMPARE(texts(m_client->lobby()->messages()),
                 QStringList({ u"lobby before"_s, u"lobby while closed"_s }));

    // Another computer (nothing remembered) learns the marker from the server.
    m_client->disconnectFromServer();
    m_client.reset();
    QSettings().remove(u"positions"_s);
    m_client = std::make_unique<ChatClient>();
    m_client->connectToServer(u"127.0.0.1"_s, port, u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_VERIFY((dev = m_client->findRoom(u"dev"_s)));
    QTRY_COMPARE(texts(dev->messages()).size(), 6);
    QCOMPARE(dev->unreadCount(), 3);
    // "lobby before" came while the lobby was on screen; the other one did not.
    QCOMPARE(m_client->lobby()->unreadCount(), 1);
    m_client.reset();
    m_server.reset(); // before the store's folder goes
}

void tst_ChatClient::resumeGetsExactlyWhatEachRoomMissed()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QSignalSpy joined(m_client.get(), &ChatClient::roomJoined);
    m_client->joinRoom(u"dev"_s);
    m_client->joinRoom(u"ops"_s);
    QTRY_COMPARE(joined.size(), 2);
    Conversation *dev = m_client->findRoom(u"dev"_s);
    Conversation *ops = m_client->findRoom(u"ops"_s);
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s);
    bb->send(Protocol::Join { u"ops"_s, false, u"j2"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 3);
    int acks = 0;
    const auto say = [&](const QString &room, const QString &text) {
        bb->sayIn(room, text, text);
        ++acks;
    };
    say(u"dev"_s, u"d1"_s);
    say(u"ops"_s, u"o1"_s);
    say(u"lobby"_s, u"l1"_s);
    bb->say(u"a direct one"_s, u"dm"_s, u"aa"_s); // numbered with the lobby's
    ++acks;
    QTRY_COMPARE(texts(ops->messages()).size(), 1);
    QTRY_COMPARE(texts(m_client->lobby()->messages()).size(), 1);

    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    // Numbers are the server's across all rooms: each room's gap is its own.
    say(u"dev"_s, u"d2"_s);
    say(u"lobby"_s, u"l2"_s);
    say(u"dev"_s, u"d3"_s);
    QTRY_COMPARE(bb->count<Protocol::Ack>(), acks);
    relay.setAccepting(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_COMPARE(texts(dev->messages()), QStringList({ u"d1"_s, u"d2"_s, u"d3"_s }));
    QCOMPARE(texts(ops->messages()), QStringList { u"o1"_s });
    QCOMPARE(texts(m_client->lobby()->messages()), QStringList({ u"l1"_s, u"l2"_s }));
    Conversation *withBb = m_client->conversations()->find(Conversation::Kind::Direct, u"bb"_s);
    QVERIFY(withBb);
    QCOMPARE(texts(withBb->messages()), QStringList { u"a direct one"_s });
    say(u"ops"_s, u"o2"_s);
    QTRY_COMPARE(texts(ops->messages()), QStringList({ u"o1"_s, u"o2"_s }));
    QCOMPARE(texts(dev->messages()).size(), 3);
}

void tst_ChatClient::topicAndMembersFollowTheRoom()
{
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s); // bb made dev: bb owns it
    Conversation *dev = joinAs(u"aa"_s, u"dev"_s);
    QVERIFY(dev);
    QCOMPARE(dev->owner(), u"bb"_s);
    bb->send(Protocol::SetTopic { u"dev"_s, u"release on Friday"_s, u"t"_s });
    QTRY_COMPARE(dev->topic(), u"release on Friday"_s);
    QTRY_VERIFY(dev->messages()
                        ->entry(dev->messages()->rowCount() - 1)
                        .text.contains(u"release on Friday"_s));
    // A member who goes offline stays in the list, after those online.
    QTRY_COMPARE(dev->users()->users(), QStringList({ u"aa"_s, u"bb"_s }));
    bb->send(Protocol::Exit {});
    QTRY_COMPARE(dev->users()->users(), QStringList { u"aa"_s });
    QCOMPARE(dev->users()->away(), QStringList { u"bb"_s });
    QCOMPARE(dev->users()->rowCount(), 2);
    QVERIFY(!dev->users()->index(1).data(UserListModel::OnlineRole).toBool());
    // A non-owner's topic is refused, and the refusal is shown.
    m_client->setCurrent(dev);
    m_client->setTopic(dev, u"mine now"_s);
    QTRY_VERIFY(dev->messages()->entry(dev->messages()->rowCount() - 1).kind
                == MessageModel::Kind::Error);
    QCOMPARE(dev->topic(), u"release on Friday"_s);
}

void tst_ChatClient::readMarkersAreThrottledPerRoom()
{
    m_client->setReadThrottle(1s);
    Conversation *dev = joinAs(u"aa"_s, u"dev"_s);
    QVERIFY(dev);
    TestClient *bb = joinRoom(u"bb"_s, u"dev"_s);
    m_client->setCurrent(dev);
    m_client->setAttentive(true);
    bb->sayIn(u"dev"_s, u"one"_s, u"1"_s);
    QTRY_COMPARE(texts(dev->messages()), QStringList { u"one"_s });
    QCOMPARE(dev->sentReadSeq(), dev->lastSeq()); // the first marker goes at once
    const qint64 first = dev->sentReadSeq();
    bb->sayIn(u"dev"_s, u"two"_s, u"2"_s);
    QTRY_VERIFY(dev->lastSeq() > first);
    // Read here at once; the server hears of it when the second has passed.
    QCOMPARE(dev->unreadCount(), 0);
    QCOMPARE(dev->sentReadSeq(), first);
    QTRY_COMPARE(dev->sentReadSeq(), dev->lastSeq());
}

void tst_ChatClient::anOlderServerIsSpokenToInVersionOne()
{
    // A version-1 server, scripted: it refuses version 2 and welcomes version 1 to its lobby.
    QTcpServer old;
    QVERIFY(old.listen(QHostAddress::LocalHost));
    QList<Protocol::Hello> hellos;
    QTcpSocket *peer = nullptr;
    connect(&old, &QTcpServer::newConnection, this, [&] {
        peer = old.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer, [&] {
            while (peer->canReadLine()) {
                const auto decoded = Protocol::decodeClientFrame(peer->readLine().chopped(1));
                const auto *hello = std::get_if<Protocol::Hello>(&decoded.frame);
                if (!hello)
                    continue;
                hellos.append(*hello);
                if (hello->protocol > 1) {
                    peer->write(Protocol::encode(Protocol::ServerFrame { Protocol::Error {
                            ErrorCode::UnsupportedProtocol, u"version 1 only"_s, {} } }));
                    continue;
                }
                Protocol::Welcome welcome;
                welcome.nick = hello->nick;
                welcome.protocol = 1;
                welcome.users = { u"aa"_s, u"bb"_s };
                welcome.seq = 7;
                welcome.epoch = u"e1"_s;
                Protocol::Message message;
                message.seq = 7;
                message.timestamp = 1;
                message.from = u"bb"_s;
                message.text = u"from an old server"_s;
                welcome.history = { message };
                peer->write(Protocol::encode(Protocol::ServerFrame { welcome }));
            }
        });
    });
    m_client->connectToServer(u"127.0.0.1"_s, old.serverPort(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(hellos.size(), 2);
    QCOMPARE(hellos.at(0).protocol, 2);
    QCOMPARE(hellos.at(1).protocol, 1);
    QCOMPARE(texts(m_client->lobby()->messages()), QStringList { u"from an old server"_s });
    QCOMPARE(m_client->lobby()->users()->users(), QStringList({ u"aa"_s, u"bb"_s }));
    QCOMPARE(m_client->lastSeq(), 7);
    QCOMPARE(m_client->conversations()->rowCount(), 1);
}

void tst_ChatClient::ownResentMessagesFollowWhatWasNumberedBefore()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    bb->say(u"m1"_s, u"1"_s);
    QTRY_COMPARE(texts(), QStringList { u"m1"_s });

    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QTRY_COMPARE(bb->count<Protocol::Left>(), 1);
    // Typed while away: shown at once, below what was there.
    m_client->sendMessage(u"mine 1"_s);
    m_client->sendMessage(u"mine 2"_s);
    // Said meanwhile: numbered before the resent ones, which the server numbers on arrival.
    bb->say(u"m2"_s, u"2"_s);
    bb->say(u"m3"_s, u"3"_s);
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 3);
    relay.setAccepting(true);

    QTRY_COMPARE_WITH_TIMEOUT(m_client->outboxSize(), 0, 10000);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"mine 1"_s, u"mine 2"_s }));
    MessageModel *model = m_client->messages();
    qint64 previous = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const qint64 seq = model->entry(row).seq;
        if (seq == 0)
            continue;
        QVERIFY2(seq > previous,
                 qPrintable(u"row %1: %2 after %3"_s.arg(row).arg(seq).arg(previous)));
        previous = seq;
    }
}

void tst_ChatClient::scrollingBackAfterTheStoreIsBackShowsNothingTwice()
{
    // Store, then --no-store, then the store again: the rows of the first numbering count in
    // it again, so scrolling back asks for nothing the view already shows.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig stored = unlimited();
    stored.storePath = dir.filePath(u"natter.sqlite"_s);
    startServer(0, stored);
    const quint16 port = m_server->serverPort();
    TcpRelay relay(port);
    QVERIFY(relay.listen());
    const auto restart = [&](const ServerConfig &config, const QString &saidMeanwhile) {
        relay.setAccepting(false);
        relay.cutAll();
        QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
        qDeleteAll(m_peers);
        m_peers.clear();
        m_server.reset();
        startServer(port, config);
        TestClient *cc = join(u"cc"_s);
        cc->say(saidMeanwhile, saidMeanwhile);
        QTRY_COMPARE(cc->count<Protocol::Ack>(), 1);
        relay.setAccepting(true);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    };
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 3; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 3);
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_COMPARE(texts().size(), 3);

    restart(unlimited(), u"n1"_s);
    QTRY_COMPARE(texts().size(), 4);
    restart(stored, u"p1"_s);
    QTRY_COMPARE(texts().size(), 5);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"n1"_s, u"p1"_s }));
    // m1 to m3 are numbered again, in the numbering they came in.
    QCOMPARE(m_client->messages()->oldestSeq(), 1);

    QSignalSpy loaded(m_client.get(), &ChatClient::olderLoaded);
    if (m_client->loadOlder())
        QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"n1"_s, u"p1"_s }));

    // A window restarted meanwhile resumes from its saved position, in the store's numbering.
    m_client.reset();
    m_client = std::make_unique<ChatClient>();
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_COMPARE(texts().size(), 4);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"p1"_s }));
}

void tst_ChatClient::olderMessagesOfANewNumberingGoBelowTheOldOnes()
{
    // The server comes back with another store: what the window shows from the first stays
    // on top, and scrolling back in the second puts its older messages below that.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig first = unlimited();
    first.storePath = dir.filePath(u"first.sqlite"_s);
    startServer(0, first);
    const quint16 port = m_server->serverPort();
    TcpRelay relay(port);
    QVERIFY(relay.listen());
    m_client->connectToServer(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 3; ++i)
        bb->say(u"m%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(texts().size(), 3);

    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    qDeleteAll(m_peers);
    m_peers.clear();
    m_server.reset();
    ServerConfig second = unlimited();
    second.storePath = dir.filePath(u"second.sqlite"_s);
    second.historyLimit = 2;
    startServer(port, second);
    TestClient *cc = join(u"cc"_s);
    for (int i = 1; i <= 4; ++i)
        cc->say(u"n%1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(cc->count<Protocol::Ack>(), 4);
    relay.setAccepting(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_COMPARE(texts().size(), 5);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"n3"_s, u"n4"_s }));

    QSignalSpy loaded(m_client.get(), &ChatClient::olderLoaded);
    QVERIFY(m_client->loadOlder());
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(texts(),
             QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"n1"_s, u"n2"_s, u"n3"_s, u"n4"_s }));
}

QTEST_GUILESS_MAIN(tst_ChatClient)
#include "tst_chatclient.moc"
