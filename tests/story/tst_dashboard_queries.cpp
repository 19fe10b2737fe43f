// Every PromQL expression of the three Grafana dashboards parses in a real Prometheus, and every
// metric it names exists: CockroachDB metrics in the reference list (cockroach-metrics.tsv), sample
// app metrics in sampleapp/PROTOCOL.md (the live test checks them against the real /metrics too).
#include "dashboard_queries.h"
#include "processes.h"
#include "test_env.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QString dashboardsDir()
{
    return testenv::sourceDir() + u"/grafana/dashboards"_s;
}
QString referenceDir()
{
    const QString env = qEnvironmentVariable("CRDB_EVO_REFERENCE_DIR");
    return env.isEmpty() ? testenv::sourceDir() + u"/tests/reference"_s : env;
}
const QStringList kDashboards {u"cockroachdb-overview.json"_s, u"cockroachdb-evolution.json"_s, u"sample-app.json"_s};
} // namespace

class TestDashboardQueries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void metricNameExtraction_data();
    void metricNameExtraction();
    void variableSubstitution();
    void dashboardsHaveTheSeedPanels();
    void everyExpressionParsesInPrometheus_data();
    void everyExpressionParsesInPrometheus();
    void prometheusRejectsBrokenPromql();
    void everyMetricExists_data();
    void everyMetricExists();
    void rebalancingPanelsMeasureWhatTheySay_data();
    void rebalancingPanelsMeasureWhatTheySay();
    void rebalancingRuleRejectsMisreads();
    void everyDashboardShowsTheTalk_data();
    void everyDashboardShowsTheTalk();
    void talkAnnotationsRuleRejectsMisses_data();
    void talkAnnotationsRuleRejectsMisses();

private:
    std::unique_ptr<testenv::PrometheusProcess> m_prometheus;
    story::MetricCatalogue m_cockroach;
    story::MetricCatalogue m_sampleapp;
    QList<story::DashboardQuery> m_queries;
};

void TestDashboardQueries::initTestCase()
{
    const QStringList files = QDir(dashboardsDir()).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(
        files, (QStringList {u"cockroachdb-evolution.json"_s, u"cockroachdb-overview.json"_s, u"sample-app.json"_s}));
    for (const auto &f : kDashboards) {
        QString error;
        const auto queries = story::loadDashboardQueries(dashboardsDir() + u'/' + f, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(queries.size() >= 10, qPrintable(f));
        m_queries += queries;
    }
    QString error;
    m_cockroach = story::MetricCatalogue::fromCockroachTsv(referenceDir() + u"/cockroach-metrics.tsv"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_cockroach.size() > 2000);
    m_sampleapp = story::MetricCatalogue::fromProtocolMd(testenv::sourceDir() + u"/sampleapp/PROTOCOL.md"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_sampleapp.contains(u"app_http_requests_total"_s));
    QVERIFY(m_sampleapp.contains(u"app_db_query_duration_seconds_bucket"_s));

    // No targets: only the parser is needed here.
    m_prometheus = std::make_unique<testenv::PrometheusProcess>(QStringList {});
    QVERIFY2(m_prometheus->start(), m_prometheus->output().constData());
}

void TestDashboardQueries::metricNameExtraction_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QStringList>("names");
    QTest::addRow("selector") << u"up{job=~\"a\", pod=~\"$pod\"}"_s << QStringList {u"up"_s};
    QTest::addRow("quantile")
        << u"histogram_quantile(0.99, sum by (le, pod) (rate(sql_service_latency_bucket{a=\"b\"}[1m])))"_s
        << QStringList {u"sql_service_latency_bucket"_s};
    QTest::addRow("ratio") << u"sum(replicas) / sum(ranges{x=\"y\"})"_s << QStringList {u"replicas"_s, u"ranges"_s};
    QTest::addRow("or fallback")
        << u"sum by (op) (rate(a_total{o=\"error\"}[5m])) or sum by (op) (rate(b_total[5m])) * 0"_s
        << QStringList {u"a_total"_s, u"b_total"_s};
    QTest::addRow("on group_left") << u"x * on (pod) group_left (node) y"_s << QStringList {u"x"_s, u"y"_s};
    QTest::addRow("string with braces") << u"z{l=\"}{by(\"}"_s << QStringList {u"z"_s};
}

void TestDashboardQueries::metricNameExtraction()
{
    QFETCH(QString, expr);
    QFETCH(QStringList, names);
    QCOMPARE(story::metricNames(expr), names);
}

void TestDashboardQueries::variableSubstitution()
{
    QCOMPARE(
        story::substituteGrafanaVariables(u"rate(x{pod=~\"$pod\",ns=~\"${namespace}\"}[$__rate_interval])"_s, u"30s"_s),
        u"rate(x{pod=~\".*\",ns=~\".*\"}[30s])"_s);
}

// The panels the seed contract asks for, found by the metrics they read.
void TestDashboardQueries::dashboardsHaveTheSeedPanels()
{
    const QMap<QString, QStringList> required {
        {u"cockroachdb-overview.json"_s,
            {u"liveness_livenodes"_s, u"up"_s, u"sql_select_count"_s, u"sql_txn_commit_count"_s,
                u"sql_service_latency_bucket"_s, u"sys_cpu_combined_percent_normalized"_s, u"sys_rss"_s,
                u"capacity_used"_s}},
        {u"cockroachdb-evolution.json"_s,
            {u"replicas"_s, u"ranges"_s, u"ranges_underreplicated"_s, u"queue_replicate_addvoterreplica"_s,
                u"queue_replicate_rebalancereplica"_s, u"queue_replicate_transferlease"_s,
                u"leases_transfers_success"_s, u"replicas_leaders"_s, u"replicas_leaseholders"_s, u"capacity"_s,
                u"rebalancing_cpunanospersecond"_s}},
        {u"sample-app.json"_s,
            {u"app_operations_total"_s, u"app_http_requests_total"_s, u"app_operation_duration_seconds_bucket"_s,
                u"app_db_query_duration_seconds_bucket"_s, u"app_db_errors_total"_s, u"app_load_target_rps"_s,
                u"app_load_active_workers"_s}},
    };
    for (auto it = required.cbegin(); it != required.cend(); ++it) {
        QSet<QString> used;
        for (const auto &q : std::as_const(m_queries)) {
            if (q.dashboard == it.key()) {
                for (const auto &n : story::metricNames(q.expr)) {
                    used.insert(n);
                }
            }
        }
        for (const auto &m : it.value()) {
            QVERIFY2(used.contains(m), qPrintable(it.key() + u" has no panel reading "_s + m));
        }
        // Every panel carries a short description and reads the dashboard's datasource variable.
        QFile f(dashboardsDir() + u'/' + it.key());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject dash = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!dash.value("uid"_L1).toString().isEmpty());
        for (const auto &pv : dash.value("panels"_L1).toArray()) {
            const QJsonObject p = pv.toObject();
            if (p.value("type"_L1).toString() == "row"_L1) {
                continue;
            }
            const QString title = p.value("title"_L1).toString();
            QVERIFY2(!p.value("description"_L1).toString().isEmpty(),
                qPrintable(it.key() + u": panel without description: "_s + title));
            QCOMPARE(p.value("datasource"_L1).toObject().value("uid"_L1).toString(), u"${datasource}"_s);
        }
        QStringList vars;
        for (const auto &v : dash.value("templating"_L1).toObject().value("list"_L1).toArray()) {
            vars << v.toObject().value("name"_L1).toString();
        }
        QVERIFY2(vars.contains(u"namespace"_s) && vars.contains(u"pod"_s) && vars.contains(u"datasource"_s),
            qPrintable(it.key()));
    }
}

void TestDashboardQueries::everyExpressionParsesInPrometheus_data()
{
    QTest::addColumn<QString>("expr");
    for (const auto &q : std::as_const(m_queries)) {
        QTest::addRow("%s %s", qPrintable(q.dashboard), qPrintable(q.where)) << q.expr;
    }
}

void TestDashboardQueries::everyExpressionParsesInPrometheus()
{
    QFETCH(QString, expr);
    const QString promql = story::substituteGrafanaVariables(expr);
    QVERIFY2(!promql.contains(u'$'), qPrintable(u"unsubstituted variable: "_s + promql));
    int status = 0;
    const auto answer = m_prometheus->query(promql, &status);
    QVERIFY2(status == 200,
        qPrintable(u"HTTP %1 for %2: %3"_s.arg(status).arg(promql, answer.object().value("error"_L1).toString())));
    QCOMPARE(answer.object().value("status"_L1).toString(), u"success"_s);
}

// The check above can fail: the same path rejects broken PromQL with 400 bad_data.
void TestDashboardQueries::prometheusRejectsBrokenPromql()
{
    int status = 0;
    const auto answer = m_prometheus->query(u"sum by (le (rate(x[1m]))"_s, &status);
    QCOMPARE(status, 400);
    QCOMPARE(answer.object().value("errorType"_L1).toString(), u"bad_data"_s);
    QVERIFY(!m_cockroach.contains(u"sql_service_latency_seconds_bucket"_s));
    QVERIFY(m_cockroach.contains(u"sql_service_latency_bucket"_s)); // HISTOGRAM -> _bucket
    QVERIFY(!m_sampleapp.contains(u"app_requests_total"_s));
}

void TestDashboardQueries::everyMetricExists_data()
{
    QTest::addColumn<QString>("dashboard");
    QTest::addColumn<QString>("metric");
    QSet<QString> seen;
    for (const auto &q : std::as_const(m_queries)) {
        for (const auto &n : story::metricNames(q.expr)) {
            if (!seen.contains(q.dashboard + n)) {
                seen.insert(q.dashboard + n);
                QTest::addRow("%s %s", qPrintable(q.dashboard), qPrintable(n)) << q.dashboard << n;
            }
        }
    }
}

void TestDashboardQueries::everyMetricExists()
{
    QFETCH(QString, dashboard);
    QFETCH(QString, metric);
    if (metric == "up"_L1) {
        return; // Prometheus' own per-target series
    }
    const bool sampleApp = dashboard == "sample-app.json"_L1;
    const auto &catalogue = sampleApp ? m_sampleapp : m_cockroach;
    QVERIFY2(catalogue.contains(metric),
        qPrintable(u"%1 reads %2, which is not in %3"_s.arg(
            dashboard, metric, sampleApp ? u"sampleapp/PROTOCOL.md"_s : u"cockroach-metrics.tsv"_s)));
}

void TestDashboardQueries::rebalancingPanelsMeasureWhatTheySay_data()
{
    QTest::addColumn<QJsonObject>("panel");
    for (const QString &d : {u"cockroachdb-overview.json"_s, u"cockroachdb-evolution.json"_s}) {
        for (const QJsonObject &p : story::loadPanels(dashboardsDir() + u'/' + d)) {
            QTest::addRow("%s %s", qPrintable(d), qPrintable(p.value("title"_L1).toString())) << p;
        }
    }
}

// Panels about replication or rebalancing progress read the metrics that count it (see
// story::rebalancingMisreads for the rules and their sources).
void TestDashboardQueries::rebalancingPanelsMeasureWhatTheySay()
{
    QFETCH(QJsonObject, panel);
    const QStringList reasons = story::rebalancingMisreads(panel, m_cockroach);
    QVERIFY2(reasons.isEmpty(), qPrintable(reasons.join(u'\n')));
}

// The rule itself catches the panels this repository used to have, and lets honest ones through.
void TestDashboardQueries::rebalancingRuleRejectsMisreads()
{
    auto panel = [](const QString &title, const QString &expr) {
        return QJsonObject {{u"title"_s, title}, {u"description"_s, u"per second"_s},
            {u"targets"_s, QJsonArray {QJsonObject {{u"expr"_s, expr}}}}};
    };
    QCOMPARE(story::rebalancingMisreads(
                 panel(u"Rebalancing activity"_s, u"sum(rate(rebalancing_range_rebalances[1m]))"_s), m_cockroach)
                 .size(),
        1);
    QCOMPARE(story::rebalancingMisreads(
                 panel(u"Rebalancing activity"_s, u"sum(rate(rebalancing_lease_transfers[1m]))"_s), m_cockroach)
                 .size(),
        1);
    QCOMPARE(story::rebalancingMisreads(
                 panel(u"Load-based moves"_s, u"sum(rate(rebalancing_range_rebalances[1m]))"_s), m_cockroach)
                 .size(),
        0);
    QCOMPARE(story::rebalancingMisreads(
                 panel(u"Rebalance signal: QPS per store"_s, u"rebalancing_queriespersecond"_s), m_cockroach)
                 .size(),
        1);
    QCOMPARE(story::rebalancingMisreads(
                 panel(u"Replicate queue"_s, u"sum(rate(queue_replicate_addvoterreplica[1m]))"_s), m_cockroach)
                 .size(),
        0);
}

// The presenter posts every marker it draws as a Grafana annotation tagged crdb-live-evolution
// (desktop/core/sources/grafana_annotations.h, GrafanaAnnotations::kTag; tst_grafana_annotations
// checks the dashboards against that constant too): every dashboard shows them.
void TestDashboardQueries::everyDashboardShowsTheTalk_data()
{
    QTest::addColumn<QString>("file");
    for (const QString &f : kDashboards) {
        QTest::addRow("%s", qPrintable(f)) << f;
    }
}

void TestDashboardQueries::everyDashboardShowsTheTalk()
{
    QFETCH(QString, file);
    QFile f(dashboardsDir() + u'/' + file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString problem
        = story::talkAnnotationsProblem(QJsonDocument::fromJson(f.readAll()).object(), u"crdb-live-evolution"_s);
    QVERIFY2(problem.isEmpty(), qPrintable(file + u": "_s + problem));
}

// The rule refuses each way of not showing the talk's annotations.
void TestDashboardQueries::talkAnnotationsRuleRejectsMisses_data()
{
    const QJsonObject good {{u"name"_s, u"The talk"_s},
        {u"datasource"_s, QJsonObject {{u"type"_s, u"grafana"_s}, {u"uid"_s, u"-- Grafana --"_s}}}, {u"enable"_s, true},
        {u"target"_s, QJsonObject {{u"type"_s, u"tags"_s}, {u"tags"_s, QJsonArray {u"crdb-live-evolution"_s}}}}};
    auto with = [&good](const QString &key, const QJsonValue &value) {
        QJsonObject o = good;
        o.insert(key, value);
        return o;
    };
    QTest::addColumn<QJsonObject>("entry");
    QTest::addColumn<bool>("shows");
    QTest::addRow("the good entry") << good << true;
    QTest::addRow("prometheus") << with(u"datasource"_s, QJsonObject {{u"type"_s, u"prometheus"_s}}) << false;
    QTest::addRow("disabled") << with(u"enable"_s, false) << false;
    QTest::addRow("dashboard annotations") << with(u"target"_s, QJsonObject {{u"type"_s, u"dashboard"_s}}) << false;
    QTest::addRow("another tag") << with(
        u"target"_s, QJsonObject {{u"type"_s, u"tags"_s}, {u"tags"_s, QJsonArray {u"deploy"_s}}})
                                 << false;
    QTest::addRow("a kind as well") << with(u"target"_s,
        QJsonObject {{u"type"_s, u"tags"_s}, {u"tags"_s, QJsonArray {u"crdb-live-evolution"_s, u"phase"_s}}})
                                    << false;
}

void TestDashboardQueries::talkAnnotationsRuleRejectsMisses()
{
    QFETCH(QJsonObject, entry);
    QFETCH(bool, shows);
    const QJsonObject dashboard {{u"annotations"_s, QJsonObject {{u"list"_s, QJsonArray {entry}}}}};
    const QString problem = story::talkAnnotationsProblem(dashboard, u"crdb-live-evolution"_s);
    QVERIFY2(problem.isEmpty() == shows, qPrintable(problem));
    QVERIFY(!story::talkAnnotationsProblem(QJsonObject {}, u"crdb-live-evolution"_s).isEmpty());
}

QTEST_GUILESS_MAIN(TestDashboardQueries)
#include "tst_dashboard_queries.moc"
