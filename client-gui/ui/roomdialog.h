#pragma once

#include "protocol.h"

#include <QDialog>
#include <QTimer>

class ChatClient;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class RoomListModel;

// Ctrl+J: lists the server's rooms matching what is typed (asked again a moment after each
// keystroke), joins the one chosen (double-click or Enter), or creates the typed name.
class RoomDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RoomDialog(ChatClient *client, QWidget *parent = nullptr);

    void setFilter(const QString &filter);
    RoomListModel *rooms() const { return m_rooms; }

private:
    void requestList();
    void showList(const QString &id, const QList<Protocol::RoomSummary> &rooms);
    void joinChosen();
    void createTyped();
    void updateButtons();
    QString typedName() const;

    ChatClient *m_client;
    QLineEdit *m_filter;
    QTableView *m_table;
    RoomListModel *m_rooms;
    QCheckBox *m_private;
    QLabel *m_status;
    QPushButton *m_join;
    QPushButton *m_create;
    QTimer m_debounce;
    QString m_pendingId;
};
