// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "messagemodel.h"

#include <QStringList>

// The texts of a conversation's messages, without notices and errors: what the client
// tests compare against what was said.
inline QStringList messageTexts(const MessageModel *model)
{
    QStringList result;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->entry(row).kind == MessageModel::Kind::Message)
            result.append(model->entry(row).text);
    }
    return result;
}
