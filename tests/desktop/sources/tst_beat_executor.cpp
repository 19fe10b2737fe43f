#include "model/beat_executor.h"
#include "sources/cluster_driver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fake_kube_api.h"

using namespace Qt::StringLiterals;

// BeatExecutor running the fault actions of a beat through the real ClusterDriver and kubectl
// (against FakeKubeApi), and the markers it drops at the start and end of each.
class TestBeatExecutor : public QObject
{
    Q_OBJECT

    static PlanAction action(PlanAction::Type type, int ordinal = -1, bool allow = false)
    {
        PlanAction a;
        a.type = type;
        a.ordinal = ordinal;
        a.allowMajorityLoss = allow;
        return a;
    }

    static QStringList texts(const TimeSeriesStore &store)
    {
        QStringList out;
        for (const EventMarker &m : store.markers()) {
            out << eventMarkerKindName(m.kind) + u": "_s + m.text;
        }
        return out;
    }

private Q_SLOTS:
    void faultActionsAndMarkers()
    {
        FakeKubeApi api;
        QVERIFY(api.listen());
        api.reset(u"crdb-evolution"_s, 3);
        api.setRestartDelayMs(300);
        QTemporaryDir cache;
        ClusterDriver driver;
        driver.setKubectl(u"kubectl"_s, {api.serverArg(), u"--cache-dir="_s + cache.path()});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"KUBECONFIG"_s, u"/dev/null"_s);
        driver.setProcessEnvironment(env);
        driver.setPollIntervalMs(100);
        driver.setMinimumNodes(3);
        TimeSeriesStore store;
        BeatExecutor executor(&store, nullptr, &driver, nullptr);

        Beat beat;
        beat.id = u"majority"_s;
        beat.title = u"Lose a majority"_s;
        beat.actions = {action(PlanAction::Type::KeepDown, 2), action(PlanAction::Type::PauseNode, 1, true),
            action(PlanAction::Type::StartNode, 2), action(PlanAction::Type::HealAll),
            action(PlanAction::Type::KillNode, 0)};
        QSignalSpy completed(&executor, &BeatExecutor::actionCompleted);
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(completed.size(), 5);
        // keep_down completed when the signal was delivered: the node was still down then.
        QVERIFY(!api.ready(0) || api.restarts(0) == 1); // kill_node: done at the signal too
        QTRY_VERIFY_WITH_TIMEOUT(driver.activeFaults().isEmpty(), 20000);
        const QStringList m = texts(store);
        const QStringList expectedStart {
            u"phase: Lose a majority"_s, u"failure: crdb-2 down (keep down)"_s, u"failure: crdb-1 down (pause)"_s};
        QCOMPARE(m.mid(0, 3), expectedStart);
        QVERIFY2(m.value(3).startsWith(u"recovery: crdb-2 back after "_s), qPrintable(m.join(u" | "_s)));
        QVERIFY2(m.value(4).startsWith(u"recovery: crdb-1 back after "_s), qPrintable(m.join(u" | "_s)));
        QVERIFY2(m.value(5).startsWith(u"recovery: healed: every node ready after "_s), qPrintable(m.join(u" | "_s)));
        QCOMPARE(m.value(6), u"failure: crdb-0 down (kill)"_s);
        QVERIFY2(m.value(7).startsWith(u"recovery: crdb-0 back after "_s), qPrintable(m.join(u" | "_s)));
        QCOMPARE(m.size(), 8);
    }

    // A refused fault ends the beat with the driver's reason; no marker claims the node went down.
    void refusedFaultFailsTheBeat()
    {
        FakeKubeApi api;
        QVERIFY(api.listen());
        api.reset(u"crdb-evolution"_s, 3);
        QTemporaryDir cache;
        ClusterDriver driver;
        driver.setKubectl(u"kubectl"_s, {api.serverArg(), u"--cache-dir="_s + cache.path()});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"KUBECONFIG"_s, u"/dev/null"_s);
        driver.setProcessEnvironment(env);
        driver.setPollIntervalMs(100);
        driver.setMinimumNodes(3);
        TimeSeriesStore store;
        BeatExecutor executor(&store, nullptr, &driver, nullptr);
        Beat beat;
        beat.title = u"Two down"_s;
        beat.actions = {action(PlanAction::Type::KeepDown, 2), action(PlanAction::Type::KillNode, 1)};
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(60000));
        QVERIFY(!finished.at(0).at(0).toBool());
        const QString summary = finished.at(0).at(1).toString();
        QVERIFY2(summary.contains(u"not killing crdb-1: crdb-2 is already down"_s), qPrintable(summary));
        QCOMPARE(texts(store), (QStringList {u"phase: Two down"_s, u"failure: crdb-2 down (keep down)"_s}));
        QSignalSpy healed(&driver, &ClusterDriver::operationFinished);
        QVERIFY(driver.healAll());
        QVERIFY(healed.wait(30000));
        QVERIFY(healed.at(0).at(0).toBool());
    }
};

QTEST_GUILESS_MAIN(TestBeatExecutor)
#include "tst_beat_executor.moc"
