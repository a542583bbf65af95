#include "fuzzframes.h"

#include "plaintextface.h"
#include "lineframer.h"
#include "protocol.h"

#include <QByteArray>

#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
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
                const QByteArray plain = PlainTextFace::format(server.frame);
                check(plain.isEmpty() || plain.endsWith('\n'));
            }
            Protocol::isValidNick(QString::fromUtf8(line));
        }
        check(framer.bufferedBytes() <= framer.maxLineBytes() + 1 + chunk.size());
    }
    return 0;
}
