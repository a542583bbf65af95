// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <initializer_list>

// Turns Unix signals (SIGINT, SIGTERM, SIGHUP) into a Qt signal. A signal handler may do almost
// nothing, so it writes the signal number into a socket pair that the event loop watches (the
// pattern from Qt's "Calling Qt Functions From Unix Signal Handlers").
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);

signals:
    void signalReceived(int signalNumber);

private:
    static void handleSignal(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};
