// The seam every sample-app route goes through (RouteTable + HttpExchange), on a real QHttpServer
// with a real client: a refused request gets its JSON error and status and never reaches the
// handler; every request is counted and timed exactly once, however it is answered (at once, from a
// worker, twice by mistake, or to a client that hung up); the one database-error body; an answer's
// bytes, written in one piece by the exchange, are exactly those Qt's own responder writes.
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
#include <QTcpSocket>
#include <QTest>
#include <QThreadPool>

#include <algorithm>
#include <tuple>

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
    void answerBytesAreQtsOwn_data();
    void answerBytesAreQtsOwn();

private:
    QByteArray rawAnswer(const QByteArray &path); // the whole answer to a GET, as received
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

QByteArray TestRouteTable::rawAnswer(const QByteArray &path)
{
    // Client and server share this thread: wait by running its event loop, never by blocking it.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000)) {
        return {};
    }
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    const auto complete = [&] { // the head, and as many body bytes as its Content-Length says
        answer += socket.readAll();
        const qsizetype headEnd = answer.indexOf("\r\n\r\n");
        const qsizetype at = answer.indexOf("Content-Length: ");
        if (headEnd < 0 || at < 0) {
            return false;
        }
        const qsizetype lineEnd = answer.indexOf("\r\n", at);
        return answer.size() >= headEnd + 4 + answer.mid(at + 16, lineEnd - at - 16).toLongLong();
    };
    return QTest::qWaitFor(complete, 5000) ? answer : QByteArray();
}

void TestRouteTable::answerBytesAreQtsOwn_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("extraHeader");
    QTest::addColumn<bool>("viaJson"); // replyJson (no extra headers) instead of replyRendered
    for (int status : {200, 201, 202, 400, 401, 404, 405, 413, 422, 426, 429, 500, 503, 418}) {
        QTest::addRow("%d", status) << status << false << false;
        QTest::addRow("%d with a header", status) << status << true << false;
        QTest::addRow("%d as JSON", status) << status << false << true;
    }
}

void TestRouteTable::answerBytesAreQtsOwn()
{
    QFETCH(int, status);
    QFETCH(bool, extraHeader);
    QFETCH(bool, viaJson);
    const QByteArray type = viaJson ? QByteArray("application/json") : QByteArray("text/plain; charset=utf-8");
    const QByteArray body = R"({"answer":"\u00e9t\u00e9 \"quoted\"","n":42})";
    HttpExchange::Headers headers;
    if (extraHeader) {
        headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
    }
    // Qt's own way: QHttpServerResponse::write on the responder (qthttpserver 6.4).
    m_server->route(u"/qt"_s, [=](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        QHttpServerResponse response(type, body, QHttpServerResponse::StatusCode(status));
        for (const auto &h : headers) {
            response.setHeader(h.first, h.second);
        }
        response.write(std::move(responder));
    });
    m_routes->add("/ours", {}, [=](const QHttpServerRequest &, const ExchangePtr &exchange) {
        if (viaJson) {
            exchange->replyJson(status, body);
        } else {
            exchange->replyRendered(
                status, type, [&] { return body; }, headers);
        }
    });
    const QByteArray qt = rawAnswer("/qt");
    QVERIFY(qt.startsWith(QByteArray(QByteArray("HTTP/1.1 ") + QByteArray::number(status))));
    // Qt keeps a response's headers in a hash (std::unordered_multimap), so their order is its
    // hash's; the order of differently named fields means nothing in HTTP (RFC 9110, 5.3). The
    // status line, the set of header lines and the body must be Qt's exactly.
    const QByteArray ours = rawAnswer("/ours");
    const auto parts = [](const QByteArray &answer) {
        const qsizetype headEnd = answer.indexOf("\r\n\r\n");
        QByteArrayList head = answer.left(headEnd).split('\n');
        const QByteArray statusLine = head.takeFirst();
        std::sort(head.begin(), head.end());
        return std::make_tuple(statusLine, head, answer.mid(headEnd + 4));
    };
    QCOMPARE(std::get<0>(parts(ours)), std::get<0>(parts(qt)));
    QCOMPARE(std::get<1>(parts(ours)), std::get<1>(parts(qt)));
    QCOMPARE(std::get<2>(parts(ours)), std::get<2>(parts(qt)));
    if (!extraHeader) {
        QCOMPARE(ours, qt); // one header besides Content-Length: nothing to order
    }
    QCOMPARE(requests(*m_telemetry, "/ours", "GET", status), 1.0);
}

QTEST_MAIN(TestRouteTable)
#include "tst_route_table.moc"
