#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Asks where to connect (one server, or the nodes of a cluster as "a:6789,b:6789"), under which
// nickname and password, and whether to use TLS; checks the nickname against the protocol's rules
// while it is typed, and shows why the server refused the last attempt. TLS is on by default for
// any host but this machine.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    QString host() const;
    quint16 port() const;
    QString nick() const;
    QString password() const;
    bool useTls() const;
    bool rememberPassword() const;

    void setHost(const QString &host);
    void setPort(quint16 port);
    void setNick(const QString &nick);
    void setPassword(const QString &password, bool remembered);
    void setUseTls(bool useTls);

    // True when the host (or every node of a list) is this machine.
    static bool isLoopback(const QString &host);
    void setProblem(const QString &problem);

private:
    void validate();

    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_nick;
    QLineEdit *m_password;
    QCheckBox *m_rememberPassword;
    QCheckBox *m_useTls;
    bool m_useTlsChosen = false; // the user (or saved settings) decided, not the host
    QLabel *m_hostHint; // why the server list does not read
    QLabel *m_nickHint;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
