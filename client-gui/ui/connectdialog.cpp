#include "connectdialog.h"

#include "nickskeleton.h"
#include "protocol.h"
#include "serverlist.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent),
      m_host(new QLineEdit(this)),
      m_port(new QSpinBox(this)),
      m_nick(new QLineEdit(this)),
      m_password(new QLineEdit(this)),
      m_rememberPassword(new QCheckBox(tr("&Remember the password"), this)),
      m_useTls(new QCheckBox(tr("Use &TLS (encrypted connection)"), this)),
      m_hostHint(new QLabel(this)),
      m_nickHint(new QLabel(this)),
      m_problem(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Connect to a Natter server"));
    m_host->setObjectName(u"host"_s);
    m_port->setObjectName(u"port"_s);
    m_nick->setObjectName(u"nick"_s);
    m_problem->setObjectName(u"problem"_s);
    m_hostHint->setObjectName(u"hostHint"_s);
    m_host->setPlaceholderText(tr("host, or a cluster's nodes: a:6789,b:6789"));
    m_host->setToolTip(tr("A server's address, or the nodes of one cluster separated by commas, "
                          "each with its port if it is not the one below. When a node goes "
                          "away, Natter moves to the next."));
    m_hostHint->setWordWrap(true);
    m_password->setObjectName(u"password"_s);
    m_rememberPassword->setObjectName(u"rememberPassword"_s);
    m_useTls->setObjectName(u"useTls"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("Only if the nickname or the server has one"));
    m_port->setRange(1, 65535);
    m_port->setValue(Protocol::DefaultPort);
    m_nick->setMaxLength(int(Protocol::MaxNickLength)
                         * 2); // characters outside the BMP count twice
    m_nickHint->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(u"color: #d03030"_s);
    m_problem->hide();
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_host);
    form->addRow(QString(), m_hostHint);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Nickname:"), m_nick);
    form->addRow(QString(), m_nickHint);
    form->addRow(tr("Pass&word:"), m_password);
    auto *plainTextNote = new QLabel(
            tr("A remembered password is stored unencrypted in Natter's settings file."), this);
    plainTextNote->setWordWrap(true);
    plainTextNote->setEnabled(false);
    form->addRow(QString(), m_rememberPassword);
    form->addRow(QString(), plainTextNote);
    form->addRow(QString(), m_useTls);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_problem);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    // Wide enough for its title, which window managers cut off rather than widen the dialog
    // for (the title bar's buttons need room too).
    setMinimumWidth(
            std::max(sizeHint().width(), fontMetrics().horizontalAdvance(windowTitle()) + 160));

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_host, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_host, &QLineEdit::textChanged, this, [this] {
        if (!m_useTlsChosen)
            m_useTls->setChecked(!isLoopback(host()));
    });
    connect(m_useTls, &QCheckBox::clicked, this, [this] { m_useTlsChosen = true; });
    connect(m_nick, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    validate();
}

QString ConnectDialog::host() const
{
    return m_host->text().trimmed();
}

quint16 ConnectDialog::port() const
{
    return quint16(m_port->value());
}

QString ConnectDialog::nick() const
{
    return m_nick->text().trimmed();
}

QString ConnectDialog::password() const
{
    return m_password->text();
}

bool ConnectDialog::useTls() const
{
    return m_useTls->isChecked();
}

bool ConnectDialog::rememberPassword() const
{
    return m_rememberPassword->isChecked();
}

void ConnectDialog::setPassword(const QString &password, bool remembered)
{
    m_password->setText(password);
    m_rememberPassword->setChecked(remembered);
}

void ConnectDialog::setUseTls(bool useTls)
{
    m_useTls->setChecked(useTls);
    m_useTlsChosen = true;
}

bool ConnectDialog::isLoopback(const QString &host)
{
    const auto loopback = [](const QString &address) {
        return address.compare("localhost"_L1, Qt::CaseInsensitive) == 0
                || QHostAddress(address).isLoopback();
    };
    // A cluster is on this machine only when all its nodes are.
    const std::optional<ServerList> servers = ServerList::parse(host, Protocol::DefaultPort);
    if (!servers)
        return loopback(host);
    return std::all_of(servers->endpoints().cbegin(), servers->endpoints().cend(),
                       [&](const ServerList::Endpoint &node) { return loopback(node.host); });
}

void ConnectDialog::setHost(const QString &host)
{
    m_host->setText(host);
}

void ConnectDialog::setPort(quint16 port)
{
    m_port->setValue(port);
}

void ConnectDialog::setNick(const QString &nick)
{
    m_nick->setText(nick);
    m_nick->setFocus();
    m_nick->selectAll();
}

void ConnectDialog::setProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

void ConnectDialog::validate()
{
    const bool nickValid = Protocol::isValidNick(nick());
    if (nick().isEmpty())
        m_nickHint->setText(tr("Choose the name others will see."));
    else if (nickValid)
        m_nickHint->clear();
    else if (!NickSkeleton::isSingleScript(nick()))
        m_nickHint->setText(tr("A nickname's letters are all of one script, not Latin and "
                               "Cyrillic (or others) mixed."));
    else
        m_nickHint->setText(tr("A nickname is 1 to 32 letters, digits, '_' or '-'."));
    QString hostProblem;
    const bool hostValid = ServerList::parse(host(), port(), &hostProblem).has_value();
    // Nothing typed yet needs no scolding; the button says it.
    m_hostHint->setText(host().isEmpty() ? QString() : hostProblem);
    m_hostHint->setVisible(!hostValid && !host().isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(nickValid && hostValid);
}
