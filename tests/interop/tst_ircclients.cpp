// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// Real IRC clients from Debian against natter-server's IRC face, beside a Natter client in the
// same room. WeeChat runs headless and takes commands through its FIFO; irssi, which needs a
// terminal, runs on the pseudo-terminal of script(1) and is typed at through it. What each
// received is read from its own logs.
class tst_IrcClients : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void weechatChatsWithANatterClientInTheLobby();
    void irssiChatsWithANatterClientInTheLobby();

private:
    // Sends a command to WeeChat's IRC server buffer ("*" lines are typed there).
    void weechatCommand(const QString &command);
    QString weechatLog(const QString &buffer) const;

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QProcess m_weechat;
    QProcess m_irssi;
};

void tst_IrcClients::init()
{
    QVERIFY(m_dir.isValid());
    ServerConfig config;
    config.port = 0;
    config.ircPort = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void tst_IrcClients::cleanup()
{
    if (m_weechat.state() != QProcess::NotRunning) {
        m_weechat.kill();
        QTRY_COMPARE(m_weechat.state(), QProcess::NotRunning);
    }
    if (m_irssi.state() != QProcess::NotRunning) {
        m_irssi.kill(); // script(1): irssi gets the hang-up of its terminal
        QTRY_COMPARE(m_irssi.state(), QProcess::NotRunning);
    }
    m_server.reset();
}

void tst_IrcClients::weechatCommand(const QString &command)
{
    QFile fifo(m_dir.filePath(u"weechat/fifo"_s));
    QVERIFY2(fifo.open(QIODevice::WriteOnly), qPrintable(fifo.errorString()));
    fifo.write((u"irc.server.natter *"_s + command + u'\n').toUtf8());
}

QString tst_IrcClients::weechatLog(const QString &buffer) const
{
    QFile log(m_dir.filePath(u"weechat/logs/%1.weechatlog"_s.arg(buffer)));
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
}

void tst_IrcClients::weechatChatsWithANatterClientInTheLobby()
{
    // natter.sh installs it (Debian weechat-headless): missing, the interop suite cannot pass.
    const QString weechat = QStandardPaths::findExecutable(u"weechat-headless"_s);
    QVERIFY2(!weechat.isEmpty(), "weechat-headless is not installed (./natter.sh installs it)");

    TestClient natter;
    natter.setProtocol(2);
    natter.setAnswersPings(true);
    QVERIFY(natter.join(m_server->serverPort(), u"bb"_s));

    const QString home = m_dir.filePath(u"weechat"_s);
    const QString startup = u"/set fifo.file.path %1/fifo;/set logger.file.flush_delay 0;"
                            "/server add natter 127.0.0.1/%2 -notls -nicks=wee -username=wee;"
                            "/connect natter"_s.arg(home)
                                    .arg(m_server->ircPort());
    // Its terminal resets and log lines stay in its folder: a failure's details are there.
    m_weechat.setStandardOutputFile(m_dir.filePath(u"weechat-output"_s));
    m_weechat.setStandardErrorFile(m_dir.filePath(u"weechat-errors"_s));
    m_weechat.start(weechat, { u"--dir"_s, home, u"--stdout"_s, u"-r"_s, startup });

    // Registered and in the lobby, as every client without rooms.
    QTRY_VERIFY_WITH_TIMEOUT(
            [&natter] {
                for (const Joined &joined : natter.all<Joined>()) {
                    if (joined.nick == u"wee"_s)
                        return true;
                }
                return false;
            }(),
            15000);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_dir.filePath(u"weechat/fifo"_s)), 10000);

    weechatCommand(u"/msg #lobby hello from WeeChat, ünïcode too"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!natter.all<Message>().isEmpty(), 10000);
    QCOMPARE(natter.last<Message>().from, u"wee"_s);
    QCOMPARE(natter.last<Message>().text, u"hello from WeeChat, ünïcode too"_s);

    natter.say(u"hi wee, from Natter\nsecond line"_s, u"n1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(weechatLog(u"irc.natter.#lobby"_s).contains(u"bb\tsecond line"_s),
                             10000);
    QVERIFY(weechatLog(u"irc.natter.#lobby"_s).contains(u"bb\thi wee, from Natter"_s));

    // A direct message opens WeeChat's private buffer with bb.
    natter.say(u"just for you"_s, u"n2"_s, u"wee"_s);
    QTRY_VERIFY_WITH_TIMEOUT(weechatLog(u"irc.natter.bb"_s).contains(u"just for you"_s), 10000);

    weechatCommand(u"/quit see you"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
            [&natter] {
                for (const Left &left : natter.all<Left>()) {
                    if (left.nick == u"wee"_s)
                        return left.text == u"wee has left the chat."_s;
                }
                return false;
            }(),
            10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_weechat.state(), QProcess::NotRunning, 10000);
}

void tst_IrcClients::irssiChatsWithANatterClientInTheLobby()
{
    // natter.sh installs them (Debian irssi, and bsdutils' script for a terminal).
    const QString irssi = QStandardPaths::findExecutable(u"irssi"_s);
    const QString script = QStandardPaths::findExecutable(u"script"_s);
    QVERIFY2(!irssi.isEmpty() && !script.isEmpty(),
             "irssi or script is not installed (./natter.sh installs them)");

    TestClient natter;
    natter.setProtocol(2);
    natter.setAnswersPings(true);
    QVERIFY(natter.join(m_server->serverPort(), u"bb"_s));

    // A configuration of its own: the server, the nick, and a log of every window.
    const QString home = m_dir.filePath(u"irssi"_s);
    QVERIFY(QDir().mkpath(home));
    QFile config(home + u"/config"_s);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"servers = ( { address = \"127.0.0.1\"; chatnet = \"natter\"; port = \"%1\"; "
                 "use_tls = \"no\"; autoconnect = \"yes\"; } );\n"
                 "chatnets = { natter = { type = \"IRC\"; }; };\n"
                 "settings = {\n"
                 "  core = { real_name = \"ii\"; user_name = \"ii\"; nick = \"ii\"; };\n"
                 "  \"fe-common/core\" = { autolog = \"yes\"; autolog_level = \"all\"; "
                 "autolog_path = \"%2/logs/$0.log\"; };\n"
                 "};\n"_s.arg(m_server->ircPort())
                         .arg(home)
                         .toUtf8());
    config.close();
    auto irssiLog = [&home](const QString &window) {
        QFile log(home + u"/logs/"_s + window + u".log"_s);
        return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
    };
    // What is typed on script's input reaches irssi as keys; its screen goes to a file.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"TERM"_s, u"xterm"_s);
    m_irssi.setProcessEnvironment(environment);
    m_irssi.setStandardOutputFile(m_dir.filePath(u"irssi-screen"_s));
    m_irssi.start(script,
                  { u"-qfec"_s, u"stty cols 120 rows 40; exec '%1' --home='%2'"_s.arg(irssi, home),
                    u"/dev/null"_s });
    QVERIFY(m_irssi.waitForStarted(5000));

    QTRY_VERIFY_WITH_TIMEOUT(
            [&natter] {
                for (const Joined &joined : natter.all<Joined>()) {
                    if (joined.nick == u"ii"_s)
                        return true;
                }
                return false;
            }(),
            15000);
    // In #lobby as every client without rooms: irssi opened its window (and its log).
    QTRY_VERIFY_WITH_TIMEOUT(irssiLog(u"#lobby"_s).contains(u"has joined #lobby"_s), 10000);

    m_irssi.write("/msg #lobby hello from irssi, ünïcode too\r");
    QTRY_VERIFY_WITH_TIMEOUT(!natter.all<Message>().isEmpty(), 10000);
    QCOMPARE(natter.last<Message>().from, u"ii"_s);
    QCOMPARE(natter.last<Message>().text, u"hello from irssi, ünïcode too"_s);

    natter.say(u"hi ii, from Natter\nsecond line"_s, u"n1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(irssiLog(u"#lobby"_s).contains(u"second line"_s), 10000);
    QVERIFY(irssiLog(u"#lobby"_s).contains(u"bb> hi ii, from Natter"_s));

    // A direct message opens irssi's query window with bb.
    natter.say(u"just for you"_s, u"n2"_s, u"ii"_s);
    QTRY_VERIFY_WITH_TIMEOUT(irssiLog(u"bb"_s).contains(u"just for you"_s), 10000);

    m_irssi.write("/quit see you\r");
    QTRY_VERIFY_WITH_TIMEOUT(
            [&natter] {
                for (const Left &left : natter.all<Left>()) {
                    if (left.nick == u"ii"_s)
                        return left.text == u"ii has left the chat."_s;
                }
                return false;
            }(),
            10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_irssi.state(), QProcess::NotRunning, 10000);
}

NATTER_SERVER_TEST_MAIN(tst_IrcClients)
#include "tst_ircclients.moc"
