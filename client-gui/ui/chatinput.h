#pragma once

#include "nickcompleter.h"

#include <QPlainTextEdit>
#include <QPointer>
#include <QStringList>

#include <functional>

class QMenu;
class SpellChecker;
class SpellHighlighter;

// The box people type into: a message may have several lines (which key makes a new line is
// the SendKeyFilter's business), and the box grows with them up to MaxVisibleLines, then
// scrolls. Up on the first line and Down on the last recall what was sent before, like a
// shell; Page Up, Page Down, Ctrl+Home and Ctrl+End scroll the conversation shown (the scroll
// target). Tab completes nicks. With a spell checker, misspelt words are underlined and the context
// menu offers corrections.
class ChatInput : public QPlainTextEdit
{
    Q_OBJECT
public:
    static constexpr int MaxVisibleLines = 6;

    explicit ChatInput(QWidget *parent = nullptr);

    QString text() const { return toPlainText(); }
    // Replaces the text, the cursor at its end (where typing goes on).
    void setText(const QString &text);
    int cursorPosition() const;
    void setCursorPosition(int position);
    // Takes the current text as sent: remembers it and clears the box.
    QString takeText();
    // The message `typed` stands for: line breaks of any kind become "\n", and blank lines
    // before and after the text are dropped (a paste's trailing line break among them).
    static QString messageText(const QString &typed);
    // Lines as laid out (wrapped lines count), what the height follows.
    int lineCount() const;
    // The line just taken held a secret (a password): it is not recalled.
    void forgetLastSent();
    void setScrollTarget(QWidget *view) { m_scrollTarget = view; }
    // Where Tab finds the nicks to complete (the conversation's members); without one, Tab
    // only moves the focus.
    void setNickSource(std::function<QStringList()> source) { m_nickSource = std::move(source); }
    // Underlines misspelt words and offers corrections; `names` are words never flagged
    // (the members' nicks).
    void setSpellChecker(SpellChecker *checker, std::function<QStringList()> names);
    SpellHighlighter *spellHighlighter() const { return m_highlighter; }
    void setSpellCheckEnabled(bool enabled);
    // The context menu for a right click at `position` (viewport coordinates), the caller's
    // to show and delete: the standard one, after corrections for a misspelt word there.
    QMenu *createContextMenu(const QPoint &position);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    int heightForLines(int lines) const;
    bool cursorOnFirstLine() const;
    bool cursorOnLastLine() const;

    static constexpr qsizetype MaxRecalled = 200;
    QStringList m_sent;
    qsizetype m_recallIndex = 0; // == m_sent.size(): the draft, not a recalled line
    QString m_draft;
    QPointer<QWidget> m_scrollTarget;
    std::function<QStringList()> m_nickSource;
    NickCompleter m_completer;
    int m_shownLines = 1; // what the size hint was last computed for
    QPointer<SpellChecker> m_spellChecker;
    SpellHighlighter *m_highlighter = nullptr;
};
