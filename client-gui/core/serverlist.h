// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

// Where the client connects: one server, or the nodes of one cluster serving the same rooms
// ("a:6789,b:6789"), tried in turn. What the client keeps for a server (the outbox, its place
// in each room) belongs to the list as a whole, named by key().
class ServerList
{
    Q_DECLARE_TR_FUNCTIONS(ServerList)
public:
    struct Endpoint
    {
        QString host;
        quint16 port = 0;
    };

    ServerList() = default;
    ServerList(const QString &host, quint16 port);

    // Reads "host", "host:port", "[v6]:port" or a comma-separated list of them; an entry
    // without a port gets `defaultPort`. Nothing, with the reason in `error`, when the text
    // is empty, an entry is empty or has a bad port, or one is listed twice.
    static std::optional<ServerList> parse(const QString &text, quint16 defaultPort,
                                           QString *error = nullptr);

    bool isEmpty() const { return m_endpoints.isEmpty(); }
    qsizetype size() const { return m_endpoints.size(); }
    bool isCluster() const { return m_endpoints.size() > 1; }
    const Endpoint &at(qsizetype index) const { return m_endpoints.at(index); }
    const QList<Endpoint> &endpoints() const { return m_endpoints; }

    // The same for the same servers in any order: "host:port" for one, the sorted entries
    // joined by commas for a cluster. A cluster and any single server differ.
    QString key() const;
    // As the user would type it back: every entry with its port.
    QString toString() const;
    static QString format(const Endpoint &endpoint);

    bool operator==(const ServerList &other) const { return key() == other.key(); }

private:
    QList<Endpoint> m_endpoints;
};
