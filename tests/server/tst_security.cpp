// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "servertestmain.h"
#include "testaccounts.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Protocol;

// Who gets in: TLS on the chat port, accounts, the shared password, bans and kicks.
class tst_Security : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void chatOverTls();
    void plainClientsStillWelcomeWithoutTlsOnly();
    void plainClientIsRefusedUnderTlsOnly_data();
    void plainClientIsRefusedUnderTlsOnly();
    void tlsClientIsToldWhyItIsRefused();
    void stalledTlsHandshakesAreClosed_data();
    void stalledTlsHandshakesAreClosed();
    void accountsFileHoldsHashesOnly();
    void registeredNickNeedsItsPassword();
    void registeredNickCannotBeTaken();
    void registeredOnlyRefusesOthers();
    void sharedServerPassword();
    void failedLoginsSlowDownThenBan();
    void failuresInFlightCountTowardsTheBan();
    void passwordChecksLeaveRoomForOthers_data();
    void passwordChecksLeaveRoomForOthers();
    void operatorKicks();

private:
    void start(ServerConfig config);
    TestClient *client();
    QString accountsWith(const QStringList &nicksAndPasswords, int iterations = 1000);
    TestClient *clientFrom(const QString &address);
    QByteArray captureClientHello();

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<TestClient *> m_clients;
    QSslCertificate m_certificate;
};

void tst_Security::init()
{
    QVERIFY(m_dir.isValid());
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(
            QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem"));
    QCOMPARE(certificates.size(), 1);
    m_certificate = certificates.constFirst();
}

void tst_Security::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_Security::start(ServerConfig config)
{
    config.port = 0;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

TestClient *tst_Security::client()
{
    auto *client = new TestClient;
    client->setAnswersPings(true);
    m_clients.append(client);
    return client;
}

QString tst_Security::accountsWith(const QStringList &nicksAndPasswords, int iterations)
{
    return writeAccounts(m_dir.filePath(u"accounts"_s), nicksAndPasswords, iterations);
}

TestClient *tst_Security::clientFrom(const QString &address)
{
    // Any 127.x.y.z reaches the server on 127.0.0.1 and is a different address to it.
    TestClient *result = client();
    result->socket()->bind(QHostAddress(address));
    result->connectTo(m_server->serverPort());
    return result;
}

static ServerConfig tlsConfig(bool tlsOnly)
{
    ServerConfig config;
    config.tlsCertPath = QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem");
    config.tlsKeyPath = QStringLiteral(NATTER_TEST_DATA "/test-only-key.pem");
    config.tlsOnly = tlsOnly;
    return config;
}

void tst_Security::chatOverTls()
{
    start(tlsConfig(true));
    TestClient *aa = client();
    TestClient *bb = client();
    aa->connectEncrypted(m_server->serverPort(), m_certificate);
    bb->connectEncrypted(m_server->serverPort(), m_certificate);
    QTRY_VERIFY_WITH_TIMEOUT(aa->socket()->isEncrypted() && bb->socket()->isEncrypted(), 5000);
    QVERIFY(aa->socket()->sslHandshakeErrors().isEmpty());
    QCOMPARE(aa->socket()->peerCertificate(), m_certificate);
    aa->hello(u"aa"_s);
    QTRY_COMPARE(aa->count<Welcome>(), 1);
    bb->hello(u"bb"_s);
    QTRY_COMPARE(bb->count<Welcome>(), 1);

    aa->say(u"over TLS"_s, u"1"_s);
    QTRY_COMPARE(bb->count<Message>(), 1);
    QCOMPARE(bb->last<Message>().text, u"over TLS"_s);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    bb->say(u"and back"_s, u"2"_s);
    QTRY_COMPARE(aa->count<Message>(), 1);
    QCOMPARE(aa->last<Message>().from, u"bb"_s);
}

void tst_Security::plainClientsStillWelcomeWithoutTlsOnly()
{
    start(tlsConfig(false));
    TestClient *secure = client();
    secure->connectEncrypted(m_server->serverPort(), m_certificate);
    secure->hello(u"secure"_s);
    QTRY_COMPARE_WITH_TIMEOUT(secure->count<Welcome>(), 1, 5000);
    TestClient *nc = client();
    nc->connectTo(m_server->serverPort());
    nc->sendLine("plain");
    nc->sendLine("hello from a terminal");
    QTRY_COMPARE(secure->count<Message>(), 1);
    QCOMPARE(secure->last<Message>().text, u"hello from a terminal"_s);
}

void tst_Security::plainClientIsRefusedUnderTlsOnly_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("JSON client") << true;
    QTest::newRow("terminal client") << false;
}

void tst_Security::plainClientIsRefusedUnderTlsOnly()
{
    QFETCH(bool, json);
    start(tlsConfig(true));
    TestClient *plain = client();
    plain->connectTo(m_server->serverPort());
    if (json)
        plain->hello(u"plain"_s);
    else
        plain->sendLine("plain");
    QTRY_VERIFY(plain->wasDisconnected());
    if (json) {
        QCOMPARE(plain->count<Error>(), 1);
        QCOMPARE(plain->last<Error>().code, ErrorCode::TlsRequired);
    } else {
        QCOMPARE(plain->lines().size(), 1);
        QVERIFY(plain->lines().constFirst().startsWith("Error: This server accepts TLS"));
    }
    QCOMPARE(m_server->room()->memberCount(), 0);
}

void tst_Security::tlsClientIsToldWhyItIsRefused()
{
    ServerConfig config = tlsConfig(true);
    config.maxClients = 1;
    start(config);
    TestClient *aa = client();
    aa->connectEncrypted(m_server->serverPort(), m_certificate);
    aa->hello(u"aa"_s);
    QTRY_COMPARE(aa->count<Welcome>(), 1);

    // The refusal comes while the newcomer's handshake is under way: it must still arrive,
    // encrypted, rather than the connection just closing.
    TestClient *bb = client();
    bb->connectEncrypted(m_server->serverPort(), m_certificate);
    QTRY_VERIFY_WITH_TIMEOUT(bb->wasDisconnected(), 5000);
    QVERIFY(bb->socket()->sslHandshakeErrors().isEmpty());
    QCOMPARE(bb->count<Error>(), 1);
    QCOMPARE(bb->last<Error>().code, ErrorCode::ServerFull);
}

QByteArray tst_Security::captureClientHello()
{
    // What a real TLS client sends first, caught by a listener that never answers it.
    QTcpServer catcher;
    if (!catcher.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket tls;
    tls.connectToHostEncrypted(u"127.0.0.1"_s, catcher.serverPort());
    if (!catcher.waitForNewConnection(5000))
        return {};
    std::unique_ptr<QTcpSocket> peer(catcher.nextPendingConnection());
    QByteArray hello;
    // A TLS record: type, version (2 bytes), length (2 bytes), then the body.
    auto complete = [&] {
        hello += peer->readAll();
        return hello.size() >= 5
                && hello.size() >= 5 + ((uchar(hello.at(3)) << 8) | uchar(hello.at(4)));
    };
    if (!QTest::qWaitFor(complete, 5000))
        return {};
    return hello;
}

void tst_Security::stalledTlsHandshakesAreClosed_data()
{
    QTest::addColumn<int>("helloTimeoutMs");
    QTest::addColumn<int>("handshakeTimeoutMs");
    QTest::newRow("hello timeout covers the handshake") << 1000 << 60'000;
    QTest::newRow("the handshake's own deadline") << 60'000 << 1000;
}

void tst_Security::stalledTlsHandshakesAreClosed()
{
    QFETCH(int, helloTimeoutMs);
    QFETCH(int, handshakeTimeoutMs);
    ServerConfig config = tlsConfig(false);
    config.helloTimeout = std::chrono::milliseconds(helloTimeoutMs);
    config.tlsHandshakeTimeout = std::chrono::milliseconds(handshakeTimeoutMs);
    config.maxClients = 4;
    start(config);
    const QByteArray clientHello = captureClientHello();
    QVERIFY(clientHello.startsWith('\x16'));

    // Connections that start a handshake and then say nothing: half send one byte, half a
    // whole ClientHello. Together they take every slot.
    std::vector<std::unique_ptr<QTcpSocket>> stalled;
    for (int i = 0; i < config.maxClients; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QTRY_COMPARE(socket->state(), QAbstractSocket::ConnectedState);
        socket->write(i % 2 ? clientHello : QByteArray(1, '\x16'));
        stalled.push_back(std::move(socket));
    }
    QTRY_COMPARE(m_server->sessionCount(), config.maxClients);

    for (const auto &socket : stalled)
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->sessionCount(), 0, 5000);

    // The slots are free again.
    TestClient *late = client();
    late->connectEncrypted(m_server->serverPort(), m_certificate);
    QTRY_VERIFY_WITH_TIMEOUT(late->socket()->isEncrypted(), 5000);
    late->hello(u"late"_s);
    QTRY_COMPARE(late->count<Welcome>(), 1);
}

void tst_Security::accountsFileHoldsHashesOnly()
{
    const QString path = accountsWith({ u"alice"_s, u"correct horse"_s });
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(!content.contains("correct horse"));
    static const QRegularExpression line(u"^alice:pbkdf2-sha256:1000:[A-Za-z0-9+/=]{24}:"
                                         "[A-Za-z0-9+/=]{44}\\n$"_s);
    QVERIFY2(line.match(QString::fromLatin1(content)).hasMatch(), content.constData());
    QCOMPARE(file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions {});
    // Same password again: a new salt, so a different line.
    accountsWith({ u"alice"_s, u"correct horse"_s });
    QFile again(path);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QVERIFY(again.readAll() != content);
}

void tst_Security::registeredNickNeedsItsPassword()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.loginFailureDelay = 10ms;
    start(config);

    TestClient *missing = client();
    missing->connectTo(m_server->serverPort());
    missing->hello(u"alice"_s);
    QTRY_COMPARE(missing->count<Error>(), 1);
    QCOMPARE(missing->last<Error>().code, ErrorCode::AuthRequired);
    QVERIFY(!missing->wasDisconnected()); // may try again with the password
    missing->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(missing->count<Welcome>(), 1);
    missing->socket()->disconnectFromHost();
    QTRY_COMPARE(m_server->room()->memberCount(), 0);

    TestClient *wrong = client();
    wrong->connectTo(m_server->serverPort());
    wrong->hello(u"alice"_s, std::nullopt, u"guess"_s);
    QTRY_COMPARE(wrong->count<Error>(), 1);
    QCOMPARE(wrong->last<Error>().code, ErrorCode::AuthFailed);
    QTRY_VERIFY(wrong->wasDisconnected());
    QCOMPARE(wrong->count<Welcome>(), 0);

    TestClient *right = client();
    right->connectTo(m_server->serverPort());
    right->hello(u"Alice"_s, std::nullopt, u"s3cret"_s); // nicks are case-insensitive
    QTRY_COMPARE(right->count<Welcome>(), 1);
    QCOMPARE(right->last<Welcome>().nick, u"Alice"_s);
}

void tst_Security::registeredNickCannotBeTaken()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.loginFailureDelay = 10ms;
    start(config);
    // Nobody is online as alice, and still nobody else may use the name, in any case.
    for (const QString &nick : { u"alice"_s, u"ALICE"_s }) {
        TestClient *impostor = client();
        impostor->connectTo(m_server->serverPort());
        impostor->hello(nick);
        QTRY_COMPARE(impostor->count<Error>(), 1);
        QCOMPARE(impostor->last<Error>().code, ErrorCode::AuthRequired);
        QCOMPARE(impostor->count<Welcome>(), 0);
    }
    TestClient *terminal = client();
    terminal->connectTo(m_server->serverPort());
    terminal->sendLine("alice");
    QTRY_VERIFY(terminal->lines().size() == 1);
    QVERIFY(terminal->lines().constFirst().startsWith("Error: The nickname alice is registered"));
    terminal->sendLine("alice s3cret"); // a terminal gives "nick password"
    QTRY_VERIFY(terminal->lines().size() >= 2);
    QVERIFY(terminal->lines().at(1).startsWith("Welcome to Natter, alice!"));
    QCOMPARE(m_server->room()->memberCount(), 1);
}

void tst_Security::registeredOnlyRefusesOthers()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.registeredOnly = true;
    start(config);
    TestClient *stranger = client();
    stranger->connectTo(m_server->serverPort());
    stranger->hello(u"bob"_s);
    QTRY_COMPARE(stranger->count<Error>(), 1);
    QCOMPARE(stranger->last<Error>().code, ErrorCode::AuthRequired);
    QVERIFY(stranger->last<Error>().text.contains(u"Only registered"_s));
    TestClient *alice = client();
    alice->connectTo(m_server->serverPort());
    alice->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(alice->count<Welcome>(), 1);
}

void tst_Security::sharedServerPassword()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.passwordFile = m_dir.filePath(u"password"_s);
    config.loginFailureDelay = 10ms;
    QFile file(config.passwordFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("letmein\n");
    file.close();
    start(config);

    TestClient *none = client();
    none->connectTo(m_server->serverPort());
    none->hello(u"bob"_s);
    QTRY_COMPARE(none->count<Error>(), 1);
    QCOMPARE(none->last<Error>().code, ErrorCode::AuthRequired);

    TestClient *wrong = client();
    wrong->connectTo(m_server->serverPort());
    wrong->hello(u"bob"_s, std::nullopt, u"letmeout"_s);
    QTRY_COMPARE(wrong->count<Error>(), 1);
    QCOMPARE(wrong->last<Error>().code, ErrorCode::AuthFailed);
    QTRY_VERIFY(wrong->wasDisconnected());

    TestClient *bob = client();
    bob->connectTo(m_server->serverPort());
    bob->hello(u"bob"_s, std::nullopt, u"letmein"_s);
    QTRY_COMPARE(bob->count<Welcome>(), 1);
    // An account's own password is enough; the shared one is not its password.
    TestClient *alice = client();
    alice->connectTo(m_server->serverPort());
    alice->hello(u"alice"_s, std::nullopt, u"letmein"_s);
    QTRY_COMPARE(alice->count<Error>(), 1);
    QCOMPARE(alice->last<Error>().code, ErrorCode::AuthFailed);
    TestClient *realAlice = client();
    realAlice->connectTo(m_server->serverPort());
    realAlice->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(realAlice->count<Welcome>(), 1);
}

void tst_Security::failedLoginsSlowDownThenBan()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.loginFailureDelay = 100ms;
    config.loginFailuresBeforeBan = 3;
    config.banDuration = 60s;
    start(config);

    // Each wrong guess from this address is answered later than the one before.
    for (int attempt = 1; attempt <= 2; ++attempt) {
        TestClient *guesser = client();
        guesser->connectTo(m_server->serverPort());
        QElapsedTimer answeredAfter;
        answeredAfter.start();
        guesser->hello(u"alice"_s, std::nullopt, u"guess%1"_s.arg(attempt));
        QTRY_COMPARE_WITH_TIMEOUT(guesser->count<Error>(), 1, 5000);
        QCOMPARE(guesser->last<Error>().code, ErrorCode::AuthFailed);
        QVERIFY2(answeredAfter.elapsed() >= 100 * attempt,
                 qPrintable(u"answered after %1 ms"_s.arg(answeredAfter.elapsed())));
        QTRY_VERIFY(guesser->wasDisconnected());
    }
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"Banning 127.0.0.1 for 60 s after 3 failed logins"_s));
    TestClient *third = client();
    third->connectTo(m_server->serverPort());
    third->hello(u"alice"_s, std::nullopt, u"guess3"_s);
    QTRY_COMPARE_WITH_TIMEOUT(third->count<Error>(), 1, 5000);
    QTRY_VERIFY(third->wasDisconnected());

    // Banned: even the right password is not looked at.
    TestClient *banned = client();
    banned->connectTo(m_server->serverPort());
    banned->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_VERIFY(banned->wasDisconnected());
    QCOMPARE(banned->count<Error>(), 1);
    QCOMPARE(banned->last<Error>().code, ErrorCode::Banned);
    QCOMPARE(banned->count<Welcome>(), 0);
}

void tst_Security::failuresInFlightCountTowardsTheBan()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s });
    config.loginFailureDelay = 10ms;
    config.loginFailuresBeforeBan = 10;
    config.banDuration = 60s;
    start(config);
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"Banning 127.0.0.1 for 60 s after 10 failed logins"_s));

    // Fifty guesses sent at once, before any of them is answered.
    QList<TestClient *> guessers;
    for (int i = 0; i < 50; ++i) {
        guessers.append(client());
        guessers.last()->connectTo(m_server->serverPort());
    }
    QTRY_COMPARE(m_server->sessionCount(), 50);
    for (qsizetype i = 0; i < guessers.size(); ++i)
        guessers.at(i)->hello(u"alice"_s, std::nullopt, u"guess%1"_s.arg(i));

    // Only as many are checked as the limit allows; the others learn nothing but the ban.
    int failed = 0;
    int banned = 0;
    for (TestClient *guesser : std::as_const(guessers)) {
        QTRY_COMPARE_WITH_TIMEOUT(guesser->count<Error>(), 1, 10000);
        const ErrorCode code = guesser->last<Error>().code;
        QVERIFY2(code == ErrorCode::AuthFailed || code == ErrorCode::Banned,
                 qPrintable(errorCodeName(code)));
        ++(code == ErrorCode::AuthFailed ? failed : banned);
        QTRY_VERIFY(guesser->wasDisconnected());
    }
    QCOMPARE(failed, config.loginFailuresBeforeBan);
    QCOMPARE(banned, 50 - config.loginFailuresBeforeBan);
}

void tst_Security::passwordChecksLeaveRoomForOthers_data()
{
    QTest::addColumn<bool>("manyAddresses");
    QTest::newRow("from one address") << false;
    QTest::newRow("from many addresses") << true;
}

void tst_Security::passwordChecksLeaveRoomForOthers()
{
    QFETCH(bool, manyAddresses);
    ServerConfig config;
    // The real cost of a check: the point is who waits for the hashing threads.
    config.accountsPath = accountsWith({ u"mallory"_s, u"m4llory"_s, u"alice"_s, u"s3cret"_s },
                                       AccountStore::DefaultIterations);
    start(config);
    auto aliceLogsIn = [this] {
        TestClient *alice = clientFrom(u"127.0.0.2"_s);
        QElapsedTimer timer;
        timer.start();
        alice->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
        if (!QTest::qWaitFor([&] { return alice->count<Welcome>() == 1; }, 30000))
            return qint64(-1);
        const qint64 elapsed = timer.elapsed();
        alice->send(Exit {});
        if (!QTest::qWaitFor([&] { return alice->wasDisconnected(); }, 5000))
            return qint64(-1);
        return elapsed;
    };
    const qint64 alone = aliceLogsIn();
    QVERIFY(alone > 0);

    // Forty correct logins to the attacker's own account (never a failure, so never banned).
    for (int i = 0; i < 40; ++i) {
        TestClient *mallory = manyAddresses ? clientFrom(u"127.0.1.%1"_s.arg(i + 1))
                                            : clientFrom(u"127.0.0.1"_s);
        mallory->hello(u"mallory"_s, std::nullopt, u"m4llory"_s);
    }
    QTRY_COMPARE(m_server->sessionCount(), 40);
    const qint64 underAttack = aliceLogsIn();
    QVERIFY(underAttack > 0);
    qInfo("alice logs in in %lld ms alone, %lld ms during 40 other logins", alone, underAttack);
    // Alice waits for a check or two, not for forty.
    QVERIFY2(underAttack < 4 * alone,
             qPrintable(u"%1 ms against %2 ms alone"_s.arg(underAttack).arg(alone)));
}

void tst_Security::operatorKicks()
{
    ServerConfig config;
    config.accountsPath = accountsWith({ u"alice"_s, u"s3cret"_s, u"bob"_s, u"hunter2"_s });
    config.operators = { u"alice"_s };
    start(config);
    TestClient *alice = client();
    alice->connectTo(m_server->serverPort());
    alice->hello(u"alice"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(alice->count<Welcome>(), 1);
    TestClient *bob = client();
    bob->connectTo(m_server->serverPort());
    bob->hello(u"bob"_s, std::nullopt, u"hunter2"_s);
    QTRY_COMPARE(bob->count<Welcome>(), 1);
    TestClient *carol = client();
    QVERIFY(carol->join(m_server->serverPort(), u"carol"_s));

    // Only operators may kick.
    bob->send(Kick { u"alice"_s, u"mutiny"_s, u"k1"_s });
    QTRY_COMPARE(bob->count<Error>(), 1);
    QCOMPARE(bob->last<Error>().code, ErrorCode::Forbidden);
    QCOMPARE(bob->last<Error>().id, u"k1"_s);
    alice->send(Kick { u"nobody"_s, {}, u"k2"_s });
    QTRY_COMPARE(alice->count<Error>(), 1);
    QCOMPARE(alice->last<Error>().code, ErrorCode::NoSuchUser);

    alice->send(Kick { u"bob"_s, u"spam"_s, u"k3"_s });
    QTRY_VERIFY(bob->wasDisconnected());
    QCOMPARE(bob->last<Error>().code, ErrorCode::Kicked);
    QVERIFY(bob->last<Error>().text.contains(u"alice: spam"_s));
    for (TestClient *witness : { alice, carol }) {
        QTRY_COMPARE(witness->count<Left>(), 1);
        QCOMPARE(witness->last<Left>().nick, u"bob"_s);
        QCOMPARE(witness->last<Left>().reason, LeaveReason::Kicked);
        QCOMPARE(witness->last<Left>().text, u"bob was removed from the chat by alice: spam."_s);
        QCOMPARE(witness->last<Left>().by, u"alice"_s);
        QCOMPARE(witness->last<Left>().comment, u"spam"_s);
    }
    QCOMPARE(m_server->room()->memberCount(), 2);
}

NATTER_SERVER_TEST_MAIN(tst_Security)
#include "tst_security.moc"
