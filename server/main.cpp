// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"
#include "chatserver.h"
#include "epolleventdispatcher.h"
#include "serverconfig.h"
#include "serverconfigparser.h"
#include "serverlogging.h"
#include "unixsignalwatcher.h"

#include <QCoreApplication>
#include <QTextStream>

#include <csignal>
#include <termios.h>
#include <unistd.h>
#include <sys/resource.h>
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
    qSetMessagePattern(u"%{time yyyy-MM-dd hh:mm:ss.zzz} "
                       "%{if-warning}warning: %{endif}%{if-critical}error: %{endif}%{message}"_s);

    const ServerConfigParseResult parsed =
            parseServerConfig(app.arguments(), QStringLiteral(NATTER_DEFAULT_CONFIG));
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

    ::signal(SIGPIPE, SIG_IGN);
    // Each client is a file descriptor: allow as many as the system lets this user have.
    rlimit files {};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    // Every connection is a descriptor, refusals ("server full") included while they are being
    // answered, and the store and the listener need some: the server stays within the limit
    // and keeps room to tell the clients it cannot take that it is full.
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        constexpr qsizetype Reserved = 32;
        config.maxOpenConnections = std::max<qsizetype>(2, qsizetype(files.rlim_cur) - Reserved);
        const qsizetype fit =
                std::max<qsizetype>(1, qsizetype(files.rlim_cur) * 3 / 4 - Reserved);
        if (config.maxClients > fit) {
            qCWarning(lcServer).noquote() << u"This process may open %1 files: taking at most %2 "
                                             "clients instead of %3 (raise the limit with "
                                             "ulimit -n or LimitNOFILE=)."_s.arg(files.rlim_cur)
                                                     .arg(fit)
                                                     .arg(config.maxClients);
            config.maxClients = fit;
        }
    }
    ChatServer server(config);
    if (!server.listen())
        return fail(server.errorString());

    // SIGHUP would otherwise end the process without a word to anyone; until it means something
    // of its own, it stops the server like SIGTERM.
    UnixSignalWatcher signalWatcher({ SIGINT, SIGTERM, SIGHUP });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &server, [&server](int number) {
        qCInfo(lcServer) << "Received"
                         << (number == SIGINT ? "SIGINT" : number == SIGHUP ? "SIGHUP" : "SIGTERM");
        server.shutdown();
    });
    QObject::connect(&server, &ChatServer::stopped, &app, [] {
        qCInfo(lcServer) << "Server stopped";
        QCoreApplication::quit();
    });
    return app.exec();
}
