// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "chatclient.h"
#include "chatserver.h"
#include "isolatedsettings.h"
#include "mainwindow.h"
#include "testclient.h"

#include <QList>
#include <QString>

#include <memory>

// What the window tests set up alike: an in-process server, the window's client and the
// window itself, connected on this machine. A test object derives from it (after QObject)
// and calls startServerAndClient() in init() and tearDown() in cleanup().
class WindowFixture
{
public:
    enum class Activation { Leave, Activate };

protected:
    WindowFixture() = default;
    ~WindowFixture();

    // A server on 127.0.0.1 at a port the system picks, without rate limit so tests can type
    // fast, and a client that reconnects quickly.
    void startServerAndClient();
    // Shows the window and waits until it is exposed; Activate also waits until it is the
    // active window (shortcuts and "unread" depend on that).
    void showWindow(Activation activation = Activation::Leave);
    void connectAs(const QString &nick);
    // showWindow(), connectAs() and waits until the client is online.
    void openWindowOnline(const QString &nick, Activation activation = Activation::Leave);
    // A scripted peer, deleted in tearDown(); not connected yet.
    TestClient *newPeer();
    // A peer joined as `nick`; a missing welcome is only warned about, the test's own checks
    // then say what went wrong.
    TestClient *join(const QString &nick);
    // Window first (it uses the client), then the peers, the client and the server.
    void tearDown();

    IsolatedSettings m_settings;
    std::unique_ptr<ChatServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    QList<TestClient *> m_peers;
};
