// SPDX-License-Identifier: BSD-3-Clause
#include "windowfixture.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

WindowFixture::~WindowFixture()
{
    tearDown();
}

void WindowFixture::startServerAndClient()
{
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_client = std::make_unique<ChatClient>();
    m_client->setReconnectDelays(50ms, 200ms);
}

void WindowFixture::showWindow(Activation activation)
{
    m_window = std::make_unique<MainWindow>(m_client.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    if (activation == Activation::Activate) {
        m_window->activateWindow();
        QTRY_VERIFY(m_window->isActiveWindow());
    }
}

void WindowFixture::connectAs(const QString &nick)
{
    m_window->connectTo(u"127.0.0.1"_s, m_server->serverPort(), nick);
}

void WindowFixture::openWindowOnline(const QString &nick, Activation activation)
{
    showWindow(activation);
    if (QTest::currentTestFailed())
        return;
    connectAs(nick);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
}

TestClient *WindowFixture::newPeer()
{
    auto *peer = new TestClient;
    m_peers.append(peer);
    return peer;
}

TestClient *WindowFixture::join(const QString &nick)
{
    TestClient *peer = newPeer();
    if (!peer->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return peer;
}

void WindowFixture::tearDown()
{
    m_window.reset();
    qDeleteAll(m_peers);
    m_peers.clear();
    m_client.reset();
    m_server.reset();
}
