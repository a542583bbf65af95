// SPDX-License-Identifier: BSD-3-Clause
#include "protocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Protocol;

Q_DECLARE_METATYPE(Protocol::ErrorCode)

namespace {

// Compares as JSON objects so that key order does not matter.
QJsonObject parsed(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

} // namespace

class tst_Protocol : public QObject
{
    Q_OBJECT

private slots:
    void clientFramesRoundTrip();
    void serverFramesRoundTrip();
    void nickAndAwayFramesRoundTrip();
    void encodedLinesEndWithOneNewline();
    void malformedClientFrames_data();
    void malformedClientFrames();
    void unknownFieldsAreIgnored();
    void errorEchoesId();
    void nickRules_data();
    void nickRules();
    void nickKeyIgnoresCase();
    void leaveTexts();
    void textLengthCountsCodePoints_data();
    void textLengthCountsCodePoints();
    void blankText_data();
    void blankText();
    void strictUtf8();
    void roomFramesRoundTrip();
    void roomNameRules_data();
    void roomNameRules();
};

void tst_Protocol::clientFramesRoundTrip()
{
    const Hello hello { u"aa"_s, 1, u"natter/0.1"_s, 17 };
    auto decoded = decodeClientFrame(encode(ClientFrame { hello }));
    QVERIFY(decoded.isValid());
    const auto &helloBack = std::get<Hello>(decoded.frame);
    QCOMPARE(helloBack.nick, hello.nick);
    QCOMPARE(helloBack.protocol, 1);
    QCOMPARE(helloBack.client, hello.client);
    QCOMPARE(helloBack.since, std::optional<qint64>(17));
    QCOMPARE(
            parsed(encode(ClientFrame { hello })),
            parsed(R"({"type":"hello","nick":"aa","protocol":1,"client":"natter/0.1","since":17})"));

    const Hello noSince { u"bb"_s, 1, {}, std::nullopt };
    decoded = decodeClientFrame(encode(ClientFrame { noSince }));
    QVERIFY(!std::get<Hello>(decoded.frame).since.has_value());

    const Say say { u"hi \"there\"\n你好"_s, u"c1"_s, u"cc"_s };
    decoded = decodeClientFrame(encode(ClientFrame { say }));
    QVERIFY(decoded.isValid());
    QCOMPARE(std::get<Say>(decoded.frame).text, say.text);
    QCOMPARE(std::get<Say>(decoded.frame).id, say.id);
    QCOMPARE(std::get<Say>(decoded.frame).to, say.to);

    decoded = decodeClientFrame(encode(ClientFrame { Exit {} }));
    QVERIFY(std::holds_alternative<Exit>(decoded.frame));
    decoded = decodeClientFrame(encode(ClientFrame { Ping { u"t"_s } }));
    QCOMPARE(std::get<Ping>(decoded.frame).token, u"t"_s);
    decoded = decodeClientFrame(encode(ClientFrame { Pong { u"u"_s } }));
    QCOMPARE(std::get<Pong>(decoded.frame).token, u"u"_s);
}

void tst_Protocol::roomFramesRoundTrip()
{
    Hello hello { u"aa"_s, 2, {}, std::nullopt };
    hello.rooms = { { u"dev"_s, 41, u"00000000000000ab"_s }, { Lobby, std::nullopt, {} } };
    auto decoded = decodeClientFrame(encode(ClientFrame { hello }));
    QVERIFY(decoded.isValid());
    const QList<Hello::Position> positions = std::get<Hello>(decoded.frame).rooms;
    QCOMPARE(positions.size(), 2);
    for (const Hello::Position &position : positions) {
        if (position.room == u"dev"_s) {
            QCOMPARE(position.since, std::optional<qint64>(41));
            QCOMPARE(position.epoch, u"00000000000000ab"_s);
        } else {
            QCOMPARE(position.room, Lobby);
            QVERIFY(!position.since);
        }
    }
    QVERIFY(!decodeClientFrame(R"({"type":"hello","nick":"a","rooms":["dev"]})").isValid());
    QVERIFY(!decodeClientFrame(R"({"type":"hello","nick":"a","rooms":{"dev":{"since":"x"}}})")
                     .isValid());

    // A hello without a version is version 1: it has no rooms.
    decoded = decodeClientFrame(R"({"type":"hello","nick":"a"})");
    QCOMPARE(std::get<Hello>(decoded.frame).protocol, 1);

    // A say without a room is the lobby's; a lobby frame is written without one.
    decoded = decodeClientFrame(R"({"type":"say","text":"hi"})");
    QCOMPARE(std::get<Say>(decoded.frame).room, Lobby);
    decoded = decodeClientFrame(encode(ClientFrame { Say { u"x"_s, {}, {}, u"dev"_s } }));
    QCOMPARE(std::get<Say>(decoded.frame).room, u"dev"_s);
    QCOMPARE(parsed(encode(ServerFrame { Ack { u"1"_s, 5, 6, Lobby } })),
             parsed(R"({"type":"ack","id":"1","seq":5,"ts":6})"));
    QCOMPARE(parsed(encode(ServerFrame { Ack { u"1"_s, 5, 6, u"dev"_s } })),
             parsed(R"({"type":"ack","id":"1","seq":5,"ts":6,"room":"dev"})"));

    decoded = decodeClientFrame(encode(ClientFrame { Join { u"dev"_s, true, u"j"_s } }));
    QCOMPARE(std::get<Join>(decoded.frame).room, u"dev"_s);
    QVERIFY(std::get<Join>(decoded.frame).isPrivate);
    QVERIFY(!decodeClientFrame(R"({"type":"join"})").isValid());
    QVERIFY(!decodeClientFrame(R"({"type":"join","room":"dev","private":"yes"})").isValid());
    decoded = decodeClientFrame(encode(ClientFrame { Part { u"dev"_s, u"p"_s } }));
    QCOMPARE(std::get<Part>(decoded.frame).room, u"dev"_s);
    decoded = decodeClientFrame(encode(ClientFrame { ListRooms { u"de"_s, u"l"_s } }));
    QCOMPARE(std::get<ListRooms>(decoded.frame).filter, u"de"_s);
    decoded = decodeClientFrame(encode(ClientFrame { SetTopic { u"dev"_s, u"t"_s, {} } }));
    QCOMPARE(std::get<SetTopic>(decoded.frame).topic, u"t"_s);
    decoded = decodeClientFrame(encode(ClientFrame { Invite { u"dev"_s, u"bb"_s, {} } }));
    QCOMPARE(std::get<Invite>(decoded.frame).nick, u"bb"_s);
    decoded = decodeClientFrame(encode(ClientFrame { MarkRead { u"dev"_s, 9 } }));
    QCOMPARE(std::get<MarkRead>(decoded.frame).seq, 9);
    QVERIFY(!decodeClientFrame(R"({"type":"read","room":"dev"})").isValid());

    RoomState state;
    state.room = u"dev"_s;
    state.topic = u"release"_s;
    state.owner = u"aa"_s;
    state.isPrivate = true;
    state.read = 3;
    state.members = { u"aa"_s, u"bb"_s };
    state.memberCount = 2;
    state.users = { u"aa"_s };
    state.online = 1;
    state.seq = 7;
    state.epoch = u"00000000000000ab"_s;
    state.history = { Message { 7, 1, u"aa"_s, {}, u"hi"_s, {}, u"dev"_s } };
    auto server = decodeServerFrame(encodeRoomState(state, encodeNicks(state.users)));
    QVERIFY(server.isValid());
    const RoomState back = std::get<RoomState>(server.frame);
    QCOMPARE(back.room, state.room);
    QCOMPARE(back.topic, state.topic);
    QCOMPARE(back.owner, state.owner);
    QVERIFY(back.isPrivate);
    QCOMPARE(back.read, 3);
    QCOMPARE(back.members, state.members);
    QCOMPARE(back.users, state.users);
    QCOMPARE(back.seq, 7);
    QCOMPARE(back.history.size(), 1);
    QCOMPARE(back.history.constFirst().room, u"dev"_s);

    server = decodeServerFrame(encode(
            ServerFrame { RoomList { u"l"_s, { RoomSummary { u"dev"_s, u"t"_s, 3, false } } } }));
    QCOMPARE(std::get<RoomList>(server.frame).rooms.constFirst().members, 3);
    server = decodeServerFrame(
            encode(ServerFrame { TopicChanged { u"dev"_s, u"t"_s, u"aa"_s, 5 } }));
    QCOMPARE(std::get<TopicChanged>(server.frame).by, u"aa"_s);
    server = decodeServerFrame(encode(ServerFrame { Invited { u"dev"_s, u"bb"_s, u"aa"_s } }));
    QCOMPARE(std::get<Invited>(server.frame).nick, u"bb"_s);
    Welcome welcome;
    welcome.nick = u"aa"_s;
    welcome.rooms = { Lobby, u"dev"_s };
    server = decodeServerFrame(encode(ServerFrame { welcome }));
    QVERIFY(server.isValid());
    QCOMPARE(std::get<Welcome>(server.frame).rooms, welcome.rooms);
}

void tst_Protocol::nickAndAwayFramesRoundTrip()
{
    auto client = decodeClientFrame(
            encode(ClientFrame { ChangeNick { u"zz"_s, u"pw"_s, u"n1"_s } }));
    QVERIFY(client.isValid());
    QCOMPARE(std::get<ChangeNick>(client.frame).nick, u"zz"_s);
    QCOMPARE(std::get<ChangeNick>(client.frame).password, u"pw"_s);
    QCOMPARE(std::get<ChangeNick>(client.frame).id, u"n1"_s);
    client = decodeClientFrame(R"({"type":"nick","id":"n2"})");
    QVERIFY(!client.isValid()); // a nick change names the nick
    QCOMPARE(client.error->code, ErrorCode::BadFrame);
    QCOMPARE(client.error->id, u"n2"_s);
    client = decodeClientFrame(R"({"type":"away"})");
    QVERIFY(client.isValid());
    QVERIFY(std::get<SetAway>(client.frame).reason.isEmpty()); // back
    client = decodeClientFrame(encode(ClientFrame { SetAway { u"lunch"_s, u"a1"_s } }));
    QCOMPARE(std::get<SetAway>(client.frame).reason, u"lunch"_s);

    auto server = decodeServerFrame(encode(ServerFrame {
            Renamed { u"aa"_s, u"zz"_s, 5, renamedText(u"aa"_s, u"zz"_s), u"n1"_s } }));
    QVERIFY(server.isValid());
    QCOMPARE(std::get<Renamed>(server.frame).from, u"aa"_s);
    QCOMPARE(std::get<Renamed>(server.frame).to, u"zz"_s);
    QCOMPARE(std::get<Renamed>(server.frame).text, u"aa is now known as zz."_s);
    QCOMPARE(std::get<Renamed>(server.frame).id, u"n1"_s);
    server = decodeServerFrame(encode(ServerFrame { AwayChanged { u"bb"_s, u"lunch"_s, {} } }));
    QVERIFY(std::get<AwayChanged>(server.frame).isAway());
    server = decodeServerFrame(R"({"type":"away","nick":"bb"})");
    QVERIFY(!std::get<AwayChanged>(server.frame).isAway());

    RoomState state;
    state.room = u"dev"_s;
    state.users = { u"aa"_s, u"bb"_s };
    state.away = { { u"bb"_s, u"lunch"_s } };
    server = decodeServerFrame(encodeRoomState(state, encodeNicks(state.users)));
    QVERIFY(server.isValid());
    QCOMPARE(std::get<RoomState>(server.frame).away, state.away);
    server = decodeServerFrame(
            R"({"type":"room","room":"dev","seq":1,"history":[],"away":["bb"]})");
    QVERIFY(!server.isValid());
}

void tst_Protocol::roomNameRules_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << u"dev"_s << true;
    QTest::newRow("dots and dashes") << u"team-a.ops_2"_s << true;
    QTest::newRow("other scripts") << u"\u958B\u767A"_s << true;
    QTest::newRow("50 characters") << u"x"_s.repeated(50) << true;
    QTest::newRow("51 characters") << u"x"_s.repeated(51) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("hash") << u"#dev"_s << false;
    QTest::newRow("space") << u"a b"_s << false;
    QTest::newRow("at") << u"@bob"_s << false;
    QTest::newRow("fullwidth") << u"\uFF44\uFF45\uFF56"_s << true;
    QTest::newRow("mixed scripts") << u"d\u0435v"_s << false;
}

void tst_Protocol::roomNameRules()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(isValidRoomName(name), valid);
    QCOMPARE(roomKey(name.toUpper()), roomKey(name));
    if (valid)
        QCOMPARE(roomKey(name.normalized(QString::NormalizationForm_KC)), roomKey(name));
}

void tst_Protocol::serverFramesRoundTrip()
{
    const Message broadcast { 43, 1764147303123, u"aa"_s, {}, u"hi"_s };
    const Message direct { 44, 1764147303124, u"aa"_s, u"cc"_s, u"psst"_s };
    QCOMPARE(parsed(encode(ServerFrame { broadcast })),
             parsed(R"({"type":"message","seq":43,"ts":1764147303123,"from":"aa","text":"hi"})"));

    Welcome welcome { u"aa"_s, 1,  u"natter-server/0.1"_s, { u"aa"_s, u"bb"_s },  true,
                      2,       44, u"5eed5eed5eed5eed"_s,  { broadcast, direct }, true,
                      true };
    auto decoded = decodeServerFrame(encode(ServerFrame { welcome }));
    QVERIFY2(decoded.isValid(), qPrintable(decoded.error ? decoded.error->text : QString()));
    const auto &back = std::get<Welcome>(decoded.frame);
    QCOMPARE(back.nick, welcome.nick);
    QCOMPARE(back.server, welcome.server);
    QCOMPARE(back.users, welcome.users);
    QVERIFY(back.usersListed);
    QCOMPARE(back.online, 2);
    QCOMPARE(back.seq, 44);
    QCOMPARE(back.history.size(), 2);
    QCOMPARE(back.history.at(1).to, u"cc"_s);
    QCOMPARE(back.history.at(1).seq, 44);
    QVERIFY(back.historyTruncated);
    QCOMPARE(back.epoch, u"5eed5eed5eed5eed"_s);
    QVERIFY(back.historyReset);

    // The same welcome from parts the server keeps encoded: the same JSON.
    const QByteArray users = encodeNicks(welcome.users);
    const QByteArray history = '[' + encode(ServerFrame { broadcast }).chopped(1) + ','
            + encode(ServerFrame { direct }).chopped(1) + ']';
    QCOMPARE(parsed(encodeWelcome(welcome, users, history)),
             parsed(encode(ServerFrame { welcome })));
    QCOMPARE(parsed(encodeWelcome(welcome, {}, history)), parsed(encode(ServerFrame { welcome })));
    QCOMPARE(parsed(encodeWelcome(welcome, users)), parsed(encode(ServerFrame { welcome })));
    QVERIFY(encodeWelcome(welcome, users, history).endsWith("}\n"));
    QCOMPARE(encodeWelcome(welcome, users, history).count('\n'), 1);

    // A room too large to list: the count only, both in the welcome and in presence frames.
    Welcome large = welcome;
    large.users.clear();
    large.usersListed = false;
    large.online = 12'000;
    decoded = decodeServerFrame(encode(ServerFrame { large }));
    QVERIFY(!encode(ServerFrame { large }).contains("\"users\""));
    QVERIFY(!std::get<Welcome>(decoded.frame).usersListed);
    QCOMPARE(std::get<Welcome>(decoded.frame).online, 12'000);
    decoded = decodeServerFrame(encode(ServerFrame { Presence { 12'001, std::nullopt } }));
    QCOMPARE(std::get<Presence>(decoded.frame).online, 12'001);
    QVERIFY(!std::get<Presence>(decoded.frame).users);
    decoded = decodeServerFrame(
            encode(ServerFrame { Presence { 2, QStringList { u"aa"_s, u"bb"_s } } }));
    QCOMPARE(*std::get<Presence>(decoded.frame).users, QStringList({ u"aa"_s, u"bb"_s }));

    decoded = decodeServerFrame(encode(ServerFrame { direct }));
    QCOMPARE(std::get<Message>(decoded.frame).to, u"cc"_s);
    QCOMPARE(std::get<Message>(decoded.frame).timestamp, 1764147303124);

    decoded = decodeServerFrame(encode(ServerFrame { Ack { u"c1"_s, 43, 5 } }));
    QCOMPARE(std::get<Ack>(decoded.frame).id, u"c1"_s);
    QCOMPARE(std::get<Ack>(decoded.frame).seq, 43);

    decoded = decodeServerFrame(encode(ServerFrame { Joined { u"dd"_s, 7, joinedText(u"dd"_s) } }));
    QCOMPARE(std::get<Joined>(decoded.frame).text, u"dd has joined the chat."_s);

    const Left left { u"cc"_s, LeaveReason::Lost, 8, leftText(u"cc"_s, LeaveReason::Lost) };
    QCOMPARE(parsed(encode(ServerFrame { left })).value("reason"_L1).toString(), u"lost"_s);
    decoded = decodeServerFrame(encode(ServerFrame { left }));
    QCOMPARE(std::get<Left>(decoded.frame).reason, LeaveReason::Lost);
    QCOMPARE(std::get<Left>(decoded.frame).nick, u"cc"_s);

    decoded = decodeServerFrame(
            encode(ServerFrame { Error { ErrorCode::NickTaken, u"taken"_s, u"x"_s } }));
    QCOMPARE(std::get<Error>(decoded.frame).code, ErrorCode::NickTaken);
    QCOMPARE(std::get<Error>(decoded.frame).id, u"x"_s);

    const Notices notices { { Joined { u"dd"_s, 1, u"dd has joined the chat."_s }, left } };
    decoded = decodeServerFrame(encode(ServerFrame { notices }));
    QVERIFY(decoded.isValid());
    const auto &noticesBack = std::get<Notices>(decoded.frame).notices;
    QCOMPARE(noticesBack.size(), 2);
    QCOMPARE(std::get<Joined>(noticesBack.at(0)).nick, u"dd"_s);
    QCOMPARE(std::get<Left>(noticesBack.at(1)).reason, LeaveReason::Lost);

    decoded = decodeServerFrame(encode(ServerFrame { Shutdown { u"bye"_s } }));
    QCOMPARE(std::get<Shutdown>(decoded.frame).text, u"bye"_s);
    decoded = decodeServerFrame(encode(ServerFrame { Ping { u"p"_s } }));
    QCOMPARE(std::get<Ping>(decoded.frame).token, u"p"_s);
}

void tst_Protocol::encodedLinesEndWithOneNewline()
{
    const QByteArray line = encode(ServerFrame { Message { 1, 2, u"a"_s, {}, u"x\ny\n"_s } });
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // newlines inside text are escaped by JSON
}

void tst_Protocol::malformedClientFrames_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("empty") << QByteArray() << ErrorCode::BadFrame;
    QTest::newRow("not json") << QByteArray("hello there") << ErrorCode::BadFrame;
    QTest::newRow("truncated json")
            << QByteArray(R"({"type":"say","text":"hi")") << ErrorCode::BadFrame;
    QTest::newRow("array") << QByteArray(R"(["say"])") << ErrorCode::BadFrame;
    QTest::newRow("number") << QByteArray("42") << ErrorCode::BadFrame;
    QTest::newRow("no type") << QByteArray(R"({"text":"hi"})") << ErrorCode::BadFrame;
    QTest::newRow("type not a string") << QByteArray(R"({"type":7})") << ErrorCode::BadFrame;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"dance"})") << ErrorCode::UnknownType;
    QTest::newRow("hello without nick") << QByteArray(R"({"type":"hello"})") << ErrorCode::BadFrame;
    QTest::newRow("hello nick a number")
            << QByteArray(R"({"type":"hello","nick":5})") << ErrorCode::BadFrame;
    QTest::newRow("since a string")
            << QByteArray(R"({"type":"hello","nick":"a","since":"3"})") << ErrorCode::BadFrame;
    QTest::newRow("since a fraction")
            << QByteArray(R"({"type":"hello","nick":"a","since":1.5})") << ErrorCode::BadFrame;
    QTest::newRow("say without text")
            << QByteArray(R"({"type":"say","id":"1"})") << ErrorCode::BadFrame;
    QTest::newRow("say text null")
            << QByteArray(R"({"type":"say","text":null})") << ErrorCode::BadFrame;
    QTest::newRow("say to a number")
            << QByteArray(R"({"type":"say","text":"x","to":1})") << ErrorCode::BadFrame;
    QTest::newRow("invalid utf-8")
            << QByteArray("{\"type\":\"say\",\"text\":\"\xff\"}") << ErrorCode::BadFrame;
    QTest::newRow("overlong utf-8 encoding")
            << QByteArray("{\"type\":\"say\",\"text\":\"\xc0\xaf\"}") << ErrorCode::BadFrame;
    QTest::newRow("nul byte") << QByteArray("{\"type\":\"say\",\"text\":\"a\0b\"}", 25)
                              << ErrorCode::BadFrame;
    QTest::newRow("lone high surrogate")
            << QByteArray(R"({"type":"say","text":"a\ud800"})") << ErrorCode::BadFrame;
    QTest::newRow("lone low surrogate")
            << QByteArray(R"({"type":"say","text":"\udc00b"})") << ErrorCode::BadFrame;
    QTest::newRow("surrogates reversed")
            << QByteArray(R"({"type":"say","text":"\ude42\ud83d"})") << ErrorCode::BadFrame;
    QTest::newRow("lone surrogate in a nick")
            << QByteArray(R"({"type":"hello","nick":"a\udbff"})") << ErrorCode::BadFrame;
}

void tst_Protocol::malformedClientFrames()
{
    QFETCH(QByteArray, line);
    QFETCH(ErrorCode, code);
    const auto decoded = decodeClientFrame(line);
    QVERIFY(!decoded.isValid());
    QCOMPARE(decoded.error->code, code);
    QVERIFY(!decoded.error->text.isEmpty());
}

void tst_Protocol::unknownFieldsAreIgnored()
{
    const auto decoded = decodeClientFrame(
            R"({"type":"say","text":"hi","room":"main","future":[1,2]})");
    QVERIFY(decoded.isValid());
    QCOMPARE(std::get<Say>(decoded.frame).text, u"hi"_s);
}

void tst_Protocol::errorEchoesId()
{
    const auto decoded = decodeClientFrame(R"({"type":"say","id":"c9","text":3})");
    QVERIFY(!decoded.isValid());
    QCOMPARE(decoded.error->id, u"c9"_s);
}

void tst_Protocol::nickRules_data()
{
    QTest::addColumn<QString>("nick");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("ascii") << u"aa"_s << true;
    QTest::newRow("digits, underscore, dash") << u"a_1-b"_s << true;
    QTest::newRow("chinese") << u"小明"_s << true;
    QTest::newRow("german") << u"Jürgen"_s << true;
    QTest::newRow("cyrillic") << u"Иван"_s << true;
    QTest::newRow("32 characters") << QString(32, u'x') << true;
    QTest::newRow("33 characters") << QString(33, u'x') << false;
    QTest::newRow("32 characters outside the BMP")
            << QString::fromUcs4(std::u32string(32, U'\U00020000').c_str()) << true;
    QTest::newRow("space") << u"a b"_s << false;
    QTest::newRow("colon") << u"a:b"_s << false;
    QTest::newRow("slash") << u"/msg"_s << false;
    QTest::newRow("emoji") << u"a😀"_s << false;
    QTest::newRow("newline") << u"a\n"_s << false;
}

void tst_Protocol::nickRules()
{
    QFETCH(QString, nick);
    QFETCH(bool, valid);
    QCOMPARE(isValidNick(nick), valid);
}

void tst_Protocol::nickKeyIgnoresCase()
{
    QCOMPARE(nickKey(u"AA"_s), nickKey(u"aa"_s));
    QCOMPARE(nickKey(u"STRASSE"_s), nickKey(u"strasse"_s));
    QVERIFY(nickKey(u"aa"_s) != nickKey(u"ab"_s));
}

void tst_Protocol::textLengthCountsCodePoints_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qsizetype>("length");
    QTest::newRow("empty") << QString() << qsizetype(0);
    QTest::newRow("ascii") << u"hello"_s << qsizetype(5);
    QTest::newRow("emoji") << u"\U0001F642\U0001F642"_s << qsizetype(2);
    QTest::newRow("combining mark") << u"e\u0301"_s << qsizetype(2);
    QTest::newRow("cjk") << u"\u674E\u96F7"_s << qsizetype(2);
    QTest::newRow("lone surrogate counts once") << QString(QChar(0xD800)) << qsizetype(1);
}

void tst_Protocol::textLengthCountsCodePoints()
{
    QFETCH(QString, text);
    QFETCH(qsizetype, length);
    QCOMPARE(textLength(text), length);
}

void tst_Protocol::blankText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("blank");
    QTest::newRow("empty") << QString() << true;
    QTest::newRow("spaces") << u"  \t "_s << true;
    QTest::newRow("zero-width space") << u"\u200B"_s << true;
    QTest::newRow("ideographic space") << u"\u3000"_s << true;
    QTest::newRow("hangul fillers") << u"\u115F\u1160\u3164\uFFA0"_s << true;
    QTest::newRow("tag characters") << u"\U000E0041"_s << true;
    QTest::newRow("a letter") << u"\u200Ba"_s << false;
    QTest::newRow("an emoji") << u"\U0001F642"_s << false;
    QTest::newRow("a dot") << u"."_s << false;
    QTest::newRow("a combining mark on its own shows") << u"\u0301"_s << false;
}

void tst_Protocol::blankText()
{
    QFETCH(QString, text);
    QFETCH(bool, blank);
    QCOMPARE(isBlankText(text), blank);
}

void tst_Protocol::leaveTexts()
{
    QCOMPARE(leftText(u"bb"_s, LeaveReason::Exit), u"bb has left the chat."_s);
    QCOMPARE(leftText(u"cc"_s, LeaveReason::Lost),
             u"No message from cc, cc will be removed from the chatroom."_s);
    for (auto reason : { LeaveReason::Exit, LeaveReason::Lost, LeaveReason::Timeout,
                         LeaveReason::Slow, LeaveReason::Flood })
        QCOMPARE(leaveReasonFromName(leaveReasonName(reason)), reason);
    QVERIFY(!leaveReasonFromName(u"bored"_s));
}

void tst_Protocol::strictUtf8()
{
    QCOMPARE(decodeUtf8("h\xc3\xa9llo"), std::optional<QString>(u"héllo"_s));
    QVERIFY(!decodeUtf8("\xe4\xbd")); // cut inside a character
    QVERIFY(!decodeUtf8("\xed\xa0\x80")); // a surrogate
    QVERIFY(decodeUtf8(QByteArray()).has_value());
}

QTEST_APPLESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"
