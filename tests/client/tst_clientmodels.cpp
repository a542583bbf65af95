// SPDX-License-Identifier: BSD-3-Clause
#include "conversationlistmodel.h"
#include "messagemodel.h"
#include "roomlistmodel.h"
#include "userlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

// The window's models under QAbstractItemModelTester, which checks after every change that
// rows, indexes, data and the signals around them keep the contract views rely on; each test
// drives its model through every kind of change it makes.
class tst_ClientModels : public QObject
{
    Q_OBJECT

private slots:
    void messageModel();
    void messageModelDropsTheOldestPastItsBound();
    void userListModel();
    void roomListModel();
    void conversationListModel();
};

namespace {

MessageModel::Entry message(qint64 seq, const QString &from, const QString &text)
{
    MessageModel::Entry entry;
    entry.seq = seq;
    entry.timestamp = 1'700'000'000'000 + seq;
    entry.from = from;
    entry.text = text;
    return entry;
}

constexpr auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;

} // namespace

void tst_ClientModels::messageModel()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.append(message(3, u"aa"_s, u"three"_s));
    model.append(message(4, u"bb"_s, u"four"_s));
    model.prepend({ message(1, u"aa"_s, u"one"_s), message(2, u"bb"_s, u"two"_s) });
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(0).data(MessageModel::TextRole).toString(), u"one"_s);

    MessageModel::Entry own = message(0, u"me"_s, u"pending"_s);
    own.own = true;
    own.delivery = MessageModel::Delivery::Pending;
    own.id = u"c1"_s;
    model.append(own);
    QVERIFY(model.markDelivered(u"c1"_s, 5, 1'700'000'000'005));
    QCOMPARE(model.index(4).data(MessageModel::SeqRole).toLongLong(), 5);
    own.id = u"c2"_s;
    own.seq = 0;
    model.append(own);
    QVERIFY(model.markFailed(u"c2"_s, u"too long"_s));
    QVERIFY(model.markPending(u"c2"_s));
    QVERIFY(!model.markDelivered(u"unknown"_s, 9, 0));
    model.forgetNumbering();
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    model.append(message(1, u"aa"_s, u"again"_s));
    QCOMPARE(model.rowCount(), 1);
}

void tst_ClientModels::messageModelDropsTheOldestPastItsBound()
{
    MessageModel model(3);
    QAbstractItemModelTester tester(&model, Mode);
    for (qint64 seq = 1; seq <= 5; ++seq)
        model.append(message(seq, u"aa"_s, QString::number(seq)));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0).data(MessageModel::SeqRole).toLongLong(), 3);
    // Older history loaded by scrolling up goes in front.
    model.prepend({ message(1, u"aa"_s, u"1"_s), message(2, u"aa"_s, u"2"_s) });
    QCOMPARE(model.index(0).data(MessageModel::SeqRole).toLongLong(), 1);
}

void tst_ClientModels::userListModel()
{
    UserListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setUsers({ u"cc"_s, u"aa"_s, u"bb"_s });
    QCOMPARE(model.rowCount(), 3);
    model.addUser(u"dd"_s);
    model.addUser(u"aa"_s); // already there
    model.removeUser(u"bb"_s);
    model.removeUser(u"nobody"_s);
    QCOMPARE(model.rowCount(), 3);
    model.setMembers({ u"aa"_s, u"dd"_s });
    model.removeMember(u"dd"_s);
    model.setCountOnly(5000);
    QVERIFY(model.isCountOnly());
    model.setUsers({ u"ee"_s });
    model.clear();
}

void tst_ClientModels::roomListModel()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setRooms({ { u"dev"_s, u"code"_s, 3, false }, { u"ops"_s, QString(), 1, true } });
    QCOMPARE(model.rowCount(), 2);
    model.setRooms({ { u"lobby"_s, QString(), 10, false } });
    QCOMPARE(model.rowCount(), 1);
    model.setRooms({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_ClientModels::conversationListModel()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, Mode);
    Conversation *lobby = model.obtain(Conversation::Kind::Room, u"lobby"_s);
    Conversation *dev = model.obtain(Conversation::Kind::Room, u"dev"_s);
    Conversation *direct = model.obtain(Conversation::Kind::Direct, u"bb"_s);
    QCOMPARE(model.obtain(Conversation::Kind::Room, u"dev"_s), dev);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(model.rowOf(lobby) >= 0 && model.rowOf(direct) >= 0);

    // Unread messages and a new topic change a row in place.
    dev->messages()->append(message(1, u"bb"_s, u"hi"_s));
    dev->setTopic(u"code review"_s);
    direct->messages()->append(message(2, u"bb"_s, u"psst"_s));
    QVERIFY(dev->setReadSeq(1));

    QSignalSpy aboutToRemove(&model, &ConversationListModel::aboutToRemove);
    model.remove(dev);
    QCOMPARE(aboutToRemove.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(!model.find(Conversation::Kind::Room, u"dev"_s));
    model.obtain(Conversation::Kind::Room, u"alpha"_s);
    QCOMPARE(model.rowCount(), 3);
}

QTEST_GUILESS_MAIN(tst_ClientModels)
#include "tst_clientmodels.moc"
