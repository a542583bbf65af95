#include "chatinput.h"

#include "protocol.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

ChatInput::ChatInput(QWidget *parent) : QLineEdit(parent)
{
}

void ChatInput::forgetLastSent()
{
    if (!m_sent.isEmpty())
        m_sent.removeLast();
    m_recallIndex = m_sent.size();
}

QString ChatInput::takeText()
{
    const QString line = text();
    if (!line.trimmed().isEmpty() && (m_sent.isEmpty() || m_sent.constLast() != line)) {
        m_sent.append(line);
        if (m_sent.size() > MaxRecalled)
            m_sent.removeFirst();
    }
    m_recallIndex = m_sent.size();
    m_draft.clear();
    clear();
    return line;
}

QStringList ChatInput::lines(const QString &text)
{
    static const QRegularExpression lineBreak(uR"(\r\n|[\n\r\x{2028}\x{2029}])"_s);
    QStringList result;
    for (const QString &line : text.split(lineBreak)) {
        if (!Protocol::isBlankText(line)) // a blank line would be refused, and says nothing
            result.append(line);
    }
    return result;
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
    return QLineEdit::event(event);
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
    if (event->key() == Qt::Key_Up && m_recallIndex > 0) {
        if (m_recallIndex == m_sent.size())
            m_draft = text();
        setText(m_sent.at(--m_recallIndex));
        return;
    }
    if (event->key() == Qt::Key_Down && m_recallIndex < m_sent.size()) {
        ++m_recallIndex;
        setText(m_recallIndex == m_sent.size() ? m_draft : m_sent.at(m_recallIndex));
        return;
    }
    QLineEdit::keyPressEvent(event);
}
