// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "messagestore.h"

#include <QSet>
#include <QSqlDatabase>
#include <QThread>
#include <QVariantList>

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
    qint64 lastSeqIn(const QString &room) const override;
    QString epoch() const override { return m_epoch; }
    void write(const QList<Protocol::Message> &batch) override;
    Replay replay(const QString &nick, const QString &room, std::optional<qint64> since,
                  qsizetype limit) override;
    QList<Protocol::Message> after(const QString &nick, const QString &room, qint64 after,
                                   qsizetype limit) override;
    std::optional<qint64> firstSeqAt(const QString &room, qint64 timestamp) override;
    QList<Protocol::Message> before(const QString &nick, const QString &room, qint64 before,
                                    qsizetype limit) override;
    void search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                std::optional<qint64> before, qsizetype limit, QObject *context,
                Found found) override;
    QList<Protocol::Message> recentWithClientIds(qsizetype limit) override;
    QList<Conversation> directConversations(const QString &nick, qsizetype limit) override;
    qsizetype removeOlderThan(qint64 timestamp) override;

    QList<RoomRecord> loadRooms() override;
    void saveRoom(const RoomRecord &room) override;
    void saveMember(const QString &room, const QString &nick) override;
    void removeMember(const QString &room, const QString &nick) override;
    void saveReadMarker(const QString &room, const QString &nick, qint64 seq) override;
    void saveInvite(const QString &room, const QString &nick) override;
    void removeInvite(const QString &room, const QString &nick) override;

    bool hasFullTextSearch() const { return m_fullText; }
    // A change to the rooms, run on the writer thread after everything handed over before it.
    struct RoomChange
    {
        const char *what;
        QString statement;
        QVariantList values;
    };
    static constexpr int SchemaVersion = 3;

private:
    bool migrate(QString *error);
    bool loadEpoch(QString *error);
    QList<Protocol::Message> select(const QString &where, const QVariantMap &values,
                                    qsizetype limit);
    // What `nick` may see of `room` among the messages whose seq meets `range` (which may use
    // the values given; :key and :room are bound here).
    // The newest `limit` of them, or (OldestFirst) the oldest; in order either way.
    enum class Pick { Newest, Oldest };
    QList<Protocol::Message> selectVisible(const QString &nick, const QString &room,
                                           const QString &range, QVariantMap values,
                                           qsizetype limit, Pick pick = Pick::Newest);
    // Room changes of one turn of the event loop go to the writer together: a crowd joining
    // would otherwise post (and wake the writer thread) twice per member.
    void change(const char *what, const QString &statement, const QVariantList &values);
    void handOverChanges();

    Options m_options;
    QString m_connectionName;
    QThread m_writerThread;
    SqliteWriter *m_writer = nullptr;
    QThread m_searcherThread;
    SqliteSearcher *m_searcher = nullptr;
    qint64 m_lastSeq = 0;
    QString m_epoch;
    bool m_fullText = false;
    QList<RoomChange> m_changes; // not handed over yet
    // Who has direct messages (by Protocol::storedNickKey): a welcome asks the store for the
    // conversations only of those, not for each of 10,000 members arriving at once.
    QSet<QString> m_directNicks;
};
