#include "accountstore.h"
#include "chatclient.h"
#include "chatserver.h"
#include "testclient.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Protocol::ErrorCode;

// The client's side of security: TLS with certificate pinning, passwords, and being kicked.
class tst_ClientSecurity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void unknownCertificateIsShownThenTrustedOnce();
    void trustedAlwaysIsRememberedAndAChangeIsLoud();
    void passwordRefusalsStopReconnecting();
    void kickedClientStaysDisconnected();

private:
    void startServer(ServerConfig config);
    QString accounts();
    std::unique_ptr<ChatClient> newClient();

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<ChatClient *> m_clients;
    QByteArray m_fingerprint;
};

void tst_ClientSecurity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(u"natter-tests"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    const QList<QSslCertificate> certificate = QSslCertificate::fromPath(
            QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem"));
    QCOMPARE(certificate.size(), 1);
    m_fingerprint = certificate.constFirst().digest(QCryptographicHash::Sha256);
}

void tst_ClientSecurity::init()
{
    QSettings().clear();
}

void tst_ClientSecurity::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_ClientSecurity::startServer(ServerConfig config)
{
    config.port = 0;
    config.tlsCertPath = QStringLiteral(NATTER_TEST_DATA "/test-only-cert.pem");
    config.tlsKeyPath = QStringLiteral(NATTER_TEST_DATA "/test-only-key.pem");
    config.loginFailureDelay = 10ms;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

QString tst_ClientSecurity::accounts()
{
    const QString path = m_dir.filePath(u"accounts"_s);
    QFile::remove(path);
    QString error;
    for (const auto &[nick, password] :
         { std::pair { u"alice"_s, u"s3cret"_s }, std::pair { u"bob"_s, u"hunter2"_s } }) {
        if (!AccountStore::addUser(path, nick, password, &error, 1000))
            qWarning("%s", qPrintable(error));
    }
    return path;
}

std::unique_ptr<ChatClient> tst_ClientSecurity::newClient()
{
    auto client = std::make_unique<ChatClient>();
    client->setReconnectDelays(50ms, 400ms);
    return client;
}

void tst_ClientSecurity::unknownCertificateIsShownThenTrustedOnce()
{
    startServer({});
    auto client = newClient();
    QSignalSpy asked(client.get(), &ChatClient::certificateNeedsTrust);
    client->connectToServer(u"127.0.0.1"_s, m_server->serverPort(), u"aa"_s, {}, true);
    QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 5000);
    QCOMPARE(asked.at(0).at(2).toString(), CertificateTrust::formatFingerprint(m_fingerprint));
    QCOMPARE(asked.at(0).at(3).toBool(), false); // not a change: never seen before
    QVERIFY(!asked.at(0).at(4).toStringList().isEmpty()); // why the system does not trust it
    QCOMPARE(client->state(), ChatClient::State::Disconnected);
    QCOMPARE(m_server->room()->memberCount(), 0); // no hello went out before the check

    client->acceptCertificate(false);
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), ChatClient::State::Online, 5000);
    QVERIFY(client->isEncrypted());
    QCOMPARE(asked.size(), 1);
    // "Once" is not written down anywhere.
    QCOMPARE(CertificateTrust().check(u"127.0.0.1"_s, m_server->serverPort(), m_fingerprint),
             CertificateTrust::Status::Unknown);
}

void tst_ClientSecurity::trustedAlwaysIsRememberedAndAChangeIsLoud()
{
    startServer({});
    const quint16 port = m_server->serverPort();
    {
        auto first = newClient();
        QSignalSpy asked(first.get(), &ChatClient::certificateNeedsTrust);
        first->connectToServer(u"127.0.0.1"_s, port, u"aa"_s, {}, true);
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 5000);
        first->acceptCertificate(true);
        QTRY_COMPARE_WITH_TIMEOUT(first->state(), ChatClient::State::Online, 5000);
    }
    // Another run of the client: no question this time.
    auto second = newClient();
    QSignalSpy notAsked(second.get(), &ChatClient::certificateNeedsTrust);
    second->connectToServer(u"127.0.0.1"_s, port, u"bb"_s, {}, true);
    QTRY_COMPARE_WITH_TIMEOUT(second->state(), ChatClient::State::Online, 5000);
    QCOMPARE(notAsked.size(), 0);

    // The pinned certificate for this host:port is another one now: reported as a change.
    CertificateTrust().trustAlways(u"127.0.0.1"_s, port, QByteArray(32, 'x'));
    auto third = newClient();
    QSignalSpy asked(third.get(), &ChatClient::certificateNeedsTrust);
    third->connectToServer(u"127.0.0.1"_s, port, u"cc"_s, {}, true);
    QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 5000);
    QCOMPARE(asked.at(0).at(3).toBool(), true);
    QCOMPARE(third->state(), ChatClient::State::Disconnected);
    QVERIFY(!QTest::qWaitFor([&] { return third->state() != ChatClient::State::Disconnected; },
                             300)); // and it does not reconnect by itself
}

void tst_ClientSecurity::passwordRefusalsStopReconnecting()
{
    ServerConfig config;
    config.accountsPath = accounts();
    startServer(config);
    const quint16 port = m_server->serverPort();
    auto client = newClient();
    QSignalSpy refused(client.get(), &ChatClient::joinRefused);

    client->connectToServer(u"127.0.0.1"_s, port, u"alice"_s);
    QTRY_COMPARE(refused.size(), 1);
    QCOMPARE(refused.at(0).at(0).value<ErrorCode>(), ErrorCode::AuthRequired);
    QCOMPARE(client->state(), ChatClient::State::Disconnected);

    client->connectToServer(u"127.0.0.1"_s, port, u"alice"_s, u"wrong"_s);
    QTRY_COMPARE(refused.size(), 2);
    QCOMPARE(refused.at(1).at(0).value<ErrorCode>(), ErrorCode::AuthFailed);
    QVERIFY(!QTest::qWaitFor([&] { return client->state() != ChatClient::State::Disconnected; },
                             300));

    client->connectToServer(u"127.0.0.1"_s, port, u"alice"_s, u"s3cret"_s);
    QTRY_COMPARE(client->state(), ChatClient::State::Online);
}

void tst_ClientSecurity::kickedClientStaysDisconnected()
{
    ServerConfig config;
    config.accountsPath = accounts();
    config.operators = { u"alice"_s };
    startServer(config);
    const quint16 port = m_server->serverPort();
    auto alice = newClient();
    alice->connectToServer(u"127.0.0.1"_s, port, u"alice"_s, u"s3cret"_s);
    auto bob = newClient();
    bob->connectToServer(u"127.0.0.1"_s, port, u"bob"_s, u"hunter2"_s);
    QTRY_COMPARE(alice->state(), ChatClient::State::Online);
    QTRY_COMPARE(bob->state(), ChatClient::State::Online);
    QTRY_COMPARE(alice->users()->users().size(), 2);

    QSignalSpy refused(bob.get(), &ChatClient::joinRefused);
    alice->kick(u"bob"_s, u"spam"_s);
    QTRY_COMPARE(refused.size(), 1);
    QCOMPARE(refused.at(0).at(0).value<ErrorCode>(), ErrorCode::Kicked);
    QCOMPARE(bob->state(), ChatClient::State::Disconnected);
    QTRY_COMPARE(alice->users()->users(), QStringList { u"alice"_s });
    MessageModel *model = alice->messages();
    QCOMPARE(model->entry(model->rowCount() - 1).text,
             u"bob was removed from the chat by alice: spam"_s);
    QVERIFY(!QTest::qWaitFor([&] { return bob->state() != ChatClient::State::Disconnected; }, 300));
}

QTEST_GUILESS_MAIN(tst_ClientSecurity)
#include "tst_clientsecurity.moc"
