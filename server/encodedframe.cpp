// SPDX-License-Identifier: BSD-3-Clause
#include "encodedframe.h"

#include "ircface.h"
#include "plaintextface.h"

EncodedFrame::EncodedFrame(Protocol::ServerFrame frame) : m_frame(std::move(frame))
{
}

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

const QByteArray &EncodedFrame::irc() const
{
    if (!m_ircEncoded) {
        m_irc = IrcFace::format(m_frame, {});
        m_ircEncoded = true;
    }
    return m_irc;
}

const QByteArray &EncodedFrame::ircTagged() const
{
    if (!m_ircTaggedEncoded) {
        m_ircTagged = IrcFace::format(m_frame, {}, {}, {}, IrcFace::Tags::On);
        m_ircTaggedEncoded = true;
    }
    return m_ircTagged;
}

QByteArray encodedFor(const RoomMember &member, const EncodedFrame &frame)
{
    switch (member.face()) {
    case RoomMember::Face::PlainText:
        return frame.plainText();
    case RoomMember::Face::Irc:
        return IrcFace::format(frame.frame(), member.nick(), {}, {},
                               member.wantsMessageTags() ? IrcFace::Tags::On : IrcFace::Tags::Off);
    case RoomMember::Face::Json:
    case RoomMember::Face::Undecided:
        break;
    }
    return frame.json();
}
