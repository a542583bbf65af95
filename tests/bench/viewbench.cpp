// SPDX-License-Identifier: BSD-3-Clause
// natter-viewbench: how long the window's UI thread stalls while messages pour in. Fills a
// MessageView to its 10,000-line scrollback, then appends --rate messages a second for
// --duration seconds while a probe timer measures how late the event loop serves it.
// Prints one JSON line. Run with QT_QPA_PLATFORM=offscreen or on a real display.

#include "messagemodel.h"
#include "messageview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({ { u"rate"_s, u"Messages a second."_s, u"n"_s, u"1000"_s },
                        { u"duration"_s, u"Seconds."_s, u"s"_s, u"5"_s } });
    parser.process(app);
    const int rate = parser.value(u"rate"_s).toInt();
    const int durationMs = int(parser.value(u"duration"_s).toDouble() * 1000);

    MessageModel model;
    MessageView view;
    view.resize(900, 600);
    view.setModel(&model);
    view.show();
    qint64 seq = 0;
    auto next = [&] {
        MessageModel::Entry entry;
        entry.seq = ++seq;
        entry.timestamp = QDateTime::currentMSecsSinceEpoch();
        entry.from = u"user%1"_s.arg(seq % 50);
        entry.text = u"message %1 with a link https://example.org/%1 and some words"_s.arg(seq);
        return entry;
    };
    QElapsedTimer fill;
    fill.start();
    for (qsizetype i = 0; i < model.maxEntries(); ++i)
        model.append(next());
    const qint64 fillMs = fill.elapsed();

    // The probe asks to run every millisecond; how late it runs is how long the UI was busy.
    std::vector<qint64> lateUs;
    QElapsedTimer clock;
    clock.start();
    qint64 expectedNs = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (expectedNs > 0)
            lateUs.push_back(std::max<qint64>(0, now - expectedNs) / 1000);
        expectedNs = now + 1'000'000;
    });
    // Messages arrive in small bursts, as several may come in one socket read.
    QTimer feed;
    feed.setTimerType(Qt::PreciseTimer);
    feed.setInterval(10);
    qint64 appended = 0;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        const qint64 due = clock.elapsed() * rate / 1000;
        while (appended < due) {
            model.append(next());
            ++appended;
        }
    });
    probe.start();
    feed.start();
    QTimer::singleShot(durationMs, &app, &QCoreApplication::quit);
    app.exec();

    std::sort(lateUs.begin(), lateUs.end());
    auto at = [&](double p) {
        return lateUs.empty()
                ? 0.0
                : lateUs[std::min(lateUs.size() - 1, size_t(p * lateUs.size()))] / 1000.0;
    };
    std::printf("{\"platform\":\"%s\",\"scrollback\":%lld,\"fill_ms\":%lld,\"rate\":%d,"
                "\"appended\":%lld,\"stall_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f}}\n",
                qPrintable(QGuiApplication::platformName()), qlonglong(model.rowCount()),
                qlonglong(fillMs), rate, qlonglong(appended), at(0.5), at(0.99),
                lateUs.empty() ? 0.0 : lateUs.back() / 1000.0);
    return 0;
}
