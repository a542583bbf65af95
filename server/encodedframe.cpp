#include "encodedframe.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

struct PlainTextFormatter
{
    QString operator()(const Protocol::Welcome &welcome) const
    {
        if (!welcome.usersListed) {
            return u"Welcome to Natter, %1! Online now: %2.\n"
                   "Type a line to chat. /msg NICK TEXT sends a direct message, exit leaves."_s
                    .arg(welcome.nick)
                    .arg(welcome.online);
        }
        return u"Welcome to Natter, %1! Online now (%2): %3.\n"
               "Type a line to chat. /msg NICK TEXT sends a direct message, /who lists who is "
               "online, exit leaves."_s.arg(welcome.nick)
                .arg(welcome.users.size())
                .arg(welcome.users.join(u", "_s));
    }
    QString operator()(const Protocol::Message &message) const
    {
        if (message.isDirect())
            return u"[direct] %1: %2"_s.arg(message.from, message.text);
        return u"%1: %2"_s.arg(message.from, message.text);
    }
    QString operator()(const Protocol::Joined &joined) const { return joined.text; }
    QString operator()(const Protocol::Left &left) const { return left.text; }
    QString operator()(const Protocol::Error &error) const { return u"Error: "_s + error.text; }
    QString operator()(const Protocol::Shutdown &shutdown) const { return shutdown.text; }
    QString operator()(const Protocol::Ack &) const { return {}; }
    QString operator()(const Protocol::Ping &) const { return {}; }
    QString operator()(const Protocol::Pong &) const { return {}; }
    QString operator()(const Protocol::Results &) const { return {}; }
    QString operator()(const Protocol::Presence &presence) const
    {
        if (!presence.users)
            return u"Online now: %1."_s.arg(presence.online);
        return u"Online now (%1): %2."_s.arg(presence.online).arg(presence.users->join(u", "_s));
    }
    QString operator()(const Protocol::Notices &notices) const
    {
        QStringList lines;
        for (const auto &notice : notices.notices)
            lines.append(std::visit(*this, notice));
        return lines.join(u'\n');
    }
};

} // namespace

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
        m_plainText = toPlainText(m_frame);
        m_plainTextEncoded = true;
    }
    return m_plainText;
}

QByteArray EncodedFrame::toPlainText(const Protocol::ServerFrame &frame)
{
    const QString text = std::visit(PlainTextFormatter {}, frame);
    if (text.isEmpty())
        return {};
    // Multi-line texts stay one chat line each so a terminal reader can't be shown a fake speaker.
    QString singleLine = text;
    if (!std::holds_alternative<Protocol::Welcome>(frame)
        && !std::holds_alternative<Protocol::Notices>(frame))
        singleLine.replace(u'\n', u' ');
    return singleLine.toUtf8() + '\n';
}
