// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "conversationlistmodel.h"
#include "isolatedsettings.h"
#include "messagemodel.h"
#include "roomlistmodel.h"
#include "testclient.h"
#include "userlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The window's models under QAbstractItemModelTester, which checks after every change that
// rows, indexes, data and the signals around them keep the contract views rely on; each test
// drives its model through every kind of change it makes.
class tst_ClientModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void messageModel();
    void messageModelDropsTheOldestPastItsBound();
    void userListModel();
    void roomListModel();
    void conversationListModel();
    void modelsOfAConnectedClient();

private:
    IsolatedSettings m_settings;
};

namespace {

MessageModel::Entry message(qint64 seq, const QString &from, const QString &text)
{
    MessageModel::Entry entry;
    entry.seq = seq;
    entry.timestamp = 1'700'000'000'000 + seq;
    entry.from = from;
    entry.text = text;
    return entry;
}

constexpr auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;

} // namespace

void tst_ClientModels::initTestCase()
{
    m_settings.install(u"tst_clientmodels"_s);
}

void tst_ClientModels::messageModel()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.append(message(3, u"aa"_s, u"three"_s));
    model.append(message(4, u"bb"_s, u"four"_s));
    model.prepend({ message(1, u"aa"_s, u"one"_s), message(2, u"bb"_s, u"two"_s) });
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(0).data(MessageModel::TextRole).toString(), u"one"_s);

    MessageModel::Entry own = message(0, u"me"_s, u"pending"_s);
    own.own = true;
    own.delivery = MessageModel::Delivery::Pending;
    own.id = u"c1"_s;
    model.append(own);
    QVERIFY(model.markDelivered(u"c1"_s, 5, 1'700'000'000'005));
    QCOMPARE(model.index(4).data(MessageModel::SeqRole).toLongLong(), 5);
    own.id = u"c2"_s;
    own.seq = 0;
    model.append(own);
    QVERIFY(model.markFailed(u"c2"_s, u"too long"_s));
    QVERIFY(model.markPending(u"c2"_s));
    QVERIFY(!model.markDelivered(u"unknown"_s, 9, 0));
    model.forgetNumbering();
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    model.append(message(1, u"aa"_s, u"again"_s));
    QCOMPARE(model.rowCount(), 1);
}

void tst_ClientModels::messageModelDropsTheOldestPastItsBound()
{
    MessageModel model(3);
    QAbstractItemModelTester tester(&model, Mode);
    for (qint64 seq = 1; seq <= 5; ++seq)
        model.append(message(seq, u"aa"_s, QString::number(seq)));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0).data(MessageModel::SeqRole).toLongLong(), 3);
    // Older history loaded by scrolling up goes in front.
    model.prepend({ message(1, u"aa"_s, u"1"_s), message(2, u"aa"_s, u"2"_s) });
    QCOMPARE(model.index(0).data(MessageModel::SeqRole).toLongLong(), 1);
}

void tst_ClientModels::userListModel()
{
    UserListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setUsers({ u"cc"_s, u"aa"_s, u"bb"_s });
    QCOMPARE(model.rowCount(), 3);
    model.addUser(u"dd"_s);
    model.addUser(u"aa"_s); // already there
    model.removeUser(u"bb"_s);
    model.removeUser(u"nobody"_s);
    QCOMPARE(model.rowCount(), 3);
    model.setMembers({ u"aa"_s, u"dd"_s });
    model.removeMember(u"dd"_s);
    model.setCountOnly(5000);
    QVERIFY(model.isCountOnly());
    model.setUsers({ u"ee"_s });
    model.clear();
}

void tst_ClientModels::roomListModel()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setRooms({ { u"dev"_s, u"code"_s, 3, false }, { u"ops"_s, QString(), 1, true } });
    QCOMPARE(model.rowCount(), 2);
    model.setRooms({ { u"lobby"_s, QString(), 10, false } });
    QCOMPARE(model.rowCount(), 1);
    model.setRooms({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_ClientModels::conversationListModel()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    Conversation *lobby = model.obtain(Conversation::Kind::Room, u"lobby"_s);
    Conversation *dev = model.obtain(Conversation::Kind::Room, u"dev"_s);
    Conversation *direct = model.obtain(Conversation::Kind::Direct, u"bb"_s);
    QCOMPARE(model.obtain(Conversation::Kind::Room, u"dev"_s), dev);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(model.rowOf(lobby) >= 0 && model.rowOf(direct) >= 0);

    // Unread messages and a new topic change a row in place.
    dev->messages()->append(message(1, u"bb"_s, u"hi"_s));
    dev->setTopic(u"code review"_s);
    direct->messages()->append(message(2, u"bb"_s, u"psst"_s));
    QVERIFY(dev->setReadSeq(1));

    QSignalSpy aboutToRemove(&model, &ConversationListModel::aboutToRemove);
    model.remove(dev);
    QCOMPARE(aboutToRemove.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(!model.find(Conversation::Kind::Room, u"dev"_s));
    model.obtain(Conversation::Kind::Room, u"alpha"_s);
    QCOMPARE(model.rowCount(), 3);
}

// The models of a client connected to a real server, under the tester while real traffic
// changes them: history, joins and leaves, a message and its ack, older history loaded, a
// room joined, used and parted, a direct conversation, and a server restart with a new
// numbering.
void tst_ClientModels::modelsOfAConnectedClient()
{
    QTemporaryDir storeDir;
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    config.historyLimit = 40; // the welcome's page: the rest is older history
    config.storePath = storeDir.filePath(u"natter.sqlite"_s);
    auto server = std::make_unique<ChatServer>(config);
    QVERIFY(server->listen());
    const quint16 port = server->serverPort();
    TestClient bb;
    QVERIFY(bb.join(port, u"bb"_s));
    constexpr int Earlier = 150; // more than a welcome's first page
    for (int i = 0; i < Earlier; ++i)
        bb.say(u"earlier %1"_s.arg(i), u"e%1"_s.arg(i));
    QTRY_COMPARE(bb.count<Protocol::Ack>(), Earlier);

    ChatClient client;
    client.setReconnectDelays(50ms, 400ms);
    // Every conversation's models get testers that go with the conversation.
    const auto watch = [](Conversation *conversation) {
        new QAbstractItemModelTester(conversation->messages(), Mode, conversation);
        new QAbstractItemModelTester(conversation->users(), Mode, conversation);
    };
    QAbstractItemModelTester conversations(client.conversations(), Mode);
    watch(client.lobby());

    client.connectToServer(u"127.0.0.1"_s, port, u"aa"_s);
    QTRY_COMPARE(client.state(), ChatClient::State::Online);
    MessageModel *lobby = client.lobby()->messages();
    QTRY_VERIFY(lobby->rowCount() > 0);
    const int firstPage = lobby->rowCount();
    QSignalSpy older(&client, &ChatClient::olderLoaded);
    QVERIFY(client.loadOlder(client.lobby()));
    QVERIFY(older.wait(5000));
    QVERIFY2(lobby->rowCount() > firstPage, qPrintable(QString::number(lobby->rowCount())));

    TestClient cc;
    QVERIFY(cc.join(port, u"cc"_s));
    QTRY_COMPARE(client.lobby()->users()->users().size(), 3);
    cc.send(Protocol::Exit {});
    QTRY_COMPARE(client.lobby()->users()->users().size(), 2);
    const int before = lobby->rowCount();
    client.sendMessage(client.lobby(), u"hi bb"_s);
    QTRY_COMPARE(bb.last<Protocol::Message>().text, u"hi bb"_s);
    QTRY_COMPARE(lobby->entry(before).delivery, MessageModel::Delivery::Delivered);

    QSignalSpy joined(&client, &ChatClient::roomJoined);
    client.joinRoom(u"dev"_s);
    QVERIFY(joined.wait(5000));
    Conversation *dev = joined.at(0).at(0).value<Conversation *>();
    watch(dev);
    TestClient dd;
    dd.setProtocol(2);
    QVERIFY(dd.join(port, u"dd"_s));
    dd.send(Protocol::Join { u"dev"_s, false, u"j"_s });
    QTRY_COMPARE(dev->users()->users().size(), 2);
    dd.sayIn(u"dev"_s, u"in dev"_s, u"d1"_s);
    QTRY_COMPARE(dev->messages()->entry(dev->messages()->rowCount() - 1).text, u"in dev"_s);

    bb.say(u"psst"_s, u"p1"_s, u"aa"_s);
    QTRY_VERIFY(client.conversations()->find(Conversation::Kind::Direct, u"bb"_s));
    Conversation *direct = client.conversations()->find(Conversation::Kind::Direct, u"bb"_s);
    watch(direct);
    client.sendMessage(direct, u"back at you"_s);
    QTRY_COMPARE(bb.last<Protocol::Message>().text, u"back at you"_s);

    const int conversationsBefore = client.conversations()->rowCount();
    client.partRoom(dev);
    QTRY_COMPARE(client.conversations()->rowCount(), conversationsBefore - 1);

    // The server comes back without its store, so with a new numbering: the client starts
    // its conversations afresh.
    server.reset();
    QTRY_COMPARE(client.state(), ChatClient::State::Reconnecting);
    config.port = port;
    config.storePath.clear();
    server = std::make_unique<ChatServer>(config);
    QVERIFY(server->listen());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ChatClient::State::Online, 10000);
    TestClient ee;
    QVERIFY(ee.join(port, u"ee"_s));
    ee.say(u"after the restart"_s, u"r1"_s);
    QTRY_COMPARE(lobby->entry(lobby->rowCount() - 1).text, u"after the restart"_s);
}

QTEST_GUILESS_MAIN(tst_ClientModels)
#include "tst_clientmodels.moc"
