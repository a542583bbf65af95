// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

// Tab completion of nicks in a line being typed, as in IRC clients: the word before the
// cursor is completed to the first nick it begins (ignoring case), as "aa: " at the start of
// the line (an address) and as plain "aa" elsewhere; Tab again, with nothing typed between,
// goes on to the next nick that matches (Shift+Tab back), round and round.
class NickCompleter
{
public:
    struct Completion
    {
        QString text;
        int cursor = 0;
    };

    // Nothing when no nick begins the word (or there is no word): the Tab is not for us.
    std::optional<Completion> complete(const QString &text, int cursor, const QStringList &nicks,
                                       bool backwards = false);
    // Something else was typed: the next Tab starts anew.
    void reset() { m_last.reset(); }

private:
    static bool isNickCharacter(QChar c);

    std::optional<Completion> m_last; // what the previous Tab left, to know a repeated Tab
    QString m_prefix; // the word as typed before the first Tab
    int m_start = 0; // where the word starts
    QString m_after; // the text after the cursor when the first Tab came
    QStringList m_matches;
    qsizetype m_index = 0;
};
