#include "messageview.h"

#include "actiontext.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QWheelEvent>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const auto RetryScheme = u"natter-retry"_s;

// Escapes text for HTML and turns web addresses into links.
QString richText(const QString &text)
{
    static const QRegularExpression url(uR"((?:https?|ftp)://[^\s<>"]+[^\s<>".,;:!?)\]'])"_s);
    QString html;
    qsizetype done = 0;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        html += text.mid(done, match.capturedStart() - done).toHtmlEscaped();
        const QString address = match.captured().toHtmlEscaped();
        html += u"<a href=\"%1\">%1</a>"_s.arg(address);
        done = match.capturedEnd();
    }
    html += text.mid(done).toHtmlEscaped();
    html.replace(u'\n', u"<br>"_s);
    return html;
}

} // namespace

MessageView::MessageView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard
                            | Qt::LinksAccessibleByMouse);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_following = isAtBottom();
        if (value == 0 && verticalScrollBar()->maximum() > 0)
            emit scrolledToTop();
    });
    // Lines are laid out lazily, and a row that wraps (or is redrawn with its ✓) grows after
    // it was appended: a reader at the bottom stays there however the height changes.
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int maximum) {
        if (m_following)
            verticalScrollBar()->setValue(maximum);
    });
}

void MessageView::setModel(MessageModel *model, qint64 unreadAfter)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    m_markerSeq = 0;
    if (unreadAfter > 0) {
        for (int row = 0; row < model->rowCount(); ++row) {
            const MessageModel::Entry &entry = model->entry(row);
            if (entry.kind == MessageModel::Kind::Message && !entry.own
                && entry.seq > unreadAfter) {
                m_markerSeq = entry.seq;
                break;
            }
        }
    }
    document()->setMaximumBlockCount(int(model->maxEntries()));
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { insertRows(first, last); });
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                updateRows(from.row(), to.row());
            });
    connect(model, &QAbstractItemModel::modelReset, this, &MessageView::rebuild);
    // A row moved (an own message, once numbered): every block between its old and new place
    // shows another row now, and the one after may need its day header.
    connect(model, &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex &, int start, int end, const QModelIndex &, int row) {
                updateRows(std::min(start, row),
                           std::min(std::max(end, row), m_model->rowCount() - 1));
            });
    rebuild();
}

void MessageView::setUnreadAfter(qint64 readSeq)
{
    const int before = unreadMarkerRow();
    m_markerSeq = 0;
    if (readSeq > 0 && m_model) {
        for (int row = m_model->rowCount() - 1; row >= 0; --row) {
            const MessageModel::Entry &entry = m_model->entry(row);
            if (entry.seq > 0 && entry.seq <= readSeq)
                break;
            if (entry.kind == MessageModel::Kind::Message && !entry.own && entry.seq > readSeq)
                m_markerSeq = entry.seq;
        }
    }
    const int after = unreadMarkerRow();
    if (before == after)
        return;
    if (before >= 0)
        updateRows(before, before);
    if (after >= 0)
        updateRows(after, after);
}

int MessageView::unreadMarkerRow() const
{
    return m_markerSeq > 0 ? rowOfSeq(m_markerSeq) : -1;
}

int MessageView::rowOfSeq(qint64 seq) const
{
    if (!m_model)
        return -1;
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        if (m_model->entry(row).seq == seq)
            return row;
    }
    return -1;
}

bool MessageView::scrollToUnreadMarker()
{
    const int row = unreadMarkerRow();
    if (row < 0)
        return false;
    // From the bottom, a cursor above the screen becomes its top line: the line and as much
    // of what follows it as fits.
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(bar->maximum());
    setTextCursor(QTextCursor(document()->findBlockByNumber(row)));
    ensureCursorVisible();
    return true;
}

void MessageView::setTimestampFormat(const QString &format)
{
    if (format == m_timestampFormat)
        return;
    m_timestampFormat = format;
    rebuild();
}

void MessageView::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    // Rows carry the colours of the palette they were drawn with (nicks, links, highlights).
    if (event->type() == QEvent::PaletteChange && m_model
        && (palette().color(QPalette::Base) != m_drawnBase
            || palette().color(QPalette::Link) != m_drawnLink))
        rebuild();
}

bool MessageView::isAtBottom() const
{
    const QScrollBar *bar = verticalScrollBar();
    return bar->value() >= bar->maximum() - 2;
}

QColor MessageView::nickColor(const QString &nick, bool darkBackground)
{
    // FNV-1a over the folded nick: the same colour in every window and every run.
    quint32 hash = 2166136261u;
    for (const QChar c : nick.toCaseFolded())
        hash = (hash ^ c.unicode()) * 16777619u;
    return QColor::fromHsl(int(hash % 360), 170, darkBackground ? 170 : 95);
}

void MessageView::rebuild()
{
    m_drawnBase = palette().color(QPalette::Base);
    m_drawnLink = palette().color(QPalette::Link);
    clear();
    if (m_model && m_model->rowCount() > 0)
        appendRows(0, m_model->rowCount() - 1);
}

void MessageView::insertRows(int first, int last)
{
    if (m_model->rowCount() > last + 1)
        insertOlderRows(first, last - first + 1);
    else
        appendRows(first, last);
}

void MessageView::insertOlderRows(int first, int count)
{
    // Older messages arrive on top (or below an earlier numbering's rows); the reader keeps
    // looking at the same lines.
    QScrollBar *bar = verticalScrollBar();
    const int fromBottom = bar->maximum() - bar->value();
    QTextCursor cursor(document()->findBlockByNumber(first));
    for (int row = first; row < first + count; ++row) {
        cursor.setCharFormat({});
        cursor.insertHtml(html(row));
        cursor.insertBlock();
    }
    updateRows(first + count, first + count); // its day header may no longer be needed
    bar->setValue(bar->maximum() - fromBottom);
}

void MessageView::appendRows(int first, int last)
{
    const bool follow = m_following;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    for (int row = first; row <= last; ++row) {
        // The document starts with one empty block, which the first row fills.
        if (!(row == 0 && document()->isEmpty()))
            cursor.insertBlock();
        cursor.setCharFormat({});
        cursor.insertHtml(html(row));
    }
    // A full view dropped its oldest line: the new first line may need its day header.
    if (m_model->rowCount() == m_model->maxEntries())
        updateRows(0, 0);
    if (follow)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void MessageView::updateRows(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const QTextBlock block = document()->findBlockByNumber(row);
        if (!block.isValid())
            continue;
        QTextCursor cursor(block);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        cursor.removeSelectedText();
        cursor.setCharFormat({});
        cursor.insertHtml(html(row));
    }
}

bool MessageView::scrollToSeq(qint64 seq)
{
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        if (m_model->entry(row).seq != seq)
            continue;
        QTextCursor cursor(document()->findBlockByNumber(row));
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        setTextCursor(cursor);
        ensureCursorVisible();
        return true;
    }
    return false;
}

QString MessageView::html(int row) const
{
    const MessageModel::Entry &entry = m_model->entry(row);
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QString grey = dark ? u"#9a9a9a"_s : u"#707070"_s;
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(entry.timestamp).toLocalTime();
    QString line;
    // A day header inside the row's own block keeps one block per row.
    const bool newDay = row == 0
            || QDateTime::fromMSecsSinceEpoch(m_model->entry(row - 1).timestamp)
                            .toLocalTime()
                            .date()
                    != when.date();
    if (newDay) {
        line = u"<span style=\"color:%1\">——— %2 ———</span><br>"_s.arg(
                grey, QLocale().toString(when.date(), QLocale::LongFormat).toHtmlEscaped());
    }
    if (m_markerSeq > 0 && entry.seq == m_markerSeq) {
        line += u"<span style=\"color:#d03030\">——— %1 ———</span><br>"_s.arg(
                tr("new messages").toHtmlEscaped());
    }
    const QString time = m_timestampFormat.isEmpty()
            ? QLocale().toString(when.time(), QLocale::ShortFormat)
            : QLocale().toString(when.time(), m_timestampFormat);
    line += u"<span style=\"color:%1\">%2</span> "_s.arg(grey, time.toHtmlEscaped());

    switch (entry.kind) {
    case MessageModel::Kind::Notice:
        return line + u"<i style=\"color:%1\">%2</i>"_s.arg(grey, richText(entry.text));
    case MessageModel::Kind::Error:
        return line + u"<span style=\"color:#d03030\">%1</span>"_s.arg(richText(entry.text));
    case MessageModel::Kind::Message:
        break;
    }

    const QString nick = u"<b style=\"color:%1\">%2</b>"_s.arg(nickColor(entry.from, dark).name(),
                                                               entry.from.toHtmlEscaped());
    // An action ("/me waves") reads as a sentence: "* aa waves".
    const bool action = ActionText::isAction(entry.text);
    if (action)
        line += u"* "_s + nick;
    else if (entry.own && !entry.to.isEmpty())
        line += tr("%1 → %2 (direct):").arg(nick, entry.to.toHtmlEscaped());
    else if (!entry.to.isEmpty())
        line += tr("%1 (direct):").arg(nick);
    else
        line += nick + u':';
    QString body = richText(action ? ActionText::actionOf(entry.text) : entry.text);
    if (action)
        body = u"<i>%1</i>"_s.arg(body);
    if (entry.own) {
        const QString background = dark ? u"#233447"_s : u"#e8f0fb"_s;
        line += u" <span style=\"background-color:%1\">%2</span>"_s.arg(background, body);
    } else if (!entry.to.isEmpty()) {
        line += u" <i>%1</i>"_s.arg(body);
    } else if (entry.mention) {
        // Someone named the reader: it stands out when scrolling back, as in IRC clients.
        const QString background = dark ? u"#4a3f1a"_s : u"#fff3c4"_s;
        line += u" <span style=\"background-color:%1\">%2</span>"_s.arg(background, body);
    } else {
        line += u' ' + body;
    }

    switch (entry.delivery) {
    case MessageModel::Delivery::Received:
        break;
    case MessageModel::Delivery::Pending:
        line += u" <span style=\"color:%1\">%2</span>"_s.arg(grey, tr("⌛ sending…"));
        break;
    case MessageModel::Delivery::Delivered:
        line += u" <span style=\"color:%1\">✓</span>"_s.arg(grey);
        break;
    case MessageModel::Delivery::Failed:
        line += u" <span style=\"color:#d03030\">%1</span> <a href=\"%2:%3\">%4</a>"_s.arg(
                tr("✗ not delivered: %1").arg(entry.failure.toHtmlEscaped()), RetryScheme,
                entry.id.toHtmlEscaped(), tr("Retry"));
        break;
    }
    return line;
}

void MessageView::keyPressEvent(QKeyEvent *event)
{
    // A reader pages through the view itself: the text cursor (read-only, often at the
    // start) would otherwise decide where Page Up and Ctrl+Home go.
    const bool control = event->modifiers() & Qt::ControlModifier;
    QAbstractSlider::SliderAction action = QAbstractSlider::SliderNoAction;
    if (event->key() == Qt::Key_PageUp)
        action = QAbstractSlider::SliderPageStepSub;
    else if (event->key() == Qt::Key_PageDown)
        action = QAbstractSlider::SliderPageStepAdd;
    else if (event->key() == Qt::Key_Home && control)
        action = QAbstractSlider::SliderToMinimum;
    else if (event->key() == Qt::Key_End && control)
        action = QAbstractSlider::SliderToMaximum;
    if (action == QAbstractSlider::SliderNoAction) {
        QPlainTextEdit::keyPressEvent(event);
        return;
    }
    const bool wasAtTop = verticalScrollBar()->value() == 0;
    verticalScrollBar()->triggerAction(action);
    // At the top the scroll bar does not move, so its valueChanged never tells.
    if (wasAtTop
        && (action == QAbstractSlider::SliderPageStepSub
            || action == QAbstractSlider::SliderToMinimum))
        emit scrolledToTop();
}

void MessageView::wheelEvent(QWheelEvent *event)
{
    const bool wasAtTop = verticalScrollBar()->value() == 0;
    QPlainTextEdit::wheelEvent(event);
    if (event->angleDelta().y() > 0 && wasAtTop)
        emit scrolledToTop();
}

void MessageView::mouseMoveEvent(QMouseEvent *event)
{
    viewport()->setCursor(anchorAt(event->position().toPoint()).isEmpty() ? Qt::IBeamCursor
                                                                          : Qt::PointingHandCursor);
    QPlainTextEdit::mouseMoveEvent(event);
}

void MessageView::mouseReleaseEvent(QMouseEvent *event)
{
    const QString anchor = anchorAt(event->position().toPoint());
    // A drag that selected text is not a click on the link it ended on.
    if (event->button() == Qt::LeftButton && !anchor.isEmpty() && !textCursor().hasSelection())
        activateLink(QUrl(anchor));
    QPlainTextEdit::mouseReleaseEvent(event);
}

void MessageView::activateLink(const QUrl &url)
{
    if (url.scheme() == RetryScheme)
        emit retryRequested(url.path());
    else
        QDesktopServices::openUrl(url);
}
