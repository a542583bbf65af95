#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Asks where to connect and under which nickname; checks the nickname against the protocol's
// rules while it is typed, and shows why the server refused the last one.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    QString host() const;
    quint16 port() const;
    QString nick() const;

    void setHost(const QString &host);
    void setPort(quint16 port);
    void setNick(const QString &nick);
    void setProblem(const QString &problem);

private:
    void validate();

    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_nick;
    QLabel *m_nickHint;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
