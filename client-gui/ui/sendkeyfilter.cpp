// SPDX-License-Identifier: BSD-3-Clause
#include "sendkeyfilter.h"

#include <QKeyEvent>
#include <QPlainTextEdit>

SendKeyFilter::SendKeyFilter(QPlainTextEdit *input) : QObject(input), m_input(input)
{
    input->installEventFilter(this);
}

SendKeyFilter::Action SendKeyFilter::actionFor(Preferences::SendKey sendKey, const QKeyEvent *event)
{
    if (event->key() != Qt::Key_Return && event->key() != Qt::Key_Enter)
        return Action::None;
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    if (modifiers & Qt::ControlModifier)
        return Action::Send;
    if (sendKey == Preferences::SendKey::CtrlEnter || (modifiers & Qt::ShiftModifier))
        return Action::NewLine;
    return modifiers == Qt::NoModifier ? Action::Send : Action::None;
}

bool SendKeyFilter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        switch (actionFor(m_key, static_cast<const QKeyEvent *>(event))) {
        case Action::Send:
            emit sendPressed();
            return true;
        case Action::NewLine:
            // "\n", not the line separator QPlainTextEdit puts for Shift+Enter: one kind of break.
            m_input->insertPlainText(QStringLiteral("\n"));
            m_input->ensureCursorVisible();
            return true;
        case Action::None:
            break;
        }
    }
    return QObject::eventFilter(watched, event);
}
