// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testaccounts.h"
#include "testclient.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Protocol;

// Nicks that look like another one, over real sockets: they neither pass a registered nick's
// protection nor join beside the nick they imitate.
class tst_LookalikeNicks : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void lookalikesOfRegisteredNicksNeedThePassword_data();
    void lookalikesOfRegisteredNicksNeedThePassword();
    void lookalikesOfAnOnlineNickAreRefused_data();
    void lookalikesOfAnOnlineNickAreRefused();
    void differentNicksStillJoin();
    void terminalIsToldWhyAMixedNickIsRefused();
    void lookalikeDoesNotReadDirectMessages();
    void lookalikeAccountsAreRefused();

private:
    void start(ServerConfig config);
    TestClient *connected();
    QString accountsWith(const QStringList &nicksAndPasswords);

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
};

static const QString Alice = u"alice"_s;
static const QString Op = u"op"_s;

void tst_LookalikeNicks::init()
{
    QVERIFY(m_dir.isValid());
}

void tst_LookalikeNicks::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_LookalikeNicks::start(ServerConfig config)
{
    config.port = 0;
    config.loginFailureDelay = 10ms;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

TestClient *tst_LookalikeNicks::connected()
{
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    client->connectTo(m_server->serverPort());
    return client;
}

QString tst_LookalikeNicks::accountsWith(const QStringList &nicksAndPasswords)
{
    return writeAccounts(m_dir.filePath(u"accounts"_s), nicksAndPasswords);
}

// The nicks an attacker used, the registered nick each imitates, and what each must get now.
static void addAttackNicks()
{
    QTest::addColumn<QString>("nick");
    QTest::addColumn<QString>("original");
    QTest::addColumn<ErrorCode>("offline"); // while the nick it imitates is away
    QTest::addColumn<ErrorCode>("online"); // while that nick is in the chat
    // Mixed scripts are refused whoever is online; a single-script lookalike is the nick it
    // imitates: it needs that account's password, and cannot join beside it.
    QTest::newRow("Cyrillic а: аlice")
            << u"\u0430lice"_s << Alice << ErrorCode::NickInvalid << ErrorCode::NickInvalid;
    QTest::newRow("Cyrillic о: оp")
            << u"\u043Ep"_s << Op << ErrorCode::NickInvalid << ErrorCode::NickInvalid;
    QTest::newRow("all Cyrillic: ор")
            << u"\u043E\u0440"_s << Op << ErrorCode::AuthRequired << ErrorCode::NickTaken;
    QTest::newRow("fullwidth: ａｌｉｃｅ") << u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s << Alice
                                           << ErrorCode::AuthRequired << ErrorCode::NickTaken;
    QTest::newRow("dotless i: alıce")
            << u"al\u0131ce"_s << Alice << ErrorCode::AuthRequired << ErrorCode::NickTaken;
    QTest::newRow("small capitals: ᴀʟɪᴄᴇ") << u"\u1D00\u029F\u026A\u1D04\u1D07"_s << Alice
                                           << ErrorCode::AuthRequired << ErrorCode::NickTaken;
    QTest::newRow("Arabic-Indic zero: alice٠")
            << u"alice\u0660"_s << Alice << ErrorCode::NickInvalid << ErrorCode::NickInvalid;
    QTest::newRow("digit one: a1ice")
            << u"a1ice"_s << Alice << ErrorCode::AuthRequired << ErrorCode::NickTaken;
}

void tst_LookalikeNicks::lookalikesOfRegisteredNicksNeedThePassword_data()
{
    addAttackNicks();
}

void tst_LookalikeNicks::lookalikesOfRegisteredNicksNeedThePassword()
{
    QFETCH(QString, nick);
    QFETCH(ErrorCode, offline);
    ServerConfig config;
    config.accountsPath = accountsWith({ Alice, u"s3cret"_s, Op, u"0p-pass"_s });
    config.operators = { Op };
    start(config);

    TestClient *impostor = connected();
    impostor->hello(nick);
    QTRY_COMPARE(impostor->count<Error>() + impostor->count<Welcome>(), 1);
    QCOMPARE(impostor->count<Welcome>(), 0);
    QCOMPARE(impostor->last<Error>().code, offline);
    QCOMPARE(m_server->room()->memberCount(), 0);
}

void tst_LookalikeNicks::lookalikesOfAnOnlineNickAreRefused_data()
{
    addAttackNicks();
}

void tst_LookalikeNicks::lookalikesOfAnOnlineNickAreRefused()
{
    QFETCH(QString, nick);
    QFETCH(QString, original);
    QFETCH(ErrorCode, online);
    // No accounts: an unregistered nick is protected only while it is online.
    start(ServerConfig {});
    TestClient *real = connected();
    real->hello(original);
    QTRY_COMPARE(real->count<Welcome>(), 1);

    TestClient *impostor = connected();
    impostor->hello(nick);
    QTRY_COMPARE(impostor->count<Error>() + impostor->count<Welcome>(), 1);
    QCOMPARE(impostor->count<Welcome>(), 0);
    QCOMPARE(impostor->last<Error>().code, online);
    if (online == ErrorCode::NickTaken)
        QVERIFY2(impostor->last<Error>().text.contains(original),
                 qPrintable(impostor->last<Error>().text)); // "… looks like alice, who is online"
    QVERIFY(!impostor->wasDisconnected()); // may try another nick
    QCOMPARE(m_server->room()->memberCount(), 1);
}

void tst_LookalikeNicks::differentNicksStillJoin()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ Alice, u"s3cret"_s, Op, u"0p-pass"_s });
    config.operators = { Op };
    start(config);
    TestClient *alice = connected();
    alice->hello(Alice, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(alice->count<Welcome>(), 1);
    // Near but not alike, and other scripts on their own.
    for (const QString &nick : { u"alina"_s, u"alice2"_s, u"opa"_s,
                                 u"\u0414\u043C\u0438\u0442\u0440\u0438\u0439"_s, // Дмитрий
                                 u"\u674E\u96F7"_s, u"\u0645\u062D\u0645\u062F"_s }) { // 李雷, محمد
        TestClient *other = connected();
        other->hello(nick);
        QTRY_COMPARE(other->count<Error>() + other->count<Welcome>(), 1);
        QVERIFY2(other->count<Welcome>() == 1,
                 qPrintable(nick + u": "_s + other->last<Error>().text));
    }
    QCOMPARE(m_server->room()->memberCount(), 7);
    // The owner of an account may still come in under a lookalike spelling, with its password.
    alice->socket()->disconnectFromHost();
    QTRY_COMPARE(m_server->room()->memberCount(), 6);
    TestClient *fullwidth = connected();
    fullwidth->hello(u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(fullwidth->count<Welcome>(), 1);
}

void tst_LookalikeNicks::terminalIsToldWhyAMixedNickIsRefused()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ Alice, u"s3cret"_s });
    start(config);
    TestClient *terminal = connected();
    terminal->sendLine(u"\u0430lice"_s.toUtf8());
    QTRY_COMPARE(terminal->lines().size(), 1);
    QVERIFY2(terminal->lines().constFirst().startsWith("Error: A nickname is written in one "
                                                       "script"),
             terminal->lines().constFirst().constData());
    terminal->sendLine(u"al\u0131ce"_s.toUtf8());
    QTRY_COMPARE(terminal->lines().size(), 2);
    QVERIFY2(terminal->lines().at(1).contains("looks like the registered nickname alice"),
             terminal->lines().at(1).constData());
    QCOMPARE(m_server->room()->memberCount(), 0);
}

void tst_LookalikeNicks::lookalikeDoesNotReadDirectMessages()
{
    // The stores keep messages by the nick as spelt (ignoring case), not by its skeleton: who
    // takes a lookalike of an absent unregistered nick does not get that nick's history.
    start(ServerConfig {});
    TestClient *bob = connected();
    bob->hello(u"bob"_s);
    QTRY_COMPARE(bob->count<Welcome>(), 1);
    TestClient *carol = connected();
    carol->hello(u"carol"_s);
    QTRY_COMPARE(carol->count<Welcome>(), 1);
    carol->say(u"for bob only"_s, u"c1"_s, u"bob"_s);
    QTRY_COMPARE(bob->count<Message>(), 1);
    bob->send(Protocol::Exit {});
    QTRY_COMPARE(m_server->room()->memberCount(), 1);

    TestClient *lookalike = connected();
    lookalike->hello(u"b0b"_s);
    QTRY_COMPARE(lookalike->count<Welcome>(), 1);
    for (const Message &message : lookalike->last<Welcome>().history)
        QVERIFY(message.text != u"for bob only"_s);
    TestClient *bobAgain = connected();
    bobAgain->hello(u"Bob"_s); // b0b is online: bob cannot be
    QTRY_COMPARE(bobAgain->count<Error>(), 1);
    QCOMPARE(bobAgain->last<Error>().code, ErrorCode::NickTaken);
}

void tst_LookalikeNicks::lookalikeAccountsAreRefused()
{
    // Two accounts that compare the same would let either password open the other's name.
    const QString path = accountsWith({ u"mallory"_s, u"m4llory"_s });
    QString error;
    QVERIFY(!AccountStore::addUser(path, u"rnallory"_s, u"other"_s, &error, 1000));
    QVERIFY2(error.contains(u"looks like the account mallory"_s), qPrintable(error));
    QVERIFY(AccountStore::addUser(path, u"Mallory"_s, u"new password"_s, &error, 1000));

    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write("rnallory:pbkdf2-sha256:1000:c2FsdHNhbHRzYWx0c2FsdA==:"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    file.close();
    AccountStore accounts;
    QVERIFY(!accounts.load(path, &error));
    QVERIFY2(error.contains(u"rnallory looks like the account Mallory"_s), qPrintable(error));
}

NATTER_SERVER_TEST_MAIN(tst_LookalikeNicks)
#include "tst_lookalikenicks.moc"
