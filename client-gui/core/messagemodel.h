#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QString>

// The conversation as the window shows it: messages and notices, oldest first, bounded to the
// newest `maxEntries` so that a window left open for weeks stays small and fast.
class MessageModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class Kind { Message, Notice, Error };
    Q_ENUM(Kind)
    enum class Delivery { Received, Pending, Delivered, Failed };
    Q_ENUM(Delivery)

    struct Entry
    {
        Kind kind = Kind::Message;
        qint64 seq = 0; // in the model's numbering; 0 until numbered, or when of another
        // The server numbering the entry was numbered in (a room frame's epoch) and its number
        // there: a server back on its old store numbers it so again.
        QString epoch;
        qint64 epochSeq = 0;
        qint64 timestamp = 0; // milliseconds since the Unix epoch
        QString from;
        QString to; // a direct message when set
        QString text;
        bool own = false;
        Delivery delivery = Delivery::Received;
        QString id; // the client id of an own message
        QString failure; // why an own message was not delivered
        bool mention = false; // someone else's message that names this user
    };

    enum Role {
        KindRole = Qt::UserRole + 1,
        SeqRole,
        TimestampRole,
        FromRole,
        ToRole,
        TextRole,
        OwnRole,
        DeliveryRole,
        IdRole,
        FailureRole,
        MentionRole,
    };

    static constexpr qsizetype DefaultMaxEntries = 10'000;
    explicit MessageModel(qsizetype maxEntries = DefaultMaxEntries, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(Entry entry);
    // Older entries go on top (scrolling back), below rows left from an earlier numbering;
    // the caller keeps within maxEntries().
    void prepend(const QList<Entry> &entries);
    // The numbering rows are numbered in from now on (the conversation's epoch): rows
    // numbered in it show their numbers again, the others none. New numbered rows count in it.
    void setNumbering(const QString &epoch);
    QString numbering() const { return m_epoch; }
    // The current numbering is void (the server says so, or shows it by smaller numbers): the
    // rows stay, their numbers in it mean nothing now, nor ever again.
    void forgetNumbering();
    // Another server: its conversation starts empty.
    void clear();
    // The smallest message number in the model, 0 when it holds none.
    qint64 oldestSeq() const;
    const Entry &entry(int row) const { return m_entries.at(row); }
    qsizetype maxEntries() const { return m_maxEntries; }

    // Updates an own message found by its client id; false when it is no longer in view. Once
    // numbered it moves below the rows numbered before it (the view is in the server's order).
    bool markDelivered(const QString &id, qint64 seq, qint64 timestamp);
    bool markFailed(const QString &id, const QString &reason);
    bool markPending(const QString &id);

private:
    void tag(Entry &entry) const;
    int rowForId(const QString &id) const;
    void placeBySeq(int row);
    void changed(int row);

    QList<Entry> m_entries;
    qsizetype m_maxEntries;
    QString m_epoch;
};
