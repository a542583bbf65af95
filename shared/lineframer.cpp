// SPDX-License-Identifier: BSD-3-Clause
#include "lineframer.h"

LineFramer::LineFramer(qsizetype maxLineBytes) : m_maxLineBytes(maxLineBytes)
{
}

void LineFramer::append(QByteArrayView bytes)
{
    if (m_overflowed)
        return; // the stream is out of step; the owner closes it
    if (m_lineStart > 0 && m_lineStart == m_buffer.size()) {
        m_buffer.clear();
        m_lineStart = m_scannedUpTo = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

LineFramer::Status LineFramer::takeLine(QByteArray *line)
{
    if (m_overflowed)
        return Status::TooLong;
    const qsizetype newline = m_buffer.indexOf('\n', m_scannedUpTo);
    if (newline < 0) {
        m_scannedUpTo = m_buffer.size();
        // "+ 1" leaves room for the "\r" of a line that is exactly at the limit.
        if (bufferedBytes() > m_maxLineBytes + 1) {
            m_overflowed = true;
            m_buffer.clear();
            m_lineStart = m_scannedUpTo = 0;
            return Status::TooLong;
        }
        return Status::NeedMore;
    }
    qsizetype end = newline;
    if (end > m_lineStart && m_buffer.at(end - 1) == '\r')
        --end;
    if (end - m_lineStart > m_maxLineBytes) {
        m_overflowed = true;
        m_buffer.clear();
        m_lineStart = m_scannedUpTo = 0;
        return Status::TooLong;
    }
    *line = m_buffer.mid(m_lineStart, end - m_lineStart);
    m_lineStart = m_scannedUpTo = newline + 1;
    // Drop consumed bytes once they outweigh what is left, so the buffer stays small; all
    // consumed, its memory goes too (thousands of idle connections each keeping a read's worth
    // would add up).
    if (m_lineStart == m_buffer.size()) {
        m_buffer.clear();
        m_lineStart = m_scannedUpTo = 0;
    } else if (m_lineStart >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_lineStart);
        m_lineStart = m_scannedUpTo = 0;
    }
    return Status::Line;
}

bool LineFramer::takeUnfinishedLine(QByteArray *line)
{
    if (m_overflowed || bufferedBytes() == 0)
        return false;
    *line = m_buffer.mid(m_lineStart);
    if (line->endsWith('\r'))
        line->chop(1);
    m_buffer.clear();
    m_lineStart = m_scannedUpTo = 0;
    return true;
}

void LineFramer::clear()
{
    m_buffer.clear();
    m_lineStart = m_scannedUpTo = 0;
    m_overflowed = false;
}
