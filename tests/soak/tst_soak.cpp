// SPDX-License-Identifier: BSD-3-Clause
#include "lineframer.h"
#include "protocol.h"

#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <numeric>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

// One client of the soak: it keeps only what the checks need (message numbers, acks, leave
// reasons), so that 200 of them stay light in one test process.
class SoakClient : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Steady, Reconnecting, Slow, Flooder };

    SoakClient(Kind kind, const QString &nick, quint16 port)
        : m_kind(kind), m_nick(nick), m_port(port)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, &SoakClient::read);
        if (kind == Kind::Slow)
            m_socket.setReadBufferSize(4096); // or Qt would read everything on its behalf
        connect(&m_socket, &QTcpSocket::connected, this, [this] {
            // A slow reader's small window keeps the kernel from hiding its backlog for long.
            if (m_kind == Kind::Slow)
                m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
            Hello hello { m_nick, 1, u"natter-soak"_s, std::nullopt };
            if (m_lastSeq > 0)
                hello.since = m_lastSeq;
            m_socket.write(encode(ClientFrame { hello }));
        });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_online = false; });
        m_flood.setInterval(10);
        connect(&m_flood, &QTimer::timeout, this, [this] {
            for (int i = 0; i < 2; ++i)
                say();
        });
    }

    void start() { m_socket.connectToHost(QHostAddress::LocalHost, m_port); }

    void say()
    {
        const QString id = u"%1-%2"_s.arg(m_nick).arg(++m_sent);
        const QString text = u"%1 says %2 "_s.arg(m_nick).arg(m_sent) + QString(900, u'x');
        m_outbox.insert(id, text);
        if (m_online)
            m_socket.write(encode(ClientFrame { Say { text, id, {} } }));
    }

    void dropAndComeBack(int afterMs)
    {
        m_socket.abort();
        m_online = false;
        QTimer::singleShot(afterMs, this, &SoakClient::start);
    }

    Kind kind() const { return m_kind; }
    QString nick() const { return m_nick; }
    bool online() const { return m_online; }
    bool everJoined() const { return m_everJoined; }
    bool disconnected() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    qsizetype outboxSize() const { return m_outbox.size(); }
    qsizetype errors() const { return m_errors; }
    qsizetype rateLimited() const { return m_rateLimited; }
    qsizetype outOfOrder() const { return m_outOfOrder; }
    const QHash<QString, LeaveReason> &leaves() const { return m_leaves; }

    // Every message number this client has seen: messages received plus its own acked ones.
    QList<qint64> seen() const
    {
        QList<qint64> all = m_received + m_acked;
        std::sort(all.begin(), all.end());
        return all;
    }

private:
    void read()
    {
        if (m_kind == Kind::Slow && m_everJoined)
            return; // reads nothing more: its backlog grows on the server until it is cut off
        m_framer.append(m_socket.readAll());
        QByteArray line;
        while (m_framer.takeLine(&line) == LineFramer::Status::Line) {
            auto decoded = decodeServerFrame(line);
            if (decoded.isValid())
                std::visit([this](const auto &frame) { handle(frame); }, decoded.frame);
        }
    }

    void see(qint64 seq, QList<qint64> *into)
    {
        if (seq <= m_lastSeq)
            ++m_outOfOrder; // a duplicate or a message out of order
        m_lastSeq = std::max(m_lastSeq, seq);
        into->append(seq);
    }

    void handle(const Welcome &welcome)
    {
        for (const Message &message : welcome.history) {
            if (message.seq > m_lastSeq)
                see(message.seq, message.from == m_nick ? &m_acked : &m_received);
            if (message.from == m_nick)
                m_outbox.remove(message.id);
        }
        m_lastSeq = std::max(m_lastSeq, welcome.seq);
        m_online = true;
        m_everJoined = true;
        // Whatever was not acknowledged goes again, with the same ids.
        for (auto it = m_outbox.cbegin(); it != m_outbox.cend(); ++it)
            m_socket.write(encode(ClientFrame { Say { it.value(), it.key(), {} } }));
        if (m_kind == Kind::Flooder)
            m_flood.start();
    }
    void handle(const Message &message) { see(message.seq, &m_received); }
    void handle(const Ack &ack)
    {
        if (m_outbox.remove(ack.id) > 0 && ack.seq > m_lastSeq)
            see(ack.seq, &m_acked);
    }
    void handle(const Error &error)
    {
        ++m_errors;
        m_rateLimited += error.code == ErrorCode::RateLimited;
        m_outbox.remove(error.id);
    }
    void handle(const Left &left) { m_leaves.insert(left.nick, left.reason); }
    void handle(const Notices &notices)
    {
        for (const auto &notice : notices.notices) {
            if (const auto *left = std::get_if<Left>(&notice))
                handle(*left);
        }
    }
    void handle(const Ping &ping) { m_socket.write(encode(ClientFrame { Pong { ping.token } })); }
    template<typename Other>
    void handle(const Other &)
    {
    }

    Kind m_kind;
    QString m_nick;
    quint16 m_port;
    QTcpSocket m_socket;
    LineFramer m_framer { 64 * 1024 * 1024 };
    QTimer m_flood;
    QHash<QString, QString> m_outbox; // id -> text, not acknowledged yet
    QList<qint64> m_received;
    QList<qint64> m_acked;
    QHash<QString, LeaveReason> m_leaves;
    qint64 m_lastSeq = 0;
    int m_sent = 0;
    qsizetype m_errors = 0;
    qsizetype m_rateLimited = 0;
    qsizetype m_outOfOrder = 0;
    bool m_online = false;
    bool m_everJoined = false;
};

qint64 residentKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression rss(u"VmRSS:\\s+(\\d+) kB"_s);
    return rss.match(QString::fromLatin1(status.readAll())).captured(1).toLongLong();
}

} // namespace

// 200 clients against the real natter-server for a bounded time: steady talkers, some that drop
// and come back, some that stop reading, one that floods.
class tst_Soak : public QObject
{
    Q_OBJECT

private slots:
    void twoHundredClients();
};

void tst_Soak::twoHundredClients()
{
    constexpr int Steady = 188, Reconnecting = 6, Slow = 5;
    constexpr int RunMs = 15'000;
#ifdef NATTER_SANITIZED
    constexpr qint64 RssBoundKiB = 1024 * 1024; // shadow memory and quarantine, not the server
#else
    constexpr qint64 RssBoundKiB = 64 * 1024;
#endif

    QTemporaryDir dataDir; // the soak runs with the durable store
    QByteArray log; // before the process: its last output may arrive while it is destroyed
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    connect(&server, &QProcess::readyRead, this, [&] { log += server.readAll(); });
    server.start(QStringLiteral(NATTER_SERVER_BINARY),
                 { u"--port"_s, u"0"_s, u"--rate"_s, u"10"_s, u"--burst"_s, u"20"_s,
                   u"--flood-grace"_s, u"3"_s, u"--max-sendq"_s, u"131072"_s, u"--history"_s,
                   u"100000"_s, u"--max-per-ip"_s, u"1000"_s, u"--data-dir"_s, dataDir.path() });
    static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    QRegularExpressionMatch match;
    QVERIFY(QTest::qWaitFor(
            [&] { return (match = listening.match(QString::fromUtf8(log))).hasMatch(); }, 10000));
    const quint16 port = quint16(match.captured(1).toUInt());
    const auto stopServer = qScopeGuard([&] {
        if (server.state() != QProcess::NotRunning) {
            qWarning("server log tail:\n%s", log.right(2000).constData());
            server.kill();
            server.waitForFinished(5000); // test teardown only; the server is already killed
        }
    });

    std::vector<std::unique_ptr<SoakClient>> clients;
    auto add = [&](SoakClient::Kind kind, const QString &prefix, int count) {
        for (int i = 0; i < count; ++i)
            clients.push_back(
                    std::make_unique<SoakClient>(kind, prefix + QString::number(i), port));
    };
    add(SoakClient::Kind::Steady, u"steady"_s, Steady);
    add(SoakClient::Kind::Reconnecting, u"rejoin"_s, Reconnecting);
    add(SoakClient::Kind::Slow, u"slow"_s, Slow);
    add(SoakClient::Kind::Flooder, u"flood"_s, 1);
    for (auto &client : clients)
        client->start();
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.cbegin(), clients.cend(),
                                         [](const auto &c) { return c->everJoined(); }),
                             20000);

    QList<SoakClient *> talkers;
    for (auto &client : clients) {
        if (client->kind() == SoakClient::Kind::Steady
            || client->kind() == SoakClient::Kind::Reconnecting)
            talkers.append(client.get());
    }
    auto *random = QRandomGenerator::global();
    qint64 peakRssKiB = 0;
    QTimer talk, churn, sample;
    connect(&talk, &QTimer::timeout, this, [&] {
        for (int i = 0; i < 2; ++i)
            talkers.at(random->bounded(int(talkers.size())))->say();
    });
    connect(&churn, &QTimer::timeout, this, [&] {
        SoakClient *client = clients.at(Steady + random->bounded(Reconnecting)).get();
        if (client->online())
            client->dropAndComeBack(200 + random->bounded(600));
    });
    connect(&sample, &QTimer::timeout, this,
            [&] { peakRssKiB = std::max(peakRssKiB, residentKiB(server.processId())); });
    talk.start(20); // about 100 messages a second into a room of 200
    churn.start(500); // a reconnect every half second
    sample.start(250);
    // The soak itself: traffic and churn run for RunMs.
    QEventLoop soak;
    QTimer::singleShot(RunMs, &soak, &QEventLoop::quit);
    soak.exec();
    talk.stop();
    churn.stop();

    // Everyone who stayed catches up to the last message: exactly 1..N, each once.
    QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(talkers.cbegin(), talkers.cend(),
                        [](SoakClient *c) { return c->online() && c->outboxSize() == 0; }),
            20000);
    qint64 last = 0;
    for (SoakClient *client : talkers)
        last = std::max(last, client->seen().isEmpty() ? 0 : client->seen().constLast());
    QList<qint64> everything(last);
    std::iota(everything.begin(), everything.end(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(talkers.cbegin(), talkers.cend(),
                                         [&](SoakClient *c) { return c->seen().size() >= last; }),
                             20000);
    sample.stop();
    for (SoakClient *client : talkers) {
        QCOMPARE(client->outOfOrder(), 0);
        QVERIFY2(client->seen() == everything,
                 qPrintable(u"%1 saw %2 of %3"_s.arg(client->nick())
                                    .arg(client->seen().size())
                                    .arg(last)));
        QCOMPARE(client->errors(), 0); // every say was acknowledged
    }

    const auto &leaves = clients.front()->leaves();
    for (int i = 0; i < Slow; ++i)
        QCOMPARE(leaves.value(u"slow%1"_s.arg(i), LeaveReason::Exit), LeaveReason::Slow);
    QCOMPARE(leaves.value(u"flood0"_s, LeaveReason::Exit), LeaveReason::Flood);
    QVERIFY(clients.back()->rateLimited() > 0);
    QTRY_VERIFY(clients.back()->disconnected()); // the flooder was cut off

    qInfo("soak: %lld messages, every one delivered exactly once to %lld clients; "
          "server peak RSS %lld KiB (bound %lld KiB)",
          last, qint64(talkers.size()), peakRssKiB, RssBoundKiB);
    QVERIFY(peakRssKiB > 0);
    QVERIFY(peakRssKiB < RssBoundKiB);

    server.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_Soak)
#include "tst_soak.moc"
