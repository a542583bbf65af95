// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Protocol;

// The delivery core under bad neighbours: members that never read, bursts of the longest
// messages the limits allow from many connections of one address, floods at --rate 0. Honest
// readers must get every message, promptly, and never be removed.
class tst_Delivery : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void burstsFromManyConnectionsOfOneAddressRemoveNoReader();
    void silentMemberIsRemovedAsSlowWhileTheReaderGetsEverything();
    void readersKeepReceivingWhileManyMembersDoNotRead();
    void stalledReaderThatResumesWithinTheGraceCatchesUp();

private:
    void start(ServerConfig config);
    TestClient *join(const QString &nick);
    // A member that joins and then only sends: it either throws away what it receives or
    // never reads at all (its kernel buffers fill and it falls behind the room).
    enum class Reads { Discarding, Never };
    QTcpSocket *joinRaw(const QString &nick, Reads reads);
    void burst(QTcpSocket *socket, const QString &nick, int count, qsizetype length);
    bool isReaderRemoved(const TestClient *observer, const QString &nick) const;
    // Five readers and 44 connections of the same address that send: the room of issue 12.
    void fillRoom(Reads senders, QList<TestClient *> *readers, QList<QTcpSocket *> *raw);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
    QList<QTcpSocket *> m_raw;
};

void tst_Delivery::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Delivery::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    qDeleteAll(m_raw);
    m_raw.clear();
    m_server.reset();
    m_dir.reset();
}

void tst_Delivery::start(ServerConfig config)
{
    config.port = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
}

TestClient *tst_Delivery::join(const QString &nick)
{
    auto *client = new TestClient;
    m_clients.append(client);
    client->setAnswersPings(true);
    if (!client->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return client;
}

QTcpSocket *tst_Delivery::joinRaw(const QString &nick, Reads reads)
{
    auto *socket = new QTcpSocket;
    m_raw.append(socket);
    if (reads == Reads::Discarding)
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    else
        socket->setReadBufferSize(1); // takes nothing from the kernel: its buffers fill
    socket->connectToHost(u"127.0.0.1"_s, m_server->serverPort());
    socket->write(encode(ClientFrame { Hello { nick, 1, {}, std::nullopt, {}, {} } }));
    return socket;
}

void tst_Delivery::burst(QTcpSocket *socket, const QString &nick, int count, qsizetype length)
{
    QByteArray lines;
    for (int i = 0; i < count; ++i) {
        const QString text = u"%1 %2 "_s.arg(nick).arg(i) + QString(length, u'x');
        lines += encode(ClientFrame { Say { text.left(length), u"%1-%2"_s.arg(nick).arg(i), {} } });
    }
    socket->write(lines);
}

bool tst_Delivery::isReaderRemoved(const TestClient *observer, const QString &nick) const
{
    for (const Left &left : observer->all<Left>()) {
        if (left.nick == nick)
            return true;
    }
    for (const Notices &notices : observer->all<Notices>()) {
        for (const auto &notice : notices.notices) {
            if (const auto *left = std::get_if<Left>(&notice); left && left->nick == nick)
                return true;
        }
    }
    return false;
}

void tst_Delivery::fillRoom(Reads senders, QList<TestClient *> *readers, QList<QTcpSocket *> *raw)
{
    for (int i = 0; i < 5; ++i)
        readers->append(join(u"reader%1"_s.arg(i)));
    for (int i = 0; i < 44; ++i)
        raw->append(joinRaw(u"sender%1"_s.arg(i), senders));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->room()->memberCount(), 49, 10000);
}

void tst_Delivery::burstsFromManyConnectionsOfOneAddressRemoveNoReader()
{
    // The defaults, with the store on: 44 connections from one address each send a burst of
    // 20 messages of the longest text allowed, inside --rate 10 --burst 20. That is 880 x 4 KB,
    // many times --max-sendq, arriving at every reader at once.
    ServerConfig config;
    config.storePath = m_dir->filePath(u"natter.sqlite"_s);
    start(config);
    QList<TestClient *> readers;
    QList<QTcpSocket *> senders;
    fillRoom(Reads::Discarding, &readers, &senders);
    for (int i = 0; i < senders.size(); ++i)
        burst(senders.at(i), u"sender%1"_s.arg(i), 20, MaxTextLength);

    for (TestClient *reader : std::as_const(readers))
        QTRY_COMPARE_WITH_TIMEOUT(reader->count<Message>(), 880, 30000);
    for (TestClient *reader : std::as_const(readers)) {
        QVERIFY(!reader->wasDisconnected());
        QCOMPARE(reader->count<Error>(), 0);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!isReaderRemoved(reader, u"reader%1"_s.arg(i)));
    }
    QCOMPARE(m_server->room()->memberCount(), 49);
}

void tst_Delivery::silentMemberIsRemovedAsSlowWhileTheReaderGetsEverything()
{
    ServerConfig config;
    config.storePath = m_dir->filePath(u"natter.sqlite"_s);
    config.rate = 0;
    config.maxSendQueueBytes = 64 * 1024;
    config.slowGrace = 1s;
    start(config);
    TestClient *reader = join(u"reader"_s);
    TestClient *silent = join(u"silent"_s);
    TestClient *flooder = join(u"flooder"_s);
    QTRY_COMPARE(reader->count<Joined>() + reader->count<Notices>() >= 1, true);
    silent->setReadingPaused(true);

    // 3,000 messages of 1,000 characters: 3 MB, forty-six times --max-sendq.
    const int count = 3000;
    for (int i = 0; i < count; ++i)
        flooder->say(u"%1 "_s.arg(i) + QString(1000, u'y'), u"f%1"_s.arg(i));

    QTRY_COMPARE_WITH_TIMEOUT(reader->count<Message>(), count, 60000);
    const QList<Message> messages = reader->all<Message>();
    for (int i = 0; i < count; ++i)
        QVERIFY(messages.at(i).text.startsWith(u"%1 "_s.arg(i)));
    QTRY_VERIFY_WITH_TIMEOUT(isReaderRemoved(reader, u"silent"_s), 10000);
    bool removedAsSlow = false;
    for (const Left &left : reader->all<Left>())
        removedAsSlow |= left.nick == u"silent"_s && left.reason == LeaveReason::Slow;
    QVERIFY(removedAsSlow);
    QTRY_COMPARE_WITH_TIMEOUT(flooder->count<Ack>(), count, 30000);
    QVERIFY(!reader->wasDisconnected());
    QVERIFY(!isReaderRemoved(reader, u"flooder"_s));
    QCOMPARE(m_server->room()->nicks(), QStringList({ u"flooder"_s, u"reader"_s }));
}

void tst_Delivery::readersKeepReceivingWhileManyMembersDoNotRead()
{
    // No store, and members that never read are most of the room. The readers must not wait
    // for them to be removed (the grace is set long here to prove it) or to time out.
    ServerConfig config;
    config.slowGrace = 60s;
    start(config);
    QList<TestClient *> readers;
    QList<QTcpSocket *> silent;
    fillRoom(Reads::Never, &readers, &silent);

    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < silent.size(); ++i)
        burst(silent.at(i), u"sender%1"_s.arg(i), 20, MaxTextLength);
    for (TestClient *reader : std::as_const(readers))
        QTRY_COMPARE_WITH_TIMEOUT(reader->count<Message>(), 880, 20000);
    qInfo("880 messages reached all five readers in %lld ms", clock.elapsed());
    // And what the readers themselves say still reaches each other at once.
    readers.first()->say(u"still here"_s, u"r0"_s);
    for (TestClient *reader : readers.sliced(1))
        QTRY_COMPARE_WITH_TIMEOUT(reader->last<Message>().text, u"still here"_s, 5000);
    for (TestClient *reader : std::as_const(readers))
        QVERIFY(!reader->wasDisconnected());
}

void tst_Delivery::stalledReaderThatResumesWithinTheGraceCatchesUp()
{
    ServerConfig config;
    config.rate = 0;
    config.maxSendQueueBytes = 64 * 1024;
    config.socketSendBufferBytes = 16 * 1024;
    config.slowGrace = 10s;
    start(config);
    TestClient *sender = join(u"sender"_s);
    TestClient *stalledA = join(u"stalledA"_s);
    TestClient *stalledB = join(u"stalledB"_s);
    TestClient *reader = join(u"reader"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->room()->memberCount(), 4, 5000);
    stalledA->setReadingPaused(true);
    stalledB->setReadingPaused(true);

    // About 600 KB for each member: far more than the kernel buffers of a stalled reader and
    // ten times --max-sendq. Half the room is stalled; the reader is not held up by it.
    const int count = 200;
    const QString text(3000, u'x');
    for (int i = 1; i <= count; ++i)
        sender->say(QString::number(i) + text, u"m%1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(reader->count<Message>(), count, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(sender->count<Ack>(), count, 5000);
    QVERIFY(stalledA->count<Message>() < count);

    // Within the grace they read again: they get everything, in order, and stay.
    stalledA->setReadingPaused(false);
    stalledB->setReadingPaused(false);
    for (TestClient *member : { reader, stalledA, stalledB }) {
        QTRY_COMPARE_WITH_TIMEOUT(member->count<Message>(), count, 10000);
        const QList<Message> messages = member->all<Message>();
        for (int i = 0; i < count; ++i)
            QVERIFY(messages.at(i).text.startsWith(QString::number(i + 1) + u'x'));
        QCOMPARE(member->count<Left>(), 0);
        QVERIFY(!member->wasDisconnected());
    }
}

NATTER_SERVER_TEST_MAIN(tst_Delivery)
#include "tst_delivery.moc"
