// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "ircclient.h"
#include "servertestmain.h"
#include "testaccounts.h"
#include "testclient.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// Nick changes and away status over real sockets, on every face: the JSON frames and their
// refusals, the plain-text commands, IRC's NICK and AWAY with their numerics, and between faces.
class tst_NickAway : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void renameIsAnsweredAndAnnouncedOnce();
    void renamedMemberKeepsItsRooms();
    void renameRefusals();
    void registeredNickNeedsItsPassword();
    void awayIsAnnouncedAndInTheGreeting();
    void plainTextNickAndAway();
    void ircNickChangeReachesEveryFace();
    void ircAwayNumericsAndAwayNotify();

private:
    void start(ServerConfig config = {});
    TestClient *natterClient(const QString &nick, const QStringList &rooms = {},
                             const QString &password = {});
    TestClient *terminal(const QString &nick);
    IrcClient *ircClient();
    // A ping answered proves that the server has written everything it wrote before.
    static bool settle(TestClient *client);

    std::unique_ptr<ChatServer> m_server;
    QList<QObject *> m_clients;
};

void tst_NickAway::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_NickAway::start(ServerConfig config)
{
    config.port = 0;
    config.ircPort = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

TestClient *tst_NickAway::natterClient(const QString &nick, const QStringList &rooms,
                                       const QString &password)
{
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    Hello hello;
    hello.nick = nick;
    hello.protocol = 2;
    hello.password = password;
    for (const QString &room : rooms)
        hello.rooms.append({ room, std::nullopt, {} });
    client->send(hello);
    const qsizetype expected = rooms.isEmpty() ? 1 : rooms.size();
    if (!QTest::qWaitFor([&] { return client->count<RoomState>() >= expected; }, 5000))
        qWarning("%s got no room frames", qPrintable(nick));
    return client;
}

TestClient *tst_NickAway::terminal(const QString &nick)
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    client->sendLine(nick.toUtf8());
    if (!QTest::qWaitFor([&] { return !client->lines().isEmpty(); }, 5000))
        qWarning("%s got no welcome", qPrintable(nick));
    return client;
}

IrcClient *tst_NickAway::ircClient()
{
    auto *client = new IrcClient(m_server->ircPort());
    m_clients.append(client);
    return client;
}

bool tst_NickAway::settle(TestClient *client)
{
    static int pings = 0;
    const QString token = u"settle%1"_s.arg(++pings);
    client->send(Ping { token });
    return QTest::qWaitFor(
            [&] {
                const QList<Pong> pongs = client->all<Pong>();
                return std::any_of(pongs.cbegin(), pongs.cend(),
                                   [&](const Pong &pong) { return pong.token == token; });
            },
            5000);
}

void tst_NickAway::renameIsAnsweredAndAnnouncedOnce()
{
    start();
    TestClient *aa = natterClient(u"aa"_s, { u"lobby"_s, u"dev"_s });
    TestClient *bb = natterClient(u"bb"_s, { u"lobby"_s, u"dev"_s });
    TestClient *cc = natterClient(u"cc"_s, { u"other"_s });
    QTRY_VERIFY(!aa->all<Joined>().isEmpty());

    aa->send(ChangeNick { u"zz"_s, {}, u"n1"_s });
    // The renamer's answer carries its request's id.
    QTRY_COMPARE(aa->count<Renamed>(), 1);
    QCOMPARE(aa->last<Renamed>().from, u"aa"_s);
    QCOMPARE(aa->last<Renamed>().to, u"zz"_s);
    QCOMPARE(aa->last<Renamed>().id, u"n1"_s);
    QCOMPARE(aa->last<Renamed>().text, u"aa is now known as zz."_s);
    // bb shares two rooms with it and is told once; cc shares none and is not told.
    QTRY_COMPARE(bb->count<Renamed>(), 1);
    QCOMPARE(bb->last<Renamed>().from, u"aa"_s);
    QCOMPARE(bb->last<Renamed>().to, u"zz"_s);
    QVERIFY(bb->last<Renamed>().id.isEmpty());
    QVERIFY(settle(bb));
    QVERIFY(settle(cc));
    QCOMPARE(bb->count<Renamed>(), 1);
    QCOMPARE(cc->count<Renamed>(), 0);

    // Messages come from the new nick; the old one is free for anyone.
    aa->sayIn(u"dev"_s, u"renamed"_s, u"m1"_s);
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    QCOMPARE(bb->last<Message>().from, u"zz"_s);
    // The memberships went with the rename: a newcomer called aa is a member of nothing yet.
    TestClient *newcomer = natterClient(u"aa"_s);
    QCOMPARE(newcomer->count<RoomState>(), 1);
    QCOMPARE(newcomer->last<RoomState>().room, u"lobby"_s);
    QVERIFY(newcomer->last<RoomState>().users.contains(u"zz"_s));
    QCOMPARE(newcomer->last<RoomState>().users.count(u"aa"_s), 1); // the newcomer itself
}

void tst_NickAway::renamedMemberKeepsItsRooms()
{
    start();
    TestClient *aa = natterClient(u"aa"_s, { u"lobby"_s, u"dev"_s });
    aa->send(ChangeNick { u"zz"_s, {}, u"n1"_s });
    QTRY_COMPARE(aa->count<Renamed>(), 1);
    // A newcomer to #dev sees zz online there and as a member.
    TestClient *dd = natterClient(u"dd"_s, { u"dev"_s });
    const RoomState dev = dd->last<RoomState>();
    QCOMPARE(dev.room, u"dev"_s);
    QVERIFY2(dev.users.contains(u"zz"_s), qPrintable(dev.users.join(u',')));
    QVERIFY(!dev.users.contains(u"aa"_s));
    QVERIFY2(dev.members.contains(u"zz"_s), qPrintable(dev.members.join(u',')));
    QVERIFY(!dev.members.contains(u"aa"_s));
    // zz is still in both rooms under its new nick.
    aa->sayIn(u"dev"_s, u"still here"_s, u"m1"_s);
    QTRY_VERIFY(!dd->all<Message>().isEmpty());
    QCOMPARE(dd->last<Message>().from, u"zz"_s);
    QTRY_VERIFY(!aa->all<Ack>().isEmpty());
    QCOMPARE(aa->last<Ack>().room, u"dev"_s);
}

void tst_NickAway::renameRefusals()
{
    start();
    TestClient *aa = natterClient(u"aa"_s);
    TestClient *bb = natterClient(u"bb"_s);
    QVERIFY(bb->isConnected());

    auto refusal = [aa](const QString &nick, const QString &id) {
        aa->send(ChangeNick { nick, {}, id });
        if (!QTest::qWaitFor(
                    [&] {
                        const QList<Error> errors = aa->all<Error>();
                        return !errors.isEmpty() && errors.constLast().id == id;
                    },
                    5000))
            return Error { ErrorCode::BadFrame, u"no answer"_s, {} };
        return aa->last<Error>();
    };
    QCOMPARE(refusal(u"no!good"_s, u"n1"_s).code, ErrorCode::NickInvalid);
    QCOMPARE(refusal(u"\u0430a"_s, u"n2"_s).code, ErrorCode::NickInvalid); // Cyrillic and Latin
    QCOMPARE(refusal(u"bb"_s, u"n3"_s).code, ErrorCode::NickTaken);
    // By the confusable skeleton: fullwidth and Cyrillic lookalikes of bb are bb.
    const Error lookalike = refusal(u"\uff42\uff42"_s, u"n4"_s);
    QCOMPARE(lookalike.code, ErrorCode::NickTaken);
    QVERIFY2(lookalike.text.contains(u"looks like bb"_s), qPrintable(lookalike.text));
    QCOMPARE(refusal(u"aa"_s, u"n5"_s).code, ErrorCode::BadFrame);
    QCOMPARE(aa->count<Renamed>(), 0);
    QVERIFY(aa->isConnected());

    // A new spelling of one's own nick is no one else's.
    aa->send(ChangeNick { u"AA"_s, {}, u"n6"_s });
    QTRY_COMPARE(aa->count<Renamed>(), 1);
    QCOMPARE(aa->last<Renamed>().to, u"AA"_s);

    // Before hello there is nobody to rename.
    TestClient early;
    early.connectTo(m_server->serverPort());
    early.send(ChangeNick { u"ee"_s, {}, u"n7"_s });
    QTRY_COMPARE(early.count<Error>(), 1);
    QCOMPARE(early.last<Error>().code, ErrorCode::NotRegistered);
}

void tst_NickAway::registeredNickNeedsItsPassword()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    config.accountsPath = writeAccounts(dir.filePath(u"accounts"_s),
                                        { u"rr"_s, u"secret"_s, u"oo"_s, u"pw"_s });
    start(config);
    TestClient *aa = natterClient(u"aa"_s);
    QCOMPARE(aa->count<RoomState>(), 1);

    aa->send(ChangeNick { u"rr"_s, {}, u"n1"_s });
    QTRY_COMPARE(aa->count<Error>(), 1);
    QCOMPARE(aa->last<Error>().code, ErrorCode::AuthRequired);
    QCOMPARE(aa->last<Error>().id, u"n1"_s);
    // A lookalike of a registered nick needs that nick's password too.
    aa->send(ChangeNick { u"RR"_s, {}, u"n2"_s });
    QTRY_COMPARE(aa->count<Error>(), 2);
    QCOMPARE(aa->last<Error>().code, ErrorCode::AuthRequired);

    // A wrong password is refused after the delay; the connection stays, as aa.
    aa->send(ChangeNick { u"rr"_s, u"wrong"_s, u"n3"_s });
    QTRY_COMPARE_WITH_TIMEOUT(aa->count<Error>(), 3, 10000);
    QCOMPARE(aa->last<Error>().code, ErrorCode::AuthFailed);
    QCOMPARE(aa->last<Error>().id, u"n3"_s);
    QVERIFY(aa->isConnected());
    QCOMPARE(aa->count<Renamed>(), 0);

    aa->send(ChangeNick { u"rr"_s, u"secret"_s, u"n4"_s });
    QTRY_COMPARE(aa->count<Renamed>(), 1);
    QCOMPARE(aa->last<Renamed>().to, u"rr"_s);
    // Its own account it may come back to without the password again.
    aa->send(ChangeNick { u"guest"_s, {}, u"n5"_s });
    QTRY_COMPARE(aa->count<Renamed>(), 2);
    aa->send(ChangeNick { u"rr"_s, {}, u"n6"_s });
    QTRY_COMPARE(aa->count<Renamed>(), 3);
    QCOMPARE(aa->last<Renamed>().to, u"rr"_s);
}

void tst_NickAway::awayIsAnnouncedAndInTheGreeting()
{
    start();
    TestClient *aa = natterClient(u"aa"_s, { u"lobby"_s, u"dev"_s });
    TestClient *bb = natterClient(u"bb"_s, { u"lobby"_s, u"dev"_s });
    QVERIFY(bb->isConnected());

    bb->send(SetAway { u"lunch"_s, u"a1"_s });
    QTRY_COMPARE(bb->count<AwayChanged>(), 1);
    QCOMPARE(bb->last<AwayChanged>().nick, u"bb"_s);
    QCOMPARE(bb->last<AwayChanged>().reason, u"lunch"_s);
    QCOMPARE(bb->last<AwayChanged>().id, u"a1"_s);
    QTRY_COMPARE(aa->count<AwayChanged>(), 1); // once, though they share two rooms
    QCOMPARE(aa->last<AwayChanged>().nick, u"bb"_s);
    QCOMPARE(aa->last<AwayChanged>().reason, u"lunch"_s);

    // Whoever comes later sees it in the room's greeting.
    TestClient *cc = natterClient(u"cc"_s, { u"dev"_s });
    QCOMPARE(cc->last<RoomState>().away.value(u"bb"_s), u"lunch"_s);
    QVERIFY(!cc->last<RoomState>().away.contains(u"aa"_s));
    TestClient version1;
    version1.connectTo(m_server->serverPort());
    version1.hello(u"v1"_s);
    QTRY_COMPARE(version1.count<Welcome>(), 1);
    QCOMPARE(version1.last<Welcome>().away.value(u"bb"_s), u"lunch"_s);

    // Without a reason, back.
    bb->send(SetAway { {}, u"a2"_s });
    QTRY_COMPARE(aa->count<AwayChanged>(), 2);
    QVERIFY(!aa->last<AwayChanged>().isAway());
    QTRY_COMPARE(cc->count<AwayChanged>(), 1);

    bb->send(SetAway { QString(MaxAwayLength + 1, u'x'), u"a3"_s });
    QTRY_COMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::TextTooLong);
    QCOMPARE(bb->last<Error>().id, u"a3"_s);
}

void tst_NickAway::plainTextNickAndAway()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    TestClient *tt = terminal(u"tt"_s);
    QTRY_VERIFY(!bb->all<Joined>().isEmpty());

    tt->sendLine("/nick uu");
    QTRY_VERIFY(tt->hasLine("tt is now known as uu."));
    QTRY_COMPARE(bb->count<Renamed>(), 1);
    QCOMPARE(bb->last<Renamed>().to, u"uu"_s);

    bb->send(ChangeNick { u"b2"_s, {}, u"n1"_s });
    QTRY_VERIFY(tt->hasLine("bb is now known as b2."));

    tt->sendLine("/nick b2");
    QTRY_VERIFY(tt->hasLine("Error: The nickname b2 is taken; choose another."));
    tt->sendLine("/nick");
    QTRY_VERIFY(tt->hasLine("Error: Usage: /nick NICK [PASSWORD]"));

    tt->sendLine("/away lunch");
    QTRY_VERIFY(tt->hasLine("You are away: lunch"));
    QTRY_COMPARE(bb->count<AwayChanged>(), 1);
    QCOMPARE(bb->last<AwayChanged>().nick, u"uu"_s);
    tt->sendLine("/who");
    QTRY_VERIFY(tt->hasLine("Online now (2): b2, uu (away: lunch)."));
    bb->send(SetAway { u"meeting"_s, {} });
    QTRY_VERIFY(tt->hasLine("b2 is away: meeting"));
    tt->sendLine("/away");
    QTRY_VERIFY(tt->hasLine("You are back."));
    QTRY_COMPARE(bb->count<AwayChanged>(), 3);
    QVERIFY(!bb->last<AwayChanged>().isAway());
}

void tst_NickAway::ircNickChangeReachesEveryFace()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    IrcClient *dd = ircClient();
    QVERIFY(dd->registerAs(u"dd"_s));
    aa->send("JOIN #dev");
    dd->send("JOIN #dev");
    QVERIFY(aa->waitFor(u" 366 aa #dev :"_s));
    QVERIFY(dd->waitFor(u" 366 dd #dev :"_s));

    aa->send("NICK bb");
    QVERIFY(aa->waitFor(u":natter 433 aa bb :"_s));
    aa->send("NICK no!good");
    QVERIFY(aa->waitFor(u":natter 432 aa no!good :"_s));

    aa->send("NICK cc");
    QVERIFY(aa->waitFor(u":aa!aa@natter NICK :cc"_s));
    // The JSON client in the lobby sees the IRC user's new nick.
    QTRY_COMPARE(bb->count<Renamed>(), 1);
    QCOMPARE(bb->last<Renamed>().from, u"aa"_s);
    QCOMPARE(bb->last<Renamed>().to, u"cc"_s);
    // Another IRC client sharing two channels with it is told once.
    QVERIFY(dd->waitFor(u":aa!aa@natter NICK :cc"_s));
    dd->settle();
    QCOMPARE(dd->linesWith(u" NICK :cc"_s).size(), 1);

    // The numerics now name the new nick, and it is the one online.
    aa->send("WHOIS cc");
    QVERIFY(aa->waitFor(u":natter 311 cc cc cc natter * :cc"_s));
    bb->send(ChangeNick { u"b2"_s, {}, {} });
    QVERIFY(aa->waitFor(u":bb!bb@natter NICK :b2"_s));
    aa->send("PRIVMSG b2 :hi");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    QCOMPARE(bb->last<Message>().from, u"cc"_s);
    QCOMPARE(bb->last<Message>().to, u"b2"_s);
}

void tst_NickAway::ircAwayNumericsAndAwayNotify()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s, "away-notify"));
    IrcClient *dd = ircClient();
    QVERIFY(dd->registerAs(u"dd"_s));

    // A JSON user goes away: an IRC client with away-notify is told, one without is not.
    bb->send(SetAway { u"lunch"_s, u"a1"_s });
    QVERIFY(aa->waitFor(u":bb!bb@natter AWAY :lunch"_s));
    dd->settle();
    QVERIFY(dd->linesWith(u"bb@natter AWAY"_s).isEmpty());

    aa->send("WHOIS bb");
    QVERIFY(aa->waitFor(u":natter 301 aa bb :lunch"_s));
    QVERIFY(aa->waitFor(u":natter 318 aa bb :"_s));
    aa->clear();
    aa->send("PRIVMSG bb :are you there?");
    QCOMPARE(aa->line(u" 301 aa bb "_s), u":natter 301 aa bb :lunch"_s);
    QTRY_VERIFY(!bb->all<Message>().isEmpty()); // delivered all the same
    aa->send("WHO #lobby");
    QVERIFY(aa->waitFor(u" 315 aa #lobby :"_s));
    const QString bbLine = aa->line(u" 352 aa #lobby bb "_s);
    const QString aaLine = aa->line(u" 352 aa #lobby aa "_s);
    QVERIFY2(bbLine.contains(u" bb G :0 bb"_s), qPrintable(bbLine));
    QVERIFY2(aaLine.contains(u" aa H :0 aa"_s), qPrintable(aaLine));

    // The IRC user's own AWAY: 306 and 305, and the JSON client sees it.
    aa->send("AWAY :brb");
    QVERIFY(aa->waitFor(u":natter 306 aa :"_s));
    QTRY_COMPARE(bb->count<AwayChanged>(), 2); // its own answer, then aa's
    QCOMPARE(bb->last<AwayChanged>().nick, u"aa"_s);
    QCOMPARE(bb->last<AwayChanged>().reason, u"brb"_s);
    aa->send("AWAY");
    QVERIFY(aa->waitFor(u":natter 305 aa :"_s));
    QTRY_COMPARE(bb->count<AwayChanged>(), 3);
    QVERIFY(!bb->last<AwayChanged>().isAway());
    aa->clear();
    bb->send(SetAway { {}, {} });
    QCOMPARE(aa->line(u":bb!bb@natter AWAY"_s), u":bb!bb@natter AWAY"_s);
}

NATTER_SERVER_TEST_MAIN(tst_NickAway)
#include "tst_nickaway.moc"
