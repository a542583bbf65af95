// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QtGlobal>

#include <array>
#include <atomic>

// What the server has done since it started, for the metrics endpoint (MetricsEndpoint): one
// counter each, bumped where it happens with a relaxed atomic add, read at a scrape. One per
// process, like the process it describes.
class ServerCounters
{
public:
    static ServerCounters &instance();

    std::atomic<quint64> messagesReceived { 0 }; // messages clients sent that a room took
    std::atomic<quint64> messagesDelivered { 0 }; // messages the rooms sent out, once each
    std::atomic<quint64> deliveries { 0 }; // copies of them written to members
    std::atomic<quint64> removedSlow { 0 };
    std::atomic<quint64> removedFlood { 0 };
    std::atomic<quint64> removedTimeout { 0 };

    // Connections refused at accept, by the error they were told.
    void countRefusal(Protocol::ErrorCode code);
    quint64 refusals(Protocol::ErrorCode code) const;

    // Store batches: how long each took from handing over to its answer.
    static constexpr std::array<double, 9> BatchBuckets { 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,  0.1,    0.5,   1 };
    void countBatch(qint64 microseconds);
    quint64 batchesUpTo(std::size_t bucket) const { return m_batchBuckets[bucket]; }
    quint64 batchCount() const { return m_batchCount; }
    double batchSecondsSum() const { return double(m_batchMicroseconds) / 1e6; }

private:
    static constexpr std::size_t ErrorCodes = 64;
    std::array<std::atomic<quint64>, ErrorCodes> m_refusals {};
    std::array<std::atomic<quint64>, BatchBuckets.size()> m_batchBuckets {};
    std::atomic<quint64> m_batchCount { 0 };
    std::atomic<quint64> m_batchMicroseconds { 0 };
};
