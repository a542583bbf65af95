#pragma once

#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>

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

    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; m_useTls = true; }
    bool usesTls() const { return m_useTls; }
    static bool isPlain(const QTcpSocket *socket);
    static bool isJsonClient(const QTcpSocket *socket); // its first byte was '{'

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

    QSslConfiguration m_tls;
    bool m_useTls = false;
    QHash<qintptr, Undecided> m_undecided;
};
