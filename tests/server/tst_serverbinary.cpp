// SPDX-License-Identifier: BSD-3-Clause
#include "testclient.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace Protocol;

// The built natter-server, started the way an operator starts it.
class tst_ServerBinary : public QObject
{
    Q_OBJECT

public:
    tst_ServerBinary()
    {
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        connect(&m_server, &QProcess::readyRead, this, [this] { m_output += m_server.readAll(); });
    }

private slots:
    void cleanup();
    void seedScenarioAndSigterm();
    void plainTextClientLikeNc();
    void sighupServesRenewedCertificate();
    void sighupReloadsLimitsFromConfig();
    void sighupAppliesToConnectedClients();
    void logsForTheJournal_data();
    void logsForTheJournal();
    void logsAsJson();
    void portInUseIsAClearError();
    void badOptionIsAClearError_data();
    void badOptionIsAClearError();
    void helpAndVersion();
    void addUserThenLogInOverTls();
    void userAddedWhileRunningCanLogIn();
    void fewFileDescriptorsMeanRefusalsNotSilence();
    void lookalikeNickIsRefused();

private:
    quint16 startServer(const QStringList &arguments = {});
    // natter-server --add-user, as an operator runs it, with the password on stdin.
    static bool addUser(const QString &accounts, const QString &nick, const QByteArray &password);
    QString output() const;

    QTemporaryDir m_dataDir;
    QProcess m_server;
    QByteArray m_output;
};

void tst_ServerBinary::cleanup()
{
    m_server.setChildProcessModifier({});
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        QTRY_COMPARE(m_server.state(), QProcess::NotRunning);
    }
    m_output.clear();
}

quint16 tst_ServerBinary::startServer(const QStringList &arguments)
{
    m_server.start(QStringLiteral(NATTER_SERVER_BINARY),
                   QStringList { u"--port"_s, u"0"_s, u"--data-dir"_s, m_dataDir.path() }
                           + arguments);
    // Port 0 lets the kernel pick a free port; the server says which one.
    static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    QRegularExpressionMatch match;
    if (!QTest::qWaitFor([&] { return (match = listening.match(output())).hasMatch(); }, 10000))
        return 0;
    return quint16(match.captured(1).toUInt());
}

bool tst_ServerBinary::addUser(const QString &accounts, const QString &nick,
                               const QByteArray &password)
{
    QProcess process;
    process.start(QStringLiteral(NATTER_SERVER_BINARY),
                  { u"--accounts"_s, accounts, u"--add-user"_s, nick });
    process.write(password + '\n');
    process.closeWriteChannel();
    return QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 10000)
            && process.exitCode() == 0;
}

QString tst_ServerBinary::output() const
{
    return QString::fromUtf8(m_output);
}

void tst_ServerBinary::seedScenarioAndSigterm()
{
    const quint16 port = startServer();
    QVERIFY2(port != 0, qPrintable(output()));

    TestClient aa, bb, cc, dd;
    for (auto [client, nick] : { std::pair { &aa, u"aa"_s }, std::pair { &bb, u"bb"_s },
                                 std::pair { &cc, u"cc"_s }, std::pair { &dd, u"dd"_s } }) {
        client->connectTo(port);
        client->hello(nick);
        QTRY_COMPARE(client->count<Welcome>(), 1);
    }
    aa.say(u"hi all"_s, u"1"_s);
    QTRY_COMPARE(bb.count<Message>(), 1);
    QTRY_COMPARE(cc.count<Message>(), 1);
    QTRY_COMPARE(dd.count<Message>(), 1);
    QTRY_COMPARE(aa.count<Ack>(), 1);

    bb.send(Exit {});
    QTRY_COMPARE(aa.count<Left>(), 1);
    QCOMPARE(aa.last<Left>().text, u"bb has left the chat."_s);
    cc.socket()->abort();
    QTRY_COMPARE(dd.count<Left>(), 2);
    QCOMPARE(dd.last<Left>().reason, LeaveReason::Lost);

    // The console tells the same story, each line stamped with the time.
    static const QRegularExpression stamped(
            u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "_s,
            QRegularExpression::MultilineOption);
    QTRY_VERIFY(output().contains(u"cc will be removed from the chatroom"_s));
    QVERIFY(output().contains(u"dd has joined the chat."_s));
    QVERIFY(output().contains(u"bb has left the chat."_s));
    QVERIFY(output().contains(u"No message from cc"_s));
    QVERIFY(stamped.match(output()).hasMatch());

    ::kill(pid_t(m_server.processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(m_server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_server.exitCode(), 0);
    QTRY_COMPARE(aa.count<Shutdown>(), 1);
    QTRY_VERIFY(aa.wasDisconnected());
    QTRY_VERIFY(dd.wasDisconnected());
}

void tst_ServerBinary::plainTextClientLikeNc()
{
    const quint16 port = startServer();
    QVERIFY(port != 0);
    TestClient json;
    json.connectTo(port);
    json.hello(u"aa"_s);
    QTRY_COMPARE(json.count<Welcome>(), 1);
    TestClient nc;
    nc.connectTo(port);
    nc.sendLine("cc");
    nc.sendLine("hi from nc");
    QTRY_COMPARE(json.count<Message>(), 1);
    QCOMPARE(json.last<Message>().text, u"hi from nc"_s);
    ::kill(pid_t(m_server.processId()), SIGINT);
    QTRY_VERIFY(nc.hasLine("The server is shutting down."));
    QTRY_COMPARE_WITH_TIMEOUT(m_server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(m_server.exitCode(), 0);
}

namespace {

bool replaceFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            && file.write(contents) == contents.size();
}

QSslCertificate certificate(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QSslCertificate(file.readAll()) : QSslCertificate();
}

} // namespace

// A renewed certificate, put in place of the old one, is what the next TLS connection gets;
// the connections already open stay, and the server does not restart.
void tst_ServerBinary::sighupServesRenewedCertificate()
{
    const QString data = QStringLiteral(NATTER_TEST_DATA);
    const QString cert = m_dataDir.filePath(u"natter.pem"_s);
    const QString key = m_dataDir.filePath(u"natter.key"_s);
    QVERIFY(replaceFile(data + u"/test-only-cert.pem"_s, cert));
    QVERIFY(replaceFile(data + u"/test-only-key.pem"_s, key));
    const QSslCertificate first = certificate(cert);
    const QSslCertificate renewed = certificate(data + u"/test-only-renewed-cert.pem"_s);
    QVERIFY(!first.isNull() && !renewed.isNull() && first != renewed);

    const quint16 port = startServer({ u"--tls-cert"_s, cert, u"--tls-key"_s, key });
    QVERIFY2(port != 0, qPrintable(output()));
    const qint64 pid = m_server.processId();
    TestClient aa;
    aa.connectEncrypted(port, first);
    aa.hello(u"aa"_s);
    QTRY_COMPARE(aa.count<Welcome>(), 1);
    QCOMPARE(aa.socket()->peerCertificate(), first);

    QVERIFY(replaceFile(data + u"/test-only-renewed-cert.pem"_s, cert));
    QVERIFY(replaceFile(data + u"/test-only-renewed-key.pem"_s, key));
    ::kill(pid_t(pid), SIGHUP);
    QTRY_VERIFY2(output().contains(u"SIGHUP: reloaded"_s), qPrintable(output()));
    QVERIFY2(output().contains(u"re-read TLS certificate and key; changed: nothing"_s),
             qPrintable(output()));

    TestClient bb;
    bb.connectEncrypted(port, renewed);
    bb.hello(u"bb"_s);
    QTRY_COMPARE(bb.count<Welcome>(), 1);
    QCOMPARE(bb.socket()->peerCertificate(), renewed);
    aa.say(u"still here"_s, u"renewed-1"_s);
    QTRY_COMPARE(bb.last<Message>().text, u"still here"_s);
    QCOMPARE(m_server.processId(), pid);
    QCOMPARE(m_server.state(), QProcess::Running);
}

// SIGHUP applies a changed limit at once, names what waits for a restart, and a file with a
// problem leaves the server running as it was.
void tst_ServerBinary::sighupReloadsLimitsFromConfig()
{
    const QString config = m_dataDir.filePath(u"natter-server.conf"_s);
    QVERIFY(writeFile(config, "max-per-ip = 50\nhistory = 100\n"));
    const quint16 port = startServer({ u"--config"_s, config });
    QVERIFY2(port != 0, qPrintable(output()));
    TestClient aa;
    QVERIFY(aa.join(port, u"aa"_s));

    QVERIFY(writeFile(config, "max-per-ip = 1\nhistory = 200\n"));
    ::kill(pid_t(m_server.processId()), SIGHUP);
    QTRY_VERIFY2(output().contains(u"SIGHUP: reloaded"_s), qPrintable(output()));
    const QString line = output().section(u"SIGHUP: reloaded"_s, 1).section(u'\n', 0, 0);
    QCOMPARE(line, u" %1; changed: max-per-ip; not applied until a restart: history"_s.arg(config));

    TestClient bb;
    bb.connectTo(port);
    QTRY_COMPARE(bb.count<Error>(), 1);
    QCOMPARE(bb.last<Error>().code, ErrorCode::TooManyConnections);
    QTRY_VERIFY(bb.wasDisconnected());

    QVERIFY(writeFile(config, "max-per-ip = 0\n"));
    ::kill(pid_t(m_server.processId()), SIGHUP);
    QTRY_VERIFY2(output().contains(u"SIGHUP: keeping the running configuration: "_s),
                 qPrintable(output()));
    QVERIFY(output().contains(u"max-per-ip must be a whole number from 1 to 1000000"_s));
    TestClient cc;
    cc.connectTo(port);
    QTRY_COMPARE(cc.count<Error>(), 1); // still one per address
    QCOMPARE(cc.last<Error>().code, ErrorCode::TooManyConnections);
    QCOMPARE(m_server.state(), QProcess::Running);
    QVERIFY(aa.isConnected());
}

// SIGHUP gives the connections already here the new flood limit, and the operator rights of
// the new operators list (taking them from a nick no longer on it), not only the connections
// that follow.
void tst_ServerBinary::sighupAppliesToConnectedClients()
{
    const QString accounts = m_dataDir.filePath(u"operator-accounts"_s);
    QFile::remove(accounts);
    QVERIFY(addUser(accounts, u"alice"_s, "s3cret"));
    QVERIFY(addUser(accounts, u"bob"_s, "hunter2"));
    const QString config = m_dataDir.filePath(u"natter-server.conf"_s);
    const QByteArray common = "accounts = " + accounts.toUtf8() + "\n";
    QVERIFY(writeFile(config, common + "operators = alice\nrate = 0\n"));
    const quint16 port = startServer({ u"--config"_s, config });
    QVERIFY2(port != 0, qPrintable(output()));

    TestClient alice, bob, cc;
    alice.connectTo(port);
    alice.hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    bob.connectTo(port);
    bob.hello(u"bob"_s, std::nullopt, u"hunter2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice.count<Welcome>(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(bob.count<Welcome>(), 1, 10000);
    QVERIFY(cc.join(port, u"cc"_s));
    bob.send(Kick { u"cc"_s, {}, u"k1"_s, {} });
    QTRY_COMPARE(bob.count<Error>(), 1);
    QCOMPARE(bob.last<Error>().code, ErrorCode::Forbidden);
    constexpr int Burst = 10;
    for (int i = 0; i < Burst; ++i)
        alice.say(u"unlimited %1"_s.arg(i), u"u%1"_s.arg(i));
    QTRY_COMPARE(alice.count<Ack>(), Burst);

    QVERIFY(writeFile(config, common + "operators = bob\nrate = 1\nburst = 3\n"));
    ::kill(pid_t(m_server.processId()), SIGHUP);
    QTRY_VERIFY2(output().contains(u"SIGHUP: reloaded"_s), qPrintable(output()));
    QTRY_VERIFY2(output().contains(u"is an operator now"_s), qPrintable(output()));
    QVERIFY2(output().contains(u"is no operator now"_s), qPrintable(output()));

    alice.clear();
    alice.send(Kick { u"cc"_s, {}, u"k2"_s, {} });
    QTRY_COMPARE(alice.count<Error>(), 1);
    QCOMPARE(alice.last<Error>().code, ErrorCode::Forbidden);
    bob.send(Kick { u"cc"_s, u"testing"_s, u"k3"_s, {} });
    QTRY_VERIFY(cc.wasDisconnected());
    QTRY_COMPARE(alice.count<Left>(), 1);
    QCOMPARE(alice.last<Left>().reason, LeaveReason::Kicked);

    // The same burst on the same connection now meets the limit: what is left of the three
    // (the kick took one; a second may pass and add one) goes, the rest are refused one by one.
    alice.clear();
    bob.clear();
    for (int i = 0; i < Burst; ++i)
        alice.say(u"limited %1"_s.arg(i), u"l%1"_s.arg(i));
    QTRY_COMPARE(alice.count<Ack>() + alice.count<Error>(), Burst);
    const int delivered = alice.count<Ack>();
    QVERIFY2(delivered >= 2 && delivered <= 3, qPrintable(QString::number(delivered)));
    QCOMPARE(alice.last<Error>().code, ErrorCode::RateLimited);
    QTRY_COMPARE(bob.count<Message>(), delivered);
    QVERIFY(alice.isConnected() && bob.isConnected());
}

// Under systemd the journal stamps each line and reads its level from "<N>": the server adds
// no time of its own, but only when JOURNAL_STREAM names the stderr it writes to.
void tst_ServerBinary::logsForTheJournal_data()
{
    QTest::addColumn<bool>("journalIsStderr");
    QTest::addColumn<QString>("firstLine"); // a regular expression
    QTest::newRow("journal") << true << u"^<6>info: \\d+ rooms?$"_s;
    QTest::newRow("another stream's JOURNAL_STREAM")
            << false << u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} info: \\d+ rooms?$"_s;
}

void tst_ServerBinary::logsForTheJournal()
{
    QFETCH(bool, journalIsStderr);
    QFETCH(QString, firstLine);
    const QString log = m_dataDir.filePath(u"stderr.log"_s);
    QVERIFY(writeFile(log, {}));
    struct stat status
    {
    };
    QCOMPARE(::stat(QFile::encodeName(log).constData(), &status), 0);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"JOURNAL_STREAM"_s,
                       u"%1:%2"_s.arg(qulonglong(status.st_dev))
                               .arg(qulonglong(status.st_ino) + (journalIsStderr ? 0 : 1)));
    QProcess server;
    server.setProcessEnvironment(environment);
    server.setStandardErrorFile(log, QIODevice::Append);
    server.start(QStringLiteral(NATTER_SERVER_BINARY), { u"--port"_s, u"0"_s, u"--no-store"_s });
    const auto logged = [&log] {
        QFile file(log);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    };
    QTRY_VERIFY2(logged().contains(u"listening on 127.0.0.1:"_s), qPrintable(logged()));
    ::kill(pid_t(server.processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 0);
    const QStringList lines = logged().split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 4, qPrintable(logged()));
    QVERIFY2(QRegularExpression(firstLine).match(lines.constFirst()).hasMatch(),
             qPrintable(lines.constFirst()));
    const QRegularExpression level(journalIsStderr ? u"^<[2-7]>(debug|info|warning|error): "_s
                                                   : u"^\\S+ \\S+ (debug|info|warning|error): "_s);
    for (const QString &line : lines)
        QVERIFY2(level.match(line).hasMatch(), qPrintable(line));
    QVERIFY2(lines.constLast().endsWith(journalIsStderr ? u"<6>info: Server stopped"_s
                                                        : u" info: Server stopped"_s),
             qPrintable(lines.constLast()));
}

// --log-format json: every line is one object with the time, the level and the message.
void tst_ServerBinary::logsAsJson()
{
    const quint16 port = startServer({ u"--log-format"_s, u"json"_s });
    QVERIFY2(port != 0, qPrintable(output()));
    TestClient aa;
    QVERIFY(aa.join(port, u"aa"_s));
    QTRY_VERIFY(output().contains(u"aa has joined the chat."_s));
    ::kill(pid_t(m_server.processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(m_server.state(), QProcess::NotRunning, 10000);
    const QStringList lines = output().split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(lines.size() >= 4);
    QStringList messages;
    for (const QString &line : lines) {
        QJsonParseError error {};
        const QJsonObject object = QJsonDocument::fromJson(line.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
        QVERIFY2(object.value(u"level"_s).toString() == u"info"_s
                         || object.value(u"level"_s).toString() == u"warning"_s,
                 qPrintable(line));
        QVERIFY2(QDateTime::fromString(object.value(u"time"_s).toString(), Qt::ISODateWithMs)
                         .isValid(),
                 qPrintable(line));
        messages << object.value(u"message"_s).toString();
    }
    QVERIFY2(std::any_of(messages.cbegin(), messages.cend(),
                         [](const QString &message) {
                             return message.startsWith(u"aa has joined the chat."_s);
                         }),
             qPrintable(output()));
    QCOMPARE(messages.constLast(), u"Server stopped"_s);
}

void tst_ServerBinary::portInUseIsAClearError()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(QStringLiteral(NATTER_SERVER_BINARY),
                 { u"--port"_s, QString::number(occupier.serverPort()) });
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 2);
    const QByteArray text = server.readAll();
    QVERIFY2(text.contains("cannot listen on 127.0.0.1:"), text.constData());
    QCOMPARE(text.count('\n'), 1);
}

void tst_ServerBinary::badOptionIsAClearError_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("unknown option") << QStringList { u"--colour"_s } << QByteArray("colour");
    QTest::newRow("port not a number")
            << QStringList { u"--port"_s, u"abc"_s } << QByteArray("--port must be");
    QTest::newRow("port too large")
            << QStringList { u"--port"_s, u"70000"_s } << QByteArray("--port must be");
    QTest::newRow("bad host") << QStringList { u"--host"_s, u"not-an-ip"_s }
                              << QByteArray("--host must be");
    QTest::newRow("negative history")
            << QStringList { u"--history"_s, u"-1"_s } << QByteArray("--history must be");
    QTest::newRow("cert without key") << QStringList { u"--tls-cert"_s, u"cert.pem"_s }
                                      << QByteArray("--tls-cert and --tls-key go together");
    QTest::newRow("missing cert") << QStringList { u"--tls-cert"_s, u"/nonexistent/cert.pem"_s,
                                                   u"--tls-key"_s,  u"/nonexistent/key.pem"_s,
                                                   u"--no-store"_s, u"--port"_s,
                                                   u"0"_s }
                                  << QByteArray("cannot read the TLS certificate");
    QTest::newRow("operators without accounts")
            << QStringList { u"--operators"_s, u"alice"_s } << QByteArray("need --accounts");
    const auto configFile = [this](const QString &name, const QByteArray &contents) {
        QFile file(m_dataDir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
            qFatal("cannot write %s", qPrintable(file.fileName()));
        return file.fileName();
    };
    QTest::newRow("unknown key in --config")
            << QStringList { u"--config"_s, configFile(u"unknown.conf"_s, "colour = blue\n") }
            << QByteArray("unknown key \"colour\"");
    QTest::newRow("bad value in --config")
            << QStringList { u"--config"_s, configFile(u"bad.conf"_s, "max-clients = 0\n") }
            << QByteArray("max-clients must be");
    QTest::newRow("missing --config")
            << QStringList { u"--config"_s, u"/nonexistent/natter-server.conf"_s }
            << QByteArray("cannot read the configuration file");
}

void tst_ServerBinary::badOptionIsAClearError()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(QStringLiteral(NATTER_SERVER_BINARY), arguments);
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 2);
    const QByteArray text = server.readAll();
    QVERIFY2(text.contains(message), text.constData());
    QCOMPARE(text.count('\n'), 1);
}

void tst_ServerBinary::helpAndVersion()
{
    QProcess server;
    server.start(QStringLiteral(NATTER_SERVER_BINARY), { u"--help"_s });
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 0);
    const QByteArray help = server.readAllStandardOutput();
    for (const char *option : { "--host", "--port", "--history", "--max-line", "--max-sendq" })
        QVERIFY2(help.contains(option), option);

    // --help lists --help-all, which must answer too instead of starting a server.
    server.start(QStringLiteral(NATTER_SERVER_BINARY), { u"--help-all"_s });
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 0);
    QCOMPARE(server.readAllStandardOutput(), help);

    server.start(QStringLiteral(NATTER_SERVER_BINARY), { u"--version"_s });
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.readAllStandardOutput().trimmed(), QByteArray("natter-server " NATTER_VERSION));
}

void tst_ServerBinary::addUserThenLogInOverTls()
{
    const QString accounts = m_dataDir.filePath(u"accounts"_s);
    QProcess addUser;
    addUser.start(QStringLiteral(NATTER_SERVER_BINARY),
                  { u"--accounts"_s, accounts, u"--add-user"_s, u"alice"_s });
    addUser.write("s3cret\n"); // not a terminal: one line from the pipe, no echo to switch off
    addUser.closeWriteChannel();
    QTRY_COMPARE_WITH_TIMEOUT(addUser.state(), QProcess::NotRunning, 10000);
    QCOMPARE(addUser.exitCode(), 0);
    QFile file(accounts);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray line = file.readAll();
    QVERIFY(line.startsWith("alice:pbkdf2-sha256:100000:"));
    QVERIFY(!line.contains("s3cret"));

    const quint16 port = startServer(
            { u"--accounts"_s, accounts, u"--registered-only"_s, u"--tls-only"_s, u"--tls-cert"_s,
              QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem"), u"--tls-key"_s,
              QStringLiteral(NATTER_TEST_DATA "/test-only-key.pem") });
    QVERIFY(port != 0);
    const QList<QSslCertificate> certificate = QSslCertificate::fromPath(
            QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem"));
    TestClient alice;
    alice.connectEncrypted(port, certificate.constFirst());
    alice.hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice.count<Welcome>(), 1, 10000);
    QVERIFY(alice.socket()->isEncrypted());
}

void tst_ServerBinary::userAddedWhileRunningCanLogIn()
{
    const QString accounts = m_dataDir.filePath(u"accounts"_s);
    QFile::remove(accounts);
    QVERIFY(addUser(accounts, u"alice"_s, "s3cret"));
    const quint16 port = startServer({ u"--accounts"_s, accounts, u"--registered-only"_s });
    QVERIFY(port != 0);

    TestClient early;
    early.connectTo(port);
    early.hello(u"bob"_s, std::nullopt, u"hunter2"_s);
    QTRY_COMPARE(early.count<Error>(), 1);
    QCOMPARE(early.last<Error>().code, ErrorCode::AuthRequired);
    QVERIFY(early.last<Error>().text.contains(u"Only registered nicknames"_s));

    // The operator adds bob while the server runs; no restart.
    QVERIFY(addUser(accounts, u"bob"_s, "hunter2"));
    QTRY_VERIFY_WITH_TIMEOUT(output().contains(u"Accounts reloaded from %1: 2"_s.arg(accounts)),
                             5000);
    TestClient bob;
    bob.connectTo(port);
    bob.hello(u"bob"_s, std::nullopt, u"hunter2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(bob.count<Welcome>(), 1, 5000);

    // A file that cannot be read any more leaves the accounts as they were.
    QFile broken(accounts);
    QVERIFY(broken.open(QIODevice::Append));
    broken.write("not an account line\n");
    broken.close();
    QTRY_VERIFY_WITH_TIMEOUT(output().contains(u"Keeping the accounts read before"_s), 5000);
    TestClient alice;
    alice.connectTo(port);
    alice.hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice.count<Welcome>(), 1, 5000);
}

namespace {
// User plus system CPU time of a process, in clock ticks.
qint64 cpuTicks(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // The fields after the command name (which may hold spaces) start after its ')'.
    const QList<QByteArray> fields = stat.readAll().split(')').last().trimmed().split(' ');
    return fields.size() > 12 ? fields.at(11).toLongLong() + fields.at(12).toLongLong() : -1;
}
}

void tst_ServerBinary::fewFileDescriptorsMeanRefusalsNotSilence()
{
    // Run where an administrator left the limit at 128 open files. The server takes fewer clients
    // than that, so the rest are told "server full"; while refusals still hold descriptors it
    // stops accepting (accept() would fail, and Qt retries a failed accept at once, for ever).
    m_server.setChildProcessModifier([] {
        const rlimit files { 128, 128 };
        ::setrlimit(RLIMIT_NOFILE, &files);
    });
    const quint16 port = startServer({ u"--max-per-ip"_s, u"1000"_s });
    QVERIFY(port != 0);
    QVERIFY2(output().contains(u"This process may open 128 files: taking at most 64 clients"_s),
             qPrintable(output()));
    const qint64 ticksBefore = cpuTicks(m_server.processId());

    QList<TestClient *> clients;
    const auto cleanup = qScopeGuard([&] { qDeleteAll(clients); });
    // More than fit in 128 descriptors at once.
    for (int i = 0; i < 130; ++i) {
        auto *client = new TestClient;
        clients.append(client);
        // Clients that do not read keep each refusal's descriptor busy until the server gives
        // up on them (2 s), as slow clients do.
        client->setReadingPaused(true);
        client->connectTo(port);
        client->hello(u"fd%1"_s.arg(i));
    }
    const auto logged = [&](const QString &text) { return output().count(text); };
    // The refusals from one address are logged five at a time per minute (RefusalLog): the
    // summary of the other 61 would only come after the minute.
    QTRY_COMPARE_WITH_TIMEOUT(logged(u"has joined the chat"_s), 64, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(logged(u"Refused"_s), 5, 20000);
    QVERIFY2(output().contains(u"new ones wait until one closes"_s), qPrintable(output()));
    QVERIFY2(!output().contains(u"Cannot accept"_s), qPrintable(output()));
    // Waiting for descriptors took seconds of wall time and next to no CPU: nothing spun.
    const qint64 ticks = cpuTicks(m_server.processId()) - ticksBefore;
    QVERIFY2(ticks < sysconf(_SC_CLK_TCK) / 2, qPrintable(QString::number(ticks)));

    // Everyone hears something: a welcome, or "server full".
    for (TestClient *client : std::as_const(clients))
        client->setReadingPaused(false);
    const auto answered = [&] {
        return std::count_if(clients.cbegin(), clients.cend(), [](const TestClient *client) {
            return client->count<Welcome>() + client->count<Error>() > 0;
        });
    };
    QTRY_COMPARE_WITH_TIMEOUT(answered(), 130, 10000);
    for (const TestClient *client : std::as_const(clients)) {
        if (client->count<Error>())
            QCOMPARE(client->last<Error>().code, ErrorCode::ServerFull);
        else
            QCOMPARE(client->count<Welcome>(), 1);
    }
}

void tst_ServerBinary::lookalikeNickIsRefused()
{
    // The confusables table is a resource of natter_shared: it is in the binary, and used.
    const quint16 port = startServer();
    QVERIFY2(port != 0, qPrintable(output()));
    TestClient alice;
    QVERIFY(alice.join(port, u"alice"_s));
    TestClient impostor;
    impostor.connectTo(port);
    impostor.hello(u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s); // fullwidth ａｌｉｃｅ
    QTRY_COMPARE(impostor.count<Error>(), 1);
    QCOMPARE(impostor.last<Error>().code, ErrorCode::NickTaken);
}

QTEST_GUILESS_MAIN(tst_ServerBinary)
#include "tst_serverbinary.moc"
