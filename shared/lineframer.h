// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Cuts a byte stream into lines ended by "\n" (a "\r" before it is dropped). One read from a
// socket is not one message: bytes wait here until their line is complete. The buffer never
// holds more than one over-long line's worth: a line past the limit is reported as soon as the
// limit is crossed, without waiting for its end.
class LineFramer
{
public:
    enum class Status { Line, NeedMore, TooLong };

    explicit LineFramer(qsizetype maxLineBytes);

    void append(QByteArrayView bytes);
    Status takeLine(QByteArray *line);
    // The bytes of a line whose "\n" has not come, as a line: for a peer that sends each line
    // in one piece without a line end (the original chatroom's client). False when none wait.
    bool takeUnfinishedLine(QByteArray *line);

    qsizetype maxLineBytes() const { return m_maxLineBytes; }
    qsizetype bufferedBytes() const { return m_buffer.size() - m_lineStart; }
    // The start of the line still waiting for its end.
    QByteArrayView unfinished() const { return QByteArrayView(m_buffer).sliced(m_lineStart); }
    void clear();

private:
    QByteArray m_buffer;
    qsizetype m_lineStart = 0;
    qsizetype m_scannedUpTo = 0; // no "\n" between m_lineStart and here
    qsizetype m_maxLineBytes;
    bool m_overflowed = false;
};
