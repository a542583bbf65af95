#pragma once

#include <optional>

#include "chatclient.h"

#include <QMainWindow>
#include <QPointer>

class ChatInput;
class ConnectDialog;
class MessageView;
class QLabel;
class QListView;
class QSplitter;
class RoomDialog;
class SearchBar;

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
    // TLS by default for any host but this machine.
    void connectTo(const QString &host, quint16 port, const QString &nick,
                   const QString &password = {}, std::optional<bool> useTls = std::nullopt);

    int unreadCount() const { return m_unread; }
    // Shows the conversation (as a click in the sidebar does).
    void switchTo(Conversation *conversation);
    // Opens the "Join or create a room" dialog.
    void showRoomDialog(const QString &filter = {});

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void askCertificateTrust(const QString &host, quint16 port, const QString &fingerprint,
                             bool changed, const QStringList &problems);
    void createMenus();
    void submitInput();
    void noteIncoming(const Protocol::Message &message);
    void updateStatus();
    void updateTitle();
    void showAbout();
    void jumpTo(qint64 seq);
    void showConversation(Conversation *conversation);
    void switchBy(int step);
    void updateTopic();
    void listRoomsInline(const QString &filter);

    // What each conversation looked like when the user left it.
    struct ViewState
    {
        QString draft;
        int scroll = 0;
        bool atBottom = true;
    };
    QHash<const Conversation *, ViewState> m_viewStates;
    QPointer<Conversation> m_shown;
    qint64 m_unreadAfter = 0; // the shown conversation's read marker when the user came to it
    QString m_inlineRoomList; // id of a /rooms answer to print

    ChatClient *m_client;
    MessageView *m_view;
    SearchBar *m_searchBar;
    QListView *m_conversationList;
    QLabel *m_topic;
    QListView *m_userList;
    QLabel *m_userCount;
    ChatInput *m_input;
    QSplitter *m_splitter;
    QLabel *m_stateLabel;
    QLabel *m_serverLabel;
    QAction *m_connectAction;
    QAction *m_disconnectAction;
    QPointer<ConnectDialog> m_connectDialog;
    QPointer<RoomDialog> m_roomDialog;
    int m_unread = 0;
    qint64 m_jumpTarget = 0; // a search result still being loaded from further back
};
