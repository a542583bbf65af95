// SPDX-License-Identifier: BSD-3-Clause
#include "serverlogging.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "natter.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "natter.session", QtInfoMsg)

namespace {

ServerLogging::Format g_format = ServerLogging::Format::Text;
bool g_journal = false;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

// syslog(3) priorities, as the journal reads them from "<N>".
int priority(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return 7;
    case QtInfoMsg:
        return 6;
    case QtWarningMsg:
        return 4;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 2;
    }
    return 6;
}

void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = ServerLogging::format(g_format, g_journal, type, context.category,
                                                  message, QDateTime::currentDateTime());
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void ServerLogging::install(Format format, bool journal)
{
    g_format = format;
    g_journal = journal;
    qInstallMessageHandler(handle);
}

bool ServerLogging::stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const qsizetype colon = stream.indexOf(':');
    if (colon <= 0)
        return false;
    bool deviceOk = false;
    bool inodeOk = false;
    const qulonglong device = stream.left(colon).toULongLong(&deviceOk);
    const qulonglong inode = stream.mid(colon + 1).toULongLong(&inodeOk);
    struct stat status
    {
    };
    return deviceOk && inodeOk && ::fstat(STDERR_FILENO, &status) == 0
            && qulonglong(status.st_dev) == device && qulonglong(status.st_ino) == inode;
}

QByteArray ServerLogging::format(Format format, bool journal, QtMsgType type, const char *category,
                                 const QString &message, const QDateTime &time)
{
    if (format == Format::Json) {
        QJsonObject object;
        if (!journal)
            object.insert(u"time"_s, time.toUTC().toString(Qt::ISODateWithMs));
        object.insert(u"level"_s, QLatin1String(levelName(type)));
        if (category && *category)
            object.insert(u"category"_s, QLatin1String(category));
        object.insert(u"message"_s, message);
        return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    }
    // One event, one line: a line break inside a message is written as \n.
    QString text = message;
    text.replace(u'\n', u"\\n"_s).replace(u'\r', u"\\r"_s);
    QByteArray line;
    if (journal)
        line = '<' + QByteArray::number(priority(type)) + '>';
    else
        line = time.toLocalTime().toString(u"yyyy-MM-dd hh:mm:ss.zzz "_s).toUtf8();
    line += levelName(type);
    line += ": ";
    line += text.toUtf8();
    line += '\n';
    return line;
}
