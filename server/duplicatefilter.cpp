// SPDX-License-Identifier: BSD-3-Clause
#include "duplicatefilter.h"

#include <algorithm>
#include <iterator>

DuplicateFilter::DuplicateFilter(qsizetype window, qsizetype departedNicks)
    : m_window(std::max<qsizetype>(0, window)),
      m_departedLimit(std::max<qsizetype>(0, departedNicks))
{
}

namespace {
size_t idHash(const QString &id)
{
    return qHash(id, size_t(0x6e61747465720001ull));
}
} // namespace

std::optional<DuplicateFilter::Accepted> DuplicateFilter::find(const QString &nickKey,
                                                               const QString &id) const
{
    if (id.isEmpty())
        return std::nullopt;
    const auto window = m_byNick.constFind(nickKey);
    if (window == m_byNick.cend())
        return std::nullopt;
    const auto found = window->byId.constFind(idHash(id));
    if (found == window->byId.cend())
        return std::nullopt;
    return found.value();
}

void DuplicateFilter::remember(const QString &nickKey, const QString &id, Accepted accepted)
{
    if (id.isEmpty() || m_window == 0)
        return;
    Window &window = m_byNick[nickKey];
    const size_t hash = idHash(id);
    if (qsizetype(window.order.size()) < m_window) {
        window.order.push_back(hash);
    } else {
        window.byId.remove(window.order[window.next]);
        window.order[window.next] = hash;
        window.next = (window.next + 1) % window.order.size();
    }
    window.byId.insert(hash, accepted);
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
