#include "roomdialog.h"

#include "chatclient.h"
#include "roomlistmodel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

RoomDialog::RoomDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent),
      m_client(client),
      m_filter(new QLineEdit(this)),
      m_table(new QTableView(this)),
      m_rooms(new RoomListModel(this)),
      m_private(new QCheckBox(tr("&Private (only those invited may join)"), this)),
      m_status(new QLabel(this))
{
    setWindowTitle(tr("Join or Create a Room"));
    m_filter->setObjectName(u"roomFilter"_s);
    m_table->setObjectName(u"roomTable"_s);
    m_private->setObjectName(u"roomPrivate"_s);
    m_status->setObjectName(u"roomStatus"_s);
    m_filter->setPlaceholderText(tr("Type to search, or a new room's name"));
    m_filter->setClearButtonEnabled(true);
    m_table->setModel(m_rooms);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(RoomListModel::TopicColumn,
                                                      QHeaderView::Stretch);
    m_table->setTabKeyNavigation(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_join = buttons->addButton(tr("&Join"), QDialogButtonBox::AcceptRole);
    m_create = buttons->addButton(tr("C&reate"), QDialogButtonBox::ActionRole);
    m_join->setObjectName(u"roomJoin"_s);
    m_create->setObjectName(u"roomCreate"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_private);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(560, 380);

    // One request a moment after typing stops, not one per keystroke.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250ms);
    connect(&m_debounce, &QTimer::timeout, this, &RoomDialog::requestList);
    connect(m_filter, &QLineEdit::textChanged, this, [this] {
        m_debounce.start();
        updateButtons();
    });
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        if (m_table->currentIndex().isValid())
            joinChosen();
        else if (!typedName().isEmpty())
            createTyped();
    });
    connect(m_table, &QTableView::activated, this, &RoomDialog::joinChosen);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &RoomDialog::updateButtons);
    connect(m_join, &QPushButton::clicked, this, &RoomDialog::joinChosen);
    connect(m_create, &QPushButton::clicked, this, &RoomDialog::createTyped);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(client, &ChatClient::roomListReceived, this, &RoomDialog::showList);
    updateButtons();
    requestList();
}

void RoomDialog::setFilter(const QString &filter)
{
    m_filter->setText(filter);
    m_filter->setFocus();
}

QString RoomDialog::typedName() const
{
    QString name = m_filter->text().trimmed();
    if (name.startsWith(u'#'))
        name.remove(0, 1);
    return Protocol::isValidRoomName(name) ? name : QString();
}

void RoomDialog::requestList()
{
    QString filter = m_filter->text().trimmed();
    if (filter.startsWith(u'#'))
        filter.remove(0, 1);
    m_pendingId = m_client->listRooms(filter);
    m_status->setText(m_pendingId.isEmpty() ? tr("Listing rooms needs a connection.")
                                            : tr("Looking…"));
}

void RoomDialog::showList(const QString &id, const QList<Protocol::RoomSummary> &rooms)
{
    if (id != m_pendingId)
        return; // an answer to what was typed before
    m_rooms->setRooms(rooms);
    m_status->setText(rooms.isEmpty() ? tr("No room matches; Create makes it.")
                                      : tr("Rooms found: %1").arg(rooms.size()));
    // The room of exactly the typed name, else the first: Enter joins it.
    int chosen = 0;
    for (int row = 0; row < rooms.size(); ++row) {
        if (Protocol::roomKey(rooms.at(row).room) == Protocol::roomKey(typedName()))
            chosen = row;
    }
    if (!rooms.isEmpty())
        m_table->setCurrentIndex(m_rooms->index(chosen, RoomListModel::NameColumn));
    updateButtons();
}

void RoomDialog::joinChosen()
{
    const QModelIndex chosen = m_table->currentIndex();
    if (!chosen.isValid())
        return;
    m_client->joinRoom(chosen.data(RoomListModel::RoomRole).toString());
    accept();
}

void RoomDialog::createTyped()
{
    const QString name = typedName();
    if (name.isEmpty())
        return;
    m_client->joinRoom(name, m_private->isChecked());
    accept();
}

void RoomDialog::updateButtons()
{
    m_join->setEnabled(m_table->currentIndex().isValid());
    m_create->setEnabled(!typedName().isEmpty());
}
