// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QHash>
#include <QString>

#include <deque>
#include <optional>
#include <vector>

// Remembers the client ids a nick's accepted messages carried, so that a message sent again
// after a reconnect (its ack was lost with the connection) is acknowledged again instead of
// delivered twice. Bounded twice over: the newest `window` ids per nick, and the nicks of at most
// `departedNicks` people who have left. Nicks are keyed as the store keys them
// (Protocol::storedNickKey): the ids are those of what that nick sent and the store kept.
class DuplicateFilter
{
public:
    struct Accepted
    {
        qint64 seq = 0;
        qint64 timestamp = 0;
    };

    DuplicateFilter(qsizetype window, qsizetype departedNicks);

    std::optional<Accepted> find(const QString &nickKey, const QString &id) const;
    void remember(const QString &nickKey, const QString &id, Accepted accepted);
    void nickJoined(const QString &nickKey);
    void nickLeft(const QString &nickKey);

    qsizetype rememberedNicks() const { return m_byNick.size(); }

private:
    // Ids are kept as 64-bit hashes: a fixed, small cost per message whatever the id's length.
    struct Window
    {
        QHash<size_t, Accepted> byId; // looked up once per message
        std::vector<size_t> order; // the same hashes oldest first, a ring once full
        size_t next = 0;
    };

    QHash<QString, Window> m_byNick;
    // Departures, oldest first, each with its number; an entry whose number is no longer in
    // m_departureOf is stale (the nick came back) and is skipped.
    std::deque<std::pair<QString, quint64>> m_departures;
    QHash<QString, quint64> m_departureOf;
    quint64 m_nextDeparture = 0;
    qsizetype m_window;
    qsizetype m_departedLimit;
};
