// SPDX-License-Identifier: BSD-3-Clause
#include "sqlitestore.h"

#include "serverlogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace {

// Each schema version's statements, applied in order from the store's version to the newest.
const QList<QStringList> migrations = {
    // 1: messages, indexes for direct messages and retention, full-text search when available
    { u"CREATE TABLE messages (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, "
      "sender TEXT NOT NULL, sender_key TEXT NOT NULL, recipient TEXT, recipient_key TEXT, "
      "text TEXT NOT NULL, client_id TEXT)"_s,
      u"CREATE INDEX messages_by_time ON messages (ts)"_s,
      u"CREATE INDEX messages_direct ON messages (recipient_key, seq) "
      "WHERE recipient_key IS NOT NULL"_s },
    // 2: broadcasts and sent direct messages, so that reading what a nick may see never walks
    // other people's direct messages
    { u"CREATE INDEX messages_broadcast ON messages (seq) WHERE recipient_key IS NULL"_s,
      u"CREATE INDEX messages_sent_direct ON messages (sender_key, seq) "
      "WHERE recipient_key IS NOT NULL"_s },
    // 3: rooms. Every message so far was the lobby's; direct messages stay there. Broadcasts
    // are read per room, so their index leads with the room.
    { u"ALTER TABLE messages ADD COLUMN room TEXT NOT NULL DEFAULT 'lobby'"_s,
      u"DROP INDEX messages_broadcast"_s,
      u"CREATE INDEX messages_room_broadcast ON messages (room, seq) "
      "WHERE recipient_key IS NULL"_s,
      u"CREATE TABLE rooms (room_key TEXT PRIMARY KEY, name TEXT NOT NULL, "
      "topic TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '', "
      "private INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL)"_s,
      u"CREATE TABLE room_members (room_key TEXT NOT NULL, nick_key TEXT NOT NULL, "
      "nick TEXT NOT NULL, read_seq INTEGER NOT NULL DEFAULT 0, "
      "PRIMARY KEY (room_key, nick_key)) WITHOUT ROWID"_s,
      u"CREATE TABLE room_invites (room_key TEXT NOT NULL, nick_key TEXT NOT NULL, "
      "PRIMARY KEY (room_key, nick_key)) WITHOUT ROWID"_s },
};

const QStringList fullTextStatements = {
    u"CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', "
    "content_rowid='seq')"_s,
    u"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text); END"_s,
    u"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text); "
    "END"_s,
};

const QString visibleTo = u"(recipient_key IS NULL OR sender_key = :key OR recipient_key = :key)"_s;

// A null QString binds as NULL: the columns that hold text are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? u""_s : value;
}

bool exec(QSqlDatabase &db, const QString &statement, QString *error)
{
    QSqlQuery query(db);
    if (query.exec(statement))
        return true;
    *error = query.lastError().text();
    return false;
}

QSqlDatabase openConnection(const QString &name, const QString &path, QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!db.open()) {
        *error = db.lastError().text();
        return db;
    }
    for (const QString &pragma : { u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                   u"PRAGMA foreign_keys=ON"_s }) {
        if (!exec(db, pragma, error))
            break;
    }
    return db;
}

const QString columns = u"seq, ts, sender, recipient, text, client_id, room"_s;

// The messages a query finds, oldest first.
QList<Protocol::Message> readMessages(const QSqlDatabase &db, const QString &sql,
                                      const QVariantMap &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(sql);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        query.bindValue(it.key(), it.value());
    QList<Protocol::Message> found;
    if (!query.exec()) {
        qCWarning(lcServer).noquote() << "message store query failed:" << query.lastError().text();
        return found;
    }
    while (query.next()) {
        Protocol::Message message;
        message.seq = query.value(0).toLongLong();
        message.timestamp = query.value(1).toLongLong();
        message.from = query.value(2).toString();
        message.to = query.value(3).toString();
        message.text = query.value(4).toString();
        message.id = query.value(5).toString();
        message.room = query.value(6).toString();
        found.prepend(std::move(message));
    }
    return found;
}

QList<Protocol::Message> searchMessages(const QSqlDatabase &db, bool fullText, const QString &nick,
                                        const QStringList &rooms, const QStringList &words,
                                        std::optional<qint64> before, qsizetype limit)
{
    if (words.isEmpty() || rooms.isEmpty())
        return {};
    QVariantMap values { { u":key"_s, Protocol::storedNickKey(nick) },
                         { u":before"_s, before.value_or(std::numeric_limits<qint64>::max()) } };
    QStringList roomNames;
    QStringList conversations;
    for (qsizetype i = 0; i < rooms.size(); ++i) {
        if (const QString peer = Protocol::directPeer(rooms.at(i)); !peer.isEmpty()) {
            values.insert(u":p%1"_s.arg(i), Protocol::storedNickKey(peer));
            conversations.append(u"(recipient_key IS NOT NULL AND ((sender_key = :key AND "
                                 "recipient_key = :p%1) OR (sender_key = :p%1 AND "
                                 "recipient_key = :key)))"_s.arg(i));
            continue;
        }
        values.insert(u":r%1"_s.arg(i), rooms.at(i));
        roomNames.append(u":r%1"_s.arg(i));
    }
    if (!roomNames.isEmpty())
        conversations.prepend(u"room IN (%1)"_s.arg(roomNames.join(u", "_s)));
    QString where = u"seq < :before AND (%1) AND "_s.arg(conversations.join(u" OR "_s)) + visibleTo;
    if (fullText) {
        // Each word as an FTS5 string, so that operators and punctuation are taken literally.
        QStringList terms;
        for (QString word : words)
            terms.append(u'"' + word.replace(u'"', u"\"\""_s) + u'"');
        values.insert(u":match"_s, terms.join(u' '));
        where += u" AND seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match)"_s;
    } else {
        for (qsizetype i = 0; i < words.size(); ++i) {
            QString word = words.at(i);
            word.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
            values.insert(u":w%1"_s.arg(i), u'%' + word + u'%');
            where += u" AND text LIKE :w%1 ESCAPE '\\'"_s.arg(i);
        }
    }
    return readMessages(
            db,
            u"SELECT %1 FROM messages WHERE %2 ORDER BY seq DESC LIMIT %3"_s.arg(columns, where)
                    .arg(limit),
            values);
}

} // namespace

// Lives on the searcher thread with a read-only connection of its own.
class SqliteSearcher : public QObject
{
    Q_OBJECT
public:
    SqliteSearcher(QString path, bool fullText) : m_path(std::move(path)), m_fullText(fullText) { }
    ~SqliteSearcher() override
    {
        m_db.close();
        m_db = {};
        QSqlDatabase::removeDatabase(m_name);
    }

    QString open()
    {
        m_name = u"natter-searcher-%1"_s.arg(quintptr(this));
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        m_db.setDatabaseName(m_path);
        m_db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
        return m_db.open() ? QString() : m_db.lastError().text();
    }

    QList<Protocol::Message> search(const QString &nick, const QStringList &rooms,
                                    const QStringList &terms, std::optional<qint64> before,
                                    qsizetype limit)
    {
        return searchMessages(m_db, m_fullText, nick, rooms, terms, before, limit);
    }

private:
    QString m_path;
    bool m_fullText;
    QString m_name;
    QSqlDatabase m_db;
};

// Lives on the writer thread with its own connection: commits batches, reports each.
class SqliteWriter : public QObject
{
    Q_OBJECT
public:
    SqliteWriter(QString path, qint64 maxPageCount)
        : m_path(std::move(path)), m_maxPageCount(maxPageCount)
    {
    }
    ~SqliteWriter() override
    {
        applyChanges(); // the server is stopping: what it changed last is kept
        m_prepared.clear();
        m_db.close();
        m_db = {};
        QSqlDatabase::removeDatabase(m_name);
    }

    QString open()
    {
        m_name = u"natter-writer-%1"_s.arg(quintptr(this));
        QString error;
        m_db = openConnection(m_name, m_path, &error);
        if (error.isEmpty() && m_maxPageCount > 0)
            exec(m_db, u"PRAGMA max_page_count=%1"_s.arg(m_maxPageCount), &error);
        return error;
    }

    void write(const QList<Protocol::Message> &batch)
    {
        applyChanges(); // handed over before this batch: stored before it
        QString error;
        if (writeAll(batch, &error)) {
            emit written(true, {});
            return;
        }
        m_db.rollback();
        emit written(false, error);
    }

    // Changes to rooms wait for the rest of this turn's and go in one transaction: a crowd of
    // new members (10,000 after a restart) would otherwise cost a disk sync each, and the
    // message batches queued behind them would wait that long. A failure is logged, not
    // reported: rooms are kept in the server's memory too, and only a restart would miss it.
    void change(const QList<SqliteStore::RoomChange> &changes)
    {
        const bool first = m_changes.isEmpty();
        m_changes.append(changes);
        if (first)
            QTimer::singleShot(0, this, &SqliteWriter::applyChanges);
    }

    void applyChanges()
    {
        if (m_changes.isEmpty())
            return;
        const QList<SqliteStore::RoomChange> changes = std::exchange(m_changes, {});
        const bool inTransaction = QSqlQuery(m_db).exec(u"BEGIN IMMEDIATE"_s);
        for (const SqliteStore::RoomChange &change : changes) {
            // A handful of statements, each prepared once.
            auto prepared = m_prepared.find(change.statement);
            if (prepared == m_prepared.end()) {
                prepared = m_prepared.emplace(change.statement, QSqlQuery(m_db)).first;
                prepared->second.prepare(change.statement);
            }
            QSqlQuery &query = prepared->second;
            for (qsizetype i = 0; i < change.values.size(); ++i)
                query.bindValue(int(i), change.values.at(i));
            if (!query.exec())
                qCWarning(lcServer).noquote()
                        << "message store:" << change.what << "failed:" << query.lastError().text();
        }
        if (inTransaction && !m_db.commit()) {
            qCWarning(lcServer).noquote()
                    << "message store: saving rooms failed:" << m_db.lastError().text();
            m_db.rollback();
        }
    }

signals:
    void written(bool ok, const QString &error);

private:
    bool writeAll(const QList<Protocol::Message> &batch, QString *error)
    {
        // IMMEDIATE takes the write lock up front, where SQLite waits out the busy timeout for
        // another writer (a backup, an operator's sqlite3 shell); a deferred transaction would
        // fail the batch at its first insert instead.
        if (QSqlQuery begin(m_db); !begin.exec(u"BEGIN IMMEDIATE"_s)) {
            *error = begin.lastError().text();
            return false;
        }
        QSqlQuery insert(m_db);
        insert.prepare(u"INSERT INTO messages (seq, ts, sender, sender_key, recipient, "
                       "recipient_key, text, client_id, room) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        for (const Protocol::Message &message : batch) {
            insert.addBindValue(message.seq);
            insert.addBindValue(message.timestamp);
            insert.addBindValue(message.from);
            insert.addBindValue(Protocol::storedNickKey(message.from));
            insert.addBindValue(message.isDirect() ? QVariant(message.to) : QVariant());
            insert.addBindValue(message.isDirect() ? QVariant(Protocol::storedNickKey(message.to))
                                                   : QVariant());
            insert.addBindValue(message.text);
            insert.addBindValue(message.id.isEmpty() ? QVariant() : QVariant(message.id));
            // As in the protocol, no room is the lobby.
            insert.addBindValue(message.room.isEmpty() ? Protocol::Lobby : message.room);
            if (!insert.exec()) {
                *error = insert.lastError().text();
                return false;
            }
        }
        if (!m_db.commit()) {
            *error = m_db.lastError().text();
            return false;
        }
        return true;
    }

    QString m_path;
    qint64 m_maxPageCount;
    QString m_name;
    QSqlDatabase m_db;
    QList<SqliteStore::RoomChange> m_changes;
    // A std::map: QSqlQuery cannot be copied, which QHash's sharing needs.
    std::map<QString, QSqlQuery> m_prepared;
};

SqliteStore::SqliteStore(Options options, QObject *parent)
    : MessageStore(parent),
      m_options(std::move(options)),
      m_connectionName(u"natter-reader-%1"_s.arg(quintptr(this)))
{
    m_writerThread.setObjectName(u"natter-store-writer"_s);
    m_searcherThread.setObjectName(u"natter-store-searcher"_s);
}

SqliteStore::~SqliteStore()
{
    if (m_searcher) {
        // Searches not started yet are dropped; their askers are going too.
        QMetaObject::invokeMethod(m_searcher, &QObject::deleteLater, Qt::QueuedConnection);
        m_searcherThread.quit();
        m_searcherThread.wait();
    }
    if (m_writer) {
        handOverChanges();
        // Posted calls keep their order, so everything handed over runs before this one; a
        // deleteLater instead could be left for the thread's end, which skips posted calls.
        QMetaObject::invokeMethod(
                m_writer, [writer = m_writer] { delete writer; }, Qt::BlockingQueuedConnection);
        m_writerThread.quit();
        m_writerThread.wait();
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool SqliteStore::open(QString *error)
{
    const QFileInfo file(m_options.path);
    if (!QDir().mkpath(file.absolutePath())) {
        *error = u"cannot create the folder %1"_s.arg(file.absolutePath());
        return false;
    }
    QString problem;
    // SQLite in WAL mode writes to a side file first, so a read-only database would only show
    // at the first checkpoint: ask the file system now.
    if (QFile existing(m_options.path); existing.exists() && !existing.open(QIODevice::ReadWrite))
        problem = u"the file is read-only (%1)"_s.arg(existing.errorString());
    QSqlDatabase db = problem.isEmpty() ? openConnection(m_connectionName, m_options.path, &problem)
                                        : QSqlDatabase();
    if (problem.isEmpty())
        migrate(&problem);
    // Finding out now that the file cannot be written beats failing every message later.
    if (problem.isEmpty())
        exec(db, u"UPDATE schema_version SET version = version"_s, &problem);
    if (problem.isEmpty()) {
        QSqlQuery query(u"SELECT COALESCE(MAX(seq), 0) FROM messages"_s, db);
        if (query.next())
            m_lastSeq = query.value(0).toLongLong();
        else
            problem = query.lastError().text();
    }
    if (problem.isEmpty()) {
        // One walk over the two indexes of direct messages, once at start.
        QSqlQuery query(db);
        query.setForwardOnly(true);
        if (query.exec(
                    u"SELECT DISTINCT sender_key FROM messages INDEXED BY messages_sent_direct "
                    "WHERE recipient_key IS NOT NULL UNION SELECT DISTINCT recipient_key "
                    "FROM messages INDEXED BY messages_direct WHERE recipient_key IS NOT NULL"_s)) {
            while (query.next())
                m_directNicks.insert(query.value(0).toString());
        } else {
            problem = query.lastError().text();
        }
    }
    if (problem.isEmpty())
        loadEpoch(&problem);
    if (problem.isEmpty()) {
        m_writer = new SqliteWriter(m_options.path, m_options.maxPageCount);
        m_writer->moveToThread(&m_writerThread);
        connect(m_writer, &SqliteWriter::written, this, &MessageStore::batchWritten);
        m_writerThread.start();
        // Once, at start-up: the writer's connection is opened on its own thread.
        QMetaObject::invokeMethod(m_writer, &SqliteWriter::open, Qt::BlockingQueuedConnection,
                                  &problem);
    }
    if (problem.isEmpty()) {
        m_searcher = new SqliteSearcher(m_options.path, m_fullText);
        m_searcher->moveToThread(&m_searcherThread);
        m_searcherThread.start();
        QMetaObject::invokeMethod(m_searcher, &SqliteSearcher::open, Qt::BlockingQueuedConnection,
                                  &problem);
    }
    if (!problem.isEmpty()) {
        *error = u"cannot use the message store %1: %2"_s.arg(m_options.path, problem);
        return false;
    }
    qCInfo(lcServer).noquote() << u"Message store %1: %2 messages so far%3"_s.arg(
            m_options.path, QString::number(m_lastSeq),
            m_fullText ? u", full-text search on"_s : u""_s);
    return true;
}

bool SqliteStore::loadEpoch(QString *error)
{
    // Outside the numbered migrations: a store made before epochs existed gets one on its next
    // start, and its numbering simply continues under that name.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!exec(db,
              u"CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, "
              "value TEXT NOT NULL)"_s,
              error))
        return false;
    QSqlQuery select(u"SELECT value FROM store_meta WHERE key = 'epoch'"_s, db);
    if (select.next()) {
        m_epoch = select.value(0).toString();
        return true;
    }
    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO store_meta (key, value) VALUES ('epoch', :epoch)"_s);
    insert.bindValue(u":epoch"_s, newEpoch());
    if (!insert.exec()) {
        *error = insert.lastError().text();
        return false;
    }
    m_epoch = insert.boundValue(u":epoch"_s).toString();
    return true;
}

bool SqliteStore::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // Creating the version table first also proves that the file is a database.
    if (!exec(db, u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s, error))
        return false;
    QSqlQuery query(u"SELECT version FROM schema_version"_s, db);
    int version = query.next() ? query.value(0).toInt() : 0;
    query.finish(); // a statement still reading would lock the tables that migrations drop
    if (version > SchemaVersion) {
        *error = u"the store has schema version %1; this server knows up to %2"_s.arg(version).arg(
                SchemaVersion);
        return false;
    }
    while (version < SchemaVersion) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        for (const QString &statement : migrations.at(version)) {
            if (!exec(db, statement, error)) {
                db.rollback();
                return false;
            }
        }
        if (version == 0) {
            // Full-text search where SQLite was built with FTS5; an indexed LIKE otherwise.
            QString noFts;
            for (const QString &statement : fullTextStatements) {
                if (!exec(db, statement, &noFts))
                    break;
            }
        }
        ++version;
        if (!exec(db, u"DELETE FROM schema_version"_s, error)
            || !exec(db, u"INSERT INTO schema_version (version) VALUES (%1)"_s.arg(version), error)
            || !db.commit()) {
            if (error->isEmpty())
                *error = db.lastError().text();
            db.rollback();
            return false;
        }
    }
    QSqlQuery fts(u"SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'"_s, db);
    m_fullText = fts.next();
    return true;
}

void SqliteStore::write(const QList<Protocol::Message> &batch)
{
    handOverChanges(); // made before this batch: stored before it
    for (const Protocol::Message &message : batch) {
        if (message.isDirect()) {
            m_directNicks.insert(Protocol::storedNickKey(message.from));
            m_directNicks.insert(Protocol::storedNickKey(message.to));
        }
    }
    QMetaObject::invokeMethod(
            m_writer, [writer = m_writer, batch] { writer->write(batch); }, Qt::QueuedConnection);
}

QList<Protocol::Message> SqliteStore::select(const QString &where, const QVariantMap &values,
                                             qsizetype limit)
{
    return readMessages(
            QSqlDatabase::database(m_connectionName, false),
            u"SELECT %1 FROM messages WHERE %2 ORDER BY seq DESC LIMIT %3"_s.arg(columns, where)
                    .arg(limit),
            values);
}

QList<Protocol::Message> SqliteStore::selectVisible(const QString &nick, const QString &room,
                                                    const QString &range, QVariantMap values,
                                                    qsizetype limit, Pick pick)
{
    const QString order = pick == Pick::Newest ? u"DESC"_s : u"ASC"_s;
    // Rows come newest first and are put in order as read; the oldest come the other way.
    auto inOrder = [pick](QList<Protocol::Message> found) {
        if (pick == Pick::Oldest)
            std::reverse(found.begin(), found.end());
        return found;
    };
    if (const QString peer = Protocol::directPeer(room); !peer.isEmpty()) {
        // One conversation: what the peer sent the reader, and what the reader sent the peer.
        values.insert(u":key"_s, Protocol::storedNickKey(nick));
        values.insert(u":peer"_s, Protocol::storedNickKey(peer));
        const QString part = u"SELECT * FROM (SELECT %1 FROM messages INDEXED BY %2 WHERE %3 "
                             "AND %4 ORDER BY seq "_s
                + order + u" LIMIT %5)"_s;
        const QStringList parts {
            part.arg(columns, u"messages_direct"_s, range,
                     u"recipient_key = :key AND sender_key = :peer"_s)
                    .arg(limit),
            part.arg(columns, u"messages_sent_direct"_s, range,
                     u"sender_key = :key AND recipient_key = :peer AND recipient_key IS NOT NULL"_s)
                    .arg(limit),
        };
        return inOrder(readMessages(QSqlDatabase::database(m_connectionName, false),
                                    parts.join(u" UNION "_s) + u" ORDER BY seq "_s + order
                                            + u" LIMIT %1"_s.arg(limit),
                                    values));
    }
    values.insert(u":room"_s, room);
    // Broadcasts, direct messages to the reader, and those it sent, each read newest first from
    // its own index, then merged: a single query with OR would walk every row in `range`.
    // Direct messages are only ever in the lobby; other rooms have broadcasts alone.
    const QString part = u"SELECT * FROM (SELECT %1 FROM messages INDEXED BY %2 WHERE %3 AND %4 "
                         "ORDER BY seq "_s
            + order + u" LIMIT %5)"_s;
    QStringList parts {
        part.arg(columns, u"messages_room_broadcast"_s, range,
                 u"room = :room AND recipient_key IS NULL"_s)
                .arg(limit),
    };
    if (Protocol::roomKey(room) == Protocol::roomKey(Protocol::Lobby)) {
        values.insert(u":key"_s, Protocol::storedNickKey(nick));
        parts.append(part.arg(columns, u"messages_direct"_s, range,
                              u"recipient_key = :key AND room = :room"_s)
                             .arg(limit));
        parts.append(part.arg(columns, u"messages_sent_direct"_s, range,
                              u"sender_key = :key AND recipient_key IS NOT NULL "
                              "AND recipient_key <> :key AND room = :room"_s)
                             .arg(limit));
    }
    return inOrder(readMessages(QSqlDatabase::database(m_connectionName, false),
                                parts.join(u" UNION ALL "_s) + u" ORDER BY seq "_s + order
                                        + u" LIMIT %1"_s.arg(limit),
                                values));
}

qint64 SqliteStore::lastSeqIn(const QString &room) const
{
    // Every message of the room counts, the lobby's direct messages too: the room serves
    // nothing numbered above it (MessagePipeline::forReader). Other rooms hold broadcasts only,
    // found on their index; the lobby is read from the newest row back (seq is the rowid), which
    // stops at once on a store where the lobby is busy. Run once per room at start.
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(Protocol::roomKey(room) == Protocol::Lobby
                          ? u"SELECT seq FROM messages WHERE room = ? ORDER BY seq DESC LIMIT 1"_s
                          : u"SELECT COALESCE(MAX(seq), 0) FROM messages INDEXED BY "
                            "messages_room_broadcast WHERE room = ? AND recipient_key IS NULL"_s);
    query.addBindValue(room);
    if (!query.exec()) {
        qCWarning(lcServer).noquote() << "message store query failed:" << query.lastError().text();
        return 0;
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

MessageStore::Replay SqliteStore::replay(const QString &nick, const QString &room,
                                         std::optional<qint64> since, qsizetype limit)
{
    Replay replay;
    // One more than asked tells whether some were left out.
    replay.messages = selectVisible(nick, room, u"seq > :since"_s,
                                    { { u":since"_s, since.value_or(0) } }, limit + 1);
    if (replay.messages.size() > limit) {
        replay.messages.removeFirst();
        replay.truncated = since.has_value();
    }
    if (since && !replay.truncated) {
        // Retention may have removed what came right after `since`. Numbers are shared by all
        // rooms, so a room's oldest kept message lying past since + 1 alone proves nothing (the
        // numbers between may be other rooms'): something after `since` must also be gone.
        QSqlQuery oldest(QSqlDatabase::database(m_connectionName, false));
        oldest.prepare(u"SELECT (SELECT MIN(seq) FROM messages), (SELECT MIN(seq) FROM messages "
                       "INDEXED BY messages_room_broadcast WHERE room = ? "
                       "AND recipient_key IS NULL)"_s);
        oldest.addBindValue(room);
        if (oldest.exec() && oldest.next() && !oldest.value(0).isNull()
            && oldest.value(0).toLongLong() > *since + 1
            && (oldest.value(1).isNull() || oldest.value(1).toLongLong() > *since + 1))
            replay.truncated = true;
    }
    return replay;
}

QList<Protocol::Message> SqliteStore::before(const QString &nick, const QString &room,
                                             qint64 before, qsizetype limit)
{
    return selectVisible(nick, room, u"seq < :before"_s, { { u":before"_s, before } }, limit);
}

QList<Protocol::Message> SqliteStore::after(const QString &nick, const QString &room, qint64 after,
                                            qsizetype limit)
{
    return selectVisible(nick, room, u"seq > :after"_s, { { u":after"_s, after } }, limit,
                         Pick::Oldest);
}

std::optional<qint64> SqliteStore::firstSeqAt(const QString &room, qint64 timestamp)
{
    // Through the index on time: numbers and times rise together.
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(u"SELECT seq FROM messages INDEXED BY messages_by_time WHERE ts >= :ts "
                  "AND room = :room ORDER BY ts, seq LIMIT 1"_s);
    query.bindValue(u":ts"_s, timestamp);
    query.bindValue(u":room"_s, room);
    if (!query.exec()) {
        qCWarning(lcServer).noquote() << "message store query failed:" << query.lastError().text();
        return std::nullopt;
    }
    return query.next() ? std::optional<qint64>(query.value(0).toLongLong()) : std::nullopt;
}

void SqliteStore::search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                         std::optional<qint64> before, qsizetype limit, QObject *context,
                         Found found)
{
    // Run on the searcher thread, answered here; the searcher thread ends before this store.
    QMetaObject::invokeMethod(
            m_searcher,
            [this, searcher = m_searcher, nick, rooms, terms, before, limit,
             context = QPointer<QObject>(context), found = std::move(found)] {
                QList<Protocol::Message> messages = searcher->search(nick, rooms, terms, before,
                                                                     limit);
                QMetaObject::invokeMethod(
                        this,
                        [context, found, messages = std::move(messages)] {
                            if (context)
                                found(messages);
                        },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
}

QList<MessageStore::Conversation> SqliteStore::directConversations(const QString &nick,
                                                                   qsizetype limit)
{
    if (!m_directNicks.contains(Protocol::storedNickKey(nick)))
        return {};
    // From the two indexes of direct messages (received, sent): only this nick's rows.
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(u"SELECT peer, MAX(seq) AS newest FROM ("
                  "SELECT sender AS peer, sender_key AS peer_key, seq FROM messages "
                  "INDEXED BY messages_direct WHERE recipient_key = :key "
                  "UNION ALL SELECT recipient, recipient_key, seq FROM messages "
                  "INDEXED BY messages_sent_direct WHERE sender_key = :key "
                  "AND recipient_key IS NOT NULL) "
                  "GROUP BY peer_key ORDER BY newest DESC LIMIT %1"_s.arg(limit));
    query.bindValue(u":key"_s, Protocol::storedNickKey(nick));
    QList<Conversation> found;
    if (!query.exec()) {
        qCWarning(lcServer).noquote() << "message store query failed:" << query.lastError().text();
        return found;
    }
    while (query.next())
        found.append({ query.value(0).toString(), query.value(1).toLongLong() });
    return found;
}

QList<Protocol::Message> SqliteStore::recentWithClientIds(qsizetype limit)
{
    return select(u"client_id IS NOT NULL"_s, {}, limit);
}

qsizetype SqliteStore::removeOlderThan(qint64 timestamp)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(u"DELETE FROM messages WHERE ts < ?"_s);
    query.addBindValue(timestamp);
    if (!query.exec()) {
        qCWarning(lcServer).noquote() << "retention failed:" << query.lastError().text();
        return 0;
    }
    return query.numRowsAffected();
}

QList<MessageStore::RoomRecord> SqliteStore::loadRooms()
{
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QHash<QString, RoomRecord> byKey;
    QStringList order; // as created, so the server lists them the same way every start
    QSqlQuery rooms(db);
    rooms.setForwardOnly(true);
    if (!rooms.exec(u"SELECT room_key, name, topic, owner, private, created FROM rooms "
                    "ORDER BY created, room_key"_s))
        qCWarning(lcServer).noquote() << "reading the rooms failed:" << rooms.lastError().text();
    while (rooms.next()) {
        RoomRecord &record = byKey[rooms.value(0).toString()];
        record.name = rooms.value(1).toString();
        record.topic = rooms.value(2).toString();
        record.owner = rooms.value(3).toString();
        record.isPrivate = rooms.value(4).toBool();
        record.created = rooms.value(5).toLongLong();
        order.append(rooms.value(0).toString());
    }
    // A membership or invite of a room never saved (the lobby, perhaps) still makes it a room.
    auto recordFor = [&](const QString &key) -> RoomRecord & {
        if (!byKey.contains(key)) {
            byKey[key].name = key;
            order.append(key);
        }
        return byKey[key];
    };
    QSqlQuery members(db);
    members.setForwardOnly(true);
    if (!members.exec(u"SELECT room_key, nick_key, nick, read_seq FROM room_members"_s))
        qCWarning(lcServer).noquote() << "reading the rooms failed:" << members.lastError().text();
    while (members.next()) {
        recordFor(members.value(0).toString())
                .members.insert(members.value(1).toString(),
                                { members.value(2).toString(), members.value(3).toLongLong() });
    }
    QSqlQuery invites(db);
    invites.setForwardOnly(true);
    if (!invites.exec(u"SELECT room_key, nick_key FROM room_invites"_s))
        qCWarning(lcServer).noquote() << "reading the rooms failed:" << invites.lastError().text();
    while (invites.next())
        recordFor(invites.value(0).toString()).invited.insert(invites.value(1).toString());
    QList<RoomRecord> records;
    for (const QString &key : std::as_const(order))
        records.append(byKey.value(key));
    return records;
}

void SqliteStore::change(const char *what, const QString &statement, const QVariantList &values)
{
    // Queued to the writer like write(), so it lands after the batches handed over before it;
    // it emits no batchWritten, which the rooms count one per write().
    m_changes.append({ what, statement, values });
    if (m_changes.size() == 1)
        QMetaObject::invokeMethod(this, &SqliteStore::handOverChanges, Qt::QueuedConnection);
}

void SqliteStore::handOverChanges()
{
    if (m_changes.isEmpty() || !m_writer)
        return;
    QMetaObject::invokeMethod(
            m_writer,
            [writer = m_writer, changes = std::exchange(m_changes, {})] {
                writer->change(changes);
            },
            Qt::QueuedConnection);
}

void SqliteStore::saveRoom(const RoomRecord &room)
{
    // An existing room keeps the time it was created.
    change("saving a room",
           u"INSERT INTO rooms (room_key, name, topic, owner, private, created) "
           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (room_key) DO UPDATE SET name = excluded.name, "
           "topic = excluded.topic, owner = excluded.owner, private = excluded.private"_s,
           { Protocol::roomKey(room.name), text(room.name), text(room.topic), text(room.owner),
             int(room.isPrivate),
             room.created > 0 ? room.created : QDateTime::currentMSecsSinceEpoch() });
}

void SqliteStore::saveMember(const QString &room, const QString &nick)
{
    // A member who joins again keeps its read marker.
    change("saving a member",
           u"INSERT OR IGNORE INTO room_members (room_key, nick_key, nick) VALUES (?, ?, ?)"_s,
           { Protocol::roomKey(room), Protocol::nickKey(nick), text(nick) });
}

void SqliteStore::removeMember(const QString &room, const QString &nick)
{
    change("removing a member", u"DELETE FROM room_members WHERE room_key = ? AND nick_key = ?"_s,
           { Protocol::roomKey(room), Protocol::nickKey(nick) });
}

void SqliteStore::saveReadMarker(const QString &room, const QString &nick, qint64 seq)
{
    // Never backwards (markers from two connections of one nick may cross), and only for members.
    change("saving a read marker",
           u"UPDATE room_members SET read_seq = MAX(read_seq, ?) "
           "WHERE room_key = ? AND nick_key = ?"_s,
           { seq, Protocol::roomKey(room), Protocol::nickKey(nick) });
}

void SqliteStore::saveInvite(const QString &room, const QString &nick)
{
    change("saving an invite",
           u"INSERT OR IGNORE INTO room_invites (room_key, nick_key) VALUES (?, ?)"_s,
           { Protocol::roomKey(room), Protocol::nickKey(nick) });
}

void SqliteStore::removeInvite(const QString &room, const QString &nick)
{
    change("removing an invite", u"DELETE FROM room_invites WHERE room_key = ? AND nick_key = ?"_s,
           { Protocol::roomKey(room), Protocol::nickKey(nick) });
}

#include "sqlitestore.moc"
