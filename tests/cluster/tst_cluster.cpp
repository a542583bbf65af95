// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "clusterprocesses.h"
#include "messagemodel.h"
#include "serverlist.h"
#include "testclient.h"

#include <QDeadlineTimer>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <memory>

using namespace Protocol;

// natter-server nodes as processes around a real redis-server: what one node's member says
// reaches every node's members once and in one order, a nick is online on one node at a time,
// and losing a node or Redis's data loses nothing that was acknowledged.
class tst_Cluster : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void roomSpanningNodesDeliversEverythingOnceInOrder();
    void roomsAndMembershipsAreSharedByNodes();
    void directMessageReachesAnotherNode();
    void kickAndTopicReachAnotherNode();
    void invitationToAPrivateRoomReachesAnotherNode();
    void nodeFollowsOnlyRoomsWithMembersOnIt();
    void ircClientOnOneNodeTalksWithJsonOnAnother();
    void resendToANodeStartedLaterIsAckedNotRepeated();
    void resendThroughAnotherNodeIsCaughtByRedis();
    void nickIsOnlineOnOneNodeAtATime();
    void nickChangeKeepsNicksUniqueAcrossNodes();
    void redisOverTcpWithAPassword();
    void killedNodeLosesNothingAcknowledgedAndItsMembersAreAnnouncedLost();
    void redisRestartedEmptyChangesTheEpoch();
    void redisAwayTenSecondsLosesNothingAcknowledged();
    void windowClientMovesToASurvivingNode();

private:
    // Flood control off where a test sends bursts on purpose.
    quint16 startNode(int index, const QStringList &extra = { u"--rate"_s, u"0"_s });
    static QList<qint64> seqsOf(const QList<Message> &messages);
    // What the client was shown of a room, in order: its room frames' history and the
    // room's messages as they came.
    static QList<Message> shownIn(const TestClient &client, const QString &room);
    static QStringList textsOf(const QList<Message> &messages);
    // A client joined as `nick` once the cluster has let go of it (its old node releases it
    // as the old connection closes), or null after 10 s.
    static std::unique_ptr<TestClient> joinWhenFree(quint16 port, const QString &nick,
                                                    int protocol = 1);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RedisProcess> m_redis;
    NodeProcess m_nodes[3];
};

void tst_Cluster::initTestCase()
{
    // The window's client keeps its numbering in QSettings: a folder of the test's own.
    QCoreApplication::setOrganizationName(u"NatterTest"_s);
    QCoreApplication::setApplicationName(u"tst_cluster"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_Cluster::init()
{
    m_redis = std::make_unique<RedisProcess>(RedisProcess::Persistence::AppendOnly);
    QVERIFY2(m_redis->start(), m_redis->output().constData());
}

void tst_Cluster::cleanup()
{
    if (QTest::currentTestFailed()) {
        for (const NodeProcess &node : m_nodes)
            qInfo().noquote() << node.output();
    }
    for (NodeProcess &node : m_nodes)
        node.kill();
    m_redis.reset();
}

quint16 tst_Cluster::startNode(int index, const QStringList &extra)
{
    return m_nodes[index].start(m_redis->url(), u"node%1"_s.arg(index + 1), extra);
}

QList<qint64> tst_Cluster::seqsOf(const QList<Message> &messages)
{
    QList<qint64> seqs;
    for (const Message &message : messages)
        seqs.append(message.seq);
    return seqs;
}

// Registers the nicks in an accounts file the way an administrator does (--add-user).
static bool createAccounts(const QString &path, const QList<std::pair<QString, QString>> &users)
{
    for (const auto &[nick, password] : users) {
        QProcess add;
        add.start(QStringLiteral(NATTER_SERVER_BINARY),
                  { u"--accounts"_s, path, u"--add-user"_s, nick });
        add.write(password.toUtf8() + '\n');
        add.closeWriteChannel();
        if (!QTest::qWaitFor([&] { return add.state() == QProcess::NotRunning; }, 30000)
            || add.exitCode() != 0)
            return false;
    }
    return true;
}

QList<Message> tst_Cluster::shownIn(const TestClient &client, const QString &room)
{
    QList<Message> shown;
    for (const ServerFrame &frame : client.frames()) {
        if (const auto *state = std::get_if<RoomState>(&frame); state && state->room == room)
            shown += state->history;
        else if (const auto *message = std::get_if<Message>(&frame);
                 message && message->room == room)
            shown.append(*message);
    }
    return shown;
}

QStringList tst_Cluster::textsOf(const QList<Message> &messages)
{
    QStringList texts;
    for (const Message &message : messages)
        texts.append(message.text);
    return texts;
}

std::unique_ptr<TestClient> tst_Cluster::joinWhenFree(quint16 port, const QString &nick,
                                                      int protocol)
{
    std::unique_ptr<TestClient> joined;
    (void)QTest::qWaitFor(
            [&] {
                auto attempt = std::make_unique<TestClient>();
                attempt->setProtocol(protocol);
                attempt->connectTo(port);
                attempt->hello(nick);
                // An answer either way: the welcome, or nick_taken while the old node lets go.
                if (!QTest::qWaitFor(
                            [&] {
                                return attempt->count<Welcome>() + attempt->count<Error>()
                                        + attempt->count<RoomState>()
                                        > 0;
                            },
                            5000)
                    || attempt->count<Error>() > 0)
                    return false;
                joined = std::move(attempt);
                return true;
            },
            10000);
    return joined;
}

void tst_Cluster::roomSpanningNodesDeliversEverythingOnceInOrder()
{
    quint16 ports[3];
    for (int i = 0; i < 3; ++i) {
        ports[i] = startNode(i);
        QVERIFY2(ports[i], qPrintable(m_nodes[i].output()));
    }
    TestClient aa, bb, cc;
    QVERIFY(aa.join(ports[0], u"aa"_s));
    QVERIFY(bb.join(ports[1], u"bb"_s));
    QVERIFY(cc.join(ports[2], u"cc"_s));
    // aa sees the others arrive from their nodes.
    QTRY_COMPARE(aa.count<Joined>() + aa.count<Notices>(), 2);

    // Three senders on three nodes at once: the numbers interleave.
    constexpr int PerSender = 150;
    for (int i = 0; i < PerSender; ++i) {
        aa.say(u"aa %1"_s.arg(i), u"a%1"_s.arg(i));
        bb.say(u"bb %1"_s.arg(i), u"b%1"_s.arg(i));
        cc.say(u"cc %1"_s.arg(i), u"c%1"_s.arg(i));
    }
    for (TestClient *client : { &aa, &bb, &cc }) {
        QTRY_COMPARE_WITH_TIMEOUT(client->count<Ack>(), PerSender, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(client->count<Message>(), 2 * PerSender, 20000);
    }
    // Every message once, in one order: each member's numbers rise, and the union of what
    // each received and what it was acknowledged is the same 450 numbers for everyone.
    QSet<qint64> everything;
    for (TestClient *client : { &aa, &bb, &cc }) {
        const QList<qint64> seqs = seqsOf(client->all<Message>());
        QVERIFY(std::is_sorted(seqs.cbegin(), seqs.cend()));
        QCOMPARE(QSet<qint64>(seqs.cbegin(), seqs.cend()).size(), seqs.size());
        QSet<qint64> seen(seqs.cbegin(), seqs.cend());
        for (const Ack &ack : client->all<Ack>())
            seen.insert(ack.seq);
        QCOMPARE(seen.size(), 3 * PerSender);
        if (everything.isEmpty())
            everything = seen;
        QCOMPARE(seen, everything);
    }
    // Each sender's own messages arrive in the order it sent them.
    QStringList fromAa;
    for (const Message &message : bb.all<Message>())
        if (message.from == u"aa"_s)
            fromAa.append(message.text);
    for (int i = 0; i < PerSender; ++i)
        QCOMPARE(fromAa.at(i), u"aa %1"_s.arg(i));
}

void tst_Cluster::roomsAndMembershipsAreSharedByNodes()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb;
    aa.setProtocol(2);
    bb.setProtocol(2);
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    aa.send(Join { u"dev"_s, false, {} });
    QTRY_VERIFY(std::any_of(aa.frames().cbegin(), aa.frames().cend(), [](const ServerFrame &f) {
        return std::holds_alternative<RoomState>(f) && std::get<RoomState>(f).room == u"dev"_s;
    }));
    // The room made on the first node is listed on the second, then there with aa online in it.
    QVERIFY(QTest::qWaitFor(
            [&] {
                bb.send(ListRooms { {}, {} });
                const qsizetype lists = bb.count<RoomList>();
                if (!QTest::qWaitFor([&] { return bb.count<RoomList>() > lists; }, 1000))
                    return false;
                const auto rooms = bb.last<RoomList>().rooms;
                return std::any_of(rooms.cbegin(), rooms.cend(), [](const RoomSummary &room) {
                    return room.room == u"dev"_s && room.members == 1;
                });
            },
            5000));
    bb.send(Join { u"dev"_s, false, {} });
    QTRY_COMPARE(bb.count<RoomState>(), 2);
    const RoomState dev = bb.last<RoomState>();
    QCOMPARE(dev.room, u"dev"_s);
    QCOMPARE(dev.owner, u"aa"_s);
    QCOMPARE(dev.users, QStringList({ u"aa"_s, u"bb"_s }));
    bb.sayIn(u"dev"_s, u"hello dev"_s, u"1"_s);
    QTRY_VERIFY(std::any_of(aa.frames().cbegin(), aa.frames().cend(), [](const ServerFrame &f) {
        const auto *message = std::get_if<Message>(&f);
        return message && message->room == u"dev"_s && message->text == u"hello dev"_s;
    }));

    // A third node started later knows the room, its members and its history.
    const quint16 third = startNode(2);
    QVERIFY(third);
    aa.send(Exit {});
    QTRY_VERIFY(aa.wasDisconnected());
    const auto aaAgain = joinWhenFree(third, u"aa"_s, 2);
    QVERIFY(aaAgain);
    QTRY_VERIFY(std::any_of(aaAgain->frames().cbegin(), aaAgain->frames().cend(),
                            [](const ServerFrame &f) {
                                const auto *state = std::get_if<RoomState>(&f);
                                return state && state->room == u"dev"_s && !state->history.isEmpty()
                                        && state->history.constLast().text == u"hello dev"_s;
                            }));
}

void tst_Cluster::directMessageReachesAnotherNode()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb, cc;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    QVERIFY(cc.join(second, u"cc"_s));
    QTRY_COMPARE(aa.last<Welcome>().users.size() + aa.count<Joined>(), 3);
    aa.say(u"psst"_s, u"1"_s, u"bb"_s);
    QTRY_COMPARE(aa.count<Ack>(), 1);
    QTRY_COMPARE(bb.count<Message>(), 1);
    QCOMPARE(bb.last<Message>().to, u"bb"_s);
    QCOMPARE(bb.last<Message>().text, u"psst"_s);
    // Nobody else on that node is given it.
    cc.say(u"after"_s, u"2"_s);
    QTRY_COMPARE(aa.count<Message>(), 1);
    QCOMPARE(cc.count<Message>(), 0);
}

void tst_Cluster::kickAndTopicReachAnotherNode()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb, cc;
    for (TestClient *client : { &aa, &bb, &cc })
        client->setProtocol(2);
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    QVERIFY(cc.join(second, u"cc"_s));
    aa.send(Join { u"dev"_s, false, {} }); // aa owns #dev
    QTRY_VERIFY(aa.count<RoomState>() == 2);
    bb.send(Join { u"dev"_s, false, {} });
    cc.send(Join { u"dev"_s, false, {} });
    QTRY_VERIFY(bb.count<RoomState>() == 2 && cc.count<RoomState>() == 2);

    aa.send(SetTopic { u"dev"_s, u"release on Friday"_s, u"t"_s });
    QTRY_COMPARE(cc.count<TopicChanged>(), 1);
    QCOMPARE(cc.last<TopicChanged>().topic, u"release on Friday"_s);
    QCOMPARE(cc.last<TopicChanged>().by, u"aa"_s);

    aa.send(Kick { u"bb"_s, u"off topic"_s, u"k"_s, u"dev"_s });
    // bb, on the other node, is told and is out of the room; everyone sees it once.
    auto kicksIn = [](const TestClient &client) {
        int kicks = 0;
        for (const Left &left : client.all<Left>())
            kicks += left.room == u"dev"_s && left.nick == u"bb"_s
                    && left.reason == LeaveReason::Kicked;
        return kicks;
    };
    QTRY_COMPARE(kicksIn(bb), 1);
    QTRY_COMPARE(kicksIn(cc), 1);
    QTRY_COMPARE(kicksIn(aa), 1);
    QCOMPARE(bb.last<Left>().by, u"aa"_s);
    bb.sayIn(u"dev"_s, u"still here?"_s, u"x"_s);
    QTRY_COMPARE(bb.count<Error>(), 1);
    QCOMPARE(bb.last<Error>().code, ErrorCode::NotAMember);
    cc.sayIn(u"dev"_s, u"after the kick"_s, u"y"_s);
    QTRY_COMPARE(aa.count<Message>(), 1);
    QCOMPARE(bb.count<Message>(), 0);
    QCOMPARE(kicksIn(aa), 1);
    QCOMPARE(kicksIn(cc), 1);
}

void tst_Cluster::invitationToAPrivateRoomReachesAnotherNode()
{
    // Private rooms need registered nicks: an accounts file every node reads.
    QTemporaryDir dir;
    const QString accounts = dir.filePath(u"accounts"_s);
    QVERIFY(createAccounts(accounts, { { u"aa"_s, u"secret-aa"_s }, { u"bb"_s, u"secret-bb"_s } }));
    const QStringList options { u"--rate"_s, u"0"_s, u"--accounts"_s, accounts };
    const quint16 first = startNode(0, options);
    const quint16 second = startNode(1, options);
    QVERIFY(first && second);
    TestClient aa, bb;
    aa.setProtocol(2);
    bb.setProtocol(2);
    aa.connectTo(first);
    aa.hello(u"aa"_s, std::nullopt, u"secret-aa"_s);
    bb.connectTo(second);
    bb.hello(u"bb"_s, std::nullopt, u"secret-bb"_s);
    QTRY_COMPARE(aa.count<Welcome>(), 1);
    QTRY_COMPARE(bb.count<Welcome>(), 1);
    aa.send(Join { u"secret"_s, true, {} });
    QTRY_COMPARE(aa.count<RoomState>(), 2);
    QVERIFY(aa.last<RoomState>().isPrivate);
    aa.send(Invite { u"secret"_s, u"bb"_s, u"i"_s });
    QTRY_COMPARE(aa.count<Invited>(), 1);
    // bb, online on the other node, is told, and can join there (the notice follows the room's
    // announcement and the invitation's record, so the node knows both by then).
    QTRY_COMPARE(bb.count<Invited>(), 1);
    QCOMPARE(bb.last<Invited>().room, u"secret"_s);
    QCOMPARE(bb.last<Invited>().by, u"aa"_s);
    bb.send(Join { u"secret"_s, false, u"j"_s });
    QTRY_COMPARE(bb.count<RoomState>(), 2);
    QCOMPARE(bb.last<RoomState>().room, u"secret"_s);
    QCOMPARE(bb.last<RoomState>().owner, u"aa"_s);
    aa.sayIn(u"secret"_s, u"welcome in"_s, u"w"_s);
    QTRY_COMPARE(bb.count<Message>(), 1);
    QCOMPARE(bb.last<Message>().text, u"welcome in"_s);
}

void tst_Cluster::nodeFollowsOnlyRoomsWithMembersOnIt()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb, cc;
    for (TestClient *client : { &aa, &bb, &cc })
        client->setProtocol(2);
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(cc.join(first, u"cc"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    aa.send(Join { u"dev"_s, false, {} });
    QTRY_COMPARE(aa.count<RoomState>(), 2);
    cc.send(Join { u"dev"_s, false, {} });
    QTRY_COMPARE(cc.count<RoomState>(), 2);
    // Only the first node has members in #dev, so only it follows the room's channel: Redis
    // sends a publication to no one else (and no node subscribes to a pattern).
    const QString dev = u"natter:room:dev"_s;
    QTRY_COMPARE(m_redis->subscribers(dev), 1);
    QCOMPARE(m_redis->command({ u"PUBSUB"_s, u"NUMPAT"_s }), QByteArray("0"));
    QCOMPARE(m_redis->subscribers(u"natter:room:lobby"_s), 2);
    auto say = [&aa](int from, int to) {
        const qsizetype acks = aa.count<Ack>();
        for (int i = from; i < to; ++i)
            aa.sayIn(u"dev"_s, u"m%1"_s.arg(i), u"d%1"_s.arg(i));
        return QTest::qWaitFor([&] { return aa.count<Ack>() == acks + (to - from); }, 10000);
    };
    auto texts = [](int from, int to) {
        QStringList expected;
        for (int i = from; i < to; ++i)
            expected.append(u"m%1"_s.arg(i));
        return expected;
    };
    QVERIFY(say(0, 10));
    QTRY_COMPARE(textsOf(shownIn(cc, u"dev"_s)), texts(0, 10));
    const qint64 ccSaw = cc.last<Message>().seq;
    const QString epoch = cc.last<RoomState>().epoch;
    cc.send(Exit {});
    QTRY_VERIFY(cc.wasDisconnected());
    QVERIFY(say(10, 20));
    QCOMPARE(m_redis->subscribers(dev), 1);

    // bb joins #dev on the second node, which followed none of it: it catches up from the
    // stream, and bb is shown everything once, in order.
    bb.send(Join { u"dev"_s, false, {} });
    QTRY_COMPARE(textsOf(shownIn(bb, u"dev"_s)), texts(0, 20));
    QTRY_COMPARE(m_redis->subscribers(dev), 2);
    QVERIFY(say(20, 21));
    QTRY_COMPARE(textsOf(shownIn(bb, u"dev"_s)), texts(0, 21));
    const QList<qint64> bbSeqs = seqsOf(shownIn(bb, u"dev"_s));
    QVERIFY(std::is_sorted(bbSeqs.cbegin(), bbSeqs.cend()));

    // The last member here leaves the room: the node stops following it.
    bb.send(Part { u"dev"_s, {} });
    QTRY_COMPARE(m_redis->subscribers(dev), 1);
    QVERIFY(say(21, 30));

    // cc comes back on the second node, from where it stood: its room frame is the cluster's
    // (no reset, exactly what it missed), and what follows comes once.
    std::unique_ptr<TestClient> ccAgain;
    QVERIFY(QTest::qWaitFor(
            [&] {
                // A new connection each time: the first node lets go of cc as it closes.
                ccAgain = std::make_unique<TestClient>();
                ccAgain->setProtocol(2);
                ccAgain->connectTo(second);
                if (!QTest::qWaitFor([&] { return ccAgain->isConnected(); }, 5000))
                    return false;
                Hello hello;
                hello.nick = u"cc"_s;
                hello.protocol = 2;
                hello.rooms = { { u"dev"_s, ccSaw, epoch } };
                ccAgain->send(hello);
                return QTest::qWaitFor(
                        [&] {
                            return std::any_of(ccAgain->frames().cbegin(), ccAgain->frames().cend(),
                                               [](const ServerFrame &f) {
                                                   const auto *state = std::get_if<RoomState>(&f);
                                                   return state && state->room == u"dev"_s;
                                               });
                        },
                        2000);
            },
            10000));
    RoomState state;
    for (const RoomState &room : ccAgain->all<RoomState>())
        if (room.room == u"dev"_s)
            state = room;
    QVERIFY(!state.historyReset);
    QCOMPARE(textsOf(state.history), texts(10, 30));
    QCOMPARE(state.seq, state.history.constLast().seq);
    QTRY_COMPARE(m_redis->subscribers(dev), 2);
    QVERIFY(say(30, 31));
    QTRY_COMPARE(textsOf(shownIn(*ccAgain, u"dev"_s)), texts(10, 31));
}

void tst_Cluster::ircClientOnOneNodeTalksWithJsonOnAnother()
{
    const quint16 first = startNode(0, { u"--irc-port"_s, u"0"_s });
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    QTRY_VERIFY(m_nodes[0].ircPort() != 0);
    QTcpSocket irc;
    QByteArray ircText;
    connect(&irc, &QTcpSocket::readyRead, &irc, [&] { ircText += irc.readAll(); });
    irc.connectToHost(QHostAddress::LocalHost, m_nodes[0].ircPort());
    irc.write("NICK wee\r\nUSER wee 0 * :WeeChat\r\nJOIN #lobby\r\n");
    QTRY_VERIFY(ircText.contains(" 366 wee #lobby "));
    TestClient js;
    QVERIFY(js.join(second, u"js"_s));
    QVERIFY(js.last<Welcome>().users.contains(u"wee"_s));
    QTRY_VERIFY(ircText.contains(":js!js@natter JOIN #lobby"));
    // A message with a line break reaches IRC as two lines; IRC formatting never reaches JSON.
    js.say(u"hello irc\nsecond line"_s, u"1"_s);
    QTRY_VERIFY(ircText.contains(":js!js@natter PRIVMSG #lobby :hello irc\r\n"
                                 ":js!js@natter PRIVMSG #lobby :second line\r\n"));
    irc.write("PRIVMSG #lobby :\x02"
              "bold\x02 from irc\r\nQUIT :bye\r\n");
    QTRY_COMPARE(js.count<Message>(), 1);
    QCOMPARE(js.last<Message>().text, u"bold from irc"_s);
    QCOMPARE(js.last<Message>().from, u"wee"_s);
    QTRY_COMPARE(js.count<Left>(), 1);
    QCOMPARE(js.last<Left>().text, u"wee has left the chat."_s);
}

void tst_Cluster::resendToANodeStartedLaterIsAckedNotRepeated()
{
    const quint16 first = startNode(0);
    QVERIFY(first);
    TestClient aa, bb;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(first, u"bb"_s));
    aa.say(u"once"_s, u"x1"_s);
    QTRY_COMPARE(aa.count<Ack>(), 1);
    QTRY_COMPARE(bb.count<Message>(), 1);
    const Ack original = aa.last<Ack>();
    aa.send(Exit {});
    QTRY_VERIFY(aa.wasDisconnected());

    // Its ack lost, the client sends again to a node that did not exist when it was taken.
    const quint16 second = startNode(1);
    QVERIFY(second);
    const auto again = joinWhenFree(second, u"aa"_s);
    QVERIFY(again);
    again->say(u"once"_s, u"x1"_s);
    QTRY_COMPARE(again->count<Ack>(), 1);
    QCOMPARE(again->last<Ack>().seq, original.seq);
    again->say(u"next"_s, u"x2"_s);
    QTRY_COMPARE(bb.count<Message>(), 2);
    QCOMPARE(bb.last<Message>().text, u"next"_s);
}

void tst_Cluster::resendThroughAnotherNodeIsCaughtByRedis()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    aa.say(u"once"_s, u"x"_s);
    QTRY_COMPARE(aa.count<Ack>(), 1);
    const Ack original = aa.last<Ack>();
    // More messages than a node's own filter keeps per nick (1,000): the second node, which
    // saw "once" go by, no longer knows its id; only Redis does.
    constexpr int After = 1100;
    for (int i = 0; i < After; ++i)
        aa.say(u"after %1"_s.arg(i), u"a%1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(aa.count<Ack>(), 1 + After, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(bb.count<Message>(), 1 + After, 20000);
    aa.send(Exit {});
    QTRY_VERIFY(aa.wasDisconnected());

    // Its ack lost (as the client sees it), aa sends "once" again through the second node.
    const auto again = joinWhenFree(second, u"aa"_s);
    QVERIFY(again);
    again->say(u"once"_s, u"x"_s);
    QTRY_COMPARE(again->count<Ack>(), 1);
    QCOMPARE(again->last<Ack>().seq, original.seq);
    QCOMPARE(again->last<Ack>().timestamp, original.timestamp);
    again->say(u"next"_s, u"y"_s);
    QTRY_COMPARE(bb.count<Message>(), 2 + After);
    QCOMPARE(bb.last<Message>().text, u"next"_s);
    int copies = 0;
    for (const Message &message : bb.all<Message>())
        copies += message.text == u"once"_s;
    QCOMPARE(copies, 1);
}

void tst_Cluster::redisOverTcpWithAPassword()
{
    // Redis takes no port 0: a port the system just gave out, and closed again.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    m_redis = std::make_unique<RedisProcess>();
    m_redis->useTcp(port, u"s3cret pass"_s);
    QVERIFY2(m_redis->start(), m_redis->output().constData());
    QTemporaryDir dir;
    auto passwordFile = [&dir](const QString &name, const QByteArray &password) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(password + '\n');
        return file.fileName();
    };
    const QString right = passwordFile(u"right"_s, "s3cret pass");
    const QString wrong = passwordFile(u"wrong"_s, "guess");
    const QString url = u"redis://127.0.0.1:%1/3"_s.arg(port);

    const quint16 first = m_nodes[0].start(url, u"node1"_s, { u"--redis-password-file"_s, right });
    const quint16 second = m_nodes[1].start(url, u"node2"_s, { u"--redis-password-file"_s, right });
    QVERIFY2(first && second, qPrintable(m_nodes[0].output() + m_nodes[1].output()));
    TestClient aa, bb;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    aa.say(u"through tcp"_s, u"1"_s);
    QTRY_COMPARE(aa.count<Ack>(), 1);
    QTRY_COMPARE(bb.count<Message>(), 1);
    // In the database the URL names.
    QCOMPARE(m_redis->command({ u"-n"_s, u"3"_s, u"EXISTS"_s, u"natter:epoch"_s }), "1");
    QCOMPARE(m_redis->command({ u"-n"_s, u"0"_s, u"EXISTS"_s, u"natter:epoch"_s }), "0");

    // A wrong password: the node says so and does not start (it would serve nobody).
    QProcess refused;
    refused.setProcessChannelMode(QProcess::MergedChannels);
    refused.start(QStringLiteral(NATTER_SERVER_BINARY),
                  { u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s, u"--redis"_s, url,
                    u"--node-id"_s, u"node3"_s, u"--redis-password-file"_s, wrong });
    QVERIFY(QTest::qWaitFor([&] { return refused.state() == QProcess::NotRunning; }, 10000));
    const QString said = QString::fromUtf8(refused.readAll());
    QCOMPARE(refused.exitStatus(), QProcess::NormalExit);
    QVERIFY(refused.exitCode() != 0);
    QVERIFY2(said.contains(u"WRONGPASS"_s) && said.contains(url), qPrintable(said));
    QVERIFY2(!said.contains(u"listening on"_s), qPrintable(said));

    // The password changed under a running node: its connections come back refused; a message
    // is answered store_failed, and the node lives on.
    QCOMPARE(m_redis->command({ u"CONFIG"_s, u"SET"_s, u"requirepass"_s, u"changed"_s }), "OK");
    m_redis->useTcp(port, u"changed"_s);
    m_redis->command({ u"CLIENT"_s, u"KILL"_s, u"TYPE"_s, u"normal"_s });
    QTRY_VERIFY_WITH_TIMEOUT(m_nodes[0].output().contains(u"Redis refused the password"_s), 10000);
    QVERIFY(QTest::qWaitFor(
            [&] {
                const qsizetype errors = aa.count<Error>();
                aa.say(u"refused"_s, u"2"_s);
                return QTest::qWaitFor([&] { return aa.count<Error>() > errors; }, 1000);
            },
            10000));
    QCOMPARE(aa.last<Error>().code, ErrorCode::StoreFailed);
    QCOMPARE(aa.count<Ack>(), 1);
    QVERIFY(aa.isConnected());
}

void tst_Cluster::nickIsOnlineOnOneNodeAtATime()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, impostor;
    QVERIFY(aa.join(first, u"aa"_s));
    impostor.connectTo(second);
    impostor.hello(u"aa"_s);
    QTRY_COMPARE(impostor.count<Error>(), 1);
    QCOMPARE(impostor.last<Error>().code, ErrorCode::NickTaken);
    QCOMPARE(impostor.count<Welcome>(), 0);

    // Free again once aa leaves its node.
    aa.send(Exit {});
    QTRY_VERIFY(aa.wasDisconnected());
    QVERIFY(joinWhenFree(second, u"aa"_s));
}

void tst_Cluster::nickChangeKeepsNicksUniqueAcrossNodes()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    QTRY_COMPARE(aa.count<Joined>(), 1);

    // bb is online on the other node: its nick cannot be taken by renaming either.
    aa.send(ChangeNick { u"bb"_s, {}, u"n1"_s });
    QTRY_COMPARE(aa.count<Error>(), 1);
    QCOMPARE(aa.last<Error>().code, ErrorCode::NickTaken);
    QCOMPARE(aa.last<Error>().id, u"n1"_s);

    aa.send(ChangeNick { u"zz"_s, {}, u"n2"_s });
    QTRY_COMPARE(aa.count<Renamed>(), 1);
    QCOMPARE(aa.last<Renamed>().to, u"zz"_s);
    // The other node's members see the old nick go and the new one come.
    QTRY_VERIFY(bb.count<Left>() + bb.count<Notices>() >= 1);
    QTRY_VERIFY(!bb.all<Joined>().isEmpty() && bb.last<Joined>().nick == u"zz"_s);
    // The new nick is held in the cluster, the old one is free on every node.
    TestClient impostor;
    impostor.connectTo(second);
    impostor.hello(u"zz"_s);
    QTRY_COMPARE(impostor.count<Error>(), 1);
    QCOMPARE(impostor.last<Error>().code, ErrorCode::NickTaken);
    QVERIFY(joinWhenFree(second, u"aa"_s));
}

void tst_Cluster::killedNodeLosesNothingAcknowledgedAndItsMembersAreAnnouncedLost()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb;
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    QTRY_COMPARE(aa.count<Joined>(), 1);

    // bb floods through the second node; it dies in the middle of it.
    for (int i = 0; i < 400; ++i)
        bb.say(u"bb %1"_s.arg(i), u"%1"_s.arg(i));
    QTRY_VERIFY(bb.count<Ack>() >= 50);
    m_nodes[1].kill();
    QTRY_VERIFY(bb.wasDisconnected());
    const QList<Ack> acked = bb.all<Ack>();

    // The survivor announces bb as the seed did, within the node timeout.
    QTRY_VERIFY_WITH_TIMEOUT(aa.count<Left>() == 1, 15000);
    QCOMPARE(aa.last<Left>().reason, LeaveReason::Lost);
    QCOMPARE(aa.last<Left>().text, u"No message from bb, bb will be removed from the chatroom."_s);
    // Every acknowledged message is in aa's view, once.
    const QList<qint64> seqs = seqsOf(aa.all<Message>());
    QCOMPARE(QSet<qint64>(seqs.cbegin(), seqs.cend()).size(), seqs.size());
    for (const Ack &ack : acked)
        QVERIFY2(seqs.contains(ack.seq), qPrintable(QString::number(ack.seq)));

    // bb comes back on the survivor: its nick is free, and from where it stood nothing is
    // missing and nothing comes twice.
    TestClient bbAgain;
    QVERIFY(bbAgain.join(first, u"bb"_s, acked.constLast().seq));
    const Welcome welcome = bbAgain.last<Welcome>();
    for (const Message &message : welcome.history)
        QVERIFY(message.seq > acked.constLast().seq);
}

void tst_Cluster::redisRestartedEmptyChangesTheEpoch()
{
    m_redis = std::make_unique<RedisProcess>(RedisProcess::Persistence::None);
    QVERIFY(m_redis->start());
    const quint16 port = startNode(0);
    QVERIFY(port);
    TestClient aa, bb;
    QVERIFY(aa.join(port, u"aa"_s));
    QVERIFY(bb.join(port, u"bb"_s));
    aa.say(u"before"_s, u"1"_s);
    QTRY_COMPARE(bb.count<Message>(), 1);
    const QString oldEpoch = bb.last<Welcome>().epoch;
    const qint64 seen = bb.last<Message>().seq;

    m_redis->stop();
    QVERIFY(m_redis->start()); // the same socket, nothing kept
    // The node finds Redis empty: its members are told to connect again.
    QTRY_VERIFY_WITH_TIMEOUT(bb.count<Shutdown>() == 1, 10000);
    QTRY_VERIFY(bb.wasDisconnected());

    TestClient bbAgain;
    bbAgain.connectTo(port);
    Hello hello;
    hello.nick = u"bb"_s;
    hello.protocol = 1;
    hello.since = seen;
    hello.epoch = oldEpoch;
    QTRY_VERIFY_WITH_TIMEOUT(bbAgain.isConnected(), 5000);
    bbAgain.send(hello);
    QTRY_VERIFY_WITH_TIMEOUT(bbAgain.count<Welcome>() == 1 || bbAgain.count<Error>() > 0, 10000);
    const Welcome welcome = bbAgain.last<Welcome>();
    QVERIFY(welcome.epoch != oldEpoch);
    QVERIFY(welcome.historyReset);
    QVERIFY(welcome.history.isEmpty()); // "before" is not shown again
    // Numbering starts over, and works.
    TestClient cc;
    QVERIFY(cc.join(port, u"cc"_s));
    cc.say(u"after"_s, u"2"_s);
    QTRY_COMPARE(bbAgain.count<Message>(), 1);
    QCOMPARE(bbAgain.last<Message>().seq, 1);
}

void tst_Cluster::redisAwayTenSecondsLosesNothingAcknowledged()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    TestClient aa, bb;
    aa.setAnswersPings(true);
    bb.setAnswersPings(true);
    QVERIFY(aa.join(first, u"aa"_s));
    QVERIFY(bb.join(second, u"bb"_s));
    aa.say(u"kept"_s, u"1"_s);
    QTRY_COMPARE(aa.count<Ack>(), 1);
    QTRY_COMPARE(bb.count<Message>(), 1);

    m_redis->stop();
    // While Redis is away a message is refused, not acknowledged and then lost.
    aa.say(u"refused"_s, u"2"_s);
    QTRY_VERIFY_WITH_TIMEOUT(aa.count<Error>() == 1, 5000);
    QCOMPARE(aa.last<Error>().code, ErrorCode::StoreFailed);
    QCOMPARE(aa.count<Ack>(), 1);
    // The outage itself: ten seconds in which no node can reach Redis.
    const QDeadlineTimer outage(10000);
    QVERIFY(QTest::qWaitFor([&] { return outage.hasExpired(); }, 11000));
    QVERIFY(m_redis->start()); // with its append-only file
    QVERIFY(aa.isConnected());
    QVERIFY(bb.isConnected());

    // Service resumes, with the numbering kept: nobody was taken for lost meanwhile.
    QVERIFY(QTest::qWaitFor(
            [&] {
                aa.say(u"again"_s, u"3"_s); // the same id each time: one message at most
                return QTest::qWaitFor([&] { return aa.count<Ack>() == 2; }, 1000);
            },
            15000));
    QTRY_COMPARE(bb.count<Message>(), 2);
    QCOMPARE(bb.last<Message>().text, u"again"_s);
    QVERIFY(bb.last<Message>().seq > aa.all<Ack>().constFirst().seq);
    QCOMPARE(aa.count<Left>(), 0);
    QCOMPARE(bb.count<Left>(), 0);
    QCOMPARE(bb.count<Shutdown>(), 0);
    TestClient cc;
    QVERIFY(cc.join(first, u"cc"_s));
    QCOMPARE(cc.last<Welcome>().history.constFirst().text, u"kept"_s);
}

void tst_Cluster::windowClientMovesToASurvivingNode()
{
    const quint16 first = startNode(0);
    const quint16 second = startNode(1);
    QVERIFY(first && second);
    ChatClient client;
    client.setReconnectDelays(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
    client.connectToServer(
            *ServerList::parse(u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(first).arg(second), 6789),
            u"aa"_s);
    QTRY_COMPARE(client.state(), ChatClient::State::Online);
    QSignalSpy joined(&client, &ChatClient::roomJoined);
    client.joinRoom(u"dev"_s);
    QTRY_COMPARE(joined.size(), 1);
    Conversation *dev = joined.at(0).at(0).value<Conversation *>();
    TestClient bb;
    bb.setProtocol(2);
    QVERIFY(bb.join(second, u"bb"_s));
    bb.send(Join { u"dev"_s, false, {} });
    QTRY_COMPARE(bb.count<RoomState>(), 2);
    auto texts = [dev] {
        QStringList found;
        for (int row = 0; row < dev->messages()->rowCount(); ++row)
            if (dev->messages()->entry(row).kind == MessageModel::Kind::Message)
                found.append(dev->messages()->entry(row).text);
        return found;
    };
    bb.sayIn(u"dev"_s, u"m1"_s, u"1"_s);
    QTRY_COMPARE(texts(), QStringList { u"m1"_s });

    // aa's node dies; bb goes on talking through the other one meanwhile.
    m_nodes[0].kill();
    bb.sayIn(u"dev"_s, u"m2"_s, u"2"_s);
    bb.sayIn(u"dev"_s, u"m3"_s, u"3"_s);
    // The client moves on; its nick is the lost node's until the cluster declares it lost.
    QTRY_COMPARE_WITH_TIMEOUT(client.serverIndex(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ChatClient::State::Online, 20000);
    QCOMPARE(client.findRoom(u"dev"_s), dev);
    // What it missed comes from the room's history, once and in order.
    QTRY_COMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s }));
    client.sendMessage(dev, u"back"_s);
    QTRY_COMPARE(bb.last<Message>().text, u"back"_s);
    QCOMPARE(texts(), QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"back"_s }));
}

QTEST_GUILESS_MAIN(tst_Cluster)
#include "tst_cluster.moc"
