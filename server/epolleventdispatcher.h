// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

class QSocketNotifier;

// The server thread's event dispatcher on Linux: epoll instead of Qt's poll() loop. Qt's own
// dispatcher hands every socket to poll() and walks every notifier on each turn, so with 10,000
// connections a turn costs the same whether one socket is ready or a thousand; epoll costs what
// is ready. Timers, posted events, wake-ups and nested loops keep Qt's semantics.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when the kernel refused an epoll or eventfd descriptor; the caller keeps Qt's.
    bool isValid() const { return m_epoll >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *notifiers[3] = {}; // Read, Write, Exception
        quint32 generation = 0;
    };
    struct Timer
    {
        qint64 interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadline = 0; // ms on the monotonic clock
        bool firing = false; // its event is being delivered: not again in a nested loop
    };

    void updateWatch(int fd, Watch &watch);
    int activateSockets(const epoll_event *events, int ready);
    int activateTimers();
    // Milliseconds until the next timer is due, -1 when none is registered.
    int timeToNextTimer() const;
    void schedule(int timerId, Timer &timer, qint64 from);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending { false };
    std::atomic<bool> m_interrupted { false };
    quint32 m_nextGeneration = 1;
    QHash<int, Watch> m_watches; // by descriptor
    QHash<int, Timer> m_timers; // by id
    QMultiHash<QObject *, int> m_timersOf;
    std::set<std::pair<qint64, int>> m_dueOrder; // (deadline, id)
};

// Makes the main thread's loop an EpollEventDispatcher, unless NATTER_EVENT_LOOP=qt asks for
// Qt's own (to compare, or to rule this one out). Call before QCoreApplication exists.
void installServerEventDispatcher();
