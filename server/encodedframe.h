// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"

#include <QByteArray>

// One server frame, encoded at most once per face however many sessions it goes to: a broadcast
// to ten thousand members costs one JSON encoding, and every socket gets the same shared bytes.
class EncodedFrame
{
public:
    explicit EncodedFrame(Protocol::ServerFrame frame);

    const Protocol::ServerFrame &frame() const { return m_frame; }
    const QByteArray &json() const;
    // As PlainTextFace shows it; empty when the frame means nothing to a person at a terminal.
    const QByteArray &plainText() const;

private:
    Protocol::ServerFrame m_frame;
    mutable QByteArray m_json;
    mutable QByteArray m_plainText;
    mutable bool m_plainTextEncoded = false;
};
