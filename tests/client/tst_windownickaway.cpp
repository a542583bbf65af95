// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "messageview.h"
#include "tcprelay.h"
#include "testclient.h"
#include "userlistmodel.h"
#include "windowfixture.h"

#include <QListView>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

// /nick and /away in the window, offscreen, against an in-process server: the view, the title,
// the member list and the refusals, and the nick a reconnect says hello with.
class tst_WindowNickAway : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void nickCommandRenamesTheUser();
    void othersRenamingAndRefusalsAreShown();
    void awayMembersAreDimmedWithTheirReason();
    void reconnectUsesTheNewNick();

private:
    void openWindow();
    void type(const QString &line);
    QString viewText() const
    {
        return m_window->findChild<MessageView *>(u"messages"_s)->toPlainText();
    }
    QAbstractItemModel *members() const
    {
        return m_window->findChild<QListView *>(u"users"_s)->model();
    }
    QModelIndex memberRow(const QString &nick) const;

    TestClient *m_bb = nullptr; // deleted by tearDown()
};

void tst_WindowNickAway::initTestCase()
{
    m_settings.install(u"tst_windownickaway"_s);
}

void tst_WindowNickAway::init()
{
    startServerAndClient();
}

void tst_WindowNickAway::cleanup()
{
    tearDown();
    m_bb = nullptr;
}

void tst_WindowNickAway::openWindow()
{
    openWindowOnline(u"aa"_s, Activation::Activate);
    if (QTest::currentTestFailed())
        return;
    m_bb = newPeer();
    m_bb->setProtocol(2);
    QVERIFY(m_bb->join(m_server->serverPort(), u"bb"_s));
    QTRY_VERIFY(memberRow(u"bb"_s).isValid());
}

void tst_WindowNickAway::type(const QString &line)
{
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClicks(input, line);
    QTest::keyClick(input, Qt::Key_Return);
}

QModelIndex tst_WindowNickAway::memberRow(const QString &nick) const
{
    QAbstractItemModel *model = members();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data().toString() == nick)
            return model->index(row, 0);
    }
    return {};
}

void tst_WindowNickAway::nickCommandRenamesTheUser()
{
    openWindow();
    QVERIFY(m_window->windowTitle().contains(u"aa on "_s));
    type(u"/nick zz"_s);
    QTRY_COMPARE(m_client->nick(), u"zz"_s);
    QTRY_VERIFY(viewText().contains(u"You are now known as zz."_s));
    QVERIFY2(m_window->windowTitle().contains(u"zz on "_s), qPrintable(m_window->windowTitle()));
    QVERIFY(memberRow(u"zz"_s).isValid());
    QVERIFY(!memberRow(u"aa"_s).isValid());
    // The others see it, and what is typed next comes from the new nick.
    QTRY_COMPARE(m_bb->count<Protocol::Renamed>(), 1);
    QCOMPARE(m_bb->last<Protocol::Renamed>().to, u"zz"_s);
    type(u"hello again"_s);
    QTRY_VERIFY(!m_bb->all<Protocol::Message>().isEmpty());
    QCOMPARE(m_bb->last<Protocol::Message>().from, u"zz"_s);

    type(u"/nick"_s);
    QTRY_VERIFY(viewText().contains(u"Usage: /nick NICK [PASSWORD]"_s));
}

void tst_WindowNickAway::othersRenamingAndRefusalsAreShown()
{
    openWindow();
    m_bb->send(Protocol::ChangeNick { u"b2"_s, {}, u"n1"_s });
    QTRY_VERIFY(viewText().contains(u"bb is now known as b2."_s));
    QTRY_VERIFY(memberRow(u"b2"_s).isValid());
    QVERIFY(!memberRow(u"bb"_s).isValid());

    type(u"/nick b2"_s);
    QTRY_VERIFY(viewText().contains(u"You are still aa: b2 is taken"_s));
    type(u"/nick no!good"_s);
    QTRY_VERIFY(viewText().contains(u"You are still aa: A nickname is 1 to 32"_s));
    QCOMPARE(m_client->nick(), u"aa"_s);
    QVERIFY(m_window->windowTitle().contains(u"aa on "_s));
}

void tst_WindowNickAway::awayMembersAreDimmedWithTheirReason()
{
    openWindow();
    m_bb->send(Protocol::SetAway { u"lunch"_s, {} });
    QTRY_COMPARE(memberRow(u"bb"_s).data(UserListModel::AwayReasonRole).toString(), u"lunch"_s);
    QCOMPARE(memberRow(u"bb"_s).data(Qt::ToolTipRole).toString(), u"Away: lunch"_s);
    QVERIFY(memberRow(u"aa"_s).data(UserListModel::AwayReasonRole).toString().isEmpty());
    // A newcomer's list shows it from the room frame.
    TestClient *cc = newPeer();
    cc->setProtocol(2);
    QVERIFY(cc->join(m_server->serverPort(), u"cc"_s));
    QCOMPARE(cc->last<Protocol::RoomState>().away.value(u"bb"_s), u"lunch"_s);

    m_bb->send(Protocol::SetAway { {}, {} });
    QTRY_VERIFY(memberRow(u"bb"_s).data(UserListModel::AwayReasonRole).toString().isEmpty());

    type(u"/away coffee"_s);
    QTRY_VERIFY(viewText().contains(u"You are marked as away: coffee"_s));
    QCOMPARE(m_client->awayReason(), u"coffee"_s);
    QTRY_VERIFY(!m_bb->all<Protocol::AwayChanged>().isEmpty()
                && m_bb->last<Protocol::AwayChanged>().nick == u"aa"_s);
    QCOMPARE(m_bb->last<Protocol::AwayChanged>().reason, u"coffee"_s);
    QTRY_COMPARE(memberRow(u"aa"_s).data(UserListModel::AwayReasonRole).toString(), u"coffee"_s);
    type(u"/away"_s);
    QTRY_VERIFY(viewText().contains(u"You are no longer marked as away."_s));
    QTRY_VERIFY(m_client->awayReason().isEmpty());
}

void tst_WindowNickAway::reconnectUsesTheNewNick()
{
    // Through a relay that can cut the connection, as a network would.
    TcpRelay relay(m_server->serverPort());
    QVERIFY(relay.listen());
    showWindow();
    m_window->connectTo(u"127.0.0.1"_s, relay.port(), u"aa"_s);
    QTRY_COMPARE(m_client->state(), ChatClient::State::Online);
    TestClient *bb = join(u"bb"_s);
    type(u"/nick zz"_s);
    QTRY_COMPARE(m_client->nick(), u"zz"_s);
    type(u"/away coffee"_s);
    QTRY_COMPARE(m_client->awayReason(), u"coffee"_s);

    bb->clear();
    relay.cutAll();
    QTRY_COMPARE(m_client->state(), ChatClient::State::Reconnecting);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), ChatClient::State::Online, 10000);
    QTRY_VERIFY(viewText().contains(u"Reconnected as zz."_s));
    // Back as zz, not aa, and still away.
    QTRY_VERIFY(!bb->all<Protocol::Joined>().isEmpty());
    QCOMPARE(bb->last<Protocol::Joined>().nick, u"zz"_s);
    QTRY_VERIFY(!bb->all<Protocol::AwayChanged>().isEmpty());
    QCOMPARE(bb->last<Protocol::AwayChanged>().reason, u"coffee"_s);
    QVERIFY(m_window->windowTitle().contains(u"zz on "_s));
}

QTEST_MAIN(tst_WindowNickAway)
#include "tst_windownickaway.moc"
