#include "sources/cluster/fault_table.h"
#include "sources/cluster_driver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fake_kube_api.h"

using namespace Qt::StringLiterals;

using namespace presenter;
using Fault = ClusterDriver::Fault;

// The faults the presenter controls (desktop/docs/faults.md): ClusterDriver running the real
// kubectl against FakeKubeApi, which models what the pods of k8s/base/crdb-cluster.yaml do with the
// commands (PID file, hold file, shared PID namespace, stopped / restarting / held processes).
class TestFaults : public QObject
{
    Q_OBJECT

    const QString m_ns = u"crdb-evolution"_s;
    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<QTemporaryDir> m_cache;

    void configure(ClusterDriver &driver, ClusterKind kind = ClusterKind::StatefulSet)
    {
        driver.setKubectl(u"kubectl"_s, m_api->kubectlArgs(m_cache->path()));
        driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
        driver.setNamespace(m_ns);
        driver.setKind(kind);
        driver.setPollIntervalMs(100);
        driver.setSettleTimeoutMs(30000);
        driver.setMinimumNodes(3);
    }

    static std::pair<bool, QString> waitFinished(QSignalSpy &finished, int timeoutMs = 40000)
    {
        if (finished.isEmpty() && !finished.wait(timeoutMs)) {
            return {false, u"no operationFinished() within the time limit"_s};
        }
        return {finished.last().at(0).toBool(), finished.last().at(1).toString()};
    }

    // Runs one driver call to its operationFinished(); returns ok + summary.
    template<typename Call> std::pair<bool, QString> run(ClusterDriver &driver, Call call)
    {
        QSignalSpy finished(&driver, &ClusterDriver::operationFinished);
        QString whyNot;
        if (!call(&whyNot)) {
            return {false, u"refused: "_s + whyNot};
        }
        return waitFinished(finished);
    }

    bool inject(ClusterDriver &driver, int ordinal, Fault fault, bool allow, QString *whyNot)
    {
        return kube::injectFault(driver, fault, ordinal, allow, whyNot);
    }

private Q_SLOTS:
    void init()
    {
        m_api = std::make_unique<FakeKubeApi>();
        QVERIFY(m_api->listen());
        m_api->reset(m_ns, 3);
        m_api->setRestartDelayMs(400);
        m_cache = std::make_unique<QTemporaryDir>();
    }

    void cleanup()
    {
        QVERIFY2(m_api->unexpected().isEmpty(), qPrintable(m_api->unexpected().join(u", "_s)));
        for (const QString &r : m_api->requests()) {
            QVERIFY2(!r.startsWith(u"DELETE"_s), qPrintable(r)); // no kubectl delete, ever
        }
        // Every signal was meant for cockroach; none reached the pause process (PID 1).
        QCOMPARE(m_api->pauseSignals(), QStringList());
        m_api.reset();
    }

    // The exact argv of every fault on the StatefulSet: the PID file's PID, never 1.
    void statefulSetArguments()
    {
        ClusterDriver driver;
        configure(driver);
        const QStringList head {u"exec"_s, u"crdb-2"_s, u"-c"_s, u"cockroachdb"_s, u"--"_s, u"bash"_s, u"-c"_s};
        const QString sig
            = uR"(pid=$(cat /cockroach/faults/cockroach.pid) || exit 2; test "$pid" != 1 || exit 3; kill -%1 "$pid")"_s;
        QCOMPARE(driver.faultArguments(2, Fault::Stop), head + QStringList {sig.arg(u"TERM"_s)});
        QCOMPARE(driver.faultArguments(2, Fault::KeepDown),
            head + QStringList {u"touch /cockroach/faults/hold || exit 4; "_s + sig.arg(u"TERM"_s)});
        QCOMPARE(driver.faultArguments(2, Fault::Kill), head + QStringList {sig.arg(u"KILL"_s)});
        QCOMPARE(driver.faultArguments(2, Fault::Pause), head + QStringList {sig.arg(u"STOP"_s)});
        QCOMPARE(driver.startNodeArguments(2), head + QStringList {u"rm -f /cockroach/faults/hold"_s});
        QCOMPARE(driver.resumeNodeArguments(2), head + QStringList {sig.arg(u"CONT"_s)});
        QCOMPARE(driver.healArguments(2),
            head
                + QStringList {
                    uR"(rm -f /cockroach/faults/hold; pid=$(cat /cockroach/faults/cockroach.pid) && test "$pid" != 1 && kill -CONT "$pid"; exit 0)"_s});
        QCOMPARE(driver.shellProbeArguments(2), head + QStringList {sig.arg(u"0"_s)});
    }

    // The operator: SIGTERM to PID 1 (cockroach) works; the rest is refused with the reason, and
    // kubectl never runs for it.
    void operatorRefusals()
    {
        m_api->setContainerName(u"db"_s);
        m_api->setFaultSupport(false);
        ClusterDriver driver;
        configure(driver, ClusterKind::Operator);
        QCOMPARE(driver.faultArguments(1, Fault::Stop),
            (QStringList {u"exec"_s, u"crdb-1"_s, u"-c"_s, u"db"_s, u"--"_s, u"bash"_s, u"-c"_s, u"kill -TERM 1"_s}));
        QString why;
        QVERIFY(!driver.keepDown(1, false, &why));
        QVERIFY2(why.startsWith(u"not keeping crdb-1 down: on the operator's cluster the operator owns the pod spec"_s),
            qPrintable(why));
        QVERIFY(!driver.pauseNode(1, true, &why));
        QVERIFY2(
            why.contains(u"cockroach is PID 1 of its PID namespace, and Linux ignores SIGSTOP"_s), qPrintable(why));
        QVERIFY(!driver.killNode(1, false, &why));
        QVERIFY2(
            why.contains(u"ignores SIGKILL"_s) && why.contains(u"Force Delete StatefulSet Pods"_s), qPrintable(why));
        QVERIFY(!driver.startNode(1, &why));
        QCOMPARE(why, u"nothing to start on crdb-1: keep_down is not done on the operator's cluster"_s);
        QVERIFY(!driver.resumeNode(1, &why));
        QCOMPARE(why, u"nothing to resume on crdb-1: pause_node is not done on the operator's cluster"_s);
        QVERIFY(m_api->requests().isEmpty());
        // heal_all there: nothing to undo, done when every pod is Ready.
        const auto [ok, summary] = run(driver, [&](QString *w) { return driver.healAll(w); });
        QVERIFY2(ok, qPrintable(summary));
        QVERIFY2(summary.startsWith(u"healed: every node ready after"_s), qPrintable(summary));
        QCOMPARE(m_api->execs(), QStringList());
    }

    void refusesBelowReplicationFactorThree()
    {
        ClusterDriver driver;
        configure(driver);
        driver.setMinimumNodes(1);
        QString why;
        QVERIFY(!driver.killNode(2, true, &why));
        QCOMPARE(
            why, u"not killing crdb-2 with replication factor 1: ranges would become unavailable (needs RF >= 3)"_s);
        QVERIFY(!driver.keepDown(2, false, &why));
        QCOMPARE(why,
            u"not keeping crdb-2 down with replication factor 1: ranges would become unavailable (needs RF >= 3)"_s);
        QVERIFY(!driver.pauseNode(2, false, &why));
        QVERIFY(m_api->requests().isEmpty());
    }

    // Every fault, twice in a row on the same node: down (the fake's process says how), then back,
    // with faultStarted / faultEnded around it.
    void eachFaultTwice_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QString>("downState"); // the container's process right after the signal
        QTest::addRow("stop") << Fault::Stop << u"running"_s; // restarted already: the first restart is immediate
        QTest::addRow("keep down") << Fault::KeepDown << u"held"_s;
        QTest::addRow("kill") << Fault::Kill << u"running"_s;
        QTest::addRow("pause") << Fault::Pause << u"stopped"_s;
    }

    void eachFaultTwice()
    {
        QFETCH(Fault, fault);
        QFETCH(QString, downState);
        ClusterDriver driver;
        configure(driver);
        QSignalSpy started(&driver, &ClusterDriver::faultStarted);
        QSignalSpy ended(&driver, &ClusterDriver::faultEnded);
        for (int round = 1; round <= 2; ++round) {
            const int restartsBefore = m_api->restarts(2);
            const auto [ok, summary] = run(driver, [&](QString *w) { return inject(driver, 2, fault, false, w); });
            QVERIFY2(ok, qPrintable(u"round %1: %2"_s.arg(round).arg(summary)));
            QCOMPARE(started.size(), round);
            QCOMPARE(started.last().at(1).toString(), u"crdb-2"_s);
            QCOMPARE(started.last().at(2).value<Fault>(), fault);
            if (fault == Fault::KeepDown || fault == Fault::Pause) {
                QCOMPARE(m_api->processState(2), downState);
                QVERIFY(!m_api->ready(2));
                QCOMPARE(driver.activeFaults().value(2), fault);
                QTest::qWait(500); // held and paused nodes stay down
                QVERIFY(!m_api->ready(2));
                QCOMPARE(ended.size(), round - 1);
                const auto [back, text] = run(driver, [&](QString *w) {
                    return fault == Fault::KeepDown ? driver.startNode(2, w) : driver.resumeNode(2, w);
                });
                QVERIFY2(back, qPrintable(text));
                QVERIFY2(text.startsWith(u"crdb-2 is back: ready after"_s), qPrintable(text));
            } else {
                QCOMPARE(m_api->restarts(2), restartsBefore + 1);
                QTRY_COMPARE_WITH_TIMEOUT(ended.size(), round, 20000);
            }
            QCOMPARE(ended.size(), round);
            QCOMPARE(ended.last().at(2).value<Fault>(), fault);
            QVERIFY(driver.activeFaults().isEmpty());
            QVERIFY(m_api->ready(2));
            QVERIFY(!m_api->holdFile(2));
            QTRY_VERIFY_WITH_TIMEOUT(!driver.isBusy(), 20000); // stop stays busy until the node is back
        }
        QCOMPARE(m_api->restarts(2), fault == Fault::Pause ? 0 : 2);
    }

    // heal_all from every fault state, twice in a row: by the driver that injected the fault, and
    // by a fresh one that knows nothing of it (a presenter restarted mid-fault).
    void healAllFromEveryState_data()
    {
        QTest::addColumn<int>("fault"); // -1: no fault
        QTest::addColumn<bool>("freshDriver");
        for (bool fresh : {false, true}) {
            const QString who = fresh ? u"unknown to the healer"_s : u"known"_s;
            QTest::addRow("no fault, %s", qPrintable(who)) << -1 << fresh;
            QTest::addRow("keep down, %s", qPrintable(who)) << int(Fault::KeepDown) << fresh;
            QTest::addRow("kill, %s", qPrintable(who)) << int(Fault::Kill) << fresh;
            QTest::addRow("pause, %s", qPrintable(who)) << int(Fault::Pause) << fresh;
        }
    }

    void healAllFromEveryState()
    {
        QFETCH(int, fault);
        QFETCH(bool, freshDriver);
        m_api->setRestartDelayMs(800);
        ClusterDriver injector;
        configure(injector);
        QSignalSpy ended(&injector, &ClusterDriver::faultEnded);
        if (fault >= 0) {
            const auto [ok, summary]
                = run(injector, [&](QString *w) { return inject(injector, 1, Fault(fault), false, w); });
            QVERIFY2(ok, qPrintable(summary));
            QVERIFY(!m_api->ready(1));
        }
        ClusterDriver fresh;
        configure(fresh);
        ClusterDriver &healer = freshDriver ? fresh : injector;
        for (int round = 1; round <= 2; ++round) {
            const auto [ok, summary] = run(healer, [&](QString *w) { return healer.healAll(w); });
            QVERIFY2(ok, qPrintable(u"round %1: %2"_s.arg(round).arg(summary)));
            QVERIFY2(summary.startsWith(u"healed: every node ready after"_s), qPrintable(summary));
            for (int i = 0; i < 3; ++i) {
                QVERIFY2(m_api->ready(i), qPrintable(u"crdb-%1: %2"_s.arg(i).arg(m_api->processState(i))));
                QCOMPARE(m_api->processState(i), u"running"_s);
                QVERIFY(!m_api->holdFile(i));
            }
            QVERIFY(healer.activeFaults().isEmpty());
        }
        if (fault >= 0 && !freshDriver) {
            QCOMPARE(ended.size(), 1); // the fault ended once, not once per heal
        }
    }

    // Losing a majority: a second node down at RF 3 is refused unless allowed; heal_all brings both back.
    void majorityLoss()
    {
        ClusterDriver driver;
        configure(driver);
        auto [ok, summary] = run(driver, [&](QString *w) { return driver.keepDown(2, false, w); });
        QVERIFY2(ok, qPrintable(summary));
        QCOMPARE(summary, u"crdb-2 down (keep down): SIGTERM delivered; it stays down until started"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!driver.status().pods.value(2).ready, 10000);
        QString why;
        QVERIFY(!driver.killNode(1, false, &why));
        QCOMPARE(why,
            u"not killing crdb-1: crdb-2 is already down; a second node down at replication factor 3 loses the "
            u"majority "
            u"of ranges: they become unavailable and the app fails (only an explicit beat with allow_majority_loss and "
            u"a typed confirmation may do that)"_s);
        QVERIFY(!driver.pauseNode(0, false, &why));
        QVERIFY(!driver.stopNode(0, &why)); // no allow at all for a plain stop
        QVERIFY(!driver.keepDown(2, true, &why));
        QCOMPARE(why, u"not keeping crdb-2 down: it already has an active fault (keep down)"_s);
        std::tie(ok, summary) = run(driver, [&](QString *w) { return driver.pauseNode(1, true, w); });
        QVERIFY2(ok, qPrintable(summary));
        QCOMPARE(m_api->processState(1), u"stopped"_s);
        QCOMPARE(m_api->processState(2), u"held"_s);
        QCOMPARE(driver.activeFaults().size(), 2);
        std::tie(ok, summary) = run(driver, [&](QString *w) { return driver.healAll(w); });
        QVERIFY2(ok, qPrintable(summary));
        QVERIFY(driver.activeFaults().isEmpty());
        for (int i = 0; i < 3; ++i) {
            QVERIFY(m_api->ready(i));
        }
    }

    // The fresh check before the signal: a node that went down since the last status refuses the
    // fault late, as operationFinished(false), and nothing is signalled.
    void lateRefusalOnFreshStatus()
    {
        ClusterDriver other;
        configure(other);
        ClusterDriver driver;
        configure(driver);
        QSignalSpy changed(&driver, &ClusterDriver::statusChanged);
        driver.refreshStatus();
        QVERIFY(changed.wait(20000));
        auto [ok, summary] = run(other, [&](QString *w) { return other.pauseNode(0, false, w); });
        QVERIFY2(ok, qPrintable(summary));
        QTRY_VERIFY_WITH_TIMEOUT(!m_api->ready(0), 5000);
        const int execs = int(m_api->execs().size());
        std::tie(ok, summary) = run(driver, [&](QString *w) { return driver.killNode(2, false, w); });
        QVERIFY(!ok);
        QVERIFY2(summary.startsWith(u"not killing crdb-2: crdb-0 is already down"_s), qPrintable(summary));
        QCOMPARE(m_api->execs().size(), execs);
        std::tie(ok, summary) = run(other, [&](QString *w) { return other.healAll(w); });
        QVERIFY2(ok, qPrintable(summary));
    }

    // Pods of an older manifest (no PID file): the fault fails with what to do, nothing is signalled.
    void olderManifestSaysWhatToDo()
    {
        m_api->setFaultSupport(false);
        ClusterDriver driver;
        configure(driver);
        const auto [ok, summary] = run(driver, [&](QString *w) { return driver.killNode(2, false, w); });
        QVERIFY(!ok);
        QVERIFY2(summary.startsWith(u"crdb-2 has no /cockroach/faults/cockroach.pid: it runs a CockroachDB pod spec "
                                    u"from before the faults"_s),
            qPrintable(summary));
        QVERIFY2(summary.contains(u"exit code 2"_s), qPrintable(summary)); // kubectl's own words stay
        QVERIFY(driver.activeFaults().isEmpty());
        QCOMPARE(m_api->restarts(2), 0);
    }

    // Self-test of the fake: what a real pod does with the old commands. SIGKILL / SIGSTOP to a
    // namespace's init are ignored (cockroach PID 1 without a shared namespace), `kill -TERM 1`
    // with a shared namespace reaches the pause process, not cockroach; an unknown program is the
    // runtime's error; a restarting container cannot be exec'd into.
    void fakeModelsTheContainer()
    {
        KubectlProcess process;
        auto exec = [&](int ordinal, const QString &script) {
            CommandResult result;
            bool done = false;
            process.run(
                u"kubectl"_s,
                m_api->kubectlArgs(m_cache->path())
                    + QStringList {u"--namespace"_s, m_ns, u"exec"_s, u"crdb-%1"_s.arg(ordinal), u"-c"_s,
                        u"cockroachdb"_s, u"--"_s, u"bash"_s, u"-c"_s, script},
                [&](const CommandResult &r) {
                    result = r;
                    done = true;
                },
                30000, FakeKubeApi::kubectlEnvironment());
            QElapsedTimer clock;
            clock.start();
            while (!done && clock.elapsed() < 30000) {
                QTest::qWait(20);
            }
            return result;
        };
        m_api->setFaultSupport(false);
        CommandResult r = exec(0, u"kill -KILL 1"_s);
        QVERIFY2(r.ok, qPrintable(r.error)); // delivered, and ignored
        QCOMPARE(m_api->processState(0), u"running"_s);
        QCOMPARE(m_api->restarts(0), 0);
        r = exec(0, u"kill -STOP 1"_s);
        QVERIFY(r.ok);
        QVERIFY(m_api->ready(0));
        r = exec(0, u"pkill cockroach"_s);
        QCOMPARE(r.exitCode, 127);
        QVERIFY2(r.error.contains(u"pkill: command not found"_s), qPrintable(r.error));

        m_api->setFaultSupport(true);
        m_api->setCrashBackoffMs(600000);
        r = exec(1, u"kill -TERM 1"_s);
        QVERIFY(r.ok);
        QCOMPARE(m_api->pauseSignals(), QStringList {u"crdb-1: TERM"_s});
        QVERIFY(m_api->ready(1)); // cockroach never got it
        r = exec(1, uR"(pid=$(cat /cockroach/faults/cockroach.pid) && kill -KILL "$pid")"_s);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(m_api->restarts(1), 1); // restarted at once
        r = exec(1, uR"(pid=$(cat /cockroach/faults/cockroach.pid) && kill -KILL "$pid")"_s);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(m_api->processState(1), u"restarting"_s); // CrashLoopBackOff: not at once the second time
        r = exec(1, u"true"_s);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"container not found"_s), qPrintable(r.error));
        m_api->reset(m_ns, 3); // the pause process's fate is not modelled: start clean for cleanup()
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
