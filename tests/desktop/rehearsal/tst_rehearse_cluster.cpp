#include "cluster_gauges_standin.h"
#include "fake_kube_api.h"
#include "processes.h"
#include "recording/recording_reader.h"
#include "rehearsal_run.h"
#include "standins_follow_fake.h"
#include "test_env.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

using rehearsaltest::parseTable;
using rehearsaltest::presenterBinary;
using rehearsaltest::TableBeat;

// The failure's windows (120 s) become 12 s, the heal's (300 s) 30 s.
constexpr double kTimeScale = 0.1;
// How old a scraped cluster gauge is (ClusterGaugesStandIn): CockroachDB's 10 s metric sample,
// scaled down like the windows.
constexpr int kGaugeLagMs = 5000;
constexpr int kCatchUpMs = 1000;
const QString kNamespace = u"crdb-evolution"_s;

// A kubeconfig whose one context, "fake", is the fake API server: the presenter's kubectl reaches
// it through --kube-context, as it reaches a kind cluster through its profile's context.
QString writeKubeconfig(const QString &dir, quint16 port)
{
    return testenv::writeFile(dir + u"/kubeconfig"_s,
        u"apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:%1\n"
        "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\nusers:\n- name: fake\n  user: {}\n"
        "current-context: fake\n"_s.arg(port)
            .toUtf8());
}

} // namespace

// presenter --rehearse, the real binary, against the fake Kubernetes API through the real kubectl:
// the failure and the heal (--from failure --until heal), then the encore with
// --allow-majority-loss. The sample app, PostgreSQL and Prometheus are real; the CockroachDB
// pods are FakeKubeApi's container model, CockroachDB's gauges a stand-in following it
// (ClusterGaugesStandIn).
class TestRehearseCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void failureAndHeal();
    void majorityLossAllowed();

private:
    using Run = rehearsaltest::Run;
    Run rehearse(const QStringList &extra);

    QTemporaryDir m_dir;
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<StandInsFollowFake> m_nodes;
    std::unique_ptr<ClusterGaugesStandIn> m_gauges;
    std::unique_ptr<testenv::PrometheusProcess> m_prom;
    QString m_kubeconfig;
};

void TestRehearseCluster::initTestCase()
{
    QVERIFY2(QFile::exists(presenterBinary()), "PRESENTER_BIN does not name the built presenter");
    m_app = std::make_unique<testenv::SampleAppProcess>();
    QVERIFY2(m_app->start(), m_app->output().constData());
}

// Each rehearsal starts from a healthy cluster of three (the set-up's Phase 2, as after phase2-scale).
void TestRehearseCluster::init()
{
    m_prom.reset();
    m_gauges.reset();
    m_nodes.reset();
    m_api = std::make_unique<FakeKubeApi>();
    QVERIFY(m_api->listen());
    m_api->reset(kNamespace, 3);
    m_api->setRestartDelayMs(400);
    StandInsFollowFake::Options options; // liveness expiry and catch-up scaled down as in tst_fault_heal_gui
    options.suspectAfterMs = 1500;
    options.catchUpMs = kCatchUpMs;
    m_nodes = std::make_unique<StandInsFollowFake>(m_api.get(), 3, options);
    QVERIFY(m_nodes->listen());
    m_nodes->start();
    m_gauges = std::make_unique<ClusterGaugesStandIn>(m_nodes.get(), 3, kGaugeLagMs, kCatchUpMs);
    QVERIFY(m_gauges->listen());
    m_prom = std::make_unique<testenv::PrometheusProcess>(QStringList {u"127.0.0.1:%1"_s.arg(m_app->port())}, u"1s"_s,
        u"  - job_name: cockroachdb\n    metrics_path: /metrics\n    static_configs:\n"
        "      - targets: [\"127.0.0.1:%1\"]\n"_s.arg(m_gauges->port()));
    QVERIFY2(m_prom->start(), m_prom->output().constData());
    m_kubeconfig = writeKubeconfig(m_dir.path(), m_api->port());
    QVERIFY(!m_kubeconfig.isEmpty());
}

// Runs the binary while this test's event loop serves the fake API and the stand-ins.
TestRehearseCluster::Run TestRehearseCluster::rehearse(const QStringList &extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"KUBECONFIG"_s, m_kubeconfig);
    env.insert(u"KUBECACHEDIR"_s, m_dir.filePath(u"kube-cache"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config"_s)); // settings away from the user's
    env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data"_s));
    const QStringList args = QStringList {u"--rehearse"_s, u"--plan"_s, u"demo/plan.json"_s, u"--time-scale"_s,
                                 QString::number(kTimeScale), u"--cluster-kind"_s, u"statefulset"_s,
                                 u"--kube-context"_s, u"fake"_s, u"--namespace"_s, kNamespace, u"--sampleapp-url"_s,
                                 m_app->url().toString(), u"--prometheus-url"_s, m_prom->url().toString(),
                                 u"--sql-url"_s, QString::fromUtf8(testenv::pgConninfo(u"postgres"_s, u"evolution"_s))}
        + extra;
    return rehearsaltest::runPresenter(args, env, 150000);
}

// The failure and the heal through the real kubectl: the fault reached crdb-2's container and the
// start ended it; every verdict of both beats PASS (the cluster's from the gauges, the app's from
// the feed); exit 0; the recording complete.
void TestRehearseCluster::failureAndHeal()
{
    const QString recording = m_dir.filePath(u"failure-heal.jsonl.gz"_s);
    const Run run = rehearse({u"--from"_s, u"failure"_s, u"--until"_s, u"heal"_s, u"--record"_s, recording});
    qInfo().noquote() << run.output;
    qInfo("wall time of the failure and heal rehearsal: %.1f s", double(run.wallMs) / 1000.0);
    QVERIFY(run.output.contains(
        u"Afterwards the cluster will have 3 nodes at replication factor 3. Nothing is scaled down or deleted."_s));
    const auto table = parseTable(run.output);
    QCOMPARE(table.keys(), QStringList({u"failure"_s, u"heal"_s}));
    QVERIFY2(table.value(u"failure"_s).actions.value(0).startsWith(u"applied keep node crdb-2 down"_s),
        qPrintable(run.output));
    QVERIFY2(table.value(u"heal"_s).actions.value(0).startsWith(u"applied start node crdb-2 again"_s),
        qPrintable(run.output));
    for (const QString &beat : {u"failure"_s, u"heal"_s}) {
        QCOMPARE(table.value(beat).result, u"GO"_s);
        for (const QString &v : table.value(beat).verdicts) {
            QVERIFY2(v.startsWith(u"PASS "_s), qPrintable(beat + u": "_s + v));
        }
    }
    QCOMPARE(run.exitCode, 0);
    // What kubectl did to the container: held (crdb-2's hold file), then released and running.
    QVERIFY2(m_api->execs().filter(u"crdb-2/cockroachdb"_s).size() >= 2, qPrintable(m_api->execs().join(u'\n')));
    QVERIFY(!m_api->holdFile(2));
    QVERIFY(m_api->ready(2));
    QString error;
    const auto read = recording::readRecordingFile(recording, &error);
    QVERIFY2(read && read->complete, qPrintable(error));
    QCOMPARE(read->header.purpose, u"rehearsal"_s);
}

// The encore runs only with --allow-majority-loss: both keep_downs and heal_all go through kubectl
// and the cluster's verdicts pass. The app's verdicts of the encore (its writes fail, it is not
// ready) cannot pass here: its database is this machine's PostgreSQL, which no fault reaches. So
// the rehearsal says NO-GO and names exactly those, exit 1.
void TestRehearseCluster::majorityLossAllowed()
{
    const Run run = rehearse({u"--from"_s, u"majority-loss"_s, u"--allow-majority-loss"_s, u"--record"_s,
        m_dir.filePath(u"encore.jsonl.gz"_s)});
    qInfo().noquote() << run.output;
    qInfo("wall time of the encore rehearsal: %.1f s", double(run.wallMs) / 1000.0);
    const auto table = parseTable(run.output);
    QCOMPARE(table.keys(), QStringList({u"majority-heal"_s, u"majority-loss"_s}));
    const TableBeat loss = table.value(u"majority-loss"_s);
    QCOMPARE(loss.actions.size(), 2);
    for (const QString &a : loss.actions) {
        QVERIFY2(a.startsWith(u"applied keep node crdb-"_s), qPrintable(a));
    }
    QVERIFY2(
        table.value(u"majority-heal"_s).actions.value(0).startsWith(u"applied heal all"_s), qPrintable(run.output));
    QCOMPARE(loss.result, u"NO-GO"_s);
    QVERIFY2(loss.verdicts.value(0).startsWith(u"FAIL writes fail or time out"_s), qPrintable(run.output));
    QVERIFY2(loss.verdicts.value(1).startsWith(u"FAIL the app is not ready"_s), qPrintable(run.output));
    QVERIFY2(loss.verdicts.value(2).startsWith(u"PASS CockroachDB's own count of live nodes goes dark"_s),
        qPrintable(run.output));
    QVERIFY2(table.value(u"majority-heal"_s).verdicts.value(0).startsWith(u"PASS live nodes 0 → 3 again"_s),
        qPrintable(run.output));
    QVERIFY(run.output.contains(u"NO-GO: failed in majority-loss."_s));
    QCOMPARE(run.exitCode, 1);
    QVERIFY(!m_api->holdFile(1) && !m_api->holdFile(2));
}

QTEST_GUILESS_MAIN(TestRehearseCluster)
#include "tst_rehearse_cluster.moc"
