// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "preferences.h"

#include <QObject>

// Decides which key sends the input line: Enter (Ctrl+Enter too), or only Ctrl+Enter, for
// those who press Enter by habit before they are done. A plain Enter then sends nothing.
class SendKeyFilter : public QObject
{
    Q_OBJECT
public:
    explicit SendKeyFilter(QObject *input);

    void setSendKey(Preferences::SendKey key) { m_key = key; }
    Preferences::SendKey sendKey() const { return m_key; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    Preferences::SendKey m_key = Preferences::SendKey::Enter;
};
