// SPDX-License-Identifier: BSD-3-Clause
#include "encodedframe.h"

#include "plaintextface.h"

EncodedFrame::EncodedFrame(Protocol::ServerFrame frame) : m_frame(std::move(frame)) { }

const QByteArray &EncodedFrame::json() const
{
    if (m_json.isEmpty())
        m_json = Protocol::encode(m_frame);
    return m_json;
}

const QByteArray &EncodedFrame::plainText() const
{
    if (!m_plainTextEncoded) {
        m_plainText = PlainTextFace::format(m_frame);
        m_plainTextEncoded = true;
    }
    return m_plainText;
}
