#include "chatinput.h"

#include "protocol.h"
#include "spellchecker.h"
#include "spellhighlighter.h"

#include <QAbstractTextDocumentLayout>
#include <QContextMenuEvent>
#include <QCoreApplication>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QStringList splitLines(const QString &text)
{
    static const QRegularExpression lineBreak(uR"(\r\n|[\n\r\x{2028}\x{2029}])"_s);
    return text.split(lineBreak);
}

} // namespace

ChatInput::ChatInput(QWidget *parent) : QPlainTextEdit(parent)
{
    setTabChangesFocus(true); // Tab completes nicks or moves on; a tab character says nothing
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            [this] {
                const int lines = std::clamp(lineCount(), 1, MaxVisibleLines);
                if (lines == m_shownLines)
                    return;
                m_shownLines = lines;
                updateGeometry();
                ensureCursorVisible();
            });
}

void ChatInput::setText(const QString &text)
{
    setPlainText(text);
    moveCursor(QTextCursor::End);
}

int ChatInput::cursorPosition() const
{
    return textCursor().position();
}

void ChatInput::setCursorPosition(int position)
{
    QTextCursor cursor = textCursor();
    cursor.setPosition(std::clamp(position, 0, int(text().size())));
    setTextCursor(cursor);
}

void ChatInput::forgetLastSent()
{
    if (!m_sent.isEmpty())
        m_sent.removeLast();
    m_recallIndex = m_sent.size();
}

QString ChatInput::takeText()
{
    const QString typed = text();
    if (!typed.trimmed().isEmpty() && (m_sent.isEmpty() || m_sent.constLast() != typed)) {
        m_sent.append(typed);
        if (m_sent.size() > MaxRecalled)
            m_sent.removeFirst();
    }
    m_recallIndex = m_sent.size();
    m_draft.clear();
    clear();
    return typed;
}

QString ChatInput::messageText(const QString &typed)
{
    QStringList lines = splitLines(typed);
    // A blank line would be refused on its own, and at either end it says nothing.
    while (!lines.isEmpty() && Protocol::isBlankText(lines.constLast()))
        lines.removeLast();
    while (!lines.isEmpty() && Protocol::isBlankText(lines.constFirst()))
        lines.removeFirst();
    return lines.join(u'\n');
}

int ChatInput::lineCount() const
{
    // The plain-text layout counts wrapped lines block by block.
    return document()->lineCount();
}

int ChatInput::heightForLines(int lines) const
{
    // The plain-text layout scrolls once the lines and the document's margins fill the
    // viewport exactly: one pixel more keeps them all in view.
    const QMargins margins = contentsMargins();
    return lines * fontMetrics().lineSpacing() + int(2 * document()->documentMargin())
            + margins.top() + margins.bottom() + 1;
}

QSize ChatInput::sizeHint() const
{
    return { QPlainTextEdit::sizeHint().width(), heightForLines(m_shownLines) };
}

QSize ChatInput::minimumSizeHint() const
{
    return { QPlainTextEdit::minimumSizeHint().width(), heightForLines(1) };
}

bool ChatInput::cursorOnFirstLine() const
{
    const QTextCursor cursor = textCursor();
    if (cursor.block() != document()->firstBlock())
        return false;
    const QTextLine line = cursor.block().layout()->lineForTextPosition(cursor.positionInBlock());
    return !line.isValid() || line.lineNumber() == 0;
}

bool ChatInput::cursorOnLastLine() const
{
    const QTextCursor cursor = textCursor();
    if (cursor.block() != document()->lastBlock())
        return false;
    const QTextLayout *layout = cursor.block().layout();
    const QTextLine line = layout->lineForTextPosition(cursor.positionInBlock());
    return !line.isValid() || line.lineNumber() == layout->lineCount() - 1;
}

bool ChatInput::event(QEvent *event)
{
    // Tab reaches a widget only through event(): QWidget moves the focus with it first.
    if (event->type() == QEvent::KeyPress && m_nickSource) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool tab = key->key() == Qt::Key_Tab && key->modifiers() == Qt::NoModifier;
        const bool backTab = key->key() == Qt::Key_Backtab;
        if (tab || backTab) {
            if (const auto completion = m_completer.complete(text(), cursorPosition(),
                                                             m_nickSource(), backTab)) {
                setText(completion->text);
                setCursorPosition(completion->cursor);
                return true;
            }
            // Nothing to complete: Tab moves on, as everywhere.
        }
    }
    return QPlainTextEdit::event(event);
}

void ChatInput::keyPressEvent(QKeyEvent *event)
{
    const bool toEnd = (event->key() == Qt::Key_Home || event->key() == Qt::Key_End)
            && (event->modifiers() & Qt::ControlModifier);
    if (m_scrollTarget
        && (event->key() == Qt::Key_PageUp || event->key() == Qt::Key_PageDown || toEnd)) {
        QCoreApplication::sendEvent(m_scrollTarget, event);
        return;
    }
    // Up and Down move between the lines of a message; beyond its first and last they recall.
    const bool plain = event->modifiers() == Qt::NoModifier
            || event->modifiers() == Qt::KeypadModifier;
    if (plain && event->key() == Qt::Key_Up && m_recallIndex > 0 && cursorOnFirstLine()) {
        if (m_recallIndex == m_sent.size())
            m_draft = text();
        setText(m_sent.at(--m_recallIndex));
        return;
    }
    if (plain && event->key() == Qt::Key_Down && m_recallIndex < m_sent.size()
        && cursorOnLastLine()) {
        ++m_recallIndex;
        setText(m_recallIndex == m_sent.size() ? m_draft : m_sent.at(m_recallIndex));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void ChatInput::insertFromMimeData(const QMimeData *source)
{
    if (!source->hasText())
        return;
    // A paste keeps its lines; the blank ones it ends with (a copied line's break) go.
    QStringList lines = splitLines(source->text());
    while (lines.size() > 1 && Protocol::isBlankText(lines.constLast()))
        lines.removeLast();
    insertPlainText(lines.join(u'\n'));
}

void ChatInput::setSpellChecker(SpellChecker *checker, std::function<QStringList()> names)
{
    delete m_highlighter;
    m_spellChecker = checker;
    m_highlighter = new SpellHighlighter(document(), checker);
    m_highlighter->setNames(std::move(names));
}

void ChatInput::setSpellCheckEnabled(bool enabled)
{
    if (m_highlighter)
        m_highlighter->setEnabled(enabled);
}

QMenu *ChatInput::createContextMenu(const QPoint &position)
{
    QMenu *menu = createStandardContextMenu(position - contentOffset().toPoint());
    const QTextCursor word = m_highlighter && m_spellChecker
            ? m_highlighter->misspeltWordAt(cursorForPosition(position).position())
            : QTextCursor();
    if (word.isNull())
        return menu;
    QAction *first = menu->actions().value(0);
    const QStringList suggestions = m_spellChecker->suggestions(word.selectedText());
    for (const QString &suggestion : suggestions) {
        auto *replace = new QAction(suggestion, menu);
        replace->setObjectName(u"spellSuggestion"_s);
        // The cursor follows edits made meanwhile, so it still selects the word.
        connect(replace, &QAction::triggered, this,
                [cursor = QTextCursor(word), suggestion]() mutable {
                    cursor.insertText(suggestion);
                });
        menu->insertAction(first, replace);
    }
    if (suggestions.isEmpty()) {
        QAction *none = new QAction(tr("No suggestions"), menu);
        none->setEnabled(false);
        menu->insertAction(first, none);
    }
    auto *add = new QAction(tr("Add to dictionary"), menu);
    add->setObjectName(u"addToDictionary"_s);
    connect(add, &QAction::triggered, this, [checker = m_spellChecker, text = word.selectedText()] {
        if (checker)
            checker->addToDictionary(text);
    });
    menu->insertAction(first, add);
    menu->insertSeparator(first);
    return menu;
}

void ChatInput::contextMenuEvent(QContextMenuEvent *event)
{
    // Shown without a nested event loop: the chat goes on while it is open.
    QMenu *menu = createContextMenu(event->pos());
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}
