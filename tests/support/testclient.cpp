// SPDX-License-Identifier: BSD-3-Clause
#include "testclient.h"

#include <QHostAddress>
#include <QTest>

using namespace Qt::StringLiterals;

TestClient::TestClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &TestClient::processReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_disconnected = true; });
}

void TestClient::connectTo(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void TestClient::connectEncrypted(quint16 port, const QSslCertificate &certificate)
{
    QSslConfiguration tls = m_socket.sslConfiguration();
    tls.setCaCertificates({ certificate });
    m_socket.setSslConfiguration(tls);
    m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
}

void TestClient::hello(const QString &nick, std::optional<qint64> since, const QString &password)
{
    m_nick = nick;
    send(Protocol::Hello { nick, m_protocol, QStringLiteral("natter-test"), since, password });
}

bool TestClient::join(quint16 port, const QString &nick, std::optional<qint64> since)
{
    connectTo(port);
    hello(nick, since);
    // The welcome is the server's answer to hello; nothing else can arrive before it.
    return QTest::qWaitFor([this] { return count<Protocol::Welcome>() == 1; }, 5000);
}

void TestClient::say(const QString &text, const QString &id, const QString &to)
{
    send(Protocol::Say { text, id, to, {} });
}

void TestClient::sayIn(const QString &room, const QString &text, const QString &id)
{
    send(Protocol::Say { text, id, {}, room });
}

void TestClient::clear()
{
    m_lines.clear();
    m_frames.clear();
}

void TestClient::setReadingPaused(bool paused)
{
    m_readingPaused = paused;
    // A one-byte buffer makes the socket stop taking data from the kernel.
    m_socket.setReadBufferSize(paused ? 1 : 0);
    if (!paused)
        QMetaObject::invokeMethod(this, &TestClient::processReadyRead, Qt::QueuedConnection);
}

void TestClient::processReadyRead()
{
    if (m_readingPaused)
        return;
    m_framer.append(m_socket.readAll());
    QByteArray line;
    while (m_framer.takeLine(&line) == LineFramer::Status::Line) {
        m_lines.append(line);
        if (line.startsWith('{')) {
            auto decoded = Protocol::decodeServerFrame(line);
            if (!decoded.isValid()) {
                qWarning("TestClient: undecodable server frame: %s", line.constData());
            } else {
                if (const auto *ping = std::get_if<Protocol::Ping>(&decoded.frame);
                    ping && m_answersPings)
                    send(Protocol::Pong { ping->token });
                if (const auto *batch = std::get_if<Protocol::Notices>(&decoded.frame)) {
                    // Coalesced notices count as the single notices they stand for.
                    // A batch may hold this client's own arrival; real clients skip it too.
                    for (const auto &notice : batch->notices) {
                        const auto *joined = std::get_if<Protocol::Joined>(&notice);
                        if (!joined || joined->nick != m_nick)
                            std::visit([this](const auto &n) { m_frames.append(n); }, notice);
                    }
                } else {
                    m_frames.append(std::move(decoded.frame));
                }
            }
        }
        emit frameReceived();
    }
}
