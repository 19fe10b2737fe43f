#include "model/beat_executor.h"
#include "model/sample_app_control.h"
#include "processes.h"
#include "sources/cluster_driver.h"
#include "sources/sql_runner.h"
#include "test_env.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

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
        driver.setKubectl(u"kubectl"_s, api.kubectlArgs(cache.path()));
        driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
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
        driver.setKubectl(u"kubectl"_s, api.kubectlArgs(cache.path()));
        driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
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

    // The local stack (cluster kind none, PostgreSQL standing in for CockroachDB) tells the truth:
    // a CockroachDB-only file and a cluster action are skipped with their reason and the beat goes
    // on; a profile that names a cluster gets the same refusal as a failure (nothing is skipped
    // when a real cluster is meant).
    void localStackSkipsWhatNeedsCockroachDBOrKubernetes_data()
    {
        QTest::addColumn<bool>("localStack");
        QTest::addRow("local stack") << true;
        QTest::addRow("a cluster profile on the wrong server") << false;
    }
    void localStackSkipsWhatNeedsCockroachDBOrKubernetes()
    {
        QFETCH(bool, localStack);
        ClusterDriver driver;
        driver.setKind(localStack ? ClusterDriver::Kind::None : ClusterDriver::Kind::StatefulSet);
        driver.setKubectl(u"kubectl"_s, {u"--context=tst-beat-executor-no-such-context"_s});
        SqlRunner sql;
        sql.setConninfo(testenv::pgConninfo(u"postgres"_s, u"postgres"_s));
        TimeSeriesStore store;
        BeatExecutor executor(&store, &sql, &driver, nullptr);
        executor.setRootDir(testenv::sourceDir());
        Beat beat;
        beat.id = u"baseline"_s;
        beat.title = u"Phase 0"_s;
        PlanAction rf1;
        rf1.type = PlanAction::Type::RunSql;
        rf1.file = u"sql/01-phase0-rf1.sql"_s;
        rf1.replicationFactor = 1;
        PlanAction scale;
        scale.type = PlanAction::Type::Scale;
        scale.nodes = 2;
        beat.actions = {rf1, scale, action(PlanAction::Type::StopNode, 1)};
        QSignalSpy completed(&executor, &BeatExecutor::actionCompleted);
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(30000));
        const bool ok = finished.at(0).at(0).toBool();
        const QString summary = finished.at(0).at(1).toString();
        if (localStack) {
            QVERIFY2(ok, qPrintable(summary));
            QCOMPARE(completed.size(), 3);
            QVERIFY2(summary.contains(u"skipped: CockroachDB only (sql/01-phase0-rf1.sql; the local stack's database "
                                      "is PostgreSQL)"_s),
                qPrintable(summary));
            QVERIFY2(
                summary.contains(u"skipped: needs Kubernetes (Scale the cluster to 2 nodes;"_s), qPrintable(summary));
            QVERIFY2(summary.contains(u"skipped: needs Kubernetes (Stop node crdb-1"_s), qPrintable(summary));
        } else {
            QVERIFY(!ok);
            QCOMPARE(completed.size(), 0);
            QVERIFY2(summary.contains(u"CockroachDB-only"_s) && !summary.contains(u"skipped"_s), qPrintable(summary));
        }
    }

    // A load or spike action completes on the answer to *its* request, never on another command's
    // answer that arrives first: an unrelated command (readers off, sent just before) neither
    // completes the spike nor hides its refusal (issue 11, item 1). The real sample app answers.
    void anUnrelatedCommandWhileAnActionIsInFlight_data()
    {
        QTest::addColumn<double>("rps");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("spike accepted") << 50.0 << true;
        QTest::addRow("spike refused by the guardrail") << 500.0 << false;
    }
    void anUnrelatedCommandWhileAnActionIsInFlight()
    {
        QFETCH(double, rps);
        QFETCH(bool, accepted);
        testenv::SampleAppProcess app({{u"APP_MAX_RPS"_s, u"100"_s}});
        QVERIFY2(app.start(), app.output().constData());
        SampleAppControl control;
        control.setBaseUrl(app.url());
        TimeSeriesStore store;
        BeatExecutor executor(&store, nullptr, nullptr, &control);
        Beat beat;
        beat.id = u"spike"_s;
        beat.title = u"Spike"_s;
        PlanAction spike;
        spike.type = PlanAction::Type::Spike;
        spike.seconds = 2;
        spike.rps = rps;
        beat.actions = {spike};
        QSignalSpy answers(&control, &SampleAppControl::commandFinished);
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        const quint64 unrelated = control.setReaders(false);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 15000);
        QVERIFY(std::any_of(answers.cbegin(), answers.cend(), [&](const QList<QVariant> &a) {
            return a.at(0).toULongLong() == unrelated
                && a.at(1).value<SampleAppControl::Command>() == SampleAppControl::Command::ReadersOff;
        }));
        const QString summary = finished.at(0).at(1).toString();
        QCOMPARE(finished.at(0).at(0).toBool(), accepted);
        QVERIFY2(summary.contains(accepted ? u"spike: accepted"_s : u"spike: "_s) && !summary.contains(u"readers"_s),
            qPrintable(summary));
        control.spikeStop();
        app.stop();
    }
};

QTEST_GUILESS_MAIN(TestBeatExecutor)
#include "tst_beat_executor.moc"
