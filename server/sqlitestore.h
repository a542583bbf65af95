#pragma once

#include "messagestore.h"

#include <QSqlDatabase>
#include <QThread>

class SqliteSearcher;
class SqliteWriter;

// The durable store: one SQLite file in WAL mode (the way Quassel keeps its backlog). Writes
// go to a writer thread that commits each batch in one transaction, so disk syncs never stall
// the event loop and many messages share one sync; reads run here on their own connection,
// except searches (whose cost grows with the store), which run one after another on a
// read-only connection of their own on a searcher thread.
// docs/storage.md describes the schema.
class SqliteStore : public MessageStore
{
    Q_OBJECT
public:
    struct Options
    {
        QString path;
        // Caps the file (in pages) so tests can make the disk "full"; 0 means no cap.
        qint64 maxPageCount = 0;
    };

    explicit SqliteStore(Options options, QObject *parent = nullptr);
    ~SqliteStore() override;

    bool open(QString *error) override;
    qint64 lastSeq() const override { return m_lastSeq; }
    QString epoch() const override { return m_epoch; }
    void write(const QList<Protocol::Message> &batch) override;
    qint64 lastSeqIn(const QString &) const override { return m_lastSeq; }
    Replay replay(const QString &nick, const QString &, std::optional<qint64> since,
                  qsizetype limit) override { return replay(nick, since, limit); }
    Replay replay(const QString &nick, std::optional<qint64> since, qsizetype limit);
    QList<Protocol::Message> before(const QString &nick, const QString &, qint64 before,
                                    qsizetype limit) override { return this->before(nick, before, limit); }
    QList<Protocol::Message> before(const QString &nick, qint64 before, qsizetype limit);
    void search(const QString &nick, const QStringList &, const QStringList &terms,
                std::optional<qint64> before, qsizetype limit, QObject *context,
                Found found) override { search(nick, terms, before, limit, context, found); }
    void search(const QString &nick, const QStringList &terms, std::optional<qint64> before,
                qsizetype limit, QObject *context, Found found);
    QList<RoomRecord> loadRooms() override { return {}; }
    void saveRoom(const RoomRecord &) override { }
    void saveMember(const QString &, const QString &) override { }
    void removeMember(const QString &, const QString &) override { }
    void saveReadMarker(const QString &, const QString &, qint64) override { }
    void saveInvite(const QString &, const QString &) override { }
    QList<Protocol::Message> recentWithClientIds(qsizetype limit) override;
    qsizetype removeOlderThan(qint64 timestamp) override;

    bool hasFullTextSearch() const { return m_fullText; }
    static constexpr int SchemaVersion = 2;

private:
    bool migrate(QString *error);
    bool loadEpoch(QString *error);
    QList<Protocol::Message> select(const QString &where, const QVariantMap &values,
                                    qsizetype limit);
    // What values[":key"] may see among the messages whose seq meets `range`.
    QList<Protocol::Message> selectVisible(const QString &range, const QVariantMap &values,
                                           qsizetype limit);

    Options m_options;
    QString m_connectionName;
    QThread m_writerThread;
    SqliteWriter *m_writer = nullptr;
    QThread m_searcherThread;
    SqliteSearcher *m_searcher = nullptr;
    qint64 m_lastSeq = 0;
    QString m_epoch;
    bool m_fullText = false;
};
