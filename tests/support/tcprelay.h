// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

// A loopback relay between a client and a server, so that a test can do to a connection what
// a bad network does: cut it, refuse new ones, or go silent without closing (half-open).
class TcpRelay : public QObject
{
    Q_OBJECT
public:
    explicit TcpRelay(quint16 targetPort, QObject *parent = nullptr);

    bool listen();
    quint16 port() const { return m_listener.serverPort(); }
    int connectionCount() const;

    void cutAll();
    void setAccepting(bool accepting) { m_accepting = accepting; }
    // Stops passing bytes on (in one direction or both) without closing anything.
    enum class Direction { Both, ToClient, ToServer };
    void setFrozen(bool frozen, Direction direction = Direction::Both);

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
    };
    void accept();
    void pump(QTcpSocket *from, QTcpSocket *to, bool toClient);

    QTcpServer m_listener;
    quint16 m_targetPort;
    QList<Pair> m_pairs;
    bool m_accepting = true;
    bool m_frozenToClient = false;
    bool m_frozenToServer = false;
};
