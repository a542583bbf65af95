#pragma once

#include <chrono>

// Exponential backoff with jitter for reconnecting: 1 s doubling to 30 s by default, each delay
// moved by up to ±20% so that clients cut off together do not all come back in the same instant.
class ReconnectBackoff
{
public:
    using Duration = std::chrono::milliseconds;

    explicit ReconnectBackoff(Duration first = std::chrono::seconds(1),
                              Duration longest = std::chrono::seconds(30));

    Duration next();
    void reset() { m_attempt = 0; }
    int attempt() const { return m_attempt; }

private:
    Duration m_first;
    Duration m_longest;
    int m_attempt = 0;
};
