#include "room.h"

#include "encodedframe.h"
#include "serverlogging.h"
#include "session.h"

#include <QCollator>
#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;

Room::Room(qsizetype historyLimit, qsizetype duplicateWindow, qsizetype departedNicks,
           QObject *parent)
    : QObject(parent), m_history(historyLimit), m_accepted(duplicateWindow, departedNicks)
{
}

bool Room::isNickTaken(const QString &nick) const
{
    return m_members.contains(Protocol::nickKey(nick));
}

void Room::join(Session *session, std::optional<qint64> since)
{
    const QString nick = session->nick();
    Q_ASSERT(!isNickTaken(nick));
    m_members.insert(Protocol::nickKey(nick), session);
    m_accepted.nickJoined(Protocol::nickKey(nick));

    MessageHistory::Replay replay = m_history.replayFor(nick, since);
    Protocol::Welcome welcome;
    welcome.nick = nick;
    welcome.server = QStringLiteral("natter-server/" NATTER_VERSION);
    welcome.users = nicks();
    welcome.seq = m_history.lastSeq();
    welcome.history = std::move(replay.messages);
    welcome.historyTruncated = replay.truncated;
    session->send(welcome);

    const QString text = Protocol::joinedText(nick);
    qCInfo(lcServer).noquote() << text;
    broadcast(EncodedFrame(Protocol::Joined { nick, QDateTime::currentMSecsSinceEpoch(), text }),
              session);
    emit memberJoined(nick);
}

void Room::leave(Session *session, Protocol::LeaveReason reason)
{
    const QString nick = session->nick();
    const auto it = m_members.constFind(Protocol::nickKey(nick));
    if (it == m_members.cend() || it.value() != session)
        return;
    m_members.erase(it);
    m_accepted.nickLeft(Protocol::nickKey(nick));

    const QString text = Protocol::leftText(nick, reason);
    qCInfo(lcServer).noquote() << text;
    if (!m_closing) {
        broadcast(EncodedFrame(Protocol::Left { nick, reason, QDateTime::currentMSecsSinceEpoch(),
                                                text }));
    }
    emit memberLeft(nick, reason);
}

std::variant<Protocol::Message, Protocol::ErrorCode> Room::post(Session *sender, const QString &text,
                                                                const QString &to, const QString &id)
{
    Session *recipient = nullptr;
    if (!to.isEmpty()) {
        recipient = m_members.value(Protocol::nickKey(to));
        if (!recipient)
            return Protocol::ErrorCode::NoSuchUser;
    }
    Protocol::Message message;
    message.timestamp = QDateTime::currentMSecsSinceEpoch();
    message.from = sender->nick();
    message.to = recipient ? recipient->nick() : QString();
    message.text = text;
    message.id = id; // kept so that the sender's own history shows which of its messages landed
    message = m_history.append(std::move(message));
    m_accepted.remember(Protocol::nickKey(message.from), id, { message.seq, message.timestamp });

    Protocol::Message delivered = message;
    delivered.id.clear(); // a client id is the sender's business only
    const EncodedFrame frame(std::move(delivered));
    if (recipient) {
        if (recipient != sender)
            recipient->deliver(frame);
    } else {
        broadcast(frame, sender);
    }
    return message;
}

std::optional<DuplicateFilter::Accepted> Room::findAccepted(const Session *sender,
                                                           const QString &id) const
{
    return m_accepted.find(Protocol::nickKey(sender->nick()), id);
}

void Room::broadcast(const EncodedFrame &frame, const Session *except) const
{
    // A shallow copy: should a delivery ever change the membership, the loop stays valid.
    const auto members = m_members;
    for (Session *member : members) {
        if (member != except)
            member->deliver(frame);
    }
}

QStringList Room::nicks() const
{
    QStringList result;
    result.reserve(m_members.size());
    for (const Session *member : m_members)
        result.append(member->nick());
    QCollator collator;
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::sort(result.begin(), result.end(), collator);
    return result;
}
