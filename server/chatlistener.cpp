// SPDX-License-Identifier: BSD-3-Clause
#include "chatlistener.h"

#include "serverlogging.h"
#include "session.h"

#include <QSocketNotifier>
#include <QSslSocket>

#include <sys/socket.h>
#include <unistd.h>

namespace {
constexpr char PlainProperty[] = "natterPlain";
constexpr char FirstByteProperty[] = "natterFirstByte";
constexpr char AcceptedProperty[] = "natterAcceptedMs";
constexpr char TlsHandshakeRecord = 0x16;
}

ChatListener::~ChatListener()
{
    // QTcpServer's destructor would delete the pending sockets, whose destruction reports to
    // closed(), once this object is no longer a ChatListener: they go now.
    close();
    for (auto it = m_undecided.cbegin(); it != m_undecided.cend(); ++it) {
        delete it->notifier;
        ::close(int(it.key()));
    }
}

bool ChatListener::isPlain(const QTcpSocket *socket)
{
    return socket->property(PlainProperty).toBool();
}

bool ChatListener::isJsonClient(const QTcpSocket *socket)
{
    return socket->property(FirstByteProperty).toInt() == '{';
}

std::optional<qint64> ChatListener::acceptedMs(const QTcpSocket *socket)
{
    const QVariant accepted = socket->property(AcceptedProperty);
    return accepted.isValid() ? std::optional(accepted.toLongLong()) : std::nullopt;
}

void ChatListener::incomingConnection(qintptr socketDescriptor)
{
    opened();
    if (!m_useTls) {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(socketDescriptor, QAbstractSocket::ConnectedState,
                                         QIODevice::ReadWrite)) {
            delete socket;
            ::close(int(socketDescriptor));
            closed();
            return;
        }
        track(socket);
        addPendingConnection(socket);
        return;
    }
    auto *notifier = new QSocketNotifier(socketDescriptor, QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this,
            [this, socketDescriptor] { decide(socketDescriptor); });
    m_undecided.insert(socketDescriptor, { notifier, Session::monotonicMs() });
}

void ChatListener::decide(qintptr socketDescriptor)
{
    const auto it = m_undecided.find(socketDescriptor);
    if (it == m_undecided.end())
        return;
    char first = 0;
    const ssize_t peeked = ::recv(int(socketDescriptor), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        drop(socketDescriptor); // gone before saying anything
        return;
    }
    if (peeked < 0)
        return;
    // Off now (the socket below watches the same descriptor), deleted later: we are inside its
    // signal.
    it->notifier->setEnabled(false);
    it->notifier->deleteLater();
    const qint64 accepted = it->acceptedMs;
    m_undecided.erase(it);

    QTcpSocket *socket = nullptr;
    if (first == TlsHandshakeRecord) {
        auto *tls = new QSslSocket(this);
        tls->setSslConfiguration(m_tls);
        // QSslSocket is buffered; the cap keeps a client that floods from growing it.
        tls->setReadBufferSize(64 * 1024);
        if (tls->setSocketDescriptor(socketDescriptor)) {
            connect(tls, &QSslSocket::sslErrors, tls, [tls](const QList<QSslError> &errors) {
                qCInfo(lcSession) << tls->peerAddress().toString() << "TLS errors:" << errors;
            });
            tls->startServerEncryption();
            socket = tls;
        } else {
            delete tls;
        }
    } else {
        socket = new QTcpSocket(this);
        if (socket->setSocketDescriptor(socketDescriptor, QAbstractSocket::ConnectedState,
                                        QIODevice::ReadWrite)) {
            socket->setProperty(PlainProperty, true);
            socket->setProperty(FirstByteProperty, int(first));
        } else {
            delete socket;
            socket = nullptr;
        }
    }
    if (!socket) {
        ::close(int(socketDescriptor));
        closed();
        return;
    }
    // The hello timeout and the handshake's deadline count from here, not from the first byte.
    socket->setProperty(AcceptedProperty, accepted);
    track(socket);
    addPendingConnection(socket); // emits pendingConnectionAvailable
}

void ChatListener::drop(qintptr socketDescriptor)
{
    const auto it = m_undecided.find(socketDescriptor);
    if (it == m_undecided.end())
        return;
    it->notifier->setEnabled(false);
    it->notifier->deleteLater();
    m_undecided.erase(it);
    ::close(int(socketDescriptor));
    closed();
}

void ChatListener::track(QTcpSocket *socket)
{
    // A socket closes its descriptor before it is destroyed, whoever owns it by then.
    connect(socket, &QObject::destroyed, this, &ChatListener::closed);
}

void ChatListener::opened()
{
    ++m_open;
    if (m_maxOpen == 0 || m_open < m_maxOpen || m_full)
        return;
    m_full = true;
    qCWarning(lcServer) << m_open << "connections open, as many as this process may have:"
                        << "new ones wait until one closes";
    // Qt's accept loop checks its pending limit before each accept(): 0 ends it here.
    m_maxPending = maxPendingConnections();
    setMaxPendingConnections(0);
    pauseAccepting();
}

void ChatListener::closed()
{
    --m_open;
    if (!m_full || m_open >= m_maxOpen)
        return;
    m_full = false;
    setMaxPendingConnections(m_maxPending);
    if (isListening())
        resumeAccepting();
}

void ChatListener::closeSilent(qint64 nowMs, qint64 maxWaitMs)
{
    QList<qintptr> silent;
    for (auto it = m_undecided.cbegin(); it != m_undecided.cend(); ++it) {
        if (nowMs - it->acceptedMs >= maxWaitMs)
            silent.append(it.key());
    }
    for (const qintptr descriptor : silent)
        drop(descriptor);
}
