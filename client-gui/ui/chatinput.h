#pragma once

#include "nickcompleter.h"

#include <QLineEdit>
#include <QPointer>
#include <QStringList>

#include <functional>

// The line people type into: Up and Down recall what was sent before, like a shell; Page Up,
// Page Down, Ctrl+Home and Ctrl+End scroll the conversation shown (the scroll target). Pasted
// text keeps its line breaks, so that it can be sent line by line. Tab completes nicks.
class ChatInput : public QLineEdit
{
    Q_OBJECT
public:
    explicit ChatInput(QWidget *parent = nullptr);

    // Takes the current text as sent: remembers it and clears the line.
    QString takeText();
    // The line just taken held a secret (a password): it is not recalled.
    void forgetLastSent();
    // The lines of `text` that show something: a paste of several lines keeps its line breaks
    // in the text (the line draws them as spaces), and each of these is a message of its own.
    static QStringList lines(const QString &text);
    void setScrollTarget(QWidget *view) { m_scrollTarget = view; }
    // Where Tab finds the nicks to complete (the conversation's members); without one, Tab
    // only moves the focus.
    void setNickSource(std::function<QStringList()> source) { m_nickSource = std::move(source); }

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    static constexpr qsizetype MaxRecalled = 200;
    QStringList m_sent;
    qsizetype m_recallIndex = 0; // == m_sent.size(): the draft, not a recalled line
    QString m_draft;
    QPointer<QWidget> m_scrollTarget;
    std::function<QStringList()> m_nickSource;
    NickCompleter m_completer;
};
