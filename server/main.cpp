#include "chatserver.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <csignal>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr int ExitUsage = 2;

int fail(const QString &message)
{
    std::fprintf(stderr, "natter-server: %s\n", qPrintable(message));
    return ExitUsage;
}

std::optional<qint64> parseNumber(const QCommandLineParser &parser, const QString &option,
                                  qint64 minimum, qint64 maximum, QString *error)
{
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        *error = u"--%1 must be a whole number from %2 to %3, not \"%4\"."_s.arg(option)
                         .arg(minimum)
                         .arg(maximum)
                         .arg(parser.value(option));
        return std::nullopt;
    }
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"natter-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(NATTER_VERSION));
    qSetMessagePattern(u"%{time yyyy-MM-dd hh:mm:ss.zzz} "
                       "%{if-warning}warning: %{endif}%{if-critical}error: %{endif}%{message}"_s);

    const ServerConfig defaults;
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Natter chat server: one chatroom for JSON and plain-text "
                                     "clients (nc, telnet) on one TCP port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
            { u"host"_s, u"Address to listen on."_s, u"address"_s, defaults.host.toString() },
            { u"port"_s, u"TCP port to listen on (0 picks a free one)."_s, u"port"_s,
              QString::number(defaults.port) },
            { u"history"_s, u"Messages kept in memory and replayed to joining clients."_s,
              u"count"_s, QString::number(defaults.historyLimit) },
            { u"max-line"_s, u"Longest line a client may send, in bytes."_s, u"bytes"_s,
              QString::number(defaults.maxLineBytes) },
            { u"max-sendq"_s,
              u"Unsent bytes a client may fall behind by before it is removed as too slow."_s,
              u"bytes"_s, QString::number(defaults.maxSendQueueBytes) },
    });
    if (!parser.parse(app.arguments()))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(u"version"_s)) {
        std::printf("natter-server %s\n", NATTER_VERSION);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(u"unexpected argument \"%1\"; see --help."_s.arg(
                parser.positionalArguments().constFirst()));

    ServerConfig config;
    QString error;
    if (!config.host.setAddress(parser.value(u"host"_s)))
        return fail(u"--host must be an IP address, not \"%1\"."_s.arg(parser.value(u"host"_s)));
    const auto port = parseNumber(parser, u"port"_s, 0, 65535, &error);
    const auto history = parseNumber(parser, u"history"_s, 0, 10'000'000, &error);
    const auto maxLine = parseNumber(parser, u"max-line"_s, 64, 16 * 1024 * 1024, &error);
    const auto maxSendQueue =
            parseNumber(parser, u"max-sendq"_s, 4 * 1024, qint64(1) << 32, &error);
    if (!error.isEmpty())
        return fail(error);
    config.port = quint16(*port);
    config.historyLimit = *history;
    config.maxLineBytes = *maxLine;
    config.maxSendQueueBytes = *maxSendQueue;

    ::signal(SIGPIPE, SIG_IGN);
    ChatServer server(config);
    if (!server.listen()) {
        return fail(u"cannot listen on %1:%2: %3"_s.arg(config.host.toString())
                            .arg(config.port)
                            .arg(server.errorString()));
    }

    UnixSignalWatcher signalWatcher({ SIGINT, SIGTERM });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &server, [&server](int number) {
        qCInfo(lcServer) << "Received" << (number == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown();
    });
    QObject::connect(&server, &ChatServer::stopped, &app, [] {
        qCInfo(lcServer) << "Server stopped";
        QCoreApplication::quit();
    });
    return app.exec();
}
