#pragma once

#include "protocol.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;

// Ctrl+F: asks the server to search the current room (or, ticked, all the user's rooms) and
// lists what it found; choosing a result asks for the view to jump to that message.
class SearchBar : public QWidget
{
    Q_OBJECT
public:
    explicit SearchBar(QWidget *parent = nullptr);

    void open();
    // Shows the answer to the search with this id; answers to older searches are ignored.
    void showResults(const QString &id, const QList<Protocol::Message> &messages);
    void setPendingId(const QString &id) { m_pendingId = id; }
    void setStatus(const QString &text);

signals:
    void searchRequested(const QString &query, bool allRooms);
    void messageChosen(const Protocol::Message &message);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QLineEdit *m_query;
    QCheckBox *m_allRooms;
    QList<Protocol::Message> m_found; // newest first, as listed
    QListWidget *m_results;
    QLabel *m_status;
    QString m_pendingId;
};
