// SPDX-License-Identifier: BSD-3-Clause
#include "refusallog.h"

#include "serverlogging.h"

using namespace Qt::StringLiterals;

RefusalLog::RefusalLog(Limits limits, QObject *parent) : QObject(parent), m_limits(limits)
{
    // Started by the first refusal, not ticking while nobody is refused.
    m_window.setSingleShot(true);
    m_window.setInterval(limits.window);
    connect(&m_window, &QTimer::timeout, this, &RefusalLog::flush);
}

RefusalLog::~RefusalLog()
{
    flush(); // what was suppressed is still said at a stop
}

void RefusalLog::log(Category category, const QHostAddress &address, const QString &line)
{
    if (!m_window.isActive())
        m_window.start();
    auto count = m_counts.find(address);
    if (count == m_counts.end()) {
        if (m_counts.size() >= m_limits.maxAddresses) {
            ++m_untracked;
            return;
        }
        count = m_counts.insert(address, {});
    }
    if (count->logged < m_limits.linesPerWindow) {
        ++count->logged;
        qCInfo(category).noquote() << line;
    } else {
        ++count->suppressed;
    }
}

void RefusalLog::flush()
{
    const QString seconds = QString::number(double(m_limits.window.count()) / 1000.0);
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it) {
        if (it->suppressed > 0) {
            qCInfo(lcServer).noquote() << u"Suppressed %1 refusals from %2 in the last %3 s"_s.arg(
                    QString::number(it->suppressed), it.key().toString(), seconds);
        }
    }
    if (m_untracked > 0) {
        qCInfo(lcServer).noquote()
                << u"Suppressed %1 refusals from addresses beyond the %2 tracked in the last %3 s"_s
                           .arg(QString::number(m_untracked),
                                QString::number(m_limits.maxAddresses), seconds);
    }
    m_counts.clear();
    m_untracked = 0;
    m_window.stop();
}
