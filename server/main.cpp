// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"
#include "chatserver.h"
#include "cluster/redisconnection.h"
#include "epolleventdispatcher.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <chrono>
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

// Reads a number option and checks its range; on a problem, sets *error (first one wins).
std::optional<double> parseNumber(const QCommandLineParser &parser, const QString &option,
                                  double minimum, double maximum, QString *error,
                                  bool wholeNumber = true)
{
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || value < minimum || value > maximum || (wholeNumber && value != qint64(value))) {
        if (error->isEmpty()) {
            *error = u"--%1 must be %2 from %3 to %4, not \"%5\"."_s.arg(option)
                             .arg(wholeNumber ? u"a whole number"_s : u"a number"_s)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(parser.value(option));
        }
        return std::nullopt;
    }
    return value;
}

std::chrono::milliseconds seconds(double value)
{
    return std::chrono::milliseconds(qint64(value * 1000));
}

QString secondsText(std::chrono::milliseconds value)
{
    return QString::number(double(value.count()) / 1000.0);
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

    const ServerConfig defaults;
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Natter chat server: rooms for JSON and plain-text "
                                     "clients (nc, telnet) on one TCP port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    QList<QCommandLineOption> options {
            { u"host"_s, u"Address to listen on."_s, u"address"_s, defaults.host.toString() },
            { u"port"_s, u"TCP port to listen on (0 picks a free one)."_s, u"port"_s,
              QString::number(defaults.port) },
            { u"irc-port"_s, u"Also take IRC clients on this TCP port (off unless given; 0 "
                             "picks a free one)."_s,
              u"port"_s },
            { u"history"_s, u"Messages replayed to a joining client (and kept in memory "
                            "with --no-store)."_s,
              u"count"_s, QString::number(defaults.historyLimit) },
            { u"data-dir"_s, u"Folder of the message store (natter.sqlite)."_s, u"folder"_s,
              QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) },
            { u"retain-days"_s, u"Days messages are kept in the store (0: forever)."_s,
              u"days"_s, QString::number(defaults.retainDays) },
            { u"max-line"_s, u"Longest line a client may send, in bytes."_s, u"bytes"_s,
              QString::number(defaults.maxLineBytes) },
            { u"max-sendq"_s,
              u"Bytes a client may fall behind the room by, for --slow-grace without reading, "
              "before it is removed as too slow."_s,
              u"bytes"_s, QString::number(defaults.maxSendQueueBytes) },
            { u"slow-grace"_s,
              u"Seconds a client may stay over --max-sendq behind without reading."_s,
              u"seconds"_s, secondsText(defaults.slowGrace) },
            { u"room-buffer"_s,
              u"Bytes a room keeps for members that are behind; a member it must forget is "
              "removed as too slow."_s,
              u"bytes"_s, QString::number(defaults.roomBufferBytes) },
            { u"ping-interval"_s, u"Seconds of silence before a client is pinged."_s,
              u"seconds"_s, secondsText(defaults.pingInterval) },
            { u"timeout"_s, u"Seconds of silence before a client is removed as timed out."_s,
              u"seconds"_s, secondsText(defaults.timeout) },
            { u"hello-timeout"_s, u"Seconds a new connection has to say hello."_s,
              u"seconds"_s, secondsText(defaults.helloTimeout) },
            { u"rate"_s, u"Messages a second one client may send (0: no limit)."_s,
              u"messages"_s, QString::number(defaults.rate) },
            { u"burst"_s, u"Messages a client may send at once before --rate applies."_s,
              u"messages"_s, QString::number(defaults.burst) },
            { u"flood-grace"_s,
              u"Seconds a client may stay over --rate before it is removed as flooding."_s,
              u"seconds"_s, secondsText(defaults.floodGrace) },
            { u"max-clients"_s, u"Connections the server accepts at once."_s, u"count"_s,
              QString::number(defaults.maxClients) },
            { u"max-per-ip"_s, u"Connections accepted from one address at once."_s,
              u"count"_s, QString::number(defaults.maxPerAddress) },
            { u"announce-limit"_s, u"Members above which joins and leaves are no longer "
                                   "announced one by one, only the number online (0: always "
                                   "announce)."_s,
              u"count"_s, QString::number(defaults.announceLimit) },
            { u"max-rooms-per-user"_s, u"Rooms one nickname may be a member of (0: no limit)."_s,
              u"count"_s, QString::number(defaults.maxRoomsPerUser) },
            { u"max-rooms"_s, u"Rooms the server holds (0: no limit)."_s, u"count"_s,
              QString::number(defaults.maxRooms) },
            { u"room-creation"_s,
              u"Who may create rooms: open (anyone), registered (nicknames with an account) or "
              "operators."_s,
              u"who"_s, u"open"_s },
    };
    options.append({ u"no-store"_s, u"Keep messages in memory only; they are gone on restart."_s });
    options.append({ u"tls-cert"_s, u"PEM certificate (chain): serve TLS on the port."_s,
                     u"file"_s });
    options.append({ u"tls-key"_s, u"PEM private key of --tls-cert (unencrypted)."_s, u"file"_s });
    options.append({ u"tls-only"_s, u"Refuse clients that do not use TLS."_s });
    options.append({ u"irc-tls-only"_s, u"Refuse IRC clients that do not use TLS."_s });
    options.append({ u"redis"_s, u"Cluster mode: share rooms with other nodes through the Redis "
                                 "at URL (redis://host:port/db or unix:/path)."_s,
                     u"url"_s });
    options.append({ u"redis-password-file"_s, u"File whose first line is the Redis password."_s,
                     u"file"_s });
    options.append({ u"node-id"_s, u"This node's name in the cluster (default: hostname:port)."_s,
                     u"id"_s });
    options.append({ u"accounts"_s, u"Accounts file: registered nicks and their password "
                                    "hashes."_s,
                     u"file"_s });
    options.append({ u"add-user"_s, u"Ask for a password (not echoed) and add or update NICK "
                                    "in --accounts, then exit."_s,
                     u"nick"_s });
    options.append({ u"registered-only"_s, u"Only registered nicks may join."_s });
    options.append({ u"password-file"_s, u"File whose first line is the password everyone "
                                         "without an account must give."_s,
                     u"file"_s });
    options.append({ u"operators"_s, u"Comma-separated registered nicks that may /kick."_s,
                     u"nicks"_s });
    for (QCommandLineOption &option : options) {
        if (option.defaultValues().isEmpty())
            continue;
        // Operators should not have to read the source to learn a default.
        option.setDescription(option.description() + u" Default: "_s
                              + option.defaultValues().constFirst() + u'.');
    }
    parser.addOptions(options);
    if (!parser.parse(app.arguments()))
        return fail(parser.errorText());
    // parse() leaves --help-all to us, like --help; the server has no Qt options to add.
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {
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
    const auto ircPort = parser.isSet(u"irc-port"_s)
            ? parseNumber(parser, u"irc-port"_s, 0, 65535, &error)
            : std::nullopt;
    const auto history = parseNumber(parser, u"history"_s, 0, 10'000'000, &error);
    const auto maxLine = parseNumber(parser, u"max-line"_s, 64, 16 * 1024 * 1024, &error);
    const auto maxSendQueue = parseNumber(parser, u"max-sendq"_s, 4096, 4.0 * (1 << 30), &error);
    const auto slowGrace = parseNumber(parser, u"slow-grace"_s, 0.1, 3600, &error, false);
    const auto roomBuffer = parseNumber(parser, u"room-buffer"_s, 65536, 64.0 * (1 << 30), &error);
    const auto pingInterval = parseNumber(parser, u"ping-interval"_s, 0.05, 86400, &error, false);
    const auto timeout = parseNumber(parser, u"timeout"_s, 0.1, 86400, &error, false);
    const auto helloTimeout = parseNumber(parser, u"hello-timeout"_s, 0.1, 3600, &error, false);
    const auto rate = parseNumber(parser, u"rate"_s, 0, 1e9, &error, false);
    const auto burst = parseNumber(parser, u"burst"_s, 1, 1e9, &error, false);
    const auto floodGrace = parseNumber(parser, u"flood-grace"_s, 0.1, 3600, &error, false);
    const auto retainDays = parseNumber(parser, u"retain-days"_s, 0, 100'000, &error);
    const auto maxClients = parseNumber(parser, u"max-clients"_s, 1, 1'000'000, &error);
    const auto maxPerAddress = parseNumber(parser, u"max-per-ip"_s, 1, 1'000'000, &error);
    const auto announceLimit = parseNumber(parser, u"announce-limit"_s, 0, 1'000'000, &error);
    const auto maxRoomsPerUser = parseNumber(parser, u"max-rooms-per-user"_s, 0, 1'000'000, &error);
    const auto maxRooms = parseNumber(parser, u"max-rooms"_s, 0, 10'000'000, &error);
    const QString roomCreation = parser.value(u"room-creation"_s);
    if (error.isEmpty() && roomCreation != u"open"_s && roomCreation != u"registered"_s
        && roomCreation != u"operators"_s)
        error = u"--room-creation is open, registered or operators, not \"%1\"."_s.arg(roomCreation);
    if (error.isEmpty() && *roomBuffer < 2 * *maxSendQueue)
        error = u"--room-buffer must be at least twice --max-sendq."_s;
    if (error.isEmpty() && *timeout <= *pingInterval)
        error = u"--timeout must be longer than --ping-interval."_s;
    if (!error.isEmpty())
        return fail(error);
    config.port = quint16(*port);
    if (ircPort)
        config.ircPort = quint16(*ircPort);
    config.historyLimit = qsizetype(*history);
    config.maxLineBytes = qsizetype(*maxLine);
    config.maxSendQueueBytes = qsizetype(*maxSendQueue);
    config.slowGrace = seconds(*slowGrace);
    config.roomBufferBytes = qint64(*roomBuffer);
    config.pingInterval = seconds(*pingInterval);
    config.timeout = seconds(*timeout);
    config.helloTimeout = seconds(*helloTimeout);
    config.rate = *rate;
    config.burst = *burst;
    config.floodGrace = seconds(*floodGrace);
    config.maxClients = qsizetype(*maxClients);
    config.maxPerAddress = qsizetype(*maxPerAddress);
    config.announceLimit = qsizetype(*announceLimit);
    config.maxRoomsPerUser = qsizetype(*maxRoomsPerUser);
    config.maxRooms = qsizetype(*maxRooms);
    config.roomCreation = roomCreation == u"registered"_s ? ServerConfig::RoomCreation::Registered
            : roomCreation == u"operators"_s              ? ServerConfig::RoomCreation::Operators
                                                          : ServerConfig::RoomCreation::Open;
    config.retainDays = int(*retainDays);
    if (!parser.isSet(u"no-store"_s))
        config.storePath = QDir(parser.value(u"data-dir"_s)).filePath(u"natter.sqlite"_s);
    config.tlsCertPath = parser.value(u"tls-cert"_s);
    config.tlsKeyPath = parser.value(u"tls-key"_s);
    config.tlsOnly = parser.isSet(u"tls-only"_s);
    config.ircTlsOnly = parser.isSet(u"irc-tls-only"_s);
    config.accountsPath = parser.value(u"accounts"_s);
    config.registeredOnly = parser.isSet(u"registered-only"_s);
    config.passwordFile = parser.value(u"password-file"_s);
    config.operators = parser.value(u"operators"_s).split(u',', Qt::SkipEmptyParts);
    for (QString &nick : config.operators)
        nick = nick.trimmed();
    if (config.tlsCertPath.isEmpty() != config.tlsKeyPath.isEmpty())
        return fail(u"--tls-cert and --tls-key go together."_s);
    config.redisUrl = parser.value(u"redis"_s);
    config.redisPasswordFile = parser.value(u"redis-password-file"_s);
    config.nodeId = parser.value(u"node-id"_s);
    if (!config.redisUrl.isEmpty()) {
        RedisAddress address;
        QString error;
        if (!RedisAddress::parse(config.redisUrl, &address, &error))
            return fail(u"--redis: "_s + error + u'.');
        if (!config.redisPasswordFile.isEmpty() && !QFile::exists(config.redisPasswordFile))
            return fail(u"--redis-password-file: %1 does not exist."_s.arg(config.redisPasswordFile));
        // Every node has the whole history in Redis; a node's own SQLite file would be a second,
        // diverging copy.
        config.storePath.clear();
    } else if (parser.isSet(u"redis-password-file"_s) || parser.isSet(u"node-id"_s)) {
        return fail(u"--redis-password-file and --node-id need --redis URL."_s);
    }
    if (config.tlsOnly && config.tlsCertPath.isEmpty())
        return fail(u"--tls-only needs --tls-cert and --tls-key."_s);
    if (config.ircTlsOnly && (config.tlsCertPath.isEmpty() || !config.ircPort))
        return fail(u"--irc-tls-only needs --irc-port, --tls-cert and --tls-key."_s);
    if ((config.registeredOnly || !config.operators.isEmpty() || parser.isSet(u"add-user"_s))
        && config.accountsPath.isEmpty())
        return fail(u"--registered-only, --operators and --add-user need --accounts FILE."_s);
    if (parser.isSet(u"add-user"_s))
        return addUser(config.accountsPath, parser.value(u"add-user"_s));

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
