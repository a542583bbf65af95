// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testaccounts.h"
#include "testclient.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

Q_DECLARE_METATYPE(Protocol::ErrorCode)
Q_DECLARE_METATYPE(ServerConfig::RoomCreation)

// Rooms over real sockets: membership that outlives connections, private rooms, kicks, read
// markers across restarts, the lobby for protocol-1 and plain-text clients, and the limits.
class tst_Rooms : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void helloWithoutRoomsIsInTheLobby();
    void aNewMemberIsPutInTheRoomsItsHelloNames();
    void messagesStayInTheirRoom();
    void membershipOutlivesTheConnection();
    void roomsMembersAndReadMarkersSurviveARestart();
    void privateRoomsAdmitOnlyTheInvited();
    void privateRoomsNeedAccounts();
    void theOwnerKicksFromARoom();
    void partEndsTheMembership();
    void plainTextClientsUseRooms();
    void protocolOneClientsStayInTheLobby();
    void limitsHaveClearErrors_data();
    void limitsHaveClearErrors();
    void onlyTheOwnerSetsTheTopic();
    void manyMembersAreCountedNotListed();
    void directConversationsHaveTheirOwnHistoryAndSearch_data();
    void greetingHistoryHasAByteBudget();
    void directConversationsAreListedWithTheirReadMarkers();
    void aTerminalKickedFromItsLastRoomIsBackInTheLobby();
    void aKickedMemberIsNotInvitedAgainAfterARestart();
    void theOwnerOfAPrivateRoomMayComeBack();
    void protocolOneClientsCannotUseRooms();
    void aRefusedSearchDoesNotBlockTheNext();
    void creatingAndPartingCannotFillTheServer();
    void lookalikeRoomNamesAreOneRoom();
    void directConversationsHaveTheirOwnHistoryAndSearch();

private:
    void start(ServerConfig config = {});
    void restart();
    TestClient *client();
    // Says a version-2 hello and waits for the welcome and one room frame per room it lists.
    TestClient *enter(const QString &nick, const QList<Hello::Position> &positions = {},
                      const QString &password = {});
    // Joins `room` and waits for its room frame; the frame.
    RoomState joinRoom(TestClient *member, const QString &room, bool isPrivate = false);
    // A ping answered proves everything sent to `member` before it has arrived.
    void settle(TestClient *member);
    static QList<Message> messagesIn(const TestClient *member, const QString &room);
    // Leave notices, alone or in a notices frame.
    static QList<Left> leftsOf(const TestClient *member);
    QString accountsWith(const QStringList &nicksAndPasswords);

    QTemporaryDir m_dir;
    ServerConfig m_config;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
    int m_pings = 0;
};

void tst_Rooms::init()
{
    QVERIFY(m_dir.isValid());
}

void tst_Rooms::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_Rooms::start(ServerConfig config)
{
    config.port = 0;
    m_config = config;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void tst_Rooms::restart()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
    start(m_config);
}

TestClient *tst_Rooms::client()
{
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    return client;
}

TestClient *tst_Rooms::enter(const QString &nick, const QList<Hello::Position> &positions,
                             const QString &password)
{
    TestClient *member = client();
    member->connectTo(m_server->serverPort());
    Hello hello;
    hello.nick = nick;
    hello.protocol = 2;
    hello.password = password;
    hello.rooms = positions;
    member->send(hello);
    const bool entered = QTest::qWaitFor(
            [member] {
                return member->count<Welcome>() == 1
                        && member->count<RoomState>() >= member->last<Welcome>().rooms.size();
            },
            5000);
    if (!entered)
        qWarning("%s did not get its welcome and rooms", qPrintable(nick));
    return member;
}

RoomState tst_Rooms::joinRoom(TestClient *member, const QString &room, bool isPrivate)
{
    const qsizetype before = member->count<RoomState>();
    member->send(Join { room, isPrivate, {} });
    if (!QTest::qWaitFor([&] { return member->count<RoomState>() > before; }, 5000))
        return {};
    return member->last<RoomState>();
}

void tst_Rooms::settle(TestClient *member)
{
    const QString token = QString::number(++m_pings);
    member->send(Ping { token });
    QTRY_VERIFY(!member->all<Pong>().isEmpty() && member->last<Pong>().token == token);
}

QList<Message> tst_Rooms::messagesIn(const TestClient *member, const QString &room)
{
    QList<Message> found;
    for (const Message &message : member->all<Message>()) {
        if (message.room == room)
            found.append(message);
    }
    return found;
}

QList<Left> tst_Rooms::leftsOf(const TestClient *member)
{
    QList<Left> lefts = member->all<Left>();
    for (const Notices &notices : member->all<Notices>()) {
        for (const auto &notice : notices.notices) {
            if (const auto *left = std::get_if<Left>(&notice))
                lefts.append(*left);
        }
    }
    return lefts;
}

QString tst_Rooms::accountsWith(const QStringList &nicksAndPasswords)
{
    return writeAccounts(m_dir.filePath(u"accounts"_s), nicksAndPasswords);
}

void tst_Rooms::helloWithoutRoomsIsInTheLobby()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    QCOMPARE(aa->last<Welcome>().rooms, QStringList { Lobby });
    QCOMPARE(aa->count<RoomState>(), 1);
    const RoomState lobby = aa->last<RoomState>();
    QCOMPARE(lobby.room, Lobby);
    QCOMPARE(lobby.members, QStringList { u"aa"_s });
    QCOMPARE(lobby.users, QStringList { u"aa"_s });
    QCOMPARE(lobby.epoch, aa->last<Welcome>().epoch);
}

void tst_Rooms::aNewMemberIsPutInTheRoomsItsHelloNames()
{
    start(); // no store: a restart forgets every membership
    TestClient *bb = enter(u"bb"_s);
    TestClient *aa = enter(u"aa"_s,
                           { { u"dev"_s, std::nullopt, {} },
                             { u"no good"_s, std::nullopt, {} },
                             { u"ops"_s, std::nullopt, {} } });
    QCOMPARE(aa->last<Welcome>().rooms, (QStringList { u"dev"_s, u"ops"_s }));
    QCOMPARE(aa->count<RoomState>(), 2);
    QCOMPARE(aa->last<RoomState>().owner, u"aa"_s);
    // The room it cannot have is refused after the greeting, the others are kept.
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::RoomInvalid);
    // Not in the lobby: what is said there does not reach it.
    joinRoom(bb, u"dev"_s);
    bb->say(u"lobby only"_s, u"1"_s);
    bb->sayIn(u"dev"_s, u"dev only"_s, u"2"_s);
    QTRY_COMPARE(messagesIn(aa, u"dev"_s).size(), 1);
    settle(aa);
    QCOMPARE(messagesIn(aa, Lobby).size(), 0);
    const qint64 seen = messagesIn(aa, u"dev"_s).constLast().seq;
    const QString epoch = aa->last<Welcome>().epoch;

    // A member of rooms already joins none by its hello: a room parted on another computer
    // stays parted.
    aa->send(Part { u"ops"_s, {} });
    QTRY_VERIFY(!leftsOf(aa).isEmpty());
    aa->send(Exit {});
    QTRY_VERIFY(aa->wasDisconnected());
    TestClient *again = enter(u"aa"_s, { { u"dev"_s, seen, epoch }, { u"ops"_s, seen, epoch } });
    QCOMPARE(again->last<Welcome>().rooms, QStringList { u"dev"_s });
    QCOMPARE(again->last<RoomState>().history.size(), 0);
    QVERIFY(!again->last<RoomState>().historyReset);

    // After a restart without a store the member is back in its rooms, told to forget numbers
    // from the other epoch.
    restart();
    TestClient *afterRestart = enter(u"aa"_s,
                                     { { u"dev"_s, seen, epoch }, { u"ops"_s, std::nullopt, {} } });
    QCOMPARE(afterRestart->last<Welcome>().rooms, (QStringList { u"dev"_s, u"ops"_s }));
    QVERIFY(afterRestart->all<RoomState>().constFirst().historyReset);
    QCOMPARE(afterRestart->count<Error>(), 0);
}

void tst_Rooms::messagesStayInTheirRoom()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    TestClient *cc = enter(u"cc"_s);
    const RoomState dev = joinRoom(aa, u"dev"_s);
    QCOMPARE(dev.room, u"dev"_s);
    QCOMPARE(dev.owner, u"aa"_s);
    QCOMPARE(joinRoom(bb, u"DEV"_s).room, u"dev"_s); // names are unique ignoring case
    QTRY_VERIFY(!aa->all<Joined>().isEmpty() && aa->last<Joined>().room == u"dev"_s);

    aa->sayIn(u"dev"_s, u"in dev"_s, u"1"_s);
    aa->say(u"in the lobby"_s, u"2"_s);
    QTRY_COMPARE(aa->count<Ack>(), 2);
    // Two rooms acknowledge each on its own: by id, not in order.
    QMap<QString, QString> ackedIn;
    for (const Ack &ack : aa->all<Ack>())
        ackedIn.insert(ack.id, ack.room);
    QCOMPARE(ackedIn, (QMap<QString, QString> { { u"1"_s, u"dev"_s }, { u"2"_s, Lobby } }));
    QTRY_COMPARE(bb->count<Message>(), 2);
    QCOMPARE(messagesIn(bb, u"dev"_s).size(), 1);
    QCOMPARE(messagesIn(bb, u"dev"_s).constFirst().text, u"in dev"_s);
    QTRY_COMPARE(cc->count<Message>(), 1);
    settle(cc);
    QCOMPARE(cc->last<Message>().room, Lobby);
    QVERIFY(messagesIn(cc, u"dev"_s).isEmpty());

    // A room one is not in can be neither written to nor read.
    cc->sayIn(u"dev"_s, u"let me in"_s, u"3"_s);
    QTRY_COMPARE(cc->count<Error>(), 1);
    QCOMPARE(cc->last<Error>().code, ErrorCode::NotAMember);
    cc->send(History { 1'000'000, 50, u"h"_s, u"dev"_s });
    QTRY_COMPARE(cc->count<Error>(), 2);
    QCOMPARE(cc->last<Error>().code, ErrorCode::NotAMember);
    cc->sayIn(u"nowhere"_s, u"hello?"_s, u"4"_s);
    QTRY_COMPARE(cc->count<Error>(), 3);
    QCOMPARE(cc->last<Error>().code, ErrorCode::NoSuchRoom);
    settle(bb);
    QCOMPARE(bb->count<Message>(), 2);

    // Search without a room looks in every room of the member; with one, only there.
    bb->send(Search { u"in"_s, u"all"_s, std::nullopt, {} });
    QTRY_COMPARE(bb->count<Results>(), 1);
    QCOMPARE(bb->last<Results>().messages.size(), 2);
    bb->send(Search { u"in"_s, u"one"_s, std::nullopt, u"dev"_s });
    QTRY_COMPARE(bb->count<Results>(), 2);
    QCOMPARE(bb->last<Results>().messages.size(), 1);
    QCOMPARE(bb->last<Results>().messages.constFirst().room, u"dev"_s);
    cc->send(Search { u"in"_s, u"cc"_s, std::nullopt, {} });
    QTRY_COMPARE(cc->count<Results>(), 1);
    QCOMPARE(cc->last<Results>().messages.size(), 1); // the lobby's only
}

void tst_Rooms::membershipOutlivesTheConnection()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    joinRoom(aa, u"dev"_s);
    joinRoom(bb, u"dev"_s);
    aa->sayIn(u"dev"_s, u"seen"_s, u"1"_s);
    QTRY_COMPARE(messagesIn(bb, u"dev"_s).size(), 1);
    const qint64 seenInDev = messagesIn(bb, u"dev"_s).constLast().seq;
    const QString epoch = bb->last<Welcome>().epoch;

    bb->send(Exit {});
    QTRY_VERIFY(bb->wasDisconnected());
    const auto leftDev = [aa] {
        const QList<Left> lefts = leftsOf(aa);
        return std::any_of(lefts.cbegin(), lefts.cend(), [](const Left &left) {
            return left.room == u"dev"_s && left.nick == u"bb"_s
                    && left.reason == LeaveReason::Exit;
        });
    };
    QTRY_VERIFY(leftDev());
    for (int i = 0; i < 3; ++i)
        aa->sayIn(u"dev"_s, u"missed %1"_s.arg(i), u"m%1"_s.arg(i));
    aa->say(u"missed in the lobby"_s, u"l"_s);
    QTRY_COMPARE(aa->count<Ack>(), 5);

    // Offline, bb is still a member: a newcomer to dev sees it among the members.
    TestClient *cc = enter(u"cc"_s);
    const RoomState dev = joinRoom(cc, u"dev"_s);
    QCOMPARE(dev.members, (QStringList { u"aa"_s, u"bb"_s, u"cc"_s }));
    QCOMPARE(dev.users.size(), 2);
    QVERIFY(!dev.users.contains(u"bb"_s));

    // Back, bb is in both rooms again and gets, per room, exactly what it missed.
    const qint64 seenInLobby = 0;
    TestClient *again = enter(u"bb"_s,
                              { { u"dev"_s, seenInDev, epoch }, { Lobby, seenInLobby, epoch } });
    QCOMPARE(again->last<Welcome>().rooms, (QStringList { Lobby, u"dev"_s }));
    const QList<RoomState> rooms = again->all<RoomState>();
    QCOMPARE(rooms.size(), 2);
    const RoomState &devAgain = rooms.at(0).room == u"dev"_s ? rooms.at(0) : rooms.at(1);
    const RoomState &lobbyAgain = rooms.at(0).room == u"dev"_s ? rooms.at(1) : rooms.at(0);
    QStringList texts;
    for (const Message &message : devAgain.history)
        texts.append(message.text);
    QCOMPARE(texts, (QStringList { u"missed 0"_s, u"missed 1"_s, u"missed 2"_s }));
    QVERIFY(!devAgain.historyTruncated && !devAgain.historyReset);
    QCOMPARE(lobbyAgain.history.size(), 1);
    QCOMPARE(lobbyAgain.history.constFirst().text, u"missed in the lobby"_s);
}

void tst_Rooms::roomsMembersAndReadMarkersSurviveARestart()
{
    ServerConfig config;
    config.storePath = m_dir.filePath(u"natter.sqlite"_s);
    start(config);
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    joinRoom(aa, u"dev"_s);
    joinRoom(bb, u"dev"_s);
    aa->send(SetTopic { u"dev"_s, u"shipping 2.0"_s, {} });
    QTRY_COMPARE(bb->count<TopicChanged>(), 1);
    QCOMPARE(bb->last<TopicChanged>().by, u"aa"_s);
    for (int i = 0; i < 4; ++i)
        aa->sayIn(u"dev"_s, u"dev %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(messagesIn(bb, u"dev"_s).size(), 4);
    const qint64 readUpTo = messagesIn(bb, u"dev"_s).at(1).seq;
    bb->send(MarkRead { u"dev"_s, readUpTo });
    bb->send(MarkRead { u"dev"_s, readUpTo - 1 }); // a marker never goes back
    settle(bb);

    restart();
    TestClient *back = enter(u"bb"_s);
    QCOMPARE(back->last<Welcome>().rooms, (QStringList { Lobby, u"dev"_s }));
    RoomState dev;
    for (const RoomState &state : back->all<RoomState>()) {
        if (state.room == u"dev"_s)
            dev = state;
    }
    QCOMPARE(dev.topic, u"shipping 2.0"_s);
    QCOMPARE(dev.owner, u"aa"_s);
    QCOMPARE(dev.read, readUpTo);
    QCOMPARE(dev.members, (QStringList { u"aa"_s, u"bb"_s }));
    QCOMPARE(dev.history.size(), 4);
    qsizetype unread = 0;
    for (const Message &message : dev.history)
        unread += message.seq > dev.read ? 1 : 0;
    QCOMPARE(unread, 2);
}

void tst_Rooms::privateRoomsAdmitOnlyTheInvited()
{
    ServerConfig config;
    config.accountsPath = accountsWith(
            { u"alice"_s, u"pw-a"_s, u"bob"_s, u"pw-b"_s, u"carol"_s, u"pw-c"_s });
    start(config);
    TestClient *alice = enter(u"alice"_s, {}, u"pw-a"_s);
    TestClient *bob = enter(u"bob"_s, {}, u"pw-b"_s);
    TestClient *carol = enter(u"carol"_s, {}, u"pw-c"_s);
    TestClient *guest = enter(u"guest"_s);
    const RoomState secret = joinRoom(alice, u"secret"_s, true);
    QVERIFY(secret.isPrivate);
    alice->sayIn(u"secret"_s, u"the plan"_s, u"1"_s);
    QTRY_COMPARE(alice->count<Ack>(), 1);

    bob->send(Join { u"secret"_s, false, u"j"_s });
    QTRY_COMPARE(bob->count<Error>(), 1);
    QCOMPARE(bob->last<Error>().code, ErrorCode::NotInvited);
    // The uninvited cannot read it, nor learn it is there.
    bob->send(History { 1'000'000, 50, u"h"_s, u"secret"_s });
    QTRY_COMPARE(bob->count<Error>(), 2);
    QCOMPARE(bob->last<Error>().code, ErrorCode::NoSuchRoom);
    bob->send(Search { u"plan"_s, u"s"_s, std::nullopt, u"secret"_s });
    QTRY_COMPARE(bob->count<Error>(), 3);
    QCOMPARE(bob->last<Error>().code, ErrorCode::NoSuchRoom);
    carol->send(ListRooms { {}, u"l"_s });
    QTRY_COMPARE(carol->count<RoomList>(), 1);
    for (const RoomSummary &room : carol->last<RoomList>().rooms)
        QVERIFY(room.room != u"secret"_s);

    // Only the owner invites.
    guest->send(Invite { u"secret"_s, u"guest"_s, u"i"_s });
    QTRY_COMPARE(guest->count<Error>(), 1);
    QCOMPARE(guest->last<Error>().code, ErrorCode::NoSuchRoom);
    alice->send(Invite { u"secret"_s, u"bob"_s, u"i"_s });
    QTRY_COMPARE(bob->count<Invited>(), 1);
    QCOMPARE(bob->last<Invited>().by, u"alice"_s);
    QTRY_COMPARE(alice->count<Invited>(), 1);
    bob->send(ListRooms { u"sec"_s, u"l2"_s });
    QTRY_COMPARE(bob->count<RoomList>(), 1);
    QCOMPARE(bob->last<RoomList>().rooms.size(), 1);
    QVERIFY(bob->last<RoomList>().rooms.constFirst().isPrivate);
    const RoomState joined = joinRoom(bob, u"secret"_s);
    QCOMPARE(joined.history.size(), 1);
    QCOMPARE(joined.history.constFirst().text, u"the plan"_s);
    settle(carol);
    QVERIFY(messagesIn(carol, u"secret"_s).isEmpty());
}

void tst_Rooms::privateRoomsNeedAccounts()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    aa->send(Join { u"hidden"_s, true, u"j"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::Forbidden);
    QVERIFY(aa->last<Error>().text.contains(u"only public rooms"_s));
    QCOMPARE(joinRoom(aa, u"open"_s).isPrivate, false);
}

void tst_Rooms::theOwnerKicksFromARoom()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    TestClient *cc = enter(u"cc"_s);
    joinRoom(aa, u"dev"_s);
    joinRoom(bb, u"dev"_s);
    joinRoom(cc, u"dev"_s);

    cc->send(Kick { u"bb"_s, {}, u"k1"_s, u"dev"_s });
    QTRY_COMPARE(cc->count<Error>(), 1);
    QCOMPARE(cc->last<Error>().code, ErrorCode::Forbidden);

    aa->send(Kick { u"bb"_s, u"off topic"_s, u"k2"_s, u"dev"_s });
    const auto kickedFromDev = [](const TestClient *member) {
        const QList<Left> lefts = leftsOf(member);
        return std::any_of(lefts.cbegin(), lefts.cend(), [](const Left &left) {
            return left.room == u"dev"_s && left.nick == u"bb"_s
                    && left.reason == LeaveReason::Kicked && left.by == u"aa"_s
                    && left.comment == u"off topic"_s;
        });
    };
    QTRY_VERIFY(kickedFromDev(bb));
    QTRY_VERIFY(kickedFromDev(cc));

    aa->sayIn(u"dev"_s, u"after the kick"_s, u"1"_s);
    QTRY_COMPARE(messagesIn(cc, u"dev"_s).size(), 1);
    settle(bb);
    QVERIFY(messagesIn(bb, u"dev"_s).isEmpty());
    bb->send(History { 1'000'000, 50, u"h"_s, u"dev"_s });
    QTRY_COMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::NotAMember);
    // Still on the server and in the lobby.
    bb->say(u"still here"_s, u"2"_s);
    QTRY_COMPARE(bb->count<Ack>(), 1);
    QVERIFY(bb->isConnected());
}

void tst_Rooms::partEndsTheMembership()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    joinRoom(aa, u"dev"_s);
    joinRoom(bb, u"dev"_s);
    bb->send(Part { u"dev"_s, {} });
    QTRY_VERIFY(!bb->all<Left>().isEmpty() && bb->last<Left>().reason == LeaveReason::Part);
    QCOMPARE(bb->last<Left>().room, u"dev"_s);
    QTRY_VERIFY(!leftsOf(aa).isEmpty() && leftsOf(aa).constLast().reason == LeaveReason::Part);
    aa->sayIn(u"dev"_s, u"gone?"_s, u"1"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    settle(bb);
    QVERIFY(messagesIn(bb, u"dev"_s).isEmpty());

    bb->send(Exit {});
    QTRY_VERIFY(bb->wasDisconnected());
    TestClient *again = enter(u"bb"_s);
    QCOMPARE(again->last<Welcome>().rooms, QStringList { Lobby });
}

void tst_Rooms::plainTextClientsUseRooms()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    joinRoom(aa, u"dev"_s);
    TestClient *terminal = client();
    terminal->connectTo(m_server->serverPort());
    terminal->sendLine("pp");
    QTRY_VERIFY(!terminal->lines().isEmpty());
    QVERIFY(terminal->lines().constFirst().startsWith("Welcome to Natter, pp!"));
    terminal->sendLine("/join #dev");
    QTRY_VERIFY(terminal->hasLine("Lines you type now go to #dev."));
    QVERIFY(std::any_of(terminal->lines().cbegin(), terminal->lines().cend(),
                        [](const QByteArray &line) { return line.startsWith("You are in #dev"); }));

    aa->sayIn(u"dev"_s, u"hi from dev"_s, u"1"_s);
    aa->say(u"hi from the lobby"_s, u"2"_s);
    QTRY_VERIFY(terminal->hasLine("[#dev] aa: hi from dev"));
    QTRY_VERIFY(terminal->hasLine("aa: hi from the lobby"));

    // What the terminal types goes to its current room.
    terminal->sendLine("typed in dev");
    QTRY_VERIFY(!messagesIn(aa, u"dev"_s).isEmpty()
                && messagesIn(aa, u"dev"_s).constLast().from == u"pp"_s);
    QCOMPARE(messagesIn(aa, u"dev"_s).constLast().text, u"typed in dev"_s);
    terminal->sendLine("/rooms");
    QTRY_VERIFY(terminal->hasLine("  #dev (2)"));
    terminal->sendLine("/part");
    QTRY_VERIFY(terminal->hasLine("[#dev] pp has left #dev."));
    terminal->sendLine("back in the lobby");
    QTRY_VERIFY(!messagesIn(aa, Lobby).isEmpty()
                && messagesIn(aa, Lobby).constLast().text == u"back in the lobby"_s);
}

void tst_Rooms::protocolOneClientsStayInTheLobby()
{
    start();
    TestClient *modern = enter(u"modern"_s);
    joinRoom(modern, u"dev"_s);
    auto *old = client();
    QVERIFY(old->join(m_server->serverPort(), u"old"_s)); // protocol 1
    const Welcome welcome = old->last<Welcome>();
    QCOMPARE(welcome.protocol, Version);
    QVERIFY(welcome.rooms.isEmpty());
    QCOMPARE(welcome.users, (QStringList { u"modern"_s, u"old"_s }));
    QCOMPARE(old->count<RoomState>(), 0);

    modern->sayIn(u"dev"_s, u"not for old"_s, u"1"_s);
    modern->say(u"for everyone"_s, u"2"_s);
    QTRY_COMPARE(old->count<Message>(), 1);
    settle(old);
    QCOMPARE(old->last<Message>().text, u"for everyone"_s);
    QVERIFY(!old->lines().constLast().contains("\"room\""));
    old->say(u"from the old client"_s, u"3"_s);
    QTRY_VERIFY(!messagesIn(modern, Lobby).isEmpty()
                && messagesIn(modern, Lobby).constLast().from == u"old"_s);
}

void tst_Rooms::limitsHaveClearErrors_data()
{
    QTest::addColumn<int>("perUser");
    QTest::addColumn<int>("rooms");
    QTest::addColumn<ServerConfig::RoomCreation>("creation");
    QTest::addColumn<QString>("name");
    QTest::addColumn<ErrorCode>("code");
    using Creation = ServerConfig::RoomCreation;
    // The lobby counts towards both limits.
    QTest::newRow("rooms per user")
            << 2 << 100 << Creation::Open << u"third"_s << ErrorCode::TooManyRooms;
    QTest::newRow("rooms on the server")
            << 100 << 2 << Creation::Open << u"third"_s << ErrorCode::TooManyRooms;
    QTest::newRow("operators only")
            << 100 << 100 << Creation::Operators << u"third"_s << ErrorCode::Forbidden;
    QTest::newRow("registered only")
            << 100 << 100 << Creation::Registered << u"third"_s << ErrorCode::Forbidden;
    QTest::newRow("a space") << 100 << 100 << Creation::Open << u"two words"_s
                             << ErrorCode::RoomInvalid;
    QTest::newRow("a hash") << 100 << 100 << Creation::Open << u"#dev"_s << ErrorCode::RoomInvalid;
    QTest::newRow("empty") << 100 << 100 << Creation::Open << QString() << ErrorCode::RoomInvalid;
    QTest::newRow("51 characters")
            << 100 << 100 << Creation::Open << u"x"_s.repeated(51) << ErrorCode::RoomInvalid;
}

void tst_Rooms::limitsHaveClearErrors()
{
    QFETCH(int, perUser);
    QFETCH(int, rooms);
    QFETCH(ServerConfig::RoomCreation, creation);
    QFETCH(QString, name);
    QFETCH(ErrorCode, code);
    ServerConfig config;
    config.maxRoomsPerUser = perUser;
    config.maxRooms = rooms;
    config.roomCreation = creation;
    start(config);
    TestClient *aa = enter(u"aa"_s);
    if (creation == ServerConfig::RoomCreation::Open)
        QCOMPARE(joinRoom(aa, u"second"_s).room, u"second"_s);
    aa->send(Join { name, false, u"j"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, code);
    QCOMPARE(aa->last<Error>().id, u"j"_s);
    QVERIFY(!aa->last<Error>().text.isEmpty());
    QVERIFY(aa->isConnected());
    // A room within the limits still works for someone else.
    TestClient *bb = enter(u"bb"_s);
    if (creation == ServerConfig::RoomCreation::Open)
        QCOMPARE(joinRoom(bb, u"second"_s).room, u"second"_s);
}

void tst_Rooms::onlyTheOwnerSetsTheTopic()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    joinRoom(aa, u"dev"_s);
    joinRoom(bb, u"dev"_s);
    bb->send(SetTopic { u"dev"_s, u"mine now"_s, u"t"_s });
    QTRY_COMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::Forbidden);
    aa->send(SetTopic { u"dev"_s, u"x"_s.repeated(MaxTopicLength + 1), u"t2"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::TextTooLong);
    aa->send(SetTopic { u"dev"_s, u"release week"_s, u"t3"_s });
    QTRY_COMPARE(bb->count<TopicChanged>(), 1);
    QCOMPARE(bb->last<TopicChanged>().topic, u"release week"_s);
    QCOMPARE(bb->last<TopicChanged>().room, u"dev"_s);
    // The lobby has no owner: only operators set its topic.
    aa->send(SetTopic { Lobby, u"welcome"_s, u"t4"_s });
    QTRY_COMPARE(aa->count<Error>(), 2);
    QCOMPARE(aa->last<Error>().code, ErrorCode::Forbidden);
}

void tst_Rooms::manyMembersAreCountedNotListed()
{
    ServerConfig config;
    config.announceLimit = 3;
    start(config);
    // Four members who came and went: few online, but too many members to list to everyone.
    for (const QString &nick : { u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s }) {
        TestClient *member = enter(nick);
        member->send(Exit {});
        QTRY_VERIFY(member->wasDisconnected());
    }
    TestClient *late = enter(u"late"_s);
    const RoomState lobby = late->last<RoomState>();
    QVERIFY(!lobby.membersListed);
    QCOMPARE(lobby.memberCount, 5);
    QVERIFY(lobby.usersListed);
    QCOMPARE(lobby.users, QStringList { u"late"_s });
}

void tst_Rooms::directConversationsHaveTheirOwnHistoryAndSearch_data()
{
    QTest::addColumn<bool>("stored");
    QTest::newRow("in memory") << false;
    QTest::newRow("in SQLite") << true;
}

void tst_Rooms::directConversationsHaveTheirOwnHistoryAndSearch()
{
    QFETCH(bool, stored);
    ServerConfig config;
    if (stored)
        config.storePath = m_dir.filePath(u"direct.sqlite"_s);
    start(config);
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    TestClient *cc = enter(u"cc"_s);
    aa->say(u"to bb one"_s, u"1"_s, u"bb"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1); // one order for the two senders
    bb->say(u"to aa two"_s, u"2"_s, u"aa"_s);
    QTRY_COMPARE(bb->count<Ack>(), 1);
    aa->say(u"to bb three"_s, u"3"_s, u"BB"_s);
    aa->say(u"to cc"_s, u"4"_s, u"cc"_s);
    aa->say(u"to everyone"_s, u"5"_s);
    QTRY_COMPARE(aa->count<Ack>(), 4);
    QTRY_COMPARE(bb->count<Ack>(), 1);

    const auto texts = [](const QList<Message> &messages) {
        QStringList result;
        for (const Message &message : messages)
            result.append(message.text);
        return result;
    };
    bb->send(History { 1'000'000, 50, u"h1"_s, u"@aa"_s });
    QTRY_COMPARE(bb->count<Results>(), 1);
    QCOMPARE(texts(bb->last<Results>().messages),
             (QStringList { u"to bb one"_s, u"to aa two"_s, u"to bb three"_s }));
    aa->send(History { 1'000'000, 2, u"h2"_s, u"@BB"_s });
    QTRY_COMPARE(aa->count<Results>(), 1);
    QCOMPARE(texts(aa->last<Results>().messages),
             (QStringList { u"to aa two"_s, u"to bb three"_s }));
    // Someone else's conversation is empty to cc: it has none with bb.
    cc->send(History { 1'000'000, 50, u"h3"_s, u"@bb"_s });
    QTRY_COMPARE(cc->count<Results>(), 1);
    QVERIFY(cc->last<Results>().messages.isEmpty());

    bb->send(Search { u"to"_s, u"s1"_s, std::nullopt, u"@aa"_s });
    QTRY_COMPARE(bb->count<Results>(), 2);
    QCOMPARE(texts(bb->last<Results>().messages),
             (QStringList { u"to bb one"_s, u"to aa two"_s, u"to bb three"_s }));
    cc->send(Search { u"to"_s, u"s2"_s, std::nullopt, u"@aa"_s });
    QTRY_COMPARE(cc->count<Results>(), 2);
    QCOMPARE(texts(cc->last<Results>().messages), QStringList { u"to cc"_s });

    // The welcome lists the conversations, newest first.
    bb->send(Exit {});
    QTRY_VERIFY(bb->wasDisconnected());
    TestClient *bbAgain = enter(u"bb"_s);
    const QList<Welcome::Direct> direct = bbAgain->last<Welcome>().direct;
    QCOMPARE(direct.size(), 1);
    QCOMPARE(direct.constFirst().nick, u"aa"_s);
    QCOMPARE(direct.constFirst().read, 0);
    aa->send(Exit {});
    QTRY_VERIFY(aa->wasDisconnected());
    const QList<Welcome::Direct> ofAa = enter(u"aa"_s)->last<Welcome>().direct;
    QCOMPARE(ofAa.size(), 2);
    QCOMPARE(ofAa.at(0).nick, u"cc"_s);
    QCOMPARE(ofAa.at(1).nick, u"bb"_s);
}

void tst_Rooms::greetingHistoryHasAByteBudget()
{
    ServerConfig config;
    config.rate = 0; // the sender fills the history in one go
    start(config);
    TestClient *aa = enter(u"aa"_s);
    joinRoom(aa, u"dev"_s);
    const QString longest = u"x"_s.repeated(MaxTextLength);
    for (int i = 0; i < 200; ++i)
        aa->sayIn(u"dev"_s, longest, QString::number(i));
    aa->sayIn(u"dev"_s, u"the newest"_s, u"last"_s);
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Ack>(), 201, 10000);

    // 200 long messages are 2.4 MB of history: a newcomer gets the newest that fit in the
    // budget, is told some were left out, and pages back for the others.
    TestClient *bb = enter(u"bb"_s);
    const RoomState dev = joinRoom(bb, u"dev"_s);
    QVERIFY2(dev.history.size() > 10 && dev.history.size() < 40,
             qPrintable(QString::number(dev.history.size())));
    QVERIFY(dev.historyTruncated);
    QCOMPARE(dev.history.constLast().text, u"the newest"_s);
    bb->send(History { dev.history.constFirst().seq, 50, u"older"_s, u"dev"_s });
    QTRY_COMPARE(bb->count<Results>(), 1);
    QCOMPARE(bb->last<Results>().messages.size(), 50);
    QVERIFY(bb->last<Results>().messages.constLast().seq < dev.history.constFirst().seq);

    // Short messages all fit, as before.
    TestClient *cc = enter(u"cc"_s);
    joinRoom(cc, u"quiet"_s);
    for (int i = 0; i < 100; ++i)
        cc->sayIn(u"quiet"_s, u"short %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(cc->count<Ack>(), 100);
    const RoomState quiet = joinRoom(bb, u"quiet"_s);
    QCOMPARE(quiet.history.size(), 100);
    QVERIFY(!quiet.historyTruncated);
}

void tst_Rooms::directConversationsAreListedWithTheirReadMarkers()
{
    ServerConfig config;
    config.storePath = m_dir.filePath(u"natter.sqlite"_s);
    start(config);
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    TestClient *cc = enter(u"cc"_s);
    aa->say(u"to bb"_s, u"1"_s, u"bb"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    cc->say(u"to bb from cc"_s, u"2"_s, u"bb"_s);
    QTRY_COMPARE(cc->count<Ack>(), 1);
    cc->say(u"again"_s, u"3"_s, u"bb"_s);
    QTRY_COMPARE(cc->count<Ack>(), 2);
    QTRY_COMPARE(bb->count<Message>(), 3);
    const qint64 fromAa = bb->all<Message>().at(0).seq;
    const qint64 firstFromCc = cc->all<Ack>().at(0).seq;
    const qint64 lastFromCc = cc->all<Ack>().at(1).seq;
    bb->send(MarkRead { u"@aa"_s, fromAa });
    bb->send(MarkRead { u"@cc"_s, firstFromCc });
    settle(bb);

    restart();
    TestClient *back = enter(u"bb"_s);
    const QList<Welcome::Direct> direct = back->last<Welcome>().direct;
    QCOMPARE(direct.size(), 2);
    QCOMPARE(direct.at(0).nick, u"cc"_s); // newest first
    QCOMPARE(direct.at(0).seq, lastFromCc);
    QCOMPARE(direct.at(0).read, firstFromCc); // one unread
    QCOMPARE(direct.at(1).nick, u"aa"_s);
    QCOMPARE(direct.at(1).read, fromAa); // all read
    TestClient *outsider = enter(u"dd"_s);
    QVERIFY(outsider->last<Welcome>().direct.isEmpty());
}

void tst_Rooms::aTerminalKickedFromItsLastRoomIsBackInTheLobby()
{
    start();
    TestClient *owner = enter(u"owner"_s);
    joinRoom(owner, u"dev"_s);
    TestClient *terminal = client();
    terminal->connectTo(m_server->serverPort());
    terminal->sendLine("pp");
    QTRY_VERIFY(!terminal->lines().isEmpty());
    terminal->sendLine("/join dev");
    QTRY_VERIFY(terminal->hasLine("Lines you type now go to #dev."));
    terminal->sendLine("/part lobby");
    QTRY_VERIFY(terminal->hasLine("pp has left #lobby."));
    owner->send(Kick { u"pp"_s, {}, u"k"_s, u"dev"_s });
    QTRY_VERIFY(terminal->hasLine("[#dev] pp was removed from #dev."));
    // Its only room gone, the terminal is put back in the lobby and told so (a /who here
    // crashed the server).
    QTRY_VERIFY(terminal->hasLine("Lines you type now go to #lobby."));
    terminal->sendLine("/who");
    QTRY_VERIFY(std::any_of(terminal->lines().cbegin(), terminal->lines().cend(),
                            [](const QByteArray &line) { return line.startsWith("Online now"); }));
    terminal->sendLine("still talking");
    QTRY_VERIFY(!messagesIn(owner, Lobby).isEmpty()
                && messagesIn(owner, Lobby).constLast().text == u"still talking"_s);
}

void tst_Rooms::aKickedMemberIsNotInvitedAgainAfterARestart()
{
    ServerConfig config;
    config.storePath = m_dir.filePath(u"natter.sqlite"_s);
    config.accountsPath = accountsWith({ u"alice"_s, u"pw-a"_s, u"bob"_s, u"pw-b"_s });
    start(config);
    TestClient *alice = enter(u"alice"_s, {}, u"pw-a"_s);
    TestClient *bob = enter(u"bob"_s, {}, u"pw-b"_s);
    joinRoom(alice, u"secret"_s, true);
    alice->send(Invite { u"secret"_s, u"bob"_s, u"i"_s });
    QTRY_COMPARE(bob->count<Invited>(), 1);
    QCOMPARE(joinRoom(bob, u"secret"_s).room, u"secret"_s);
    alice->send(Kick { u"bob"_s, u"out"_s, u"k"_s, u"secret"_s });
    QTRY_VERIFY(!leftsOf(bob).isEmpty() && leftsOf(bob).constLast().reason == LeaveReason::Kicked);
    alice->sayIn(u"secret"_s, u"after bob left"_s, u"1"_s);
    QTRY_COMPARE(alice->count<Ack>(), 1);

    restart();
    TestClient *bobAgain = enter(u"bob"_s, {}, u"pw-b"_s);
    bobAgain->send(Join { u"secret"_s, false, u"j"_s });
    QTRY_COMPARE(bobAgain->count<Error>(), 1);
    QCOMPARE(bobAgain->last<Error>().code, ErrorCode::NotInvited);
    QCOMPARE(bobAgain->count<RoomState>(), 1); // the lobby's only
}

void tst_Rooms::theOwnerOfAPrivateRoomMayComeBack()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"pw-a"_s });
    start(config);
    TestClient *alice = enter(u"alice"_s, {}, u"pw-a"_s);
    joinRoom(alice, u"secret"_s, true);
    alice->send(Part { u"secret"_s, u"p"_s });
    QTRY_VERIFY(!leftsOf(alice).isEmpty() && leftsOf(alice).constLast().room == u"secret"_s);
    QCOMPARE(joinRoom(alice, u"secret"_s).room, u"secret"_s);
    QCOMPARE(alice->count<Error>(), 0);
}

void tst_Rooms::protocolOneClientsCannotUseRooms()
{
    ServerConfig config;
    config.maxRoomsPerUser = 2;
    start(config);
    auto *old = client();
    QVERIFY(old->join(m_server->serverPort(), u"old"_s)); // protocol 1
    old->send(Join { u"room0"_s, false, u"j"_s });
    QTRY_COMPARE(old->count<Error>(), 1);
    QCOMPARE(old->last<Error>().code, ErrorCode::UnsupportedProtocol);
    QCOMPARE(old->count<RoomState>(), 0);
    old->send(ListRooms { {}, u"l"_s });
    QTRY_COMPARE(old->count<Error>(), 2);
    QCOMPARE(old->count<RoomList>(), 0);
    settle(old);
    QCOMPARE(old->count<Invited>(), 0);
}

void tst_Rooms::aRefusedSearchDoesNotBlockTheNext()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    aa->say(u"findable words"_s, u"1"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    aa->send(Search { u"findable"_s, u"s1"_s, std::nullopt, u"nosuch"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::NoSuchRoom);
    aa->send(Search { u"findable"_s, u"s2"_s, std::nullopt, {} });
    QTRY_COMPARE(aa->count<Results>(), 1);
    QCOMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Results>().messages.size(), 1);
}

void tst_Rooms::creatingAndPartingCannotFillTheServer()
{
    ServerConfig config;
    config.maxRoomsPerUser = 3;
    config.maxRooms = 6;
    start(config);
    TestClient *aa = enter(u"aa"_s);
    for (int i = 0; i < 3; ++i) {
        const QString name = u"junk%1"_s.arg(i);
        QCOMPARE(joinRoom(aa, name).room, name);
        aa->send(Part { name, {} });
        QTRY_VERIFY(!leftsOf(aa).isEmpty() && leftsOf(aa).constLast().room == name);
    }
    // Three rooms created: a fourth is refused, though aa is in none of them now.
    aa->send(Join { u"junk3"_s, false, u"j"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::TooManyRooms);
    // Someone else still creates one.
    TestClient *bb = enter(u"bb"_s);
    QCOMPARE(joinRoom(bb, u"mine"_s).room, u"mine"_s);
}

void tst_Rooms::lookalikeRoomNamesAreOneRoom()
{
    start();
    TestClient *aa = enter(u"aa"_s);
    TestClient *bb = enter(u"bb"_s);
    joinRoom(aa, u"dev"_s);
    // Fullwidth letters are the same room, under the name it was created with.
    QCOMPARE(joinRoom(bb, u"\uFF44\uFF45\uFF56"_s).room, u"dev"_s);
    // A name mixing scripts is refused: it could only be meant to look like another.
    bb->send(Join { u"l\u043Ebby"_s, false, u"j"_s });
    QTRY_COMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::RoomInvalid);
    // The lobby in fullwidth letters is the lobby, which bb is in already.
    bb->send(Join { u"\uFF4C\uFF4F\uFF42\uFF42\uFF59"_s, false, u"j2"_s });
    QTRY_COMPARE(bb->count<Error>(), 2);
    QVERIFY(bb->last<Error>().text.contains(u"#lobby"_s));
}

NATTER_SERVER_TEST_MAIN(tst_Rooms)
#include "tst_rooms.moc"
