#include "preflight/plan_position.h"
#include "preflight/preflight_runner.h"
#include "preflight/preflight_sql.h"
#include "session/presenter_session.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "crdb_status_standin.h"
#include "fake_kube_api.h"
#include "processes.h"
#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;
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
const QString kLicenceKeySet
    = u"SELECT true AS license_set, extract(epoch FROM now() - interval '40 days') AS initialised_at_epoch"_s;
const QString kLicenceThrottled
    = u"SELECT false AS license_set, extract(epoch FROM now() - interval '8 days') AS initialised_at_epoch"_s;

// GetThrottlingMetadataResponse as the gateway prints it (camelCase, int64 as strings): an
// Enterprise key, no grace period, no telemetry deadline.
const QByteArray kEnterpriseThrottling
    = R"({"throttled":false,"throttleExplanation":"","hasGracePeriod":false,"gracePeriodEndSeconds":"0",)"
      R"("hasTelemetryDeadline":false,"telemetryDeadlineSeconds":"0","lastTelemetryReceivedSeconds":"0",)"
      R"("nodeIdsWithTelemetryProblems":[]})";

QByteArray noKeyThrottling(const QDateTime &graceEnd)
{
    return u"{\"throttled\":false,\"hasGracePeriod\":true,\"gracePeriodEndSeconds\":\"%1\","
           u"\"hasTelemetryDeadline\":false,\"nodeIdsWithTelemetryProblems\":[]}"_s.arg(graceEnd.toSecsSinceEpoch())
               .toUtf8();
}

} // namespace

class TestPreflight : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<QTemporaryDir> m_cache;
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<testenv::PrometheusProcess> m_prom;
    std::unique_ptr<GrafanaStandIn> m_grafana;
    std::unique_ptr<CrdbStatusStandIn> m_node; // crdb-0's HTTP port
    DemoPlan m_plan;
    QStringList m_uids;

    PreflightConfig config(ClusterKind kind = ClusterKind::StatefulSet)
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
        c.queries.licence = kLicenceKeySet;
        c.nodeHttpUrl = m_node->url();
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
        m_node = std::make_unique<CrdbStatusStandIn>();
        QVERIFY(m_node->listen());
        m_node->setNodes({{1, u"crdb-0.crdb.crdb-evolution.svc.cluster.local:26257"_s, 3, 0}});
        m_node->setThrottling(kEnterpriseThrottling);
    }

    void planPosition()
    {
        const PlanPosition setup = PlanPosition::before(m_plan, 0);
        QCOMPARE(setup.beatId, u"baseline"_s);
        QCOMPARE(setup.nodes, 1);
        QCOMPARE(setup.replicationFactor, 1);
        QCOMPARE(setup.expectedNodes(ClusterKind::Operator), 3);
        QCOMPARE(setup.expectedReplicationFactor(ClusterKind::Operator), 3);
        QString error;
        const auto failure = PlanPosition::beforeBeat(m_plan, u"failure"_s, &error);
        QVERIFY2(failure, qPrintable(error));
        QCOMPARE(failure->nodes, 3);
        QCOMPARE(failure->replicationFactor, 3);
        QVERIFY(!PlanPosition::beforeBeat(m_plan, u"nosuch"_s, &error));
        QVERIFY2(error.startsWith(u"no beat 'nosuch' in the plan"_s), qPrintable(error));
    }

    // The licence line from what the cluster says (preflight_sql.h): data-driven, a pure function.
    void licenceVerdicts_data()
    {
        QTest::addColumn<bool>("licensed");
        QTest::addColumn<int>("initDaysAgo");
        QTest::addColumn<QByteArray>("throttling"); // /_status/throttling's answer; empty = unreadable
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("says");
        const QDateTime now = QDateTime::fromString(u"2025-06-10T12:00:00Z"_s, Qt::ISODate);
        auto json = [now](bool throttled, double graceDays, double deadlineDays, double lastPingDays,
                        const QString &problemNodes = {}) {
            const auto secs
                = [now](double days) { return QString::number(now.addSecs(qint64(days * 86400)).toSecsSinceEpoch()); };
            return u"{\"throttled\":%1,\"throttleExplanation\":\"%2\",\"hasGracePeriod\":%3,\"gracePeriodEndSeconds\":"
                   u"\"%4\","
                   u"\"hasTelemetryDeadline\":%5,\"telemetryDeadlineSeconds\":\"%6\",\"lastTelemetryReceivedSeconds\":"
                   u"\"%7\","
                   u"\"nodeIdsWithTelemetryProblems\":[%8]}"_s
                       .arg(throttled ? u"true"_s : u"false"_s, throttled ? u"license required"_s : QString(),
                           std::isnan(graceDays) ? u"false"_s : u"true"_s,
                           std::isnan(graceDays) ? u"0"_s : secs(graceDays),
                           std::isnan(deadlineDays) ? u"false"_s : u"true"_s,
                           std::isnan(deadlineDays) ? u"0"_s : secs(deadlineDays),
                           std::isnan(lastPingDays) ? u"0"_s : secs(lastPingDays), problemNodes)
                       .toUtf8();
        };
        const double none = std::nan("");
        const int pass = int(Status::Pass), warn = int(Status::Warn), fail = int(Status::Fail);
        // No key: a grace period is never a pass.
        QTest::addRow("no key, new cluster, 6 days of grace left")
            << false << 1 << json(false, 6, none, none) << warn << u"7-day grace period after init ends"_s;
        QTest::addRow("no key, cluster not judged new: 30 days")
            << false << 2 << json(false, 28, none, none) << warn << u"30-day grace period ends"_s;
        QTest::addRow("no key, throttle in 12 h")
            << false << 7 << json(false, 0.5, none, none) << fail << u"(in 12.0 h)"_s;
        QTest::addRow("no key, grace over") << false << 8 << json(false, -1, none, none) << fail
                                            << u"the cluster is throttled to 5 concurrent open transactions since"_s;
        QTest::addRow("throttled now") << false << 8 << json(true, -1, none, none) << fail
                                       << u"it is throttled to 5 concurrent open transactions now: license required"_s;
        // Enterprise key: nothing pending.
        QTest::addRow("enterprise key") << true << 40 << json(false, none, none, none) << pass
                                        << u"no throttle pending"_s;
        // Free/Trial: telemetry.
        QTest::addRow("free key reporting")
            << true << 40 << json(false, 300, 6.9, -0.1) << pass << u"requires telemetry"_s;
        QTest::addRow("trial key near its telemetry deadline")
            << true << 40 << json(false, 20, 0.5, -6.5) << fail << u"requires telemetry and the last report"_s;
        QTest::addRow("trial key, telemetry two days late")
            << true << 40 << json(false, 300, 5, -2) << warn << u"requires telemetry"_s;
        QTest::addRow("free key, a node not reporting")
            << true << 40 << json(false, 300, 6.9, -0.1, u"\"2\""_s) << warn << u"nodes not reporting: 2"_s;
        QTest::addRow("trial key past its telemetry deadline")
            << true << 40 << json(false, 20, -0.5, -7.5) << fail << u"the cluster is throttled"_s;
        // Expired keys: the grace period after expiry.
        QTest::addRow("expired key in its grace period")
            << true << 400 << json(false, 20, none, none) << warn << u"the key's grace period ends"_s;
        QTest::addRow("expired key past its grace period")
            << true << 400 << json(false, -2, none, none) << fail << u"the key's grace period ends"_s;
        // The cluster's word missing: never a pass.
        QTest::addRow("key set, state unreadable") << true << 40 << QByteArray() << warn << u"a key is not a pass"_s;
        QTest::addRow("no key, state unreadable, 7 days after init")
            << false << 7 << QByteArray() << fail << u"at the earliest"_s;
        QTest::addRow("no key, state unreadable, 1 day after init")
            << false << 1 << QByteArray() << warn << u"at the earliest"_s;
    }
    void licenceVerdicts()
    {
        QFETCH(bool, licensed);
        QFETCH(int, initDaysAgo);
        QFETCH(QByteArray, throttling);
        QFETCH(int, status);
        QFETCH(QString, says);
        const QDateTime now = QDateTime::fromString(u"2025-06-10T12:00:00Z"_s, Qt::ISODate);
        LicenceState s;
        s.licensed = licensed;
        s.initialisedAt = now.addDays(-initDaysAgo);
        if (throttling.isEmpty()) {
            s.throttlingError = u"http://127.0.0.1:18080/_status/throttling does not answer"_s;
        } else {
            QString error;
            s.throttling = parseThrottlingMetadata(throttling, &error);
            QVERIFY2(s.throttling, qPrintable(error));
        }
        const PreflightResult r = judgeLicence(s, now, 24);
        QVERIFY2(int(r.status) == status && r.detail.contains(says), qPrintable(r.line()));
        QCOMPARE(r.fix.isEmpty(), r.status == Status::Pass);
    }

    void throttlingShapes()
    {
        QString error;
        const auto camel = parseThrottlingMetadata(noKeyThrottling(QDateTime::fromSecsSinceEpoch(1750000000)), &error);
        QVERIFY2(camel && camel->hasGracePeriod && camel->gracePeriodEnd.toSecsSinceEpoch() == 1750000000,
            qPrintable(error));
        const auto snake = parseThrottlingMetadata(
            R"({"throttled":true,"has_grace_period":false,"has_telemetry_deadline":true,"telemetry_deadline_seconds":1750000000,)"
            R"("last_telemetry_received_seconds":1749395200,"node_ids_with_telemetry_problems":[2,3]})",
            &error);
        QVERIFY2(snake && snake->throttled && snake->hasTelemetryDeadline, qPrintable(error));
        QCOMPARE(snake->telemetryDeadline.toSecsSinceEpoch(), 1750000000);
        QCOMPARE(snake->nodesWithTelemetryProblems, (QStringList {u"2"_s, u"3"_s}));
        QVERIFY(!parseThrottlingMetadata("not found\n", &error));
        QVERIFY2(error.contains(u"not a GetThrottlingMetadataResponse"_s), qPrintable(error));
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

    // Prometheus started just before the check (the local stack at start-up): it lists no target,
    // then targets it has not scraped yet (health "unknown"). The checks that read them wait for
    // the first scrape instead of failing, and say so while they wait.
    void prometheusNotScrapedYet()
    {
        const QString target = u"127.0.0.1:%1"_s.arg(m_app->port());
        testenv::PrometheusProcess fresh(QStringList {target}, u"15s"_s,
            u"  - job_name: cockroachdb\n    static_configs:\n      - targets: [\"%1\"]\n        labels: {instance: crdb-0}\n"_s
                .arg(target));
        QVERIFY2(fresh.start(), fresh.output().constData());
        PreflightConfig c = config();
        c.profile.prometheusUrl = fresh.url();
        PreflightRunner runner;
        runner.setConfig(c);
        QSignalSpy finished(&runner, &PreflightRunner::finished);
        QStringList progress;
        connect(&runner, &PreflightRunner::checkUpdated, this,
            [&progress](const PreflightResult &r) { progress << r.line(); });
        QVERIFY(runner.run());
        QVERIFY(finished.wait(90000));
        QMap<QString, PreflightResult> results;
        for (const PreflightResult &r : finished.at(0).at(0).value<QList<PreflightResult>>()) {
            results.insert(r.id, r);
        }
        for (const QString &id : {u"prometheus-targets"_s, u"scrape-interval"_s}) {
            QVERIFY2(results[id].status == Status::Pass, qPrintable(dump(results)));
        }
        // It said why it waited (a fresh Prometheus lists no target for its first seconds).
        const QString waited
            = u"WAIT  Prometheus scraping CockroachDB and the sample app: waiting: Prometheus has not scraped yet"_s;
        QVERIFY2(std::any_of(
                     progress.cbegin(), progress.cend(), [&waited](const QString &l) { return l.startsWith(waited); }),
            qPrintable(progress.join(u"\n"_s)));
    }

    // The same wait in `presenter --preflight` (the local stack just started): it prints the
    // waiting line once, then the verdicts, and exits 0.
    void cliSaysItWaits()
    {
        const QString target = u"127.0.0.1:%1"_s.arg(m_app->port());
        testenv::PrometheusProcess fresh(QStringList {target}, u"15s"_s);
        QVERIFY2(fresh.start(), fresh.output().constData());
        QProcess cli;
        cli.setWorkingDirectory(testenv::sourceDir()); // demo/plan.json, grafana/dashboards
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(qEnvironmentVariable("PRESENTER_BIN"),
            {u"--preflight"_s, u"--cluster-kind"_s, u"none"_s, u"--sampleapp-url"_s, m_app->url().toString(),
                u"--prometheus-url"_s, fresh.url().toString()});
        const bool done = cli.waitForFinished(90000);
        const QString out = QString::fromUtf8(cli.readAll());
        QVERIFY2(done, qPrintable(out));
        QVERIFY2(cli.exitCode() == 0, qPrintable(out));
        const QString waiting
            = u"WAIT  Prometheus scraping CockroachDB and the sample app: waiting: Prometheus has not scraped yet"_s;
        QVERIFY2(out.count(waiting) == 1, qPrintable(out));
        QVERIFY2(out.contains(u"PASS  Prometheus scraping CockroachDB and the sample app: no CockroachDB expected"_s),
            qPrintable(out));
        QVERIFY2(out.indexOf(waiting) < out.indexOf(u"PASS  Prometheus scraping"_s), qPrintable(out));
    }

    // A target Prometheus never scrapes within the bound: the wait ends, with the reason.
    void prometheusNeverScrapedFailsAtTheBound()
    {
        const QString target = u"127.0.0.1:%1"_s.arg(m_app->port());
        testenv::PrometheusProcess slow(QStringList {target}, u"1h"_s,
            u"  - job_name: cockroachdb\n    static_configs:\n      - targets: [\"%1\"]\n        labels: {instance: crdb-0}\n"_s
                .arg(target));
        QVERIFY2(slow.start(), slow.output().constData());
        PreflightConfig c = config();
        c.profile.prometheusUrl = slow.url();
        c.maxScrapeWaitMs = 8000; // below 2 x 1 h: the limit is the bound
        c.scrapeRecheckMs = 1000;
        const auto results = runChecks(c);
        const PreflightResult r = results.value(u"prometheus-targets"_s);
        QVERIFY2(r.status == Status::Fail
                && r.detail.startsWith(u"Prometheus has still not scraped after 8 s (2 scrape intervals, bounded): "_s)
                && !r.fix.isEmpty(),
            qPrintable(r.line()));
        QVERIFY2(r.detail.contains(u"sampleapp/"_s) || r.detail.contains(u"no target discovered yet"_s),
            qPrintable(r.line()));
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
        m_node->setThrottling(noKeyThrottling(QDateTime::currentDateTimeUtc().addDays(-1)));
        // The profile's login is a user that is not admin.
        m_node->requireLogin(u"root"_s, u"root-secret"_s);
        m_node->addUser(u"postgres"_s, u"not-admin"_s, false);
        c.profile.sqlConninfo += " password=not-admin"; // the PostgreSQL fixture ignores it
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
            {u"node-api"_s,
                u"user postgres is not admin: /api/v2/nodes/ answered 403 (it is registered for the admin role)"_s},
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
        // The load is the set-up's (demo/DEMO.md, "Before the talk"), never a beat's.
        QVERIFY2(results[u"workload"_s].fix.contains(u"belongs to the set-up, before the talk"_s),
            qPrintable(results[u"workload"_s].line()));
    }

    // The presenter's own login (the profile's SQL user and password, as the node-status client
    // logs in) must read /api/v2/nodes/, which CockroachDB registers for the admin role.
    void nodeApiAsTheProfileUser_data()
    {
        QTest::addColumn<QString>("password"); // appended to the SQL URL; empty = none (insecure)
        QTest::addColumn<bool>("admin");
        QTest::addColumn<bool>("loginRequired");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("says");
        QTest::addRow("admin") << u"s3cret+&="_s << true << true << int(Status::Pass)
                               << u"user postgres read /api/v2/nodes/"_s;
        QTest::addRow("not admin") << u"s3cret+&="_s << false << true << int(Status::Fail)
                                   << u"user postgres is not admin: /api/v2/nodes/ answered 403 (it is registered for "
                                      u"the admin role)"_s;
        QTest::addRow("wrong password") << u"wrong"_s << true << true << int(Status::Fail)
                                        << u"login as postgres refused by /api/v2/login/ (HTTP 401"_s;
        QTest::addRow("secure cluster, no password")
            << QString() << true << true << int(Status::Fail) << u"answered 401 (a secure cluster needs a login"_s;
        QTest::addRow("insecure cluster") << QString() << true << false << int(Status::Pass)
                                          << u"no login (no password in the SQL URL) read /api/v2/nodes/"_s;
    }
    void nodeApiAsTheProfileUser()
    {
        QFETCH(QString, password);
        QFETCH(bool, admin);
        QFETCH(bool, loginRequired);
        QFETCH(int, status);
        QFETCH(QString, says);
        if (loginRequired) {
            m_node->addUser(u"postgres"_s, u"s3cret+&="_s, admin);
        }
        PreflightConfig c = config();
        if (!password.isEmpty()) {
            c.profile.sqlConninfo += " password='" + password.toUtf8() + "'";
        }
        const auto results = runChecks(c);
        const PreflightResult r = results.value(u"node-api"_s);
        QVERIFY2(int(r.status) == status && r.detail.contains(says), qPrintable(r.line()));
        QCOMPARE(r.fix.isEmpty(), r.status == Status::Pass);
        QVERIFY(m_node->requestCount(u"/api/v2/nodes/"_s) + m_node->requestCount(u"/api/v2/login/"_s) > 0);
    }

    // The login the check proves is the one the node-status client uses on stage: the session
    // gives the client the SQL URL's user and password, so a pass here means the grid gets nodes.
    void nodeStatusClientUsesTheCheckedLogin()
    {
        m_node->addUser(u"postgres"_s, u"s3cret"_s, true);
        PreflightConfig c = config();
        c.profile.sqlConninfo += " password=s3cret";
        QCOMPARE(runChecks(c).value(u"node-api"_s).status, Status::Pass);
        PresenterSession session(c.profile);
        session.nodeStatus()->setEndpoints({{u"crdb-0"_s, m_node->url()}});
        session.nodeStatus()->start();
        QTRY_VERIFY2_WITH_TIMEOUT(!session.nodeStatus()->snapshot().nodes.isEmpty(),
            qPrintable(session.nodeStatus()->snapshot().nodesError), 10000);
        session.nodeStatus()->stop();
    }

    // A secure cluster's HTTP port speaks TLS: with the profile's SQL URL verifying the server, the
    // check reads crdb-0 over https trusting the URL's sslrootcert, as the node-status client does
    // (certificates made at test time by tests/fixtures/postgres-tls.sh).
    void nodeApiOverTls()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess make;
        make.setProcessChannelMode(QProcess::ForwardedChannels);
        make.start(testenv::sourceDir() + u"/tests/fixtures/postgres-tls.sh"_s, {u"certs"_s, dir.path()});
        QVERIFY(make.waitForFinished(60000) && make.exitStatus() == QProcess::NormalExit && make.exitCode() == 0);
        const QString certs = dir.filePath(u"certs"_s);
        CrdbStatusStandIn node;
        QVERIFY(node.useTls(certs + u"/good.crt"_s, certs + u"/server.key"_s));
        QVERIFY(node.listen());
        node.setNodes({{1, u"crdb-0.crdb.crdb-evolution.svc.cluster.local:26257"_s, 3, 0}});
        node.addUser(u"postgres"_s, u"s3cret"_s, true);
        PreflightConfig c = config();
        c.profile.sqlConninfo += " password=s3cret sslmode=verify-full sslrootcert=" + certs.toUtf8() + "/ca.crt";
        c.nodeHttpUrl = PreflightConfig::nodeHttpUrlFor(c.profile, node.url().port());
        QCOMPARE(c.nodeHttpUrl.scheme(), u"https"_s);
        const PreflightResult r = runChecks(c).value(u"node-api"_s);
        QVERIFY2(r.status == Status::Pass, qPrintable(r.line()));
        QCOMPARE(node.server().handshakesFailed(), 0);
        // Without a CA in the profile the URL stays http (an insecure cluster).
        QCOMPARE(PreflightConfig::nodeHttpUrlFor(config().profile, 18080).scheme(), u"http"_s);
    }

    // The TPC-C load has one owner: the set-up. DEMO.md starts it before the first beat (and
    // demo/evolve.sh phase0 with it), no beat starts it, and the pre-flight expects it from the
    // set-up state on.
    void loadgenBelongsToTheSetUp()
    {
        QFile demo(testenv::sourceDir() + u"/demo/DEMO.md"_s);
        QVERIFY(demo.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(demo.readAll());
        const QString apply = u"kubectl apply -k k8s/loadgen/"_s;
        const qsizetype firstBeat = text.indexOf(u"<!-- beat: %1 -->"_s.arg(m_plan.beats.first().id));
        const qsizetype setUp = text.indexOf(u"## Before the talk"_s);
        QVERIFY(setUp >= 0 && firstBeat > setUp);
        const qsizetype inSetUp = text.indexOf(apply, setUp);
        QVERIFY2(inSetUp > setUp && inSetUp < firstBeat, "demo/DEMO.md's set-up does not start the TPC-C load");
        QVERIFY2(text.indexOf(apply, firstBeat) < 0, "a beat of demo/DEMO.md starts the TPC-C load");
        QFile evolve(testenv::sourceDir() + u"/demo/evolve.sh"_s);
        QVERIFY(evolve.open(QIODevice::ReadOnly));
        const QString script = QString::fromUtf8(evolve.readAll());
        const qsizetype phase0 = script.indexOf(u"\nphase0)"_s);
        const qsizetype phase1 = script.indexOf(u"\nphase1)"_s);
        const qsizetype inScript = script.indexOf(u"run kubectl apply -k k8s/loadgen/"_s);
        QVERIFY2(inScript > phase0 && inScript < phase1, "demo/evolve.sh phase0 does not start the TPC-C load");
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
        PreflightConfig c = config(ClusterKind::Operator);
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
        PreflightConfig c = config(ClusterKind::None);
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
