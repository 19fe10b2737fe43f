// /metrics scraped by a real Prometheus while the sample app serves real traffic.
#include "log_check.h"
#include "processes.h"
#include "test_env.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSampleAppPrometheus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scrapedByPrometheus();
};

namespace {
double firstValue(const QJsonDocument &answer)
{
    const QJsonArray result = answer.object().value(u"data").toObject().value(u"result").toArray();
    if (result.isEmpty()) {
        return -1;
    }
    return result.first().toObject().value(u"value").toArray().at(1).toString().toDouble();
}
} // namespace

void TestSampleAppPrometheus::scrapedByPrometheus()
{
    testenv::SampleAppProcess app;
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({QStringLiteral("127.0.0.1:%1").arg(app.port())});
    QVERIFY2(prom.start(), prom.output().constData());
    QCOMPARE(testenv::http("POST", app.url(u"/load/start"_s), R"({"rps":50})").status, 200);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(testenv::http("GET", app.url(u"/search?q=cedar"_s)).status, 200);
    }
    QTRY_VERIFY_WITH_TIMEOUT(firstValue(prom.query(u"up{job=\"sampleapp\"}"_s)) == 1, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        firstValue(prom.query(u"sum(app_http_requests_total{route=\"/search\",status=\"200\"})"_s)) >= 5, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        firstValue(prom.query(u"sum(rate(app_operations_total{origin=\"load\"}[5s]))"_s)) > 10, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(firstValue(prom.query(u"app_load_target_rps"_s)) == 50, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        firstValue(prom.query(
            u"histogram_quantile(0.99, sum by (le) (rate(app_db_query_duration_seconds_bucket{pool=\"reader\"}[5s])))"_s))
            > 0,
        20000);
    int status = 0;
    const auto bad = prom.query(u"sum(rate(app_operations_total[5s]"_s, &status);
    QCOMPARE(status, 400); // the real parser is in the loop
    QCOMPARE(bad.object().value(u"errorType").toString(), u"bad_data"_s);
    QCOMPARE(testenv::http("POST", app.url(u"/load/stop"_s)).status, 200);
    QCOMPARE(app.stop(), 0);
    VERIFY_LOG_CLEAN(app.output());
}

QTEST_GUILESS_MAIN(TestSampleAppPrometheus)
#include "tst_sampleapp_prometheus.moc"
