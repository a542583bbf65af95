// SPDX-License-Identifier: BSD-3-Clause
#include "spellhighlighter.h"

#include "spellchecker.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextDocument>

using namespace Qt::StringLiterals;

SpellHighlighter::SpellHighlighter(QTextDocument *document, SpellChecker *checker)
    : QSyntaxHighlighter(document), m_checker(checker)
{
    connect(checker, &SpellChecker::ready, this, &QSyntaxHighlighter::rehighlight);
    connect(checker, &SpellChecker::dictionaryChanged, this, &QSyntaxHighlighter::rehighlight);
}

void SpellHighlighter::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    rehighlight();
}

QTextCharFormat SpellHighlighter::misspeltFormat()
{
    // A wave, whatever the platform draws for its own spell-check style.
    QTextCharFormat format;
    format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    format.setUnderlineColor(Qt::red);
    return format;
}

QList<SpellHighlighter::Word> SpellHighlighter::checkableWords(const QString &text, bool firstLine)
{
    static const QRegularExpression token(u"\\S+"_s);
    static const QRegularExpression letters(u"[\\p{L}\\p{M}]+(?:['’][\\p{L}\\p{M}]+)*"_s);
    QList<Word> words;
    int index = 0;
    bool nickArgument = false; // the next token names someone (/msg NICK, /kick NICK)
    for (auto tokens = token.globalMatch(text); tokens.hasNext(); ++index) {
        const QRegularExpressionMatch match = tokens.next();
        const QString piece = match.captured();
        if (firstLine && index == 0 && piece.startsWith(u'/')) {
            static const QStringList naming = { u"/msg"_s, u"/kick"_s, u"/invite"_s };
            nickArgument = naming.contains(piece, Qt::CaseInsensitive);
            continue;
        }
        if (nickArgument) {
            nickArgument = false;
            continue;
        }
        // Addresses, mail addresses, @mentions and #rooms are not prose.
        if (piece.contains(u"://"_s) || piece.startsWith(u"www."_s, Qt::CaseInsensitive)
            || piece.contains(u'@') || piece.startsWith(u'#'))
            continue;
        for (auto found = letters.globalMatch(piece); found.hasNext();) {
            const QRegularExpressionMatch word = found.next();
            const qsizetype before = word.capturedStart() - 1;
            const qsizetype after = word.capturedEnd();
            const auto joined = [&](qsizetype at) {
                if (at < 0 || at >= piece.size())
                    return false;
                const QChar c = piece.at(at);
                return c.isDigit() || c == u'_';
            };
            if (word.capturedLength() < 2 || joined(before) || joined(after))
                continue;
            words.append({ int(match.capturedStart() + word.capturedStart()),
                           int(word.capturedLength()) });
        }
    }
    return words;
}

bool SpellHighlighter::isMisspelt(const QString &word, const QStringList &names) const
{
    return !names.contains(word, Qt::CaseInsensitive) && !m_checker->isCorrect(word);
}

void SpellHighlighter::highlightBlock(const QString &text)
{
    if (!m_enabled || !m_checker || !m_checker->isReady())
        return;
    const QStringList names = m_names ? m_names() : QStringList();
    const bool firstLine = currentBlock() == document()->firstBlock();
    for (const Word &word : checkableWords(text, firstLine)) {
        if (isMisspelt(text.mid(word.start, word.length), names))
            setFormat(word.start, word.length, misspeltFormat());
    }
}

QTextCursor SpellHighlighter::misspeltWordAt(int position) const
{
    if (!m_enabled || !m_checker || !m_checker->isReady())
        return {};
    const QTextBlock block = document()->findBlock(position);
    if (!block.isValid())
        return {};
    const QString text = block.text();
    const int inBlock = position - block.position();
    const QStringList names = m_names ? m_names() : QStringList();
    for (const Word &word : checkableWords(text, block == document()->firstBlock())) {
        if (inBlock < word.start || inBlock > word.start + word.length)
            continue;
        if (!isMisspelt(text.mid(word.start, word.length), names))
            return {};
        QTextCursor cursor(document());
        cursor.setPosition(block.position() + word.start);
        cursor.setPosition(block.position() + word.start + word.length, QTextCursor::KeepAnchor);
        return cursor;
    }
    return {};
}
