// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "messagestore.h"

#include <QHash>

#include <deque>

// The store of `--no-store`: the newest `limit` messages of each room in memory, gone with the
// process. It keeps no rooms: they live in the server's memory.
class MemoryStore : public MessageStore
{
    Q_OBJECT
public:
    explicit MemoryStore(qsizetype limit, QObject *parent = nullptr);

    bool open(QString *) override { return true; }
    qint64 lastSeq() const override { return 0; }
    qint64 lastSeqIn(const QString &room) const override;
    // Numbering starts again with every start, so every start is a new epoch.
    QString epoch() const override { return m_epoch; }
    void write(const QList<Protocol::Message> &batch) override;
    Replay replay(const QString &nick, const QString &room, std::optional<qint64> since,
                  qsizetype limit) override;
    QList<Protocol::Message> before(const QString &nick, const QString &room, qint64 before,
                                    qsizetype limit) override;
    QList<Protocol::Message> after(const QString &nick, const QString &room, qint64 after,
                                   qsizetype limit) override;
    std::optional<qint64> firstSeqAt(const QString &room, qint64 timestamp) override;
    void search(const QString &nick, const QStringList &rooms, const QStringList &terms,
                std::optional<qint64> before, qsizetype limit, QObject *context,
                Found found) override;
    QList<Protocol::Message> recentWithClientIds(qsizetype) override { return {}; }
    qsizetype removeOlderThan(qint64 timestamp) override;

    QList<Conversation> directConversations(const QString &nick, qsizetype limit) override;
    QList<RoomRecord> loadRooms() override { return {}; }
    void saveRoom(const RoomRecord &) override { }
    void saveMember(const QString &, const QString &) override { }
    void removeMember(const QString &, const QString &) override { }
    void saveReadMarker(const QString &, const QString &, qint64) override { }
    void saveInvite(const QString &, const QString &) override { }
    void removeInvite(const QString &, const QString &) override { }

protected:
    // Keeps the messages (numbered, in order) without answering a write: what a store that
    // writes elsewhere serves its reads from.
    void keep(const QList<Protocol::Message> &batch);
    void clear();

private:
    struct History
    {
        std::deque<Protocol::Message> messages; // the newest `limit`, oldest first
        qint64 droppedThrough = 0; // the newest message no longer kept
    };
    template<typename Predicate>
    QList<Protocol::Message> newestVisible(const History &history, const QString &nick,
                                           qsizetype limit, Predicate matches) const;

    QHash<QString, History> m_rooms; // by the room's name, as messages carry it
    qsizetype m_limit;
    const QString m_epoch = newEpoch();
};
