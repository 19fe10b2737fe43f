#include "sources/cluster_driver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fake_kube_api.h"

using namespace Qt::StringLiterals;

using namespace presenter;

// ClusterDriver running the real kubectl binary against FakeKubeApi (the one fake: see its header).
class TestClusterDriver : public QObject
{
    Q_OBJECT

    const QString m_ns = u"crdb-evolution"_s;
    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<QTemporaryDir> m_cache;

    void configure(ClusterDriver &driver)
    {
        // Its own discovery cache and no kubeconfig: nothing from the machine leaks in.
        driver.setKubectl(u"kubectl"_s, m_api->kubectlArgs(m_cache->path()));
        driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
        driver.setNamespace(m_ns);
        driver.setWorkloadName(u"crdb"_s);
        driver.setPollIntervalMs(100);
        driver.setSettleTimeoutMs(30000);
    }

    static std::pair<bool, QString> waitFinished(QSignalSpy &finished, int timeoutMs = 30000)
    {
        if (finished.isEmpty() && !finished.wait(timeoutMs)) {
            return {false, u"no operationFinished() within the time limit"_s};
        }
        return {finished.at(0).at(0).toBool(), finished.at(0).at(1).toString()};
    }

    int requestsMatching(const QString &prefix) const
    {
        int n = 0;
        for (const QString &r : m_api->requests()) {
            n += r.startsWith(prefix) ? 1 : 0;
        }
        return n;
    }

private Q_SLOTS:
    void init()
    {
        m_api = std::make_unique<FakeKubeApi>();
        QVERIFY(m_api->listen());
        m_cache = std::make_unique<QTemporaryDir>();
    }

    void cleanup()
    {
        // Every call kubectl made was one the fake knows; nothing was deleted, ever.
        QVERIFY2(m_api->unexpected().isEmpty(), qPrintable(m_api->unexpected().join(u", "_s)));
        for (const QString &r : m_api->requests()) {
            QVERIFY2(!r.startsWith(u"DELETE"_s), qPrintable(r));
        }
        m_api.reset();
    }

    void status()
    {
        m_api->reset(m_ns, 3);
        ClusterDriver driver;
        configure(driver);
        QSignalSpy changed(&driver, &ClusterDriver::statusChanged);
        driver.setStatusIntervalMs(200);
        driver.start();
        QVERIFY(changed.wait(20000));
        const auto s = changed.at(0).at(0).value<ClusterDriver::ClusterStatus>();
        QVERIFY(s.valid);
        QCOMPARE(s.desiredNodes, 3);
        QCOMPARE(s.readyNodes, 3);
        QCOMPARE(s.pods.size(), 3);
        QCOMPARE(s.pods.at(2).name, u"crdb-2"_s);
        QCOMPARE(s.pods.at(2).phase, u"Running"_s);
        QVERIFY(s.pods.at(2).ready);
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 2, 10000); // it keeps polling while running
        driver.stop();
        QVERIFY(requestsMatching(u"GET /apis/apps/v1/namespaces/crdb-evolution/statefulsets/crdb"_s) >= 2);
        QVERIFY(
            requestsMatching(
                u"GET /api/v1/namespaces/crdb-evolution/pods?labelSelector=app.kubernetes.io%2Fname%3Dcockroachdb"_s)
            >= 2);
    }

    // The story's 1 → 2 → 3 on a StatefulSet, with progress until every pod is ready.
    void scaleUpOneTwoThree()
    {
        m_api->reset(m_ns, 1);
        m_api->setReadyDelayMs(1500);
        ClusterDriver driver;
        configure(driver);
        driver.setMinimumNodes(1);
        for (int nodes : {2, 3}) {
            QSignalSpy progress(&driver, &ClusterDriver::operationProgress);
            QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
            QString whyNot;
            QVERIFY2(driver.scaleTo(nodes, &whyNot), qPrintable(whyNot));
            QVERIFY(driver.isBusy());
            const auto [ok, summary] = waitFinished(finished);
            QVERIFY2(ok, qPrintable(summary));
            QVERIFY2(
                summary.startsWith(u"scaled crdb to %1 node(s): all ready after"_s.arg(nodes)), qPrintable(summary));
            QVERIFY(!driver.isBusy());
            QCOMPARE(driver.status().desiredNodes, nodes);
            QCOMPARE(driver.status().readyNodes, nodes);
            QStringList texts;
            for (const auto &args : std::as_const(progress)) {
                texts << args.at(0).toString();
            }
            QVERIFY2(texts.first().contains(u"kubectl"_s)
                    && texts.first().contains(u"scale statefulset crdb --replicas=%1"_s.arg(nodes)),
                qPrintable(texts.first()));
            QVERIFY2(texts.contains(u"statefulset.apps/crdb scaled"_s), qPrintable(texts.join(u" | "_s)));
            // While the new pod starts, progress says who is not ready yet.
            const QString waiting = u"%1 of %2 node(s) ready (not ready: crdb-%1: Pending)"_s.arg(nodes - 1).arg(nodes);
            QVERIFY2(texts.contains(waiting), qPrintable(texts.join(u" | "_s)));
            QCOMPARE(m_api->desired(), nodes);
        }
        QCOMPARE(
            m_api->patchBodies(), (QList<QByteArray> {R"({"spec":{"replicas":2}})", R"({"spec":{"replicas":3}})"}));
        QCOMPARE(requestsMatching(u"PATCH /apis/apps/v1/namespaces/crdb-evolution/statefulsets/crdb/scale"_s), 2);
    }

    void refusesBelowReplicationFactor()
    {
        m_api->reset(m_ns, 3);
        ClusterDriver driver;
        configure(driver);
        driver.setMinimumNodes(3);
        QSignalSpy failed(&driver, &ClusterDriver::failed);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QString whyNot;
        QVERIFY(!driver.scaleTo(2, &whyNot));
        QCOMPARE(
            whyNot, u"refusing to scale to 2 node(s): below the replication factor 3 (ranges would lose replicas)"_s);
        QCOMPARE(failed.size(), 1);
        QVERIFY(driver.isHealthy());
        QVERIFY(!driver.isBusy());
        QTest::qWait(100);
        QCOMPARE(finished.size(), 0);
        QVERIFY(m_api->requests().isEmpty()); // kubectl never ran
    }

    void refusesWhileBusy()
    {
        m_api->reset(m_ns, 1);
        m_api->setReadyDelayMs(500);
        ClusterDriver driver;
        configure(driver);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QVERIFY(driver.scaleTo(2));
        QString whyNot;
        QVERIFY(!driver.scaleTo(3, &whyNot));
        QCOMPARE(whyNot, u"cluster operation already running; wait for it to finish"_s);
        QVERIFY(!driver.stopNode(0, &whyNot));
        QCOMPARE(whyNot, u"cluster operation already running; wait for it to finish"_s);
        const auto [ok, summary] = waitFinished(finished);
        QVERIFY2(ok, qPrintable(summary));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(m_api->desired(), 2);
    }

    void operatorPatchesNodes()
    {
        m_api->reset(m_ns, 3);
        m_api->setReadyDelayMs(300);
        ClusterDriver driver;
        configure(driver);
        driver.setKind(ClusterKind::Operator);
        driver.setMinimumNodes(1);
        QString whyNot;
        QVERIFY(!driver.scaleTo(2, &whyNot));
        QCOMPARE(whyNot, u"refusing to scale the CrdbCluster to 2 node(s): the operator needs spec.nodes >= 3"_s);
        QVERIFY(m_api->requests().isEmpty());

        QCOMPARE(driver.scaleArguments(4),
            (QStringList {
                u"patch"_s, u"crdbcluster"_s, u"crdb"_s, u"--type=merge"_s, u"-p"_s, uR"({"spec":{"nodes":4}})"_s}));
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QVERIFY2(driver.scaleTo(4, &whyNot), qPrintable(whyNot));
        const auto [ok, summary] = waitFinished(finished);
        QVERIFY2(ok, qPrintable(summary));
        QCOMPARE(m_api->patchBodies(), (QList<QByteArray> {R"({"spec":{"nodes":4}})"}));
        QCOMPARE(requestsMatching(
                     u"PATCH /apis/crdb.cockroachlabs.com/v1alpha1/namespaces/crdb-evolution/crdbclusters/crdb"_s),
            1);
        QVERIFY(
            requestsMatching(u"GET /apis/crdb.cockroachlabs.com/v1alpha1/namespaces/crdb-evolution/crdbclusters/crdb"_s)
            >= 1);
        QCOMPARE(driver.status().readyNodes, 4);
    }

    // The local stack: no Kubernetes. Nothing runs, nothing is down, cluster actions say why not.
    void kindNoneRunsNothing()
    {
        ClusterDriver driver;
        configure(driver);
        driver.setKind(ClusterKind::None);
        driver.setMinimumNodes(3);
        QSignalSpy failed(&driver, &ClusterDriver::failed);
        driver.start();
        QTest::qWait(300);
        QString why;
        QVERIFY(!driver.scaleTo(3, &why));
        QVERIFY2(why.contains(u"no Kubernetes cluster"_s), qPrintable(why));
        QVERIFY(!driver.stopNode(2, &why));
        QVERIFY2(why.contains(u"no Kubernetes cluster"_s), qPrintable(why));
        QVERIFY(driver.isHealthy());
        QCOMPARE(m_api->requests().size(), 0); // kubectl never ran
        driver.stop();
    }

    void kubectlMissing()
    {
        ClusterDriver driver;
        configure(driver);
        driver.setKubectl(u"/nonexistent/bin/kubectl"_s, {});
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QSignalSpy failed(&driver, &ClusterDriver::failed);
        QVERIFY(driver.scaleTo(2));
        const auto [ok, summary] = waitFinished(finished);
        QVERIFY(!ok);
        QVERIFY2(summary.startsWith(u"cannot run /nonexistent/bin/kubectl: "_s), qPrintable(summary));
        QVERIFY2(summary.contains(u"is kubectl installed and on PATH?"_s), qPrintable(summary));
        QCOMPARE(failed.size(), 1);
        QVERIFY(!driver.isHealthy());
        QVERIFY(!driver.isBusy());
    }

    // kubectl runs but the API says no: the exit code and kubectl's own message reach the user.
    void kubectlErrorIsReadable()
    {
        ClusterDriver driver;
        configure(driver);
        driver.setWorkloadName(u"nosuch"_s);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QVERIFY(driver.scaleTo(2));
        const auto [ok, summary] = waitFinished(finished);
        QVERIFY(!ok);
        QVERIFY2(summary.contains(u"scale statefulset nosuch --replicas=2 failed (exit code 1): "_s)
                && summary.contains(u"statefulsets.apps \"nosuch\" not found"_s),
            qPrintable(summary));
    }

    void settleTimeLimit()
    {
        m_api->reset(m_ns, 1);
        m_api->setReadyDelayMs(600000);
        ClusterDriver driver;
        configure(driver);
        driver.setSettleTimeoutMs(1500);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QVERIFY(driver.scaleTo(2));
        const auto [ok, summary] = waitFinished(finished);
        QVERIFY(!ok);
        QVERIFY2(summary.startsWith(u"not settled after 1.5 s: 1 of 2 node(s) ready (not ready: crdb-1: Pending)"_s),
            qPrintable(summary));
        QVERIFY(!driver.isBusy());
    }

    void stopNodeRefusals()
    {
        m_api->reset(m_ns, 2);
        ClusterDriver driver;
        configure(driver);
        driver.setMinimumNodes(2);
        QString whyNot;
        QVERIFY(!driver.stopNode(1, &whyNot));
        QCOMPARE(whyNot,
            u"refusing to stop a node with replication factor 2: ranges would become unavailable (needs RF >= 3)"_s);
        QVERIFY(m_api->requests().isEmpty());

        // RF 3 but a node is not ready (a 3-node cluster whose third pod is still starting): no
        // second failure on top of it.
        m_api->setReadyDelayMs(600000);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QVERIFY(driver.scaleTo(3));
        driver.setSettleTimeoutMs(200);
        QVERIFY(finished.wait(20000)); // times out: crdb-2 stays Pending
        finished.clear();
        driver.setMinimumNodes(3);
        // Known status: refused at once.
        QVERIFY(!driver.stopNode(0, &whyNot));
        QCOMPARE(whyNot,
            u"not stopping crdb-0: only 2 of 3 nodes are ready; a second failure would make ranges unavailable"_s);
        QVERIFY(!driver.stopNode(7, &whyNot));
        QCOMPARE(whyNot, u"not stopping crdb-7: no such node (the cluster has 3)"_s);

        // No status yet: the fresh check refuses before any signal.
        ClusterDriver fresh;
        configure(fresh);
        fresh.setMinimumNodes(3);
        QSignalSpy freshFinished(&fresh, &ClusterDriver::operationFinished);
        QSignalSpy stopped(&fresh, &ClusterDriver::nodeStopped);
        QVERIFY(fresh.stopNode(1, &whyNot));
        const auto [ok, summary] = waitFinished(freshFinished);
        QVERIFY(!ok);
        QCOMPARE(summary,
            u"not stopping crdb-1: only 2 of 3 nodes are ready; a second failure would make ranges unavailable"_s);
        QCOMPARE(stopped.size(), 0);
        QCOMPARE(m_api->execs(), QStringList());
    }

    // The exact argv per cluster kind: the shell builtin `kill` (the image has no kill binary) in
    // the container the kind names ("cockroachdb" in k8s/base/crdb-cluster.yaml, "db" for the operator).
    void stopNodeSendsSigterm_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<QString>("container");
        QTest::addColumn<QString>("script");
        // StatefulSet: the PID k8s/base/crdb-cluster.yaml's command wrote (PID 1 is the pause process
        // there); operator: PID 1, cockroach itself.
        QTest::addRow("statefulset")
            << ClusterKind::StatefulSet << u"cockroachdb"_s
            << uR"(pid=$(cat /cockroach/faults/cockroach.pid) || exit 2; test "$pid" != 1 || exit 3; kill -TERM "$pid")"_s;
        QTest::addRow("operator") << ClusterKind::Operator << u"db"_s << u"kill -TERM 1"_s;
    }

    void stopNodeSendsSigterm()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(QString, container);
        QFETCH(QString, script);
        m_api->reset(m_ns, 3);
        m_api->setContainerName(container);
        m_api->setFaultSupport(kind == ClusterKind::StatefulSet);
        m_api->setRestartDelayMs(800);
        ClusterDriver driver;
        configure(driver);
        driver.setKind(kind);
        driver.setMinimumNodes(3);
        QCOMPARE(driver.stopNodeArguments(2),
            (QStringList {u"exec"_s, u"crdb-2"_s, u"-c"_s, container, u"--"_s, u"bash"_s, u"-c"_s, script}));
        QSignalSpy progress(&driver, &ClusterDriver::operationProgress);
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QSignalSpy stopped(&driver, &ClusterDriver::nodeStopped);
        QString whyNot;
        QVERIFY2(driver.stopNode(2, &whyNot), qPrintable(whyNot));
        QVERIFY2(stopped.wait(20000) || !finished.isEmpty(), "neither stopped nor finished");
        QStringList texts;
        for (const auto &args : std::as_const(progress)) {
            texts << args.at(0).toString();
        }
        QVERIFY2(
            finished.isEmpty(), qPrintable(finished.value(0).value(1).toString() + u" | "_s + texts.join(u" | "_s)));
        QCOMPARE(stopped.at(0).at(0).toInt(), 2);
        QCOMPARE(stopped.at(0).at(1).toString(), u"crdb-2"_s);
        QVERIFY(driver.isBusy()); // still waiting for the restart
        const auto [ok, summary] = waitFinished(finished);
        texts.clear();
        for (const auto &args : std::as_const(progress)) {
            texts << args.at(0).toString();
        }
        QVERIFY2(ok, qPrintable(summary + u" | "_s + texts.join(u" | "_s)));
        QCOMPARE(m_api->execs(), QStringList {u"crdb-2/%1: bash|-c|%2"_s.arg(container, script)});
        QCOMPARE(m_api->pauseSignals(), QStringList());
        QCOMPARE(m_api->restarts(2), 1);
        QVERIFY2(summary.startsWith(u"crdb-2 was stopped and is back (restarted, ready) after"_s), qPrintable(summary));
        QVERIFY2(texts.contains(u"crdb-2: Running, not ready, restarts 1"_s), qPrintable(texts.join(u" | "_s)));
        QCOMPARE(driver.status().readyNodes, 3);
    }

    // Self-test of the fake: the argv of today's presenter (a `kill` binary, the StatefulSet's
    // container name on an operator pod) fails there as it fails on a real cluster.
    void fakeRejectsWhatARealClusterRejects()
    {
        m_api->reset(m_ns, 3);
        m_api->setContainerName(u"db"_s);
        KubectlProcess process;
        auto runExec = [&](const QString &container, const QStringList &argv) {
            CommandResult result;
            bool finished = false;
            const QStringList args = m_api->kubectlArgs(m_cache->path())
                + QStringList {u"--namespace"_s, m_ns, u"exec"_s, u"crdb-0"_s, u"-c"_s, container, u"--"_s};
            process.run(
                u"kubectl"_s, args + argv,
                [&](const CommandResult &r) {
                    result = r;
                    finished = true;
                },
                30000, FakeKubeApi::kubectlEnvironment());
            QElapsedTimer clock;
            clock.start();
            while (!finished && clock.elapsed() < 30000) {
                QTest::qWait(20);
            }
            if (!finished) {
                result.error = u"kubectl did not finish within 30 s"_s;
            }
            return result;
        };
        CommandResult r = runExec(u"db"_s, {u"kill"_s, u"-TERM"_s, u"1"_s});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"executable file not found in $PATH"_s), qPrintable(r.error));
        r = runExec(u"cockroachdb"_s, {u"bash"_s, u"-c"_s, u"kill -TERM 1"_s});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"container cockroachdb is not valid for pod crdb-0"_s), qPrintable(r.error));
        QCOMPARE(m_api->restarts(0), 0);
    }
};

QTEST_GUILESS_MAIN(TestClusterDriver)
#include "tst_cluster_driver.moc"
