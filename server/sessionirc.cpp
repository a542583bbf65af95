// Session's IRC face: what an IRC client's lines mean, routed to the same frames a JSON client
// sends, with the replies IRC clients wait for. Formatting lives in IrcFace.
#include "session.h"

#include "ircface.h"
#include "room.h"
#include "roomdirectory.h"
#include "serverlogging.h"
#include "terminaltext.h"

using namespace Qt::StringLiterals;
using Protocol::ErrorCode;

namespace {
// Commands a client may send before it is registered (RFC 2812 3.1; CAP for IRCv3).
bool isRegistrationCommand(const QString &name)
{
    return name == u"CAP" || name == u"NICK" || name == u"USER" || name == u"PASS"
            || name == u"PING" || name == u"PONG" || name == u"QUIT";
}
}

QString Session::ircNick() const
{
    return m_nick.isEmpty() ? u"*"_s : m_nick; // "*" until registered, as IRC servers do
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
    handleIrcCommand(*command);
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
    if (m_state != State::InRoom && !isRegistrationCommand(name)) {
        if (m_state == State::AwaitingNick)
            write(IrcFace::numeric(451, ircNick(), {}, u"You have not registered"_s));
        return;
    }
    if (name == u"CAP") {
        const QString sub = params.value(0).toUpper();
        if (sub == u"LS" || sub == u"LIST") {
            m_irc.capNegotiating = m_state != State::InRoom;
            write(u":%1 CAP %2 %3 :\r\n"_s.arg(IrcFace::ServerName, ircNick(), sub).toUtf8());
        } else if (sub == u"REQ") {
            m_irc.capNegotiating = m_state != State::InRoom;
            write(u":%1 CAP %2 NAK :%3\r\n"_s.arg(IrcFace::ServerName, ircNick(), params.value(1))
                          .toUtf8());
        } else if (sub == u"END") {
            m_irc.capNegotiating = false;
            registerIrcClient();
        } else {
            write(IrcFace::numeric(410, ircNick(), { sub }, u"Invalid CAP command"_s));
        }
    } else if (name == u"PASS") {
        if (m_state == State::InRoom)
            write(IrcFace::numeric(462, ircNick(), {}, u"You may not reregister"_s));
        else if (requireIrcParams(command, 1))
            m_irc.password = params.at(0);
    } else if (name == u"NICK") {
        if (params.isEmpty() || params.at(0).isEmpty()) {
            write(IrcFace::numeric(431, ircNick(), {}, u"No nickname given"_s));
        } else if (m_state == State::InRoom) {
            if (Protocol::nickKey(params.at(0)) != Protocol::nickKey(m_nick))
                write(IrcFace::numeric(447, ircNick(), {},
                                       u"Changing nickname is not supported here yet"_s));
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
            write(params.isEmpty()
                          ? IrcFace::numeric(411, ircNick(), {}, u"No recipient given (%1)"_s.arg(name))
                          : IrcFace::numeric(412, ircNick(), {}, u"No text to send"_s));
            return;
        }
        if (!admit({}))
            return;
        const QString &target = params.at(0);
        if (target.startsWith(u'#')) {
            if (ircRoom(target))
                say(params.at(1), {}, IrcFace::roomOf(target), {});
        } else {
            say(params.at(1), target, {}, {});
        }
    } else if (name == u"TOPIC") {
        if (!requireIrcParams(command, 1))
            return;
        Room *room = ircRoom(params.at(0));
        if (!room)
            return;
        if (params.size() >= 2) {
            handleFrame(Protocol::SetTopic { room->name(), params.at(1), {} });
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
            write(IrcFace::names(ircNick(), room->name(), room->nicks()));
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
            write(IrcFace::numeric(324, ircNick(), { target, room->isPrivate() ? u"+it"_s : u"+t"_s },
                                   {}).replace(" :\r\n", "\r\n"));
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
            write(IrcFace::numeric(352, ircNick(),
                                   { target.startsWith(u'#') ? target : u"*"_s, nick,
                                     IrcFace::ServerName, IrcFace::ServerName, nick, u"H"_s },
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
        write(params.isEmpty() || params.at(0).isEmpty()
                      ? IrcFace::numeric(305, ircNick(), {}, u"You are no longer marked as being away"_s)
                      : IrcFace::numeric(306, ircNick(), {}, u"You have been marked as being away"_s));
    } else if (name == u"MOTD") {
        write(IrcFace::numeric(422, ircNick(), {}, u"MOTD File is missing"_s));
    } else if (name == u"LUSERS") {
        write(IrcFace::numeric(251, ircNick(), {},
                               u"There are %1 users on 1 server"_s.arg(m_directory->onlineCount())));
    } else if (name == u"INVITE") {
        if (requireIrcParams(command, 2)) {
            m_irc.target = params.at(1);
            if (ircRoom(params.at(1)))
                handleFrame(Protocol::Invite { IrcFace::roomOf(params.at(1)), params.at(0), {} });
        }
    } else if (name == u"KICK") {
        if (requireIrcParams(command, 2) && ircRoom(params.at(0))) {
            handleFrame(Protocol::Kick { params.at(1), params.value(2), {},
                                         IrcFace::roomOf(params.at(0)) });
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
