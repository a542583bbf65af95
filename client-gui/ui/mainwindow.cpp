#include "mainwindow.h"

#include "actiontext.h"
#include "chatcommand.h"
#include "chatinput.h"
#include "connectdialog.h"
#include "delegates.h"
#include "messageview.h"
#include "notifier.h"
#include "roomdialog.h"
#include "searchbar.h"
#include "sendkeyfilter.h"
#include "settingsdialog.h"
#include "spellchecker.h"
#include "spellhighlighter.h"
#include "theme.h"
#include "translations.h"
#include "trayicon.h"
#include "typingredirect.h"
#include "unreadjumpbutton.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
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
// The sidebar made it three panes: a two-pane state from before would not fit.
const auto Splitter = u"window/panes"_s;
} // namespace Settings

MainWindow::MainWindow(ChatClient *client, QWidget *parent)
    : QMainWindow(parent),
      m_client(client),
      m_viewStack(new QStackedWidget(this)),
      m_searchBar(new SearchBar(this)),
      m_conversationList(new QListView(this)),
      m_topic(new QLabel(this)),
      m_userList(new QListView(this)),
      m_userCount(new QLabel(this)),
      m_input(new ChatInput(this)),
      m_connectButton(new QPushButton(this)),
      m_lengthLabel(new QLabel(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)),
      m_stateLabel(new QLabel(this)),
      m_serverLabel(new QLabel(this)),
      m_typingRedirect(new TypingRedirect(m_input, this)),
      m_notifier(new Notifier(client, this, this)),
      m_tray(new TrayIcon(client->conversations(), this, this)),
      m_sendKeys(new SendKeyFilter(m_input)),
      m_spellChecker(new SpellChecker(this)),
      m_jumpButton(new UnreadJumpButton(this))
{
    setWindowIcon(QIcon(u":/icons/natter.svg"_s));
    m_userList->setObjectName(u"users"_s);
    m_input->setObjectName(u"input"_s);
    m_stateLabel->setObjectName(u"state"_s);
    m_serverLabel->setObjectName(u"server"_s);
    m_conversationList->setObjectName(u"conversations"_s);
    m_conversationList->setModel(client->conversations());
    m_conversationList->setItemDelegate(new ConversationDelegate(m_conversationList));
    m_conversationList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_conversationList->setFocusPolicy(Qt::NoFocus); // typing stays in the input line
    m_topic->setObjectName(u"topic"_s);
    m_topic->setWordWrap(true);
    m_topic->setTextFormat(Qt::PlainText);
    m_topic->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_userList->setItemDelegate(new MemberDelegate(m_userList));
    m_userList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_typingRedirect->watch(m_userList);
    // Tab completes the nicks of the conversation shown, the user's own aside.
    m_input->setNickSource([this] {
        QStringList nicks = m_client->users()->users() + m_client->users()->away();
        const QString own = Protocol::nickKey(m_client->nick());
        nicks.removeIf([&](const QString &nick) { return Protocol::nickKey(nick) == own; });
        return nicks;
    });
    // Nicks are names, not misspellings: the members' and the user's own.
    m_input->setSpellChecker(m_spellChecker, [this] {
        return m_client->users()->users() + m_client->users()->away()
                + QStringList { m_client->nick() };
    });
    m_lengthLabel->setObjectName(u"length"_s);
    m_lengthLabel->hide();
    connect(m_input, &QPlainTextEdit::textChanged, this, &MainWindow::updateLength);
    m_connectButton->setObjectName(u"connectButton"_s);
    m_connectButton->setText(tr("Connect…"));
    connect(m_connectButton, &QPushButton::clicked, this, [this] { showConnectDialog(); });

    auto *conversation = new QWidget(this);
    auto *conversationLayout = new QVBoxLayout(conversation);
    conversationLayout->setContentsMargins(0, 0, 0, 0);
    conversationLayout->addWidget(m_topic);
    conversationLayout->addWidget(m_searchBar);
    m_jumpButton->setObjectName(u"jumpToUnread"_s);
    conversationLayout->addWidget(m_jumpButton);
    conversationLayout->addWidget(m_viewStack, 1);
    m_searchBar->setObjectName(u"search"_s);
    m_searchBar->hide();
    auto *inputRow = new QHBoxLayout;
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(m_lengthLabel);
    inputRow->addWidget(m_connectButton);
    conversationLayout->addLayout(inputRow);
    auto *people = new QWidget(this);
    auto *peopleLayout = new QVBoxLayout(people);
    peopleLayout->setContentsMargins(0, 0, 0, 0);
    peopleLayout->addWidget(m_userCount);
    peopleLayout->addWidget(m_userList);
    m_splitter->addWidget(m_conversationList);
    m_splitter->addWidget(conversation);
    m_splitter->addWidget(people);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 4);
    m_splitter->setStretchFactor(2, 1);
    setCentralWidget(m_splitter);
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_serverLabel);
    createMenus();

    connect(m_sendKeys, &SendKeyFilter::sendPressed, this, &MainWindow::submitInput);
    connect(m_conversationList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &index) {
                if (Conversation *conversation = m_client->conversations()->at(index.row()))
                    switchTo(conversation);
            });
    connect(client, &ChatClient::currentChanged, this, &MainWindow::showConversation);
    connect(client, &ChatClient::roomJoined, this, &MainWindow::switchTo);
    connect(client->conversations(), &ConversationListModel::aboutToRemove, this,
            [this](Conversation *conversation) {
                m_drafts.remove(conversation);
                if (MessageView *view = m_views.take(conversation)) {
                    if (view == m_view)
                        m_view = nullptr;
                    view->deleteLater();
                }
            });
    connect(client, &ChatClient::roomListReceived, this,
            [this](const QString &id, const QList<Protocol::RoomSummary> &rooms) {
                if (id != m_inlineRoomList)
                    return;
                m_inlineRoomList.clear();
                QStringList lines;
                for (const Protocol::RoomSummary &room : rooms) {
                    lines.append(room.topic.isEmpty()
                                         ? tr("#%1 (%2)").arg(room.room).arg(room.members)
                                         : tr("#%1 (%2): %3")
                                                   .arg(room.room)
                                                   .arg(room.members)
                                                   .arg(room.topic));
                }
                m_client->showNotice(rooms.isEmpty() ? tr("No rooms found.")
                                                     : tr("Rooms: %1").arg(lines.join(u"; "_s)));
            });
    connect(m_userList, &QListView::doubleClicked, this, [this](const QModelIndex &index) {
        m_input->setText(u"/msg %1 "_s.arg(index.data().toString()));
        m_input->setFocus();
    });
    connect(m_searchBar, &SearchBar::searchRequested, this,
            [this](const QString &query, bool allRooms) {
                const QString id = m_client->search(query,
                                                    allRooms ? nullptr : m_client->current());
                m_searchBar->setPendingId(id);
                if (id.isEmpty())
                    m_searchBar->setStatus(tr("Searching needs a connection."));
            });
    connect(client, &ChatClient::searchResults, m_searchBar, &SearchBar::showResults);
    connect(m_searchBar, &SearchBar::messageChosen, this, [this](const Protocol::Message &found) {
        // A result from another room (or a direct message) is shown where it was said.
        Conversation *where = found.isDirect()
                ? m_client->openDirect(Protocol::storedNickKey(found.from)
                                                       == Protocol::storedNickKey(m_client->nick())
                                               ? found.to
                                               : found.from)
                : m_client->findRoom(found.room);
        if (where)
            switchTo(where);
        jumpTo(found.seq);
    });
    connect(client, &ChatClient::olderLoaded, this, [this](int count) {
        if (m_jumpTarget > 0 && count > 0)
            jumpTo(m_jumpTarget);
    });
    connect(client, &ChatClient::stateChanged, this, &MainWindow::updateStatus);
    connect(client, &ChatClient::nickChanged, this, [this](const QString &nick) {
        // The next Connect… offers the nick the server accepted.
        QSettings().setValue(Settings::Nick, nick);
        if (m_connectDialog)
            m_connectDialog->setNick(nick);
        updateTitle();
    });
    connect(client, &ChatClient::reconnectCountdown, this, &MainWindow::updateStatus);

    connect(client, &ChatClient::messageReceived, this, &MainWindow::noteIncoming);
    connect(client, &ChatClient::joinRefused, this,
            [this](Protocol::ErrorCode, const QString &text) { showConnectDialog(text); });
    connect(client, &ChatClient::connectFailed, this,
            [this](const QString &text) { showConnectDialog(text); });
    connect(client, &ChatClient::certificateNeedsTrust, this, &MainWindow::askCertificateTrust);
    m_notifier->setObjectName(u"notifier"_s);
    m_notifier->setTrayIcon(m_tray->icon());
    connect(m_tray, &TrayIcon::quitRequested, this, &MainWindow::quitApplication);

    QSettings settings;
    applyPreferences(Preferences::load(settings));
    if (!restoreGeometry(settings.value(Settings::Geometry).toByteArray()))
        resize(860, 560);
    if (!m_splitter->restoreState(settings.value(Settings::Splitter).toByteArray()))
        m_splitter->setSizes({ 150, 560, 150 });
    showConversation(client->current());
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
    QAction *join = chat->addAction(tr("&Join or Create a Room…"), this,
                                    [this] { showRoomDialog(); });
    join->setShortcut(tr("Ctrl+J"));
    QAction *previous = chat->addAction(tr("&Previous Conversation"), this,
                                        [this] { switchBy(-1); });
    previous->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageUp));
    QAction *next = chat->addAction(tr("&Next Conversation"), this, [this] { switchBy(1); });
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    // Alt+1 … Alt+9 go to the first nine conversations, as in IRC clients.
    for (int number = 1; number <= 9; ++number) {
        auto *go = new QAction(this);
        go->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + number)));
        connect(go, &QAction::triggered, this, [this, number] {
            if (Conversation *conversation = m_client->conversations()->at(number - 1))
                switchTo(conversation);
        });
        addAction(go);
    }
    QAction *jump = chat->addAction(tr("Jump to First &Unread"), this,
                                    [this] { jumpToFirstUnread(); });
    jump->setShortcut(tr("Alt+U"));
    chat->addSeparator();
    QAction *preferences = chat->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    preferences->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    preferences->setMenuRole(QAction::PreferencesRole);
    chat->addSeparator();
    QAction *quit = chat->addAction(tr("&Quit"), this, &MainWindow::quitApplication);
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
                                         : m_client->servers().isCluster()
                                         ? m_client->servers().toString()
                                         : m_client->host());
        m_connectDialog->setPort(
                m_client->port() != 0
                        ? m_client->port()
                        : quint16(settings.value(Settings::Port, Protocol::DefaultPort).toUInt()));
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
    // `host` may name several nodes of one cluster; `port` is for those without their own.
    QString problem;
    const std::optional<ServerList> servers = ServerList::parse(host, port, &problem);
    if (!servers) {
        showConnectDialog(problem);
        return;
    }
    const bool tls = useTls.value_or(!ConnectDialog::isLoopback(host));
    QSettings settings;
    settings.setValue(Settings::Host, host);
    settings.setValue(Settings::Port, port);
    settings.setValue(Settings::Nick, nick);
    settings.setValue(Settings::UseTls, tls);
    if (m_client->state() != ChatClient::State::Disconnected)
        m_client->disconnectFromServer();
    m_client->connectToServer(*servers, nick, password, tls);
}

void MainWindow::askCertificateTrust(const QString &host, quint16 port, const QString &fingerprint,
                                     bool changed, const QStringList &problems)
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
    connect(box, &QMessageBox::buttonClicked, this,
            [this, box, once, always](QAbstractButton *button) {
                if (button == once || button == always)
                    m_client->acceptCertificate(button == always);
                else
                    m_client->showError(
                            tr("Not connected: the server's certificate was not trusted."));
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
    // Several lines are one message; blank lines at either end, a paste's trailing line break
    // among them, are not part of it.
    const QString message = ChatInput::messageText(m_input->text());
    if (message != m_input->text())
        m_input->setText(message);
    submitLine();
}

void MainWindow::submitLine()
{
    using ChatCommand::Kind;
    if (ActionText::isBareCommand(m_input->text())) {
        m_client->showError(tr("Usage: /me ACTION"));
        return;
    }
    // "/me" says an action, in the conversation or in a direct message (/msg NICK /me …).
    const auto parse = [](const QString &line) {
        ChatCommand::Command command = ChatCommand::parse(ActionText::fromInput(line));
        if (command.kind == ChatCommand::Kind::DirectMessage)
            command.text = ActionText::fromInput(command.text);
        return command;
    };
    const ChatCommand::Command peeked = parse(m_input->text());
    if ((peeked.kind == Kind::Say || peeked.kind == Kind::DirectMessage)
        && !m_client->isConnectionWanted()) {
        // Queued, it would go to whichever server comes next: the text waits in the input.
        m_client->showError(tr("Not connected: nothing was sent. Connect (Ctrl+K), then press "
                               "Enter again."));
        return;
    }
    if ((peeked.kind == Kind::Say || peeked.kind == Kind::DirectMessage)
        && Protocol::textLength(peeked.text) > Protocol::MaxTextLength) {
        // The server would refuse it, and a retry could never work.
        m_client->showError(tr("Too long to send: %1 characters, at most %2. The text stays "
                               "in the input: shorten it or send it in parts.")
                                    .arg(Protocol::textLength(peeked.text))
                                    .arg(Protocol::MaxTextLength));
        return;
    }
    const ChatCommand::Command command = parse(m_input->takeText());
    switch (command.kind) {
    case Kind::Empty:
        break;
    case Kind::Say:
        m_client->sendMessage(m_client->current(), command.text);
        break;
    case Kind::DirectMessage: {
        Conversation *direct = m_client->openDirect(command.nick);
        switchTo(direct);
        m_client->sendMessage(direct, command.text);
        break;
    }
    case Kind::Quit:
        m_client->disconnectFromServer();
        m_client->showNotice(tr("You left the chat. Use Chat › Connect… to join again."));
        break;
    case Kind::Help:
        m_client->showNotice(tr(
                "Commands: /msg NICK TEXT sends a direct message; "
                "/me ACTION says what you do (* nick ACTION); "
                "/join ROOM joins or creates a room; /part leaves this room; "
                "/rooms [FILTER] lists rooms; /topic TEXT sets this room's "
                "topic; /invite NICK invites someone here; "
                "/who lists who is online; /nick NICK [PASSWORD] changes your nickname; "
                "/away [REASON] marks you away (alone: back); /kick NICK [REASON] removes someone "
                "(from this room: its owner; from the chat: operators); exit or /quit leaves the chat; "
                "/help shows this."));
        break;
    case Kind::Kick:
        // In a room other than the lobby, from that room; in the lobby, from the server.
        m_client->kick(command.nick, command.text,
                       m_client->current()->isRoom() && !m_client->current()->isLobby()
                               ? m_client->current()->name()
                               : QString());
        break;
    case Kind::Who:
        if (m_client->users()->isCountOnly()) {
            m_client->showNotice(
                    tr("Online: %1 (too many to list)").arg(m_client->users()->onlineCount()));
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
        else if (command.text == ChatCommand::usage(Kind::Join))
            m_client->showError(tr("Usage: /join ROOM"));
        else if (command.text == ChatCommand::usage(Kind::Part))
            m_client->showError(tr("Usage: /part [ROOM]"));
        else if (command.text == ChatCommand::usage(Kind::Topic))
            m_client->showError(tr("Usage: /topic TEXT"));
        else if (command.text == ChatCommand::usage(Kind::Nick))
            m_client->showError(tr("Usage: /nick NICK [PASSWORD]"));
        else
            m_client->showError(tr("Usage: /invite NICK"));
        break;
    case Kind::Join:
        m_client->joinRoom(command.text);
        break;
    case Kind::Part:
        if (command.text.isEmpty()) {
            m_client->partRoom(m_client->current());
        } else if (Conversation *room = m_client->findRoom(command.text)) {
            m_client->partRoom(room);
        } else {
            m_client->showError(tr("You are not in #%1.").arg(command.text));
        }
        break;
    case Kind::Rooms:
        listRoomsInline(command.text);
        break;
    case Kind::Topic:
        m_client->setTopic(m_client->current(), command.text);
        break;
    case Kind::Invite:
        m_client->invite(m_client->current(), command.nick);
        break;
    case Kind::Nick:
        if (!command.text.isEmpty())
            m_input->forgetLastSent(); // Up must not bring the password back
        m_client->changeNick(command.nick, command.text);
        break;
    case Kind::Away:
        m_client->setAway(command.text);
        break;
    case Kind::Unknown:
        m_client->showError(tr("Unknown command %1. Type /help for the list.").arg(command.text));
        break;
    }
}

void MainWindow::updateLength()
{
    using ChatCommand::Kind;
    const ChatCommand::Command command = ChatCommand::parse(
            ChatInput::messageText(m_input->text()));
    const qsizetype length = command.kind == Kind::Say || command.kind == Kind::DirectMessage
            ? Protocol::textLength(command.text)
            : 0;
    // Shown only near the limit: a counter on every short line would be noise.
    m_lengthLabel->setVisible(length > Protocol::MaxTextLength - LengthWarningMargin);
    m_lengthLabel->setText(tr("%1 / %2").arg(length).arg(Protocol::MaxTextLength));
    m_lengthLabel->setStyleSheet(length > Protocol::MaxTextLength ? u"color: #d03030"_s
                                                                  : QString());
}

void MainWindow::listRoomsInline(const QString &filter)
{
    m_inlineRoomList = m_client->listRooms(filter);
    if (m_inlineRoomList.isEmpty())
        m_client->showError(tr("Listing rooms needs a connection."));
}

void MainWindow::showRoomDialog(const QString &filter)
{
    if (!m_roomDialog) {
        m_roomDialog = new RoomDialog(m_client, this);
        m_roomDialog->setObjectName(u"roomDialog"_s);
        m_roomDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_roomDialog->setFilter(filter);
    m_roomDialog->open();
}

void MainWindow::switchTo(Conversation *conversation)
{
    if (!conversation || conversation == m_shown)
        return;
    // Where the unread part starts is known only before the client marks it read.
    m_unreadAfter = conversation->unreadCount() > 0 ? conversation->readSeq() : 0;
    m_client->setCurrent(conversation);
}

void MainWindow::switchBy(int step)
{
    ConversationListModel *list = m_client->conversations();
    if (list->rowCount() == 0)
        return;
    const int row = list->rowOf(m_client->current());
    switchTo(list->at((row + step + list->rowCount()) % list->rowCount()));
}

void MainWindow::showConversation(Conversation *conversation)
{
    if (conversation == m_shown)
        return;
    if (m_shown) {
        m_drafts.insert(m_shown, m_input->text());
        m_shown->disconnect(this);
        m_shown->users()->disconnect(this);
        m_client->lobby()->users()->disconnect(this);
    }
    m_shown = conversation;
    if (m_view)
        m_view->setObjectName({});
    m_view = viewFor(conversation);
    m_view->setObjectName(u"messages"_s); // the one on screen
    m_view->setUnreadAfter(m_unreadAfter);
    m_unreadAfter = 0;
    m_viewStack->setCurrentWidget(m_view);
    m_jumpButton->setView(m_view);
    m_input->setScrollTarget(m_view);
    m_input->setText(m_drafts.value(conversation));
    m_userList->setModel(m_client->users());
    connect(m_client->users(), &UserListModel::countChanged, this, &MainWindow::updateStatus);
    // A nick that arrives is no longer a misspelling.
    connect(m_client->users(), &UserListModel::countChanged, this,
            [this] { m_input->spellHighlighter()->rehighlight(); });
    connect(conversation, &Conversation::changed, this, &MainWindow::updateTopic);
    const QModelIndex row = m_client->conversations()->index(
            m_client->conversations()->rowOf(conversation));
    m_conversationList->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect);
    updateTopic();
    updateStatus();
}

MessageView *MainWindow::viewFor(Conversation *conversation)
{
    if (MessageView *view = m_views.value(conversation))
        return view;
    auto *view = new MessageView(m_viewStack);
    m_viewStack->addWidget(view);
    m_typingRedirect->watch(view);
    // Laid out at its size before its rows go in, so it starts at the newest.
    view->resize(m_viewStack->size());
    styleView(view);
    view->setModel(conversation->messages());
    connect(view, &MessageView::retryRequested, m_client, &ChatClient::retryMessage);
    connect(view, &MessageView::scrolledToTop, m_client,
            [client = m_client, conversation = QPointer<Conversation>(conversation)] {
                if (conversation)
                    client->loadOlder(conversation);
            });
    m_views.insert(conversation, view);
    return view;
}

void MainWindow::updateTopic()
{
    const Conversation *conversation = m_client->current();
    if (!conversation->isRoom())
        m_topic->setText(tr("Direct messages with %1").arg(conversation->name()));
    else if (conversation->topic().isEmpty())
        m_topic->setText(conversation->title());
    else
        m_topic->setText(tr("%1: %2").arg(conversation->title(), conversation->topic()));
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
    if (event->type() == QEvent::ActivationChange) {
        if (isActiveWindow()) {
            // What came while the user was away gets its "new messages" line.
            Conversation *shown = m_client->current();
            if (shown->unreadCount() > 0) {
                m_view->setUnreadAfter(shown->readSeq());
                m_jumpButton->refresh();
            }
        }
        m_client->setAttentive(isActiveWindow());
        if (isActiveWindow() && m_unread > 0) {
            m_unread = 0;
            updateTitle();
        }
    }
    if (event->type() == QEvent::LanguageChange)
        updateStatus();
    QMainWindow::changeEvent(event);
}

void MainWindow::updateTitle()
{
    // The platform adds the application's display name: a title naming Natter would say it
    // twice. Out of the chat (left, refused) nobody is "on" the server.
    QString title = m_client->nick().isEmpty()
                    || m_client->state() == ChatClient::State::Disconnected
            ? QString()
            : tr("%1 on %2").arg(m_client->nick(), currentServer());
    if (m_unread > 0)
        title = title.isEmpty() ? u"(%1)"_s.arg(m_unread) : u"(%1) "_s.arg(m_unread) + title;
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
        state = m_client->hasBeenOnline() || m_client->lastFailure().isEmpty()
                ? tr("Connection lost. Reconnecting in %1 s…")
                          .arg(m_client->secondsUntilReconnect())
                : tr("Could not connect: %1. Trying again in %2 s…")
                          .arg(m_client->lastFailure())
                          .arg(m_client->secondsUntilReconnect());
        break;
    }
    m_stateLabel->setText(state);
    const bool online = m_client->state() == ChatClient::State::Online;
    const int users = int(m_client->users()->onlineCount());
    const ServerList &servers = m_client->servers();
    if (servers.isCluster()) {
        // Which node of the cluster is in use, and the others in the tooltip.
        const QString node = tr("%1 (node %2 of %3)")
                                     .arg(currentServer())
                                     .arg(m_client->serverIndex() + 1)
                                     .arg(servers.size());
        m_serverLabel->setText(online ? tr("%1 · %2 online").arg(node).arg(users) : node);
        m_serverLabel->setToolTip(servers.toString());
    } else {
        m_serverLabel->setText(m_client->host().isEmpty() ? QString()
                                       : online
                                       ? tr("%1:%2 · %3 online")
                                                 .arg(m_client->host())
                                                 .arg(m_client->port())
                                                 .arg(users)
                                       : u"%1:%2"_s.arg(m_client->host()).arg(m_client->port()));
        m_serverLabel->setToolTip({});
    }
    m_userCount->setText(m_client->users()->isCountOnly()
                                 ? tr("Online: %1 (too many to list)").arg(users)
                                 : tr("Online: %1").arg(users));
    m_disconnectAction->setEnabled(m_client->state() != ChatClient::State::Disconnected);
    const bool offline = !m_client->isConnectionWanted();
    m_connectButton->setVisible(offline);
    m_input->setPlaceholderText(
            offline ? tr("Offline: messages cannot be sent. Connect with Ctrl+K.")
                    : m_preferences.sendKey == Preferences::SendKey::CtrlEnter
                    ? tr("Type a message and press Ctrl+Enter. /help lists commands.")
                    : tr("Type a message and press Enter. /help lists commands."));
    updateTitle();
}

QString MainWindow::currentServer() const
{
    // One server is named as typed; a node of a cluster with its port, to tell it apart.
    if (!m_client->servers().isCluster())
        return m_client->host();
    return ServerList::format(m_client->servers().at(m_client->serverIndex()));
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
    // Hidden only where the tray can bring it back; the chat goes on meanwhile.
    if (!m_quitting && m_preferences.closeToTray && m_tray->isAvailable()) {
        hide();
        event->ignore();
        return;
    }
    m_client->disconnectFromServer();
    event->accept();
}

void MainWindow::quitApplication()
{
    m_quitting = true;
    close();
    m_quitting = false;
    emit quitRequested();
}

void MainWindow::applyPreferences(const Preferences &preferences)
{
    m_preferences = preferences;
    Theme::apply(preferences.theme);
    m_client->setHighlightWords(preferences.highlightWords);
    m_notifier->setEnabled(preferences.notifications);
    m_notifier->setSound(preferences.sound);
    m_sendKeys->setSendKey(preferences.sendKey);
    m_input->setSpellCheckEnabled(preferences.spellCheck);
    if (preferences.spellCheck) // read only once wanted: it costs memory and a moment
        m_spellChecker->load(Translations::requested());
    for (MessageView *view : std::as_const(m_views))
        styleView(view);
    updateStatus();
}

void MainWindow::styleView(MessageView *view) const
{
    QFont font = QApplication::font(view);
    if (!m_preferences.fontFamily.isEmpty())
        font.setFamily(m_preferences.fontFamily);
    if (m_preferences.fontSize > 0)
        font.setPointSize(m_preferences.fontSize);
    view->setFont(font);
    view->setTimestampFormat(m_preferences.timestampFormat);
}

void MainWindow::showSettings()
{
    if (!m_settingsDialog) {
        m_settingsDialog = new SettingsDialog(this);
        m_settingsDialog->setObjectName(u"settingsDialog"_s);
        m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_settingsDialog, &SettingsDialog::applied, this,
                [this](const Preferences &preferences) {
                    QSettings settings;
                    preferences.save(settings);
                    applyPreferences(preferences);
                });
    }
    m_settingsDialog->setTrayAvailable(m_tray->isAvailable());
    m_settingsDialog->setSpellCheckAvailable(
            !SpellChecker::dictionaryFor(Translations::requested()).isEmpty());
    m_settingsDialog->setPreferences(m_preferences);
    m_settingsDialog->open();
}

bool MainWindow::jumpToFirstUnread()
{
    if (m_view && m_view->scrollToUnreadMarker()) {
        m_jumpButton->refresh();
        return true;
    }
    statusBar()->showMessage(tr("Nothing unread here."), 3000);
    return false;
}
