// SPDX-License-Identifier: BSD-3-Clause
#include "tcprelay.h"

TcpRelay::TcpRelay(quint16 targetPort, QObject *parent) : QObject(parent), m_targetPort(targetPort)
{
    connect(&m_listener, &QTcpServer::pendingConnectionAvailable, this, &TcpRelay::accept);
}

bool TcpRelay::listen()
{
    return m_listener.listen(QHostAddress::LocalHost, 0);
}

int TcpRelay::connectionCount() const
{
    int count = 0;
    for (const Pair &pair : m_pairs)
        count += pair.client && pair.client->state() == QAbstractSocket::ConnectedState;
    return count;
}

void TcpRelay::accept()
{
    while (m_listener.hasPendingConnections()) {
        QTcpSocket *client = m_listener.nextPendingConnection();
        if (!m_accepting) {
            client->abort();
            client->deleteLater();
            continue;
        }
        auto *server = new QTcpSocket(this);
        client->setParent(this);
        server->connectToHost(QHostAddress::LocalHost, m_targetPort);
        connect(client, &QTcpSocket::readyRead, this, [=] { pump(client, server, false); });
        connect(server, &QTcpSocket::readyRead, this, [=] { pump(server, client, true); });
        connect(server, &QTcpSocket::connected, this, [=] { pump(client, server, false); });
        connect(client, &QTcpSocket::disconnected, server, &QTcpSocket::disconnectFromHost);
        connect(server, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        m_pairs.append(Pair { client, server });
    }
}

void TcpRelay::pump(QTcpSocket *from, QTcpSocket *to, bool toClient)
{
    if ((toClient ? m_frozenToClient : m_frozenToServer)
        || to->state() != QAbstractSocket::ConnectedState)
        return;
    to->write(from->readAll());
}

void TcpRelay::cutAll()
{
    for (const Pair &pair : std::as_const(m_pairs)) {
        for (QTcpSocket *socket : { pair.client.data(), pair.server.data() }) {
            if (socket) {
                socket->abort();
                socket->deleteLater();
            }
        }
    }
    m_pairs.clear();
}

void TcpRelay::setFrozen(bool frozen, Direction direction)
{
    if (direction != Direction::ToServer)
        m_frozenToClient = frozen;
    if (direction != Direction::ToClient)
        m_frozenToServer = frozen;
    if (frozen)
        return;
    for (const Pair &pair : std::as_const(m_pairs)) {
        if (pair.client && pair.server) {
            pump(pair.client, pair.server, false);
            pump(pair.server, pair.client, true);
        }
    }
}
