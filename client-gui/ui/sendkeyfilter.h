// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "preferences.h"

#include <QObject>

class QKeyEvent;
class QPlainTextEdit;

// Decides what Enter does in the input: send (Ctrl+Enter too) while Shift+Enter makes a new
// line, or, for those who press Enter by habit before they are done, a new line while only
// Ctrl+Enter sends.
class SendKeyFilter : public QObject
{
    Q_OBJECT
public:
    enum class Action { None, Send, NewLine };

    explicit SendKeyFilter(QPlainTextEdit *input);

    void setSendKey(Preferences::SendKey key) { m_key = key; }
    Preferences::SendKey sendKey() const { return m_key; }
    static Action actionFor(Preferences::SendKey sendKey, const QKeyEvent *event);

signals:
    void sendPressed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPlainTextEdit *m_input;
    Preferences::SendKey m_key = Preferences::SendKey::Enter;
};
