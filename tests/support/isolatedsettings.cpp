// SPDX-License-Identifier: BSD-3-Clause
#include "isolatedsettings.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTest>

using namespace Qt::StringLiterals;

void IsolatedSettings::install(const QString &applicationName)
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(u"NatterTest"_s);
    QCoreApplication::setApplicationName(applicationName);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
}
