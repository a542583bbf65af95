// SPDX-License-Identifier: BSD-3-Clause
#include "sendkeyfilter.h"

#include <QKeyEvent>

SendKeyFilter::SendKeyFilter(QObject *input) : QObject(input)
{
    input->installEventFilter(this);
}

bool SendKeyFilter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress && m_key == Preferences::SendKey::CtrlEnter) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && !(key->modifiers() & Qt::ControlModifier))
            return true; // not a send in this mode
    }
    return QObject::eventFilter(watched, event);
}
