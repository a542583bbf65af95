// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "epolleventdispatcher.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QEventLoop>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// natter-server's event loop: timers, sockets, posted events and wake-ups with Qt's semantics.
class tst_EpollEventDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void isTheLoopOfThisProcess();
    void singleShotTimersFireInDeadlineOrder();
    void repeatingTimerRepeatsUntilStoppedAndReportsWhatIsLeft();
    void timersOfADeletedObjectAreForgotten();
    void zeroTimerDoesNotStarveSockets();
    void eventPostedFromAnotherThreadWakesABlockedLoop();
    void manyConnectionsExchangeEveryByte();
    void closedSocketsAreDroppedAndTheirDescriptorsReused();
    void nestedLoopInsideAHandlerKeepsTheOuterLoopWorking();
    void chatServerDeliversBetweenClients();

private:
    static EpollEventDispatcher *dispatcher()
    {
        return qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    }
};

void tst_EpollEventDispatcher::isTheLoopOfThisProcess()
{
    QVERIFY(dispatcher());
    QVERIFY(dispatcher()->isValid());
}

void tst_EpollEventDispatcher::singleShotTimersFireInDeadlineOrder()
{
    QList<int> fired;
    QTimer::singleShot(60ms, this, [&] { fired.append(60); });
    QTimer::singleShot(20ms, Qt::PreciseTimer, this, [&] { fired.append(20); });
    QTimer::singleShot(40ms, Qt::CoarseTimer, this, [&] { fired.append(40); });
    QTRY_COMPARE_WITH_TIMEOUT(fired.size(), 3, 2000);
    QCOMPARE(fired, QList<int>({ 20, 40, 60 }));
}

void tst_EpollEventDispatcher::repeatingTimerRepeatsUntilStoppedAndReportsWhatIsLeft()
{
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(5ms);
    int ticks = 0;
    connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
    timer.start();
    const int left = timer.remainingTime();
    QVERIFY2(left >= 0 && left <= 5, qPrintable(QString::number(left)));
    QCOMPARE(dispatcher()->registeredTimers(&timer).size(), 1);
    QCOMPARE(dispatcher()->registeredTimers(&timer).first().interval, 5);
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 5, 2000);

    timer.stop();
    QVERIFY(dispatcher()->registeredTimers(&timer).isEmpty());
    QCOMPARE(timer.remainingTime(), -1);
    const int stoppedAt = ticks;
    // A later timer fires: the loop ran past several of the stopped timer's intervals.
    bool later = false;
    QTimer::singleShot(50ms, this, [&] { later = true; });
    QTRY_VERIFY(later);
    QCOMPARE(ticks, stoppedAt);
}

void tst_EpollEventDispatcher::timersOfADeletedObjectAreForgotten()
{
    auto *owner = new QObject;
    int ticks = 0;
    auto *timer = new QTimer(owner);
    connect(timer, &QTimer::timeout, this, [&] { ++ticks; });
    timer->start(1ms);
    QTRY_VERIFY(ticks > 0);
    QPointer<QTimer> watched = timer;
    delete owner;
    QVERIFY(watched.isNull());
    const int before = ticks;
    bool later = false;
    QTimer::singleShot(30ms, this, [&] { later = true; });
    QTRY_VERIFY(later);
    QCOMPARE(ticks, before);
}

void tst_EpollEventDispatcher::zeroTimerDoesNotStarveSockets()
{
    QTimer busy;
    qint64 spins = 0;
    connect(&busy, &QTimer::timeout, this, [&] { ++spins; });
    busy.start(0);

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket client;
    QByteArray received;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer,
                [&received, peer] { received += peer->readAll(); });
    });
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    const QByteArray payload(256 * 1024, 'z');
    client.write(payload);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), payload.size(), 5000);
    QVERIFY(spins > 0);
}

void tst_EpollEventDispatcher::eventPostedFromAnotherThreadWakesABlockedLoop()
{
    QThread worker;
    worker.start();
    QObject inWorker;
    inWorker.moveToThread(&worker);
    QEventLoop loop;
    bool arrived = false;
    // Once the loop is about to wait (only a 10 s timer ahead of it), another thread posts to
    // it: only the wake-up can end the wait before the timer does.
    connect(
            dispatcher(), &QAbstractEventDispatcher::aboutToBlock, &inWorker,
            [&] {
                QMetaObject::invokeMethod(
                        &loop,
                        [&] {
                            arrived = true;
                            loop.quit();
                        },
                        Qt::QueuedConnection);
            },
            Qt::SingleShotConnection);
    QTimer::singleShot(10s, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY(arrived);
    worker.quit();
    QVERIFY(worker.wait(2000));
}

void tst_EpollEventDispatcher::manyConnectionsExchangeEveryByte()
{
    // Echo server: each of 100 clients sends 64 KiB and must get every byte back.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *peer = server.nextPendingConnection()) {
            connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll()); });
            connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
        }
    });
    constexpr int Clients = 100;
    const QByteArray payload(64 * 1024, 'e');
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    QList<qint64> echoed(Clients, 0);
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<QTcpSocket>());
        QTcpSocket *client = clients.back().get();
        connect(client, &QTcpSocket::readyRead, this,
                [&echoed, client, i] { echoed[i] += client->readAll().size(); });
        client->connectToHost(QHostAddress::LocalHost, server.serverPort());
        client->write(payload);
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(echoed.cbegin(), echoed.cend(),
                                         [&](qint64 n) { return n == payload.size(); }),
                             20000);
    for (auto &client : clients)
        client->disconnectFromHost();
    QTRY_VERIFY(std::all_of(clients.cbegin(), clients.cend(), [](const auto &c) {
        return c->state() == QAbstractSocket::UnconnectedState;
    }));
}

void tst_EpollEventDispatcher::closedSocketsAreDroppedAndTheirDescriptorsReused()
{
    // A peer that closes while data is queued for it, again and again: the descriptors come
    // back for new sockets, and a stale readiness must never reach the new one.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    int greeted = 0;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *peer = server.nextPendingConnection()) {
            peer->write("hello\n");
            connect(peer, &QTcpSocket::readyRead, peer, [peer] {
                peer->readAll();
                peer->abort();
                peer->deleteLater();
            });
            connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
        }
    });
    for (int round = 0; round < 200; ++round) {
        auto client = std::make_unique<QTcpSocket>();
        bool gotHello = false;
        connect(client.get(), &QTcpSocket::readyRead, this, [&] {
            if (client->readAll().startsWith("hello")) {
                gotHello = true;
                client->write("bye\n");
            }
        });
        client->connectToHost(QHostAddress::LocalHost, server.serverPort());
        QTRY_VERIFY_WITH_TIMEOUT(gotHello, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 5000);
        ++greeted;
    }
    QCOMPARE(greeted, 200);
}

void tst_EpollEventDispatcher::nestedLoopInsideAHandlerKeepsTheOuterLoopWorking()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket client;
    QByteArray inner;
    bool nestedDone = false;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer, [&, peer] { inner += peer->readAll(); });
    });
    QTimer::singleShot(0, this, [&] {
        QEventLoop loop;
        QTimer::singleShot(0, &loop, [&] { client.write("inside"); });
        connect(&client, &QTcpSocket::bytesWritten, &loop,
                [&] { QTimer::singleShot(20ms, &loop, &QEventLoop::quit); });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
        nestedDone = true;
    });
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(nestedDone, 6000);
    QTRY_COMPARE_WITH_TIMEOUT(inner, QByteArray("inside"), 5000);
    client.write("+outside");
    QTRY_COMPARE_WITH_TIMEOUT(inner, QByteArray("inside+outside"), 5000);
}

void tst_EpollEventDispatcher::chatServerDeliversBetweenClients()
{
    ServerConfig config;
    config.port = 0;
    ChatServer server(config);
    QVERIFY(server.listen());
    TestClient aa;
    TestClient bb;
    QVERIFY(aa.join(server.serverPort(), u"aa"_s));
    QVERIFY(bb.join(server.serverPort(), u"bb"_s));
    aa.say(u"over epoll"_s, u"c1"_s);
    const auto arrived = [&bb] {
        const auto messages = bb.all<Protocol::Message>();
        return std::any_of(messages.cbegin(), messages.cend(),
                           [](const Protocol::Message &m) { return m.text == u"over epoll"_s; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(arrived(), 5000);
}

NATTER_SERVER_TEST_MAIN(tst_EpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
