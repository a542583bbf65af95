// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol.h"
#include "serverlogging.h"

#include <QHostAddress>
#include <QStringList>

#include <chrono>
#include <optional>

// Everything an operator can set on the command line, with the defaults natter-server runs with.
struct ServerConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = Protocol::DefaultPort;
    // The IRC face's port (0: any free one); none: no IRC face.
    std::optional<quint16> ircPort;
    qsizetype historyLimit = 500; // messages served on join (and kept, without a store)
    // The SQLite file; empty keeps messages in memory only.
    QString storePath;
    int retainDays = 0; // 0: keep forever
    qint64 storeMaxPageCount = 0; // tests cap the file to make the disk "full"
    qsizetype maxLineBytes = Protocol::DefaultMaxLineBytes;
    qsizetype maxTextLength = Protocol::MaxTextLength;
    // How far behind the room's newest message a member may stay (for slowGrace, taking
    // nothing meanwhile) before it counts as too slow to keep up.
    qsizetype maxSendQueueBytes = 1024 * 1024;
    std::chrono::milliseconds slowGrace { 5000 };
    // What a room keeps for the members that are behind (its log); a member still behind when
    // the log must forget is removed as slow. Bounds the server's memory per room.
    qint64 roomBufferBytes = 32 * 1024 * 1024;
    // What Qt may read ahead from the kernel per socket, and so what is taken from a socket
    // per turn of the event loop; past it the rest waits in the kernel and TCP flow control
    // slows the sender (push-back, and a bound on a flooder's memory). Small, because
    // everything read in one turn is fanned out to every member in one write: 20 senders'
    // reads make a batch far below maxSendQueueBytes.
    qsizetype readBufferBytes = 8 * 1024;
    // The kernel's send buffer per socket, fixed: left to autotuning it grows to megabytes for a
    // reader that has stalled, hiding the backlog that maxSendQueueBytes is meant to bound.
    int socketSendBufferBytes = 128 * 1024;
    // How long a closing connection (and a graceful stop) waits for its client to take the last
    // bytes and close.
    std::chrono::milliseconds shutdownGrace { 3000 };

    // Liveness: a silent JSON client is pinged, then removed if still silent.
    std::chrono::milliseconds pingInterval { 30'000 };
    std::chrono::milliseconds timeout { 90'000 };
    std::chrono::milliseconds helloTimeout { 10'000 };
    // A TLS handshake is software talking, not a person: it gets a deadline of its own, also
    // within helloTimeout, both counted from the accept.
    std::chrono::milliseconds tlsHandshakeTimeout { 5000 };

    // Flood control: a token bucket of `rate` messages a second (0: off) holding up to `burst`;
    // a client still over the limit after `floodGrace` is removed.
    double rate = 10;
    double burst = 20;
    // What a search takes from the bucket: it costs the server far more than a message.
    double searchCost = 5;
    std::chrono::milliseconds floodGrace { 10'000 };
    // Refusals are logged at most a few per address per window, then summarised (RefusalLog).
    std::chrono::milliseconds refusalLogWindow { 60'000 };

    // TLS: with a certificate and key the port takes TLS and plain clients alike (told apart
    // by their first byte), or TLS only.
    QString tlsCertPath;
    QString tlsKeyPath;
    bool tlsOnly = false;
    bool ircTlsOnly = false; // the IRC port's own --tls-only

    // Accounts: registered nicks need their password; others may join unless registeredOnly.
    QString accountsPath;
    QString passwordFile; // a shared password for everyone without an account
    bool registeredOnly = false;
    QStringList operators; // registered nicks that may kick
    // A failed login is answered after loginFailureDelay times the address's recent failures;
    // loginFailuresBeforeBan within loginFailureWindow ban the address for banDuration.
    std::chrono::milliseconds loginFailureDelay { 1000 };
    int loginFailuresBeforeBan = 10;
    std::chrono::milliseconds loginFailureWindow { 120'000 };
    std::chrono::milliseconds banDuration { 300'000 };

    // Rooms with more members than this no longer announce each join and leave (0: always).
    qsizetype announceLimit = 1000;
    // How often such a room tells everyone how many are online, if that changed.
    std::chrono::milliseconds presenceInterval { 5000 };

    qsizetype maxClients = 10'000;
    // Connections open at once, refusals and TLS handshakes included; 0: no limit.
    // natter-server derives it from the process's file limit.
    qsizetype maxOpenConnections = 0;
    qsizetype maxPerAddress = 50;
    // Client ids remembered per nick, so that a message sent again is not delivered twice.
    qsizetype duplicateWindow = 1000;

    // Cluster mode: several nodes share rooms through Redis (server/cluster). Empty: one node.
    QString redisUrl;
    QString redisPasswordFile; // the password, never on the command line
    QString nodeId; // empty: hostname:port

    // Rooms: how many a nick may be a member of, how many the server holds, who may create one.
    qsizetype maxRoomsPerUser = 100;
    qsizetype maxRooms = 10'000;
    enum class RoomCreation { Open, Registered, Operators };
    RoomCreation roomCreation = RoomCreation::Open;

    ServerLogging::Format logFormat = ServerLogging::Format::Text;
    // The metrics endpoint (MetricsEndpoint); no port: none.
    QHostAddress metricsHost = QHostAddress::LocalHost;
    std::optional<quint16> metricsPort;
};
