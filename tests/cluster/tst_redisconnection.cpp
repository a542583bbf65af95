// SPDX-License-Identifier: BSD-3-Clause
#include "cluster/redisconnection.h"
#include "clusterprocesses.h"

#include <QSignalSpy>

#include <memory>

using Reply = RedisConnection::Reply;

// hiredis in the event loop against a real redis-server: replies in order, publications, and
// what a caller sees while Redis is away and after it is back.
class tst_RedisConnection : public QObject
{
    Q_OBJECT
private slots:
    void parsesAddresses_data();
    void parsesAddresses();
    void repliesComeInOrder();
    void publicationsReachSubscribers();
    void subscriptionsAreConfirmedAndCanEnd();
    void commandsFailWhileRedisIsAwayAndWorkWhenItIsBack();
};

void tst_RedisConnection::parsesAddresses_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("shown");
    QTest::newRow("tcp") << u"redis://10.0.0.5:6380/2"_s << true << u"redis://10.0.0.5:6380/2"_s;
    QTest::newRow("default port") << u"redis://localhost"_s << true
                                  << u"redis://localhost:6379/0"_s;
    QTest::newRow("unix") << u"unix:/run/redis/redis.sock"_s << true
                          << u"unix:/run/redis/redis.sock"_s;
    QTest::newRow("unix with slashes") << u"unix:///tmp/r.sock"_s << true << u"unix:/tmp/r.sock"_s;
    QTest::newRow("empty") << QString() << false << QString();
    QTest::newRow("unix without path") << u"unix:"_s << false << QString();
    QTest::newRow("other scheme") << u"http://localhost:6379"_s << false << QString();
    QTest::newRow("password in url") << u"redis://:secret@localhost:6379"_s << false << QString();
    QTest::newRow("bad database") << u"redis://localhost:6379/x"_s << false << QString();
    QTest::newRow("bad port") << u"redis://localhost:99999"_s << false << QString();
}

void tst_RedisConnection::parsesAddresses()
{
    QFETCH(QString, url);
    QFETCH(bool, valid);
    QFETCH(QString, shown);
    RedisAddress address;
    QString error;
    QCOMPARE(RedisAddress::parse(url, &address, &error), valid);
    if (valid)
        QCOMPARE(address.toString(), shown);
    else
        QVERIFY(!error.isEmpty());
}

static RedisAddress addressOf(const RedisProcess &redis)
{
    RedisAddress address;
    QString error;
    RedisAddress::parse(redis.url(), &address, &error);
    return address;
}

void tst_RedisConnection::repliesComeInOrder()
{
    RedisProcess redis;
    QVERIFY(redis.start());
    RedisConnection connection(addressOf(redis), u"test"_s);
    connection.open();
    // Commands given while it connects wait for the connection, in order.
    QList<qint64> counts;
    for (int i = 0; i < 100; ++i)
        connection.command({ "INCR", "n" },
                           [&](const Reply &reply) { counts.append(reply.integer); });
    Reply value;
    connection.command({ "SET", "k", QByteArray("a\0b", 3) });
    connection.command({ "GET", "k" }, [&](const Reply &reply) { value = reply; });
    QTRY_COMPARE(counts.size(), 100);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(counts.at(i), i + 1);
    QTRY_COMPARE(value.type, Reply::Type::String);
    QCOMPARE(value.string, QByteArray("a\0b", 3)); // binary-safe
    Reply error;
    connection.command({ "NOSUCHCOMMAND" }, [&](const Reply &reply) { error = reply; });
    QTRY_COMPARE(error.type, Reply::Type::Error);
    QVERIFY(!error.isOk());
}

void tst_RedisConnection::publicationsReachSubscribers()
{
    RedisProcess redis;
    QVERIFY(redis.start());
    RedisConnection publisher(addressOf(redis), u"pub"_s);
    RedisConnection subscriber(addressOf(redis), u"sub"_s);
    QSignalSpy ready(&subscriber, &RedisConnection::ready);
    QSignalSpy messages(&subscriber, &RedisConnection::message);
    subscriber.subscribe("natter:cluster");
    subscriber.subscribePattern("natter:room:*");
    publisher.open();
    subscriber.open();
    QTRY_COMPARE(ready.size(), 1);
    // Published until the subscription has taken (SUBSCRIBE is answered asynchronously).
    QVERIFY(QTest::qWaitFor(
            [&] {
                publisher.command({ "PUBLISH", "natter:room:dev", "hello" });
                return QTest::qWaitFor([&] { return !messages.isEmpty(); }, 200);
            },
            5000));
    QCOMPARE(messages.constLast().at(0).toByteArray(), QByteArray("natter:room:dev"));
    QCOMPARE(messages.constLast().at(1).toByteArray(), QByteArray("hello"));
    messages.clear();
    publisher.command({ "PUBLISH", "natter:cluster", "c" });
    publisher.command({ "PUBLISH", "natter:other", "not for us" });
    publisher.command({ "PUBLISH", "natter:room:lobby", "m" });
    QTRY_COMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).at(0).toByteArray(), QByteArray("natter:cluster"));
    QCOMPARE(messages.at(1).at(1).toByteArray(), QByteArray("m"));
}

void tst_RedisConnection::subscriptionsAreConfirmedAndCanEnd()
{
    RedisProcess redis;
    QVERIFY(redis.start());
    RedisConnection publisher(addressOf(redis), u"pub"_s);
    RedisConnection subscriber(addressOf(redis), u"sub"_s);
    QSignalSpy subscribed(&subscriber, &RedisConnection::subscribed);
    QSignalSpy messages(&subscriber, &RedisConnection::message);
    subscriber.subscribe("natter:cluster");
    publisher.open();
    subscriber.open();
    QTRY_COMPARE(subscribed.size(), 1);
    QCOMPARE(subscribed.at(0).at(0).toByteArray(), QByteArray("natter:cluster"));
    subscriber.subscribe("natter:room:dev");
    QTRY_COMPARE(subscribed.size(), 2);
    // Confirmed: a publication from now on is not missed, and Redis counts one receiver.
    Reply receivers;
    publisher.command({ "PUBLISH", "natter:room:dev", "one" },
                      [&](const Reply &reply) { receivers = reply; });
    QTRY_COMPARE(receivers.type, Reply::Type::Integer);
    QCOMPARE(receivers.integer, 1);
    QTRY_COMPARE(messages.size(), 1);

    subscriber.unsubscribe("natter:room:dev");
    QVERIFY(!subscriber.isSubscribed("natter:room:dev"));
    QVERIFY(QTest::qWaitFor(
            [&] {
                receivers = {};
                publisher.command({ "PUBLISH", "natter:room:dev", "nobody" },
                                  [&](const Reply &reply) { receivers = reply; });
                return QTest::qWaitFor([&] { return receivers.type != Reply::Type::Failed; }, 1000)
                        && receivers.integer == 0;
            },
            5000));
    // Left and taken again before Redis answered: one confirmation, for the newest, and the
    // subscription holds (hiredis keeps the channel's callback).
    subscriber.subscribe("natter:room:dev");
    subscriber.unsubscribe("natter:room:dev");
    subscriber.subscribe("natter:room:dev");
    QTRY_COMPARE(subscribed.size(), 3);
    messages.clear();
    publisher.command({ "PUBLISH", "natter:room:dev", "two" });
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).at(1).toByteArray(), QByteArray("two"));
    QCOMPARE(subscribed.size(), 3);
}

void tst_RedisConnection::commandsFailWhileRedisIsAwayAndWorkWhenItIsBack()
{
    auto redis = std::make_unique<RedisProcess>(RedisProcess::Persistence::AppendOnly);
    QVERIFY(redis->start());
    RedisConnection connection(addressOf(*redis), u"test"_s);
    RedisConnection subscriber(addressOf(*redis), u"sub"_s);
    QSignalSpy ready(&connection, &RedisConnection::ready);
    QSignalSpy lost(&connection, &RedisConnection::lost);
    QSignalSpy subscriberReady(&subscriber, &RedisConnection::ready);
    QSignalSpy messages(&subscriber, &RedisConnection::message);
    subscriber.subscribe("natter:cluster");
    connection.open();
    subscriber.open();
    QTRY_COMPARE(ready.size(), 1);
    QTRY_COMPARE(subscriberReady.size(), 1);
    bool stored = false;
    connection.command({ "SET", "kept", "1" }, [&](const Reply &reply) { stored = reply.isOk(); });
    QTRY_VERIFY(stored);

    redis->stop();
    QTRY_COMPARE(lost.size(), 1);
    QVERIFY(!connection.isReady());
    // Away: the caller hears at once, through the event loop, never from inside command().
    bool answered = false;
    Reply whileAway;
    connection.command({ "GET", "kept" }, [&](const Reply &reply) {
        answered = true;
        whileAway = reply;
    });
    QVERIFY(!answered);
    QTRY_VERIFY(answered);
    QCOMPARE(whileAway.type, Reply::Type::Failed);

    QVERIFY(redis->start()); // the same socket, with its append-only file
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 10000);
    Reply back;
    connection.command({ "GET", "kept" }, [&](const Reply &reply) { back = reply; });
    QTRY_COMPARE(back.string, QByteArray("1"));
    // The subscription is made again by itself.
    QTRY_COMPARE_WITH_TIMEOUT(subscriberReady.size(), 2, 10000);
    QVERIFY(QTest::qWaitFor(
            [&] {
                connection.command({ "PUBLISH", "natter:cluster", "again" });
                return QTest::qWaitFor([&] { return !messages.isEmpty(); }, 200);
            },
            5000));
    QCOMPARE(messages.constLast().at(1).toByteArray(), QByteArray("again"));
}

QTEST_GUILESS_MAIN(tst_RedisConnection)
#include "tst_redisconnection.moc"
