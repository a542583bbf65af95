// SPDX-License-Identifier: BSD-3-Clause
#include "personaldictionary.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcSpell)

PersonalDictionary::PersonalDictionary()
    : PersonalDictionary(QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                 .filePath(u"words.txt"_s))
{
}

PersonalDictionary::PersonalDictionary(const QString &path) : m_path(path)
{
}

QStringList PersonalDictionary::words() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QStringList words;
    while (!file.atEnd()) {
        const QString word = QString::fromUtf8(file.readLine()).trimmed();
        if (!word.isEmpty() && !words.contains(word))
            words.append(word);
    }
    return words;
}

bool PersonalDictionary::add(const QString &word)
{
    const QString trimmed = word.trimmed();
    if (trimmed.isEmpty() || trimmed.contains(u'\n'))
        return false;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        qCWarning(lcSpell) << "cannot write the personal dictionary" << m_path << ":"
                           << file.errorString();
        return false;
    }
    return file.write((trimmed + u'\n').toUtf8()) > 0;
}
