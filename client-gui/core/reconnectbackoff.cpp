#include "reconnectbackoff.h"

#include <QRandomGenerator>

#include <algorithm>

ReconnectBackoff::ReconnectBackoff(Duration first, Duration longest)
    : m_first(first), m_longest(longest)
{
}

ReconnectBackoff::Duration ReconnectBackoff::next()
{
    const int doublings = std::min(m_attempt, 20);
    ++m_attempt;
    const Duration base = std::min<Duration>(m_longest, m_first * (qint64(1) << doublings));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return Duration(qint64(double(base.count()) * jitter));
}
