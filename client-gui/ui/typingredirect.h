#pragma once

#include <QObject>
#include <QPointer>
#include <QWidget>

class QKeyEvent;

// Sends what is typed in the widgets it watches (the message view, the member list) to one
// target, the input line: a key meant as text is never lost because the focus was elsewhere.
// Keys that move, select or copy (arrows, Page Up, Ctrl+C) stay where they were pressed.
class TypingRedirect : public QObject
{
    Q_OBJECT
public:
    explicit TypingRedirect(QWidget *target, QObject *parent = nullptr);

    void watch(QWidget *widget);
    static bool isTyping(const QKeyEvent *event);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<QWidget> m_target;
};
