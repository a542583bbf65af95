#include "plaintextface.h"

#include "chatcommand.h"
#include "terminaltext.h"

using namespace Qt::StringLiterals;

namespace PlainTextFace {

namespace {

const QString commandList =
        u"Commands: /msg NICK TEXT, /who, /kick NICK [REASON], /help, exit."_s;

// Every field a peer may have chosen goes through this before it reaches a terminal (see
// TerminalText): the server's own sentences around them hold no controls.
QString safe(const QString &text)
{
    return TerminalText::sanitized(text);
}

QString safeList(const QStringList &nicks)
{
    QStringList result;
    result.reserve(nicks.size());
    for (const QString &nick : nicks)
        result.append(safe(nick));
    return result.join(u", "_s);
}

struct Formatter
{
    QString operator()(const Protocol::Welcome &welcome) const
    {
        if (!welcome.usersListed) {
            return u"Welcome to Natter, %1! Online now: %2.\n"
                   "Type a line to chat. /msg NICK TEXT sends a direct message, exit leaves."_s
                    .arg(safe(welcome.nick))
                    .arg(welcome.online);
        }
        return u"Welcome to Natter, %1! Online now (%2): %3.\n"
               "Type a line to chat. /msg NICK TEXT sends a direct message, /who lists who is "
               "online, exit leaves."_s.arg(safe(welcome.nick))
                .arg(welcome.users.size())
                .arg(safeList(welcome.users));
    }
    QString operator()(const Protocol::Message &message) const
    {
        if (message.isDirect())
            return u"[direct] %1: %2"_s.arg(safe(message.from), safe(message.text));
        return u"%1: %2"_s.arg(safe(message.from), safe(message.text));
    }
    QString operator()(const Protocol::Joined &joined) const { return safe(joined.text); }
    QString operator()(const Protocol::Left &left) const { return safe(left.text); }
    QString operator()(const Protocol::Error &error) const
    {
        return u"Error: "_s + safe(error.text);
    }
    QString operator()(const Protocol::Shutdown &shutdown) const { return safe(shutdown.text); }
    QString operator()(const Protocol::Ack &) const { return {}; }
    QString operator()(const Protocol::Ping &) const { return {}; }
    QString operator()(const Protocol::Pong &) const { return {}; }
    QString operator()(const Protocol::Results &) const { return {}; }
    QString operator()(const Protocol::Presence &presence) const
    {
        if (!presence.users)
            return u"Online now: %1."_s.arg(presence.online);
        return u"Online now (%1): %2."_s.arg(presence.online).arg(safeList(*presence.users));
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

Input read(const QString &line)
{
    using ChatCommand::Kind;
    const ChatCommand::Command command = ChatCommand::parse(line);
    switch (command.kind) {
    case Kind::Empty:
    case Kind::Say:
        return Protocol::ClientFrame { Protocol::Say { command.text, {}, {} } };
    case Kind::DirectMessage:
        return Protocol::ClientFrame { Protocol::Say { command.text, {}, command.nick } };
    case Kind::Kick:
        return Protocol::ClientFrame { Protocol::Kick { command.nick, command.text, {} } };
    case Kind::Quit:
        return Protocol::ClientFrame { Protocol::Exit {} };
    case Kind::Who:
        return ListMembers {};
    case Kind::Help:
        return ShowHelp {};
    case Kind::Usage:
        return Refusal { Protocol::ErrorCode::BadFrame, u"Usage: "_s + command.text };
    case Kind::Unknown:
        break;
    }
    return Refusal { Protocol::ErrorCode::UnknownType,
                     u"Unknown command %1. %2"_s.arg(command.text, commandList) };
}

QByteArray format(const Protocol::ServerFrame &frame)
{
    const QString text = std::visit(Formatter {}, frame);
    if (text.isEmpty())
        return {};
    return text.toUtf8() + '\n';
}

QByteArray formatMembers(const QStringList &nicks)
{
    return u"Online now (%1): %2.\n"_s.arg(nicks.size()).arg(safeList(nicks)).toUtf8();
}

QByteArray helpText()
{
    return u"Type a line to chat. /msg NICK TEXT sends a direct message, /who lists who is "
           "online, /kick NICK [REASON] removes someone (operators only), exit or /quit leaves."
           "\n"_s.toUtf8();
}

} // namespace PlainTextFace
