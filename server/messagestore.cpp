// SPDX-License-Identifier: BSD-3-Clause
#include "messagestore.h"

#include <QRandomGenerator>

QString MessageStore::newEpoch()
{
    return QString::number(QRandomGenerator::system()->generate64(), 16).rightJustified(16, u'0');
}
