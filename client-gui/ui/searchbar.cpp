#include "searchbar.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SearchBar::SearchBar(QWidget *parent)
    : QWidget(parent),
      m_query(new QLineEdit(this)),
      m_allRooms(new QCheckBox(tr("&All rooms"), this)),
      m_results(new QListWidget(this)),
      m_status(new QLabel(this))
{
    m_allRooms->setObjectName(u"searchAllRooms"_s);
    m_query->setObjectName(u"searchQuery"_s);
    m_results->setObjectName(u"searchResults"_s);
    m_status->setObjectName(u"searchStatus"_s);
    m_query->setPlaceholderText(tr("Search the conversation and press Enter"));
    m_query->setClearButtonEnabled(true);
    m_results->setMaximumHeight(160);
    auto *close = new QToolButton(this);
    close->setText(tr("Close"));
    close->setAutoRaise(true);

    auto *row = new QHBoxLayout;
    row->addWidget(m_query, 1);
    row->addWidget(m_allRooms);
    row->addWidget(m_status);
    row->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_results);

    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    connect(m_query, &QLineEdit::returnPressed, this, [this] {
        if (!m_query->text().trimmed().isEmpty()) {
            setStatus(tr("Searching…"));
            emit searchRequested(m_query->text(), m_allRooms->isChecked());
        }
    });
    connect(m_results, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int row = m_results->row(item);
        if (row >= 0 && row < m_found.size())
            emit messageChosen(m_found.at(row));
    });
}

void SearchBar::open()
{
    show();
    m_query->setFocus();
    m_query->selectAll();
}

void SearchBar::showResults(const QString &id, const QList<Protocol::Message> &messages)
{
    if (id != m_pendingId)
        return;
    m_results->clear();
    m_found.clear();
    // Newest first: what people look for is usually recent.
    for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(it->timestamp).toLocalTime();
        // Where it was said, when that may be another conversation than the one shown.
        QString where;
        if (m_allRooms->isChecked())
            where = it->isDirect() ? tr("(direct) ") : u"#%1 "_s.arg(it->room);
        auto *item = new QListWidgetItem(
                u"%1  %2%3: %4"_s.arg(QLocale().toString(when, QLocale::ShortFormat), where,
                                      it->from, it->text.left(200).replace(u'\n', u' ')));
        item->setData(Qt::UserRole, it->seq);
        m_results->addItem(item);
        m_found.append(*it);
    }
    setStatus(messages.isEmpty() ? tr("Nothing found.") : tr("%1 found").arg(messages.size()));
}

void SearchBar::setStatus(const QString &text)
{
    m_status->setText(text);
}

void SearchBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        return;
    }
    QWidget::keyPressEvent(event);
}
