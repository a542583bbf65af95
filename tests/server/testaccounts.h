// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "accountstore.h"

#include <QFile>
#include <QStringList>

// An accounts file (--accounts) holding exactly these nick/password pairs. Few iterations
// unless asked: most tests check the logic, not the cost of guessing.
inline QString writeAccounts(const QString &path, const QStringList &nicksAndPasswords,
                             int iterations = 1000)
{
    QFile::remove(path);
    for (qsizetype i = 0; i + 1 < nicksAndPasswords.size(); i += 2) {
        QString error;
        if (!AccountStore::addUser(path, nicksAndPasswords.at(i), nicksAndPasswords.at(i + 1),
                                   &error, iterations))
            qWarning("%s", qPrintable(error));
    }
    return path;
}
