// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>
#include <QString>

class ChatServer;
class QTcpServer;

// --metrics ADDR:PORT: an HTTP port for monitoring. GET /healthz answers 200 "ok" while the
// server takes clients (503 once it is stopping); GET /metrics the Prometheus text format:
// connections by face, members, messages, deliveries, removals, store batch latency,
// send-queue bytes and refusals (docs/operations.md lists them).
class MetricsEndpoint : public QObject
{
    Q_OBJECT
public:
    explicit MetricsEndpoint(const ChatServer *server, QObject *parent = nullptr);

    // Port 0 picks a free one (serverPort() says which); false with errorString() on failure.
    bool listen(const QHostAddress &address, quint16 port);
    quint16 serverPort() const;
    QString errorString() const { return m_error; }

    // The /metrics page as it is now.
    QByteArray metrics() const;

private:
    const ChatServer *m_server;
    QHttpServer m_http;
    QTcpServer *m_listener = nullptr;
    QString m_error;
};
