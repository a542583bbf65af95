#pragma once

#include <optional>

#include "chatclient.h"
#include "preferences.h"

#include <QMainWindow>
#include <QPointer>

class ChatInput;
class ConnectDialog;
class MessageView;
class Notifier;
class SendKeyFilter;
class SettingsDialog;
class SpellChecker;
class TrayIcon;
class QLabel;
class QListView;
class QPushButton;
class QSplitter;
class QStackedWidget;
class RoomDialog;
class SearchBar;
class TypingRedirect;
class UnreadJumpButton;

// The chat window: renders what the ChatClient knows and turns what the user types into
// requests. It holds no connection state of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ChatClient *client, QWidget *parent = nullptr);

    // Opens the connect dialog (not blocking), pre-filled from the settings or the last try.
    void showConnectDialog(const QString &problem = {});
    // Connects with the given values without asking, as `natter --host --port --nick` does.
    // `host` may list the nodes of a cluster ("a:6789,b:6789"; `port` for entries without
    // one); a list that does not read opens the connect dialog saying why. TLS by default for
    // any host but this machine.
    void connectTo(const QString &host, quint16 port, const QString &nick,
                   const QString &password = {}, std::optional<bool> useTls = std::nullopt);

    int unreadCount() const { return m_unread; }
    // Shows the conversation (as a click in the sidebar does).
    void switchTo(Conversation *conversation);
    // Opens the "Join or create a room" dialog.
    void showRoomDialog(const QString &filter = {});

    // The settings in use; applying takes effect at once (theme, font, keys…) and saves them.
    Preferences preferences() const { return m_preferences; }
    void applyPreferences(const Preferences &preferences);
    void showSettings();
    // Scrolls the conversation shown to its "new messages" line.
    bool jumpToFirstUnread();
    Notifier *notifier() const { return m_notifier; }
    TrayIcon *trayIcon() const { return m_tray; }
    SpellChecker *spellChecker() const { return m_spellChecker; }

signals:
    // Quit from the tray: the window closes even where closing would hide it.
    void quitRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void askCertificateTrust(const QString &host, quint16 port, const QString &fingerprint,
                             bool changed, const QStringList &problems);
    void createMenus();
    void submitInput();
    void submitLine();
    void noteIncoming(const Protocol::Message &message);
    void updateStatus();
    void updateTitle();
    QString currentServer() const;
    void updateLength();
    void showAbout();
    void jumpTo(qint64 seq);
    void showConversation(Conversation *conversation);
    void switchBy(int step);
    void updateTopic();
    void listRoomsInline(const QString &filter);
    void quitApplication();
    void styleView(MessageView *view) const;

    MessageView *viewFor(Conversation *conversation);

    // One view per conversation shown so far: switching back is instant and finds the view
    // scrolled where it was left (drawing 10,000 rows anew takes about a second).
    QHash<const Conversation *, MessageView *> m_views;
    QHash<const Conversation *, QString> m_drafts; // what was typed and not sent
    QPointer<Conversation> m_shown;
    qint64 m_unreadAfter = 0; // the shown conversation's read marker when the user came to it
    QString m_inlineRoomList; // id of a /rooms answer to print

    ChatClient *m_client;
    QStackedWidget *m_viewStack;
    MessageView *m_view = nullptr; // the shown conversation's
    SearchBar *m_searchBar;
    QListView *m_conversationList;
    QLabel *m_topic;
    QListView *m_userList;
    QLabel *m_userCount;
    ChatInput *m_input;
    QPushButton *m_connectButton; // shown while not connected by choice
    QLabel *m_lengthLabel; // characters typed, near the protocol's limit
    static constexpr qsizetype LengthWarningMargin = 200;
    QSplitter *m_splitter;
    QLabel *m_stateLabel;
    QLabel *m_serverLabel;
    TypingRedirect *m_typingRedirect; // keys typed in the view or the members go to m_input
    QAction *m_connectAction;
    QAction *m_disconnectAction;
    QPointer<ConnectDialog> m_connectDialog;
    QPointer<RoomDialog> m_roomDialog;
    int m_unread = 0;
    qint64 m_jumpTarget = 0; // a search result still being loaded from further back
    Preferences m_preferences;
    Notifier *m_notifier;
    TrayIcon *m_tray;
    SendKeyFilter *m_sendKeys;
    SpellChecker *m_spellChecker;
    UnreadJumpButton *m_jumpButton;
    QPointer<SettingsDialog> m_settingsDialog;
    bool m_quitting = false; // closing for good, not to the tray
};
