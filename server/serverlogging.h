// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcServer)
Q_DECLARE_LOGGING_CATEGORY(lcSession)

// natter-server's log: one line per event on standard error, each with its level. As text
// it starts with the time, unless the journal (systemd) takes the line, which stamps it
// itself and reads the level from a "<N>" prefix (sd-daemon(3)); as JSON it is one object
// per line for log shippers.
class ServerLogging
{
public:
    enum class Format { Text, Json };

    // Sends every Qt message through format() to standard error.
    static void install(Format format, bool journal);
    // Whether standard error is the journal: systemd's JOURNAL_STREAM names its device and
    // inode (a child that was handed another stderr must not take the journal's format).
    static bool stderrIsJournal();

    // The line for one message, '\n' included; `time` is left out for the journal.
    static QByteArray format(Format format, bool journal, QtMsgType type, const char *category,
                             const QString &message, const QDateTime &time);
};
