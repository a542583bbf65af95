// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>
#include <QStringList>

// The words the user added to the spelling dictionary ("Add to dictionary"), one a line in a
// UTF-8 file of the user's own (under QStandardPaths::AppDataLocation), whatever language
// the dictionary is in: names and jargon are the same words in every language.
class PersonalDictionary
{
public:
    // The default file, words.txt in the application's data folder.
    PersonalDictionary();
    explicit PersonalDictionary(const QString &path);

    QString path() const { return m_path; }
    QStringList words() const;
    // Appends the word; false when it could not be written (or it is no word).
    bool add(const QString &word);

private:
    QString m_path;
};
