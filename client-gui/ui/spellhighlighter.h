// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QList>
#include <QPointer>
#include <QStringList>
#include <QSyntaxHighlighter>
#include <QTextCursor>

#include <functional>

class SpellChecker;

// Underlines the misspelt words of the input with a red wave. What is not prose is left
// alone: the members' nicks, web addresses, the /command word and the nick a command names,
// words joined to digits or underscores.
class SpellHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    struct Word
    {
        int start = 0;
        int length = 0;
    };

    SpellHighlighter(QTextDocument *document, SpellChecker *checker);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // Words never flagged (nicks); compared ignoring case.
    void setNames(std::function<QStringList()> names) { m_names = std::move(names); }
    // The words of one line of text that are worth checking; `firstLine` is the message's
    // first line, where a command may start.
    static QList<Word> checkableWords(const QString &text, bool firstLine);
    // The misspelt word at `position` in the document, selected; a null cursor when there is
    // none (or checking is off).
    QTextCursor misspeltWordAt(int position) const;
    static QTextCharFormat misspeltFormat();

protected:
    void highlightBlock(const QString &text) override;

private:
    bool isMisspelt(const QString &word, const QStringList &names) const;

    QPointer<SpellChecker> m_checker;
    std::function<QStringList()> m_names;
    bool m_enabled = true;
};
