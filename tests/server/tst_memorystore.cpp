// SPDX-License-Identifier: BSD-3-Clause
#include "memorystore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Protocol::Message;

class tst_MemoryStore : public QObject
{
    Q_OBJECT

private slots:
    void historyIsALimitPerRoom_data();
    void historyIsALimitPerRoom();
    void truncatedIsPerRoom();
    void directMessagesStayBetweenTheirPairInTheLobby();
    void searchOnlyTheGivenRooms();
    void lastSeqInIsPerRoom();
    void retentionRemovesFromEveryRoom();
    void roomsAreNotKept();

private:
    static Message message(const QString &room, qint64 seq, const QString &text = u"word"_s,
                           const QString &to = {}, qint64 timestamp = 1000)
    {
        return Message { seq, timestamp, u"aa"_s, to, text, {}, room };
    }
    static QList<qint64> seqs(const QList<Message> &messages)
    {
        QList<qint64> result;
        for (const Message &m : messages)
            result.append(m.seq);
        return result;
    }
    static QList<Message> search(MemoryStore &store, const QString &nick, const QStringList &rooms,
                                 const QString &query, qsizetype limit = 50)
    {
        std::optional<QList<Message>> found;
        QObject context;
        store.search(nick, rooms, MessageStore::searchTerms(query), std::nullopt, limit, &context,
                     [&](QList<Message> messages) { found = std::move(messages); });
        // Answered through the event loop, never at once.
        if (!QTest::qWaitFor([&] { return found.has_value(); }, 5000))
            qWarning("no answer to the search for %s", qPrintable(query));
        return found.value_or(QList<Message> {});
    }
};

void tst_MemoryStore::historyIsALimitPerRoom_data()
{
    QTest::addColumn<qsizetype>("limit");
    QTest::addColumn<QList<qint64>>("lobby");
    QTest::addColumn<QList<qint64>>("dev");
    // The lobby gets 1-6, dev 7 and 8, written interleaved.
    QTest::newRow("none kept") << qsizetype(0) << QList<qint64> {} << QList<qint64> {};
    QTest::newRow("one") << qsizetype(1) << QList<qint64> { 6 } << QList<qint64> { 8 };
    QTest::newRow("three") << qsizetype(3) << QList<qint64> { 4, 5, 6 } << QList<qint64> { 7, 8 };
    QTest::newRow("all") << qsizetype(100) << QList<qint64> { 1, 2, 3, 4, 5, 6 }
                         << QList<qint64> { 7, 8 };
}

void tst_MemoryStore::historyIsALimitPerRoom()
{
    QFETCH(qsizetype, limit);
    QFETCH(QList<qint64>, lobby);
    QFETCH(QList<qint64>, dev);
    MemoryStore store(limit);
    QSignalSpy written(&store, &MessageStore::batchWritten);
    store.write({ message(Protocol::Lobby, 1), message(Protocol::Lobby, 2), message(u"dev"_s, 7) });
    // Nothing to wait for: the batch is "stored" before write() returns.
    QCOMPARE(written.size(), 1);
    store.write({ message(Protocol::Lobby, 3), message(Protocol::Lobby, 4), message(u"dev"_s, 8),
                  message(Protocol::Lobby, 5), message(Protocol::Lobby, 6) });
    QCOMPARE(written.size(), 2);
    QCOMPARE(seqs(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 50).messages), lobby);
    QCOMPARE(seqs(store.replay(u"bb"_s, u"dev"_s, std::nullopt, 50).messages), dev);
    QCOMPARE(seqs(store.before(u"bb"_s, Protocol::Lobby, 100, 50)), lobby);
    QCOMPARE(seqs(store.before(u"bb"_s, u"dev"_s, 100, 50)), dev);
    QVERIFY(store.replay(u"bb"_s, u"elsewhere"_s, std::nullopt, 50).messages.isEmpty());
}

void tst_MemoryStore::truncatedIsPerRoom()
{
    MemoryStore store(2);
    store.write({ message(Protocol::Lobby, 1), message(Protocol::Lobby, 2), message(u"dev"_s, 3),
                  message(Protocol::Lobby, 4), message(u"dev"_s, 5), message(Protocol::Lobby, 6) });
    // The lobby dropped 1 and 2; dev dropped nothing, though its numbers have gaps.
    QVERIFY(store.replay(u"bb"_s, Protocol::Lobby, 0, 50).truncated);
    QVERIFY(store.replay(u"bb"_s, Protocol::Lobby, 1, 50).truncated);
    QVERIFY(!store.replay(u"bb"_s, Protocol::Lobby, 2, 50).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 0, 50).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 3, 50).truncated);
    // Asking for fewer than there are leaves a gap.
    const auto one = store.replay(u"bb"_s, u"dev"_s, 0, 1);
    QCOMPARE(seqs(one.messages), QList<qint64> { 5 });
    QVERIFY(one.truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, std::nullopt, 1).truncated); // a first join
}

void tst_MemoryStore::directMessagesStayBetweenTheirPairInTheLobby()
{
    MemoryStore store(10);
    store.write({ message(Protocol::Lobby, 1), message(Protocol::Lobby, 2, u"for bb"_s, u"BB"_s) });
    QCOMPARE(seqs(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10).messages),
             (QList<qint64> { 1, 2 }));
    QCOMPARE(seqs(store.replay(u"aa"_s, Protocol::Lobby, std::nullopt, 10).messages),
             (QList<qint64> { 1, 2 }));
    QCOMPARE(seqs(store.replay(u"cc"_s, Protocol::Lobby, std::nullopt, 10).messages),
             QList<qint64> { 1 });
    QVERIFY(search(store, u"cc"_s, { Protocol::Lobby }, u"bb"_s).isEmpty());
    QCOMPARE(search(store, u"bb"_s, { Protocol::Lobby }, u"bb"_s).size(), 1);
}

void tst_MemoryStore::searchOnlyTheGivenRooms()
{
    MemoryStore store(10);
    store.write({ message(Protocol::Lobby, 1, u"deploy now"_s), message(u"dev"_s, 2, u"deploy"_s),
                  message(u"ops"_s, 3, u"Deploy later"_s), message(u"dev"_s, 4, u"other"_s) });
    QCOMPARE(seqs(search(store, u"bb"_s, { u"dev"_s }, u"deploy"_s)), QList<qint64> { 2 });
    QCOMPARE(seqs(search(store, u"bb"_s, { u"ops"_s, Protocol::Lobby }, u"deploy"_s)),
             (QList<qint64> { 1, 3 }));
    // The newest of all the rooms, oldest first.
    QCOMPARE(seqs(search(store, u"bb"_s, { u"ops"_s, u"dev"_s, Protocol::Lobby }, u"deploy"_s, 2)),
             (QList<qint64> { 2, 3 }));
    QVERIFY(search(store, u"bb"_s, {}, u"deploy"_s).isEmpty());
}

void tst_MemoryStore::lastSeqInIsPerRoom()
{
    MemoryStore store(10);
    QCOMPARE(store.lastSeqIn(Protocol::Lobby), 0);
    store.write({ message(Protocol::Lobby, 1), message(u"dev"_s, 2),
                  message(Protocol::Lobby, 3, u"direct"_s, u"bb"_s) });
    // The direct message counts: the room serves nothing numbered above lastSeqIn.
    QCOMPARE(store.lastSeqIn(Protocol::Lobby), 3);
    QCOMPARE(store.lastSeqIn(u"dev"_s), 2);
    QCOMPARE(store.lastSeqIn(u"ops"_s), 0);
}

void tst_MemoryStore::retentionRemovesFromEveryRoom()
{
    MemoryStore store(10);
    store.write({ message(Protocol::Lobby, 1, u"old"_s, {}, 1000),
                  message(u"dev"_s, 2, u"old"_s, {}, 1000),
                  message(u"dev"_s, 3, u"new"_s, {}, 5000) });
    QCOMPARE(store.removeOlderThan(3000), 2);
    QVERIFY(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10).messages.isEmpty());
    QVERIFY(store.replay(u"bb"_s, Protocol::Lobby, 0, 10).truncated);
    QCOMPARE(seqs(store.replay(u"bb"_s, u"dev"_s, 0, 10).messages), QList<qint64> { 3 });
    QVERIFY(store.replay(u"bb"_s, u"dev"_s, 0, 10).truncated);
}

void tst_MemoryStore::roomsAreNotKept()
{
    MemoryStore store(10);
    QSignalSpy written(&store, &MessageStore::batchWritten);
    MessageStore::RoomRecord dev;
    dev.name = u"dev"_s;
    store.saveRoom(dev);
    store.saveMember(u"dev"_s, u"aa"_s);
    store.saveReadMarker(u"dev"_s, u"aa"_s, 3);
    store.saveInvite(u"dev"_s, u"bb"_s);
    store.removeMember(u"dev"_s, u"aa"_s);
    QVERIFY(store.loadRooms().isEmpty());
    QCOMPARE(written.size(), 0); // room changes are not batches
}

QTEST_GUILESS_MAIN(tst_MemoryStore)
#include "tst_memorystore.moc"
