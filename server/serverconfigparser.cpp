// SPDX-License-Identifier: BSD-3-Clause
#include "serverconfigparser.h"

#include "cluster/redisconnection.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

// The parse so far: the configuration and what is only settled once every source is read.
struct Draft
{
    ServerConfig config;
    QString dataDir;
    bool noStore = false;
    QMap<QString, QString> given;
};

// Checks a value and stores it; returns the problem, to follow the option's name.
using Apply = std::function<QString(Draft &, const QString &value)>;

struct Option
{
    QString name; // --name on the command line, name = … in the file
    QString description;
    QString valueName; // empty: a switch (true or false in the file)
    QString defaultValue; // shown in --help
    Apply apply;
    // Whether SIGHUP applies a change (ChatServer::reload()); others need a restart.
    enum Reload { Restart, Live } reload = Restart;
};

std::chrono::milliseconds seconds(double value)
{
    return std::chrono::milliseconds(qint64(value * 1000));
}

QString secondsText(std::chrono::milliseconds value)
{
    return QString::number(double(value.count()) / 1000.0);
}

// A number from `minimum` to `maximum`, handed to `store`.
Apply number(double minimum, double maximum, bool wholeNumber,
             std::function<void(Draft &, double)> store)
{
    return [=](Draft &draft, const QString &text) {
        bool ok = false;
        const double value = text.trimmed().toDouble(&ok);
        if (!ok || value < minimum || value > maximum || (wholeNumber && value != qint64(value)))
            return u"must be %1 from %2 to %3, not \"%4\"."_s
                    .arg(wholeNumber ? u"a whole number"_s : u"a number"_s)
                    .arg(QString::number(minimum, 'g', 12), QString::number(maximum, 'g', 12),
                         text);
        store(draft, value);
        return QString();
    };
}

template<typename Field>
Apply count(double minimum, double maximum, Field ServerConfig::*field)
{
    return number(minimum, maximum, true,
                  [field](Draft &draft, double value) { draft.config.*field = Field(value); });
}

Apply duration(double minimum, double maximum, std::chrono::milliseconds ServerConfig::*field)
{
    return number(minimum, maximum, false,
                  [field](Draft &draft, double value) { draft.config.*field = seconds(value); });
}

Apply text(QString ServerConfig::*field)
{
    return [field](Draft &draft, const QString &value) {
        draft.config.*field = value;
        return QString();
    };
}

Apply flag(bool ServerConfig::*field)
{
    return [field](Draft &draft, const QString &) {
        draft.config.*field = true;
        return QString();
    };
}

// The options, in --help's order. A new option is one entry here (and its field in
// ServerConfig, and its line in the manual page, which tst_manpages checks).
QList<Option> options()
{
    const ServerConfig defaults;
    using C = ServerConfig;
    return {
        { u"host"_s, u"Address to listen on."_s, u"address"_s, defaults.host.toString(),
          [](Draft &draft, const QString &value) {
              return draft.config.host.setAddress(value.trimmed())
                      ? QString()
                      : u"must be an IP address, not \"%1\"."_s.arg(value);
          } },
        { u"port"_s, u"TCP port to listen on (0 picks a free one)."_s, u"port"_s,
          QString::number(defaults.port), count(0, 65535, &C::port) },
        { u"irc-port"_s,
          u"Also take IRC clients on this TCP port (off unless given; 0 picks a free one)."_s,
          u"port"_s, QString(),
          number(0, 65535, true,
                 [](Draft &draft, double value) { draft.config.ircPort = quint16(value); }) },
        { u"history"_s,
          u"Messages replayed to a joining client (and kept in memory with --no-store)."_s,
          u"count"_s, QString::number(defaults.historyLimit),
          count(0, 10'000'000, &C::historyLimit) },
        { u"data-dir"_s, u"Folder of the message store (natter.sqlite)."_s, u"folder"_s,
          QStandardPaths::writableLocation(QStandardPaths::AppDataLocation),
          [](Draft &draft, const QString &value) {
              draft.dataDir = value;
              return QString();
          } },
        { u"retain-days"_s, u"Days messages are kept in the store (0: forever)."_s, u"days"_s,
          QString::number(defaults.retainDays), count(0, 100'000, &C::retainDays) },
        { u"max-line"_s, u"Longest line a client may send, in bytes."_s, u"bytes"_s,
          QString::number(defaults.maxLineBytes), count(64, 16 * 1024 * 1024, &C::maxLineBytes) },
        { u"max-sendq"_s,
          u"Bytes a client may fall behind the room by, for --slow-grace without reading, "
          "before it is removed as too slow."_s,
          u"bytes"_s, QString::number(defaults.maxSendQueueBytes),
          count(4096, 4.0 * (1 << 30), &C::maxSendQueueBytes) },
        { u"slow-grace"_s, u"Seconds a client may stay over --max-sendq behind without reading."_s,
          u"seconds"_s, secondsText(defaults.slowGrace), duration(0.1, 3600, &C::slowGrace) },
        { u"room-buffer"_s,
          u"Bytes a room keeps for members that are behind; a member it must forget is "
          "removed as too slow."_s,
          u"bytes"_s, QString::number(defaults.roomBufferBytes),
          count(65536, 64.0 * (1 << 30), &C::roomBufferBytes) },
        { u"ping-interval"_s, u"Seconds of silence before a client is pinged."_s, u"seconds"_s,
          secondsText(defaults.pingInterval), duration(0.05, 86400, &C::pingInterval) },
        { u"timeout"_s, u"Seconds of silence before a client is removed as timed out."_s,
          u"seconds"_s, secondsText(defaults.timeout), duration(0.1, 86400, &C::timeout) },
        { u"hello-timeout"_s, u"Seconds a new connection has to say hello."_s, u"seconds"_s,
          secondsText(defaults.helloTimeout), duration(0.1, 3600, &C::helloTimeout) },
        { u"rate"_s, u"Messages a second one client may send (0: no limit)."_s, u"messages"_s,
          QString::number(defaults.rate),
          number(0, 1e9, false, [](Draft &draft, double value) { draft.config.rate = value; }),
          Option::Live },
        { u"burst"_s, u"Messages a client may send at once before --rate applies."_s, u"messages"_s,
          QString::number(defaults.burst),
          number(1, 1e9, false, [](Draft &draft, double value) { draft.config.burst = value; }),
          Option::Live },
        { u"flood-grace"_s,
          u"Seconds a client may stay over --rate before it is removed as flooding."_s,
          u"seconds"_s, secondsText(defaults.floodGrace), duration(0.1, 3600, &C::floodGrace),
          Option::Live },
        { u"max-clients"_s, u"Connections the server accepts at once."_s, u"count"_s,
          QString::number(defaults.maxClients), count(1, 1'000'000, &C::maxClients), Option::Live },
        { u"max-per-ip"_s, u"Connections accepted from one address at once."_s, u"count"_s,
          QString::number(defaults.maxPerAddress), count(1, 1'000'000, &C::maxPerAddress),
          Option::Live },
        { u"announce-limit"_s,
          u"Members above which joins and leaves are no longer announced one by one, only "
          "the number online (0: always announce)."_s,
          u"count"_s, QString::number(defaults.announceLimit),
          count(0, 1'000'000, &C::announceLimit) },
        { u"max-rooms-per-user"_s, u"Rooms one nickname may be a member of (0: no limit)."_s,
          u"count"_s, QString::number(defaults.maxRoomsPerUser),
          count(0, 1'000'000, &C::maxRoomsPerUser), Option::Live },
        { u"max-rooms"_s, u"Rooms the server holds (0: no limit)."_s, u"count"_s,
          QString::number(defaults.maxRooms), count(0, 10'000'000, &C::maxRooms), Option::Live },
        { u"room-creation"_s,
          u"Who may create rooms: open (anyone), registered (nicknames with an account) or "
          "operators."_s,
          u"who"_s, u"open"_s,
          [](Draft &draft, const QString &value) {
              using Creation = ServerConfig::RoomCreation;
              const QString who = value.trimmed();
              if (who == u"open"_s)
                  draft.config.roomCreation = Creation::Open;
              else if (who == u"registered"_s)
                  draft.config.roomCreation = Creation::Registered;
              else if (who == u"operators"_s)
                  draft.config.roomCreation = Creation::Operators;
              else
                  return u"is open, registered or operators, not \"%1\"."_s.arg(value);
              return QString();
          },
          Option::Live },
        { u"log-format"_s,
          u"How log lines are written: text (with the time, unless the journal takes them) or "
          "json (one object per line)."_s,
          u"format"_s, u"text"_s,
          [](Draft &draft, const QString &value) {
              const QString format = value.trimmed();
              if (format != u"text"_s && format != u"json"_s)
                  return u"is text or json, not \"%1\"."_s.arg(value);
              draft.config.logFormat = format == u"json"_s ? ServerLogging::Format::Json
                                                           : ServerLogging::Format::Text;
              return QString();
          } },
        { u"metrics"_s,
          u"Serve /healthz and Prometheus metrics over HTTP on this address and port (off "
          "unless given; port 0 picks a free one)."_s,
          u"address:port"_s, QString(),
          [](Draft &draft, const QString &value) {
              // 127.0.0.1:9100, [::1]:9100
              const QString text = value.trimmed();
              const qsizetype colon = text.lastIndexOf(u':');
              QString host = text.left(colon);
              if (host.startsWith(u'[') && host.endsWith(u']'))
                  host = host.mid(1, host.size() - 2);
              bool ok = false;
              const uint port = text.mid(colon + 1).toUInt(&ok);
              QHostAddress address;
              if (colon <= 0 || !ok || port > 65535 || !address.setAddress(host))
                  return u"must be ADDRESS:PORT (127.0.0.1:9100, [::1]:9100), not \"%1\"."_s.arg(
                          value);
              draft.config.metricsHost = address;
              draft.config.metricsPort = quint16(port);
              return QString();
          } },
        { u"no-store"_s, u"Keep messages in memory only; they are gone on restart."_s, QString(),
          QString(),
          [](Draft &draft, const QString &) {
              draft.noStore = true;
              return QString();
          } },
        { u"tls-cert"_s, u"PEM certificate (chain): serve TLS on the port."_s, u"file"_s, QString(),
          text(&C::tlsCertPath), Option::Live },
        { u"tls-key"_s, u"PEM private key of --tls-cert (unencrypted)."_s, u"file"_s, QString(),
          text(&C::tlsKeyPath), Option::Live },
        { u"tls-only"_s, u"Refuse clients that do not use TLS."_s, QString(), QString(),
          flag(&C::tlsOnly) },
        { u"irc-tls-only"_s, u"Refuse IRC clients that do not use TLS."_s, QString(), QString(),
          flag(&C::ircTlsOnly) },
        { u"redis"_s,
          u"Cluster mode: share rooms with other nodes through the Redis at URL "
          "(redis://host:port/db or unix:/path)."_s,
          u"url"_s, QString(),
          [](Draft &draft, const QString &value) {
              RedisAddress address;
              QString error;
              if (!RedisAddress::parse(value, &address, &error))
                  return error + u'.';
              draft.config.redisUrl = value;
              return QString();
          } },
        { u"redis-password-file"_s, u"File whose first line is the Redis password."_s, u"file"_s,
          QString(), text(&C::redisPasswordFile) },
        { u"node-id"_s, u"This node's name in the cluster (default: hostname:port)."_s, u"id"_s,
          QString(), text(&C::nodeId) },
        { u"accounts"_s, u"Accounts file: registered nicks and their password hashes."_s, u"file"_s,
          QString(), text(&C::accountsPath), Option::Live },
        { u"registered-only"_s, u"Only registered nicks may join."_s, QString(), QString(),
          flag(&C::registeredOnly), Option::Live },
        { u"password-file"_s,
          u"File whose first line is the password everyone without an account must give."_s,
          u"file"_s, QString(), text(&C::passwordFile), Option::Live },
        { u"operators"_s, u"Comma-separated registered nicks that may /kick."_s, u"nicks"_s,
          QString(),
          [](Draft &draft, const QString &value) {
              draft.config.operators = value.split(u',', Qt::SkipEmptyParts);
              for (QString &nick : draft.config.operators)
                  nick = nick.trimmed();
              draft.config.operators.removeAll(QString());
              return QString();
          },
          Option::Live },
    };
}

const QString ConfigOption = u"config"_s;
const QString AddUserOption = u"add-user"_s;

// The checks that take more than one option.
QString checkTogether(const ServerConfig &config)
{
    if (config.roomBufferBytes < 2 * qint64(config.maxSendQueueBytes))
        return u"--room-buffer must be at least twice --max-sendq."_s;
    if (config.timeout <= config.pingInterval)
        return u"--timeout must be longer than --ping-interval."_s;
    if (config.tlsCertPath.isEmpty() != config.tlsKeyPath.isEmpty())
        return u"--tls-cert and --tls-key go together."_s;
    if (config.tlsOnly && config.tlsCertPath.isEmpty())
        return u"--tls-only needs --tls-cert and --tls-key."_s;
    if (config.ircTlsOnly && (config.tlsCertPath.isEmpty() || !config.ircPort))
        return u"--irc-tls-only needs --irc-port, --tls-cert and --tls-key."_s;
    if (config.redisUrl.isEmpty()
        && (!config.redisPasswordFile.isEmpty() || !config.nodeId.isEmpty()))
        return u"--redis-password-file and --node-id need --redis URL."_s;
    if (!config.redisPasswordFile.isEmpty() && !QFileInfo::exists(config.redisPasswordFile))
        return u"--redis-password-file: %1 does not exist."_s.arg(config.redisPasswordFile);
    if ((config.registeredOnly || !config.operators.isEmpty()) && config.accountsPath.isEmpty())
        return u"--registered-only, --operators and --add-user need --accounts FILE."_s;
    return QString();
}

// Applies the file's keys; the problem, naming the file, if there is one.
QString readFile(const QString &path, const QList<Option> &table, Draft &draft)
{
    if (!QFileInfo(path).isFile() || !QFileInfo(path).isReadable())
        return u"cannot read the configuration file %1."_s.arg(path);
    QSettings file(path, QSettings::IniFormat);
    if (file.status() != QSettings::NoError)
        return u"%1 is not an INI file (key = value lines)."_s.arg(path);
    const QStringList keys = file.allKeys();
    for (const QString &key : keys) {
        // QSettings takes only ';' for a comment: a '#' line with a '=' in it would be a key.
        if (key.startsWith(u'#'))
            continue;
        const auto option = std::find_if(table.cbegin(), table.cend(),
                                         [&key](const Option &entry) { return entry.name == key; });
        if (option == table.cend())
            return u"%1: unknown key \"%2\"; natter-server --help lists the options."_s.arg(path,
                                                                                            key);
        // QSettings reads an unquoted a,b as a list.
        const QVariant stored = file.value(key);
        const QString value = stored.typeId() == QMetaType::QStringList
                ? stored.toStringList().join(u',')
                : stored.toString();
        if (option->valueName.isEmpty()) {
            const QString yes = value.trimmed().toLower();
            if (yes != u"true"_s && yes != u"false"_s)
                return u"%1: %2 must be true or false, not \"%3\"."_s.arg(path, key, value);
            draft.given.insert(key, yes);
            if (yes == u"false"_s)
                continue;
        } else {
            draft.given.insert(key, value);
        }
        const QString problem = option->apply(draft, value);
        if (!problem.isEmpty())
            return u"%1: %2 %3"_s.arg(path, key, problem);
    }
    return QString();
}

} // namespace

ServerConfigParseResult parseServerConfig(const QStringList &arguments,
                                          const QString &defaultConfigPath)
{
    ServerConfigParseResult result;
    const QList<Option> table = options();

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Natter chat server: rooms for JSON and plain-text "
                                     "clients (nc, telnet) on one TCP port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption configOption(
            ConfigOption,
            u"INI file of options (key = value, the keys named like these options); the "
            "command line wins."_s,
            u"file"_s);
    if (!defaultConfigPath.isEmpty())
        configOption.setDescription(configOption.description() + u" Default: "_s + defaultConfigPath
                                    + u" if it exists."_s);
    parser.addOption(configOption);
    for (const Option &option : table) {
        QString description = option.description;
        // Operators should not have to read the source to learn a default.
        if (!option.defaultValue.isEmpty())
            description += u" Default: "_s + option.defaultValue + u'.';
        parser.addOption(option.valueName.isEmpty()
                                 ? QCommandLineOption(option.name, description)
                                 : QCommandLineOption(option.name, description, option.valueName));
    }
    parser.addOption({ AddUserOption,
                       u"Ask for a password (not echoed) and add or update NICK in --accounts, "
                       "then exit."_s,
                       u"nick"_s });

    const auto fail = [&result](const QString &error) {
        result.action = ServerConfigParseResult::Action::Error;
        result.error = error;
        return result;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    // parse() leaves --help-all to us, like --help; the server has no Qt options to add.
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {
        result.action = ServerConfigParseResult::Action::Help;
        result.helpText = parser.helpText();
        return result;
    }
    if (parser.isSet(u"version"_s)) {
        result.action = ServerConfigParseResult::Action::Version;
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(u"unexpected argument \"%1\"; see --help."_s.arg(
                parser.positionalArguments().constFirst()));

    Draft draft;
    draft.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (parser.isSet(configOption))
        result.configPath = parser.value(configOption);
    else if (!defaultConfigPath.isEmpty() && QFileInfo::exists(defaultConfigPath))
        result.configPath = defaultConfigPath;
    if (!result.configPath.isEmpty()) {
        if (const QString problem = readFile(result.configPath, table, draft); !problem.isEmpty())
            return fail(problem);
    }
    for (const Option &option : table) {
        if (!parser.isSet(option.name))
            continue;
        const QString value = option.valueName.isEmpty() ? u"true"_s : parser.value(option.name);
        draft.given.insert(option.name, value);
        const QString problem = option.apply(draft, value);
        if (!problem.isEmpty())
            return fail(u"--%1 %2"_s.arg(option.name, problem));
    }

    ServerConfig &config = draft.config;
    // Every node of a cluster has the whole history in Redis: a SQLite file of its own would be
    // a second copy, diverging.
    if (!draft.noStore && config.redisUrl.isEmpty())
        config.storePath = QDir(draft.dataDir).filePath(u"natter.sqlite"_s);
    if (parser.isSet(AddUserOption) && config.accountsPath.isEmpty())
        return fail(u"--registered-only, --operators and --add-user need --accounts FILE."_s);
    if (const QString problem = checkTogether(config); !problem.isEmpty())
        return fail(problem);
    result.config = config;
    result.given = draft.given;
    for (const Option &option : table) {
        if (option.reload == Option::Live)
            result.liveOptions.append(option.name);
    }
    if (parser.isSet(AddUserOption)) {
        result.action = ServerConfigParseResult::Action::AddUser;
        result.addUserNick = parser.value(AddUserOption);
    } else {
        result.action = ServerConfigParseResult::Action::Run;
    }
    return result;
}
