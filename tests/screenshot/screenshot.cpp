// SPDX-License-Identifier: BSD-3-Clause
// Renders the window as docs/screenshot.png shows it: a real in-process server, a few scripted
// peers in some rooms, and the window of "aa" in the dark theme, with unread counts, a direct
// conversation, a mention and the "new messages" line where the unread part of #dev starts.
#include "chatclient.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "preferences.h"
#include "testclient.h"

#include <QApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

bool waitFor(const std::function<bool()> &done)
{
    return QTest::qWaitFor(done, 5000);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QString output = argc > 1 ? QString::fromLocal8Bit(argv[1]) : u"screenshot.png"_s;
    QTemporaryDir settingsDir; // nothing of the user's own settings is read or written
    QCoreApplication::setOrganizationName(u"NatterScreenshot"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());

    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    ChatServer server(config);
    if (!server.listen())
        return 1;

    const auto peer = [&](const QString &nick, const QStringList &rooms) {
        auto *client = new TestClient(&app);
        client->setProtocol(2);
        client->join(server.serverPort(), nick);
        for (const QString &room : rooms)
            client->send(Protocol::Join { room, false, room });
        waitFor([&] { return client->count<Protocol::RoomState>() > rooms.size(); });
        return client;
    };
    TestClient *bb = peer(u"bb"_s, { u"dev"_s, u"design"_s });
    bb->send(Protocol::SetTopic { u"dev"_s, u"Release 0.2 on Friday · CI must stay green"_s,
                                  u"t"_s });
    TestClient *cc = peer(u"cc"_s, { u"dev"_s });
    TestClient *dd = peer(u"dd"_s, { u"design"_s });
    peer(u"ee"_s, { u"dev"_s })->send(Protocol::Exit {}); // a member of dev who is away

    ChatClient client;
    MainWindow window(&client);
    Preferences preferences = window.preferences();
    preferences.theme = Preferences::Theme::Dark;
    window.applyPreferences(preferences);
    window.resize(980, 600);
    window.show();
    window.activateWindow(); // what arrives in the conversation shown is read
    waitFor([&] { return window.isActiveWindow(); });
    window.connectTo(u"127.0.0.1"_s, server.serverPort(), u"aa"_s);
    waitFor([&] { return client.state() == ChatClient::State::Online; });
    for (const QString &room : { u"dev"_s, u"design"_s }) {
        client.joinRoom(room);
        waitFor([&] { return client.findRoom(room); });
    }
    Conversation *dev = client.findRoom(u"dev"_s);
    window.switchTo(dev);

    // Each line waits for the one before: peers on their own connections would race.
    const auto rows = [&](int count) {
        waitFor([&] { return dev->messages()->rowCount() >= count; });
    };
    bb->sayIn(u"dev"_s, u"The release branch is cut: rooms are in."_s, u"1"_s);
    rows(1);
    client.sendMessage(dev, u"Great! The window shows them now."_s);
    waitFor([&] { return dev->messages()->entry(1).seq > 0 && dev->unreadCount() == 0; });
    // Read up to here; what follows comes while aa looks at the lobby.
    window.switchTo(client.lobby());
    cc->sayIn(u"dev"_s, u"aa, can you look at the sidebar's unread counts?"_s, u"2"_s);
    rows(3);
    bb->sayIn(u"dev"_s, u"Search also covers all rooms: see https://example.org/natter"_s, u"3"_s);
    rows(4);
    bb->sayIn(u"dev"_s, u"* is trying the dark theme"_s, u"3a"_s);
    waitFor([&] { return dev->unreadCount() == 3; });
    // Back in #dev: the line marks where its unread part starts.
    window.switchTo(dev);
    dd->sayIn(u"design"_s, u"New icons are in the shared folder."_s, u"4"_s);
    dd->sayIn(u"design"_s, u"aa: feedback welcome by Thursday."_s, u"5"_s);
    bb->say(u"Lunch at noon?"_s, u"6"_s);
    cc->say(u"Do you have a minute for the review?"_s, u"7"_s, u"aa"_s);
    waitFor([&] { return client.conversations()->rowCount() == 4; });
    waitFor([&] { return client.findRoom(u"design"_s)->unreadCount() == 2; });
    waitFor([&] { return client.lobby()->unreadCount() == 1; });
    // All five lines of #dev are in (one of them aa's own, once acked), and the layout they
    // asked for is done before the picture.
    waitFor([&] { return dev->messages()->rowCount() >= 5; });
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();

    if (!window.grab().save(output)) {
        std::fprintf(stderr, "could not write %s\n", qPrintable(output));
        return 1;
    }
    client.disconnectFromServer();
    return 0;
}
