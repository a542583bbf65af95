// SPDX-License-Identifier: BSD-3-Clause
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

// The manual pages name every option the binaries know, and no other: both lists come from
// the real --help output and the installed roff sources, so neither can drift.
class tst_ManPages : public QObject
{
    Q_OBJECT

private slots:
    void optionsMatchHelp_data();
    void optionsMatchHelp();
};

namespace {

using Options = QSet<QString>;

// Option lines of QCommandLineParser's help start two spaces in ("  -h, --help",
// "  --port <port>"); wrapped descriptions are indented further.
Options helpOptions(const QString &help)
{
    static const QRegularExpression option(u"^  (?:-[^-\\s], )?--([a-z0-9][a-z0-9-]*)"_s,
                                           QRegularExpression::MultilineOption);
    Options names;
    for (const QRegularExpressionMatch &match : option.globalMatch(help))
        names.insert(match.captured(1));
    return names;
}

// In the OPTIONS section, each entry is a .TP paragraph whose tag line names the option
// (".BI \-\-port " port"", ".BR \-h ", " \-\-help").
Options manPageOptions(const QString &roff)
{
    static const QRegularExpression longOption(u"\\\\-\\\\-([a-z0-9](?:[a-z0-9]|\\\\-)*)"_s);
    Options names;
    bool inOptions = false;
    bool tagLine = false;
    for (const QString &line : roff.split(u'\n')) {
        if (line.startsWith(u".SH"_s)) {
            inOptions = line.contains(u"OPTIONS"_s);
            continue;
        }
        if (!inOptions)
            continue;
        if (line.startsWith(u".TP"_s)) {
            tagLine = true;
            continue;
        }
        if (tagLine) {
            for (const QRegularExpressionMatch &match : longOption.globalMatch(line))
                names.insert(match.captured(1).replace(u"\\-"_s, u"-"_s));
            tagLine = false;
        }
    }
    return names;
}

QStringList sorted(const Options &options)
{
    QStringList list(options.cbegin(), options.cend());
    list.sort();
    return list;
}

} // namespace

void tst_ManPages::optionsMatchHelp_data()
{
    QTest::addColumn<QString>("binary");
    QTest::addColumn<QString>("manPage");
    QTest::newRow("natter-server") << QStringLiteral(NATTER_SERVER_BINARY)
                                   << QStringLiteral(NATTER_MAN_DIR "/natter-server.1");
#ifdef NATTER_CLIENT_BINARY
    QTest::newRow("natter") << QStringLiteral(NATTER_CLIENT_BINARY)
                            << QStringLiteral(NATTER_MAN_DIR "/natter.1");
#endif
}

void tst_ManPages::optionsMatchHelp()
{
    QFETCH(QString, binary);
    QFETCH(QString, manPage);

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"LC_ALL"_s, u"C"_s);
    process.setProcessEnvironment(environment);
    process.start(binary, { u"--help"_s });
    QVERIFY2(process.waitForFinished(30000), qPrintable(process.errorString()));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    const Options inHelp = helpOptions(QString::fromUtf8(process.readAllStandardOutput()));
    QVERIFY2(inHelp.contains(u"help"_s) && inHelp.contains(u"version"_s),
             qPrintable(sorted(inHelp).join(u' ')));

    QFile file(manPage);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    const Options inManPage = manPageOptions(QString::fromUtf8(file.readAll()));

    const QStringList unknown = sorted(inManPage - inHelp);
    QVERIFY2(unknown.isEmpty(),
             qPrintable(u"In the manual page, unknown to --help: "_s + unknown.join(u", "_s)));
    const QStringList undocumented = sorted(inHelp - inManPage);
    QVERIFY2(undocumented.isEmpty(),
             qPrintable(u"In --help, not in the manual page: "_s + undocumented.join(u", "_s)));
}

QTEST_GUILESS_MAIN(tst_ManPages)
#include "tst_manpages.moc"
