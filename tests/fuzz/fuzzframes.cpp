// SPDX-License-Identifier: BSD-3-Clause
#include "fuzzframes.h"

#include "lineframer.h"
#include "nickskeleton.h"
#include "plaintextface.h"
#include "protocol.h"
#include "terminaltext.h"

#include <QByteArray>

#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

// What a terminal is sent: only whole lines, no control but their ends.
void checkPlain(const QByteArray &plain)
{
    check(plain.isEmpty() || plain.endsWith('\n'));
    check(TerminalText::isSafeForTerminal(QString::fromUtf8(plain)));
}

// The line as a terminal client's typed line, and whatever it makes the server say back.
void plainFace(const QByteArray &line)
{
    const std::optional<QString> typed = Protocol::decodeUtf8(line);
    if (!typed)
        return;
    check(TerminalText::isSafeForTerminal(TerminalText::sanitized(*typed)));
    const QString logged = TerminalText::escaped(*typed);
    check(TerminalText::isSafeForTerminal(logged) && !logged.contains(u'\n'));
    const PlainTextFace::Input input = PlainTextFace::read(*typed);
    if (const auto *refusal = std::get_if<PlainTextFace::Refusal>(&input)) {
        checkPlain(PlainTextFace::format(Protocol::Error { refusal->code, refusal->text, {} }));
    } else if (const auto *frame = std::get_if<Protocol::ClientFrame>(&input)) {
        // What the room would make of it: the text as a message, the nick as a member.
        if (const auto *say = std::get_if<Protocol::Say>(frame)) {
            checkPlain(PlainTextFace::format(
                    Protocol::Message { 1, 0, *typed, say->to, say->text, {} }));
            checkPlain(PlainTextFace::formatMembers({ say->to, *typed }));
        } else if (const auto *kick = std::get_if<Protocol::Kick>(frame)) {
            checkPlain(PlainTextFace::format(
                    Protocol::Left { kick->nick, Protocol::LeaveReason::Kicked, 0, kick->reason,
                                     *typed, kick->reason }));
        }
    }
}

// The line as a nickname: lookalikes compare equal, whatever the input.
void nickRules(const QByteArray &line)
{
    const QString nick = QString::fromUtf8(line);
    const QString skeleton = NickSkeleton::skeleton(nick);
    // A skeleton is a fixed point: comparing by it is an equivalence.
    check(NickSkeleton::skeleton(skeleton) == skeleton);
    // Compatibility forms (fullwidth, ligatures, small forms) are their plain letters.
    check(NickSkeleton::skeleton(nick.normalized(QString::NormalizationForm_KC)) == skeleton);
    if (Protocol::isValidNick(nick)) {
        check(NickSkeleton::isSingleScript(nick));
        check(Protocol::nickKey(nick) == skeleton);
    }
    if (Protocol::isValidRoomName(nick))
        check(Protocol::roomKey(nick) == Protocol::roomKey(Protocol::roomKey(nick)));
}

template<typename Frame>
void roundTrip(const Frame &frame, Protocol::Decoded<Frame> (*decode)(QByteArrayView))
{
    const QByteArray line = Protocol::encode(frame);
    check(line.endsWith('\n') && line.count('\n') == 1);
    const auto again = decode(QByteArrayView(line).chopped(1));
    check(again.isValid());
    check(Protocol::encode(again.frame) == line);
}

} // namespace

int fuzzFrames(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    // The first byte picks where the stream is cut, as two reads from a socket would.
    const qsizetype cut = qsizetype(data[0]) % input.size();
    LineFramer framer(4096);
    QByteArray line;
    for (const QByteArrayView chunk : { input.first(cut), input.sliced(cut) }) {
        framer.append(chunk);
        for (;;) {
            const LineFramer::Status status = framer.takeLine(&line);
            if (status != LineFramer::Status::Line)
                break;
            check(line.size() <= framer.maxLineBytes() && !line.contains('\n'));
            const auto client = Protocol::decodeClientFrame(line);
            if (client.isValid())
                roundTrip(client.frame, &Protocol::decodeClientFrame);
            else
                check(!client.error->text.isEmpty());
            const auto server = Protocol::decodeServerFrame(line);
            if (server.isValid()) {
                roundTrip(server.frame, &Protocol::decodeServerFrame);
                checkPlain(PlainTextFace::format(server.frame));
            }
            plainFace(line);
            nickRules(line);
        }
        check(framer.bufferedBytes() <= framer.maxLineBytes() + 1 + chunk.size());
    }
    return 0;
}
