// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "ircclient.h"
#include "servertestmain.h"
#include "testaccounts.h"
#include "testclient.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// The IRC face over real sockets: registration and its errors, channels and private messages
// between IRC and the other faces, the replies clients ask for after a join, and leave notices.
class tst_IrcFace : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void registrationSendsTheWelcomeBurst();
    void registrationErrorsHaveTheirNumerics();
    void channelsCarryMessagesBetweenFaces();
    void aLongNatterMessageArrivesWholeInSeveralLines();
    void privateMessagesAreDirectConversations();
    void commandsAndErrorsHaveTheirNumerics();
    void overlongLinesAreRefusedAndTheConnectionStays();
    void leavingIsQuitPartAndKick();
    void withoutIrcPortThereIsNoIrcFace();
    void tlsOnTheIrcPort();
    void capabilitiesAreNegotiated();
    void taggedAndPlainIrcClientsShareARoom();
    void echoMessageReturnsTheSendersOwnLine();
    void chathistoryServesTheRoomsHistory();
    void saslPlainLogsInWithTheAccountsPassword();
    void passLogsInAndAWrongOneIsRefused();
    void formattingCodesDoNotReachOtherFaces();
    void labeledResponsesCarryTheLabel();
    void labeledMessagesAreAnsweredOnceStored();
    void modeShowsTheRoomsCreationTime();
    void chathistoryTakesTimestampsAndEveryDirection_data();
    void unregisteredClientsAreRateLimitedAndTimedOut();
    void chathistoryTakesTimestampsAndEveryDirection();

private:
    void start(ServerConfig config = {});
    IrcClient *ircClient();
    TestClient *natterClient(const QString &nick, const QStringList &rooms = {});

    std::unique_ptr<ChatServer> m_server;
    QList<QObject *> m_clients;
};

void tst_IrcFace::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_IrcFace::start(ServerConfig config)
{
    config.port = 0;
    config.ircPort = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->ircPort() != 0);
}

IrcClient *tst_IrcFace::ircClient()
{
    auto *client = new IrcClient(m_server->ircPort());
    m_clients.append(client);
    return client;
}

TestClient *tst_IrcFace::natterClient(const QString &nick, const QStringList &rooms)
{
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    Hello hello;
    hello.nick = nick;
    hello.protocol = 2;
    for (const QString &room : rooms)
        hello.rooms.append({ room, std::nullopt, {} });
    client->send(hello);
    const qsizetype expected = rooms.isEmpty() ? 1 : rooms.size();
    if (!QTest::qWaitFor([&] { return client->count<RoomState>() >= expected; }, 5000))
        qWarning("%s got no room frames", qPrintable(nick));
    return client;
}

void tst_IrcFace::registrationSendsTheWelcomeBurst()
{
    start();
    IrcClient *aa = ircClient();
    aa->send("CAP LS 302");
    QVERIFY(aa->waitFor(u":natter CAP * LS :"_s));
    aa->send("NICK aa");
    aa->send("USER aa 0 * :Alice A");
    aa->settle();
    QVERIFY2(aa->linesWith(u" 001 "_s).isEmpty(), "registered before CAP END");
    aa->send("CAP END");
    QVERIFY(aa->waitFor(u":natter 001 aa :Welcome to Natter, aa"_s));
    for (const char *code : { " 002 aa ", " 003 aa ", " 004 aa ", " 251 aa ", " 422 aa " })
        QVERIFY2(aa->waitFor(QString::fromLatin1(code)), code);
    const QString isupport = aa->line(u" 005 aa "_s);
    for (const QString &token :
         { u"CASEMAPPING="_s, u"CHANTYPES=#"_s, u"NICKLEN=32"_s, u"CHANNELLEN="_s,
           u"TOPICLEN=500"_s, u"PREFIX=(o)@"_s, u"CHANMODES="_s, u"NETWORK=Natter"_s, u"TARGMAX="_s,
           u"UTF8ONLY"_s })
        QVERIFY2(isupport.contains(token), qPrintable(token));
    // Like every client without rooms, it is in the lobby: told as a join of #lobby.
    QVERIFY(aa->waitFor(u":aa!aa@natter JOIN #lobby"_s));
    QCOMPARE(aa->line(u" 353 aa = #lobby :"_s), u":natter 353 aa = #lobby :aa"_s);
    QVERIFY(aa->waitFor(u" 366 aa #lobby :"_s));
}

void tst_IrcFace::registrationErrorsHaveTheirNumerics()
{
    start();
    TestClient *taken = natterClient(u"bb"_s);
    Q_UNUSED(taken);
    IrcClient *irc = ircClient();
    irc->send("JOIN #lobby");
    QVERIFY(irc->waitFor(u":natter 451 * :"_s));
    irc->send("USER x");
    QVERIFY(irc->waitFor(u":natter 461 * USER :"_s));
    irc->send("NICK no!good");
    irc->send("USER cc 0 * :C");
    QVERIFY(irc->waitFor(u":natter 432 * no!good :"_s));
    irc->send("NICK BB"); // bb is online through the JSON face; nicks ignore case
    QVERIFY(irc->waitFor(u":natter 433 * BB :"_s));
    irc->send("NICK cc");
    QVERIFY(irc->waitFor(u":natter 001 cc "_s));
    irc->send("FROB");
    QVERIFY(irc->waitFor(u":natter 421 cc FROB :Unknown command"_s));
}

void tst_IrcFace::channelsCarryMessagesBetweenFaces()
{
    start();
    TestClient *bb = natterClient(u"bb"_s, { u"dev"_s });
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    aa->send("JOIN #dev");
    QVERIFY(aa->waitFor(u":aa!aa@natter JOIN #dev"_s));
    const QString names = aa->line(u" 353 aa = #dev :"_s);
    // bb made the room: its owner is the channel's operator.
    QVERIFY2(names.contains(u"@bb"_s) && names.contains(u" aa"_s), qPrintable(names));
    QVERIFY(aa->waitFor(u" 366 aa #dev :"_s));
    QTRY_VERIFY(!bb->all<Joined>().isEmpty() && bb->last<Joined>().nick == u"aa"_s);

    aa->send("PRIVMSG #dev :hello from irc");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    const Message fromIrc = bb->last<Message>();
    QCOMPARE(fromIrc.from, u"aa"_s);
    QCOMPARE(fromIrc.room, u"dev"_s);
    QCOMPARE(fromIrc.text, u"hello from irc"_s);

    // A Natter message with line breaks is several IRC lines; the lobby is not told of #dev.
    bb->sayIn(u"dev"_s, u"one\ntwo"_s, u"c1"_s);
    QVERIFY(aa->waitFor(u":bb!bb@natter PRIVMSG #dev :two"_s));
    QCOMPARE(aa->linesWith(u"PRIVMSG #dev :"_s),
             (QStringList { u":bb!bb@natter PRIVMSG #dev :one"_s,
                            u":bb!bb@natter PRIVMSG #dev :two"_s }));
    QVERIFY(aa->linesWith(u"PRIVMSG #lobby"_s).isEmpty());

    // A terminal in the same room reads the IRC user's lines as anyone's.
    TestClient terminal;
    terminal.connectTo(m_server->serverPort());
    terminal.sendLine("cc");
    QTRY_VERIFY(!terminal.lines().isEmpty() && terminal.lines().constFirst().startsWith("Welcome"));
    terminal.sendLine("/join dev");
    QVERIFY(aa->waitFor(u":cc!cc@natter JOIN #dev"_s));
    aa->send("PRIVMSG #dev :to everyone");
    QTRY_VERIFY(terminal.hasLine("[#dev] aa: to everyone"));
}

void tst_IrcFace::aLongNatterMessageArrivesWholeInSeveralLines()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    // The longest text the limits allow, in two-byte characters, with a few spaces.
    QString text;
    while (text.size() < MaxTextLength)
        text += (text.size() % 97 == 96) ? u' ' : u'é';
    bb->say(text, u"long"_s);
    QTRY_VERIFY(!bb->all<Ack>().isEmpty());
    aa->settle();
    const QString head = u":bb!bb@natter PRIVMSG #lobby :"_s;
    const QStringList lines = aa->linesWith(head);
    QVERIFY2(lines.size() >= 17, qPrintable(QString::number(lines.size()))); // 8 KiB in 512s
    QString joined;
    for (const QString &line : lines) {
        QVERIFY2(line.toUtf8().size() + 2 <= 512,
                 qPrintable(QString::number(line.toUtf8().size())));
        joined += line.mid(head.size());
    }
    QCOMPARE(joined, text);
}

void tst_IrcFace::privateMessagesAreDirectConversations()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    aa->send("PRIVMSG bb :psst");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    QCOMPARE(bb->last<Message>().from, u"aa"_s);
    QCOMPARE(bb->last<Message>().to, u"bb"_s);
    QCOMPARE(bb->last<Message>().text, u"psst"_s);
    bb->say(u"back at you"_s, u"d1"_s, u"aa"_s);
    QVERIFY(aa->waitFor(u":bb!bb@natter PRIVMSG aa :back at you"_s));
    aa->send("PRIVMSG nobody :hello?");
    QVERIFY(aa->waitFor(u":natter 401 aa nobody :"_s));
}

void tst_IrcFace::commandsAndErrorsHaveTheirNumerics()
{
    start();
    TestClient *bb = natterClient(u"bb"_s, { u"dev"_s });
    Q_UNUSED(bb);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    aa->send("PRIVMSG #nowhere :x");
    QVERIFY(aa->waitFor(u":natter 403 aa #nowhere :"_s));
    aa->send("PART #dev"); // exists, but aa is not in it
    QVERIFY(aa->waitFor(u":natter 442 aa #dev :"_s));
    aa->send("TOPIC #lobby");
    QVERIFY(aa->waitFor(u":natter 331 aa #lobby :No topic is set"_s));
    aa->send("MODE #lobby");
    QVERIFY(aa->waitFor(u":natter 324 aa #lobby +t"_s));
    aa->send("MODE #lobby b");
    QVERIFY(aa->waitFor(u":natter 368 aa #lobby :"_s));
    aa->send("WHO #lobby");
    QVERIFY(aa->waitFor(u":natter 352 aa #lobby aa natter natter aa H :0 aa"_s));
    QVERIFY(aa->waitFor(u":natter 315 aa #lobby :"_s));
    aa->send("WHOIS bb");
    QVERIFY(aa->waitFor(u":natter 311 aa bb bb natter * :bb"_s));
    QVERIFY(aa->waitFor(u":natter 318 aa bb :"_s));
    aa->send("WHOIS nobody");
    QVERIFY(aa->waitFor(u":natter 401 aa nobody :"_s));
    aa->send("ISON bb nobody aa");
    QVERIFY(aa->waitFor(u":natter 303 aa :bb aa"_s));
    aa->send("USERHOST bb");
    QVERIFY(aa->waitFor(u":natter 302 aa :bb=+bb@natter"_s));
    aa->send("LIST");
    QVERIFY(aa->waitFor(u":natter 322 aa #dev 1 :"_s));
    QVERIFY(aa->waitFor(u":natter 323 aa :"_s));
    aa->send("PRIVMSG");
    QVERIFY(aa->waitFor(u":natter 411 aa :"_s));
    aa->send("PRIVMSG #lobby");
    QVERIFY(aa->waitFor(u":natter 412 aa :"_s));
    aa->send("JOIN #no!good");
    QVERIFY(aa->waitFor(u":natter 479 aa #no!good :"_s));
    aa->send("TOPIC #lobby :mine now"); // the lobby's topic is the operators'
    QVERIFY(aa->waitFor(u":natter 482 aa #lobby :"_s));
    aa->send("AWAY :lunch");
    QVERIFY(aa->waitFor(u":natter 306 aa :"_s));
    aa->send("JOIN #fresh");
    QVERIFY(aa->waitFor(u":aa!aa@natter JOIN #fresh"_s));
    aa->send("TOPIC #fresh :plans");
    QVERIFY(aa->waitFor(u":aa!aa@natter TOPIC #fresh :plans"_s));
}

void tst_IrcFace::overlongLinesAreRefusedAndTheConnectionStays()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    const QByteArray head = "PRIVMSG #lobby :";
    aa->send(head + QByteArray(512 - 2 - head.size() + 1, 'x')); // one byte over
    QVERIFY(aa->waitFor(u":natter 417 aa :"_s));
    // Tags do not count against the 512 bytes of the message itself.
    aa->send("@label=abc;+draft/reply=xyz " + head + QByteArray(512 - 2 - head.size(), 'y'));
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    QCOMPARE(bb->last<Message>().text, QString(512 - 2 - head.size(), u'y'));
    QCOMPARE(aa->linesWith(u" 417 "_s).size(), 1);
    aa->send("PRIVMSG #lobby :\xff\xfe not UTF-8");
    QVERIFY(aa->waitFor(u"NOTICE aa :The line is not valid UTF-8"_s));
    aa->send("PRIVMSG #lobby :still here");
    QTRY_COMPARE(bb->last<Message>().text, u"still here"_s);
    QCOMPARE(bb->count<Message>(), 2);
}

void tst_IrcFace::leavingIsQuitPartAndKick()
{
    start();
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    TestClient *bb = natterClient(u"bb"_s);
    QVERIFY(aa->waitFor(u":bb!bb@natter JOIN #lobby"_s));
    bb->send(Exit {});
    QVERIFY(aa->waitFor(u":bb!bb@natter QUIT :bb has left the chat."_s));

    // A client that vanishes is announced with the chatroom's sentence.
    TestClient *cc = natterClient(u"cc"_s);
    QVERIFY(aa->waitFor(u":cc!cc@natter JOIN #lobby"_s));
    cc->socket()->abort();
    QVERIFY(aa->waitFor(
            u":cc!cc@natter QUIT :No message from cc, cc will be removed from the chatroom."_s));

    // The owner of a room kicks; a part is a PART.
    TestClient *dd = natterClient(u"dd"_s, { u"dev"_s });
    aa->send("JOIN #dev");
    QVERIFY(aa->waitFor(u" 366 aa #dev "_s));
    dd->send(Kick { u"aa"_s, u"not today"_s, {}, u"dev"_s });
    QVERIFY(aa->waitFor(u":dd!dd@natter KICK #dev aa :not today"_s));
    aa->send("JOIN #lobby"); // already there: nothing happens
    aa->send("PART #lobby :bye");
    QVERIFY(aa->waitFor(u":aa!aa@natter PART #lobby :"_s));

    // QUIT: the others are told with the chatroom's sentence, and the server closes.
    aa->send("JOIN #dev2");
    QVERIFY(aa->waitFor(u" 366 aa #dev2 "_s));
    dd->send(Join { u"dev2"_s, false, {} });
    QVERIFY(aa->waitFor(u":dd!dd@natter JOIN #dev2"_s));
    QSignalSpy closed(&aa->socket(), &QTcpSocket::disconnected);
    aa->send("QUIT :off");
    QVERIFY(aa->waitFor(u"ERROR :Closing link: aa"_s));
    QTRY_COMPARE(closed.size(), 1);
    QTRY_VERIFY([dd] {
        for (const Left &left : dd->all<Left>()) {
            if (left.nick == u"aa"_s && left.text == u"aa has left the chat."_s)
                return true;
        }
        for (const Notices &notices : dd->all<Notices>()) {
            for (const auto &notice : notices.notices) {
                const auto *left = std::get_if<Left>(&notice);
                if (left && left->nick == u"aa"_s && left->text == u"aa has left the chat."_s)
                    return true;
            }
        }
        return false;
    }());
}

void tst_IrcFace::withoutIrcPortThereIsNoIrcFace()
{
    ServerConfig config;
    config.port = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    QCOMPARE(m_server->ircPort(), quint16(0));
    // An IRC client at the Natter port is a terminal: its first line is taken as a nickname.
    TestClient irc;
    irc.connectTo(m_server->serverPort());
    irc.sendLine("NICK aa\r");
    QTRY_VERIFY(!irc.lines().isEmpty());
    QVERIFY(!irc.lines().constFirst().startsWith(":natter 001"));
}

void tst_IrcFace::tlsOnTheIrcPort()
{
    ServerConfig config;
    config.port = 0;
    config.ircPort = 0;
    config.tlsCertPath = QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem");
    config.tlsKeyPath = QStringLiteral(NATTER_TEST_DATA "/test-only-key.pem");
    config.ircTlsOnly = true;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    const QSslCertificate certificate = QSslCertificate::fromPath(config.tlsCertPath).value(0);
    QVERIFY(!certificate.isNull());

    auto *secure = new IrcClient(m_server->ircPort(), certificate);
    m_clients.append(secure);
    QVERIFY(secure->registerAs(u"aa"_s));
    QVERIFY(secure->socket().isEncrypted());

    // --irc-tls-only: a plain IRC client is told why, and closed.
    IrcClient *plain = ircClient();
    QSignalSpy closed(&plain->socket(), &QAbstractSocket::disconnected);
    plain->send("NICK bb");
    QVERIFY(plain->waitFor(u"ERROR :This server accepts TLS connections only"_s));
    QTRY_COMPARE(closed.size(), 1);
}

void tst_IrcFace::capabilitiesAreNegotiated()
{
    start();
    IrcClient *aa = ircClient();
    aa->send("CAP LS 302");
    const QString offered = aa->line(u":natter CAP * LS :"_s);
    for (const QString &capability :
         { u"away-notify"_s, u"batch"_s, u"draft/chathistory"_s, u"echo-message"_s,
           u"message-tags"_s, u"multi-prefix"_s, u"server-time"_s })
        QVERIFY2(offered.contains(capability), qPrintable(offered));
    QVERIFY2(!offered.contains(u"sasl"_s), "no passwords to check, no SASL");
    aa->send("CAP REQ :server-time echo-message");
    QVERIFY(aa->waitFor(u":natter CAP * ACK :server-time echo-message"_s));
    aa->send("CAP REQ :server-time account-notify"); // all or nothing
    QVERIFY(aa->waitFor(u":natter CAP * NAK :server-time account-notify"_s));
    aa->send("CAP LIST");
    QVERIFY(aa->waitFor(u":natter CAP * LIST :echo-message server-time"_s));
    aa->send("CAP END");
    aa->send("NICK aa");
    aa->send("USER aa 0 * :A");
    QVERIFY(aa->waitFor(u" 366 aa #lobby "_s));
    // The form of the room's lines is fixed once in a room; the rest may change.
    aa->send("CAP REQ :message-tags");
    QVERIFY(aa->waitFor(u":natter CAP aa NAK :message-tags"_s));
    aa->send("CAP REQ :-echo-message");
    QVERIFY(aa->waitFor(u":natter CAP aa ACK :-echo-message"_s));
}

void tst_IrcFace::taggedAndPlainIrcClientsShareARoom()
{
    start();
    IrcClient *tagged = ircClient();
    QVERIFY(tagged->registerAs(u"aa"_s, "message-tags server-time"));
    IrcClient *plain = ircClient();
    QVERIFY(plain->registerAs(u"cc"_s));
    TestClient *bb = natterClient(u"bb"_s);
    QVERIFY(tagged->waitFor(u":bb!bb@natter JOIN #lobby"_s));
    bb->say(u"hi all"_s, u"m1"_s);
    QTRY_VERIFY(!bb->all<Ack>().isEmpty());
    const Ack ack = bb->last<Ack>();
    const QString time = QDateTime::fromMSecsSinceEpoch(ack.timestamp, Qt::UTC)
                                 .toString(Qt::ISODateWithMs);
    QCOMPARE(tagged->line(u"PRIVMSG #lobby :hi all"_s),
             u"@time=%1;msgid=%2 :bb!bb@natter PRIVMSG #lobby :hi all"_s.arg(time).arg(ack.seq));
    QCOMPARE(plain->line(u"PRIVMSG #lobby :hi all"_s), u":bb!bb@natter PRIVMSG #lobby :hi all"_s);
    // Joins carry their time too, for the tagged client only.
    TestClient *dd = natterClient(u"dd"_s);
    Q_UNUSED(dd);
    QVERIFY(tagged->line(u":dd!dd@natter JOIN #lobby"_s).startsWith(u"@time="_s));
    QCOMPARE(plain->line(u":dd!dd@natter JOIN #lobby"_s), u":dd!dd@natter JOIN #lobby"_s);
}

void tst_IrcFace::echoMessageReturnsTheSendersOwnLine()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s, "echo-message server-time"));
    IrcClient *cc = ircClient();
    QVERIFY(cc->registerAs(u"cc"_s));
    aa->send("PRIVMSG #lobby :said once");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    const Message said = bb->last<Message>();
    QCOMPARE(said.text, u"said once"_s);
    QVERIFY(aa->waitFor(u";msgid=%1 :aa!aa@natter PRIVMSG #lobby :said once"_s.arg(said.seq)));
    QCOMPARE(aa->linesWith(u"said once"_s).size(), 1);
    // Without echo-message, nothing comes back to the sender.
    cc->send("PRIVMSG #lobby :said by cc");
    QTRY_VERIFY(bb->last<Message>().text == u"said by cc"_s);
    cc->settle();
    QVERIFY(cc->linesWith(u"said by cc"_s).isEmpty());
}

void tst_IrcFace::chathistoryServesTheRoomsHistory()
{
    ServerConfig config;
    config.burst = 100; // each history request costs as much as a search
    start(config);
    TestClient *bb = natterClient(u"bb"_s);
    QList<qint64> seqs;
    for (int i = 1; i <= 5; ++i) {
        bb->say(u"history %1"_s.arg(i), u"h%1"_s.arg(i));
        QTRY_COMPARE(bb->count<Ack>(), i);
        seqs.append(bb->last<Ack>().seq);
    }

    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s, "batch server-time message-tags draft/chathistory"));
    bb->say(u"between us"_s, u"d1"_s, u"aa"_s);
    QTRY_COMPARE(bb->count<Ack>(), 6);
    QVERIFY(aa->waitFor(u":bb!bb@natter PRIVMSG aa :between us"_s));
    aa->send("CHATHISTORY LATEST #lobby * 3");
    QVERIFY(aa->waitFor(u":natter BATCH -h1"_s));
    QVERIFY(aa->waitFor(u":natter BATCH +h1 chathistory #lobby"_s));
    QStringList batch = aa->linesWith(u"@batch=h1;"_s);
    QCOMPARE(batch.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(batch.at(i).contains(
                         u";msgid=%1 :bb!bb@natter PRIVMSG #lobby :history %2"_s.arg(seqs.at(i + 2))
                                 .arg(i + 3)),
                 qPrintable(batch.at(i)));
    }
    aa->send("CHATHISTORY BEFORE #lobby msgid=" + QByteArray::number(seqs.at(2)) + " 10");
    QVERIFY(aa->waitFor(u":natter BATCH -h2"_s));
    batch = aa->linesWith(u"@batch=h2;"_s);
    QCOMPARE(batch.size(), 2);
    QVERIFY(batch.at(0).endsWith(u":history 1"_s));
    QVERIFY(batch.at(1).endsWith(u":history 2"_s));
    aa->send("CHATHISTORY AFTER #lobby msgid=" + QByteArray::number(seqs.at(3)) + " 10");
    QVERIFY(aa->waitFor(u":natter BATCH -h3"_s));
    QCOMPARE(aa->linesWith(u"@batch=h3;"_s).size(), 1);
    QVERIFY(aa->linesWith(u"@batch=h3;"_s).constFirst().endsWith(u":history 5"_s));
    // A direct conversation is a nick's history, and not the channel's.
    aa->send("CHATHISTORY LATEST bb * 10");
    QVERIFY(aa->waitFor(u":natter BATCH -h4"_s));
    QCOMPARE(aa->linesWith(u"@batch=h4;"_s).size(), 1);
    QVERIFY(aa->linesWith(u"@batch=h4;"_s)
                    .constFirst()
                    .endsWith(u":bb!bb@natter PRIVMSG aa :between us"_s));
    aa->send("CHATHISTORY TARGETS timestamp=2026-01-01T00:00:00.000Z "
             "timestamp=2027-01-01T00:00:00.000Z 10");
    QVERIFY(aa->waitFor(u":natter FAIL CHATHISTORY INVALID_PARAMS"_s));
    aa->send("CHATHISTORY BEFORE #lobby timestamp=yesterday 10");
    QTRY_COMPARE(aa->linesWith(u"FAIL CHATHISTORY INVALID_PARAMS"_s).size(), 2);
    aa->send("CHATHISTORY LATEST #nowhere * 10");
    QVERIFY(aa->waitFor(u":natter 403 aa #nowhere "_s));
}

void tst_IrcFace::saslPlainLogsInWithTheAccountsPassword()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    config.port = 0;
    config.ircPort = 0;
    config.accountsPath = writeAccounts(dir.filePath(u"accounts"_s), { u"aa"_s, u"secret"_s });
    config.loginFailureDelay = std::chrono::milliseconds(10);
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));

    IrcClient *aa = ircClient();
    aa->send("CAP LS 302");
    QVERIFY(aa->line(u":natter CAP * LS :"_s).contains(u"sasl=PLAIN"_s));
    aa->send("CAP REQ :sasl");
    QVERIFY(aa->waitFor(u"CAP * ACK :sasl"_s));
    aa->send("NICK aa");
    aa->send("USER aa 0 * :A");
    aa->send("AUTHENTICATE EXTERNAL");
    QVERIFY(aa->waitFor(u":natter 908 * PLAIN :"_s));
    QVERIFY(aa->waitFor(u":natter 904 * :"_s));
    aa->clear();
    aa->send("AUTHENTICATE PLAIN");
    QVERIFY(aa->waitFor(u"AUTHENTICATE +"_s));
    aa->send("AUTHENTICATE " + QByteArray("\0aa\0wrong", 9).toBase64());
    QVERIFY(aa->waitFor(u":natter 904 * :"_s));
    QVERIFY(aa->linesWith(u" 903 "_s).isEmpty());
    aa->send("AUTHENTICATE PLAIN");
    aa->send("AUTHENTICATE " + QByteArray("aa\0aa\0secret", 12).toBase64());
    QVERIFY2(aa->waitFor(u":natter 903 * :"_s), qPrintable(aa->lines().join(u'\n')));
    QVERIFY(aa->waitFor(u":natter 900 * *!*@natter aa :You are now logged in as aa"_s));
    aa->send("CAP END");
    QVERIFY(aa->waitFor(u":natter 001 aa "_s));

    // Without SASL or PASS, the registered nick is refused as everywhere else.
    IrcClient *intruder = ircClient();
    intruder->send("NICK aa2");
    intruder->send("USER x 0 * :x");
    QVERIFY(intruder->waitFor(u":natter 001 aa2 "_s)); // not registered: welcome
    IrcClient *impostor = ircClient();
    impostor->send("NICK AA");
    impostor->send("USER x 0 * :x");
    QVERIFY(impostor->waitFor(u":natter 433 * AA :"_s)); // aa is online
}

void tst_IrcFace::passLogsInAndAWrongOneIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    config.accountsPath = writeAccounts(dir.filePath(u"accounts"_s), { u"aa"_s, u"secret"_s });
    config.loginFailureDelay = std::chrono::milliseconds(10);
    start(config);
    IrcClient *aa = ircClient();
    aa->send("PASS secret");
    aa->send("NICK aa");
    aa->send("USER aa 0 * :A");
    QVERIFY(aa->waitFor(u":natter 001 aa "_s));

    IrcClient *guess = ircClient();
    QSignalSpy closed(&guess->socket(), &QAbstractSocket::disconnected);
    guess->send("NICK Aa"); // the registered nick, another spelling: its password is asked
    guess->send("USER x 0 * :x");
    QVERIFY(guess->waitFor(u":natter 433 * Aa :"_s)); // aa is online
    aa->send("QUIT");
    QTRY_VERIFY(m_server->rooms()->online(u"aa"_s) == nullptr);
    guess->send("PASS wrong");
    guess->send("NICK aa");
    QVERIFY(guess->waitFor(u":natter 464 * :Wrong password for aa."_s));
    QTRY_COMPARE(closed.size(), 1);
}

void tst_IrcFace::formattingCodesDoNotReachOtherFaces()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    // (Literals split after each code: a hex escape would run on into the text.)
    aa->send("PRIVMSG #lobby :\x02"
             "bold\x02, \x03"
             "04,12red on blue\x03, \x1d"
             "italic\x1d\x0f"
             " and \x04"
             "ff0000hex\x04");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    QCOMPARE(bb->last<Message>().text, u"bold, red on blue, italic and hex"_s);
    aa->send("PRIVMSG #lobby :\x01"
             "ACTION waves\x01");
    QTRY_COMPARE(bb->last<Message>().text, u"* waves"_s);
    aa->send("PRIVMSG bb :\x01VERSION\x01");
    QVERIFY(aa->waitFor(u"NOTICE aa :CTCP requests are not passed on here."_s));
    QCOMPARE(bb->count<Message>(), 2);
}

NATTER_SERVER_TEST_MAIN(tst_IrcFace)
#include "tst_ircface.moc"

void tst_IrcFace::labeledResponsesCarryTheLabel()
{
    start();
    TestClient *bb = natterClient(u"bb"_s, { u"lobby"_s, u"dev"_s });
    bb->say(u"before aa came"_s, u"b1"_s);
    QTRY_COMPARE(bb->count<Ack>(), 1);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s, "batch labeled-response message-tags server-time"));

    // One reply: the line itself carries the label.
    aa->send("@label=ping1 PING :token");
    QCOMPARE(aa->labelled(u"ping1"_s),
             QStringList { u"@label=ping1 :natter PONG natter :token"_s });
    aa->send("@label=topic1 TOPIC #lobby");
    QCOMPARE(aa->labelled(u"topic1"_s),
             QStringList { u"@label=topic1 :natter 331 aa #lobby :No topic is set"_s });
    aa->send("@label=nobody PRIVMSG nobody :hello");
    const QStringList noSuchNick = aa->labelled(u"nobody"_s);
    QCOMPARE(noSuchNick.size(), 1);
    QVERIFY2(noSuchNick.constFirst().startsWith(u"@label=nobody :natter 401 aa nobody :"_s),
             qPrintable(noSuchNick.constFirst()));

    // Several: a labeled-response batch, every line in it.
    auto verifyBatch = [](const QStringList &reply, const QString &label,
                          const QStringList &contents) {
        QVERIFY2(reply.size() == contents.size() + 2, qPrintable(reply.join(u'\n')));
        static const QRegularExpression start(
                u"^@label=(\\S+) :natter BATCH \\+(\\S+) labeled-response$"_s);
        const QRegularExpressionMatch match = start.match(reply.constFirst());
        QVERIFY2(match.hasMatch() && match.captured(1) == label, qPrintable(reply.constFirst()));
        const QString reference = match.captured(2);
        for (qsizetype i = 0; i < contents.size(); ++i) {
            const QString &line = reply.at(i + 1);
            QVERIFY2(line.startsWith(u"@batch=%1 "_s.arg(reference))
                             && line.contains(contents.at(i)),
                     qPrintable(line));
        }
        QCOMPARE(reply.constLast(), u":natter BATCH -"_s + reference);
    };
    aa->send("@label=join1 JOIN #dev");
    verifyBatch(aa->labelled(u"join1"_s), u"join1"_s,
                { u":aa!aa@natter JOIN #dev"_s, u" 353 aa = #dev :"_s, u" 366 aa #dev :"_s });
    aa->send("@label=who1 WHO #dev");
    verifyBatch(aa->labelled(u"who1"_s), u"who1"_s,
                { u" 352 aa #dev "_s, u" 352 aa #dev "_s, u" 315 aa #dev :"_s });
    aa->send("@label=whois1 WHOIS bb");
    verifyBatch(aa->labelled(u"whois1"_s), u"whois1"_s,
                { u" 311 aa bb "_s, u" 312 aa bb "_s, u" 318 aa bb :"_s });
    aa->send("@label=names1 NAMES #dev");
    verifyBatch(aa->labelled(u"names1"_s), u"names1"_s,
                { u" 353 aa = #dev :"_s, u" 366 aa #dev :"_s });
    aa->send("@label=mode1 MODE #dev");
    verifyBatch(aa->labelled(u"mode1"_s), u"mode1"_s, { u" 324 aa #dev +t"_s, u" 329 aa #dev "_s });
    aa->send("@label=mode2 MODE aa");
    QCOMPARE(aa->labelled(u"mode2"_s), QStringList { u"@label=mode2 :natter 221 aa +i"_s });

    // CHATHISTORY's reply is a batch already: its start carries the label.
    aa->send("@label=hist1 CHATHISTORY LATEST #lobby * 10");
    const QStringList history = aa->labelled(u"hist1"_s);
    QVERIFY2(history.size() == 3, qPrintable(history.join(u'\n')));
    QVERIFY2(history.constFirst().startsWith(u"@label=hist1 :natter BATCH +"_s)
                     && history.constFirst().endsWith(u" chathistory #lobby"_s),
             qPrintable(history.constFirst()));
    QVERIFY2(history.at(1).contains(u":bb!bb@natter PRIVMSG #lobby :before aa came"_s),
             qPrintable(history.at(1)));

    // A command that has nothing to say is acknowledged; a label is escaped as a tag value.
    aa->send("@label=pong1 PONG :whatever");
    QCOMPARE(aa->labelled(u"pong1"_s), QStringList { u"@label=pong1 :natter ACK"_s });
    aa->send("@label=two\\swords;+typing=active PING :x");
    QCOMPARE(aa->labelled(u"two\\swords"_s),
             QStringList { u"@label=two\\swords :natter PONG natter :x"_s });
    // A label over 64 bytes is refused, clearly.
    aa->send("@label=" + QByteArray(65, 'x') + " PING :long");
    QVERIFY(aa->waitFor(u":natter FAIL PING INVALID_LABEL :"_s));

    // Without the capability, labels are ignored.
    IrcClient *cc = ircClient();
    QVERIFY(cc->registerAs(u"cc"_s, "batch"));
    cc->send("@label=plain PING :plain");
    QVERIFY(cc->waitFor(u":natter PONG natter :plain"_s));
    QVERIFY(cc->linesWith(u"label="_s).isEmpty());
}

void tst_IrcFace::labeledMessagesAreAnsweredOnceStored()
{
    start();
    TestClient *bb = natterClient(u"bb"_s);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s,
                           "batch echo-message labeled-response message-tags server-time"));
    IrcClient *cc = ircClient();
    QVERIFY(cc->registerAs(u"cc"_s, "batch labeled-response"));

    // With echo-message the echo is the answer, labelled; the others get it without the label.
    aa->send("@label=say1 PRIVMSG #lobby :labelled hello");
    QTRY_VERIFY(!bb->all<Message>().isEmpty());
    const Message said = bb->last<Message>();
    QCOMPARE(said.text, u"labelled hello"_s);
    const QStringList echo = aa->labelled(u"say1"_s);
    QCOMPARE(echo.size(), 1);
    QVERIFY2(echo.constFirst().startsWith(u"@label=say1;time="_s)
                     && echo.constFirst().endsWith(
                             u";msgid=%1 :aa!aa@natter PRIVMSG #lobby :labelled hello"_s.arg(
                                     said.seq)),
             qPrintable(echo.constFirst()));
    QVERIFY(cc->waitFor(u":aa!aa@natter PRIVMSG #lobby :labelled hello"_s));
    QVERIFY(cc->linesWith(u"say1"_s).isEmpty());

    // Without echo-message, an ACK once the message is stored.
    cc->send("@label=say2 PRIVMSG #lobby :from cc");
    QCOMPARE(cc->labelled(u"say2"_s), QStringList { u"@label=say2 :natter ACK"_s });
    QTRY_COMPARE(bb->last<Message>().text, u"from cc"_s);

    // A direct message, too.
    cc->send("@label=say3 PRIVMSG bb :just you");
    QCOMPARE(cc->labelled(u"say3"_s), QStringList { u"@label=say3 :natter ACK"_s });
    QTRY_COMPARE(bb->last<Message>().text, u"just you"_s);

    // An echo of several lines is one labelled batch: a line that fits coming in does not
    // going out, behind the sender's prefix.
    const QString longText = QString(u"word "_s).repeated(98).trimmed();
    aa->send("@label=long PRIVMSG #lobby :" + longText.toUtf8());
    const QStringList longEcho = aa->labelled(u"long"_s);
    QVERIFY2(longEcho.size() == 4, qPrintable(longEcho.join(u'\n')));
    QVERIFY(longEcho.constFirst().startsWith(u"@label=long :natter BATCH +"_s));
    QVERIFY(longEcho.at(1).contains(u" PRIVMSG #lobby :word"_s));
    QVERIFY(longEcho.at(2).contains(u" PRIVMSG #lobby :word"_s));
    QTRY_COMPARE(bb->last<Message>().text, longText);
}

void tst_IrcFace::modeShowsTheRoomsCreationTime()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    config.storePath = dir.filePath(u"natter.sqlite"_s);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    start(config);
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s));
    aa->send("JOIN #fresh");
    QVERIFY(aa->waitFor(u" 366 aa #fresh "_s));
    aa->send("MODE #fresh");
    const QString created = aa->line(u":natter 329 aa #fresh :"_s);
    QVERIFY(!created.isEmpty());
    const qint64 seconds = created.section(u':', 2).toLongLong();
    QVERIFY2(seconds >= before && seconds <= QDateTime::currentSecsSinceEpoch(),
             qPrintable(created));
    QVERIFY(aa->waitFor(u":natter 329 aa #fresh :"_s));
    aa->send("MODE #lobby");
    QVERIFY(aa->waitFor(u":natter 329 aa #lobby :"_s));

    // The store keeps it: after a restart the room has the same creation time.
    cleanup();
    start(config);
    IrcClient *again = ircClient();
    QVERIFY(again->registerAs(u"aa"_s));
    again->send("MODE #fresh");
    QCOMPARE(again->line(u":natter 329 aa #fresh :"_s), created);
}

void tst_IrcFace::chathistoryTakesTimestampsAndEveryDirection_data()
{
    QTest::addColumn<bool>("sqlite");
    QTest::newRow("memory store") << false;
    QTest::newRow("sqlite store") << true;
}

void tst_IrcFace::chathistoryTakesTimestampsAndEveryDirection()
{
    QFETCH(bool, sqlite);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    config.burst = 100; // each history request costs as much as a search
    if (sqlite)
        config.storePath = dir.filePath(u"natter.sqlite"_s);
    start(config);
    TestClient *bb = natterClient(u"bb"_s);
    QList<qint64> seqs;
    QList<qint64> times;
    for (int i = 0; i < 6; ++i) {
        bb->say(u"m%1"_s.arg(i), u"m%1"_s.arg(i));
        QTRY_COMPARE(bb->count<Ack>(), i + 1);
        const Ack ack = bb->last<Ack>();
        seqs.append(ack.seq);
        times.append(ack.timestamp);
        // Each message a millisecond of its own, so that a time names one message.
        QVERIFY(QTest::qWaitFor([&] { return QDateTime::currentMSecsSinceEpoch() > ack.timestamp; },
                                1000));
    }
    auto msgid = [&](int i) { return "msgid=" + QByteArray::number(seqs.at(i)); };
    auto timestamp = [&](int i, qint64 shift = 0) {
        return "timestamp="
                + QDateTime::fromMSecsSinceEpoch(times.at(i) + shift, Qt::UTC)
                          .toString(Qt::ISODateWithMs)
                          .toUtf8();
    };

    IrcClient *aa = ircClient();
    aa->send("CAP LS 302");
    aa->send("CAP REQ :batch server-time message-tags draft/chathistory");
    aa->send("NICK aa");
    aa->send("USER aa 0 * :aa");
    aa->send("CAP END");
    const QString isupport = aa->line(u" 005 aa "_s);
    QVERIFY2(isupport.contains(u" CHATHISTORY=%1 "_s.arg(Protocol::MaxResults))
                     && isupport.contains(u" MSGREFTYPES=msgid,timestamp "_s),
             qPrintable(isupport));
    QVERIFY(aa->waitFor(u" 366 aa #lobby "_s));
    // The texts a request's batch holds, in order.
    auto history = [aa](const QByteArray &request) {
        aa->clear();
        aa->send("CHATHISTORY " + request);
        QStringList texts;
        if (!aa->waitFor(u":natter BATCH -"_s))
            return QStringList { u"(no batch)"_s };
        for (const QString &line : aa->linesWith(u" PRIVMSG "_s))
            texts.append(line.section(u" :"_s, -1));
        return texts;
    };
    const QByteArray lobby = " #lobby ";
    QCOMPARE(history("BEFORE" + lobby + timestamp(3) + " 10"),
             QStringList({ u"m0"_s, u"m1"_s, u"m2"_s }));
    QCOMPARE(history("BEFORE" + lobby + timestamp(3, 1) + " 2"), QStringList({ u"m2"_s, u"m3"_s }));
    // AFTER serves the messages right after the reference, not the newest.
    QCOMPARE(history("AFTER" + lobby + timestamp(3) + " 2"), QStringList({ u"m4"_s, u"m5"_s }));
    QCOMPARE(history("AFTER" + lobby + msgid(0) + " 2"), QStringList({ u"m1"_s, u"m2"_s }));
    QCOMPARE(history("AFTER" + lobby + timestamp(2, -1) + " 1"), QStringList({ u"m2"_s }));
    QCOMPARE(history("LATEST" + lobby + timestamp(3) + " 10"), QStringList({ u"m4"_s, u"m5"_s }));
    QCOMPARE(history("LATEST" + lobby + msgid(4) + " 10"), QStringList({ u"m5"_s }));
    // AROUND: half before the reference, the rest from it on.
    QCOMPARE(history("AROUND" + lobby + msgid(3) + " 3"),
             QStringList({ u"m2"_s, u"m3"_s, u"m4"_s }));
    QCOMPARE(history("AROUND" + lobby + timestamp(3) + " 4"),
             QStringList({ u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s }));
    // BETWEEN excludes both ends, and takes them in either order (the limit counts from the
    // first).
    QCOMPARE(history("BETWEEN" + lobby + msgid(0) + ' ' + timestamp(4) + " 10"),
             QStringList({ u"m1"_s, u"m2"_s, u"m3"_s }));
    QCOMPARE(history("BETWEEN" + lobby + msgid(0) + ' ' + timestamp(4) + " 2"),
             QStringList({ u"m1"_s, u"m2"_s }));
    QCOMPARE(history("BETWEEN" + lobby + timestamp(5) + ' ' + msgid(0) + " 2"),
             QStringList({ u"m3"_s, u"m4"_s }));
    QCOMPARE(history("BEFORE" + lobby + timestamp(0) + " 10"), QStringList());
    QCOMPARE(history("AFTER" + lobby + timestamp(5) + " 10"), QStringList());

    // A direct conversation, by time.
    bb->say(u"dm one"_s, u"d1"_s, u"aa"_s);
    QTRY_COMPARE(bb->count<Ack>(), 7);
    bb->say(u"dm two"_s, u"d2"_s, u"aa"_s);
    QTRY_COMPARE(bb->count<Ack>(), 8);
    QCOMPARE(history("AFTER bb " + timestamp(5) + " 10"),
             QStringList({ u"dm one"_s, u"dm two"_s }));
    QCOMPARE(history("BEFORE bb " + msgid(5) + " 10"), QStringList());
    // And the channel's history has no direct messages.
    QCOMPARE(history("AFTER" + lobby + timestamp(5) + " 10"), QStringList());
}

void tst_IrcFace::unregisteredClientsAreRateLimitedAndTimedOut()
{
    ServerConfig config;
    config.rate = 5;
    config.burst = 5;
    config.floodGrace = std::chrono::milliseconds(300);
    config.helloTimeout = std::chrono::milliseconds(1500);
    start(config);

    // Lines before NICK/USER are charged like any others: a flood is refused, then cut off.
    IrcClient *flooder = ircClient();
    QSignalSpy flooderGone(&flooder->socket(), &QAbstractSocket::disconnected);
    QTimer flood;
    flood.setInterval(20);
    int sent = 0;
    connect(&flood, &QTimer::timeout, flooder, [&] {
        for (int i = 0; i < 5; ++i)
            flooder->send("NICK x" + QByteArray::number(++sent));
    });
    flood.start();
    QVERIFY(flooder->waitFor(u":natter NOTICE * :Too many messages"_s));
    // Cut off after the flood grace, before the registration time runs out.
    QTRY_VERIFY_WITH_TIMEOUT(flooderGone.size() == 1, 1400);
    flood.stop();
    QVERIFY(flooder->linesWith(u" 001 "_s).isEmpty());

    // One that never completes registration is closed once the time to register is over.
    IrcClient *idle = ircClient();
    QSignalSpy idleGone(&idle->socket(), &QAbstractSocket::disconnected);
    idle->send("NICK idle");
    QTRY_VERIFY_WITH_TIMEOUT(idleGone.size() == 1, 5000);
    QVERIFY(idle->waitFor(u"ERROR :"_s));

    // A client that registers at an ordinary pace is not affected.
    IrcClient *aa = ircClient();
    QVERIFY(aa->registerAs(u"aa"_s, "batch server-time"));
}
