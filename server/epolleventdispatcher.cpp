// SPDX-License-Identifier: BSD-3-Clause
#include "epolleventdispatcher.h"

#include "serverlogging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

#include <sys/eventfd.h>
#include <unistd.h>

namespace {

// epoll's user data: the descriptor in the low half, the watch's generation in the high half,
// so that an event queued for a descriptor that was closed and reused in the same turn is not
// delivered to the new socket's notifiers.
constexpr quint64 WakeTag = ~quint64(0);
constexpr int ReadyBatch = 512;

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

quint32 eventsFor(int type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return EPOLLIN;
    case QSocketNotifier::Write:
        return EPOLLOUT;
    default:
        return EPOLLPRI;
    }
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent),
      m_epoll(epoll_create1(EPOLL_CLOEXEC)),
      m_wakeFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0) {
        qCWarning(lcServer, "epoll is not available (%s): using Qt's event loop",
                  std::strerror(errno));
        return;
    }
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.u64 = WakeTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0) {
        qCWarning(lcServer, "epoll refused its wake-up descriptor (%s)", std::strerror(errno));
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool includeSockets = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents)
            && !m_interrupted.load(std::memory_order_relaxed);
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    int timeout = 0;
    if (mayWait) {
        timeout = includeTimers ? timeToNextTimer() : -1;
        if (timeout != 0)
            emit aboutToBlock();
    }

    int handled = 0;
    // On the stack: a handler that runs a nested loop must not overwrite this turn's events.
    epoll_event events[ReadyBatch];
    // Sockets left out by the flags stay in the epoll set; only the wake-up is taken then.
    const int ready = epoll_wait(m_epoll, events, ReadyBatch, timeout);
    if (ready < 0 && errno != EINTR)
        qCWarning(lcServer, "epoll_wait failed: %s", std::strerror(errno));
    if (ready > 0) {
        if (includeSockets) {
            handled += activateSockets(events, ready);
        } else {
            for (int i = 0; i < ready; ++i) {
                if (events[i].data.u64 == WakeTag) {
                    quint64 count;
                    m_wakePending.store(false);
                    (void)!::read(m_wakeFd, &count, sizeof count);
                    ++handled;
                }
            }
        }
    }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::activateSockets(const epoll_event *events, int ready)
{
    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const epoll_event &event = events[i];
        if (event.data.u64 == WakeTag) {
            quint64 count;
            m_wakePending.store(false);
            (void)!::read(m_wakeFd, &count, sizeof count);
            ++handled;
            continue;
        }
        const int fd = int(event.data.u64 & 0xffffffffu);
        const auto generation = quint32(event.data.u64 >> 32);
        const quint32 what = event.events;
        // Like Qt's own loop: a hang-up or error wakes the reader (which then sees the close)
        // and the writer.
        const bool wanted[3] = {
            (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0,
            (what & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0,
            (what & EPOLLPRI) != 0,
        };
        for (int type = 0; type < 3; ++type) {
            if (!wanted[type])
                continue;
            // Looked up again for each: the previous notifier's handler may have closed,
            // disabled or replaced any socket.
            const auto watch = m_watches.constFind(fd);
            if (watch == m_watches.cend() || watch->generation != generation)
                break;
            QSocketNotifier *notifier = watch->notifiers[type];
            if (!notifier)
                continue;
            QEvent activation(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &activation);
            ++handled;
        }
    }
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2)
        return;
    auto watch = m_watches.find(fd);
    if (watch == m_watches.end()) {
        watch = m_watches.insert(fd, Watch {});
        watch->generation = m_nextGeneration++;
        if (m_nextGeneration == 0)
            m_nextGeneration = 1;
    }
    watch->notifiers[type] = notifier;
    updateWatch(fd, *watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    auto watch = m_watches.find(fd);
    if (watch == m_watches.end() || type < 0 || type > 2 || watch->notifiers[type] != notifier)
        return;
    watch->notifiers[type] = nullptr;
    updateWatch(fd, *watch);
}

void EpollEventDispatcher::updateWatch(int fd, Watch &watch)
{
    quint32 events = 0;
    for (int type = 0; type < 3; ++type) {
        if (watch.notifiers[type])
            events |= eventsFor(type);
    }
    if (events == 0) {
        // The descriptor may be closed already (the kernel then dropped it from the set).
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_watches.remove(fd);
        return;
    }
    epoll_event event {};
    event.events = events;
    event.data.u64 = (quint64(watch.generation) << 32) | quint32(fd);
    if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)
        return;
    if (errno == ENOENT && epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0)
        return;
    qCWarning(lcServer, "epoll refused descriptor %d: %s", fd, std::strerror(errno));
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    if (timerId <= 0 || interval < 0 || !object)
        return;
    unregisterTimer(timerId);
    Timer &timer = m_timers[timerId];
    timer.interval = interval;
    timer.type = timerType;
    timer.object = object;
    m_timersOf.insert(object, timerId);
    timer.deadline = nowMs() + interval;
    m_dueOrder.emplace(timer.deadline, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto timer = m_timers.find(timerId);
    if (timer == m_timers.end())
        return false;
    m_dueOrder.erase({ timer->deadline, timerId });
    m_timersOf.remove(timer->object, timerId);
    m_timers.erase(timer);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const QList<int> ids = m_timersOf.values(object);
    for (int id : ids)
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> infos;
    for (auto id = m_timersOf.constFind(object); id != m_timersOf.cend() && id.key() == object;
         ++id) {
        const Timer &timer = m_timers[*id];
        infos.append(TimerInfo(*id, int(timer.interval), timer.type));
    }
    return infos;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto timer = m_timers.constFind(timerId);
    if (timer == m_timers.cend())
        return -1;
    return int(qMax<qint64>(0, timer->deadline - nowMs()));
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, qint64 from)
{
    m_dueOrder.erase({ timer.deadline, timerId });
    // A precise timer keeps its rhythm unless it fell a whole interval behind.
    qint64 next = from + timer.interval;
    if (timer.type == Qt::PreciseTimer && timer.deadline + timer.interval > from)
        next = timer.deadline + timer.interval;
    timer.deadline = next;
    m_dueOrder.emplace(next, timerId);
}

int EpollEventDispatcher::activateTimers()
{
    if (m_dueOrder.empty())
        return 0;
    const qint64 now = nowMs();
    // Each due timer fires once per turn; timers started by a handler wait for the next turn.
    std::vector<int> due;
    for (auto it = m_dueOrder.cbegin(); it != m_dueOrder.cend() && it->first <= now; ++it)
        due.push_back(it->second);
    int fired = 0;
    for (int id : due) {
        auto timer = m_timers.find(id);
        if (timer == m_timers.end() || timer->firing || timer->deadline > now)
            continue;
        schedule(id, *timer, now);
        timer->firing = true;
        QObject *object = timer->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        timer = m_timers.find(id);
        if (timer != m_timers.end())
            timer->firing = false;
    }
    return fired;
}

int EpollEventDispatcher::timeToNextTimer() const
{
    // The soonest timer that may fire: one whose event is being delivered does not count.
    for (const auto &[deadline, id] : m_dueOrder) {
        if (m_timers.value(id).firing)
            continue;
        return int(qBound(qint64(0), qint64(deadline - nowMs()),
                          qint64(std::numeric_limits<int>::max())));
    }
    return -1;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakePending.exchange(true))
        return;
    const quint64 one = 1;
    (void)!::write(m_wakeFd, &one, sizeof one);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void installServerEventDispatcher()
{
    if (qEnvironmentVariable("NATTER_EVENT_LOOP") == QLatin1String("qt"))
        return;
    auto *dispatcher = new EpollEventDispatcher;
    if (!dispatcher->isValid()) {
        delete dispatcher;
        return;
    }
    QCoreApplication::setEventDispatcher(dispatcher);
}
