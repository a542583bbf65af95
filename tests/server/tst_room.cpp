// SPDX-License-Identifier: BSD-3-Clause
#include "fakemember.h"
#include "memorystore.h"
#include "room.h"

#include <QTest>

namespace {
MessageStore::RoomRecord lobby()
{
    MessageStore::RoomRecord record;
    record.name = Protocol::Lobby;
    return record;
}
} // namespace

using namespace Qt::StringLiterals;
using namespace Protocol;

// The room over members without sockets: membership, the pipeline through the store, and
// push-back on senders.
class tst_Room : public QObject
{
    Q_OBJECT

private slots:
    void messageIsDeliveredAndAckedOnceStored();
    void directMessageReachesOnlyItsRecipient();
    void heaviestSenderIsHeldBackNotTheOthers();
    void readersBehindHoldBackOnlyThoseWhoSent();
    void sinceFromAnotherEpochIsVoid();

private:
    static QList<ServerFrame> frames(const FakeMember &member)
    {
        QList<ServerFrame> result;
        for (const QByteArray &line : member.received().split('\n')) {
            if (!line.isEmpty())
                result.append(decodeServerFrame(line).frame);
        }
        return result;
    }
    template<typename Frame>
    static qsizetype count(const FakeMember &member)
    {
        qsizetype n = 0;
        for (const ServerFrame &frame : frames(member))
            n += std::holds_alternative<Frame>(frame);
        return n;
    }
};

void tst_Room::messageIsDeliveredAndAckedOnceStored()
{
    MemoryStore store(100);
    StoreQueue queue(&store);
    Room room(lobby(), &queue, ServerConfig {});
    FakeMember aa(u"aa"_s), bb(u"bb"_s);
    room.join(&aa, std::nullopt);
    room.join(&bb, std::nullopt);
    QCOMPARE(room.post(&aa, u"hello"_s, {}, u"a1"_s), std::nullopt);
    QCOMPARE(count<Message>(bb), 0); // not before the store has it
    QTRY_COMPARE(count<Message>(bb), 1);
    QCOMPARE(std::get<Message>(frames(bb).constLast()).text, u"hello"_s);
    QCOMPARE(std::get<Message>(frames(bb).constLast()).id, QString()); // the sender's business
    QTRY_COMPARE(count<Ack>(aa), 1);
    QCOMPARE(count<Message>(aa), 0);
    QCOMPARE(room.lastSeq(), 1);
    room.leave(&aa, LeaveReason::Exit);
    room.leave(&bb, LeaveReason::Exit);
}

void tst_Room::directMessageReachesOnlyItsRecipient()
{
    MemoryStore store(100);
    StoreQueue queue(&store);
    Room room(lobby(), &queue, ServerConfig {});
    FakeMember aa(u"aa"_s), bb(u"bb"_s), cc(u"cc"_s);
    for (FakeMember *member : { &aa, &bb, &cc })
        room.join(member, std::nullopt);
    QCOMPARE(room.post(&aa, u"psst"_s, u"BB"_s, u"d1"_s), std::nullopt);
    QCOMPARE(room.post(&aa, u"psst"_s, u"nobody"_s, u"d2"_s), ErrorCode::NoSuchUser);
    QTRY_COMPARE(count<Ack>(aa), 1);
    QCOMPARE(count<Message>(bb), 1);
    QCOMPARE(std::get<Message>(frames(bb).constLast()).to, u"bb"_s);
    QCOMPARE(count<Message>(cc), 0);
    for (FakeMember *member : { &aa, &bb, &cc })
        room.leave(member, LeaveReason::Exit);
}

void tst_Room::heaviestSenderIsHeldBackNotTheOthers()
{
    MemoryStore store(100);
    StoreQueue queue(&store);
    Room room(lobby(), &queue, ServerConfig {});
    FakeMember flooder(u"flooder"_s), talker(u"talker"_s), reader(u"reader"_s);
    for (FakeMember *member : { &flooder, &talker, &reader })
        room.join(member, std::nullopt);
    // All within one turn of the event loop: nothing has reached the store yet.
    for (int i = 0; i < 250; ++i)
        room.post(&flooder, u"flood %1"_s.arg(i), {}, u"f%1"_s.arg(i));
    for (int i = 0; i < 20; ++i)
        room.post(&talker, u"talk %1"_s.arg(i), {}, u"t%1"_s.arg(i));
    QVERIFY(!room.mayRead(&flooder));
    QVERIFY(room.mayRead(&talker));
    QVERIFY(room.mayRead(&reader));
    QTRY_COMPARE(count<Message>(reader), 270);
    QTRY_COMPARE(flooder.resumed, 1); // once the store has caught up
    QVERIFY(room.mayRead(&flooder));
    for (FakeMember *member : { &flooder, &talker, &reader })
        room.leave(member, LeaveReason::Exit);
}

void tst_Room::readersBehindHoldBackOnlyThoseWhoSent()
{
    ServerConfig config;
    config.maxSendQueueBytes = 64 * 1024;
    MemoryStore store(100);
    StoreQueue queue(&store);
    Room room(lobby(), &queue, config);
    FakeMember sender(u"sender"_s), quiet(u"quiet"_s), slowA(u"slowA"_s), slowB(u"slowB"_s);
    for (FakeMember *member : { &sender, &quiet, &slowA, &slowB })
        room.join(member, std::nullopt);
    // Readers that take their bytes slowly but steadily: the room outpaces them.
    quiet.stalled = slowA.stalled = slowB.stalled = true;
    for (int i = 0; i < 100; ++i)
        room.post(&sender, u"%1 "_s.arg(i) + QString(3000, u'z'), {}, u"s%1"_s.arg(i));
    QTRY_COMPARE(count<Ack>(sender), 100);
    QVERIFY(!room.mayRead(&sender)); // the one who sent what they have not been given
    QVERIFY(room.mayRead(&quiet));
    while (count<Message>(slowA) < 100) { // they catch up
        for (FakeMember *member : { &quiet, &slowA, &slowB }) {
            member->drain();
            room.memberDrained(member);
        }
    }
    QTRY_COMPARE(sender.resumed, 1);
    for (FakeMember *member : { &sender, &quiet, &slowA, &slowB })
        room.leave(member, LeaveReason::Exit);
}

void tst_Room::sinceFromAnotherEpochIsVoid()
{
    MemoryStore store(100);
    StoreQueue queue(&store);
    Room room(lobby(), &queue, ServerConfig {});
    FakeMember aa(u"aa"_s);
    room.join(&aa, std::nullopt);
    for (int i = 0; i < 3; ++i)
        room.post(&aa, u"m%1"_s.arg(i), {}, {});
    QTRY_COMPARE(room.lastSeq(), 3);

    FakeMember same(u"same"_s), other(u"other"_s), legacy(u"legacy"_s);
    room.join(&same, 2, room.epoch());
    room.join(&other, 2, u"feedfacefeedface"_s);
    room.join(&legacy, 2);
    const auto welcome = [](const FakeMember &member) {
        return std::get<Welcome>(decodeServerFrame(member.writes.first()).frame);
    };
    QCOMPARE(welcome(same).epoch, store.epoch());
    QVERIFY(!welcome(same).historyReset);
    QCOMPARE(welcome(same).history.size(), 1);
    QVERIFY(welcome(other).historyReset);
    QCOMPARE(welcome(other).history.size(), 3);
    QVERIFY(!welcome(other).historyTruncated); // all of this numbering is there
    QVERIFY(!welcome(legacy).historyReset); // a client that names no epoch keeps its numbers
    QCOMPARE(welcome(legacy).history.size(), 1);
    for (FakeMember *member : { &aa, &same, &other, &legacy })
        room.leave(member, LeaveReason::Exit);
}

QTEST_GUILESS_MAIN(tst_Room)
#include "tst_room.moc"
