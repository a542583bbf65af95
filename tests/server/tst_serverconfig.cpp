// SPDX-License-Identifier: BSD-3-Clause
#include "serverconfigparser.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(ServerConfigParseResult::Action)

// parseServerConfig(): every option on the command line and as a key of the configuration
// file, every bad value, and which of the two wins.
class tst_ServerConfig : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void defaults();
    void option_data();
    void option();
    void optionFromFile_data() { option_data(); }
    void optionFromFile();
    void badValue_data();
    void badValue();
    void badValueInFile_data();
    void badValueInFile();
    void commandLineWins();
    void defaultFileReadOnlyWhenItExists();
    void falseSwitchInFileIsOff();
    void actions_data();
    void actions();

private:
    QString writeFile(const QByteArray &contents);
    QTemporaryDir m_dir;
    int m_files = 0;
};

namespace {

QStringList commandLine(const QStringList &arguments)
{
    return QStringList { u"natter-server"_s } + arguments;
}

// The field an option sets, as text, so that rows can name what they expect.
QString field(const ServerConfig &config, const QString &name)
{
    const auto ms = [](std::chrono::milliseconds value) { return QString::number(value.count()); };
    using Creation = ServerConfig::RoomCreation;
    const QHash<QString, std::function<QString()>> fields {
        { u"host"_s, [&] { return config.host.toString(); } },
        { u"port"_s, [&] { return QString::number(config.port); } },
        { u"irc-port"_s,
          [&] { return config.ircPort ? QString::number(*config.ircPort) : u"none"_s; } },
        { u"history"_s, [&] { return QString::number(config.historyLimit); } },
        { u"data-dir"_s, [&] { return config.storePath; } },
        { u"no-store"_s, [&] { return config.storePath; } },
        { u"retain-days"_s, [&] { return QString::number(config.retainDays); } },
        { u"max-line"_s, [&] { return QString::number(config.maxLineBytes); } },
        { u"max-sendq"_s, [&] { return QString::number(config.maxSendQueueBytes); } },
        { u"slow-grace"_s, [&] { return ms(config.slowGrace); } },
        { u"room-buffer"_s, [&] { return QString::number(config.roomBufferBytes); } },
        { u"ping-interval"_s, [&] { return ms(config.pingInterval); } },
        { u"timeout"_s, [&] { return ms(config.timeout); } },
        { u"hello-timeout"_s, [&] { return ms(config.helloTimeout); } },
        { u"rate"_s, [&] { return QString::number(config.rate); } },
        { u"burst"_s, [&] { return QString::number(config.burst); } },
        { u"flood-grace"_s, [&] { return ms(config.floodGrace); } },
        { u"max-clients"_s, [&] { return QString::number(config.maxClients); } },
        { u"max-per-ip"_s, [&] { return QString::number(config.maxPerAddress); } },
        { u"announce-limit"_s, [&] { return QString::number(config.announceLimit); } },
        { u"max-rooms-per-user"_s, [&] { return QString::number(config.maxRoomsPerUser); } },
        { u"max-rooms"_s, [&] { return QString::number(config.maxRooms); } },
        { u"room-creation"_s,
          [&] {
              return config.roomCreation == Creation::Open          ? u"open"_s
                      : config.roomCreation == Creation::Registered ? u"registered"_s
                                                                    : u"operators"_s;
          } },
        { u"tls-cert"_s, [&] { return config.tlsCertPath; } },
        { u"tls-key"_s, [&] { return config.tlsKeyPath; } },
        { u"tls-only"_s, [&] { return config.tlsOnly ? u"true"_s : u"false"_s; } },
        { u"irc-tls-only"_s, [&] { return config.ircTlsOnly ? u"true"_s : u"false"_s; } },
        { u"accounts"_s, [&] { return config.accountsPath; } },
        { u"registered-only"_s, [&] { return config.registeredOnly ? u"true"_s : u"false"_s; } },
        { u"password-file"_s, [&] { return config.passwordFile; } },
        { u"operators"_s, [&] { return config.operators.join(u'|'); } },
        { u"metrics"_s,
          [&] {
              return config.metricsPort
                      ? u"%1 %2"_s.arg(config.metricsHost.toString()).arg(*config.metricsPort)
                      : u"none"_s;
          } },
        { u"log-format"_s,
          [&] { return config.logFormat == ServerLogging::Format::Json ? u"json"_s : u"text"_s; } },
    };
    return fields.contains(name) ? fields.value(name)() : u"<no such field: %1>"_s.arg(name);
}

} // namespace

QString tst_ServerConfig::writeFile(const QByteArray &contents)
{
    const QString path = m_dir.filePath(u"natter-server-%1.conf"_s.arg(++m_files));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        return QString();
    return path;
}

void tst_ServerConfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_ServerConfig::defaults()
{
    const ServerConfigParseResult parsed = parseServerConfig(commandLine({}));
    QCOMPARE(parsed.action, ServerConfigParseResult::Action::Run);
    const ServerConfig defaults;
    QCOMPARE(parsed.config.host, defaults.host);
    QCOMPARE(parsed.config.port, defaults.port);
    QVERIFY(!parsed.config.ircPort);
    QVERIFY(parsed.config.storePath.endsWith(u"/natter.sqlite"_s));
    QCOMPARE(parsed.config.rate, defaults.rate);
    QVERIFY(parsed.configPath.isEmpty());
}

// Each option with a value it takes: the rest of the option's values are set to what the
// others need (--tls-only needs a certificate…).
void tst_ServerConfig::option_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value"); // empty: a switch
    QTest::addColumn<QStringList>("others");
    QTest::addColumn<QString>("expected");
    const QStringList tls { u"--tls-cert"_s, u"c.pem"_s, u"--tls-key"_s, u"k.pem"_s };
    const QStringList accounts { u"--accounts"_s, u"accounts"_s };
    struct Row
    {
        const char *name;
        QString value;
        QStringList others;
        QString expected;
    };
    const QList<Row> rows {
        { "host", u"0.0.0.0"_s, {}, u"0.0.0.0"_s },
        { "host", u"::1"_s, {}, u"::1"_s },
        { "port", u"0"_s, {}, u"0"_s },
        { "port", u"65535"_s, {}, u"65535"_s },
        { "irc-port", u"6667"_s, {}, u"6667"_s },
        { "history", u"0"_s, {}, u"0"_s },
        { "data-dir", u"/var/lib/natter-server"_s, {}, u"/var/lib/natter-server/natter.sqlite"_s },
        { "log-format", u"json"_s, {}, u"json"_s },
        { "metrics", u"127.0.0.1:9100"_s, {}, u"127.0.0.1 9100"_s },
        { "metrics", u"0.0.0.0:0"_s, {}, u"0.0.0.0 0"_s },
        { "metrics", u"[::1]:9100"_s, {}, u"::1 9100"_s },
        { "log-format", u"text"_s, {}, u"text"_s },
        { "no-store", QString(), {}, QString() },
        { "no-store", QString(), { u"--data-dir"_s, u"/srv"_s }, QString() },
        { "retain-days", u"90"_s, {}, u"90"_s },
        { "max-line", u"64"_s, {}, u"64"_s },
        { "max-sendq", u"4096"_s, {}, u"4096"_s },
        { "slow-grace", u"0.5"_s, {}, u"500"_s },
        { "room-buffer", u"2097152"_s, {}, u"2097152"_s },
        { "ping-interval", u"0.05"_s, {}, u"50"_s },
        { "timeout", u"31"_s, {}, u"31000"_s },
        { "hello-timeout", u"2.5"_s, {}, u"2500"_s },
        { "rate", u"0"_s, {}, u"0"_s },
        { "rate", u"2.5"_s, {}, u"2.5"_s },
        { "burst", u"1"_s, {}, u"1"_s },
        { "flood-grace", u"0.1"_s, {}, u"100"_s },
        { "max-clients", u"1"_s, {}, u"1"_s },
        { "max-per-ip", u"1000000"_s, {}, u"1000000"_s },
        { "announce-limit", u"0"_s, {}, u"0"_s },
        { "max-rooms-per-user", u"0"_s, {}, u"0"_s },
        { "max-rooms", u"10000000"_s, {}, u"10000000"_s },
        { "room-creation", u"open"_s, {}, u"open"_s },
        { "room-creation", u"registered"_s, {}, u"registered"_s },
        { "room-creation", u"operators"_s, {}, u"operators"_s },
        { "tls-cert",
          u"/etc/natter/natter.pem"_s,
          { u"--tls-key"_s, u"k.pem"_s },
          u"/etc/natter/natter.pem"_s },
        { "tls-key",
          u"/etc/natter/natter.key"_s,
          { u"--tls-cert"_s, u"c.pem"_s },
          u"/etc/natter/natter.key"_s },
        { "tls-only", QString(), tls, u"true"_s },
        { "irc-tls-only", QString(), tls + QStringList { u"--irc-port"_s, u"0"_s }, u"true"_s },
        { "accounts", u"/etc/natter/accounts"_s, {}, u"/etc/natter/accounts"_s },
        { "registered-only", QString(), accounts, u"true"_s },
        { "password-file", u"/etc/natter/password"_s, {}, u"/etc/natter/password"_s },
        { "operators", u"aa,bb"_s, accounts, u"aa|bb"_s },
        { "operators", u" aa , ,bb "_s, accounts, u"aa|bb"_s },
    };
    for (const Row &row : rows) {
        QTest::addRow("%s %s", row.name, qPrintable(row.value))
                << QString::fromLatin1(row.name) << row.value << row.others << row.expected;
    }
}

void tst_ServerConfig::option()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QStringList, others);
    QFETCH(QString, expected);
    QStringList arguments { u"--"_s + name };
    if (!value.isEmpty())
        arguments << value;
    const ServerConfigParseResult parsed = parseServerConfig(commandLine(arguments + others));
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QCOMPARE(field(parsed.config, name), expected);
}

// The same rows as keys of the file, the other options still on the command line.
void tst_ServerConfig::optionFromFile()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QStringList, others);
    QFETCH(QString, expected);
    // Values are quoted the way an administrator quotes a list or spaces in an INI file.
    const QByteArray line = name.toUtf8() + " = "
            + (value.isEmpty() ? QByteArray("true") : '"' + value.toUtf8() + '"') + '\n';
    const QString path = writeFile("; a comment\n# another = one\n" + line);
    QVERIFY(!path.isEmpty());
    const ServerConfigParseResult parsed = parseServerConfig(
            commandLine(QStringList { u"--config"_s, path } + others));
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QCOMPARE(parsed.configPath, path);
    QCOMPARE(field(parsed.config, name), expected);
}

void tst_ServerConfig::badValue_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");
    const auto row = [](const char *name, const QStringList &arguments, const QString &error) {
        QTest::newRow(name) << arguments << error;
    };
    row("unknown option", { u"--colour"_s }, u"Unknown option 'colour'."_s);
    row("missing value", { u"--port"_s }, u"Missing value after '--port'."_s);
    row("positional", { u"6789"_s }, u"unexpected argument \"6789\"; see --help."_s);
    row("host", { u"--host"_s, u"localhost"_s },
        u"--host must be an IP address, not \"localhost\"."_s);
    const struct
    {
        const char *name;
        const char *bad;
        const char *range;
    } numbers[] {
        { "port", "65536", "a whole number from 0 to 65535" },
        { "port", "-1", "a whole number from 0 to 65535" },
        { "port", "80x", "a whole number from 0 to 65535" },
        { "irc-port", "70000", "a whole number from 0 to 65535" },
        { "history", "1.5", "a whole number from 0 to 10000000" },
        { "retain-days", "100001", "a whole number from 0 to 100000" },
        { "max-line", "63", "a whole number from 64 to 16777216" },
        { "max-sendq", "4095", "a whole number from 4096 to 4294967296" },
        { "slow-grace", "0", "a number from 0.1 to 3600" },
        { "room-buffer", "65535", "a whole number from 65536 to 68719476736" },
        { "ping-interval", "0.01", "a number from 0.05 to 86400" },
        { "timeout", "86401", "a number from 0.1 to 86400" },
        { "hello-timeout", "x", "a number from 0.1 to 3600" },
        { "rate", "-1", "a number from 0 to 1000000000" },
        { "burst", "0", "a number from 1 to 1000000000" },
        { "flood-grace", "3601", "a number from 0.1 to 3600" },
        { "max-clients", "0", "a whole number from 1 to 1000000" },
        { "max-per-ip", "0", "a whole number from 1 to 1000000" },
        { "announce-limit", "1000001", "a whole number from 0 to 1000000" },
        { "max-rooms-per-user", "-2", "a whole number from 0 to 1000000" },
        { "max-rooms", "10000001", "a whole number from 0 to 10000000" },
    };
    for (const auto &number : numbers) {
        QTest::addRow("%s %s", number.name, number.bad)
                << QStringList { u"--"_s + QLatin1String(number.name),
                                 QString::fromLatin1(number.bad) }
                << u"--%1 must be %2, not \"%3\"."_s.arg(QLatin1String(number.name),
                                                         QLatin1String(number.range),
                                                         QLatin1String(number.bad));
    }
    row("room-creation", { u"--room-creation"_s, u"everyone"_s },
        u"--room-creation is open, registered or operators, not \"everyone\"."_s);
    for (const char *bad :
         { "9100", ":9100", "localhost:9100", "127.0.0.1:70000", "127.0.0.1:", "::1:9100x" }) {
        QTest::addRow("metrics %s", bad)
                << QStringList { u"--metrics"_s, QString::fromLatin1(bad) }
                << u"--metrics must be ADDRESS:PORT (127.0.0.1:9100, [::1]:9100), not \"%1\"."_s
                           .arg(QLatin1String(bad));
    }
    row("log-format", { u"--log-format"_s, u"xml"_s },
        u"--log-format is text or json, not \"xml\"."_s);
    row("room-buffer below twice max-sendq",
        { u"--max-sendq"_s, u"1048576"_s, u"--room-buffer"_s, u"2097151"_s },
        u"--room-buffer must be at least twice --max-sendq."_s);
    row("timeout not past ping-interval",
        { u"--ping-interval"_s, u"30"_s, u"--timeout"_s, u"30"_s },
        u"--timeout must be longer than --ping-interval."_s);
    row("tls-cert alone", { u"--tls-cert"_s, u"c.pem"_s },
        u"--tls-cert and --tls-key go together."_s);
    row("tls-key alone", { u"--tls-key"_s, u"k.pem"_s },
        u"--tls-cert and --tls-key go together."_s);
    row("tls-only without certificate", { u"--tls-only"_s },
        u"--tls-only needs --tls-cert and --tls-key."_s);
    row("irc-tls-only without irc-port",
        { u"--irc-tls-only"_s, u"--tls-cert"_s, u"c.pem"_s, u"--tls-key"_s, u"k.pem"_s },
        u"--irc-tls-only needs --irc-port, --tls-cert and --tls-key."_s);
    row("irc-tls-only without certificate", { u"--irc-tls-only"_s, u"--irc-port"_s, u"0"_s },
        u"--irc-tls-only needs --irc-port, --tls-cert and --tls-key."_s);
    const QString needsAccounts =
            u"--registered-only, --operators and --add-user need --accounts FILE."_s;
    row("registered-only without accounts", { u"--registered-only"_s }, needsAccounts);
    row("operators without accounts", { u"--operators"_s, u"aa"_s }, needsAccounts);
    row("add-user without accounts", { u"--add-user"_s, u"aa"_s }, needsAccounts);
    row("missing config file", { u"--config"_s, u"/nonexistent/natter-server.conf"_s },
        u"cannot read the configuration file /nonexistent/natter-server.conf."_s);
}

void tst_ServerConfig::badValue()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    const ServerConfigParseResult parsed = parseServerConfig(commandLine(arguments));
    QCOMPARE(parsed.action, ServerConfigParseResult::Action::Error);
    QCOMPARE(parsed.error, error);
    QVERIFY(!parsed.error.contains(u'\n'));
}

void tst_ServerConfig::badValueInFile_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("error"); // after "FILE: "
    QTest::newRow("unknown key")
            << QByteArray("port = 6789\ncolour = blue\n")
            << u"unknown key \"colour\"; natter-server --help lists the options."_s;
    QTest::newRow("key in a section")
            << QByteArray("[server]\nport = 6789\n")
            << u"unknown key \"server/port\"; natter-server --help lists the options."_s;
    QTest::newRow("config in the file")
            << QByteArray("config = /etc/other.conf\n")
            << u"unknown key \"config\"; natter-server --help lists the options."_s;
    QTest::newRow("add-user in the file")
            << QByteArray("add-user = aa\n")
            << u"unknown key \"add-user\"; natter-server --help lists the options."_s;
    QTest::newRow("port") << QByteArray("port = http\n")
                          << u"port must be a whole number from 0 to 65535, not \"http\"."_s;
    QTest::newRow("host") << QByteArray("host = localhost\n")
                          << u"host must be an IP address, not \"localhost\"."_s;
    QTest::newRow("room-creation")
            << QByteArray("room-creation = all\n")
            << u"room-creation is open, registered or operators, not \"all\"."_s;
    QTest::newRow("switch") << QByteArray("tls-only = yes please\n")
                            << u"tls-only must be true or false, not \"yes please\"."_s;
}

void tst_ServerConfig::badValueInFile()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, error);
    const QString path = writeFile(contents);
    QVERIFY(!path.isEmpty());
    const ServerConfigParseResult parsed = parseServerConfig(commandLine({ u"--config"_s, path }));
    QCOMPARE(parsed.action, ServerConfigParseResult::Action::Error);
    QCOMPARE(parsed.error, path + u": "_s + error);
}

void tst_ServerConfig::commandLineWins()
{
    const QString path = writeFile("port = 7000\nhistory = 10\nrate = 3\n");
    QVERIFY(!path.isEmpty());
    const ServerConfigParseResult parsed = parseServerConfig(
            commandLine({ u"--port"_s, u"7001"_s, u"--config"_s, path, u"--rate"_s, u"4"_s }));
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QCOMPARE(parsed.config.port, quint16(7001));
    QCOMPARE(parsed.config.historyLimit, qsizetype(10)); // only in the file
    QCOMPARE(parsed.config.rate, 4.0);
    // A bad value in the file is an error even when the command line sets the option too.
    const QString bad = writeFile("port = 70000\n");
    QCOMPARE(parseServerConfig(commandLine({ u"--config"_s, bad, u"--port"_s, u"1"_s })).action,
             ServerConfigParseResult::Action::Error);
}

void tst_ServerConfig::defaultFileReadOnlyWhenItExists()
{
    const QString path = writeFile("port = 7002\n");
    QVERIFY(!path.isEmpty());
    ServerConfigParseResult parsed = parseServerConfig(commandLine({}), path);
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QCOMPARE(parsed.configPath, path);
    QCOMPARE(parsed.config.port, quint16(7002));

    parsed = parseServerConfig(commandLine({}), m_dir.filePath(u"absent.conf"_s));
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QVERIFY(parsed.configPath.isEmpty());
    QCOMPARE(parsed.config.port, ServerConfig().port);

    // --config names another file: the default one is not read.
    const QString other = writeFile("history = 7\n");
    parsed = parseServerConfig(commandLine({ u"--config"_s, other }), path);
    QCOMPARE(parsed.configPath, other);
    QCOMPARE(parsed.config.port, ServerConfig().port);
    QCOMPARE(parsed.config.historyLimit, qsizetype(7));
    // --help names the default file (wrapped anywhere: a long path is broken mid-word).
    QString help = parseServerConfig(commandLine({ u"--help"_s }), path).helpText;
    help.remove(QRegularExpression(u"\\s"_s));
    QVERIFY2(help.contains(u"Default:%1ifitexists."_s.arg(path)), qPrintable(help));
}

void tst_ServerConfig::falseSwitchInFileIsOff()
{
    const QString path = writeFile("no-store = false\ntls-only = FALSE\nregistered-only = false\n");
    QVERIFY(!path.isEmpty());
    const ServerConfigParseResult parsed = parseServerConfig(commandLine({ u"--config"_s, path }));
    QVERIFY2(parsed.action == ServerConfigParseResult::Action::Run, qPrintable(parsed.error));
    QVERIFY(!parsed.config.storePath.isEmpty());
    QVERIFY(!parsed.config.tlsOnly);
    QVERIFY(!parsed.config.registeredOnly);
}

void tst_ServerConfig::actions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<ServerConfigParseResult::Action>("action");
    using Action = ServerConfigParseResult::Action;
    QTest::newRow("run") << QStringList() << Action::Run;
    QTest::newRow("help") << QStringList { u"--help"_s } << Action::Help;
    QTest::newRow("help-all") << QStringList { u"--help-all"_s } << Action::Help;
    QTest::newRow("help with a bad value")
            << QStringList { u"--help"_s, u"--port"_s, u"x"_s } << Action::Help;
    QTest::newRow("version") << QStringList { u"--version"_s } << Action::Version;
    QTest::newRow("add-user") << QStringList { u"--accounts"_s, u"accounts"_s, u"--add-user"_s,
                                               u"aa"_s }
                              << Action::AddUser;
}

void tst_ServerConfig::actions()
{
    QFETCH(QStringList, arguments);
    QFETCH(ServerConfigParseResult::Action, action);
    const ServerConfigParseResult parsed = parseServerConfig(commandLine(arguments));
    QCOMPARE(parsed.action, action);
    if (action == ServerConfigParseResult::Action::Help) {
        for (const char *option : { "--config", "--port", "--tls-only", "--add-user" })
            QVERIFY2(parsed.helpText.contains(QLatin1String(option)), option);
        QVERIFY(parsed.helpText.contains(u"Default: 6789."_s));
    }
    if (action == ServerConfigParseResult::Action::AddUser)
        QCOMPARE(parsed.addUserNick, u"aa"_s);
}

QTEST_GUILESS_MAIN(tst_ServerConfig)
#include "tst_serverconfig.moc"
