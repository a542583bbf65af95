// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <chrono>

// The log lines of refusals (bad frames, bad nicks, a full server, …), bounded per address: a
// peer that sends nothing but refusable lines would otherwise write the log as fast as it
// can send. Each address gets its first few lines per window; the rest are counted, and when
// the window ends one line says how many were suppressed. Memory is bounded too: past a cap
// on the addresses tracked, the others share one count.
class RefusalLog : public QObject
{
    Q_OBJECT
public:
    using Category = const QLoggingCategory &(*)();
    struct Limits
    {
        int linesPerWindow = 5;
        std::chrono::milliseconds window { 60'000 };
        qsizetype maxAddresses = 4096;
    };

    explicit RefusalLog(Limits limits, QObject *parent = nullptr);
    ~RefusalLog() override;

    // `line` must already be safe to log (peer values escaped, see TerminalText::escaped).
    void log(Category category, const QHostAddress &address, const QString &line);
    // Writes the summaries of what this window suppressed; the next refusal starts a new one.
    void flush();

    qsizetype trackedAddresses() const { return m_counts.size(); }

private:
    struct Count
    {
        int logged = 0;
        qint64 suppressed = 0;
    };
    Limits m_limits;
    QHash<QHostAddress, Count> m_counts;
    qint64 m_untracked = 0; // suppressed from addresses past maxAddresses
    QTimer m_window;
};
