// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

// Where a Redis server is: redis://host:port/db or unix:/path (the password comes from a file,
// never from the command line, so it is not in the URL).
struct RedisAddress
{
    QString host;
    quint16 port = 6379;
    QString socketPath; // set for unix:
    int database = 0;
    QByteArray password;

    // False, with a one-line reason, for anything else.
    static bool parse(const QString &url, RedisAddress *address, QString *error);
    QString toString() const;
};

// One connection to Redis through hiredis's asynchronous API, driven by QSocketNotifier in the
// event loop: nothing here ever blocks. It connects again by itself after a loss (backing off up
// to two seconds) and says so (`ready`, `lost`). A connection that subscribes is used for
// nothing else, as Redis requires.
class RedisConnection : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        enum class Type { Failed, Nil, Status, Error, Integer, String, Array };
        Type type = Type::Failed; // Failed: no answer (not connected, or lost on the way)
        QByteArray string; // status, error and string replies
        qint64 integer = 0;
        QList<Reply> elements;

        bool isOk() const { return type != Type::Failed && type != Type::Error; }
    };
    using Callback = std::function<void(const Reply &)>;

    RedisConnection(const RedisAddress &address, const QString &name, QObject *parent = nullptr);
    ~RedisConnection() override;

    void open();
    bool isReady() const { return m_ready; }
    // Runs the command; the callback gets its reply, or a Failed reply (through the event loop)
    // when the connection is down or goes down before the answer.
    void command(const QList<QByteArray> &arguments, Callback callback = {});
    // Subscribes now, and again after every reconnect; `message` carries what is published,
    // `subscribed` says when Redis has taken the subscription (each time it is made).
    void subscribe(const QByteArray &channel);
    // Ends a subscription; publications already on their way may still arrive.
    void unsubscribe(const QByteArray &channel);
    bool isSubscribed(const QByteArray &channel) const { return m_channels.contains(channel); }
    // The same for every channel matching a glob pattern (PSUBSCRIBE).
    void subscribePattern(const QByteArray &pattern);
    // A hiredis reply as a Reply (also for the blocking calls made before the server serves).
    static Reply convert(const void *reply);

signals:
    void ready();
    void lost(const QString &reason);
    void message(const QByteArray &channel, const QByteArray &payload);
    // Redis confirmed the latest SUBSCRIBE of the channel: from here on nothing published on it
    // is missed (until `lost`).
    void subscribed(const QByteArray &channel);

private:
    struct Pending;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privateData);
    static void onPublication(redisAsyncContext *context, void *reply, void *privateData);
    static void addRead(void *self);
    static void removeRead(void *self);
    static void addWrite(void *self);
    static void removeWrite(void *self);
    static void cleanUp(void *self);

    void connected();
    void disconnected(const QString &reason);
    void scheduleReconnect();
    void send(const QList<QByteArray> &arguments, Pending *pending);
    void sendSubscription(const QByteArray &channel, bool isPattern);
    void failLater(Callback callback);

    RedisAddress m_address;
    QString m_name;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QList<QByteArray> m_channels;
    QList<QByteArray> m_patterns;
    // SUBSCRIBEs sent and not yet confirmed, per channel: a channel left and taken again at
    // once is only reported subscribed when the newest one is.
    QHash<QByteArray, int> m_unconfirmed;
    QTimer m_reconnect;
    int m_failures = 0;
    bool m_ready = false;
    bool m_destroying = false;
};
