// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

class QSocketNotifier;

// Accepts connections as QTcpSockets. (Qt buffers a socket made from an accepted descriptor
// whatever open mode it is given; Session writes around that, see Session::write.)
//
// With TLS set up, one port serves both kinds of client: a connection's first byte tells them
// apart (a TLS ClientHello starts with 0x16, a chat line never does), so the byte is peeked,
// not read, and the connection becomes a QSslSocket doing the server handshake or a plain
// socket. Plain ones are marked (isPlain) so the server can refuse them under --tls-only.
class ChatListener : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;
    ~ChatListener() override;

    void setTls(const QSslConfiguration &configuration)
    {
        m_tls = configuration;
        m_useTls = true;
    }
    bool usesTls() const { return m_useTls; }
    static bool isPlain(const QTcpSocket *socket);
    static bool isJsonClient(const QTcpSocket *socket); // its first byte was '{'
    // When the connection was accepted (Session::monotonicMs), before its first byte was awaited.
    static std::optional<qint64> acceptedMs(const QTcpSocket *socket);

    // At most this many connections open at once (0: no limit): sessions, refusals still being
    // answered and TLS connections not yet decided. Each is a file descriptor; past the
    // process's limit accept() fails, and Qt's accept loop retries the failure at once, for
    // ever. Instead, accepting pauses until one closes, and newcomers wait in the kernel's queue.
    void setMaxOpenConnections(qsizetype max) { m_maxOpen = max; }
    qsizetype openConnections() const { return m_open; }

    // Connections that never sent a byte are closed after `maxWaitMs`.
    void closeSilent(qint64 nowMs, qint64 maxWaitMs);
    qsizetype undecidedCount() const { return m_undecided.size(); }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    struct Undecided
    {
        QSocketNotifier *notifier;
        qint64 acceptedMs;
    };
    void decide(qintptr socketDescriptor);
    void drop(qintptr socketDescriptor);
    void track(QTcpSocket *socket);
    void opened();
    void closed();

    QSslConfiguration m_tls;
    bool m_useTls = false;
    QHash<qintptr, Undecided> m_undecided;
    qsizetype m_maxOpen = 0;
    qsizetype m_open = 0;
    int m_maxPending = 0; // Qt's own limit, while it is set to 0 to stop the accept loop
    bool m_full = false;
};
