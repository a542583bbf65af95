#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

// Which server certificates the user has accepted although no system CA vouches for them
// (self-signed ones, usually), pinned by SHA-256 fingerprint per host:port, as ssh and Mumble
// do: "always" is kept in QSettings, "once" only for this run. A different certificate for a
// pinned host:port is reported as Changed, never silently accepted.
class CertificateTrust
{
public:
    enum class Status { Unknown, Trusted, Changed };

    Status check(const QString &host, quint16 port, const QByteArray &sha256) const;
    void trustOnce(const QString &host, quint16 port, const QByteArray &sha256);
    void trustAlways(const QString &host, quint16 port, const QByteArray &sha256);

    // "AB:CD:…", the way certificate viewers show it.
    static QString formatFingerprint(const QByteArray &sha256);

private:
    static QString key(const QString &host, quint16 port);
    QHash<QString, QByteArray> m_thisRun;
};
