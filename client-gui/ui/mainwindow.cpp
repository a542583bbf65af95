#include "mainwindow.h"

#include "chatcommand.h"
#include "chatinput.h"
#include "connectdialog.h"
#include "messageview.h"
#include "searchbar.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Settings {
const auto Host = u"connection/host"_s;
const auto Port = u"connection/port"_s;
const auto Nick = u"connection/nick"_s;
const auto UseTls = u"connection/tls"_s;
// Only when the user ticks "remember": QSettings files are plain text.
const auto Password = u"connection/password"_s;
const auto Geometry = u"window/geometry"_s;
const auto Splitter = u"window/splitter"_s;
} // namespace Settings

MainWindow::MainWindow(ChatClient *client, QWidget *parent)
    : QMainWindow(parent),
      m_client(client),
      m_view(new MessageView(this)),
      m_searchBar(new SearchBar(this)),
      m_userList(new QListView(this)),
      m_userCount(new QLabel(this)),
      m_input(new ChatInput(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)),
      m_stateLabel(new QLabel(this)),
      m_serverLabel(new QLabel(this))
{
    setWindowIcon(QIcon(u":/icons/natter.svg"_s));
    m_view->setObjectName(u"messages"_s);
    m_userList->setObjectName(u"users"_s);
    m_input->setObjectName(u"input"_s);
    m_stateLabel->setObjectName(u"state"_s);
    m_view->setModel(client->messages());
    m_userList->setModel(client->users());
    m_userList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_input->setPlaceholderText(tr("Type a message and press Enter. /help lists commands."));

    auto *conversation = new QWidget(this);
    auto *conversationLayout = new QVBoxLayout(conversation);
    conversationLayout->setContentsMargins(0, 0, 0, 0);
    conversationLayout->addWidget(m_searchBar);
    conversationLayout->addWidget(m_view);
    m_searchBar->setObjectName(u"search"_s);
    m_searchBar->hide();
    conversationLayout->addWidget(m_input);
    auto *people = new QWidget(this);
    auto *peopleLayout = new QVBoxLayout(people);
    peopleLayout->setContentsMargins(0, 0, 0, 0);
    peopleLayout->addWidget(m_userCount);
    peopleLayout->addWidget(m_userList);
    m_splitter->addWidget(conversation);
    m_splitter->addWidget(people);
    m_splitter->setStretchFactor(0, 4);
    m_splitter->setStretchFactor(1, 1);
    setCentralWidget(m_splitter);
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_serverLabel);
    createMenus();

    connect(m_input, &QLineEdit::returnPressed, this, &MainWindow::submitInput);
    connect(m_userList, &QListView::doubleClicked, this, [this](const QModelIndex &index) {
        m_input->setText(u"/msg %1 "_s.arg(index.data().toString()));
        m_input->setFocus();
    });
    connect(m_view, &MessageView::retryRequested, client, &ChatClient::retryMessage);
    connect(m_view, &MessageView::scrolledToTop, client, &ChatClient::loadOlder);
    connect(m_searchBar, &SearchBar::searchRequested, this, [this](const QString &query) {
        const QString id = m_client->search(query);
        m_searchBar->setPendingId(id);
        if (id.isEmpty())
            m_searchBar->setStatus(tr("Searching needs a connection."));
    });
    connect(client, &ChatClient::searchResults, m_searchBar, &SearchBar::showResults);
    connect(m_searchBar, &SearchBar::messageChosen, this, &MainWindow::jumpTo);
    connect(client, &ChatClient::olderLoaded, this, [this](int count) {
        if (m_jumpTarget > 0 && count > 0)
            jumpTo(m_jumpTarget);
    });
    connect(client, &ChatClient::stateChanged, this, &MainWindow::updateStatus);
    connect(client, &ChatClient::reconnectCountdown, this, &MainWindow::updateStatus);
    connect(client->users(), &UserListModel::countChanged, this, &MainWindow::updateStatus);
    connect(client, &ChatClient::messageReceived, this, &MainWindow::noteIncoming);
    connect(client, &ChatClient::joinRefused, this,
            [this](Protocol::ErrorCode, const QString &text) { showConnectDialog(text); });
    connect(client, &ChatClient::certificateNeedsTrust, this, &MainWindow::askCertificateTrust);

    QSettings settings;
    if (!restoreGeometry(settings.value(Settings::Geometry).toByteArray()))
        resize(860, 560);
    m_splitter->restoreState(settings.value(Settings::Splitter).toByteArray());
    updateStatus();
    m_input->setFocus();
}

void MainWindow::createMenus()
{
    QMenu *chat = menuBar()->addMenu(tr("&Chat"));
    m_connectAction = chat->addAction(tr("&Connect…"), this, [this] { showConnectDialog(); });
    m_connectAction->setShortcut(tr("Ctrl+K"));
    m_disconnectAction = chat->addAction(tr("&Disconnect"), this, [this] {
        m_client->disconnectFromServer();
        m_client->showNotice(tr("You left the chat."));
    });
    QAction *find = chat->addAction(tr("&Find…"), this, [this] { m_searchBar->open(); });
    find->setShortcut(QKeySequence::Find);
    chat->addSeparator();
    QAction *quit = chat->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Natter"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::showConnectDialog(const QString &problem)
{
    if (!m_connectDialog) {
        m_connectDialog = new ConnectDialog(this);
        m_connectDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_connectDialog, &QDialog::accepted, this, [this] {
            QSettings settings;
            if (m_connectDialog->rememberPassword())
                settings.setValue(Settings::Password, m_connectDialog->password());
            else
                settings.remove(Settings::Password);
            connectTo(m_connectDialog->host(), m_connectDialog->port(), m_connectDialog->nick(),
                      m_connectDialog->password(), m_connectDialog->useTls());
        });
        QSettings settings;
        m_connectDialog->setHost(m_client->host().isEmpty()
                                         ? settings.value(Settings::Host, u"127.0.0.1"_s).toString()
                                         : m_client->host());
        m_connectDialog->setPort(m_client->port() != 0
                                         ? m_client->port()
                                         : quint16(settings.value(Settings::Port,
                                                                  Protocol::DefaultPort)
                                                           .toUInt()));
        m_connectDialog->setNick(m_client->nick().isEmpty()
                                         ? settings.value(Settings::Nick).toString()
                                         : m_client->nick());
        if (settings.contains(Settings::UseTls))
            m_connectDialog->setUseTls(settings.value(Settings::UseTls).toBool());
        m_connectDialog->setPassword(settings.value(Settings::Password).toString(),
                                     settings.contains(Settings::Password));
    }
    m_connectDialog->setProblem(problem);
    m_connectDialog->open();
}

void MainWindow::connectTo(const QString &host, quint16 port, const QString &nick,
                           const QString &password, std::optional<bool> useTls)
{
    const bool tls = useTls.value_or(!ConnectDialog::isLoopback(host));
    QSettings settings;
    settings.setValue(Settings::Host, host);
    settings.setValue(Settings::Port, port);
    settings.setValue(Settings::Nick, nick);
    settings.setValue(Settings::UseTls, tls);
    if (m_client->state() != ChatClient::State::Disconnected)
        m_client->disconnectFromServer();
    m_client->connectToServer(host, port, nick, password, tls);
}

void MainWindow::askCertificateTrust(const QString &host, quint16 port,
                                     const QString &fingerprint, bool changed,
                                     const QStringList &problems)
{
    auto *box = new QMessageBox(this);
    box->setObjectName(u"certificateTrust"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    const QString server = u"%1:%2"_s.arg(host.toHtmlEscaped()).arg(port);
    QPushButton *once = nullptr;
    QPushButton *always = nullptr;
    if (changed) {
        // Loud, and nothing is accepted by default: this is what an attack looks like.
        box->setIcon(QMessageBox::Critical);
        box->setWindowTitle(tr("Server certificate changed"));
        box->setText(tr("<b>The certificate of %1 is not the one you trusted before.</b><br>"
                        "Someone may be intercepting the connection. Go on only if the "
                        "server's owner told you the certificate was replaced.")
                             .arg(server));
        always = box->addButton(tr("Trust the &new certificate"), QMessageBox::AcceptRole);
    } else {
        box->setIcon(QMessageBox::Warning);
        box->setWindowTitle(tr("Unknown server certificate"));
        box->setText(tr("No certificate authority vouches for %1 (its certificate may be "
                        "self-signed). Compare the fingerprint below with the one the "
                        "server's owner gave you.")
                             .arg(server));
        once = box->addButton(tr("Trust &once"), QMessageBox::AcceptRole);
        always = box->addButton(tr("Trust &always"), QMessageBox::AcceptRole);
    }
    box->setInformativeText(tr("SHA-256 fingerprint:<br><tt>%1</tt><br><br>%2")
                                    .arg(fingerprint, problems.join(u"<br>"_s).toHtmlEscaped()));
    box->setDefaultButton(box->addButton(QMessageBox::Cancel));
    connect(box, &QMessageBox::buttonClicked, this, [this, box, once, always](QAbstractButton *button) {
        if (button == once || button == always)
            m_client->acceptCertificate(button == always);
        else
            m_client->showError(tr("Not connected: the server's certificate was not trusted."));
        box->close();
    });
    box->open();
}

void MainWindow::jumpTo(qint64 seq)
{
    // A result further back than the view reaches is loaded page by page until it is there.
    m_jumpTarget = 0;
    if (m_view->scrollToSeq(seq))
        return;
    if (m_client->loadOlder())
        m_jumpTarget = seq;
    else
        m_searchBar->setStatus(tr("That message is further back than the view can hold."));
}

void MainWindow::submitInput()
{
    using ChatCommand::Kind;
    const ChatCommand::Command command = ChatCommand::parse(m_input->takeText());
    switch (command.kind) {
    case Kind::Empty:
        break;
    case Kind::Say:
        m_client->sendMessage(command.text);
        break;
    case Kind::DirectMessage:
        m_client->sendMessage(command.text, command.nick);
        break;
    case Kind::Quit:
        m_client->disconnectFromServer();
        m_client->showNotice(tr("You left the chat. Use Chat › Connect… to join again."));
        break;
    case Kind::Help:
        m_client->showNotice(tr("Commands: /msg NICK TEXT sends a direct message; "
                                "/who lists who is online; /kick NICK [REASON] removes someone "
                                "(operators only); exit or /quit leaves the chat; "
                                "/help shows this."));
        break;
    case Kind::Kick:
        m_client->kick(command.nick, command.text);
        break;
    case Kind::Who:
        if (m_client->users()->isCountOnly()) {
            m_client->showNotice(tr("Online: %1 (too many to list)")
                                         .arg(m_client->users()->onlineCount()));
        } else {
            const QStringList users = m_client->users()->users();
            m_client->showNotice(
                    tr("Online now (%1): %2").arg(users.size()).arg(users.join(u", "_s)));
        }
        break;
    case Kind::Usage:
        // The usage hints are translated whole: their words (NICK, TEXT) are for the reader.
        if (command.text == ChatCommand::usage(Kind::DirectMessage))
            m_client->showError(tr("Usage: /msg NICK TEXT"));
        else if (command.text == ChatCommand::usage(Kind::Kick))
            m_client->showError(tr("Usage: /kick NICK [REASON]"));
        else
            m_client->showError(tr("Rooms are not in this window yet: it chats in the lobby."));
        break;
    case Kind::Join:
    case Kind::Part:
    case Kind::Rooms:
    case Kind::Topic:
    case Kind::Invite:
        m_client->showError(tr("Rooms are not in this window yet: it chats in the lobby."));
        break;
    case Kind::Unknown:
        m_client->showError(tr("Unknown command %1. Type /help for the list.").arg(command.text));
        break;
    }
}

void MainWindow::noteIncoming(const Protocol::Message &)
{
    if (isActiveWindow())
        return;
    ++m_unread;
    updateTitle();
    QApplication::alert(this);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::ActivationChange && isActiveWindow() && m_unread > 0) {
        m_unread = 0;
        updateTitle();
    }
    if (event->type() == QEvent::LanguageChange)
        updateStatus();
    QMainWindow::changeEvent(event);
}

void MainWindow::updateTitle()
{
    QString title = m_client->nick().isEmpty()
            ? tr("Natter")
            : tr("Natter — %1 on %2").arg(m_client->nick(), m_client->host());
    if (m_unread > 0)
        title = u"(%1) "_s.arg(m_unread) + title;
    setWindowTitle(title);
}

void MainWindow::updateStatus()
{
    QString state;
    switch (m_client->state()) {
    case ChatClient::State::Disconnected:
        state = tr("Offline");
        break;
    case ChatClient::State::Connecting:
        state = tr("Connecting…");
        break;
    case ChatClient::State::Joining:
        state = tr("Joining the chat…");
        break;
    case ChatClient::State::Online:
        state = tr("Online");
        break;
    case ChatClient::State::Reconnecting:
        state = tr("Connection lost. Reconnecting in %1 s…").arg(m_client->secondsUntilReconnect());
        break;
    }
    m_stateLabel->setText(state);
    const bool online = m_client->state() == ChatClient::State::Online;
    const int users = int(m_client->users()->onlineCount());
    m_serverLabel->setText(m_client->host().isEmpty()
                                   ? QString()
                                   : online ? tr("%1:%2 · %3 online")
                                                      .arg(m_client->host())
                                                      .arg(m_client->port())
                                                      .arg(users)
                                            : u"%1:%2"_s.arg(m_client->host()).arg(m_client->port()));
    m_userCount->setText(m_client->users()->isCountOnly()
                                 ? tr("Online: %1 (too many to list)").arg(users)
                                 : tr("Online: %1").arg(users));
    m_disconnectAction->setEnabled(m_client->state() != ChatClient::State::Disconnected);
    updateTitle();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Natter"),
                       tr("<h3>Natter %1</h3><p>A self-hosted desktop chat.</p>"
                          "<p>Built with Qt %2, running on Qt %3.</p>")
                               .arg(QStringLiteral(NATTER_VERSION), QStringLiteral(QT_VERSION_STR),
                                    QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(Settings::Geometry, saveGeometry());
    settings.setValue(Settings::Splitter, m_splitter->saveState());
    m_client->disconnectFromServer();
    event->accept();
}
