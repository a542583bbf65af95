// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"
#include "chatserver.h"
#include "epolleventdispatcher.h"
#include "metricsendpoint.h"
#include "serverconfig.h"
#include "serverconfigparser.h"
#include "serverlogging.h"
#include "unixsignalwatcher.h"

#include <QCoreApplication>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int ExitUsage = 2;

int fail(const QString &message)
{
    std::fprintf(stderr, "natter-server: %s\n", qPrintable(message));
    return ExitUsage;
}

// Reads a password from the terminal without echo, or one line from a pipe (for scripts).
std::optional<QString> readPassword(const char *prompt)
{
    const bool terminal = ::isatty(STDIN_FILENO);
    termios saved {};
    if (terminal) {
        std::fputs(prompt, stderr);
        std::fflush(stderr);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    QTextStream in(stdin);
    QString line;
    const bool read = in.readLineInto(&line);
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputs("\n", stderr);
    }
    if (!read)
        return std::nullopt;
    return line;
}

int addUser(const QString &accountsPath, const QString &nick)
{
    if (!Protocol::isValidNick(nick))
        return fail(u"\"%1\" is not a valid nickname."_s.arg(nick));
    const std::optional<QString> password = readPassword("Password: ");
    if (!password || password->isEmpty())
        return fail(u"no password given."_s);
    if (::isatty(STDIN_FILENO) && readPassword("Again: ") != password)
        return fail(u"the passwords differ."_s);
    QString error;
    if (!AccountStore::addUser(accountsPath, nick, *password, &error))
        return fail(error);
    std::printf("%s can now log in with its password (%s).\n", qPrintable(nick),
                qPrintable(accountsPath));
    return 0;
}

// Every connection is a descriptor, refusals ("server full") included while they are being
// answered, and the store and the listener need some: the server stays within the limit and
// keeps room to tell the clients it cannot take that it is full.
void fitOpenFileLimit(ServerConfig &config)
{
    rlimit files {};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY)
        return;
    constexpr qsizetype Reserved = 32;
    config.maxOpenConnections = std::max<qsizetype>(2, qsizetype(files.rlim_cur) - Reserved);
    const qsizetype fit = std::max<qsizetype>(1, qsizetype(files.rlim_cur) * 3 / 4 - Reserved);
    if (config.maxClients > fit) {
        qCWarning(lcServer).noquote() << u"This process may open %1 files: taking at most %2 "
                                         "clients instead of %3 (raise the limit with "
                                         "ulimit -n or LimitNOFILE=)."_s.arg(files.rlim_cur)
                                                 .arg(fit)
                                                 .arg(config.maxClients);
        config.maxClients = fit;
    }
}

// SIGHUP: reads the configuration file and the command line again, applies what can change
// while running and says in one line what it did.
void reload(ChatServer &server, ServerConfigParseResult &running, const QStringList &arguments)
{
    const ServerConfigParseResult next = parseServerConfig(arguments,
                                                           QStringLiteral(NATTER_DEFAULT_CONFIG));
    QString error = next.error;
    ServerConfig config = next.config;
    if (next.action == ServerConfigParseResult::Action::Run) {
        fitOpenFileLimit(config);
        server.reload(config, &error);
    } else if (error.isEmpty()) {
        error = u"nothing to run"_s;
    }
    if (!error.isEmpty()) {
        qCWarning(lcServer).noquote()
                << u"SIGHUP: keeping the running configuration: %1"_s.arg(error);
        return;
    }
    QStringList applied;
    QStringList needRestart;
    QStringList names = running.given.keys() + next.given.keys();
    names.removeDuplicates();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        if (running.given.value(name) == next.given.value(name))
            continue;
        (next.liveOptions.contains(name) ? applied : needRestart).append(name);
    }
    QStringList reread;
    if (!config.accountsPath.isEmpty())
        reread << u"accounts (%1)"_s.arg(server.accountCount());
    if (!config.tlsCertPath.isEmpty())
        reread << u"TLS certificate and key"_s;
    QString line = u"SIGHUP: reloaded %1"_s.arg(next.configPath.isEmpty() ? u"the command line"_s
                                                                          : next.configPath);
    if (!reread.isEmpty())
        line += u"; re-read "_s + reread.join(u", "_s);
    line += u"; changed: "_s + (applied.isEmpty() ? u"nothing"_s : applied.join(u", "_s));
    if (!needRestart.isEmpty())
        line += u"; not applied until a restart: "_s + needRestart.join(u", "_s);
    qCInfo(lcServer).noquote() << line;
    // What only a restart applies stays a difference to what the server runs with.
    const QMap<QString, QString> kept = running.given;
    running = next;
    for (const QString &name : std::as_const(needRestart)) {
        if (kept.contains(name))
            running.given.insert(name, kept.value(name));
        else
            running.given.remove(name);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // The sessions' thread runs on epoll; the store's threads (and NATTER_EVENT_LOOP=qt) on
    // Qt's Unix dispatcher: the glib one walks a list of every socket notifier each time one is
    // switched on or off, which a socket does on every read (docs/benchmarks.md).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    installServerEventDispatcher();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"natter-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(NATTER_VERSION));

    const ServerConfigParseResult parsed = parseServerConfig(app.arguments(),
                                                             QStringLiteral(NATTER_DEFAULT_CONFIG));
    switch (parsed.action) {
    case ServerConfigParseResult::Action::Error:
        return fail(parsed.error);
    case ServerConfigParseResult::Action::Help:
        std::fputs(qPrintable(parsed.helpText), stdout);
        return 0;
    case ServerConfigParseResult::Action::Version:
        std::printf("natter-server %s\n", NATTER_VERSION);
        return 0;
    case ServerConfigParseResult::Action::AddUser:
        return addUser(parsed.config.accountsPath, parsed.addUserNick);
    case ServerConfigParseResult::Action::Run:
        break;
    }
    ServerConfig config = parsed.config;
    ServerLogging::install(config.logFormat, ServerLogging::stderrIsJournal());

    ::signal(SIGPIPE, SIG_IGN);
    // Each client is a file descriptor: allow as many as the system lets this user have.
    rlimit files {};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    fitOpenFileLimit(config);
    ChatServer server(config);
    if (!server.listen())
        return fail(server.errorString());

    std::unique_ptr<MetricsEndpoint> metrics;
    if (config.metricsPort) {
        metrics = std::make_unique<MetricsEndpoint>(&server);
        if (!metrics->listen(config.metricsHost, *config.metricsPort))
            return fail(metrics->errorString());
        const QString host = config.metricsHost.protocol() == QAbstractSocket::IPv6Protocol
                ? u"[%1]"_s.arg(config.metricsHost.toString())
                : config.metricsHost.toString();
        qCInfo(lcServer).noquote()
                << u"Metrics on http://%1:%2/metrics"_s.arg(host).arg(metrics->serverPort());
    }

    UnixSignalWatcher signalWatcher({ SIGINT, SIGTERM, SIGHUP });
    ServerConfigParseResult running = parsed;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &server,
                     [&server, &running, &app](int number) {
                         if (number == SIGHUP) {
                             reload(server, running, app.arguments());
                             return;
                         }
                         qCInfo(lcServer)
                                 << "Received" << (number == SIGINT ? "SIGINT" : "SIGTERM");
                         server.shutdown();
                     });
    QObject::connect(&server, &ChatServer::stopped, &app, [] {
        qCInfo(lcServer) << "Server stopped";
        QCoreApplication::quit();
    });
    return app.exec();
}
