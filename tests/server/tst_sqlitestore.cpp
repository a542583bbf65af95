// SPDX-License-Identifier: BSD-3-Clause
#include "sqlitestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <limits>

using namespace Qt::StringLiterals;
using Protocol::Message;

class tst_SqliteStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void writesAreReadBackAndSurviveReopening();
    void replayFollowsSinceAndLimit();
    void directMessagesStayBetweenTheirPair();
    void searchFindsAllWordsAndRespectsPrivacy();
    void olderMessagesForScrollingBack();
    void readsDoNotWalkOtherPeoplesDirectMessages();
    void searchIsAnsweredLaterAndOnlyToItsAsker();
    void retentionRemovesOldRows();
    void fullDiskFailsTheBatch();
    void writeWaitsForAnotherWriter();
    void readOnlyFileIsAClearError();
    void corruptFileIsAClearError();
    void roomsDoNotMix_data();
    void roomsDoNotMix();
    void directMessagesAreOnlyInTheLobby();
    void truncatedIsPerRoom();
    void lastSeqInIsPerRoom();
    void roomsSurviveReopening();
    void readMarkerNeverGoesBackwards();
    void roomChangesAreNotBatches();
    void roomChangesFinishBeforeTheStoreCloses();
    void schemaTwoFileMigratesIntoTheLobby();

private:
    static Message message(qint64 seq, const QString &from, const QString &text,
                           const QString &to = {}, qint64 timestamp = 1'764'000'000'000,
                           const QString &room = Protocol::Lobby)
    {
        return Message { seq, timestamp, from, to, text, u"id%1"_s.arg(seq), room };
    }
    static Message inRoom(const QString &room, qint64 seq, const QString &from, const QString &text,
                          qint64 timestamp = 1'764'000'000'000)
    {
        return message(seq, from, text, {}, timestamp, room);
    }
    bool write(SqliteStore &store, const QList<Message> &batch);
    static QList<Message> search(SqliteStore &store, const QString &nick, const QString &query,
                                 std::optional<qint64> before, qsizetype limit,
                                 const QStringList &rooms = { Protocol::Lobby });
    static QList<qint64> seqs(const QList<Message> &messages);
    QString path() const { return m_dir.filePath(u"natter.sqlite"_s); }

    QTemporaryDir m_dir;
};

void tst_SqliteStore::init()
{
    QFile::remove(path());
    QFile::remove(path() + u"-wal"_s);
    QFile::remove(path() + u"-shm"_s);
}

bool tst_SqliteStore::write(SqliteStore &store, const QList<Message> &batch)
{
    QSignalSpy written(&store, &MessageStore::batchWritten);
    store.write(batch);
    // The writer thread answers through the event loop.
    if (!written.wait(5000))
        return false;
    return written.at(0).at(0).toBool();
}

void tst_SqliteStore::writesAreReadBackAndSurviveReopening()
{
    {
        SqliteStore store({ path() });
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.lastSeq(), 0);
        QVERIFY(write(store, { message(1, u"aa"_s, u"hello"_s), message(2, u"bb"_s, u"hi"_s) }));
        const auto replay = store.replay(u"cc"_s, Protocol::Lobby, std::nullopt, 10);
        QCOMPARE(replay.messages.size(), 2);
        QCOMPARE(replay.messages.at(0).text, u"hello"_s);
        QCOMPARE(replay.messages.at(1).id, u"id2"_s);
    }
    SqliteStore again({ path() });
    QString error;
    QVERIFY2(again.open(&error), qPrintable(error));
    QCOMPARE(again.lastSeq(), 2); // numbering goes on after a restart
    QCOMPARE(again.replay(u"cc"_s, Protocol::Lobby, 1, 10).messages.size(), 1);
}

void tst_SqliteStore::replayFollowsSinceAndLimit()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QList<Message> batch;
    for (int seq = 1; seq <= 10; ++seq)
        batch.append(message(seq, u"aa"_s, u"m%1"_s.arg(seq)));
    QVERIFY(write(store, batch));

    auto replay = store.replay(u"bb"_s, Protocol::Lobby, 7, 5);
    QCOMPARE(replay.messages.size(), 3);
    QCOMPARE(replay.messages.first().seq, 8);
    QVERIFY(!replay.truncated);
    replay = store.replay(u"bb"_s, Protocol::Lobby, 2, 5); // 8 missed, 5 served: the rest is a gap
    QCOMPARE(replay.messages.size(), 5);
    QCOMPARE(replay.messages.first().seq, 6);
    QVERIFY(replay.truncated);
    // A first join: the newest, no gap.
    replay = store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 5);
    QCOMPARE(replay.messages.last().seq, 10);
    QVERIFY(!replay.truncated);
}

void tst_SqliteStore::directMessagesStayBetweenTheirPair()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store,
                  { message(1, u"aa"_s, u"public"_s), message(2, u"aa"_s, u"for bb"_s, u"bb"_s),
                    message(3, u"cc"_s, u"for aa"_s, u"AA"_s) }));
    QCOMPARE(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10).messages.size(), 2);
    QCOMPARE(store.replay(u"aa"_s, Protocol::Lobby, std::nullopt, 10).messages.size(), 3);
    QCOMPARE(store.replay(u"dd"_s, Protocol::Lobby, std::nullopt, 10).messages.size(), 1);
}

QList<Message> tst_SqliteStore::search(SqliteStore &store, const QString &nick,
                                       const QString &query, std::optional<qint64> before,
                                       qsizetype limit, const QStringList &rooms)
{
    std::optional<QList<Message>> found;
    QObject context;
    store.search(nick, rooms, MessageStore::searchTerms(query), before, limit, &context,
                 [&](QList<Message> messages) { found = std::move(messages); });
    // Answered through the event loop, from the searcher thread.
    if (!QTest::qWaitFor([&] { return found.has_value(); }, 5000))
        qWarning("no answer to the search for %s", qPrintable(query));
    return found.value_or(QList<Message> {});
}

void tst_SqliteStore::searchFindsAllWordsAndRespectsPrivacy()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store,
                  { message(1, u"aa"_s, u"the deploy went fine"_s),
                    message(2, u"bb"_s, u"deploy again tomorrow"_s),
                    message(3, u"aa"_s, u"secret deploy plan"_s, u"cc"_s),
                    message(4, u"dd"_s, u"100% \"quoted\" (deploy) OR NOT"_s) }));
    auto texts = [](const QList<Message> &messages) {
        QStringList result;
        for (const Message &m : messages)
            result.append(m.text);
        return result;
    };
    QCOMPARE(texts(search(store, u"bb"_s, u"deploy"_s, std::nullopt, 50)),
             QStringList({ u"the deploy went fine"_s, u"deploy again tomorrow"_s,
                           u"100% \"quoted\" (deploy) OR NOT"_s }));
    QCOMPARE(texts(search(store, u"cc"_s, u"deploy secret"_s, std::nullopt, 50)),
             QStringList { u"secret deploy plan"_s });
    QVERIFY(search(store, u"bb"_s, u"secret"_s, std::nullopt, 50).isEmpty());
    QCOMPARE(search(store, u"bb"_s, u"deploy"_s, 2, 50).size(), 1); // before seq 2
    QCOMPARE(search(store, u"bb"_s, u"\"quoted\" OR"_s, std::nullopt, 50).size(), 1);
    QVERIFY(search(store, u"bb"_s, u"   "_s, std::nullopt, 50).isEmpty());
    qInfo("full-text search: %s", store.hasFullTextSearch() ? "FTS5" : "LIKE");
}

void tst_SqliteStore::olderMessagesForScrollingBack()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QList<Message> batch;
    for (int seq = 1; seq <= 30; ++seq)
        batch.append(message(seq, u"aa"_s, u"m%1"_s.arg(seq)));
    QVERIFY(write(store, batch));
    const auto older = store.before(u"bb"_s, Protocol::Lobby, 21, 5);
    QCOMPARE(older.size(), 5);
    QCOMPARE(older.first().seq, 16);
    QCOMPARE(older.last().seq, 20);
    QVERIFY(store.before(u"bb"_s, Protocol::Lobby, 1, 5).isEmpty());
}

void tst_SqliteStore::readsDoNotWalkOtherPeoplesDirectMessages()
{
    // 100 broadcasts, then 100,000 direct messages between two other people, then 100 to xx.
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    qint64 seq = 0;
    QList<Message> batch;
    for (int i = 0; i < 100; ++i)
        batch.append(message(++seq, u"aa"_s, u"for everyone"_s));
    QVERIFY(write(store, batch));
    for (int b = 0; b < 10; ++b) {
        batch.clear();
        for (int i = 0; i < 10'000; ++i)
            batch.append(message(++seq, u"pp"_s, u"between us"_s, u"qq"_s));
        QVERIFY(write(store, batch));
    }
    batch.clear();
    for (int i = 0; i < 100; ++i)
        batch.append(message(++seq, u"aa"_s, u"for xx"_s, u"xx"_s));
    QVERIFY(write(store, batch));

    // xx's newest are at the end; yy's (the broadcasts) are under everyone else's direct
    // messages. Every one of these reads should cost within a small factor of the cheapest
    // (reading a direct message's three parts costs ~3 times a broadcast's one).
    // The best of five rounds: a round the scheduler interrupted (the suite runs in parallel on
    // two cores) says nothing about the query. Walking the 100,000 rows costs ~100 times more.
    auto timeUs = [](const std::function<qsizetype()> &read) {
        qint64 best = std::numeric_limits<qint64>::max();
        for (int round = 0; round < 5; ++round) {
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < 10; ++i) {
                if (read() != 100)
                    return qint64(-1);
            }
            best = std::min(best, timer.nsecsElapsed() / 1000);
        }
        return best;
    };
    const qint64 last = seq + 1;
    auto joinOf = [&](const QString &nick) {
        return store.replay(nick, Protocol::Lobby, std::nullopt, 100).messages;
    };
    const qint64 near = timeUs([&] { return joinOf(u"xx"_s).size(); });
    const qint64 far = timeUs([&] { return joinOf(u"yy"_s).size(); });
    const qint64 historyNear = timeUs(
            [&] { return store.before(u"xx"_s, Protocol::Lobby, last, 100).size(); });
    const qint64 historyFar = timeUs(
            [&] { return store.before(u"yy"_s, Protocol::Lobby, last, 100).size(); });
    QVERIFY(near > 0 && far > 0 && historyNear > 0 && historyFar > 0);
    qInfo("10 joins: %lld us for xx, %lld us for yy; 10 history reads: %lld us, %lld us", near, far,
          historyNear, historyFar);
    const qint64 cheapest = std::min({ near, far, historyNear, historyFar });
    for (const qint64 cost : { near, far, historyNear, historyFar })
        QVERIFY2(cost < 10 * cheapest,
                 qPrintable(u"%1 us against %2 us"_s.arg(cost).arg(cheapest)));
    QCOMPARE(joinOf(u"yy"_s).constLast().seq, 100);
    QCOMPARE(joinOf(u"xx"_s).constFirst().seq, last - 100);
    QCOMPARE(joinOf(u"pp"_s).constFirst().text, u"between us"_s);
}

void tst_SqliteStore::searchIsAnsweredLaterAndOnlyToItsAsker()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store, { message(1, u"aa"_s, u"deploy"_s) }));
    // Never answered before search() returns, and not at all once the asker is gone.
    bool answered = false;
    auto context = std::make_unique<QObject>();
    store.search(u"bb"_s, { Protocol::Lobby }, { u"deploy"_s }, std::nullopt, 10, context.get(),
                 [&](QList<Message>) { answered = true; });
    QVERIFY(!answered);
    QTRY_VERIFY(answered);
    answered = false;
    store.search(u"bb"_s, { Protocol::Lobby }, { u"deploy"_s }, std::nullopt, 10, context.get(),
                 [&](QList<Message>) { answered = true; });
    context.reset();
    // Searches are answered in order: once this one is, the one above has been dropped.
    QCOMPARE(search(store, u"bb"_s, u"deploy"_s, std::nullopt, 10).size(), 1);
    QVERIFY(!answered);
}

void tst_SqliteStore::retentionRemovesOldRows()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store,
                  { message(1, u"aa"_s, u"old"_s, {}, 1000),
                    message(2, u"aa"_s, u"old too"_s, {}, 2000),
                    message(3, u"aa"_s, u"new"_s, {}, 5000) }));
    QCOMPARE(store.removeOlderThan(3000), 2);
    const auto replay = store.replay(u"bb"_s, Protocol::Lobby, 0, 10);
    QCOMPARE(replay.messages.size(), 1);
    QVERIFY(replay.truncated); // 1 and 2 are gone for someone who had seen nothing
    QVERIFY(search(store, u"bb"_s, u"old"_s, std::nullopt, 10).isEmpty());
}

void tst_SqliteStore::fullDiskFailsTheBatch()
{
    SqliteStore probe({ path() });
    QString error;
    QVERIFY(probe.open(&error));
    QVERIFY(write(probe, { message(1, u"aa"_s, u"fits"_s) }));
    SqliteStore store({ path(), 12 }); // a file that cannot grow past 12 pages
    QVERIFY2(store.open(&error), qPrintable(error));
    QList<Message> big;
    for (int seq = 2; seq < 200; ++seq)
        big.append(message(seq, u"aa"_s, QString(1000, u'x')));
    QSignalSpy written(&store, &MessageStore::batchWritten);
    store.write(big);
    QVERIFY(written.wait(5000));
    QCOMPARE(written.at(0).at(0).toBool(), false);
    QVERIFY(!written.at(0).at(1).toString().isEmpty());
    // Rolled back whole.
    QCOMPARE(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 500).messages.size(), 1);
}

void tst_SqliteStore::writeWaitsForAnotherWriter()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    {
        // A backup or an operator's sqlite3 shell holding the write lock for a moment must not
        // cost messages: the batch waits for the lock instead of failing.
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"other"_s);
        other.setDatabaseName(path());
        QVERIFY(other.open());
        QVERIFY(QSqlQuery(other).exec(u"BEGIN IMMEDIATE"_s));
        QTimer::singleShot(300, this, [&] { QVERIFY(QSqlQuery(other).exec(u"COMMIT"_s)); });
        QVERIFY(write(store, { message(1, u"aa"_s, u"waited"_s) }));
        other.close();
    }
    QSqlDatabase::removeDatabase(u"other"_s);
    QCOMPARE(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10).messages.size(), 1);
}

void tst_SqliteStore::readOnlyFileIsAClearError()
{
    {
        SqliteStore store({ path() });
        QString error;
        QVERIFY(store.open(&error));
    }
    QFile::setPermissions(path(), QFile::ReadOwner | QFile::ReadGroup);
    // Root writes to read-only files anyway; an immutable file stops root too.
    const bool immutable = QFile(path()).open(QIODevice::ReadWrite)
            && QProcess::execute(u"chattr"_s, { u"+i"_s, path() }) == 0;
    const auto restore = qScopeGuard([&] {
        if (immutable)
            QProcess::execute(u"chattr"_s, { u"-i"_s, path() });
        QFile::setPermissions(path(), QFile::ReadOwner | QFile::WriteOwner);
    });
    if (QFile(path()).open(QIODevice::ReadWrite))
        QSKIP("cannot make a file read-only for this user here");
    SqliteStore store({ path() });
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(path()), qPrintable(error));
    qInfo("%s", qPrintable(error));
}

void tst_SqliteStore::corruptFileIsAClearError()
{
    QFile file(path());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, '\x42'));
    file.close();
    SqliteStore store({ path() });
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(path()), qPrintable(error));
    qInfo("%s", qPrintable(error));
}

QList<qint64> tst_SqliteStore::seqs(const QList<Message> &messages)
{
    QList<qint64> result;
    for (const Message &m : messages)
        result.append(m.seq);
    return result;
}

void tst_SqliteStore::roomsDoNotMix_data()
{
    QTest::addColumn<QString>("room");
    QTest::addColumn<QList<qint64>>("expected");
    // 1, 3, 5 are the lobby's, 2, 4 Dev's, 6 is Ünïcode's; 7 is a direct message (lobby).
    QTest::newRow("lobby") << Protocol::Lobby << QList<qint64> { 1, 3, 5, 7 };
    QTest::newRow("dev") << u"Dev"_s << QList<qint64> { 2, 4 };
    QTest::newRow("non-ascii") << u"Ünïcode"_s << QList<qint64> { 6 };
    QTest::newRow("unknown") << u"nowhere"_s << QList<qint64> {};
}

void tst_SqliteStore::roomsDoNotMix()
{
    QFETCH(QString, room);
    QFETCH(QList<qint64>, expected);
    SqliteStore store({ path() });
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(write(
            store,
            { message(1, u"aa"_s, u"word one"_s), inRoom(u"Dev"_s, 2, u"aa"_s, u"word two"_s),
              message(3, u"bb"_s, u"word three"_s), inRoom(u"Dev"_s, 4, u"bb"_s, u"word four"_s),
              message(5, u"aa"_s, u"word five"_s), inRoom(u"Ünïcode"_s, 6, u"cc"_s, u"word six"_s),
              message(7, u"bb"_s, u"word seven"_s, u"aa"_s) }));
    const auto replay = store.replay(u"aa"_s, room, std::nullopt, 10);
    QCOMPARE(seqs(replay.messages), expected);
    QVERIFY(!replay.truncated);
    for (const Message &m : replay.messages)
        QCOMPARE(m.room, room);
    QList<qint64> after2;
    std::copy_if(expected.cbegin(), expected.cend(), std::back_inserter(after2),
                 [](qint64 seq) { return seq > 2; });
    QCOMPARE(seqs(store.replay(u"aa"_s, room, 2, 10).messages), after2);
    QCOMPARE(seqs(store.before(u"aa"_s, room, 8, 10)), expected);
    QCOMPARE(seqs(search(store, u"aa"_s, u"word"_s, std::nullopt, 10, { room })), expected);
    // A search of several rooms sees them all; of none, nothing.
    QCOMPARE(search(store, u"aa"_s, u"word"_s, std::nullopt, 10, { room, u"Dev"_s }).size(),
             room == u"Dev"_s ? 2 : expected.size() + 2);
    QVERIFY(search(store, u"aa"_s, u"word"_s, std::nullopt, 10, {}).isEmpty());
}

void tst_SqliteStore::directMessagesAreOnlyInTheLobby()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store,
                  { message(1, u"aa"_s, u"secret plan"_s, u"bb"_s),
                    inRoom(u"dev"_s, 2, u"aa"_s, u"public plan"_s),
                    message(3, u"cc"_s, u"plan for aa"_s, u"AA"_s) }));
    for (const QString &nick : { u"aa"_s, u"bb"_s, u"cc"_s, u"dd"_s }) {
        QCOMPARE(seqs(store.replay(nick, u"dev"_s, std::nullopt, 10).messages),
                 QList<qint64> { 2 });
        QCOMPARE(seqs(store.before(nick, u"dev"_s, 10, 10)), QList<qint64> { 2 });
    }
    QCOMPARE(seqs(store.replay(u"aa"_s, Protocol::Lobby, std::nullopt, 10).messages),
             (QList<qint64> { 1, 3 }));
    QCOMPARE(seqs(store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10).messages),
             QList<qint64> { 1 });
    QCOMPARE(seqs(store.before(u"cc"_s, Protocol::Lobby, 10, 10)), QList<qint64> { 3 });
    QVERIFY(store.replay(u"dd"_s, Protocol::Lobby, std::nullopt, 10).messages.isEmpty());
    const QStringList both { Protocol::Lobby, u"dev"_s };
    QCOMPARE(seqs(search(store, u"bb"_s, u"plan"_s, std::nullopt, 10, both)),
             (QList<qint64> { 1, 2 }));
    QCOMPARE(seqs(search(store, u"dd"_s, u"plan"_s, std::nullopt, 10, both)), QList<qint64> { 2 });
    QCOMPARE(seqs(search(store, u"aa"_s, u"plan"_s, std::nullopt, 10, both)),
             (QList<qint64> { 1, 2, 3 }));
}

void tst_SqliteStore::truncatedIsPerRoom()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    // The lobby has 1-4 (old) and 9; dev has 5-8, and 10 long after the others.
    QList<Message> batch;
    for (int seq = 1; seq <= 4; ++seq)
        batch.append(message(seq, u"aa"_s, u"old"_s, {}, 1000));
    for (int seq = 5; seq <= 8; ++seq)
        batch.append(inRoom(u"dev"_s, seq, u"aa"_s, u"dev"_s, 5000));
    batch.append(message(9, u"aa"_s, u"new"_s, {}, 5000));
    QVERIFY(write(store, batch));

    // Before any retention, a position before the room's first message is no gap.
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 0, 10).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 2, 10).truncated);
    // The limit cuts per room: 4 of dev's after 0 do not fit in 3.
    QVERIFY(store.replay(u"bb"_s, u"dev"_s, 0, 3).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 0, 4).truncated);
    QVERIFY(!store.replay(u"bb"_s, Protocol::Lobby, 0, 5).truncated);

    QCOMPARE(store.removeOlderThan(3000), 4);
    // The lobby lost 1-4: a reader at 2 missed 3 and 4; dev lost nothing.
    QVERIFY(store.replay(u"bb"_s, Protocol::Lobby, 2, 10).truncated);
    QVERIFY(!store.replay(u"bb"_s, Protocol::Lobby, 4, 10).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 4, 10).truncated);
    QVERIFY(!store.replay(u"bb"_s, u"dev"_s, 6, 10).truncated);
    QCOMPARE(seqs(store.replay(u"bb"_s, u"dev"_s, 6, 10).messages), (QList<qint64> { 7, 8 }));
}

void tst_SqliteStore::lastSeqInIsPerRoom()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QCOMPARE(store.lastSeqIn(Protocol::Lobby), 0);
    QVERIFY(write(store,
                  { message(1, u"aa"_s, u"a"_s), inRoom(u"dev"_s, 2, u"aa"_s, u"b"_s),
                    message(3, u"aa"_s, u"c"_s), message(4, u"aa"_s, u"d"_s, u"bb"_s) }));
    // The lobby's direct message counts: the room serves nothing numbered above lastSeqIn.
    QCOMPARE(store.lastSeqIn(Protocol::Lobby), 4);
    QCOMPARE(store.lastSeqIn(u"dev"_s), 2);
    QCOMPARE(store.lastSeqIn(u"empty"_s), 0);
    QCOMPARE(store.lastSeq(), 0); // written before this run only
}

void tst_SqliteStore::roomsSurviveReopening()
{
    {
        SqliteStore store({ path() });
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store.loadRooms().isEmpty());
        MessageStore::RoomRecord dev;
        dev.name = u"Dev"_s;
        dev.topic = u"builds"_s;
        dev.owner = u"aa"_s;
        store.saveRoom(dev);
        MessageStore::RoomRecord secret;
        secret.name = u"Sécret"_s;
        secret.owner = u"bb"_s;
        secret.isPrivate = true;
        store.saveRoom(secret);
        dev.topic = u"releases"_s; // an update, not a second room
        store.saveRoom(dev);
        store.saveMember(u"Dev"_s, u"AA"_s);
        store.saveMember(u"dev"_s, u"cc"_s);
        store.saveMember(u"Dev"_s, u"aa"_s); // already a member: keeps "AA"
        store.saveReadMarker(u"Dev"_s, u"aa"_s, 7);
        store.saveMember(u"Sécret"_s, u"bb"_s);
        store.saveInvite(u"Sécret"_s, u"Dd"_s);
        store.saveInvite(u"Sécret"_s, u"dd"_s);
        store.saveMember(u"Sécret"_s, u"cc"_s);
        store.removeMember(u"Sécret"_s, u"CC"_s);
        store.saveReadMarker(u"Sécret"_s, u"ee"_s, 9); // not a member: no row
        // Room changes are written in order with the batches, so once this one is written,
        // they are too.
        QVERIFY(write(store, { inRoom(u"Dev"_s, 1, u"aa"_s, u"hi"_s) }));
    }
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    const auto rooms = store.loadRooms();
    QCOMPARE(rooms.size(), 2);
    const MessageStore::RoomRecord &dev = rooms.at(0); // as created
    QCOMPARE(dev.name, u"Dev"_s);
    QCOMPARE(dev.topic, u"releases"_s);
    QCOMPARE(dev.owner, u"aa"_s);
    QVERIFY(!dev.isPrivate);
    QCOMPARE(dev.members.size(), 2);
    QCOMPARE(dev.members.value(u"aa"_s).nick, u"AA"_s);
    QCOMPARE(dev.members.value(u"aa"_s).read, 7);
    QCOMPARE(dev.members.value(u"cc"_s).read, 0);
    QVERIFY(dev.invited.isEmpty());
    const MessageStore::RoomRecord &secret = rooms.at(1);
    QCOMPARE(secret.name, u"Sécret"_s);
    QVERIFY(secret.isPrivate);
    QCOMPARE(QStringList(secret.members.keyBegin(), secret.members.keyEnd()),
             QStringList { u"bb"_s });
    QCOMPARE(secret.invited, QSet<QString> { u"dd"_s });
}

void tst_SqliteStore::readMarkerNeverGoesBackwards()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    store.saveMember(Protocol::Lobby, u"aa"_s);
    store.saveReadMarker(Protocol::Lobby, u"aa"_s, 10);
    store.saveReadMarker(Protocol::Lobby, u"aa"_s, 4); // a second connection, behind
    store.saveMember(Protocol::Lobby, u"aa"_s); // joining again keeps the marker
    QVERIFY(write(store, { message(1, u"aa"_s, u"hi"_s) }));
    auto rooms = store.loadRooms();
    // The lobby was never saved as a room; its members make it one.
    QCOMPARE(rooms.size(), 1);
    QCOMPARE(rooms.at(0).name, Protocol::Lobby);
    QCOMPARE(rooms.at(0).members.value(u"aa"_s).read, 10);
    store.saveReadMarker(Protocol::Lobby, u"aa"_s, 12);
    QVERIFY(write(store, { message(2, u"aa"_s, u"hi"_s) }));
    QCOMPARE(store.loadRooms().at(0).members.value(u"aa"_s).read, 12);
}

void tst_SqliteStore::roomChangesAreNotBatches()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QSignalSpy written(&store, &MessageStore::batchWritten);
    MessageStore::RoomRecord dev;
    dev.name = u"dev"_s;
    store.saveRoom(dev);
    store.saveMember(u"dev"_s, u"aa"_s);
    store.saveReadMarker(u"dev"_s, u"aa"_s, 1);
    store.saveInvite(u"dev"_s, u"bb"_s);
    store.removeMember(u"dev"_s, u"aa"_s);
    store.write({ inRoom(u"dev"_s, 1, u"aa"_s, u"hi"_s) });
    // The rooms count one batchWritten per write(): the changes before it add none.
    QVERIFY(written.wait(5000));
    store.write({ inRoom(u"dev"_s, 2, u"aa"_s, u"hi"_s) });
    QTRY_COMPARE(written.size(), 2);
    QVERIFY(written.at(0).at(0).toBool() && written.at(1).at(0).toBool());
}

void tst_SqliteStore::roomChangesFinishBeforeTheStoreCloses()
{
    {
        SqliteStore store({ path() });
        QString error;
        QVERIFY(store.open(&error));
        MessageStore::RoomRecord ops;
        ops.name = u"Ops"_s;
        store.saveRoom(ops);
        store.saveMember(u"Ops"_s, u"aa"_s);
        // Closed at once: the writer finishes what it was handed before its thread ends.
    }
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    const auto rooms = store.loadRooms();
    QCOMPARE(rooms.size(), 1);
    QCOMPARE(rooms.at(0).name, u"Ops"_s);
    QVERIFY(rooms.at(0).members.contains(u"aa"_s));
}

void tst_SqliteStore::schemaTwoFileMigratesIntoTheLobby()
{
    {
        // A store as schema 2 left it, with the statements it was made with.
        QSqlDatabase old = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        old.setDatabaseName(path());
        QVERIFY(old.open());
        const QStringList statements {
            u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s,
            u"INSERT INTO schema_version (version) VALUES (2)"_s,
            u"CREATE TABLE messages (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, "
            "sender TEXT NOT NULL, sender_key TEXT NOT NULL, recipient TEXT, recipient_key TEXT, "
            "text TEXT NOT NULL, client_id TEXT)"_s,
            u"CREATE INDEX messages_by_time ON messages (ts)"_s,
            u"CREATE INDEX messages_direct ON messages (recipient_key, seq) "
            "WHERE recipient_key IS NOT NULL"_s,
            u"CREATE INDEX messages_broadcast ON messages (seq) WHERE recipient_key IS NULL"_s,
            u"CREATE INDEX messages_sent_direct ON messages (sender_key, seq) "
            "WHERE recipient_key IS NOT NULL"_s,
            u"CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', "
            "content_rowid='seq')"_s,
            u"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
            "INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text); END"_s,
            u"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
            "INSERT INTO messages_fts (messages_fts, rowid, text) "
            "VALUES ('delete', old.seq, old.text); END"_s,
            u"CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
            u"INSERT INTO store_meta (key, value) VALUES ('epoch', '00000000000000ab')"_s,
            u"INSERT INTO messages VALUES (1, 1000, 'aa', 'aa', NULL, NULL, 'old news', 'c1')"_s,
            u"INSERT INTO messages VALUES (2, 2000, 'aa', 'aa', 'BB', 'bb', 'old secret', 'c2')"_s,
            u"INSERT INTO messages VALUES (3, 3000, 'cc', 'cc', NULL, NULL, 'more news', NULL)"_s,
        };
        for (const QString &statement : statements) {
            QSqlQuery query(old);
            // Without FTS5 the LIKE fallback is what a schema-2 file would have had.
            if (!query.exec(statement) && !statement.contains(u"fts"_s))
                QFAIL(qPrintable(query.lastError().text()));
        }
        old.close();
    }
    QSqlDatabase::removeDatabase(u"old"_s);

    SqliteStore store({ path() });
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QCOMPARE(store.epoch(), u"00000000000000ab"_s); // the numbering goes on
    QCOMPARE(store.lastSeq(), 3);
    QCOMPARE(store.lastSeqIn(Protocol::Lobby), 3);
    const auto lobby = store.replay(u"bb"_s, Protocol::Lobby, std::nullopt, 10);
    QCOMPARE(seqs(lobby.messages), (QList<qint64> { 1, 2, 3 }));
    QCOMPARE(lobby.messages.at(1).to, u"BB"_s);
    for (const Message &m : lobby.messages)
        QCOMPARE(m.room, Protocol::Lobby);
    QCOMPARE(seqs(store.replay(u"dd"_s, Protocol::Lobby, std::nullopt, 10).messages),
             (QList<qint64> { 1, 3 }));
    QCOMPARE(seqs(search(store, u"bb"_s, u"old"_s, std::nullopt, 10)), (QList<qint64> { 1, 2 }));
    QCOMPARE(seqs(search(store, u"dd"_s, u"old"_s, std::nullopt, 10)), QList<qint64> { 1 });
    QCOMPARE(store.recentWithClientIds(10).size(), 2);
    // New messages go on in rooms, searchable like the old ones.
    QVERIFY(write(store, { inRoom(u"dev"_s, 4, u"aa"_s, u"news in dev"_s) }));
    QCOMPARE(seqs(search(store, u"aa"_s, u"news"_s, std::nullopt, 10, { u"dev"_s })),
             QList<qint64> { 4 });
    QCOMPARE(seqs(store.replay(u"aa"_s, Protocol::Lobby, 1, 10).messages),
             (QList<qint64> { 2, 3 }));
    QSqlQuery version(u"SELECT version FROM schema_version"_s,
                      QSqlDatabase::database(u"natter-reader-%1"_s.arg(quintptr(&store)), false));
    QVERIFY(version.next());
    QCOMPARE(version.value(0).toInt(), SqliteStore::SchemaVersion);
}

QTEST_GUILESS_MAIN(tst_SqliteStore)
#include "tst_sqlitestore.moc"
