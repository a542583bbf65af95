// SPDX-License-Identifier: BSD-3-Clause
#include "chatcommand.h"

#include <QTest>

using namespace Qt::StringLiterals;
using ChatCommand::Kind;

// What a typed line means, the same in the window and at a terminal.
class tst_ChatCommand : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
};

void tst_ChatCommand::parse_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("nick");
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString() << Kind::Empty << QString() << QString();
    QTest::newRow("blank") << u"   "_s << Kind::Empty << QString() << QString();
    QTest::newRow("message kept as typed")
            << u"  hello  "_s << Kind::Say << QString() << u"  hello  "_s;
    QTest::newRow("non-ascii") << u"你好 мир"_s << Kind::Say << QString() << u"你好 мир"_s;
    QTest::newRow("exit") << u"exit"_s << Kind::Quit << QString() << QString();
    QTest::newRow("exit with spaces") << u" exit "_s << Kind::Quit << QString() << QString();
    QTest::newRow("exit in a sentence") << u"exit now"_s << Kind::Say << QString() << u"exit now"_s;
    QTest::newRow("quit") << u"/quit"_s << Kind::Quit << QString() << QString();
    QTest::newRow("msg") << u"/msg bb  hi there "_s << Kind::DirectMessage << u"bb"_s
                         << u"hi there"_s;
    QTest::newRow("msg without text")
            << u"/msg bb"_s << Kind::Usage << QString() << u"/msg NICK TEXT"_s;
    QTest::newRow("bare msg") << u"/msg"_s << Kind::Usage << QString() << u"/msg NICK TEXT"_s;
    QTest::newRow("kick") << u"/kick cc"_s << Kind::Kick << u"cc"_s << QString();
    QTest::newRow("kick with reason")
            << u"/kick cc  spamming links"_s << Kind::Kick << u"cc"_s << u"spamming links"_s;
    QTest::newRow("bare kick") << u"/kick"_s << Kind::Usage << QString()
                               << u"/kick NICK [REASON]"_s;
    QTest::newRow("bare kick with space")
            << u"/kick "_s << Kind::Usage << QString() << u"/kick NICK [REASON]"_s;
    QTest::newRow("who") << u"/who"_s << Kind::Who << QString() << QString();
    QTest::newRow("help") << u"/help"_s << Kind::Help << QString() << QString();
    QTest::newRow("unknown") << u"/dance wildly"_s << Kind::Unknown << QString() << u"/dance"_s;
    QTest::newRow("join") << u"/join dev"_s << Kind::Join << QString() << u"dev"_s;
    QTest::newRow("join with a hash") << u"/join #dev "_s << Kind::Join << QString() << u"dev"_s;
    QTest::newRow("bare join") << u"/join"_s << Kind::Usage << QString() << u"/join ROOM"_s;
    QTest::newRow("join two words")
            << u"/join a b"_s << Kind::Usage << QString() << u"/join ROOM"_s;
    QTest::newRow("part") << u"/part"_s << Kind::Part << QString() << QString();
    QTest::newRow("part a room") << u"/part #dev"_s << Kind::Part << QString() << u"dev"_s;
    QTest::newRow("rooms") << u"/rooms"_s << Kind::Rooms << QString() << QString();
    QTest::newRow("rooms filtered") << u"/rooms de"_s << Kind::Rooms << QString() << u"de"_s;
    QTest::newRow("list is rooms") << u"/list"_s << Kind::Rooms << QString() << QString();
    QTest::newRow("topic") << u"/topic release week"_s << Kind::Topic << QString()
                           << u"release week"_s;
    QTest::newRow("bare topic") << u"/topic"_s << Kind::Usage << QString() << u"/topic TEXT"_s;
    QTest::newRow("invite") << u"/invite bb"_s << Kind::Invite << u"bb"_s << QString();
    QTest::newRow("bare invite") << u"/invite"_s << Kind::Usage << QString() << u"/invite NICK"_s;
    QTest::newRow("msg prefix is not msg")
            << u"/msgbb hi"_s << Kind::Unknown << QString() << u"/msgbb"_s;
}

void tst_ChatCommand::parse()
{
    QFETCH(QString, line);
    QFETCH(Kind, kind);
    QFETCH(QString, nick);
    QFETCH(QString, text);
    const ChatCommand::Command command = ChatCommand::parse(line);
    QCOMPARE(command.kind, kind);
    QCOMPARE(command.nick, nick);
    QCOMPARE(command.text, text);
}

QTEST_APPLESS_MAIN(tst_ChatCommand)
#include "tst_chatcommand.moc"
