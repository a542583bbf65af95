// SPDX-License-Identifier: BSD-3-Clause
#include "testclient.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace Qt::StringLiterals;

// The Debian packages that ./natter.sh package builds, unpacked the way dpkg unpacks them:
// what they hold, what they depend on, that the server in them runs, and what Debian's own
// checkers (lintian, systemd-analyze, appstreamcli) say about them.
class tst_Packages : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void holdsItsFiles_data();
    void holdsItsFiles();
    void dependsOnWhatItLoads_data();
    void dependsOnWhatItLoads();
    void unpackedServerListens();
    void unpackedServerRunsWithConfig_data();
    void unpackedServerRunsWithConfig();
    void unpackedWindowAnswersHelp();
    void unpackedWindowReadsInstalledTranslations();
    void serviceUnitVerifiesAndIsHardened();
    void metainfoAndDesktopFileValidate();
    void lintianFindsNoErrors();

private:
    struct Result
    {
        int exitCode = -1;
        QString output;
    };
    Result run(const QString &program, const QStringList &arguments, int timeoutMs = 30000);
    QString root(const QString &path) const { return m_root.filePath(path); }

    QTemporaryDir m_root;
    QString m_serverPackage;
    QString m_windowPackage;
};

tst_Packages::Result tst_Packages::run(const QString &program, const QStringList &arguments,
                                       int timeoutMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"LC_ALL"_s, u"C.UTF-8"_s);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return { -1, u"%1 did not finish: %2"_s.arg(program, process.errorString()) };
    }
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
             QString::fromUtf8(process.readAll()) };
}

void tst_Packages::initTestCase()
{
    const QDir packages(QStringLiteral(NATTER_PACKAGE_DIR));
    const auto find = [&packages](const QString &pattern) {
        const QFileInfoList found = packages.entryInfoList({ pattern }, QDir::Files, QDir::Time);
        return found.isEmpty() ? QString() : found.constFirst().absoluteFilePath();
    };
    m_serverPackage = find(u"natter-server_*.deb"_s);
    m_windowPackage = find(u"natter_*.deb"_s);
    if (m_serverPackage.isEmpty())
        QSKIP(qPrintable(
                u"No packages in %1: ./natter.sh package builds them."_s.arg(packages.path())));
    // Packages older than the binaries would test yesterday's build.
    if (QFileInfo(m_serverPackage).lastModified()
        < QFileInfo(QStringLiteral(NATTER_SERVER_BINARY)).lastModified())
        QSKIP("The packages are older than the build: ./natter.sh package builds them anew.");
    QVERIFY(m_root.isValid());
    for (const QString &package : { m_serverPackage, m_windowPackage }) {
        if (package.isEmpty())
            continue;
        const Result unpacked = run(u"dpkg"_s, { u"-x"_s, package, m_root.path() });
        QVERIFY2(unpacked.exitCode == 0, qPrintable(unpacked.output));
    }
}

void tst_Packages::holdsItsFiles_data()
{
    QTest::addColumn<QString>("path");
    for (const char *path :
         { "usr/bin/natter-server", "usr/lib/systemd/system/natter-server.service",
           "etc/natter/natter-server.conf", "usr/share/man/man1/natter-server.1.gz",
           "usr/share/doc/natter-server/copyright",
           "usr/share/doc/natter-server/changelog.Debian.gz" })
        QTest::newRow(path) << QString::fromLatin1(path);
#ifdef NATTER_CLIENT_BINARY
    for (const char *path : { "usr/bin/natter", "usr/share/applications/natter.desktop",
                              "usr/share/metainfo/org.natter.Natter.metainfo.xml",
                              "usr/share/icons/hicolor/scalable/apps/natter.svg",
                              "usr/share/natter/translations/natter_de.qm",
                              "usr/share/natter/translations/natter_zh_CN.qm",
                              "usr/share/man/man1/natter.1.gz", "usr/share/doc/natter/copyright" })
        QTest::newRow(path) << QString::fromLatin1(path);
#endif
}

void tst_Packages::holdsItsFiles()
{
    QFETCH(QString, path);
    QVERIFY2(QFileInfo(root(path)).isFile(), qPrintable(path));
}

void tst_Packages::dependsOnWhatItLoads_data()
{
    QTest::addColumn<QString>("package");
    QTest::addColumn<QStringList>("depends");
    // Libraries come from dpkg-shlibdeps; the plugins Qt loads at run time are named by hand.
    QTest::newRow("natter-server")
            << m_serverPackage
            << QStringList { u"libqt6core6"_s,       u"libqt6network6"_s,    u"libqt6sql6"_s,
                             u"libqt6httpserver6"_s, u"libqt6sql6-sqlite"_s, u"libc6"_s };
#ifdef NATTER_CLIENT_BINARY
    QTest::newRow("natter") << m_windowPackage
                            << QStringList { u"libqt6widgets6"_s, u"qt6-qpa-plugins"_s,
                                             u"libqt6svg6"_s };
#endif
}

void tst_Packages::dependsOnWhatItLoads()
{
    QFETCH(QString, package);
    QFETCH(QStringList, depends);
    const Result fields = run(u"dpkg-deb"_s, { u"--field"_s, package, u"Depends"_s });
    QCOMPARE(fields.exitCode, 0);
    const QStringList names = fields.output.split(QRegularExpression(u"[,|]"_s));
    for (const QString &dependency : depends) {
        const bool named = std::any_of(names.cbegin(), names.cend(), [&](const QString &entry) {
            return entry.trimmed().section(u' ', 0, 0) == dependency;
        });
        QVERIFY2(named, qPrintable(u"%1 not in: %2"_s.arg(dependency, fields.output)));
    }
}

void tst_Packages::unpackedServerListens()
{
    const QString binary = root(u"usr/bin/natter-server"_s);
    const Result help = run(binary, { u"--help"_s });
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.output.contains(u"--data-dir"_s), qPrintable(help.output));

    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray output;
    connect(&server, &QProcess::readyRead, this, [&] { output += server.readAll(); });
    server.start(binary, { u"--port"_s, u"0"_s, u"--no-store"_s });
    // Port 0 lets the kernel pick a free port; the server says which one.
    static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    QRegularExpressionMatch match;
    QVERIFY2(
            QTest::qWaitFor(
                    [&] { return (match = listening.match(QString::fromUtf8(output))).hasMatch(); },
                    10000),
            output.constData());

    TestClient client;
    QVERIFY(client.join(quint16(match.captured(1).toUInt()), u"aa"_s));

    ::kill(pid_t(server.processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
}

void tst_Packages::unpackedServerRunsWithConfig_data()
{
    QTest::addColumn<QByteArray>("sample"); // empty: the configuration file the package ships
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("shipped") << QByteArray()
                             << QStringList { u"--port"_s, u"0"_s, u"--no-store"_s };
    QTest::newRow("sample") << QByteArray(
            "# a sample\nhost = 127.0.0.1\nport = 0\nno-store = true\n"
            "history = 50\nrate = 5\nroom-creation = registered\n")
                            << QStringList();
}

// The installed binary with --config: the file the package ships (the command line choosing
// a free port) and a sample one; either must hold only keys the binary knows.
void tst_Packages::unpackedServerRunsWithConfig()
{
    QFETCH(QByteArray, sample);
    QFETCH(QStringList, arguments);
    QString config = root(u"etc/natter/natter-server.conf"_s);
    QTemporaryDir dir;
    if (!sample.isEmpty()) {
        QVERIFY(dir.isValid());
        config = dir.filePath(u"natter-server.conf"_s);
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(sample), sample.size());
    }
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray output;
    connect(&server, &QProcess::readyRead, this, [&] { output += server.readAll(); });
    server.start(root(u"usr/bin/natter-server"_s),
                 QStringList { u"--config"_s, config } + arguments);
    static const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    QRegularExpressionMatch match;
    QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return (match = listening.match(QString::fromUtf8(output))).hasMatch()
                                 || server.state() == QProcess::NotRunning;
                     },
                     10000),
             output.constData());
    QVERIFY2(match.hasMatch(), output.constData());

    TestClient client;
    QVERIFY(client.join(quint16(match.captured(1).toUInt()), u"aa"_s));

    ::kill(pid_t(server.processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(server.state(), QProcess::NotRunning, 10000);
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
}

void tst_Packages::unpackedWindowAnswersHelp()
{
    if (m_windowPackage.isEmpty())
        QSKIP("Built without the window (NATTER_BUILD_CLIENT=OFF).");
    const Result help = run(root(u"usr/bin/natter"_s), { u"--help"_s });
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.output.contains(u"--nick"_s), qPrintable(help.output));
}

void tst_Packages::unpackedWindowReadsInstalledTranslations()
{
    if (m_windowPackage.isEmpty())
        QSKIP("Built without the window (NATTER_BUILD_CLIENT=OFF).");
    // A catalogue the window has not built in, dropped beside the installed ones: French that
    // reads like German proves it came from there.
    const QString translations = root(u"usr/share/natter/translations/"_s);
    QVERIFY(QFile::copy(translations + u"natter_de.qm"_s, translations + u"natter_fr.qm"_s));
    const Result help = run(root(u"usr/bin/natter"_s), { u"--lang"_s, u"fr"_s, u"--help"_s });
    QFile::remove(translations + u"natter_fr.qm"_s);
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.output.contains(u"mit allen auf einem Natter-Server chatten"_s),
             qPrintable(help.output));
}

void tst_Packages::serviceUnitVerifiesAndIsHardened()
{
    const QString analyze = QStandardPaths::findExecutable(u"systemd-analyze"_s);
    if (analyze.isEmpty())
        QSKIP("systemd-analyze is not installed (package systemd).");
    // ExecReload= runs /bin/sh, which every Debian system has (dash is Essential): the
    // unpacked tree gets the host's, as if it had been unpacked onto a system.
    if (!QFileInfo::exists(root(u"bin/sh"_s))) {
        QVERIFY(QDir(m_root.path()).mkpath(u"bin"_s));
        QVERIFY(QFile::copy(u"/bin/sh"_s, root(u"bin/sh"_s)));
    }
    // Offline, against the unpacked tree: ExecStart= must name the binary the package ships.
    // The unpacked tree has no sysinit.target to pull in, hence no recursive checks.
    const Result verify = run(analyze,
                              { u"verify"_s, u"--man=no"_s, u"--recursive-errors=no"_s,
                                u"--root=%1"_s.arg(m_root.path()), u"natter-server.service"_s });
    QVERIFY2(verify.exitCode == 0 && verify.output.trimmed().isEmpty(), qPrintable(verify.output));

    const Result security = run(analyze,
                                { u"security"_s, u"--offline=yes"_s,
                                  u"--root=%1"_s.arg(m_root.path()), u"natter-server.service"_s });
    static const QRegularExpression overall(u"Overall exposure level for natter-server\\.service: "
                                            "([0-9.]+)"_s);
    const QRegularExpressionMatch match = overall.match(security.output);
    QVERIFY2(match.hasMatch(), qPrintable(security.output));
    qInfo("systemd-analyze security: exposure %s of 10", qPrintable(match.captured(1)));
    // 1.2 when written; above 2 means a protection went missing.
    QVERIFY2(match.captured(1).toDouble() <= 2.0, qPrintable(security.output));
}

void tst_Packages::metainfoAndDesktopFileValidate()
{
    if (m_windowPackage.isEmpty())
        QSKIP("Built without the window (NATTER_BUILD_CLIENT=OFF).");
    const QString appstream = QStandardPaths::findExecutable(u"appstreamcli"_s);
    if (appstream.isEmpty())
        QSKIP("appstreamcli is not installed (package appstream).");
    const QString metainfoFile = root(u"usr/share/metainfo/org.natter.Natter.metainfo.xml"_s);
    const Result metainfo = run(appstream, { u"validate"_s, u"--no-net"_s, metainfoFile });
    QVERIFY2(metainfo.exitCode == 0, qPrintable(metainfo.output));
    const QString desktopValidate = QStandardPaths::findExecutable(u"desktop-file-validate"_s);
    if (desktopValidate.isEmpty())
        return; // desktop-file-utils is optional; appstreamcli has looked at the launchable
    const Result desktop = run(desktopValidate,
                               { root(u"usr/share/applications/natter.desktop"_s) });
    QVERIFY2(desktop.exitCode == 0 && desktop.output.trimmed().isEmpty(),
             qPrintable(desktop.output));
}

void tst_Packages::lintianFindsNoErrors()
{
    const QString lintian = QStandardPaths::findExecutable(u"lintian"_s);
    if (lintian.isEmpty())
        QSKIP("lintian is not installed (./natter.sh package installs it).");
    QStringList packages { m_serverPackage };
    if (!m_windowPackage.isEmpty())
        packages.append(m_windowPackage);
    const Result report = run(lintian, QStringList { u"--tag-display-limit"_s, u"0"_s } + packages,
                              100000);
    QVERIFY2(report.exitCode >= 0, qPrintable(report.output));
    static const QRegularExpression errorLine(u"^E: .*$"_s, QRegularExpression::MultilineOption);
    QStringList errors;
    for (const QRegularExpressionMatch &match : errorLine.globalMatch(report.output))
        errors.append(match.captured(0));
    if (!report.output.trimmed().isEmpty())
        qInfo().noquote() << u"lintian:\n"_s + report.output.trimmed();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
}

QTEST_GUILESS_MAIN(tst_Packages)
#include "tst_packages.moc"
