// SPDX-License-Identifier: BSD-3-Clause
#include "metricsendpoint.h"

#include "chatserver.h"
#include "room.h"
#include "roomdirectory.h"
#include "servercounters.h"
#include "session.h"

#include <QHttpServerResponse>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace {

// One metric in the Prometheus text exposition format (version 0.0.4).
class Page
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_text += "# HELP "_ba + name + ' ' + help + "\n# TYPE "_ba + name + ' ' + type + '\n';
    }
    void sample(const char *name, double value, const QByteArray &labels = {})
    {
        m_text += name;
        if (!labels.isEmpty())
            m_text += '{' + labels + '}';
        m_text += ' ' + QByteArray::number(value, 'g', 17) + '\n';
    }
    QByteArray text() const { return m_text; }

private:
    QByteArray m_text;
};

QByteArray label(const char *name, const QByteArray &value)
{
    return name + "=\""_ba + value + '"';
}

} // namespace

MetricsEndpoint::MetricsEndpoint(const ChatServer *server, QObject *parent)
    : QObject(parent), m_server(server)
{
    m_http.route(u"/healthz"_s, QHttpServerRequest::Method::Get, [this] {
        return m_server->isServing()
                ? QHttpServerResponse("text/plain", "ok\n")
                : QHttpServerResponse("text/plain", "stopping\n",
                                      QHttpServerResponder::StatusCode::ServiceUnavailable);
    });
    m_http.route(u"/metrics"_s, QHttpServerRequest::Method::Get, [this] {
        return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8", metrics());
    });
}

bool MetricsEndpoint::listen(const QHostAddress &address, quint16 port)
{
    // A QTcpServer of our own: QHttpServer::listen() would not say why it failed.
    auto *listener = new QTcpServer(this);
    if (!listener->listen(address, port)) {
        m_error = u"cannot serve metrics on %1:%2: %3"_s.arg(address.toString())
                          .arg(port)
                          .arg(listener->errorString());
        delete listener;
        return false;
    }
    m_http.bind(listener);
    m_listener = listener;
    return true;
}

quint16 MetricsEndpoint::serverPort() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QByteArray MetricsEndpoint::metrics() const
{
    using Face = RoomMember::Face;
    qint64 byFace[4] = {};
    qint64 unsent = 0;
    for (const Session *session : m_server->sessions()) {
        ++byFace[std::size_t(session->face())];
        unsent += session->unsentBytes();
    }
    qint64 members = 0;
    qint64 rooms = 0;
    qint64 online = 0;
    if (const RoomDirectory *directory = m_server->rooms()) {
        const QList<Room *> all = directory->rooms();
        rooms = all.size();
        for (const Room *room : all)
            members += room->memberCount();
        online = directory->onlineCount();
    }
    const ServerCounters &counters = ServerCounters::instance();
    Page page;
    page.family("natter_connections", "gauge",
                "Open client connections, by face (undecided: no first line yet).");
    page.sample("natter_connections", double(byFace[std::size_t(Face::Json)]),
                label("face", "json"));
    page.sample("natter_connections", double(byFace[std::size_t(Face::PlainText)]),
                label("face", "plain"));
    page.sample("natter_connections", double(byFace[std::size_t(Face::Irc)]), label("face", "irc"));
    page.sample("natter_connections", double(byFace[std::size_t(Face::Undecided)]),
                label("face", "undecided"));
    page.family("natter_online", "gauge", "Nicknames in the chat.");
    page.sample("natter_online", double(online));
    page.family("natter_members", "gauge", "Room memberships (a nickname in two rooms is two).");
    page.sample("natter_members", double(members));
    page.family("natter_rooms", "gauge", "Rooms the server holds, the lobby included.");
    page.sample("natter_rooms", double(rooms));
    page.family("natter_messages_received_total", "counter",
                "Messages clients sent that a room took.");
    page.sample("natter_messages_received_total", double(counters.messagesReceived.load()));
    page.family("natter_messages_delivered_total", "counter",
                "Messages the rooms sent out once stored, each counted once.");
    page.sample("natter_messages_delivered_total", double(counters.messagesDelivered.load()));
    page.family("natter_deliveries_total", "counter",
                "Copies of messages written to members (one message to 10 others is 10).");
    page.sample("natter_deliveries_total", double(counters.deliveries.load()));
    page.family("natter_removals_total", "counter", "Clients the server removed, by reason.");
    page.sample("natter_removals_total", double(counters.removedSlow.load()),
                label("reason", "slow"));
    page.sample("natter_removals_total", double(counters.removedFlood.load()),
                label("reason", "flood"));
    page.sample("natter_removals_total", double(counters.removedTimeout.load()),
                label("reason", "timeout"));
    page.family("natter_refusals_total", "counter",
                "Connections refused when accepted, by the error they were told.");
    for (const auto code :
         { Protocol::ErrorCode::ServerFull, Protocol::ErrorCode::TooManyConnections,
           Protocol::ErrorCode::Banned, Protocol::ErrorCode::TlsRequired }) {
        page.sample("natter_refusals_total", double(counters.refusals(code)),
                    label("reason", Protocol::errorCodeName(code).toUtf8()));
    }
    page.family("natter_send_queue_bytes", "gauge",
                "Bytes written to clients that their sockets have not sent yet.");
    page.sample("natter_send_queue_bytes", double(unsent));
    page.family("natter_store_batch_seconds", "histogram",
                "Time from handing a batch of messages to the store to its answer.");
    for (std::size_t i = 0; i < ServerCounters::BatchBuckets.size(); ++i) {
        page.sample("natter_store_batch_seconds_bucket", double(counters.batchesUpTo(i)),
                    label("le", QByteArray::number(ServerCounters::BatchBuckets[i])));
    }
    page.sample("natter_store_batch_seconds_bucket", double(counters.batchCount()),
                label("le", "+Inf"));
    page.sample("natter_store_batch_seconds_sum", counters.batchSecondsSum());
    page.sample("natter_store_batch_seconds_count", double(counters.batchCount()));
    return page.text();
}
