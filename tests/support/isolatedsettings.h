// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>
#include <QTemporaryDir>

// QSettings (INI, user scope) pointed at a temporary folder of the test program's own, so
// a test neither reads nor changes the settings of whoever runs it. Lives as long as the
// test object; install() belongs in initTestCase, before anything reads a setting.
class IsolatedSettings
{
public:
    void install(const QString &applicationName);
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
};
