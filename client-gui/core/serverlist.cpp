// SPDX-License-Identifier: BSD-3-Clause
#include "serverlist.h"

#include <QHostAddress>

#include <algorithm>

using namespace Qt::StringLiterals;

ServerList::ServerList(const QString &host, quint16 port) : m_endpoints { { host, port } }
{
}

namespace {

std::optional<quint16> portOf(QStringView text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    return quint16(port);
}

} // namespace

std::optional<ServerList> ServerList::parse(const QString &text, quint16 defaultPort,
                                            QString *error)
{
    const auto fail = [error](const QString &reason) -> std::optional<ServerList> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    if (text.trimmed().isEmpty())
        return fail(tr("No server given."));
    ServerList list;
    QStringList seen; // case-folded: host names ignore case
    for (const QString &part : text.split(u',')) {
        const QString entry = part.trimmed();
        if (entry.isEmpty())
            return fail(
                    tr("An empty entry in the list of servers (two commas, or one at an end)."));
        Endpoint endpoint { entry, defaultPort };
        if (entry.startsWith(u'[')) {
            // An IPv6 address with a port: [::1]:6789.
            const qsizetype close = entry.indexOf(u']');
            if (close < 0)
                return fail(tr("%1: a '[' without its ']'.").arg(entry));
            endpoint.host = entry.mid(1, close - 1);
            const QStringView rest = QStringView(entry).mid(close + 1);
            if (!rest.isEmpty()) {
                const auto port = rest.startsWith(u':') ? portOf(rest.mid(1)) : std::nullopt;
                if (!port)
                    return fail(tr("%1: the port must be 1 to 65535.").arg(entry));
                endpoint.port = *port;
            }
        } else if (entry.count(u':') == 1) {
            const qsizetype colon = entry.indexOf(u':');
            endpoint.host = entry.left(colon);
            const auto port = portOf(QStringView(entry).mid(colon + 1));
            if (!port)
                return fail(tr("%1: the port must be 1 to 65535.").arg(entry));
            endpoint.port = *port;
        } else if (entry.contains(u':')
                   && QHostAddress(entry).protocol() != QAbstractSocket::IPv6Protocol) {
            return fail(tr("%1: write an IPv6 address with a port as [address]:port.").arg(entry));
        }
        if (endpoint.host.isEmpty())
            return fail(tr("%1: the address is missing.").arg(entry));
        if (std::any_of(endpoint.host.cbegin(), endpoint.host.cend(),
                        [](QChar c) { return c.isSpace(); }))
            return fail(tr("%1: an address has no spaces.").arg(entry));
        const QString folded = format({ endpoint.host.toCaseFolded(), endpoint.port });
        if (seen.contains(folded))
            return fail(tr("%1 is listed twice.").arg(format(endpoint)));
        seen.append(folded);
        list.m_endpoints.append(endpoint);
    }
    return list;
}

QString ServerList::format(const Endpoint &endpoint)
{
    return endpoint.host.contains(u':') ? u"[%1]:%2"_s.arg(endpoint.host).arg(endpoint.port)
                                        : u"%1:%2"_s.arg(endpoint.host).arg(endpoint.port);
}

QString ServerList::key() const
{
    QStringList entries;
    for (const Endpoint &endpoint : m_endpoints)
        entries.append(format({ endpoint.host.toCaseFolded(), endpoint.port }));
    if (entries.size() == 1)
        return u"%1:%2"_s.arg(m_endpoints.constFirst().host).arg(m_endpoints.constFirst().port);
    entries.sort();
    return entries.join(u',');
}

QString ServerList::toString() const
{
    QStringList entries;
    for (const Endpoint &endpoint : m_endpoints)
        entries.append(format(endpoint));
    return entries.join(u',');
}
