#include "certificatetrust.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace {
constexpr auto Group = "trustedCertificates"_L1;
}

QString CertificateTrust::key(const QString &host, quint16 port)
{
    // QSettings keys treat '/' and '\' specially; neither is part of a host name.
    return u"%1/%2:%3"_s.arg(Group, host.toLower()).arg(port);
}

CertificateTrust::Status CertificateTrust::check(const QString &host, quint16 port,
                                                 const QByteArray &sha256) const
{
    const QString id = key(host, port);
    if (m_thisRun.value(id) == sha256)
        return Status::Trusted;
    const QByteArray pinned = QByteArray::fromHex(QSettings().value(id).toByteArray());
    if (pinned.isEmpty())
        return Status::Unknown;
    return pinned == sha256 ? Status::Trusted : Status::Changed;
}

void CertificateTrust::trustOnce(const QString &host, quint16 port, const QByteArray &sha256)
{
    m_thisRun.insert(key(host, port), sha256);
}

void CertificateTrust::trustAlways(const QString &host, quint16 port, const QByteArray &sha256)
{
    trustOnce(host, port, sha256);
    QSettings().setValue(key(host, port), sha256.toHex());
}

QString CertificateTrust::formatFingerprint(const QByteArray &sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}
