#include "sqlitestore.h"

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
    QCOMPARE(texts(store.search(u"bb"_s, u"deploy"_s, std::nullopt, 50)),
             QStringList({ u"the deploy went fine"_s, u"deploy again tomorrow"_s,
                           u"100% \"quoted\" (deploy) OR NOT"_s }));
    QCOMPARE(texts(store.search(u"cc"_s, u"deploy secret"_s, std::nullopt, 50)),
             QStringList { u"secret deploy plan"_s });
    QVERIFY(store.search(u"bb"_s, u"secret"_s, std::nullopt, 50).isEmpty());
    QCOMPARE(store.search(u"bb"_s, u"deploy"_s, 2, 50).size(), 1); // before seq 2
    QCOMPARE(store.search(u"bb"_s, u"\"quoted\" OR"_s, std::nullopt, 50).size(), 1);
    QVERIFY(store.search(u"bb"_s, u"   "_s, std::nullopt, 50).isEmpty());
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
    QVERIFY(store.search(u"bb"_s, u"old"_s, std::nullopt, 10).isEmpty());
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
