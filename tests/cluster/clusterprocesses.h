// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

// A real redis-server on a Unix socket in a temporary folder (no TCP port to collide on),
// persisting (AOF, fsync on every write) or not.
class RedisProcess
{
public:
    enum class Persistence { None, AppendOnly };

    explicit RedisProcess(Persistence persistence = Persistence::None) : m_persistence(persistence)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyRead, &m_process,
                         [this] { m_output += m_process.readAll(); });
    }
    ~RedisProcess() { stop(); }

    // Served on TCP (127.0.0.1) with a password instead of the Unix socket; before start().
    void useTcp(quint16 port, const QString &password)
    {
        m_port = port;
        m_password = password;
    }
    QString url() const { return u"unix:"_s + socketPath(); }
    QString socketPath() const { return m_dir.filePath(u"redis.sock"_s); }

    bool start()
    {
        const bool aof = m_persistence == Persistence::AppendOnly;
        m_output.clear();
        QStringList arguments { u"--dir"_s,         m_dir.path(),
                                u"--save"_s,        u""_s,
                                u"--appendonly"_s,  aof ? u"yes"_s : u"no"_s,
                                u"--appendfsync"_s, u"always"_s };
        if (m_port == 0)
            arguments += { u"--port"_s, u"0"_s, u"--unixsocket"_s, socketPath() };
        else
            arguments += { u"--port"_s,    QString::number(m_port), u"--bind"_s,
                           u"127.0.0.1"_s, u"--requirepass"_s,      m_password };
        m_process.start(u"redis-server"_s, arguments);
        return QTest::qWaitFor([this] { return m_output.contains("eady to accept connections"); },
                               10000);
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, 5000))
            qWarning("a child process did not end within 5 s");
    }
    QByteArray output() const { return m_output; }

    // A command through redis-cli, its answer as redis-cli prints it (an array: one element
    // a line), or empty after 5 s without one.
    QByteArray command(const QStringList &arguments) const
    {
        QProcess cli;
        const QStringList where = m_port == 0 ? QStringList { u"-s"_s, socketPath() }
                                              : QStringList { u"-h"_s,
                                                              u"127.0.0.1"_s,
                                                              u"-p"_s,
                                                              QString::number(m_port),
                                                              u"--no-auth-warning"_s,
                                                              u"-a"_s,
                                                              m_password };
        cli.start(u"redis-cli"_s, where + arguments);
        if (!QTest::qWaitFor([&] { return cli.state() == QProcess::NotRunning; }, 5000))
            return {};
        return cli.readAllStandardOutput().trimmed();
    }
    // How many connections are subscribed to the channel (PUBSUB NUMSUB).
    int subscribers(const QString &channel) const
    {
        const QList<QByteArray> lines = command({ u"PUBSUB"_s, u"NUMSUB"_s, channel }).split('\n');
        return lines.size() == 2 ? lines.at(1).trimmed().toInt() : -1;
    }

private:
    Persistence m_persistence;
    quint16 m_port = 0;
    QString m_password;
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
};

// One natter-server node of the cluster, as an administrator starts it.
class NodeProcess
{
public:
    NodeProcess()
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyRead, &m_process,
                         [this] { m_output += m_process.readAll(); });
    }
    ~NodeProcess() { kill(); }

    // The port it listens on, or 0 when it did not come up.
    quint16 start(const QString &redisUrl, const QString &nodeId, const QStringList &extra = {})
    {
        m_output.clear();
        m_process.start(QStringLiteral(NATTER_SERVER_BINARY),
                        QStringList { u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s,
                                      u"--redis"_s, redisUrl, u"--node-id"_s, nodeId }
                                + extra);
        static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
        QRegularExpressionMatch match;
        if (!QTest::qWaitFor([&] { return (match = listening.match(output())).hasMatch(); }, 10000))
            return 0;
        return quint16(match.captured(1).toUInt());
    }
    // kill -9: no goodbye to anyone.
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process.processId()), SIGKILL);
        if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, 5000))
            qWarning("a child process did not end within 5 s");
    }
    QString output() const { return QString::fromUtf8(m_output); }
    // With --irc-port 0: the IRC face's port, as the node says it.
    quint16 ircPort() const
    {
        static const QRegularExpression irc(u"IRC clients welcome on 127\\.0\\.0\\.1:(\\d+)"_s);
        const QRegularExpressionMatch match = irc.match(output());
        return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
    }

private:
    QProcess m_process;
    QByteArray m_output;
};
