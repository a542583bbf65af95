#include "duplicatefilter.h"

#include <algorithm>
#include <iterator>

DuplicateFilter::DuplicateFilter(qsizetype window, qsizetype departedNicks)
    : m_window(std::max<qsizetype>(0, window)), m_departedLimit(std::max<qsizetype>(0, departedNicks))
{
}

std::optional<DuplicateFilter::Accepted> DuplicateFilter::find(const QString &nickKey,
                                                               const QString &id) const
{
    if (id.isEmpty())
        return std::nullopt;
    const auto window = m_byNick.constFind(nickKey);
    if (window == m_byNick.cend())
        return std::nullopt;
    const size_t idHash = qHash(id, 0x6e61747465720001ull);
    // A repeat is almost always one of the newest: look from there backwards.
    const std::vector<Entry> &entries = window->entries;
    for (size_t i = 0; i < entries.size(); ++i) {
        const size_t at = (window->next + entries.size() - 1 - i) % entries.size();
        if (entries[at].idHash == idHash)
            return entries[at].accepted;
    }
    return std::nullopt;
}

void DuplicateFilter::remember(const QString &nickKey, const QString &id, Accepted accepted)
{
    if (id.isEmpty() || m_window == 0)
        return;
    Window &window = m_byNick[nickKey];
    const Entry entry { qHash(id, 0x6e61747465720001ull), accepted };
    if (qsizetype(window.entries.size()) < m_window) {
        window.entries.push_back(entry);
        window.next = window.entries.size() % size_t(m_window);
    } else {
        window.entries[window.next] = entry;
        window.next = (window.next + 1) % window.entries.size();
    }
}

void DuplicateFilter::nickJoined(const QString &nickKey)
{
    m_departureOf.remove(nickKey);
}

void DuplicateFilter::nickLeft(const QString &nickKey)
{
    if (!m_byNick.contains(nickKey))
        return;
    const quint64 number = m_nextDeparture++;
    m_departureOf.insert(nickKey, number);
    m_departures.emplace_back(nickKey, number);
    const auto isCurrent = [this](const std::pair<QString, quint64> &departure) {
        const auto it = m_departureOf.constFind(departure.first);
        return it != m_departureOf.cend() && it.value() == departure.second;
    };
    while (m_departureOf.size() > m_departedLimit) {
        if (isCurrent(m_departures.front())) {
            m_byNick.remove(m_departures.front().first);
            m_departureOf.remove(m_departures.front().first);
        }
        m_departures.pop_front();
    }
    // Nicks that come and go leave stale entries behind; drop them before they pile up.
    if (qsizetype(m_departures.size()) > 2 * m_departedLimit + 16) {
        std::deque<std::pair<QString, quint64>> current;
        std::copy_if(m_departures.begin(), m_departures.end(), std::back_inserter(current),
                     isCurrent);
        m_departures.swap(current);
    }
}
