#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "connectdialog.h"
#include "mainwindow.h"
#include "messageview.h"
#include "protocol.h"
#include "roomdialog.h"
#include "searchbar.h"
#include "tcprelay.h"
#include "testclient.h"
#include "translations.h"
#include "windowfixture.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QWheelEvent>

#include <memory>

using namespace Qt::StringLiterals;

// The window as a person uses it, against an in-process server, on the offscreen platform.
class tst_MainWindow : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void typingAndEnterReachesAnotherClient();
    void incomingMessagesAndNoticesAppear();
    void userListFollowsJoinsAndLeaves();
    void directMessageAndUnknownCommand();
    void exitLeavesTheChat();
    void nickTakenBringsBackTheDialog();
    void connectDialogChecksNickAsTyped();
    void connectDialogUsesTlsForOtherHosts();
    void passwordIsKeptOnlyWhenAskedTo();
    void unknownCertificateAsksAndTrustOnceConnects();
    void changedCertificateIsALoudWarning();
    void upAndDownRecallSentLines();
    void unreadCountWhileNotActive();
    void translationsChangeTheMenus_data();
    void translationsChangeTheMenus();
    void geometryIsRestored();
    void findJumpsToTheMessage();
    void findLoadsOlderMessagesToJump();
    void sidebarSwitchingKeepsTypedTextPerConversation();
    void directConversationOpensOnMsgAndIncomingMessage();
    void topicBarAndMembersFollowTheRoom();
    void newMessagesLineMarksWhereUnreadStarts();
    void roomDialogListsAsTypedAndJoins();
    void findSearchesThisRoomOrAllRooms();
    void invitationsAreShown();
    void switchingKeepsEachScrollPosition();
    void anotherServerStartsACleanView();
    void unsentMessagesNeverGoToAnotherServer();
    void typingWhileOfflineByChoiceKeepsTheText();
    void refusedConnectionSaysWhyAndStopsTrying();
    void keysTypedElsewhereGoToTheInput();
    void viewFollowsTheBottomAfterALongOwnMessage();
    void olderHistoryLoadsFromTheKeyboardAndTheWheel();
    void titleNamesTheAppOnceAndOnlyWhileInTheChat();
    void connectDialogOpensOverTheWindowWithItsWholeTitle();
    void overlongMessageIsRefusedBeforeSendingAndKept();

private:
    void openWindow(const QString &nick);
    // Connects through the connect dialog, as Ctrl+K does, to `port` on this machine.
    void connectWithDialog(quint16 port);
    // Opens the window and connects with TLS; the certificate question it asks, or null.
    QMessageBox *connectOverTlsUntilAsked();
    // A peer that speaks rooms.
    TestClient *joinWithRooms(const QString &nick);
    void type(const QString &line);
    QStringList sidebar() const;
    QString viewText() const;
};

void tst_MainWindow::initTestCase()
{
    m_settings.install(u"tst_mainwindow"_s);
}

void tst_MainWindow::init()
{
    startServerAndClient();
}

void tst_MainWindow::cleanup()
{
    tearDown();
    Translations::install(QLocale(QLocale::English));
    QSettings settings;
    settings.remove(u"connection/password"_s);
    settings.remove(u"connection/tls"_s);
    settings.remove(u"trustedCertificates"_s);
}

void tst_MainWindow::openWindow(const QString &nick)
{
    showWindow();
    if (QTest::currentTestFailed())
        return;
    connectAs(nick);
}

void tst_MainWindow::connectWithDialog(quint16 port)
{
    QTRY_VERIFY(!m_window->findChild<ConnectDialog *>()); // the last one has gone
    m_window->activateWindow(); // the shortcut works in the active window
    QTRY_VERIFY(m_window->isActiveWindow());
    QTest::keySequence(m_window.get(), QKeySequence(Qt::CTRL | Qt::Key_K));
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    dialog->setPort(port);
    dialog->accept();
}

TestClient *tst_MainWindow::joinWithRooms(const QString &nick)
{
    TestClient *peer = newPeer();
    peer->setProtocol(2);
    if (!peer->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return peer;
}

QStringList tst_MainWindow::sidebar() const
{
    const QAbstractItemModel *model = m_window->findChild<QListView *>(u"conversations"_s)->model();
    QStringList rows;
    for (int row = 0; row < model->rowCount(); ++row)
        rows.append(model->index(row, 0).data().toString());
    return rows;
}

void tst_MainWindow::type(const QString &line)
{
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QVERIFY(input);
    QTest::keyClicks(input, line);
    QTest::keyClick(input, Qt::Key_Return);
}

QString tst_MainWindow::viewText() const
{
    return m_window->findChild<MessageView *>(u"messages"_s)->toPlainText();
}

void tst_MainWindow::typingAndEnterReachesAnotherClient()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    type(u"hello bb, from the window"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"hello bb, from the window"_s);
    QCOMPARE(bb->last<Protocol::Message>().from, u"aa"_s);
    QVERIFY(m_window->findChild<ChatInput *>(u"input"_s)->text().isEmpty());
    QTRY_VERIFY(viewText().contains(u"aa: hello bb, from the window ✓"_s));

    type(u"   "_s); // empty lines are not sent
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 1);
}

void tst_MainWindow::incomingMessagesAndNoticesAppear()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    QTRY_VERIFY(viewText().contains(u"bb has joined the chat."_s));
    bb->say(u"see https://example.org/x"_s, u"1"_s);
    QTRY_VERIFY(viewText().contains(u"bb: see https://example.org/x"_s));
    const QString html = m_window->findChild<MessageView *>(u"messages"_s)->document()->toHtml();
    QVERIFY(html.contains(u"href=\"https://example.org/x\""_s));
    auto *state = m_window->findChild<QLabel *>(u"state"_s);
    QCOMPARE(state->text(), u"Online"_s);
}

void tst_MainWindow::userListFollowsJoinsAndLeaves()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    auto *users = m_window->findChild<QListView *>(u"users"_s);
    QCOMPARE(users->model()->rowCount(), 1);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    QTRY_COMPARE(users->model()->rowCount(), 3);
    QCOMPARE(users->model()->index(1, 0).data().toString(), u"bb"_s);
    const QRect bbRow = users->visualRect(users->model()->index(1, 0));
    // A double-click is a press and release followed by a second press that is a double-click.
    QTest::mouseClick(users->viewport(), Qt::LeftButton, {}, bbRow.center());
    QTest::mouseDClick(users->viewport(), Qt::LeftButton, {}, bbRow.center());
    QCOMPARE(m_window->findChild<ChatInput *>(u"input"_s)->text(), u"/msg bb "_s);

    bb->send(Protocol::Exit {});
    QTRY_VERIFY(viewText().contains(u"bb has left the chat."_s));
    QTRY_COMPARE(users->model()->rowCount(), 2);
    cc->socket()->abort();
    QTRY_VERIFY(
            viewText().contains(u"No message from cc, cc will be removed from the chatroom."_s));
    QTRY_COMPARE(users->model()->rowCount(), 1);
}

void tst_MainWindow::directMessageAndUnknownCommand()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    type(u"/msg bb only for you"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().to, u"bb"_s);
    QCOMPARE(bb->last<Protocol::Message>().text, u"only for you"_s);
    QTRY_VERIFY(viewText().contains(u"aa → bb (direct): only for you"_s));
    type(u"/dance"_s);
    QTRY_VERIFY(viewText().contains(u"Unknown command /dance."_s));
    type(u"/help"_s);
    QTRY_VERIFY(viewText().contains(u"Commands: /msg NICK TEXT"_s));
    cc->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(cc->count<Protocol::Pong>(), 1);
    QCOMPARE(cc->count<Protocol::Message>(), 0);
}

void tst_MainWindow::exitLeavesTheChat()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    type(u"exit"_s);
    QTRY_COMPARE(bb->count<Protocol::Left>(), 1);
    QCOMPARE(bb->last<Protocol::Left>().text, u"aa has left the chat."_s);
    QCOMPARE(bb->last<Protocol::Left>().reason, Protocol::LeaveReason::Exit);
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
    QCOMPARE(m_window->findChild<QLabel *>(u"state"_s)->text(), u"Offline"_s);
    QVERIFY(viewText().contains(u"You left the chat."_s));
}

void tst_MainWindow::nickTakenBringsBackTheDialog()
{
    join(u"aa"_s);
    openWindow(u"AA"_s);
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    auto *problem = dialog->findChild<QLabel *>(u"problem"_s);
    QCOMPARE(problem->text(), ChatClient::errorText(Protocol::ErrorCode::NickTaken));
    QCOMPARE(dialog->host(), u"127.0.0.1"_s); // the rest is kept
    QCOMPARE(dialog->port(), m_server->serverPort());
    QCOMPARE(dialog->nick(), u"AA"_s);

    auto *nick = dialog->findChild<QLineEdit *>(u"nick"_s);
    nick->setText(u"aa2"_s);
    dialog->accept();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->nick(), u"aa2"_s);
    QCOMPARE(QSettings().value(u"connection/nick"_s).toString(), u"aa2"_s);
}

void tst_MainWindow::connectDialogChecksNickAsTyped()
{
    ConnectDialog dialog;
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    dialog.setHost(u"127.0.0.1"_s);
    dialog.setNick(u"good_name"_s);
    QVERIFY(ok->isEnabled());
    dialog.setNick(u"bad name"_s);
    QVERIFY(!ok->isEnabled());
    dialog.setNick(QString(33, u'x'));
    QVERIFY(!ok->isEnabled());
    dialog.setNick(u"Jürgen"_s);
    QVERIFY(ok->isEnabled());
    // A Cyrillic а in a Latin nick: refused before the server would, and told why.
    dialog.setNick(u"\u0430lice"_s);
    QVERIFY(!ok->isEnabled());
    const auto labels = dialog.findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->text().contains(u"one script"_s);
    }));
    // The confusables table is in the window's executable too (a resource of natter_shared).
    QCOMPARE(Protocol::nickKey(u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s), Protocol::nickKey(u"alice"_s));
}

void tst_MainWindow::upAndDownRecallSentLines()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    type(u"one"_s);
    type(u"two"_s);
    QTest::keyClicks(input, u"draft"_s);
    QTest::keyClick(input, Qt::Key_Up);
    QCOMPARE(input->text(), u"two"_s);
    QTest::keyClick(input, Qt::Key_Up);
    QCOMPARE(input->text(), u"one"_s);
    QTest::keyClick(input, Qt::Key_Up);
    QCOMPARE(input->text(), u"one"_s);
    QTest::keyClick(input, Qt::Key_Down);
    QCOMPARE(input->text(), u"two"_s);
    QTest::keyClick(input, Qt::Key_Down);
    QCOMPARE(input->text(), u"draft"_s);
}

void tst_MainWindow::unreadCountWhileNotActive()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QWidget other;
    other.show();
    other.activateWindow();
    QTRY_VERIFY(!m_window->isActiveWindow());
    TestClient *bb = join(u"bb"_s);
    bb->say(u"one"_s, u"1"_s);
    bb->say(u"two"_s, u"2"_s);
    QTRY_COMPARE(m_window->unreadCount(), 2);
    QVERIFY(m_window->windowTitle().startsWith(u"(2) "_s));
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());
    QTRY_COMPARE(m_window->unreadCount(), 0);
    QVERIFY(!m_window->windowTitle().startsWith(u"("_s));
}

void tst_MainWindow::translationsChangeTheMenus_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("chatMenu");
    QTest::addColumn<QString>("helpMenu");
    QTest::addColumn<QString>("offline");
    QTest::newRow("English") << u"en"_s << u"&Chat"_s << u"&Help"_s << u"Offline"_s;
    QTest::newRow("German") << u"de_DE"_s << u"&Chat"_s << u"&Hilfe"_s << u"Offline"_s;
    QTest::newRow("Simplified Chinese")
            << u"zh_CN"_s << u"聊天(&C)"_s << u"帮助(&H)"_s << u"离线"_s;
}

void tst_MainWindow::translationsChangeTheMenus()
{
    QFETCH(QString, locale);
    QFETCH(QString, chatMenu);
    QFETCH(QString, helpMenu);
    QFETCH(QString, offline);
    QCOMPARE(Translations::install(QLocale(locale)), !locale.startsWith(u"en"_s));
    MainWindow window(m_client.get());
    const QList<QAction *> menus = window.menuBar()->actions();
    QCOMPARE(menus.size(), 2);
    QCOMPARE(menus.at(0)->text(), chatMenu);
    QCOMPARE(menus.at(1)->text(), helpMenu);
    QCOMPARE(window.findChild<QLabel *>(u"state"_s)->text(), offline);
}

void tst_MainWindow::geometryIsRestored()
{
    {
        MainWindow first(m_client.get());
        first.resize(700, 450);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        first.close();
    }
    MainWindow second(m_client.get());
    QCOMPARE(second.size(), QSize(700, 450));
}

void tst_MainWindow::findJumpsToTheMessage()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 30; ++i)
        bb->say(i == 7 ? u"the needle is here"_s : u"hay %1"_s.arg(i), QString::number(i));
    QTRY_VERIFY(viewText().contains(u"hay 30"_s));

    auto *search = m_window->findChild<SearchBar *>(u"search"_s);
    QVERIFY(!search->isVisible());
    QTest::keySequence(m_window.get(), QKeySequence::Find);
    QVERIFY(search->isVisible());
    auto *query = search->findChild<QLineEdit *>(u"searchQuery"_s);
    QTRY_VERIFY(query->hasFocus());
    QTest::keyClicks(query, u"needle"_s);
    QTest::keyClick(query, Qt::Key_Return);
    auto *results = search->findChild<QListWidget *>(u"searchResults"_s);
    QTRY_COMPARE(results->count(), 1);
    QVERIFY(results->item(0)->text().contains(u"bb: the needle is here"_s));

    emit results->itemActivated(results->item(0));
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QVERIFY(view->textCursor().hasSelection());
    QVERIFY(view->textCursor().block().text().contains(u"the needle is here"_s));
}

void tst_MainWindow::findLoadsOlderMessagesToJump()
{
    cleanup();
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    config.historyLimit = 10; // a joining window gets only the newest ten
    QTemporaryDir storeDir;
    config.storePath = storeDir.filePath(u"natter.sqlite"_s);
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_client = std::make_unique<ChatClient>();
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 120; ++i)
        bb->say(i == 3 ? u"the old needle"_s : u"hay %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 120);
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QVERIFY(!viewText().contains(u"the old needle"_s));

    auto *search = m_window->findChild<SearchBar *>(u"search"_s);
    search->open();
    auto *query = search->findChild<QLineEdit *>(u"searchQuery"_s);
    QTest::keyClicks(query, u"needle"_s);
    QTest::keyClick(query, Qt::Key_Return);
    auto *results = search->findChild<QListWidget *>(u"searchResults"_s);
    QTRY_COMPARE(results->count(), 1);
    emit results->itemActivated(results->item(0));
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    // Three pages of fifty come in before message 3 is there to jump to.
    QTRY_VERIFY(view->textCursor().block().text().contains(u"the old needle"_s));
    cleanup(); // the store's folder goes with this function
}

void tst_MainWindow::connectDialogUsesTlsForOtherHosts()
{
    ConnectDialog dialog;
    auto *host = dialog.findChild<QLineEdit *>(u"host"_s);
    host->setText(u"127.0.0.1"_s);
    QVERIFY(!dialog.useTls());
    host->setText(u"localhost"_s);
    QVERIFY(!dialog.useTls());
    host->setText(u"chat.example.org"_s);
    QVERIFY(dialog.useTls());
    host->setText(u"::1"_s);
    QVERIFY(!dialog.useTls());
    // Once the user has chosen, the host no longer decides.
    auto *useTls = dialog.findChild<QCheckBox *>(u"useTls"_s);
    QTest::mouseClick(useTls, Qt::LeftButton, {}, QPoint(4, useTls->height() / 2));
    QVERIFY(dialog.useTls());
    host->setText(u"127.0.0.2"_s);
    QVERIFY(dialog.useTls());
}

void tst_MainWindow::passwordIsKeptOnlyWhenAskedTo()
{
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    for (const bool remember : { false, true }) {
        m_window->showConnectDialog();
        ConnectDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
        dialog->setHost(u"127.0.0.1"_s);
        dialog->setPort(m_server->serverPort());
        dialog->setNick(u"pw%1"_s.arg(remember));
        auto *password = dialog->findChild<QLineEdit *>(u"password"_s);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        password->setText(u"s3cret"_s);
        dialog->findChild<QCheckBox *>(u"rememberPassword"_s)->setChecked(remember);
        dialog->accept();
        QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
        QCOMPARE(QSettings().contains(u"connection/password"_s), remember);
        m_client->disconnectFromServer();
        QTRY_VERIFY(!m_window->findChild<ConnectDialog *>());
    }
    QCOMPARE(QSettings().value(u"connection/password"_s).toString(), u"s3cret"_s);
    m_window->showConnectDialog(); // a remembered password fills the field again
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->password(), u"s3cret"_s);
    QVERIFY(dialog->rememberPassword());
}

QMessageBox *tst_MainWindow::connectOverTlsUntilAsked()
{
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    m_window->connectTo(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s, {}, true);
    QMessageBox *box = nullptr;
    const bool asked = QTest::qWaitFor(
            [&] { return (box = m_window->findChild<QMessageBox *>(u"certificateTrust"_s)); },
            5000);
    return asked ? box : nullptr;
}

static std::unique_ptr<ChatServer> tlsServer()
{
    ServerConfig config;
    config.port = 0;
    config.tlsCertPath = QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem");
    config.tlsKeyPath = QStringLiteral(NATTER_TEST_DATA "/test-only-key.pem");
    config.tlsOnly = true;
    auto server = std::make_unique<ChatServer>(config);
    if (!server->listen())
        qWarning("%s", qPrintable(server->errorString()));
    return server;
}

void tst_MainWindow::unknownCertificateAsksAndTrustOnceConnects()
{
    m_server = tlsServer();
    QMessageBox *box = connectOverTlsUntilAsked();
    QVERIFY(box);
    QCOMPARE(box->icon(), QMessageBox::Warning);
    const QString fingerprint = CertificateTrust::formatFingerprint(
            QSslCertificate::fromPath(QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem"))
                    .constFirst()
                    .digest(QCryptographicHash::Sha256));
    QVERIFY(box->informativeText().contains(fingerprint));
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    QAbstractButton *once = nullptr;
    for (QAbstractButton *button : box->buttons()) {
        if (button->text().remove(u'&') == u"Trust once"_s)
            once = button;
    }
    QVERIFY(once);
    once->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 5000);
    QVERIFY(m_client->isEncrypted());
}

void tst_MainWindow::changedCertificateIsALoudWarning()
{
    m_server = tlsServer();
    CertificateTrust().trustAlways(u"127.0.0.1"_s, m_server->serverPort(), QByteArray(32, 'x'));
    QMessageBox *box = connectOverTlsUntilAsked();
    QVERIFY(box);
    QCOMPARE(box->icon(), QMessageBox::Critical);
    QVERIFY(box->text().contains(u"not the one you trusted before"_s));
    QCOMPARE(box->buttons().size(), 2); // trust the new one, or cancel; no "once"
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    box->button(QMessageBox::Cancel)->click();
    QVERIFY(!QTest::qWaitFor([&] { return m_client->state() != ChatClient::State::Disconnected; },
                             300));
    QVERIFY(viewText().contains(u"certificate was not trusted"_s));
}

void tst_MainWindow::sidebarSwitchingKeepsTypedTextPerConversation()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    type(u"/join dev"_s);
    QTRY_COMPARE(sidebar(), QStringList({ u"#lobby"_s, u"#dev"_s }));
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    type(u"said in dev"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().room, u"dev"_s);

    QTest::keyClicks(input, u"draft for dev"_s);
    QTest::keyClick(input, Qt::Key_PageUp, Qt::ControlModifier);
    QCOMPARE(m_client->current(), m_client->lobby());
    QCOMPARE(input->text(), QString());
    QTest::keyClicks(input, u"draft for the lobby"_s);
    QTest::keyClick(input, Qt::Key_2, Qt::AltModifier);
    QCOMPARE(m_client->current()->title(), u"#dev"_s);
    QCOMPARE(input->text(), u"draft for dev"_s);
    QTest::keyClick(input, Qt::Key_PageDown, Qt::ControlModifier); // past the last: the first
    QCOMPARE(m_client->current(), m_client->lobby());
    QCOMPARE(input->text(), u"draft for the lobby"_s);
    QVERIFY(viewText().contains(u"You are in the chat as aa."_s));
    QVERIFY(!viewText().contains(u"said in dev"_s));
    QTest::keyClick(input, Qt::Key_1, Qt::AltModifier); // already there
    QCOMPARE(input->text(), u"draft for the lobby"_s);

    // A click in the sidebar switches too.
    auto *list = m_window->findChild<QListView *>(u"conversations"_s);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(1, 0)).center());
    QCOMPARE(m_client->current()->title(), u"#dev"_s);
    QVERIFY(viewText().contains(u"said in dev"_s));

    QCOMPARE(input->text(), u"draft for dev"_s);
    input->clear();
    type(u"/part"_s);
    QTRY_COMPARE(sidebar(), QStringList { u"#lobby"_s });
    QCOMPARE(m_client->current(), m_client->lobby());
}

void tst_MainWindow::directConversationOpensOnMsgAndIncomingMessage()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    TestClient *cc = join(u"cc"_s);
    type(u"/msg bb psst"_s);
    QCOMPARE(sidebar(), QStringList({ u"#lobby"_s, u"bb"_s }));
    QCOMPARE(m_client->current()->name(), u"bb"_s);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    type(u"and more"_s); // typed in the direct conversation: to bb again
    QTRY_COMPARE(bb->count<Protocol::Message>(), 2);
    QCOMPARE(bb->last<Protocol::Message>().to, u"bb"_s);
    QCOMPARE(m_window->findChild<QLabel *>(u"topic"_s)->text(), u"Direct messages with bb"_s);

    cc->say(u"hello aa"_s, u"1"_s, u"aa"_s);
    QTRY_COMPARE(sidebar(), QStringList({ u"#lobby"_s, u"bb"_s, u"cc (1)"_s }));
    QCOMPARE(m_client->current()->name(), u"bb"_s); // an incoming one does not switch
    const QModelIndex ccRow = m_client->conversations()->index(2);
    QVERIFY(ccRow.data(ConversationListModel::BoldRole).toBool());
    QTest::keyClick(m_window->findChild<ChatInput *>(u"input"_s), Qt::Key_3, Qt::AltModifier);
    QVERIFY(viewText().contains(u"cc (direct): hello aa"_s));
    QTRY_COMPARE(sidebar().constLast(), u"cc"_s);
}

void tst_MainWindow::topicBarAndMembersFollowTheRoom()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    auto *topic = m_window->findChild<QLabel *>(u"topic"_s);
    QCOMPARE(topic->text(), u"#dev"_s);
    type(u"/topic ship it on Friday"_s);
    QTRY_COMPARE(topic->text(), u"#dev: ship it on Friday"_s);
    QTRY_VERIFY(viewText().contains(u"aa set the topic: ship it on Friday"_s));

    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    auto *users = m_window->findChild<QListView *>(u"users"_s);
    QTRY_COMPARE(users->model()->rowCount(), 2);
    bb->send(Protocol::Exit {});
    // Still a member, now away: listed after those online.
    QTRY_VERIFY(!users->model()->index(1, 0).data(UserListModel::OnlineRole).toBool());
    QCOMPARE(users->model()->index(1, 0).data().toString(), u"bb"_s);
    QCOMPARE(users->model()->rowCount(), 2);
    QTest::keyClick(m_window->findChild<ChatInput *>(u"input"_s), Qt::Key_1, Qt::AltModifier);
    QCOMPARE(topic->text(), u"#lobby"_s);
    QCOMPARE(users->model()->rowCount(), 1); // the lobby lists who is online
}

void tst_MainWindow::newMessagesLineMarksWhereUnreadStarts()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 2);
    bb->sayIn(u"dev"_s, u"seen"_s, u"1"_s);
    QTRY_VERIFY(viewText().contains(u"bb: seen"_s));
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClick(input, Qt::Key_1, Qt::AltModifier);
    bb->sayIn(u"dev"_s, u"not seen"_s, u"2"_s);
    bb->sayIn(u"dev"_s, u"nor this"_s, u"3"_s);
    QTRY_COMPARE(sidebar().constLast(), u"#dev (2)"_s);
    QTest::keyClick(input, Qt::Key_2, Qt::AltModifier);
    const QString text = viewText();
    QVERIFY(text.contains(u"new messages"_s));
    QVERIFY(text.indexOf(u"bb: seen"_s) < text.indexOf(u"new messages"_s));
    QVERIFY(text.indexOf(u"new messages"_s) < text.indexOf(u"bb: not seen"_s));
    QCOMPARE(sidebar().constLast(), u"#dev"_s); // shown in the active window: read
}

void tst_MainWindow::roomDialogListsAsTypedAndJoins()
{
    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"design"_s, false, u"j1"_s });
    bb->send(Protocol::Join { u"devops"_s, false, u"j2"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 3);
    bb->send(Protocol::SetTopic { u"design"_s, u"colours and fonts"_s, u"t"_s });
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTest::keyClick(m_window->findChild<ChatInput *>(u"input"_s), Qt::Key_J, Qt::ControlModifier);
    RoomDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<RoomDialog *>()) && dialog->isVisible());
    auto *table = dialog->findChild<QTableView *>(u"roomTable"_s);
    QTRY_COMPARE(table->model()->rowCount(), 3); // lobby, design, devops
    auto *filter = dialog->findChild<QLineEdit *>(u"roomFilter"_s);
    QTest::keyClicks(filter, u"colour"_s);
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), u"#design"_s);
    QCOMPARE(table->model()->index(0, 1).data().toString(), u"colours and fonts"_s);
    QCOMPARE(table->model()->index(0, 2).data().toInt(), 1);
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(m_client->current()->title(), u"#design"_s);
    QTRY_VERIFY(!m_window->findChild<RoomDialog *>());

    // A name nobody has taken is created. Private rooms need accounts, which this server
    // has not: the refusal says why.
    const auto create = [&](const QString &name, bool isPrivate) {
        m_window->showRoomDialog();
        QTRY_VERIFY((dialog = m_window->findChild<RoomDialog *>()) && dialog->isVisible());
        filter = dialog->findChild<QLineEdit *>(u"roomFilter"_s);
        QTest::keyClicks(filter, name);
        QTRY_COMPARE(dialog->findChild<QLabel *>(u"roomStatus"_s)->text(),
                     u"No room matches; Create makes it."_s);
        dialog->findChild<QCheckBox *>(u"roomPrivate"_s)->setChecked(isPrivate);
        dialog->findChild<QPushButton *>(u"roomCreate"_s)->click();
        QTRY_VERIFY(!m_window->findChild<RoomDialog *>());
    };
    create(u"secret-plans"_s, true);
    QTRY_VERIFY(viewText().contains(u"Private rooms need registered nicknames"_s));
    QCOMPARE(m_client->current()->title(), u"#design"_s);
    create(u"plans"_s, false);
    QTRY_COMPARE(m_client->current()->title(), u"#plans"_s);
    QVERIFY(!m_client->current()->isPrivate());
}

void tst_MainWindow::findSearchesThisRoomOrAllRooms()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 2);
    bb->sayIn(u"dev"_s, u"a needle in dev"_s, u"1"_s);
    bb->say(u"a needle in the lobby"_s, u"2"_s);
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 2);
    QTRY_VERIFY(viewText().contains(u"a needle in dev"_s));

    auto *search = m_window->findChild<SearchBar *>(u"search"_s);
    search->open();
    auto *query = search->findChild<QLineEdit *>(u"searchQuery"_s);
    auto *results = search->findChild<QListWidget *>(u"searchResults"_s);
    QTest::keyClicks(query, u"needle"_s);
    QTest::keyClick(query, Qt::Key_Return);
    QTRY_COMPARE(results->count(), 1);
    QVERIFY(results->item(0)->text().contains(u"a needle in dev"_s));

    search->findChild<QCheckBox *>(u"searchAllRooms"_s)->setChecked(true);
    QTest::keyClick(query, Qt::Key_Return);
    QTRY_COMPARE(results->count(), 2);
    QVERIFY(results->item(0)->text().contains(u"#lobby bb: a needle in the lobby"_s));
    emit results->itemActivated(results->item(0));
    QCOMPARE(m_client->current(), m_client->lobby());
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QVERIFY(view->textCursor().block().text().contains(u"a needle in the lobby"_s));
}

void tst_MainWindow::invitationsAreShown()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = joinWithRooms(u"bb"_s);
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    type(u"/invite bb"_s);
    QTRY_COMPARE(bb->count<Protocol::Invited>(), 1);
    QCOMPARE(bb->last<Protocol::Invited>().room, u"dev"_s);
    QCOMPARE(bb->last<Protocol::Invited>().by, u"aa"_s);
    QTRY_VERIFY(viewText().contains(u"You invited bb to #dev."_s));

    bb->send(Protocol::Join { u"ops"_s, false, u"j"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 2);
    bb->send(Protocol::Invite { u"ops"_s, u"aa"_s, u"i"_s });
    QTRY_VERIFY(viewText().contains(u"bb invited you to #ops. Type /join ops to join."_s));
    type(u"/join"_s);
    QTRY_VERIFY(viewText().contains(u"Usage: /join ROOM"_s));
}

void tst_MainWindow::switchingKeepsEachScrollPosition()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    type(u"/join dev"_s);
    QTRY_COMPARE(m_client->current()->title(), u"#dev"_s);
    TestClient *bb = joinWithRooms(u"bb"_s);
    bb->send(Protocol::Join { u"dev"_s, false, u"j"_s });
    QTRY_COMPARE(bb->count<Protocol::RoomState>(), 2);
    for (int i = 1; i <= 80; ++i) {
        bb->sayIn(u"dev"_s, u"dev %1"_s.arg(i), u"d%1"_s.arg(i));
        bb->say(u"lobby %1"_s.arg(i), u"l%1"_s.arg(i));
    }
    QTRY_VERIFY(viewText().contains(u"dev 80"_s));
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QScrollBar *bar = view->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 40);
    bar->setValue(bar->maximum() / 2); // reading back in dev
    const int devPosition = bar->value();
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClick(input, Qt::Key_1, Qt::AltModifier);
    QTRY_VERIFY(viewText().contains(u"lobby 80"_s));
    // The lobby was never scrolled: it shows its newest.
    QVERIFY(m_window->findChild<MessageView *>(u"messages"_s)->isAtBottom());
    QTest::keyClick(input, Qt::Key_2, Qt::AltModifier);
    view = m_window->findChild<MessageView *>(u"messages"_s);
    QCOMPARE(view->verticalScrollBar()->value(), devPosition);
    QVERIFY(!view->isAtBottom());
}

void tst_MainWindow::anotherServerStartsACleanView()
{
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    ChatServer other(config);
    QVERIFY(other.listen());
    TestClient *bb = join(u"bb"_s);
    bb->say(u"said on the first server"_s, u"1"_s);
    TestClient *cc = newPeer();
    QVERIFY(cc->join(other.serverPort(), u"cc"_s));
    cc->say(u"said on the other server"_s, u"1"_s);
    QTRY_COMPARE(cc->count<Protocol::Ack>(), 1);

    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_VERIFY(viewText().contains(u"said on the first server"_s));
    connectWithDialog(other.serverPort());
    QTRY_VERIFY(viewText().contains(u"said on the other server"_s));
    QVERIFY(!viewText().contains(u"said on the first server"_s));

    connectWithDialog(m_server->serverPort()); // and back
    QTRY_VERIFY(viewText().contains(u"said on the first server"_s));
    QVERIFY(!viewText().contains(u"said on the other server"_s));
    QCOMPARE(viewText().count(u"said on the first server"_s), 1);
}

void tst_MainWindow::unsentMessagesNeverGoToAnotherServer()
{
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    ChatServer other(config);
    QVERIFY(other.listen());
    TestClient *cc = newPeer();
    QVERIFY(cc->join(other.serverPort(), u"cc"_s));

    showWindow();
    if (QTest::currentTestFailed())
        return;
    m_window->connectTo(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    relay.setAccepting(false);
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    type(u"typed for the first server"_s);
    QCOMPARE(m_client->outboxSize(), 1);

    connectWithDialog(other.serverPort());
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_client->outboxSize(), 0);
    cc->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(cc->count<Protocol::Pong>(), 1);
    QCOMPARE(cc->count<Protocol::Message>(), 0);
    // Its text is still there to copy, saying where it was meant to go.
    QVERIFY(viewText().contains(u"Not sent to 127.0.0.1:%1 (you connected to another server): "
                                "typed for the first server"_s.arg(relay.port())));
}

void tst_MainWindow::typingWhileOfflineByChoiceKeepsTheText()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    auto *connectButton = m_window->findChild<QPushButton *>(u"connectButton"_s);
    QVERIFY(!connectButton->isVisible());
    type(u"exit"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Disconnected);
    QVERIFY(input->placeholderText().contains(u"Offline"_s));
    QVERIFY(connectButton->isVisible());

    type(u"after exit"_s);
    QCOMPARE(input->text(), u"after exit"_s);
    QCOMPARE(m_client->outboxSize(), 0);
    QVERIFY(viewText().contains(u"Not connected: nothing was sent."_s));

    connectButton->click();
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    dialog->accept();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QVERIFY(!connectButton->isVisible());
    bb->send(Protocol::Ping { u"sync"_s });
    QTRY_COMPARE(bb->count<Protocol::Pong>(), 1);
    QCOMPARE(bb->count<Protocol::Message>(), 0); // nothing went by itself
    QTest::keyClick(input, Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"after exit"_s);
}

void tst_MainWindow::refusedConnectionSaysWhyAndStopsTrying()
{
    const quint16 port = m_server->serverPort();
    m_server.reset(); // nothing listens there now
    QSignalSpy failed(m_client.get(), &ChatClient::connectFailed);
    showWindow();
    if (QTest::currentTestFailed())
        return;
    m_window->connectTo(u"127.0.0.1"_s, port, u"aa"_s);
    auto *state = m_window->findChild<QLabel *>(u"state"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QVERIFY2(state->text().startsWith(u"Could not connect: connection refused"_s),
             qPrintable(state->text()));
    QVERIFY(!state->text().contains(u"Connection lost"_s));

    // A few tries (50, 100, 200 ms apart here), then it stops and says why.
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
    QVERIFY(!m_client->isConnectionWanted());
    QCOMPARE(m_client->secondsUntilReconnect(), 0);
    const QString why = u"Could not connect to 127.0.0.1:%1: connection refused"_s.arg(port);
    QVERIFY(viewText().contains(why));
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    QVERIFY(dialog->findChild<QLabel *>(u"problem"_s)->text().startsWith(why));
    QCOMPARE(state->text(), u"Offline"_s);
}

void tst_MainWindow::keysTypedElsewhereGoToTheInput()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    bb->say(u"read https://example.org/x"_s, u"1"_s);
    QTRY_VERIFY(viewText().contains(u"https://example.org/x"_s));
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);

    // A click in the view (on the link, say) gives it the focus; the typing still counts.
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClicks(view, u"hello"_s);
    QCOMPARE(input->text(), u"hello"_s);
    QVERIFY(input->hasFocus());

    // Tab takes the focus away from the input; what comes next is not lost.
    QTest::keyClick(input, Qt::Key_Tab);
    QWidget *elsewhere = QApplication::focusWidget();
    QVERIFY(elsewhere && elsewhere != input);
    QTest::keyClicks(elsewhere, u" bb"_s);
    QCOMPARE(input->text(), u"hello bb"_s);
    auto *users = m_window->findChild<QListView *>(u"users"_s);
    users->setFocus();
    QTest::keyClicks(users, u"!"_s);
    QCOMPARE(input->text(), u"hello bb!"_s);

    // Keys that act on the view stay there: selecting and copying still work.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_A, Qt::ControlModifier);
    QVERIFY(view->textCursor().hasSelection());
    QCOMPARE(input->text(), u"hello bb!"_s);

    QTest::keyClick(input, Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, u"hello bb!"_s);
}

void tst_MainWindow::viewFollowsTheBottomAfterALongOwnMessage()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 60; ++i)
        bb->say(u"line %1"_s.arg(i), QString::number(i));
    QTRY_VERIFY(viewText().contains(u"line 60"_s));
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QVERIFY(view->verticalScrollBar()->maximum() > 0);
    QTRY_VERIFY(view->isAtBottom());

    QStringList words;
    for (int i = 0; i < 120; ++i)
        words.append(u"word%1"_s.arg(i));
    type(words.join(u' ')); // many lines once wrapped
    QTRY_VERIFY(viewText().contains(u"word119 ✓"_s));
    QTRY_VERIFY(view->isAtBottom());
    bb->say(u"after the long one"_s, u"61"_s);
    QTRY_VERIFY(viewText().contains(u"after the long one"_s));
    QTRY_VERIFY(view->isAtBottom());
    // The newest line is on screen, not below it.
    const QTextBlock last = view->document()->lastBlock();
    QVERIFY(last.text().contains(u"after the long one"_s));
    QTRY_VERIFY(view->viewport()->rect().contains(view->cursorRect(QTextCursor(last)).center()));
}

void tst_MainWindow::olderHistoryLoadsFromTheKeyboardAndTheWheel()
{
    cleanup();
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    config.historyLimit = 5; // a joining window gets only the newest five: no scroll bar
    QTemporaryDir storeDir;
    config.storePath = storeDir.filePath(u"natter.sqlite"_s);
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_client = std::make_unique<ChatClient>();
    TestClient *bb = join(u"bb"_s);
    for (int i = 1; i <= 200; ++i)
        bb->say(u"hay %1"_s.arg(i), QString::number(i));
    QTRY_COMPARE(bb->count<Protocol::Ack>(), 200);
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QTRY_VERIFY(viewText().contains(u"hay 200"_s));
    MessageModel *messages = m_client->messages();
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QCOMPARE(view->verticalScrollBar()->maximum(), 0);
    const qint64 first = messages->oldestSeq();

    // The wheel over a view with nothing to scroll: it is at the top already.
    QWheelEvent wheel(QPointF(10, 10), view->mapToGlobal(QPointF(10, 10)), {}, QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view->viewport(), &wheel);
    QTRY_VERIFY(messages->oldestSeq() < first);
    const qint64 second = messages->oldestSeq();
    QTRY_VERIFY(!m_client->isLoadingOlder());

    // Typing in the input, Ctrl+Home goes to the top of the view, which loads the next page.
    QTest::keyClick(input, Qt::Key_Home, Qt::ControlModifier);
    QTRY_VERIFY(messages->oldestSeq() < second);
    const qint64 third = messages->oldestSeq();
    QTRY_VERIFY(!m_client->isLoadingOlder());

    // Page Up from the input, as many times as it takes to reach the top again.
    QTRY_VERIFY((QTest::keyClick(input, Qt::Key_PageUp), messages->oldestSeq() < third));
    QVERIFY(input->hasFocus());
    cleanup(); // the store's folder goes with this function
}

void tst_MainWindow::titleNamesTheAppOnceAndOnlyWhileInTheChat()
{
    // As natter's main() sets it: the platform adds it to every window title.
    QGuiApplication::setApplicationDisplayName(u"Natter"_s);
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    QCOMPARE(m_window->windowTitle(), u"aa on 127.0.0.1"_s);
    type(u"exit"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Disconnected);
    QVERIFY2(!m_window->windowTitle().contains(u"aa"_s), qPrintable(m_window->windowTitle()));

    join(u"bb"_s);
    m_window->connectTo(u"127.0.0.1"_s, m_server->serverPort(), u"BB"_s); // taken: refused
    QTRY_VERIFY(m_window->findChild<ConnectDialog *>());
    QCOMPARE(m_client->state(), ChatClient::State::Disconnected);
    QVERIFY2(!m_window->windowTitle().contains(u"BB"_s), qPrintable(m_window->windowTitle()));
    QVERIFY(!m_window->windowTitle().contains(u"Natter"_s));
    QGuiApplication::setApplicationDisplayName({});
}

void tst_MainWindow::connectDialogOpensOverTheWindowWithItsWholeTitle()
{
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->move(300, 200);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->showConnectDialog();
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->parentWidget(), m_window.get());
    QVERIFY(dialog->isModal() || dialog->windowModality() != Qt::NonModal);
    QTRY_VERIFY(m_window->frameGeometry().contains(dialog->frameGeometry().center()));
    QVERIFY(dialog->width()
            >= dialog->fontMetrics().horizontalAdvance(dialog->windowTitle()) + 160);
}

void tst_MainWindow::overlongMessageIsRefusedBeforeSendingAndKept()
{
    openWindow(u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    auto *length = m_window->findChild<QLabel *>(u"length"_s);
    input->setText(QString(3000, u'a'));
    QVERIFY(!length->isVisible()); // far from the limit: no counter
    // An emoji is one character to the server, though two UTF-16 units.
    input->setText(QString(4000, u'a') + u"😀"_s);
    QVERIFY(length->isVisible());
    QCOMPARE(length->text(), u"4001 / 4096"_s);

    const QString tooLong = QString(4096, u'b') + u'!';
    input->setText(tooLong);
    QCOMPARE(length->text(), u"4097 / 4096"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QCOMPARE(input->text(), tooLong);
    QCOMPARE(m_client->outboxSize(), 0);
    QVERIFY(viewText().contains(u"Too long to send: 4097 characters, at most 4096."_s));
    QVERIFY(!viewText().contains(u"Retry"_s));

    QTest::keyClick(input, Qt::Key_Backspace); // exactly the limit goes
    QTest::keyClick(input, Qt::Key_Return);
    QTRY_COMPARE(bb->count<Protocol::Message>(), 1);
    QCOMPARE(bb->last<Protocol::Message>().text, QString(4096, u'b'));
    QVERIFY(input->text().isEmpty());
    QVERIFY(!length->isVisible());
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
