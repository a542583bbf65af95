#include "sqlitestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>
#include <QTemporaryDir>
#include <QTest>

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

private:
    static Message message(qint64 seq, const QString &from, const QString &text,
                           const QString &to = {}, qint64 timestamp = 1'764'000'000'000)
    {
        return Message { seq, timestamp, from, to, text, u"id%1"_s.arg(seq) };
    }
    bool write(SqliteStore &store, const QList<Message> &batch);
    static QList<Message> search(SqliteStore &store, const QString &nick, const QString &query,
                                 std::optional<qint64> before, qsizetype limit);
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
        const auto replay = store.replay(u"cc"_s, std::nullopt, 10);
        QCOMPARE(replay.messages.size(), 2);
        QCOMPARE(replay.messages.at(0).text, u"hello"_s);
        QCOMPARE(replay.messages.at(1).id, u"id2"_s);
    }
    SqliteStore again({ path() });
    QString error;
    QVERIFY2(again.open(&error), qPrintable(error));
    QCOMPARE(again.lastSeq(), 2); // numbering goes on after a restart
    QCOMPARE(again.replay(u"cc"_s, 1, 10).messages.size(), 1);
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

    auto replay = store.replay(u"bb"_s, 7, 5);
    QCOMPARE(replay.messages.size(), 3);
    QCOMPARE(replay.messages.first().seq, 8);
    QVERIFY(!replay.truncated);
    replay = store.replay(u"bb"_s, 2, 5); // 8 missed, 5 served: the rest is a gap
    QCOMPARE(replay.messages.size(), 5);
    QCOMPARE(replay.messages.first().seq, 6);
    QVERIFY(replay.truncated);
    replay = store.replay(u"bb"_s, std::nullopt, 5); // a first join: the newest, no gap
    QCOMPARE(replay.messages.last().seq, 10);
    QVERIFY(!replay.truncated);
}

void tst_SqliteStore::directMessagesStayBetweenTheirPair()
{
    SqliteStore store({ path() });
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(write(store, { message(1, u"aa"_s, u"public"_s), message(2, u"aa"_s, u"for bb"_s, u"bb"_s),
                           message(3, u"cc"_s, u"for aa"_s, u"AA"_s) }));
    QCOMPARE(store.replay(u"bb"_s, std::nullopt, 10).messages.size(), 2);
    QCOMPARE(store.replay(u"aa"_s, std::nullopt, 10).messages.size(), 3);
    QCOMPARE(store.replay(u"dd"_s, std::nullopt, 10).messages.size(), 1);
}

QList<Message> tst_SqliteStore::search(SqliteStore &store, const QString &nick,
                                       const QString &query, std::optional<qint64> before,
                                       qsizetype limit)
{
    std::optional<QList<Message>> found;
    QObject context;
    store.search(nick, MessageStore::searchTerms(query), before, limit, &context,
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
    QVERIFY(write(store, { message(1, u"aa"_s, u"the deploy went fine"_s),
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
    const auto older = store.before(u"bb"_s, 21, 5);
    QCOMPARE(older.size(), 5);
    QCOMPARE(older.first().seq, 16);
    QCOMPARE(older.last().seq, 20);
    QVERIFY(store.before(u"bb"_s, 1, 5).isEmpty());
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
    // messages. Every one of these reads should cost about the same as the cheapest.
    auto timeUs = [](const std::function<qsizetype()> &read) {
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 50; ++i) {
            if (read() != 100)
                return qint64(-1);
        }
        return timer.nsecsElapsed() / 1000;
    };
    const qint64 last = seq + 1;
    const qint64 near = timeUs([&] { return store.replay(u"xx"_s, std::nullopt, 100).messages.size(); });
    const qint64 far = timeUs([&] { return store.replay(u"yy"_s, std::nullopt, 100).messages.size(); });
    const qint64 historyNear = timeUs([&] { return store.before(u"xx"_s, last, 100).size(); });
    const qint64 historyFar = timeUs([&] { return store.before(u"yy"_s, last, 100).size(); });
    QVERIFY(near > 0 && far > 0 && historyNear > 0 && historyFar > 0);
    qInfo("50 joins: %lld us for xx, %lld us for yy; 50 history reads: %lld us, %lld us", near,
          far, historyNear, historyFar);
    const qint64 cheapest = std::min({ near, far, historyNear, historyFar });
    for (const qint64 cost : { near, far, historyNear, historyFar })
        QVERIFY2(cost < 4 * cheapest, qPrintable(u"%1 us against %2 us"_s.arg(cost).arg(cheapest)));
    QCOMPARE(store.replay(u"yy"_s, std::nullopt, 100).messages.constLast().seq, 100);
    QCOMPARE(store.replay(u"xx"_s, std::nullopt, 100).messages.constFirst().seq, last - 100);
    QCOMPARE(store.replay(u"pp"_s, std::nullopt, 100).messages.constFirst().text, u"between us"_s);
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
    store.search(u"bb"_s, { u"deploy"_s }, std::nullopt, 10, context.get(),
                 [&](QList<Message>) { answered = true; });
    QVERIFY(!answered);
    QTRY_VERIFY(answered);
    answered = false;
    store.search(u"bb"_s, { u"deploy"_s }, std::nullopt, 10, context.get(),
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
    QVERIFY(write(store, { message(1, u"aa"_s, u"old"_s, {}, 1000), message(2, u"aa"_s, u"old too"_s, {}, 2000),
                           message(3, u"aa"_s, u"new"_s, {}, 5000) }));
    QCOMPARE(store.removeOlderThan(3000), 2);
    const auto replay = store.replay(u"bb"_s, 0, 10);
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
    QCOMPARE(store.replay(u"bb"_s, std::nullopt, 500).messages.size(), 1); // rolled back whole
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
    QCOMPARE(store.replay(u"bb"_s, std::nullopt, 10).messages.size(), 1);
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

QTEST_GUILESS_MAIN(tst_SqliteStore)
#include "tst_sqlitestore.moc"
