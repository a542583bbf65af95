// SPDX-License-Identifier: BSD-3-Clause
#include "chatserver.h"
#include "metricsendpoint.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

// The metrics endpoint over a real HTTP socket on 127.0.0.1 (a free port), in front of a real
// server with real clients: what it reports follows what they do.
class tst_MetricsEndpoint : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void healthzAnswersUntilStopping();
    void countsConnectionsMessagesAndDeliveries();
    void countsRemovalsAndRefusals();
    void unknownPathIsNotFound();
    void busyPortIsAnError();

private:
    void start(const ServerConfig &config);
    struct Response
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };
    Response get(const QString &path);
    // The value of one sample ("natter_connections{face=\"json\"}") on /metrics; -1 if absent.
    double sample(const QString &name);

    std::unique_ptr<ChatServer> m_server;
    std::unique_ptr<MetricsEndpoint> m_metrics;
    QNetworkAccessManager m_network;
    QList<TestClient *> m_clients;
};

void tst_MetricsEndpoint::init()
{
    ServerConfig config;
    config.port = 0;
    config.rate = 0;
    start(config);
}

void tst_MetricsEndpoint::start(const ServerConfig &config)
{
    cleanup();
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY(m_server->listen());
    m_metrics = std::make_unique<MetricsEndpoint>(m_server.get());
    QVERIFY2(m_metrics->listen(QHostAddress::LocalHost, 0), qPrintable(m_metrics->errorString()));
    QVERIFY(m_metrics->serverPort() != 0);
}

void tst_MetricsEndpoint::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_metrics.reset();
    m_server.reset();
}

tst_MetricsEndpoint::Response tst_MetricsEndpoint::get(const QString &path)
{
    QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_metrics->serverPort()).arg(path)));
    request.setTransferTimeout(5000);
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
             reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll() };
}

double tst_MetricsEndpoint::sample(const QString &name)
{
    const Response response = get(u"/metrics"_s);
    for (const QByteArray &line : response.body.split('\n')) {
        if (line.startsWith(name.toUtf8() + ' '))
            return line.mid(name.toUtf8().size() + 1).toDouble();
    }
    return -1;
}

void tst_MetricsEndpoint::healthzAnswersUntilStopping()
{
    Response response = get(u"/healthz"_s);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("ok\n"));
    QSignalSpy stopped(m_server.get(), &ChatServer::stopped);
    m_server->shutdown();
    response = get(u"/healthz"_s);
    QCOMPARE(response.status, 503);
    QCOMPARE(response.body, QByteArray("stopping\n"));
}

void tst_MetricsEndpoint::countsConnectionsMessagesAndDeliveries()
{
    const Response page = get(u"/metrics"_s);
    QCOMPARE(page.status, 200);
    QVERIFY2(page.contentType.startsWith("text/plain; version=0.0.4"),
             page.contentType.constData());
    // Every sample belongs to a family announced with HELP and TYPE.
    static const QRegularExpression sampleLine(
            u"^(natter_[a-z_]+?)(_bucket|_sum|_count)?(\\{[a-z]+=\"[^\"]*\"\\})? [0-9.e+-]+$"_s);
    for (const QByteArray &line : page.body.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QRegularExpressionMatch match = sampleLine.match(QString::fromUtf8(line));
        QVERIFY2(match.hasMatch(), line.constData());
        QVERIFY2(page.body.contains("# TYPE " + match.captured(1).toUtf8() + ' '),
                 line.constData());
    }

    const double received = sample(u"natter_messages_received_total"_s);
    const double delivered = sample(u"natter_messages_delivered_total"_s);
    const double deliveries = sample(u"natter_deliveries_total"_s);
    const double batches = sample(u"natter_store_batch_seconds_count"_s);
    QVERIFY(received >= 0 && delivered >= 0 && deliveries >= 0 && batches >= 0);
    QCOMPARE(sample(u"natter_connections{face=\"json\"}"_s), 0.0);

    auto *aa = new TestClient;
    auto *bb = new TestClient;
    auto *cc = new TestClient;
    m_clients << aa << bb << cc;
    QVERIFY(aa->join(m_server->serverPort(), u"aa"_s));
    QVERIFY(bb->join(m_server->serverPort(), u"bb"_s));
    cc->connectTo(m_server->serverPort());
    cc->sendLine("cc"); // a plain-text client, like nc
    QTRY_COMPARE(sample(u"natter_connections{face=\"plain\"}"_s), 1.0);
    QCOMPARE(sample(u"natter_connections{face=\"json\"}"_s), 2.0);
    QCOMPARE(sample(u"natter_connections{face=\"irc\"}"_s), 0.0);
    QCOMPARE(sample(u"natter_members"_s), 3.0);
    QCOMPARE(sample(u"natter_online"_s), 3.0);
    QCOMPARE(sample(u"natter_rooms"_s), 1.0);

    aa->say(u"hello"_s, u"m1"_s);
    QTRY_COMPARE(bb->count<Message>(), 1);
    QTRY_COMPARE(aa->count<Ack>(), 1);
    QCOMPARE(sample(u"natter_messages_received_total"_s), received + 1);
    QCOMPARE(sample(u"natter_messages_delivered_total"_s), delivered + 1);
    QCOMPARE(sample(u"natter_deliveries_total"_s), deliveries + 2); // bb and cc
    QVERIFY(sample(u"natter_store_batch_seconds_count"_s) >= batches + 1);
    QVERIFY(sample(u"natter_store_batch_seconds_bucket{le=\"+Inf\"}"_s) >= batches + 1);
    QVERIFY(sample(u"natter_store_batch_seconds_sum"_s) >= 0);
    QVERIFY(sample(u"natter_send_queue_bytes"_s) >= 0);

    bb->send(Exit {});
    QTRY_COMPARE(sample(u"natter_connections{face=\"json\"}"_s), 1.0);
    QTRY_COMPARE(sample(u"natter_members"_s), 2.0);
}

void tst_MetricsEndpoint::countsRemovalsAndRefusals()
{
    ServerConfig config;
    config.port = 0;
    config.maxClients = 1;
    config.pingInterval = std::chrono::milliseconds(100);
    config.timeout = std::chrono::milliseconds(300);
    start(config);
    const double timeouts = sample(u"natter_removals_total{reason=\"timeout\"}"_s);
    const double full = sample(u"natter_refusals_total{reason=\"server_full\"}"_s);
    QVERIFY(timeouts >= 0 && full >= 0);

    auto *silent = new TestClient; // does not answer pings
    auto *second = new TestClient;
    m_clients << silent << second;
    QVERIFY(silent->join(m_server->serverPort(), u"aa"_s));
    second->connectTo(m_server->serverPort());
    QTRY_COMPARE(second->count<Error>(), 1);
    QCOMPARE(second->last<Error>().code, ErrorCode::ServerFull);
    QCOMPARE(sample(u"natter_refusals_total{reason=\"server_full\"}"_s), full + 1);

    QTRY_VERIFY_WITH_TIMEOUT(silent->wasDisconnected(), 5000);
    QTRY_COMPARE(sample(u"natter_removals_total{reason=\"timeout\"}"_s), timeouts + 1);
    QCOMPARE(sample(u"natter_connections{face=\"json\"}"_s), 0.0);
}

void tst_MetricsEndpoint::unknownPathIsNotFound()
{
    QCOMPARE(get(u"/"_s).status, 404);
    QCOMPARE(get(u"/metrics/extra"_s).status, 404);
}

void tst_MetricsEndpoint::busyPortIsAnError()
{
    MetricsEndpoint second(m_server.get());
    QVERIFY(!second.listen(QHostAddress::LocalHost, m_metrics->serverPort()));
    QVERIFY2(second.errorString().startsWith(u"cannot serve metrics on 127.0.0.1:"_s),
             qPrintable(second.errorString()));
}

NATTER_SERVER_TEST_MAIN(tst_MetricsEndpoint)
#include "tst_metricsendpoint.moc"
