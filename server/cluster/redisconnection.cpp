// SPDX-License-Identifier: BSD-3-Clause
#include "redisconnection.h"

#include "clusterlogging.h"

#include <QSocketNotifier>
#include <QUrl>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCluster, "natter.cluster")

struct RedisConnection::Pending
{
    RedisConnection *connection;
    Callback callback;
};

bool RedisAddress::parse(const QString &url, RedisAddress *address, QString *error)
{
    RedisAddress parsed;
    if (url.startsWith(u"unix:"_s)) {
        parsed.socketPath = url.mid(5);
        if (parsed.socketPath.startsWith(u"//"_s))
            parsed.socketPath = parsed.socketPath.mid(2);
        if (parsed.socketPath.isEmpty()) {
            *error = u"unix: needs a socket path, as in unix:/run/redis/redis.sock"_s;
            return false;
        }
        *address = parsed;
        return true;
    }
    const QUrl parsedUrl(url, QUrl::StrictMode);
    if (!parsedUrl.isValid() || parsedUrl.scheme() != u"redis"_s || parsedUrl.host().isEmpty()) {
        *error = u"\"%1\" is not redis://host:port/db or unix:/path"_s.arg(url);
        return false;
    }
    if (!parsedUrl.password().isEmpty()) {
        *error = u"the Redis password goes in --redis-password-file, not in the URL"_s;
        return false;
    }
    parsed.host = parsedUrl.host();
    const int port = parsedUrl.port(6379);
    if (port <= 0 || port > 65535) {
        *error = u"\"%1\" has no valid port"_s.arg(url);
        return false;
    }
    parsed.port = quint16(port);
    const QString path = parsedUrl.path().mid(1);
    if (!path.isEmpty()) {
        bool ok = false;
        parsed.database = path.toInt(&ok);
        if (!ok || parsed.database < 0) {
            *error = u"\"%1\" is not a database number"_s.arg(path);
            return false;
        }
    }
    *address = parsed;
    return true;
}

QString RedisAddress::toString() const
{
    if (!socketPath.isEmpty())
        return u"unix:"_s + socketPath;
    return u"redis://%1:%2/%3"_s.arg(host).arg(port).arg(database);
}

RedisConnection::RedisConnection(const RedisAddress &address, const QString &name, QObject *parent)
    : QObject(parent), m_address(address), m_name(name)
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &RedisConnection::open);
}

RedisConnection::~RedisConnection()
{
    m_destroying = true;
    if (m_context)
        redisAsyncFree(m_context); // answers what is pending with no reply: dropped below
}

void RedisConnection::open()
{
    if (m_context)
        return;
    redisAsyncContext *context = m_address.socketPath.isEmpty()
            ? redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port)
            : redisAsyncConnectUnix(m_address.socketPath.toUtf8().constData());
    if (!context || context->err) {
        const QString reason = context ? QString::fromUtf8(context->errstr) : u"out of memory"_s;
        if (context)
            redisAsyncFree(context);
        disconnected(reason);
        return;
    }
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &RedisConnection::addRead;
    context->ev.delRead = &RedisConnection::removeRead;
    context->ev.addWrite = &RedisConnection::addWrite;
    context->ev.delWrite = &RedisConnection::removeWrite;
    context->ev.cleanup = &RedisConnection::cleanUp;
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnect);
    // hiredis sends commands given while it connects once it is connected, in order: AUTH and
    // SELECT first, so nothing runs before them.
    if (!m_address.password.isEmpty()) {
        send({ "AUTH", m_address.password },
             new Pending { this, [this](const Reply &reply) {
                              if (reply.type == Reply::Type::Error)
                                  qCCritical(lcCluster).noquote()
                                          << "Redis refused the password:"
                                          << QString::fromUtf8(reply.string);
                          } });
    }
    if (m_address.database != 0)
        send({ "SELECT", QByteArray::number(m_address.database) }, new Pending { this, {} });
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        self->m_context = nullptr;
        self->disconnected(QString::fromUtf8(context->errstr));
        return;
    }
    self->connected();
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    self->m_context = nullptr;
    if (self->m_destroying)
        return;
    self->disconnected(status == REDIS_OK ? u"closed"_s : QString::fromUtf8(context->errstr));
}

void RedisConnection::connected()
{
    m_unconfirmed.clear(); // a new connection: nothing sent on it yet
    for (const QByteArray &channel : std::as_const(m_channels))
        sendSubscription(channel, false);
    for (const QByteArray &pattern : std::as_const(m_patterns))
        sendSubscription(pattern, true);
    m_failures = 0;
    m_ready = true;
    qCInfo(lcCluster).noquote() << "Redis connection" << m_name << "to" << m_address.toString()
                                << "is up";
    emit ready();
}

void RedisConnection::disconnected(const QString &reason)
{
    const bool wasReady = std::exchange(m_ready, false);
    if (wasReady || m_failures == 0)
        qCWarning(lcCluster).noquote() << "Redis connection" << m_name << "to"
                                       << m_address.toString() << "lost:" << reason;
    ++m_failures;
    scheduleReconnect();
    emit lost(reason);
}

void RedisConnection::scheduleReconnect()
{
    if (m_destroying)
        return;
    m_reconnect.start(std::min(2000, 100 * (1 << std::min(m_failures, 5))));
}

void RedisConnection::command(const QList<QByteArray> &arguments, Callback callback)
{
    // While a connection is being made the command waits in hiredis's buffer; with none (Redis
    // is away and the next try is later) it fails now: senders hear at once.
    if (!m_context) {
        failLater(std::move(callback));
        return;
    }
    send(arguments, new Pending { this, std::move(callback) });
}

void RedisConnection::send(const QList<QByteArray> &arguments, Pending *pending)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(arguments.size());
    lengths.reserve(arguments.size());
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    if (redisAsyncCommandArgv(m_context, &RedisConnection::onReply, pending, int(argv.size()),
                              argv.data(), lengths.data())
        != REDIS_OK) {
        failLater(std::move(pending->callback));
        delete pending;
    }
}

void RedisConnection::failLater(Callback callback)
{
    if (!callback)
        return;
    // Never from inside the caller: it may be in the middle of changing what the callback reads.
    QMetaObject::invokeMethod(
            this, [callback = std::move(callback)] { callback(Reply {}); }, Qt::QueuedConnection);
}

void RedisConnection::onReply(redisAsyncContext *, void *reply, void *privateData)
{
    auto *pending = static_cast<Pending *>(privateData);
    RedisConnection *self = pending->connection;
    Callback callback = std::move(pending->callback);
    delete pending;
    if (!callback || self->m_destroying)
        return;
    if (!reply) {
        // The connection went with this command in flight; hiredis is tearing the context down.
        self->failLater(std::move(callback));
        return;
    }
    callback(convert(reply));
}

void RedisConnection::subscribe(const QByteArray &channel)
{
    if (m_channels.contains(channel))
        return;
    m_channels.append(channel);
    if (m_ready && m_context)
        sendSubscription(channel, false);
}

void RedisConnection::unsubscribe(const QByteArray &channel)
{
    if (!m_channels.removeOne(channel))
        return;
    if (m_ready && m_context) {
        const char *argv[] = { "UNSUBSCRIBE", channel.constData() };
        const size_t lengths[] = { size_t(11), size_t(channel.size()) };
        redisAsyncCommandArgv(m_context, &RedisConnection::onPublication, this, 2, argv, lengths);
    }
}

void RedisConnection::subscribePattern(const QByteArray &pattern)
{
    if (m_patterns.contains(pattern))
        return;
    m_patterns.append(pattern);
    if (m_ready && m_context)
        sendSubscription(pattern, true);
}

void RedisConnection::sendSubscription(const QByteArray &channel, bool isPattern)
{
    const char *argv[] = { isPattern ? "PSUBSCRIBE" : "SUBSCRIBE", channel.constData() };
    const size_t lengths[] = { isPattern ? size_t(10) : size_t(9), size_t(channel.size()) };
    if (redisAsyncCommandArgv(m_context, &RedisConnection::onPublication, this, 2, argv, lengths)
                == REDIS_OK
        && !isPattern)
        ++m_unconfirmed[channel];
}

void RedisConnection::onPublication(redisAsyncContext *, void *reply, void *privateData)
{
    auto *self = static_cast<RedisConnection *>(privateData);
    if (!reply || self->m_destroying)
        return;
    const Reply converted = convert(reply);
    // ["message", channel, payload], ["pmessage", pattern, channel, payload], or the
    // confirmation of a (p)(un)subscribe: ["subscribe", channel, count] and the like.
    if (converted.type != Reply::Type::Array)
        return;
    const QList<Reply> &parts = converted.elements;
    if (parts.size() == 3 && parts.at(0).string == "message") {
        emit self->message(parts.at(1).string, parts.at(2).string);
    } else if (parts.size() == 3 && parts.at(0).string == "subscribe") {
        const QByteArray &channel = parts.at(1).string;
        const auto unconfirmed = self->m_unconfirmed.find(channel);
        if (unconfirmed == self->m_unconfirmed.end() || --*unconfirmed > 0)
            return;
        self->m_unconfirmed.erase(unconfirmed);
        if (self->m_channels.contains(channel))
            emit self->subscribed(channel);
    } else if (parts.size() == 4 && parts.at(0).string == "pmessage") {
        emit self->message(parts.at(2).string, parts.at(3).string);
    }
}

RedisConnection::Reply RedisConnection::convert(const void *reply)
{
    const auto *r = static_cast<const redisReply *>(reply);
    Reply converted;
    switch (r->type) {
    case REDIS_REPLY_NIL:
        converted.type = Reply::Type::Nil;
        break;
    case REDIS_REPLY_STATUS:
        converted.type = Reply::Type::Status;
        converted.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_ERROR:
        converted.type = Reply::Type::Error;
        converted.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        converted.type = Reply::Type::Integer;
        converted.integer = r->integer;
        break;
    case REDIS_REPLY_STRING:
        converted.type = Reply::Type::String;
        converted.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_ARRAY:
        converted.type = Reply::Type::Array;
        converted.elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            converted.elements.append(convert(r->element[i]));
        break;
    default:
        break;
    }
    return converted;
}

void RedisConnection::addRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (!self->m_readNotifier) {
        self->m_readNotifier = new QSocketNotifier(self->m_context->c.fd, QSocketNotifier::Read,
                                                   self);
        connect(self->m_readNotifier, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleRead(self->m_context);
        });
    }
    self->m_readNotifier->setEnabled(true);
}

void RedisConnection::removeRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self->m_readNotifier)
        self->m_readNotifier->setEnabled(false);
}

void RedisConnection::addWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (!self->m_writeNotifier) {
        self->m_writeNotifier = new QSocketNotifier(self->m_context->c.fd, QSocketNotifier::Write,
                                                    self);
        connect(self->m_writeNotifier, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleWrite(self->m_context);
        });
    }
    self->m_writeNotifier->setEnabled(true);
}

void RedisConnection::removeWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self->m_writeNotifier)
        self->m_writeNotifier->setEnabled(false);
}

void RedisConnection::cleanUp(void *data)
{
    // The descriptor is about to close: its notifiers go now, not at the next turn.
    auto *self = static_cast<RedisConnection *>(data);
    for (QSocketNotifier **notifier : { &self->m_readNotifier, &self->m_writeNotifier }) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
}
