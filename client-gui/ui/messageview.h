#pragma once

#include "messagemodel.h"

#include <QPlainTextEdit>
#include <QUrl>

// Renders the conversation: one text block per model row, so a row's delivery state can be
// redrawn in place and the document stays as bounded as the model. A QPlainTextEdit because its
// layout works block by block: appending to (and trimming) a full 10,000-line view costs the
// same as to an empty one, where QTextEdit relays out the whole document. Text stays selectable
// and links clickable; the view follows new lines only while the reader is at the bottom.
class MessageView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);

    // Shows another conversation: its lines are drawn anew.
    void setModel(MessageModel *model, qint64 unreadAfter = 0);
    // Draws a "new messages" line above the first message from others numbered after
    // `readSeq` (0: none), where what the user has not read starts.
    void setUnreadAfter(qint64 readSeq);
    // The row the line is above, -1 when there is none.
    int unreadMarkerRow() const;
    bool isAtBottom() const;
    // Scrolls so that the "new messages" line is at the top; false when there is none.
    bool scrollToUnreadMarker();
    // How times are written (a QLocale format); empty: the locale's short format.
    void setTimestampFormat(const QString &format);
    QString timestampFormat() const { return m_timestampFormat; }
    // Scrolls to the message numbered `seq` and selects it; false when it is not loaded.
    bool scrollToSeq(qint64 seq);

    static QColor nickColor(const QString &nick, bool darkBackground);
    // What a click on a link does: opens web links, asks for a retry on "Retry".
    void activateLink(const QUrl &url);

signals:
    void retryRequested(const QString &id);
    // The reader scrolled to the very top, or asked to go further up from there (wheel,
    // Page Up, Ctrl+Home, even with nothing to scroll): time to load older messages.
    void scrolledToTop();

private:
    void insertRows(int first, int last);
    void appendRows(int first, int last);
    void insertOlderRows(int first, int count);
    void updateRows(int first, int last);
    void rebuild();
    QString html(int row) const;

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    int rowOfSeq(qint64 seq) const;

    MessageModel *m_model = nullptr;
    qint64 m_markerSeq = 0; // the message the "new messages" line is above
    bool m_following = true; // the reader is at the bottom: new lines scroll into view
    QString m_timestampFormat;
    // The colours the rows were drawn with: a new theme draws them again.
    QColor m_drawnBase;
    QColor m_drawnLink;
};
