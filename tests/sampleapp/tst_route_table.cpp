// The seam every sample-app route goes through (RouteTable + HttpExchange), on a real QHttpServer
// with a real client: a refused request gets its JSON error and status and never reaches the
// handler; every request is counted and timed exactly once, however it is answered (at once, from a
// worker, twice by mistake, or to a client that hung up); the one database-error body.
#include "core/http_exchange.h"
#include "core/route_table.h"
#include "core/telemetry.h"

#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

using Method = QHttpServerRequest::Method;

struct Answer
{
    int status = 0;
    QJsonObject json;
    QByteArray authenticate; // WWW-Authenticate
};

// The value of one sample of `name` whose labels include all of `labels` (Prometheus text format);
// -1 if there is none.
double sample(const Telemetry &telemetry, const QByteArray &name, const QByteArrayList &labels)
{
    const std::string text = telemetry.exposition();
    for (const QByteArray &line : QByteArray(text.data(), qsizetype(text.size())).split('\n')) {
        if (!line.startsWith(QByteArray(name + '{'))) {
            continue;
        }
        const QByteArray labelText = line.left(line.lastIndexOf('}') + 1);
        if (std::all_of(labels.begin(), labels.end(), [&](const QByteArray &l) { return labelText.contains(l); })) {
            return line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
    }
    return -1;
}

double requests(const Telemetry &t, const char *route, const char *method, int status)
{
    return sample(t, "app_http_requests_total",
        {QByteArray("route=\"") + route + '"', QByteArray("method=\"") + method + '"',
            "status=\"" + QByteArray::number(status) + '"'});
}

double timed(const Telemetry &t, const char *route)
{
    return sample(t, "app_http_request_duration_seconds_count", {QByteArray("route=\"") + route + '"'});
}

// Every status counted for a route, summed.
double allRequests(const Telemetry &t, const char *route)
{
    const std::string text = t.exposition();
    double sum = 0;
    const QByteArray label = QByteArray("route=\"") + route + '"';
    for (const QByteArray &line : QByteArray(text.data(), qsizetype(text.size())).split('\n')) {
        if (line.startsWith("app_http_requests_total{") && line.contains(label)) {
            sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
    }
    return sum;
}

} // namespace

class TestRouteTable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void precheckRefuses_data();
    void precheckRefuses();
    void acceptedRequestCountedOnce();
    void workerAnswerCountedOnce();
    void secondAnswerIsDropped();
    void hungUpClientCountedAs499();
    void fallbackAndWebSocketHandOver();
    void databaseErrorBody_data();
    void databaseErrorBody();

private:
    Answer send(const QByteArray &method, const QString &path, const QByteArray &body = {},
        const QByteArray &authorization = {});

    std::unique_ptr<Telemetry> m_telemetry;
    std::unique_ptr<QThreadPool> m_workers;
    std::unique_ptr<QHttpServer> m_server;
    std::unique_ptr<RouteTable> m_routes;
    QNetworkAccessManager m_client;
    quint16 m_port = 0;
    int m_handled = 0; // handler runs
};

void TestRouteTable::init()
{
    m_telemetry = std::make_unique<Telemetry>();
    m_workers = std::make_unique<QThreadPool>();
    m_server = std::make_unique<QHttpServer>();
    m_routes = std::make_unique<RouteTable>(
        *m_server, *m_telemetry, *m_workers, Guardrails {1000, 300, 64, 16}, QByteArray("s3cret"));
    m_handled = 0;
    m_routes->add("/read", {.method = Method::Get}, [this](const QHttpServerRequest &, const ExchangePtr &exchange) {
        ++m_handled;
        exchange->reply(200, QJsonObject {{u"ok"_s, true}});
    });
    m_routes->add("/command", {.method = Method::Post, .command = true},
        [this](const QHttpServerRequest &, const ExchangePtr &exchange) {
            ++m_handled;
            exchange->reply(200, QJsonObject {{u"ok"_s, true}});
        });
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);
}

void TestRouteTable::cleanup()
{
    m_workers->waitForDone();
    m_routes.reset();
    m_server.reset();
    m_workers.reset();
    m_telemetry.reset();
}

Answer TestRouteTable::send(
    const QByteArray &method, const QString &path, const QByteArray &body, const QByteArray &authorization)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!authorization.isEmpty()) {
        request.setRawHeader("Authorization", authorization);
    }
    std::unique_ptr<QNetworkReply> reply(m_client.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000)) {
        return {};
    }
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
        QJsonDocument::fromJson(reply->readAll()).object(), reply->rawHeader("WWW-Authenticate")};
}

void TestRouteTable::precheckRefuses_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<bool>("shuttingDown");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addRow("wrong method") << QByteArray("POST") << u"/read"_s << QByteArray() << QByteArray() << false << 405
                                  << u"method_not_allowed"_s;
    QTest::addRow("command without token")
        << QByteArray("POST") << u"/command"_s << QByteArray() << QByteArray() << false << 401 << u"unauthorized"_s;
    QTest::addRow("command with a wrong token") << QByteArray("POST") << u"/command"_s << QByteArray()
                                                << QByteArray("Bearer s3creT") << false << 401 << u"unauthorized"_s;
    QTest::addRow("body too large") << QByteArray("GET") << u"/read"_s << QByteArray(17, 'x') << QByteArray() << false
                                    << 413 << u"body_too_large"_s;
    QTest::addRow("after the drain: read")
        << QByteArray("GET") << u"/read"_s << QByteArray() << QByteArray() << true << 503 << u"shutting_down"_s;
    QTest::addRow("after the drain: command") << QByteArray("POST") << u"/command"_s << QByteArray()
                                              << QByteArray("Bearer s3cret") << true << 503 << u"shutting_down"_s;
}

void TestRouteTable::precheckRefuses()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, authorization);
    QFETCH(bool, shuttingDown);
    QFETCH(int, status);
    QFETCH(QString, code);
    if (shuttingDown) {
        m_routes->refuseNewWork();
    }
    const Answer a = send(method, path, body, authorization);
    QCOMPARE(a.status, status);
    QCOMPARE(a.json.value(u"error").toString(), code);
    QVERIFY(!a.json.value(u"message").toString().isEmpty());
    QCOMPARE(a.authenticate, status == 401 ? QByteArray("Bearer") : QByteArray());
    QCOMPARE(m_handled, 0); // refused before the handler
    const QByteArray route = path.toLatin1();
    QCOMPARE(requests(*m_telemetry, route.constData(), method.constData(), status), 1.0);
    QCOMPARE(allRequests(*m_telemetry, route.constData()), 1.0);
    QCOMPARE(timed(*m_telemetry, route.constData()), 1.0);
    QCOMPARE(m_routes->pendingAnswers(), 0);
}

void TestRouteTable::acceptedRequestCountedOnce()
{
    QCOMPARE(send("GET", u"/read"_s).status, 200);
    QCOMPARE(send("POST", u"/command"_s, {}, "Bearer s3cret").status, 200);
    QCOMPARE(m_handled, 2);
    QCOMPARE(requests(*m_telemetry, "/read", "GET", 200), 1.0);
    QCOMPARE(allRequests(*m_telemetry, "/read"), 1.0);
    QCOMPARE(timed(*m_telemetry, "/read"), 1.0);
    QCOMPARE(requests(*m_telemetry, "/command", "POST", 200), 1.0);
    QCOMPARE(m_routes->paths(), (QStringList {u"/read"_s, u"/command"_s}));
}

void TestRouteTable::workerAnswerCountedOnce()
{
    QSemaphore go;
    m_routes->add("/slow", {.method = Method::Post}, [&](const QHttpServerRequest &, const ExchangePtr &exchange) {
        m_routes->answerFromWorker(exchange, [&go]() -> JsonReply {
            go.acquire();
            return {201, QJsonObject {{u"done"_s, true}}};
        });
    });
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/slow").arg(m_port)));
    std::unique_ptr<QNetworkReply> reply(m_client.sendCustomRequest(request, "POST"));
    QTRY_COMPARE(m_routes->pendingAnswers(), 1); // accepted, not answered: what the shutdown waits for
    QCOMPARE(allRequests(*m_telemetry, "/slow"), 0.0);
    go.release();
    QTRY_VERIFY(reply->isFinished());
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
    QCOMPARE(m_routes->pendingAnswers(), 0);
    QCOMPARE(requests(*m_telemetry, "/slow", "POST", 201), 1.0);
    QCOMPARE(allRequests(*m_telemetry, "/slow"), 1.0);
    QCOMPARE(timed(*m_telemetry, "/slow"), 1.0);
}

void TestRouteTable::secondAnswerIsDropped()
{
    m_routes->add("/twice", {}, [](const QHttpServerRequest &, const ExchangePtr &exchange) {
        exchange->reply(200, QJsonObject {{u"first"_s, true}});
        exchange->reply(500, QJsonObject {{u"second"_s, true}}); // a bug: logged, not written, not counted
    });
    const Answer a = send("GET", u"/twice"_s);
    QCOMPARE(a.status, 200);
    QVERIFY(a.json.value(u"first").toBool());
    QCOMPARE(allRequests(*m_telemetry, "/twice"), 1.0);
    QCOMPARE(timed(*m_telemetry, "/twice"), 1.0);
}

void TestRouteTable::hungUpClientCountedAs499()
{
    QSemaphore go;
    m_routes->add("/slow", {}, [&](const QHttpServerRequest &, const ExchangePtr &exchange) {
        m_routes->answerFromWorker(exchange, [&go]() -> JsonReply {
            go.acquire();
            return {200, {}};
        });
    });
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/slow").arg(m_port)));
    std::unique_ptr<QNetworkReply> reply(m_client.get(request));
    QTRY_COMPARE(m_routes->pendingAnswers(), 1);
    reply->abort();
    // The server sees the hang-up before the answer is ready.
    QTest::qWait(200);
    go.release();
    QTRY_COMPARE(m_routes->pendingAnswers(), 0);
    QTRY_COMPARE(requests(*m_telemetry, "/slow", "GET", 499), 1.0);
    QCOMPARE(allRequests(*m_telemetry, "/slow"), 1.0);
}

void TestRouteTable::fallbackAndWebSocketHandOver()
{
    m_routes->setFallback([](const QHttpServerRequest &, const ExchangePtr &exchange) {
        exchange->reply(404, QJsonObject {{u"error"_s, u"not_found"_s}});
    });
    const Answer a = send("PUT", u"/nowhere"_s);
    QCOMPARE(a.status, 404);
    QCOMPARE(requests(*m_telemetry, "other", "PUT", 404), 1.0);

    // A route without precheck that hands the connection over answers nothing and counts nothing
    // (the feed counts the upgrade it accepts); it is not pending.
    bool handedOver = false;
    m_routes->add("/ws", {.precheck = false}, [&](const QHttpServerRequest &, const ExchangePtr &exchange) {
        exchange->handOverToWebSocket();
        handedOver = true;
    });
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/ws").arg(m_port)));
    std::unique_ptr<QNetworkReply> reply(m_client.sendCustomRequest(request, "DELETE", QByteArray(100, 'x')));
    QTRY_VERIFY(handedOver); // no precheck: neither the method nor the body size refused it
    QCOMPARE(m_routes->pendingAnswers(), 0);
    QCOMPARE(allRequests(*m_telemetry, "/ws"), 0.0);
    reply->abort();
}

void TestRouteTable::databaseErrorBody_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("withAttempts");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addRow("transient") << int(DbErrorKind::Transient) << true << 503 << u"database_unavailable"_s;
    QTest::addRow("connect") << int(DbErrorKind::Connect) << false << 503 << u"database_unavailable"_s;
    QTest::addRow("acquire timeout") << int(DbErrorKind::AcquireTimeout) << true << 503 << u"database_unavailable"_s;
    QTest::addRow("permanent") << int(DbErrorKind::Permanent) << false << 500 << u"database_error"_s;
}

void TestRouteTable::databaseErrorBody()
{
    QFETCH(int, kind);
    QFETCH(bool, withAttempts);
    QFETCH(int, status);
    QFETCH(QString, code);
    const JsonReply r
        = databaseErrorReply(DbFailure {DbErrorKind(kind), u"40001"_s, u"restart transaction"_s, 3}, withAttempts);
    QCOMPARE(r.status, status);
    QCOMPARE(r.body.value(u"error").toString(), code);
    QCOMPARE(r.body.value(u"message").toString(), u"restart transaction"_s);
    QCOMPARE(r.body.value(u"sqlstate").toString(), u"40001"_s);
    QCOMPARE(r.body.contains(u"attempts"), withAttempts);
    if (withAttempts) {
        QCOMPARE(r.body.value(u"attempts").toInt(), 3);
    }
}

QTEST_MAIN(TestRouteTable)
#include "tst_route_table.moc"
