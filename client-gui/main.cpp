#include "chatclient.h"
#include "mainwindow.h"
#include "serverlist.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Natter"_s);
    QApplication::setApplicationName(u"natter"_s);
    QApplication::setApplicationDisplayName(u"Natter"_s);
    QApplication::setApplicationVersion(QStringLiteral(NATTER_VERSION));
    QApplication::setDesktopFileName(u"natter"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/natter.svg"_s));

    // --lang has to be known before any translated text, so look for it first.
    QCommandLineParser parser;
    const QCommandLineOption langOption(u"lang"_s, u"Language, e.g. de or zh_CN."_s, u"code"_s);
    parser.addOption(langOption);
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    parser.parse(app.arguments());
    Translations::install(parser.isSet(langOption) ? QLocale(parser.value(langOption)) : QLocale());

    parser.setApplicationDescription(
            QCoreApplication::translate("main", "Natter: chat with everyone on a Natter server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hostOption(
            u"host"_s,
            QCoreApplication::translate("main",
                                        "Server address, or the nodes of one cluster "
                                        "(a:6789,b:6789), tried in turn."),
            u"host"_s);
    const QCommandLineOption portOption(
            u"port"_s,
            QCoreApplication::translate("main", "Server port (for --host entries without one)."),
            u"port"_s, QString::number(Protocol::DefaultPort));
    const QCommandLineOption nickOption(
            u"nick"_s,
            QCoreApplication::translate("main", "Nickname; with --host, connect at once."),
            u"nick"_s);
    parser.addOptions({ hostOption, portOption, nickOption });
    parser.process(app);

    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port == 0 || port > 65535) {
        std::fprintf(stderr, "natter: %s\n",
                     qPrintable(QCoreApplication::translate("main", "--port must be 1 to 65535.")));
        return 2;
    }

    if (parser.isSet(hostOption)) {
        QString problem;
        if (!ServerList::parse(parser.value(hostOption), quint16(port), &problem)) {
            std::fprintf(stderr, "natter: --host: %s\n", qPrintable(problem));
            return 2;
        }
    }

    ChatClient client;
    MainWindow window(&client);
    // Quit in the tray menu ends the application even while the window is hidden there.
    QObject::connect(&window, &MainWindow::quitRequested, &app, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    window.show();
    if (parser.isSet(hostOption) && parser.isSet(nickOption))
        window.connectTo(parser.value(hostOption), quint16(port), parser.value(nickOption));
    else
        window.showConnectDialog();
    return app.exec();
}
