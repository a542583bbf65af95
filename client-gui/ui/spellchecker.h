// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "personaldictionary.h"

#include <QLocale>
#include <QObject>
#include <QStringList>

#include <memory>

// Hunspell behind Qt strings: whether a word is spelt right and how it could be, in one
// language, plus the user's personal words. The dictionary (/usr/share/hunspell) is read on
// a worker thread, since it takes tens of milliseconds; until it is ready every word counts as
// correct. Built without Hunspell, no dictionary is ever ready.
class SpellChecker : public QObject
{
    Q_OBJECT
public:
    explicit SpellChecker(QObject *parent = nullptr);
    ~SpellChecker() override;

    // Whether this build checks spelling at all.
    static bool isSupported();
    static QStringList dictionaryFolders();
    // The dictionary for `locale` (its path without ".dic"): the locale's own, another of
    // its language, or else en_US; empty when none is installed.
    static QString dictionaryFor(const QLocale &locale);

    // Starts reading the dictionary for `locale`; ready() follows. Again with the same
    // dictionary: nothing to do.
    void load(const QLocale &locale, const PersonalDictionary &personal = PersonalDictionary());
    bool isReady() const;
    // The dictionary's name, e.g. "en_US"; empty before one is ready.
    QString language() const;

    bool isCorrect(const QString &word) const;
    QStringList suggestions(const QString &word, int maximum = 5) const;
    // Counts the word as correct from now on, here and in the personal word list.
    void addToDictionary(const QString &word);

signals:
    void ready();
    void dictionaryChanged();

private:
    struct Dictionary;
    // On a worker thread: Hunspell and its encoding, the personal words added.
    static std::shared_ptr<Dictionary> readDictionary(const QString &path,
                                                      const QStringList &personalWords);
    void takeLoaded(std::shared_ptr<Dictionary> dictionary);

    std::shared_ptr<Dictionary> m_dictionary;
    QString m_loading; // the path being read
    PersonalDictionary m_personal;
};
