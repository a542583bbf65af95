// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatserver.h"
#include "connectdialog.h"
#include "isolatedsettings.h"
#include "mainwindow.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The connect dialog and the window given a list of servers (a cluster's nodes), offscreen.
class tst_ConnectDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void acceptsAListOfServers_data();
    void acceptsAListOfServers();
    void aClusterIsLocalOnlyWhenEveryNodeIs();
    void windowNamesTheNodeInUse();
    void aListThatDoesNotReadOpensTheDialog();

private:
    IsolatedSettings m_settings;
};

void tst_ConnectDialog::initTestCase()
{
    m_settings.install(u"tst_connectdialog"_s);
}

void tst_ConnectDialog::acceptsAListOfServers_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("hint");

    QTest::newRow("one host") << u"127.0.0.1"_s << true << QString();
    QTest::newRow("a cluster") << u"chat-a:6789, chat-b:6790"_s << true << QString();
    QTest::newRow("ipv6 nodes") << u"[::1]:6789,[::1]:6790"_s << true << QString();
    QTest::newRow("nothing") << QString() << false << QString();
    QTest::newRow("empty entry") << u"chat-a:6789,,chat-b"_s << false
                                 << u"An empty entry in the list of servers (two commas, or one "
                                    "at an end)."_s;
    QTest::newRow("bad port") << u"chat-a:6789,chat-b:http"_s << false
                              << u"chat-b:http: the port must be 1 to 65535."_s;
    QTest::newRow("twice") << u"chat-a,chat-a:6789"_s << false << u"chat-a:6789 is listed twice."_s;
}

void tst_ConnectDialog::acceptsAListOfServers()
{
    QFETCH(QString, typed);
    QFETCH(bool, accepted);
    QFETCH(QString, hint);

    ConnectDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.setNick(u"aa"_s);
    auto *host = dialog.findChild<QLineEdit *>(u"host"_s);
    QVERIFY(host);
    host->clear();
    QTest::keyClicks(host, typed);
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QCOMPARE(ok->isEnabled(), accepted);
    auto *hostHint = dialog.findChild<QLabel *>(u"hostHint"_s);
    QVERIFY(hostHint);
    QCOMPARE(hostHint->isVisible(), !hint.isEmpty());
    if (!hint.isEmpty())
        QCOMPARE(hostHint->text(), hint);
    QCOMPARE(dialog.host(), typed.trimmed());

    // Mended, it reads again.
    host->clear();
    QTest::keyClicks(host, u"chat-a:6789"_s);
    QVERIFY(ok->isEnabled());
    QVERIFY(!hostHint->isVisible());
}

void tst_ConnectDialog::aClusterIsLocalOnlyWhenEveryNodeIs()
{
    QVERIFY(ConnectDialog::isLoopback(u"127.0.0.1"_s));
    QVERIFY(ConnectDialog::isLoopback(u"localhost:6789,127.0.0.1:6790,[::1]:6791"_s));
    QVERIFY(!ConnectDialog::isLoopback(u"127.0.0.1:6789,chat.example.org:6789"_s));

    ConnectDialog dialog;
    auto *host = dialog.findChild<QLineEdit *>(u"host"_s);
    auto *tls = dialog.findChild<QWidget *>(u"useTls"_s);
    host->setText(u"localhost:6789,127.0.0.1:6790"_s);
    QVERIFY(!dialog.useTls());
    host->setText(u"localhost:6789,chat.example.org:6790"_s);
    QVERIFY(dialog.useTls()); // encrypted by default as soon as one node is elsewhere
    QVERIFY(tls);
}

void tst_ConnectDialog::windowNamesTheNodeInUse()
{
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    auto first = std::make_unique<ChatServer>(config);
    auto second = std::make_unique<ChatServer>(config);
    QVERIFY(first->listen());
    QVERIFY(second->listen());
    ChatClient client;
    client.setReconnectDelays(50ms, 200ms);
    MainWindow window(&client);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString nodes = u"127.0.0.1:%1,127.0.0.1:%2"_s.arg(first->serverPort())
                                  .arg(second->serverPort());
    window.connectTo(nodes, 6789, u"aa"_s);
    QTRY_COMPARE(client.state(), ChatClient::State::Online);
    auto *server = window.findChild<QLabel *>(u"server"_s);
    QVERIFY(server);
    QTRY_COMPARE(server->text(),
                 u"127.0.0.1:%1 (node 1 of 2) · 1 online"_s.arg(first->serverPort()));
    QCOMPARE(server->toolTip(), nodes);
    QVERIFY(window.windowTitle().contains(u"aa on 127.0.0.1:%1"_s.arg(first->serverPort())));

    first.reset(); // its node goes away: the window follows the client to the next
    QTRY_COMPARE(client.serverIndex(), 1);
    QTRY_COMPARE(client.state(), ChatClient::State::Online);
    QTRY_COMPARE(server->text(),
                 u"127.0.0.1:%1 (node 2 of 2) · 1 online"_s.arg(second->serverPort()));
    QVERIFY(window.windowTitle().contains(u"aa on 127.0.0.1:%1"_s.arg(second->serverPort())));

    // The dialog offers the same list again, not the node in use.
    window.showConnectDialog();
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConnectDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->host(), nodes);
    dialog->reject();
}

void tst_ConnectDialog::aListThatDoesNotReadOpensTheDialog()
{
    ChatClient client;
    MainWindow window(&client);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.connectTo(u"127.0.0.1:6789,"_s, 6789, u"aa"_s);
    QCOMPARE(client.state(), ChatClient::State::Disconnected);
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConnectDialog *>()) && dialog->isVisible());
    auto *problem = dialog->findChild<QLabel *>(u"problem"_s);
    QVERIFY(problem);
    QCOMPARE(problem->text(),
             u"An empty entry in the list of servers (two commas, or one at an end)."_s);
    dialog->reject();
}

QTEST_MAIN(tst_ConnectDialog)
#include "tst_connectdialog.moc"
