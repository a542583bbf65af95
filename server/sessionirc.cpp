// SPDX-License-Identifier: BSD-3-Clause
// Session's IRC face: what an IRC client's lines mean, routed to the same frames a JSON client
// sends, with the replies IRC clients wait for. Formatting lives in IrcFace.
#include "session.h"

#include "accesscontrol.h"
#include "ircface.h"
#include "room.h"
#include "roomdirectory.h"
#include "serverlogging.h"
#include "terminaltext.h"

#include <QDateTime>
#include <QTimer>

#include <limits>

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace {
// The IRCv3 capabilities the face has (sasl is added when there are passwords to check).
// Those that change how the room log's lines look are fixed once the client is in a room.
const QStringList capabilities { u"away-notify"_s,       u"batch"_s,
                                 u"draft/chathistory"_s, u"echo-message"_s,
                                 u"labeled-response"_s,  u"message-tags"_s,
                                 u"multi-prefix"_s,      u"server-time"_s };
bool shapesLogLines(const QString &capability)
{
    return capability == u"message-tags" || capability == u"server-time";
}

// Commands a client may send before it is registered (RFC 2812 3.1; CAP for IRCv3).
bool isRegistrationCommand(const QString &name)
{
    return name == u"CAP" || name == u"NICK" || name == u"USER" || name == u"PASS"
            || name == u"PING" || name == u"PONG" || name == u"QUIT" || name == u"AUTHENTICATE";
}
}

QString Session::ircNick() const
{
    return m_nick.isEmpty() ? u"*"_s : m_nick; // "*" until registered, as IRC servers do
}

bool Session::wantsMessageTags() const
{
    return m_face == Face::Irc
            && (m_irc.capabilities.contains(u"message-tags"_s)
                || m_irc.capabilities.contains(u"server-time"_s));
}

bool Session::wantsOwnMessages() const
{
    return m_face == Face::Irc && m_irc.capabilities.contains(u"echo-message"_s);
}

void Session::negotiateIrcCapabilities(const QStringList &params)
{
    const QString sub = params.value(0).toUpper();
    const bool registered = m_state == State::InRoom;
    auto reply = [this](const QString &sub, const QString &list) {
        write(u":%1 CAP %2 %3 :%4\r\n"_s.arg(IrcFace::ServerName, ircNick(), sub, list).toUtf8());
    };
    if (sub == u"LS") {
        m_irc.capNegotiating = !registered;
        QStringList offered = capabilities;
        if (m_access->hasPasswords())
            offered.append(params.value(1).toInt() >= 302 ? u"sasl=PLAIN"_s : u"sasl"_s);
        reply(sub, offered.join(u' '));
    } else if (sub == u"LIST") {
        QStringList enabled = m_irc.capabilities.values();
        enabled.sort();
        reply(sub, enabled.join(u' '));
    } else if (sub == u"REQ") {
        m_irc.capNegotiating = !registered;
        // All or nothing, as the specification asks.
        const QStringList requested = params.value(1).split(u' ', Qt::SkipEmptyParts);
        bool acceptable = !requested.isEmpty();
        for (const QString &request : requested) {
            const QString name = request.startsWith(u'-') ? request.mid(1) : request;
            const bool known = capabilities.contains(name)
                    || (name == u"sasl" && m_access->hasPasswords());
            if (!known || (registered && shapesLogLines(name)))
                acceptable = false;
        }
        if (!acceptable) {
            reply(u"NAK"_s, params.value(1));
            return;
        }
        for (const QString &request : requested) {
            if (request.startsWith(u'-'))
                m_irc.capabilities.remove(request.mid(1));
            else
                m_irc.capabilities.insert(request);
        }
        reply(u"ACK"_s, params.value(1));
    } else if (sub == u"END") {
        m_irc.capNegotiating = false;
        registerIrcClient();
    } else {
        write(IrcFace::numeric(410, ircNick(), { sub }, u"Invalid CAP command"_s));
    }
}

void Session::sendIrcHistory(const IrcFace::Command &command)
{
    // CHATHISTORY (IRCv3 draft/chathistory) over a room's history or a direct conversation's:
    // LATEST <target> <* | ref> <limit>, BEFORE|AFTER|AROUND <target> <ref> <limit>,
    // BETWEEN <target> <ref> <ref> <limit>; a reference is msgid=SEQ or timestamp=ISO-8601.
    auto fail = [this](const QString &code, const QString &text) {
        write(u":%1 FAIL CHATHISTORY %2 :%3\r\n"_s.arg(IrcFace::ServerName, code, text).toUtf8());
    };
    const QString sub = command.params.value(0).toUpper();
    static const QStringList subcommands { u"LATEST"_s, u"BEFORE"_s, u"AFTER"_s, u"AROUND"_s,
                                           u"BETWEEN"_s };
    if (!subcommands.contains(sub)) {
        fail(u"INVALID_PARAMS"_s, u"LATEST, BEFORE, AFTER, AROUND or BETWEEN"_s);
        return;
    }
    const bool between = sub == u"BETWEEN";
    if (command.params.size() < (between ? 5 : 4)) {
        fail(u"INVALID_PARAMS"_s,
             between ? u"CHATHISTORY BETWEEN <target> <reference> <reference> <limit>"_s
                     : u"CHATHISTORY %1 <target> <reference> <limit>"_s.arg(sub));
        return;
    }
    if (!admit({}, m_config.searchCost))
        return;
    const QString target = command.params.at(1);
    Room *room = nullptr;
    QString conversation; // a direct conversation's, in the lobby
    if (target.startsWith(u'#')) {
        m_irc.target = target;
        room = ircRoom(target);
        if (!room)
            return;
    } else if (Protocol::isValidNick(target)) {
        room = m_directory->lobby();
        conversation = Protocol::DirectPrefix + target;
    } else {
        fail(u"INVALID_TARGET"_s, u"No such channel or nick"_s);
        return;
    }
    static constexpr qint64 End = std::numeric_limits<qint64>::max();
    // A reference as two numbers: the messages before it have seq < below, those after it
    // seq > above (a msgid is both; a time falls between messages).
    struct Reference
    {
        qint64 below;
        qint64 above;
    };
    auto reference = [room](const QString &text) -> std::optional<Reference> {
        if (text.startsWith(u"msgid="_s)) {
            bool ok = false;
            const qint64 seq = text.mid(6).section(u'.', 0, 0).toLongLong(&ok);
            return ok && seq >= 0 ? std::optional<Reference>({ seq, seq }) : std::nullopt;
        }
        if (text.startsWith(u"timestamp="_s)) {
            const QDateTime time = QDateTime::fromString(text.mid(10), Qt::ISODateWithMs);
            if (!time.isValid())
                return std::nullopt;
            const qint64 ms = time.toMSecsSinceEpoch();
            return Reference { room->firstSeqAt(ms).value_or(End),
                               room->firstSeqAt(ms + 1).value_or(End) - 1 };
        }
        return std::nullopt;
    };
    std::optional<Reference> first;
    if (sub != u"LATEST" || command.params.at(2) != u"*") {
        first = reference(command.params.at(2));
        if (!first) {
            fail(u"INVALID_PARAMS"_s,
                 u"A reference is msgid=N or timestamp=YYYY-MM-DDThh:mm:ss.sssZ"_s);
            return;
        }
    }
    std::optional<Reference> second;
    if (between) {
        second = reference(command.params.at(3));
        if (!second) {
            fail(u"INVALID_PARAMS"_s,
                 u"A reference is msgid=N or timestamp=YYYY-MM-DDThh:mm:ss.sssZ"_s);
            return;
        }
    }
    const qsizetype limit = std::clamp<qint64>(command.params.at(between ? 4 : 3).toLongLong(), 1,
                                               Protocol::MaxResults);
    // The newest `count` before `below`, the oldest `count` after `above`; in order.
    auto older = [&](qint64 below, qsizetype count) {
        return conversation.isEmpty()
                ? room->broadcasts(m_nick, Room::Direction::Before, below, count)
                : room->history(m_nick, conversation, below, count);
    };
    auto newer = [&](qint64 above, qsizetype count) {
        return conversation.isEmpty()
                ? room->broadcasts(m_nick, Room::Direction::After, above, count)
                : room->historyAfter(m_nick, conversation, above, count);
    };
    QList<Protocol::Message> messages;
    if (sub == u"LATEST") {
        messages = older(End, limit);
        if (first)
            messages.removeIf([&](const Protocol::Message &m) { return m.seq <= first->above; });
    } else if (sub == u"BEFORE") {
        messages = older(first->below, limit);
    } else if (sub == u"AFTER") {
        messages = newer(first->above, limit);
    } else if (sub == u"AROUND") {
        // Half before the reference, the rest from it on (a msgid's own message included).
        messages = older(first->below, limit / 2);
        messages += newer(first->below - 1, limit - messages.size());
    } else if (first->above < second->below) {
        messages = newer(first->above, limit);
        messages.removeIf([&](const Protocol::Message &m) { return m.seq >= second->below; });
    } else {
        messages = older(first->below, limit);
        messages.removeIf([&](const Protocol::Message &m) { return m.seq <= second->above; });
    }
    const bool batch = m_irc.capabilities.contains(u"batch"_s);
    const QString id = u"h%1"_s.arg(++m_irc.batches);
    QByteArray lines;
    if (batch)
        lines += u":%1 BATCH +%2 chathistory %3\r\n"_s.arg(IrcFace::ServerName, id, target)
                         .toUtf8();
    for (const Protocol::Message &message : std::as_const(messages))
        lines += IrcFace::historyMessage(message, batch ? id : QString());
    if (batch)
        lines += u":%1 BATCH -%2\r\n"_s.arg(IrcFace::ServerName, id).toUtf8();
    write(lines);
}

void Session::authenticateIrcClient(const QString &param)
{
    // SASL PLAIN against the same accounts, delays and bans as every other login; the account
    // is the nick (Natter's accounts are nicknames).
    if (m_state != State::AwaitingNick || !m_irc.capabilities.contains(u"sasl"_s)) {
        write(IrcFace::numeric(m_state == State::InRoom ? 907 : 904, ircNick(), {},
                               m_state == State::InRoom ? u"You have already authenticated"_s
                                                        : u"SASL authentication failed"_s));
        return;
    }
    if (m_irc.saslChecking)
        return;
    if (param == u"*") {
        m_irc.saslStarted = false;
        m_irc.saslPayload.clear();
        write(IrcFace::numeric(906, ircNick(), {}, u"SASL authentication aborted"_s));
        return;
    }
    if (!m_irc.saslStarted) {
        if (param.toUpper() != u"PLAIN") {
            write(IrcFace::numeric(908, ircNick(), { u"PLAIN"_s },
                                   u"are available SASL mechanisms"_s));
            write(IrcFace::numeric(904, ircNick(), {}, u"SASL authentication failed"_s));
            return;
        }
        m_irc.saslStarted = true;
        write("AUTHENTICATE +\r\n");
        return;
    }
    if (param != u"+")
        m_irc.saslPayload += param.toLatin1();
    if (m_irc.saslPayload.size() > 1200) {
        m_irc.saslStarted = false;
        m_irc.saslPayload.clear();
        write(IrcFace::numeric(905, ircNick(), {}, u"SASL message too long"_s));
        return;
    }
    if (param.size() == 400)
        return; // more to come
    const QList<QByteArray> parts = QByteArray::fromBase64(std::exchange(m_irc.saslPayload, {}))
                                            .split('\0');
    m_irc.saslStarted = false;
    if (parts.size() != 3 || parts.at(1).isEmpty()) {
        write(IrcFace::numeric(904, ircNick(), {}, u"SASL authentication failed"_s));
        return;
    }
    const QString account = QString::fromUtf8(parts.at(1));
    const QString password = QString::fromUtf8(parts.at(2));
    m_irc.saslChecking = true;
    m_access->check(
            account, password, m_peerAddress, this,
            [this, account, password](AccessControl::Verdict verdict, bool) {
                m_irc.saslChecking = false;
                using Verdict = AccessControl::Verdict;
                if (verdict == Verdict::Allowed && m_access->isRegistered(account)) {
                    m_irc.account = m_access->registeredNick(account);
                    m_irc.password = password;
                    write(IrcFace::numeric(
                            900, ircNick(),
                            { u"%1!%1@%2"_s.arg(ircNick(), IrcFace::ServerName), m_irc.account },
                            u"You are now logged in as %1"_s.arg(m_irc.account)));
                    write(IrcFace::numeric(903, ircNick(), {},
                                           u"SASL authentication successful"_s));
                    return;
                }
                qCWarning(lcSession).noquote()
                        << m_peer << "failed SASL login as" << TerminalText::escaped(account);
                const auto delay = verdict == Verdict::Failed
                        ? m_access->failureDelay(m_peerAddress)
                        : std::chrono::milliseconds(0);
                QTimer::singleShot(delay, this, [this, verdict] {
                    write(IrcFace::numeric(904, ircNick(), {}, u"SASL authentication failed"_s));
                    if (verdict == AccessControl::Verdict::Banned)
                        closeAfterWriting();
                });
            });
}

void Session::handleIrcLine(const QByteArray &bytes)
{
    if (IrcFace::isBodyTooLong(bytes)) {
        write(IrcFace::numeric(417, ircNick(), {}, u"Input line was too long"_s));
        return;
    }
    const std::optional<QString> decoded = Protocol::decodeUtf8(bytes);
    if (!decoded) {
        // UTF8ONLY: the line is refused, not guessed at.
        write(IrcFace::notice(ircNick(), u"The line is not valid UTF-8; it was ignored."_s));
        return;
    }
    QString text = *decoded;
    if (text.endsWith(u'\r'))
        text.chop(1);
    const std::optional<IrcFace::Command> command = IrcFace::parse(text);
    if (!command)
        return;
    m_irc.command = command->name;
    m_irc.target = command->params.value(0);
    // Labels are honoured once registered (registration's replies are asynchronous) and not on
    // QUIT, whose answer is the closed connection.
    const bool labelled = !command->label.isEmpty() && m_state == State::InRoom
            && m_irc.capabilities.contains(u"labeled-response"_s)
            && m_irc.capabilities.contains(u"batch"_s) && command->name != u"QUIT";
    if (labelled && command->label.toUtf8().size() > IrcFace::MaxLabelBytes) {
        m_refusals->log(lcSession, m_peerAddress,
                        u"%1 %2 label over %3 bytes"_s.arg(m_peer, loggedNick())
                                .arg(IrcFace::MaxLabelBytes));
        write(u":%1 FAIL %2 INVALID_LABEL :A label may hold at most %3 bytes\r\n"_s
                      .arg(IrcFace::ServerName, command->name)
                      .arg(IrcFace::MaxLabelBytes)
                      .toUtf8());
        return;
    }
    if (labelled)
        m_irc.label = command->label;
    handleIrcCommand(*command);
    if (labelled) {
        const QString label = std::exchange(m_irc.label, {});
        const QByteArray replies = std::exchange(m_irc.labelled, {});
        // A message handed to a room is answered once stored, with the label (MessagePipeline).
        if (!std::exchange(m_irc.labelTaken, false) || !replies.isEmpty())
            write(IrcFace::labeled(replies, label, u"l%1"_s.arg(++m_irc.batches)));
    }
    m_irc.command.clear();
    m_irc.target.clear();
}

bool Session::requireIrcParams(const IrcFace::Command &command, qsizetype count)
{
    if (command.params.size() >= count)
        return true;
    write(IrcFace::numeric(461, ircNick(), { command.name }, u"Not enough parameters"_s));
    return false;
}

void Session::handleIrcCommand(const IrcFace::Command &command)
{
    const QString &name = command.name;
    const QStringList &params = command.params;
    // Before registration every line pays the rate: a client flooding commands (or attempts at
    // a nick) is cut off like any flood, and --hello-timeout bounds the time it may take.
    if (m_state != State::InRoom && !admit({}))
        return;
    if (m_state != State::InRoom && !isRegistrationCommand(name)) {
        if (m_state == State::AwaitingNick)
            write(IrcFace::numeric(451, ircNick(), {}, u"You have not registered"_s));
        return;
    }
    if (name == u"CAP") {
        negotiateIrcCapabilities(params);
    } else if (name == u"AUTHENTICATE") {
        if (requireIrcParams(command, 1))
            authenticateIrcClient(params.at(0));
    } else if (name == u"CHATHISTORY") {
        sendIrcHistory(command);
    } else if (name == u"PASS") {
        if (m_state == State::InRoom)
            write(IrcFace::numeric(462, ircNick(), {}, u"You may not reregister"_s));
        else if (requireIrcParams(command, 1))
            m_irc.password = params.at(0);
    } else if (name == u"NICK") {
        if (params.isEmpty() || params.at(0).isEmpty()) {
            write(IrcFace::numeric(431, ircNick(), {}, u"No nickname given"_s));
        } else if (m_state == State::InRoom) {
            if (params.at(0) != m_nick) // irssi sends NICK with its own nick on reconnect
                handleFrame(Protocol::ChangeNick { params.at(0), {}, {} });
        } else {
            m_irc.nick = params.at(0);
            registerIrcClient();
        }
    } else if (name == u"USER") {
        if (m_state == State::InRoom)
            write(IrcFace::numeric(462, ircNick(), {}, u"You may not reregister"_s));
        else if (requireIrcParams(command, 4)) {
            m_irc.userGiven = true;
            registerIrcClient();
        }
    } else if (name == u"PING") {
        if (requireIrcParams(command, 1))
            send(Protocol::Pong { params.at(0) });
    } else if (name == u"PONG") {
        // Any line shows the client is alive (processReadyRead).
    } else if (name == u"QUIT") {
        write(u"ERROR :Closing link: %1 (Quit)\r\n"_s.arg(ircNick()).toUtf8());
        if (m_state == State::InRoom)
            handleFrame(Protocol::Exit {});
        else
            closeAfterWriting();
    } else if (name == u"JOIN") {
        if (!requireIrcParams(command, 1))
            return;
        for (const QString &channel : params.at(0).split(u',', Qt::SkipEmptyParts)) {
            m_irc.target = channel;
            const QString room = IrcFace::roomOf(channel);
            Room *existing = Protocol::isValidRoomName(room) ? m_directory->find(room) : nullptr;
            if (existing && m_rooms.contains(existing))
                continue; // IRC clients rejoin their channels after a reconnect: nothing to do
            if (room.isEmpty()) {
                write(IrcFace::numeric(403, ircNick(), { channel }, u"No such channel"_s));
                continue;
            }
            handleFrame(Protocol::Join { room, false, {} });
        }
    } else if (name == u"PART") {
        if (!requireIrcParams(command, 1))
            return;
        for (const QString &channel : params.at(0).split(u',', Qt::SkipEmptyParts)) {
            m_irc.target = channel;
            if (ircRoom(channel))
                handleFrame(Protocol::Part { IrcFace::roomOf(channel), {} });
        }
    } else if (name == u"PRIVMSG" || name == u"NOTICE") {
        if (params.size() < 2 || params.at(1).isEmpty()) {
            write(params.isEmpty() ? IrcFace::numeric(411, ircNick(), {},
                                                      u"No recipient given (%1)"_s.arg(name))
                                   : IrcFace::numeric(412, ircNick(), {}, u"No text to send"_s));
            return;
        }
        if (!admit({}))
            return;
        const QString &target = params.at(0);
        QString text = IrcFace::withoutFormatting(params.at(1));
        if (text.startsWith(u'\x01')) {
            // CTCP: an action (/me) is said as "* waves" until Natter has actions of its own;
            // queries (VERSION, PING…) have nobody to answer them.
            text.remove(u'\x01');
            if (!text.startsWith(u"ACTION "_s)) {
                if (name == u"PRIVMSG")
                    write(IrcFace::notice(ircNick(), u"CTCP requests are not passed on here."_s));
                return;
            }
            text = u"* "_s + text.mid(7);
        }
        if (target.startsWith(u'#')) {
            if (ircRoom(target))
                say(text, {}, IrcFace::roomOf(target), {});
        } else {
            say(text, target, {}, {});
            // RFC 2812: a private message to someone away is answered with why (not a NOTICE).
            const RoomMember *member = m_directory->online(target);
            if (name == u"PRIVMSG" && member && !member->awayReason().isEmpty())
                write(IrcFace::numeric(301, ircNick(), { member->nick() }, member->awayReason()));
        }
    } else if (name == u"TOPIC") {
        if (!requireIrcParams(command, 1))
            return;
        Room *room = ircRoom(params.at(0));
        if (!room)
            return;
        if (params.size() >= 2) {
            handleFrame(Protocol::SetTopic {
                    room->name(), IrcFace::withoutFormatting(params.at(1)), {} });
        } else if (room->topic().isEmpty()) {
            write(IrcFace::numeric(331, ircNick(), { params.at(0) }, u"No topic is set"_s));
        } else {
            write(IrcFace::numeric(332, ircNick(), { params.at(0) }, room->topic()));
        }
    } else if (name == u"NAMES") {
        if (params.isEmpty()) {
            write(IrcFace::numeric(366, ircNick(), { u"*"_s }, u"End of /NAMES list"_s));
            return;
        }
        if (Room *room = ircRoom(params.at(0)))
            write(IrcFace::names(ircNick(), room->name(), room->nicks(), room->owner(),
                                 room->isPrivate()));
    } else if (name == u"LIST") {
        handleFrame(Protocol::ListRooms { IrcFace::roomOf(params.value(0)), {} });
    } else if (name == u"MODE") {
        if (!requireIrcParams(command, 1))
            return;
        const QString &target = params.at(0);
        if (!target.startsWith(u'#')) {
            if (Protocol::nickKey(target) != Protocol::nickKey(m_nick))
                write(IrcFace::numeric(502, ircNick(), {}, u"Can't change mode for other users"_s));
            else
                write(IrcFace::numeric(221, ircNick(), { u"+i"_s }, {}).replace(" :\r\n", "\r\n"));
            return;
        }
        Room *room = m_directory->find(IrcFace::roomOf(target));
        if (!room || (room->isPrivate() && !room->isMember(m_nick) && !m_operator)) {
            write(IrcFace::numeric(403, ircNick(), { target }, u"No such channel"_s));
        } else if (params.size() >= 2 && params.at(1).contains(u'b')) {
            write(IrcFace::numeric(368, ircNick(), { target }, u"End of channel ban list"_s));
        } else if (params.size() >= 2) {
            write(IrcFace::numeric(482, ircNick(), { target },
                                   u"Channel modes are set by Natter's own commands"_s));
        } else {
            write(IrcFace::numeric(324, ircNick(),
                                   { target, room->isPrivate() ? u"+it"_s : u"+t"_s }, {})
                          .replace(" :\r\n", "\r\n"));
            write(IrcFace::numeric(329, ircNick(), { target },
                                   QString::number(room->created() / 1000)));
        }
    } else if (name == u"WHO") {
        const QString target = params.value(0);
        QStringList nicks;
        if (target.startsWith(u'#')) {
            if (Room *room = m_directory->find(IrcFace::roomOf(target));
                room && m_rooms.contains(room))
                nicks = room->nicks();
        } else if (const RoomMember *member = m_directory->online(target)) {
            nicks = { member->nick() };
        }
        for (const QString &nick : std::as_const(nicks)) {
            // H(ere) or G(one): away members online on another node of a cluster show as here.
            const RoomMember *member = m_directory->online(nick);
            const bool away = member && !member->awayReason().isEmpty();
            write(IrcFace::numeric(352, ircNick(),
                                   { target.startsWith(u'#') ? target : u"*"_s, nick,
                                     IrcFace::ServerName, IrcFace::ServerName, nick,
                                     away ? u"G"_s : u"H"_s },
                                   u"0 "_s + nick));
        }
        write(IrcFace::numeric(315, ircNick(), { target.isEmpty() ? u"*"_s : target },
                               u"End of /WHO list"_s));
    } else if (name == u"WHOIS") {
        if (params.isEmpty()) {
            write(IrcFace::numeric(431, ircNick(), {}, u"No nickname given"_s));
            return;
        }
        const QString target = params.constLast();
        if (const RoomMember *member = m_directory->online(target)) {
            write(IrcFace::numeric(311, ircNick(),
                                   { member->nick(), member->nick(), IrcFace::ServerName, u"*"_s },
                                   member->nick()));
            write(IrcFace::numeric(312, ircNick(), { member->nick(), IrcFace::ServerName },
                                   u"Natter"_s));
            if (!member->awayReason().isEmpty())
                write(IrcFace::numeric(301, ircNick(), { member->nick() }, member->awayReason()));
        } else {
            write(IrcFace::numeric(401, ircNick(), { target }, u"No such nick"_s));
        }
        write(IrcFace::numeric(318, ircNick(), { target }, u"End of /WHOIS list"_s));
    } else if (name == u"ISON") {
        QStringList online;
        for (const QString &param : params) {
            for (const QString &nick : param.split(u' ', Qt::SkipEmptyParts)) {
                if (const RoomMember *member = m_directory->online(nick))
                    online.append(member->nick());
            }
        }
        write(IrcFace::numeric(303, ircNick(), {}, online.join(u' ')));
    } else if (name == u"USERHOST") {
        QStringList replies;
        for (const QString &nick : params) {
            if (const RoomMember *member = m_directory->online(nick))
                replies.append(u"%1=+%1@%2"_s.arg(member->nick(), IrcFace::ServerName));
        }
        write(IrcFace::numeric(302, ircNick(), {}, replies.join(u' ')));
    } else if (name == u"AWAY") {
        handleFrame(Protocol::SetAway { IrcFace::withoutFormatting(params.value(0)), {} });
    } else if (name == u"MOTD") {
        write(IrcFace::numeric(422, ircNick(), {}, u"MOTD File is missing"_s));
    } else if (name == u"LUSERS") {
        write(IrcFace::numeric(
                251, ircNick(), {},
                u"There are %1 users on 1 server"_s.arg(m_directory->onlineCount())));
    } else if (name == u"INVITE") {
        if (requireIrcParams(command, 2)) {
            m_irc.target = params.at(1);
            if (ircRoom(params.at(1)))
                handleFrame(Protocol::Invite { IrcFace::roomOf(params.at(1)), params.at(0), {} });
        }
    } else if (name == u"KICK") {
        if (requireIrcParams(command, 2) && ircRoom(params.at(0))) {
            handleFrame(Protocol::Kick {
                    params.at(1), params.value(2), {}, IrcFace::roomOf(params.at(0)) });
        }
    } else {
        m_refusals->log(lcSession, m_peerAddress,
                        u"%1 %2 unknown IRC command %3"_s.arg(m_peer, loggedNick(),
                                                              TerminalText::escaped(name)));
        write(IrcFace::numeric(421, ircNick(), { name }, u"Unknown command"_s));
    }
}

Room *Session::ircRoom(const QString &channel)
{
    const QString room = IrcFace::roomOf(channel);
    if (room.isEmpty()) {
        write(IrcFace::numeric(403, ircNick(), { channel }, u"No such channel"_s));
        return nullptr;
    }
    m_irc.target = channel;
    return myRoom(room, {});
}

void Session::registerIrcClient()
{
    // Registration completes once NICK and USER are in and capability negotiation is over.
    if (m_state != State::AwaitingNick || m_irc.nick.isEmpty() || !m_irc.userGiven
        || m_irc.capNegotiating)
        return;
    m_irc.target = m_irc.nick;
    enterRoom({ m_irc.nick, std::nullopt, {}, {} }, m_irc.password);
}
