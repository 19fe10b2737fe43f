#include "preflight/plan_position.h"
#include "preflight/preflight_runner.h"
#include "preflight/preflight_sql.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fake_kube_api.h"
#include "processes.h"
#include "test_env.h"

using namespace Qt::StringLiterals;
using Status = PreflightResult::Status;

namespace {

// GRAFANA STAND-IN: Grafana cannot run here, so this small QHttpServer answers the two calls the
// pre-flight makes (/api/health, /api/search?type=dash-db) with Grafana's JSON shapes.
class GrafanaStandIn
{
public:
    explicit GrafanaStandIn(QStringList uids) : m_uids(std::move(uids))
    {
        m_server.route(u"/api/health"_s, [] { return QJsonObject {{u"database"_s, u"ok"_s}}; });
        m_server.route(u"/api/search"_s, [this] {
            QJsonArray items;
            for (const QString &uid : std::as_const(m_uids)) {
                items.append(QJsonObject {{u"uid"_s, uid}, {u"type"_s, u"dash-db"_s}, {u"title"_s, uid}});
            }
            return items;
        });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port)); }

private:
    QHttpServer m_server;
    QStringList m_uids;
    quint16 m_port = 0;
};

const QString kZoneRf1 = u"SELECT 'ALTER RANGE default CONFIGURE ZONE USING\n\trange_min_bytes = 134217728,\n\t"
                         u"num_replicas = 1,\n\tgc.ttlseconds = 14400' AS raw_config_sql"_s;
const QString kZoneRf3 = u"SELECT 'ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3' AS raw_config_sql"_s;
const QString kLicenceFresh
    = u"SELECT false AS license_set, extract(epoch FROM now() - interval '1 day') AS initialised_at_epoch"_s;
const QString kLicenceThrottled
    = u"SELECT false AS license_set, extract(epoch FROM now() - interval '8 days') AS initialised_at_epoch"_s;

} // namespace

class TestPreflight : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<QTemporaryDir> m_cache;
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<testenv::PrometheusProcess> m_prom;
    std::unique_ptr<GrafanaStandIn> m_grafana;
    DemoPlan m_plan;
    QStringList m_uids;

    PreflightConfig config(ClusterDriver::Kind kind = ClusterDriver::Kind::StatefulSet)
    {
        PreflightConfig c;
        c.profile.clusterKind = kind;
        c.profile.sampleAppUrl = m_app->url();
        c.profile.prometheusUrl = m_prom->url();
        c.profile.grafanaUrl = m_grafana->url();
        c.profile.sqlConninfo = testenv::pgConninfo();
        c.position = PlanPosition::before(m_plan, 0);
        c.kubectlExtraArgs = m_api->kubectlArgs(m_cache->path());
        c.env = FakeKubeApi::kubectlEnvironment();
        c.queries.zoneConfig = kZoneRf1;
        c.queries.licence = kLicenceFresh;
        c.dashboardUids = m_uids;
        return c;
    }

    static QMap<QString, PreflightResult> runChecks(const PreflightConfig &c)
    {
        PreflightRunner runner;
        runner.setConfig(c);
        QSignalSpy finished(&runner, &PreflightRunner::finished);
        if (!runner.run()) {
            return {};
        }
        if (!finished.wait(60000)) {
            return {};
        }
        QMap<QString, PreflightResult> byId;
        for (const PreflightResult &r : finished.at(0).at(0).value<QList<PreflightResult>>()) {
            byId.insert(r.id, r);
        }
        return byId;
    }

    static QString dump(const QMap<QString, PreflightResult> &results)
    {
        QStringList lines;
        for (const PreflightResult &r : results) {
            lines << r.line();
        }
        return lines.join(u"\n"_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<QList<PreflightResult>>();
        QStringList errors;
        const auto plan = DemoPlan::load(testenv::sourceDir() + u"/demo/plan.json"_s, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u"; "_s)));
        m_plan = *plan;
        QString error;
        m_uids = PreflightConfig::dashboardUidsIn(testenv::sourceDir(), &error);
        QVERIFY2(m_uids.size() == 3, qPrintable(error + m_uids.join(u","_s)));
        m_app = std::make_unique<testenv::SampleAppProcess>();
        QVERIFY2(m_app->start(), m_app->output().constData());
        // The real sample app twice: as itself (job sampleapp) and as the stand-in CockroachDB
        // node crdb-0 (job cockroachdb, instance = the pod name as in k8s/observability): no
        // CockroachDB runs here. Scraped every 15 s, the story's interval.
        const QString target = u"127.0.0.1:%1"_s.arg(m_app->port());
        m_prom = std::make_unique<testenv::PrometheusProcess>(QStringList {target}, u"15s"_s,
            u"  - job_name: cockroachdb\n    static_configs:\n      - targets: [\"%1\"]\n        labels: {instance: crdb-0}\n"_s
                .arg(target));
        QVERIFY2(m_prom->start(), m_prom->output().constData());
        // Wait for the first scrape of both targets (up to one interval).
        QTRY_VERIFY_WITH_TIMEOUT(m_prom->query(u"count(up == 1)"_s)
                                     .object()
                                     .value("data"_L1)
                                     .toObject()
                                     .value("result"_L1)
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value("value"_L1)
                                     .toArray()
                                     .at(1)
                                     .toString()
                == "2"_L1,
            40000);
        m_grafana = std::make_unique<GrafanaStandIn>(m_uids);
    }

    void init()
    {
        m_api = std::make_unique<FakeKubeApi>();
        QVERIFY(m_api->listen());
        m_api->reset(u"crdb-evolution"_s, 1);
        m_api->setLoadgenPhase(u"Running"_s);
        m_cache = std::make_unique<QTemporaryDir>();
    }

    void planPosition()
    {
        const PlanPosition setup = PlanPosition::before(m_plan, 0);
        QCOMPARE(setup.beatId, u"baseline"_s);
        QCOMPARE(setup.nodes, 1);
        QCOMPARE(setup.replicationFactor, 1);
        QCOMPARE(setup.expectedNodes(ClusterDriver::Kind::Operator), 3);
        QCOMPARE(setup.expectedReplicationFactor(ClusterDriver::Kind::Operator), 3);
        QString error;
        const auto failure = PlanPosition::beforeBeat(m_plan, u"failure"_s, &error);
        QVERIFY2(failure, qPrintable(error));
        QCOMPARE(failure->nodes, 3);
        QCOMPARE(failure->replicationFactor, 3);
        QVERIFY(!PlanPosition::beforeBeat(m_plan, u"nosuch"_s, &error));
        QVERIFY2(error.startsWith(u"no beat 'nosuch' in the plan"_s), qPrintable(error));
    }

    void licenceVerdicts()
    {
        const QDateTime now = QDateTime::fromString(u"2025-06-10T12:00:00Z"_s, Qt::ISODate);
        LicenceState s;
        s.initialisedAt = now.addDays(-1);
        QCOMPARE(judgeLicence(s, now, 24).status, Status::Pass);
        s.initialisedAt = now.addDays(-7).addSecs(3600); // throttle in 1 h
        PreflightResult r = judgeLicence(s, now, 24);
        QCOMPARE(r.status, Status::Fail);
        QVERIFY2(r.detail.contains(u"in 1.0 h"_s), qPrintable(r.detail));
        s.initialisedAt = now.addDays(-8);
        r = judgeLicence(s, now, 24);
        QCOMPARE(r.status, Status::Fail);
        QVERIFY2(r.detail.contains(u"throttled to 5 concurrent open transactions since"_s), qPrintable(r.detail));
        s.licensed = true;
        QCOMPARE(judgeLicence(s, now, 24).status, Status::Pass);
    }

    void everythingPasses()
    {
        const auto results = runChecks(config());
        QCOMPARE(results.size(), PreflightRunner::checkIds().size());
        for (const PreflightResult &r : results) {
            QVERIFY2(r.status == Status::Pass, qPrintable(dump(results)));
        }
        QVERIFY(preflightPassed(results.values()));
        // The probe signals (0) what the faults signal: cockroach's PID from the PID file, not PID 1.
        const QString probe
            = uR"(pid=$(cat /cockroach/faults/cockroach.pid) || exit 2; test "$pid" != 1 || exit 3; kill -0 "$pid")"_s;
        QVERIFY2(results[u"stop-shell"_s].detail.contains(u"exec crdb-0 -c cockroachdb -- bash -c '%1'"_s.arg(probe)),
            qPrintable(results[u"stop-shell"_s].detail));
        QCOMPARE(m_api->execs(), QStringList {u"crdb-0/cockroachdb: bash|-c|"_s + probe});
        QCOMPARE(m_api->pauseSignals(), QStringList());
        QCOMPARE(m_api->restarts(0), 0); // the probe is harmless
        QVERIFY(m_api->unexpected().isEmpty());
    }

    // Every failure reason, each with its own line and a fix.
    void everyFailure()
    {
        m_api->reset(u"crdb-evolution"_s, 3); // before phase2-scale the plan has 2 nodes
        m_api->setExecutables({u"sh"_s, u"cockroach"_s}); // no bash
        m_api->setLoadgenPhase(u"Failed"_s);
        PreflightConfig c = config();
        c.position = PlanPosition::before(m_plan, m_plan.indexOf(u"phase2-scale"_s));
        c.queries.zoneConfig = kZoneRf3;
        c.queries.licence = kLicenceThrottled;
        c.expectedScrapeIntervalS = 5;
        c.dashboardUids << u"no-such-dashboard"_s;
        c.now = [] { return QDateTime::currentDateTimeUtc().addSecs(-30); }; // the laptop is 30 s behind
        const auto results = runChecks(c);
        QCOMPARE(results.size(), PreflightRunner::checkIds().size());
        const QMap<QString, QString> expected {
            {u"pods"_s, u"3 pod(s), 3 Ready; the plan expects 2 before beat 'phase2-scale'"_s},
            {u"stop-shell"_s, u"executable file not found in $PATH"_s},
            {u"replication-factor"_s, u"RANGE default num_replicas = 3; the plan expects"_s},
            {u"licence"_s, u"throttled to 5 concurrent open transactions since"_s},
            {u"workload"_s, u"no workload pod Running (crdb-loadgen-x7k2p Failed)"_s},
            {u"prometheus-targets"_s, u"1 of 2 CockroachDB target(s) up"_s},
            {u"scrape-interval"_s, u"the story's timings assume 5 s"_s},
            {u"grafana"_s, u"missing dashboard(s): no-such-dashboard"_s},
            {u"clock-skew"_s, u"ahead of the laptop"_s},
        };
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            const PreflightResult r = results.value(it.key());
            QVERIFY2(r.status == Status::Fail && r.detail.contains(it.value()) && !r.fix.isEmpty(),
                qPrintable(it.key() + u": "_s + r.line()));
        }
        QVERIFY(!preflightPassed(results.values()));
    }

    // Pods of a manifest from before the faults (no PID file, cockroach PID 1): the fault probe
    // fails and says what to apply.
    void olderManifestFailsTheFaultProbe()
    {
        m_api->reset(u"crdb-evolution"_s, 3);
        m_api->setFaultSupport(false);
        const auto results = runChecks(config());
        const PreflightResult r = results.value(u"stop-shell"_s);
        QVERIFY2(r.status == Status::Fail, qPrintable(r.line()));
        QVERIFY2(r.detail.contains(u"No such file or directory"_s) && r.detail.contains(u"exit code 2"_s),
            qPrintable(r.line()));
        QVERIFY2(r.fix.contains(u"shareProcessNamespace"_s), qPrintable(r.fix));
        QCOMPARE(m_api->restarts(0), 0);
    }

    void unreachable()
    {
        PreflightConfig c = config();
        c.kubectlExtraArgs
            = {u"--server=http://127.0.0.1:1"_s, u"--cache-dir="_s + m_cache->path(), u"--request-timeout=5s"_s};
        c.profile.kubeNamespace = u"crdb-evolution"_s;
        c.profile.sampleAppUrl = QUrl(u"http://127.0.0.1:1"_s);
        c.profile.sqlConninfo = "host=127.0.0.1 port=1 user=postgres dbname=evolution connect_timeout=2";
        const auto results = runChecks(c);
        QCOMPARE(results[u"kube-access"_s].status, Status::Fail);
        QVERIFY2(results[u"kube-access"_s].detail.contains(u"namespace crdb-evolution"_s),
            qPrintable(results[u"kube-access"_s].line()));
        QCOMPARE(results[u"port-forwards"_s].status, Status::Fail);
        QVERIFY2(results[u"port-forwards"_s].detail.startsWith(u"not answering: sample app"_s),
            qPrintable(results[u"port-forwards"_s].line()));
        QCOMPARE(results[u"replication-factor"_s].status, Status::Fail);
        QVERIFY2(results[u"replication-factor"_s].detail.contains(u"cannot connect"_s),
            qPrintable(results[u"replication-factor"_s].line()));

        // A namespace that does not exist.
        c = config();
        c.profile.kubeNamespace = u"elsewhere"_s;
        const auto other = runChecks(c);
        QVERIFY2(other[u"kube-access"_s].detail.contains(u"namespaces \"elsewhere\" not found"_s),
            qPrintable(other[u"kube-access"_s].line()));
    }

    void operatorKind()
    {
        m_api->reset(u"crdb-evolution"_s, 3);
        m_api->setContainerName(u"db"_s);
        m_api->setFaultSupport(false); // the operator's pod: cockroach is PID 1
        PreflightConfig c = config(ClusterDriver::Kind::Operator);
        c.queries.zoneConfig = kZoneRf3;
        const auto results = runChecks(c);
        QVERIFY2(results[u"pods"_s].status == Status::Pass, qPrintable(dump(results)));
        QVERIFY2(results[u"replication-factor"_s].status == Status::Pass, qPrintable(dump(results)));
        QVERIFY2(results[u"stop-shell"_s].status == Status::Pass, qPrintable(dump(results)));
        QCOMPARE(m_api->execs(), QStringList {u"crdb-0/db: bash|-c|kill -0 1"_s});
    }

    // The local stack: the Kubernetes and CockroachDB checks say why they skip; the rest run.
    void localStack()
    {
        PreflightConfig c = config(ClusterDriver::Kind::None);
        const auto results = runChecks(c);
        for (const QString &id : {u"kube-access"_s, u"pods"_s, u"stop-shell"_s, u"workload"_s}) {
            QCOMPARE(results[id].status, Status::Skip);
            QCOMPARE(results[id].detail, u"skipped: no Kubernetes (local stack)"_s);
        }
        QCOMPARE(results[u"replication-factor"_s].status, Status::Skip);
        QVERIFY2(results[u"prometheus-targets"_s].status == Status::Pass, qPrintable(dump(results)));
        QVERIFY(preflightPassed(results.values())); // skipped counts as passed
        QVERIFY(m_api->requests().isEmpty());
        // demo/local-stack.sh scrapes every 2 s on purpose: not the cluster's 15 s, and not a failure.
        c.expectedScrapeIntervalS = 5;
        const auto fast = runChecks(c);
        QVERIFY2(fast[u"scrape-interval"_s].status == Status::Skip
                && fast[u"scrape-interval"_s].detail.startsWith(u"skipped: local stack ("_s)
                && fast[u"scrape-interval"_s].detail.contains(u"sampleapp every 15s"_s),
            qPrintable(fast[u"scrape-interval"_s].line()));
        QVERIFY(m_api->requests().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPreflight)
#include "tst_preflight.moc"
