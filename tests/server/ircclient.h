// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QHostAddress>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStringList>
#include <QTest>

namespace IrcTest {

using namespace Qt::StringLiterals;

// An IRC client as irssi or WeeChat is one to the server: CR LF lines over a socket.
class IrcClient : public QObject
{
public:
    // With a certificate, the connection is TLS and trusts that certificate alone.
    explicit IrcClient(quint16 port, const QSslCertificate &certificate = QSslCertificate())
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
            m_buffer += m_socket.readAll();
            qsizetype end;
            while ((end = m_buffer.indexOf("\r\n")) >= 0) {
                m_lines.append(QString::fromUtf8(m_buffer.left(end)));
                m_buffer.remove(0, end + 2);
            }
        });
        if (certificate.isNull()) {
            m_socket.connectToHost(QHostAddress::LocalHost, port);
            return;
        }
        QSslConfiguration tls = m_socket.sslConfiguration();
        tls.setCaCertificates({ certificate });
        m_socket.setSslConfiguration(tls);
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    }
    void send(const QByteArray &line) { m_socket.write(line + "\r\n"); }
    // NICK and USER (after CAP LS, as modern clients do), then the welcome burst.
    bool registerAs(const QString &nick, const QByteArray &capabilities = {})
    {
        send("CAP LS 302");
        if (!capabilities.isEmpty()) {
            send("CAP REQ :" + capabilities);
            if (!waitFor(u"CAP * ACK :"_s + QString::fromUtf8(capabilities)))
                return false;
        }
        send("NICK " + nick.toUtf8());
        send("USER " + nick.toUtf8() + " 0 * :" + nick.toUtf8());
        send("CAP END");
        return waitFor(u" 366 %1 #lobby "_s.arg(nick));
    }
    // Waits for a line containing `text`; the first such line, or an empty string.
    QString line(const QString &text, int timeoutMs = 5000)
    {
        QString found;
        const bool arrived = QTest::qWaitFor(
                [&] {
                    for (const QString &line : std::as_const(m_lines)) {
                        if (line.contains(text)) {
                            found = line;
                            return true;
                        }
                    }
                    return false;
                },
                timeoutMs);
        return arrived ? found : QString();
    }
    bool waitFor(const QString &text) { return !line(text).isEmpty(); }
    // The reply labelled `label` (labeled-response): its one line, or its batch from the
    // start to the end; empty when it did not come.
    QStringList labelled(const QString &label)
    {
        QString first;
        const bool arrived = QTest::qWaitFor(
                [&] {
                    for (const QString &each : std::as_const(m_lines)) {
                        if (each.startsWith(u"@label=%1 "_s.arg(label))
                            || each.startsWith(u"@label=%1;"_s.arg(label))) {
                            first = each;
                            return true;
                        }
                    }
                    return false;
                },
                5000);
        if (!arrived)
            return {};
        static const QRegularExpression batchStart(u" BATCH \\+(\\S+)"_s);
        const QRegularExpressionMatch start = batchStart.match(first);
        if (!start.hasMatch())
            return { first };
        const QString reference = start.captured(1);
        if (!waitFor(u":natter BATCH -"_s + reference))
            return {};
        const qsizetype from = m_lines.indexOf(first);
        const qsizetype to = m_lines.indexOf(u":natter BATCH -"_s + reference, from);
        return m_lines.mid(from, to - from + 1);
    }
    QStringList linesWith(const QString &text) const
    {
        QStringList found;
        for (const QString &line : m_lines) {
            if (line.contains(text))
                found.append(line);
        }
        return found;
    }
    // A PING answered proves every reply to what was sent before it has arrived.
    void settle()
    {
        const QString token = u"settle%1"_s.arg(++m_pings);
        send("PING :" + token.toUtf8());
        QVERIFY(waitFor(u"PONG natter :"_s + token));
    }
    const QStringList &lines() const { return m_lines; }
    void clear() { m_lines.clear(); }
    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_buffer;
    QStringList m_lines;
    int m_pings = 0;
};

} // namespace IrcTest

using IrcTest::IrcClient;
