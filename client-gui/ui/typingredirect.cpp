#include "typingredirect.h"

#include <QCoreApplication>
#include <QKeyEvent>

#include <algorithm>

TypingRedirect::TypingRedirect(QWidget *target, QObject *parent) : QObject(parent), m_target(target)
{
}

void TypingRedirect::watch(QWidget *widget)
{
    widget->installEventFilter(this);
}

bool TypingRedirect::isTyping(const QKeyEvent *event)
{
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return false; // a shortcut or a command of the widget itself
    const QString text = event->text();
    return !text.isEmpty()
            && std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isPrint(); });
}

bool TypingRedirect::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress || !m_target || watched == m_target)
        return false;
    auto *key = static_cast<QKeyEvent *>(event);
    if (!isTyping(key))
        return false;
    m_target->setFocus(Qt::OtherFocusReason);
    QCoreApplication::sendEvent(m_target, key);
    return true;
}
