// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "lineframer.h"
#include "protocol.h"

#include <QByteArrayList>
#include <QList>
#include <QSslSocket>

// A client the tests drive by hand: it records every line and every decoded server frame so
// that a test can wait for one with QTRY_* and then inspect it.
class TestClient : public QObject
{
    Q_OBJECT
public:
    explicit TestClient(QObject *parent = nullptr);

    void connectTo(quint16 port);
    // TLS, trusting `certificate` (the test server's self-signed one) as the only CA.
    void connectEncrypted(quint16 port, const QSslCertificate &certificate);
    QSslSocket *socket() { return &m_socket; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool wasDisconnected() const { return m_disconnected; }

    void sendLine(const QByteArray &line) { m_socket.write(line + '\n'); }
    void sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }
    void send(const Protocol::ClientFrame &frame) { m_socket.write(Protocol::encode(frame)); }
    void hello(const QString &nick, std::optional<qint64> since = std::nullopt,
               const QString &password = {});
    // Connects, says hello and waits up to 5 s for the welcome; false when none came.
    bool join(quint16 port, const QString &nick, std::optional<qint64> since = std::nullopt);
    void say(const QString &text, const QString &id, const QString &to = {});
    void sayIn(const QString &room, const QString &text, const QString &id = {});
    // The protocol version hello asks for: 1 (the lobby only) unless a test speaks rooms.
    void setProtocol(int version) { m_protocol = version; }

    // Like a real client, answer the server's pings (off by default: a silent peer).
    void setAnswersPings(bool answers) { m_answersPings = answers; }
    // A reader that stops reading: the kernel's buffers fill and the server's output backs up.
    void setReadingPaused(bool paused);

    const QByteArrayList &lines() const { return m_lines; }
    const QList<Protocol::ServerFrame> &frames() const { return m_frames; }
    void clear();

    template<typename Frame>
    QList<Frame> all() const
    {
        QList<Frame> result;
        for (const auto &frame : m_frames) {
            if (const auto *typed = std::get_if<Frame>(&frame))
                result.append(*typed);
        }
        return result;
    }
    template<typename Frame>
    qsizetype count() const
    {
        return all<Frame>().size();
    }
    template<typename Frame>
    Frame last() const
    {
        const QList<Frame> frames = all<Frame>();
        return frames.isEmpty() ? Frame {} : frames.constLast();
    }
    bool hasLine(const QByteArray &line) const { return m_lines.contains(line); }

signals:
    void frameReceived();

private:
    void processReadyRead();

    QSslSocket m_socket;
    LineFramer m_framer { 1024 * 1024 };
    QByteArrayList m_lines;
    QList<Protocol::ServerFrame> m_frames;
    bool m_disconnected = false;
    bool m_answersPings = false;
    bool m_readingPaused = false;
    QString m_nick;
    int m_protocol = 1;
};
