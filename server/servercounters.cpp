// SPDX-License-Identifier: BSD-3-Clause
#include "servercounters.h"

ServerCounters &ServerCounters::instance()
{
    static ServerCounters counters;
    return counters;
}

void ServerCounters::countRefusal(Protocol::ErrorCode code)
{
    const auto index = std::size_t(code);
    if (index < m_refusals.size())
        m_refusals[index].fetch_add(1, std::memory_order_relaxed);
}

quint64 ServerCounters::refusals(Protocol::ErrorCode code) const
{
    const auto index = std::size_t(code);
    return index < m_refusals.size() ? m_refusals[index].load(std::memory_order_relaxed) : 0;
}

void ServerCounters::countBatch(qint64 microseconds)
{
    const double seconds = double(microseconds) / 1e6;
    for (std::size_t i = 0; i < BatchBuckets.size(); ++i) {
        if (seconds <= BatchBuckets[i])
            m_batchBuckets[i].fetch_add(1, std::memory_order_relaxed);
    }
    m_batchCount.fetch_add(1, std::memory_order_relaxed);
    m_batchMicroseconds.fetch_add(quint64(std::max<qint64>(0, microseconds)),
                                  std::memory_order_relaxed);
}
