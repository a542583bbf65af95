// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QtGlobal>

#include <algorithm>

// Rate limiting as a token bucket: `rate` tokens a second, at most `burst` saved up. A rate of
// zero turns the limit off. Time is passed in (milliseconds, monotonic) so it is easy to test.
class TokenBucket
{
public:
    TokenBucket(double rate, double burst, qint64 nowMs)
        : m_rate(rate), m_burst(std::max(1.0, burst)), m_tokens(m_burst), m_updatedMs(nowMs)
    {
    }

    // Takes `cost` tokens (a request that costs the server more takes more), or none.
    bool tryTake(qint64 nowMs, double cost = 1.0)
    {
        if (m_rate <= 0)
            return true;
        refill(nowMs);
        if (m_tokens < cost)
            return false;
        m_tokens -= cost;
        return true;
    }

    // New limits keep what was saved up, as far as the new burst allows.
    void setLimits(double rate, double burst, qint64 nowMs)
    {
        refill(nowMs);
        m_rate = rate;
        m_burst = std::max(1.0, burst);
        m_tokens = std::min(m_tokens, m_burst);
    }

private:
    void refill(qint64 nowMs)
    {
        if (m_rate > 0)
            m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_updatedMs) * m_rate / 1000.0);
        m_updatedMs = nowMs;
    }

    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_updatedMs;
};
