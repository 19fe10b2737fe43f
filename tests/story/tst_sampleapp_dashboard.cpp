// The sample-app dashboard shows live data: a real Prometheus scrapes the real sample app (on the
// PostgreSQL fixture) while its built-in load and a spike run, and every panel query of
// grafana/dashboards/sample-app.json returns at least one series. Every metric the dashboard reads
// is in the app's real /metrics exposition.
#include "dashboard_queries.h"
#include "log_check.h"
#include "processes.h"
#include "test_env.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSampleAppDashboard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyMetricIsExposed();
    void appIsReadyWithAReadOnlyReader();
    void everyPanelQueryReturnsData_data();
    void everyPanelQueryReturnsData();
    void cleanupTestCase();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<testenv::PrometheusProcess> m_prometheus;
    QList<story::DashboardQuery> m_queries;
};

void TestSampleAppDashboard::initTestCase()
{
    QVERIFY2(!testenv::sampleappBinary().isEmpty(), "the sampleapp target is not part of this build");
    QString error;
    m_queries = story::loadDashboardQueries(testenv::sourceDir() + u"/grafana/dashboards/sample-app.json"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    m_app = std::make_unique<testenv::SampleAppProcess>();
    QVERIFY2(m_app->start(), m_app->output().constData());
    m_prometheus = std::make_unique<testenv::PrometheusProcess>(QStringList {u"127.0.0.1:%1"_s.arg(m_app->port())});
    QVERIFY2(m_prometheus->start(), m_prometheus->output().constData());

    // Base load plus a spike (the demo's "viral" moment), and a few real HTTP requests so the
    // per-route HTTP panels have series too.
    const QByteArray json = "application/json";
    auto r = testenv::http("POST", m_app->url(u"/load/start"_s), R"({"rps": 40, "mix": {"login": 0.3, "search": 0.7}})",
        {{"Content-Type", json}});
    QVERIFY2(r.status == 200, r.body.constData());
    r = testenv::http("POST", m_app->url(u"/spike"_s),
        R"({"seconds": 60, "rps": 40, "mix": {"login": 0.2, "search": 0.8}})", {{"Content-Type", json}});
    QVERIFY2(r.status == 202, r.body.constData());
    for (int i = 0; i < 5; ++i) {
        r = testenv::http("POST", m_app->url(u"/login"_s), R"({"user_id": "story-test"})", {{"Content-Type", json}});
        QVERIFY2(r.status == 201, r.body.constData());
        r = testenv::http("GET", m_app->url(u"/search?q=amber"_s));
        QVERIFY2(r.status == 200, r.body.constData());
    }
}

void TestSampleAppDashboard::everyMetricIsExposed()
{
    const auto reply = testenv::http("GET", m_app->url(u"/metrics"_s));
    QCOMPARE(reply.status, 200);
    const auto exposed = story::MetricCatalogue::fromExposition(reply.body);
    QVERIFY(exposed.size() > 10);
    for (const auto &q : std::as_const(m_queries)) {
        for (const auto &n : story::metricNames(q.expr)) {
            QVERIFY2(exposed.contains(n),
                qPrintable(u"%1 reads %2, which the sample app does not expose"_s.arg(q.where, n)));
        }
    }
}

// The "Ready" stat must read 1 here: writer and reader reachable, and the reader user (created by
// sql/10-phase1-reader-user.sql) refused an INSERT. The k8s flow relies on the same contract.
void TestSampleAppDashboard::appIsReadyWithAReadOnlyReader()
{
    QElapsedTimer t;
    t.start();
    QString value;
    while (t.elapsed() < 30000) {
        const auto result = m_prometheus->query(u"min(app_ready)"_s)
                                .object()
                                .value("data"_L1)
                                .toObject()
                                .value("result"_L1)
                                .toArray();
        if (!result.isEmpty()) {
            value = result.first().toObject().value("value"_L1).toArray().at(1).toString();
            if (value == "1"_L1) {
                return;
            }
        }
        QTest::qWait(500);
    }
    QFAIL(qPrintable(u"app_ready is %1, expected 1; /readyz: %2"_s.arg(
        value, QString::fromUtf8(testenv::http("GET", m_app->url(u"/readyz"_s)).body))));
}

void TestSampleAppDashboard::everyPanelQueryReturnsData_data()
{
    QTest::addColumn<QString>("expr");
    for (const auto &q : std::as_const(m_queries)) {
        // Variable queries select Kubernetes labels (namespace, pod) this loopback scrape has not.
        if (!q.isVariable) {
            QTest::addRow("%s", qPrintable(q.where)) << q.expr;
        }
    }
}

void TestSampleAppDashboard::everyPanelQueryReturnsData()
{
    QFETCH(QString, expr);
    // Scrapes every second: a 10 s rate window holds enough samples.
    const QString promql = story::substituteGrafanaVariables(expr, u"10s"_s);
    QJsonObject answer;
    QElapsedTimer t;
    t.start();
    int status = 0;
    while (t.elapsed() < 45000) {
        answer = m_prometheus->query(promql, &status).object();
        QCOMPARE(status, 200);
        if (!answer.value("data"_L1).toObject().value("result"_L1).toArray().isEmpty()) {
            return;
        }
        QTest::qWait(500);
    }
    QFAIL(qPrintable(u"no data after 45 s for %1: %2"_s.arg(
        promql, QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)))));
}

void TestSampleAppDashboard::cleanupTestCase()
{
    if (m_app) {
        testenv::http("POST", m_app->url(u"/load/stop"_s));
        QCOMPARE(m_app->stop(), 0);
        // Load and a real Prometheus scraping: nothing here provokes a warning.
        VERIFY_LOG_CLEAN(m_app->output());
    }
}

QTEST_GUILESS_MAIN(TestSampleAppDashboard)
#include "tst_sampleapp_dashboard.moc"
