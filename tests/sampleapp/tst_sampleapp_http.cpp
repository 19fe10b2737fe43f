// Every route of the real sample app binary, against the real PostgreSQL fixture.
#include "log_check.h"
#include "pgkit/pg_connection.h"
#include "processes.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

using testenv::http;

class TestSampleAppHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthz();
    void readyz();
    void loginWritesARow();
    void loginRejectsBadInput_data();
    void loginRejectsBadInput();
    void searchUsesTheIndexAndIsSafe();
    void concurrentSearchesGetTheirOwnAnswers();
    void searchRejectsBadInput_data();
    void searchRejectsBadInput();
    void oversizedBody();
    void wrongMethodAndUnknownRoute();
    void loadCommands();
    void spikeGuardrails();
    void metricsPassPromtool();
    void pageIsServed();
    void controlToken();
    void sigtermIsGraceful();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    static QString scalar(const QByteArray &sql, const QList<QByteArray> &params = {});
};

QString TestSampleAppHttp::scalar(const QByteArray &sql, const QList<QByteArray> &params)
{
    pgkit::PgConnPtr c = pgkit::openConnection(testenv::pgConninfo());
    std::vector<const char *> values;
    for (const auto &p : params) {
        values.push_back(p.constData());
    }
    pgkit::PgResultPtr r(
        PQexecParams(c.get(), sql.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    return PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) > 0
        ? QString::fromUtf8(PQgetvalue(r.get(), 0, 0))
        : QStringLiteral("<error: %1>").arg(pgkit::errorMessage(c.get(), r.get()));
}

void TestSampleAppHttp::initTestCase()
{
    QVERIFY2(!testenv::sampleappBinary().isEmpty(), "SAMPLEAPP_BIN not set");
    m_app = std::make_unique<testenv::SampleAppProcess>(QMap<QString, QString> {{u"APP_MAX_BODY_BYTES"_s, u"4096"_s}});
    QVERIFY2(m_app->start(), m_app->output().constData());
}

void TestSampleAppHttp::cleanupTestCase()
{
    if (m_app) {
        QCOMPARE(m_app->stop(), 0);
        // No warning or error the tests did not provoke.
        VERIFY_LOG_CLEAN(m_app->output());
    }
}

void TestSampleAppHttp::healthz()
{
    const auto r = http("GET", m_app->url(u"/healthz"_s));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().object().value(u"status").toString(), u"ok"_s);
    QVERIFY(r.contentType.startsWith("application/json"));
}

void TestSampleAppHttp::readyz()
{
    const auto r = http("GET", m_app->url(u"/readyz"_s));
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.json().object();
    QVERIFY(o.value(u"ready").toBool());
    const QJsonObject checks = o.value(u"checks").toObject();
    for (const char *c : {"writer", "reader", "reader_read_only", "reader_cannot_create"}) {
        QVERIFY2(checks.value(QLatin1String(c)).toObject().value(u"ok").toBool(), c);
    }
    QVERIFY(checks.value(u"reader_read_only").toObject().value(u"detail").toString().contains(u"42501"_s));
    QVERIFY(checks.value(u"reader_cannot_create").toObject().value(u"detail").toString().contains(u"42501"_s));
}

void TestSampleAppHttp::loginWritesARow()
{
    const QByteArray user = "x'); DROP TABLE login_events; --";
    const auto r = http("POST", m_app->url(u"/login"_s),
        QJsonDocument(QJsonObject {{u"user_id"_s, QString::fromUtf8(user)}}).toJson(),
        {{"User-Agent", "tst"}, {"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}});
    QCOMPARE(r.status, 201);
    const QString id = r.json().object().value(u"id").toString();
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(scalar("SELECT user_id FROM login_events WHERE id = $1::UUID", {id.toUtf8()}), QString::fromUtf8(user));
    // Hashes, not raw values, are stored.
    const QString ipHash = scalar("SELECT ip_hash FROM login_events WHERE id = $1::UUID", {id.toUtf8()});
    QCOMPARE(ipHash.size(), 32);
    QVERIFY(!ipHash.contains(u"203"_s));
}

void TestSampleAppHttp::loginRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addRow("malformed") << QByteArray("{\"user_id\": ") << 400;
    QTest::addRow("wrong type") << QByteArray("{\"user_id\": 770077}") << 400;
    QTest::addRow("array") << QByteArray("[\"reject-array\"]") << 400;
    QTest::addRow("unknown key") << QByteArray("{\"user_id\": \"reject-unknown-key\", \"role\": \"admin\"}") << 400;
    QTest::addRow("binary") << QByteArray("\xff\xfe\x00\x01", 4) << 400;
}

void TestSampleAppHttp::loginRejectsBadInput()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    const auto r = http("POST", m_app->url(u"/login"_s), body);
    QCOMPARE(r.status, status);
    const QJsonObject o = r.json().object();
    QVERIFY2(!o.value(u"error").toString().isEmpty() && !o.value(u"message").toString().isEmpty(), r.body.constData());
    // Nothing written (other tests write logins in parallel: look for this test's values only).
    QCOMPARE(
        scalar("SELECT count(*) FROM login_events WHERE user_id IN ('770077', 'reject-array', 'reject-unknown-key')"),
        u"0"_s);
}

void TestSampleAppHttp::searchUsesTheIndexAndIsSafe()
{
    auto r = http("GET", m_app->url(u"/search?q=harbor%20m&limit=5"_s));
    QCOMPARE(r.status, 200);
    QJsonObject o = r.json().object();
    QCOMPARE(o.value(u"count").toInt(), 5);
    for (const auto v : o.value(u"results").toArray()) {
        QVERIFY(v.toObject().value(u"term").toString().startsWith(u"harbor m"_s));
    }
    // SQL metacharacters and LIKE wildcards are plain data: no results, table intact.
    for (const char *q : {"%27%3B%20DROP%20TABLE%20search_terms%3B--", "%25", "_", "%5C", "%F0%9F%9A%80"}) {
        r = http("GET", m_app->url(u"/search?q="_s + QLatin1String(q)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().object().value(u"count").toInt(), 0);
    }
    QCOMPARE(scalar("SELECT count(*) >= 50000 FROM search_terms"), u"t"_s);
}

void TestSampleAppHttp::concurrentSearchesGetTheirOwnAnswers()
{
    // Many searches at once share pipelined connections: each answer must be its own query's.
    const QStringList words {u"amber"_s, u"basil"_s, u"cedar"_s, u"delta"_s, u"ember"_s, u"fjord"_s};
    const QString letters = u"abcdefghijklmnopqrstuvwyz"_s;
    std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
    for (int i = 0; i < 4; ++i) { // 4 clients x 6 connections each: 24 requests in flight
        clients.push_back(std::make_unique<QNetworkAccessManager>());
    }
    int pending = 0;
    int checked = 0;
    QStringList mismatches;
    for (int i = 0; i < 300; ++i) {
        const QString q = words[i % words.size()] + u' ' + letters[(i / words.size()) % letters.size()];
        QUrl url = m_app->url(u"/search"_s);
        url.setQuery(u"q="_s + QString::fromLatin1(QUrl::toPercentEncoding(q)));
        QNetworkReply *reply = clients[size_t(i) % clients.size()]->get(QNetworkRequest(url));
        ++pending;
        connect(reply, &QNetworkReply::finished, this, [&, reply, q] {
            --pending;
            const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200
                || o.value(u"q").toString() != q) {
                mismatches << q;
            }
            for (const auto v : o.value(u"results").toArray()) {
                if (!v.toObject().value(u"term").toString().startsWith(q)) {
                    mismatches << q + u" got "_s + v.toObject().value(u"term").toString();
                }
            }
            ++checked;
            reply->deleteLater();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(pending, 0, 30000);
    QCOMPARE(checked, 300);
    QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.mid(0, 5).join(u"; "_s)));
}

void TestSampleAppHttp::searchRejectsBadInput_data()
{
    QTest::addColumn<QString>("query");
    QTest::addRow("no q") << QString();
    QTest::addRow("empty q") << u"?q="_s;
    QTest::addRow("huge q") << u"?q="_s + QString(5000, u'a');
    QTest::addRow("bad limit") << u"?q=a&limit=-1"_s;
    QTest::addRow("unknown param") << u"?q=a&sort=1"_s;
}

void TestSampleAppHttp::searchRejectsBadInput()
{
    QFETCH(QString, query);
    const auto r = http("GET", m_app->url(u"/search"_s + query));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().object().value(u"error").toString().isEmpty(), false);
}

void TestSampleAppHttp::oversizedBody()
{
    const auto r = http("POST", m_app->url(u"/login"_s), "{\"user_id\":\"" + QByteArray(10000, 'a') + "\"}");
    QCOMPARE(r.status, 413);
    QCOMPARE(r.json().object().value(u"limit").toString(), u"max_body_bytes"_s);
    const auto s = http("POST", m_app->url(u"/spike"_s), QByteArray(1 << 20, ' '));
    QCOMPARE(s.status, 413);
    // Still serving.
    QCOMPARE(http("GET", m_app->url(u"/healthz"_s)).status, 200);
}

void TestSampleAppHttp::wrongMethodAndUnknownRoute()
{
    auto r = http("GET", m_app->url(u"/login"_s));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.json().object().value(u"error").toString(), u"method_not_allowed"_s);
    r = http("DELETE", m_app->url(u"/search?q=a"_s));
    QCOMPARE(r.status, 405);
    r = http("GET", m_app->url(u"/nope"_s));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.json().object().value(u"error").toString(), u"not_found"_s);
    r = http("GET", m_app->url(u"/ws"_s)); // not an upgrade
    QCOMPARE(r.status, 426);
}

void TestSampleAppHttp::loadCommands()
{
    auto r = http("POST", m_app->url(u"/load/start"_s), R"({"rps":100,"mix":{"login":0.5,"search":0.5}})");
    QCOMPARE(r.status, 200);
    QVERIFY(r.json().object().value(u"running").toBool());
    QCOMPARE(r.json().object().value(u"target_rps").toDouble(), 100.0);
    r = http("POST", m_app->url(u"/load/readers/stop"_s));
    QCOMPARE(r.json().object().value(u"target_rps").toDouble(), 50.0);
    QCOMPARE(r.json().object().value(u"readers").toBool(), false);
    r = http("POST", m_app->url(u"/load/readers/start"_s));
    r = http("POST", m_app->url(u"/load/writers/stop"_s));
    QCOMPARE(r.json().object().value(u"writers").toBool(), false);
    r = http("POST", m_app->url(u"/load/writers/start"_s));
    QTest::qWait(2500);
    r = http("GET", m_app->url(u"/load"_s));
    QCOMPARE(r.status, 200);
    const QJsonObject state = r.json().object();
    QVERIFY2(state.value(u"sent_total").toDouble() > 100, r.body.constData());
    QCOMPARE(state.value(u"errors_total").toDouble(), 0.0);
    QVERIFY(state.value(u"achieved_rps").toDouble() > 50);
    QVERIFY(!state.value(u"latency_ms").toObject().value(u"intended").toObject().value(u"p99").isNull());
    r = http("POST", m_app->url(u"/load/stop"_s));
    QCOMPARE(r.json().object().value(u"running").toBool(), false);
    QVERIFY(scalar("SELECT count(*) FROM login_events WHERE user_id LIKE 'load-user-%'").toInt() > 20);
}

void TestSampleAppHttp::spikeGuardrails()
{
    struct Case
    {
        QByteArray body;
        int status;
        const char *limit;
    };
    const Case cases[] = {
        {R"({"seconds":30,"rps":1000000000})", 422, "max_rps"},
        {R"({"seconds":100000,"rps":10})", 422, "max_seconds"},
        {R"({"seconds":30,"rps":-1})", 400, ""},
        {R"({"seconds":30,"rps":NaN})", 400, ""},
        {R"({"seconds":30,"rps":"fast"})", 400, ""},
        {R"({"seconds":3,"rps":10,"mix":{"login":0.5,"drop":0.5}})", 400, ""},
    };
    for (const auto &c : cases) {
        const auto r = http("POST", m_app->url(u"/spike"_s), c.body);
        QVERIFY2(r.status == c.status, c.body.constData());
        QCOMPARE(r.json().object().value(u"limit").toString(), QString::fromLatin1(c.limit));
        QVERIFY(!r.json().object().value(u"message").toString().isEmpty());
    }
    auto r = http("POST", m_app->url(u"/spike"_s), R"({"seconds":1,"rps":50})");
    QCOMPARE(r.status, 202);
    QVERIFY(r.json().object().value(u"spike").isObject());
    r = http("POST", m_app->url(u"/spike"_s), R"({"seconds":1,"rps":50})");
    QCOMPARE(r.status, 409);
    QTRY_VERIFY_WITH_TIMEOUT(http("GET", m_app->url(u"/load"_s)).json().object().value(u"spike").isNull(), 5000);
}

void TestSampleAppHttp::metricsPassPromtool()
{
    http("GET", m_app->url(u"/search?q=amber"_s));
    const auto r = http("GET", m_app->url(u"/metrics"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.startsWith("text/plain"));
    for (const char *name : {"app_http_requests_total{", "app_http_request_duration_seconds_bucket{",
             "app_db_query_duration_seconds_bucket{pool=\"reader\"",
             "app_db_query_duration_seconds_bucket{pool=\"writer\"", "app_db_errors_total{", "app_load_active_workers",
             "app_load_target_rps", "app_load_dropped_total", "app_ready 1", "app_build_info{"}) {
        QVERIFY2(r.body.contains(name), name);
    }
    QProcess promtool;
    promtool.start(u"promtool"_s, {u"check"_s, u"metrics"_s});
    QVERIFY(promtool.waitForStarted());
    promtool.write(r.body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    const QByteArray out = promtool.readAllStandardOutput() + promtool.readAllStandardError();
    QVERIFY2(promtool.exitCode() == 0, out.constData());
}

void TestSampleAppHttp::pageIsServed()
{
    const auto r = http("GET", m_app->url(u"/"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.startsWith("text/html"));
    QVERIFY(r.body.contains("/ws"));
}

void TestSampleAppHttp::controlToken()
{
    testenv::SampleAppProcess guarded({{u"APP_CONTROL_TOKEN"_s, u"correct-horse-battery"_s}});
    QVERIFY2(guarded.start(), guarded.output().constData());
    auto r = http("POST", guarded.url(u"/load/start"_s), R"({"rps":5})");
    QCOMPARE(r.status, 401);
    r = http(
        "POST", guarded.url(u"/spike"_s), R"({"seconds":1,"rps":5})", {{"Authorization", "Bearer wrong-token-value"}});
    QCOMPARE(r.status, 401);
    r = http(
        "POST", guarded.url(u"/load/start"_s), R"({"rps":5})", {{"Authorization", "Bearer correct-horse-battery"}});
    QCOMPARE(r.status, 200);
    r = http("GET", guarded.url(u"/load"_s)); // reading the state stays open
    QCOMPARE(r.json().object().value(u"auth_required").toBool(), true);
    QCOMPARE(http("GET", guarded.url(u"/search?q=a"_s)).status, 200); // data routes are not commands
    QCOMPARE(guarded.stop(), 0);
    QVERIFY(!guarded.output().contains("correct-horse-battery"));
}

void TestSampleAppHttp::sigtermIsGraceful()
{
    testenv::SampleAppProcess app;
    QVERIFY2(app.start(), app.output().constData());
    QCOMPARE(http("POST", app.url(u"/load/start"_s), R"({"rps":300})").status, 200);
    QTest::qWait(500);
    QCOMPARE(app.stop(10000), 0);
    const QByteArray out = app.output();
    QVERIFY2(out.contains("shutting down") && out.contains("stopped"), out.constData());
}

QTEST_GUILESS_MAIN(TestSampleAppHttp)
#include "tst_sampleapp_http.moc"
