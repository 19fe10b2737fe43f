#include "model/beat_executor.h"
#include "processes.h"
#include "sources/cluster_driver.h"
#include "sources/sample_app_control.h"
#include "sources/sql_runner.h"
#include "test_env.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "fake_kube_api.h"

using namespace Qt::StringLiterals;

using namespace presenter;

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
        BeatExecutor executor(&store, BeatExecutor::Wiring::of(nullptr, &driver, nullptr));

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
        BeatExecutor executor(&store, BeatExecutor::Wiring::of(nullptr, &driver, nullptr));
        Beat beat;
        beat.title = u"Two down"_s;
        beat.actions = {action(PlanAction::Type::KeepDown, 2), action(PlanAction::Type::KillNode, 1)};
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(60000));
        QVERIFY(!finished.at(0).at(0).toBool());
        const QString summary = finished.at(0).at(1).toString();
        QVERIFY2(summary.contains(u"not killing crdb-1: crdb-2 is already down"_s), qPrintable(summary));
        // The refusal is marked in the outcome's words ("failed kill node crdb-1 ...: why"), never as a
        // node going down.
        QCOMPARE(texts(store),
            (QStringList {u"phase: Two down"_s, u"failure: crdb-2 down (keep down)"_s, u"other: "_s + summary}));
        QVERIFY2(summary.startsWith(u"failed kill node crdb-1 "_s), qPrintable(summary));
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
        driver.setKind(localStack ? ClusterKind::None : ClusterKind::StatefulSet);
        driver.setKubectl(u"kubectl"_s, {u"--context=tst-beat-executor-no-such-context"_s});
        SqlRunner sql;
        sql.setConninfo(testenv::pgConninfo(u"postgres"_s, u"postgres"_s));
        TimeSeriesStore store;
        BeatExecutor executor(&store, BeatExecutor::Wiring::of(&sql, &driver, nullptr));
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
        QSignalSpy outcomes(&executor, &BeatExecutor::actionOutcome);
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(30000));
        const bool ok = finished.at(0).at(0).toBool();
        const QString summary = finished.at(0).at(1).toString();
        const auto outcome = [&](int i) { return outcomes.at(i).at(2).value<ActionOutcome>(); };
        if (localStack) {
            QVERIFY2(ok, qPrintable(summary));
            QCOMPARE(completed.size(), 3);
            QCOMPARE(outcomes.size(), 3);
            QCOMPARE(outcome(0).text(),
                u"skipped sql/01-phase0-rf1.sql: CockroachDB only: the local stack's database is PostgreSQL"_s);
            QCOMPARE(outcome(1).text(),
                u"skipped scale the cluster to 2 nodes: needs Kubernetes: the local stack has no cluster"_s);
            QVERIFY(outcome(2).text().startsWith(u"skipped stop node crdb-1 (SIGTERM"_s));
            QVERIFY(!outcome(0).skipsTheBeatsChange()); // SQL: the app-level verdicts stay
            QVERIFY(outcome(1).skipsTheBeatsChange() && outcome(2).skipsTheBeatsChange());
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(outcome(i).kind, ActionOutcome::Kind::Skipped);
                QVERIFY2(summary.contains(outcome(i).text()), qPrintable(summary));
            }
            // Nothing skipped is called applied: each skip is its own marker, in the outcome's words.
            const QStringList markers = texts(store);
            QVERIFY2(markers.filter(u"applied"_s).isEmpty(), qPrintable(markers.join(u" | "_s)));
            QCOMPARE(markers,
                (QStringList {u"phase: Phase 0"_s, u"other: "_s + outcome(0).text(), u"other: "_s + outcome(1).text(),
                    u"other: "_s + outcome(2).text()}));
        } else {
            QVERIFY(!ok);
            QCOMPARE(completed.size(), 0);
            QCOMPARE(outcomes.size(), 1);
            QCOMPARE(outcome(0).kind, ActionOutcome::Kind::Failed);
            QVERIFY2(summary.contains(u"CockroachDB-only"_s) && !summary.contains(u"skipped"_s), qPrintable(summary));
            QCOMPARE(summary, outcome(0).text());
            QCOMPARE(texts(store), (QStringList {u"phase: Phase 0"_s, u"other: "_s + outcome(0).text()}));
        }
    }

    // Each kind of SQL outcome on the real PostgreSQL fixture: a portable file is applied, a file whose
    // every statement is refused as its @expect-error says is "refused as expected" (with the
    // server's SQLSTATE and message), and one that breaks is failed with the statement; the marker
    // and the summary carry the outcome's own words.
    void sqlOutcomes_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("reasonContains");
        QTest::addRow("applied") << QByteArray("SELECT 1;\n") << int(ActionOutcome::Kind::Applied) << QString();
        QTest::addRow("refused as expected")
            << QByteArray("-- @expect-error 42P01\nSELECT * FROM tst_beat_executor_no_such_table;\n")
            << int(ActionOutcome::Kind::RefusedAsExpected) << u"SQLSTATE 42P01: "_s;
        QTest::addRow("failed") << QByteArray("SELECT * FROM tst_beat_executor_no_such_table;\n")
                                << int(ActionOutcome::Kind::Failed) << u"tst_beat_executor_no_such_table"_s;
    }
    void sqlOutcomes()
    {
        QFETCH(QByteArray, sql);
        QFETCH(int, kind);
        QFETCH(QString, reasonContains);
        QTemporaryDir dir;
        QFile f(dir.filePath(u"sql/50-test.sql"_s));
        QVERIFY(QDir(dir.path()).mkpath(u"sql"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(sql);
        f.close();
        ClusterDriver driver; // the local stack
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo(u"postgres"_s, u"postgres"_s));
        TimeSeriesStore store;
        BeatExecutor executor(&store, BeatExecutor::Wiring::of(&runner, &driver, nullptr));
        executor.setRootDir(dir.path());
        Beat beat;
        beat.title = u"SQL"_s;
        PlanAction run;
        run.type = PlanAction::Type::RunSql;
        run.file = u"sql/50-test.sql"_s;
        beat.actions = {run};
        QSignalSpy outcomes(&executor, &BeatExecutor::actionOutcome);
        QSignalSpy finished(&executor, &BeatExecutor::finished);
        QVERIFY(executor.run(beat));
        QVERIFY(finished.wait(30000));
        QCOMPARE(outcomes.size(), 1);
        const auto o = outcomes.at(0).at(2).value<ActionOutcome>();
        QCOMPARE(int(o.kind), kind);
        QCOMPARE(o.subject, u"sql/50-test.sql"_s);
        QVERIFY2(o.reason.contains(reasonContains), qPrintable(o.text()));
        QCOMPARE(finished.at(0).at(0).toBool(), o.kind != ActionOutcome::Kind::Failed);
        QVERIFY2(finished.at(0).at(1).toString().contains(o.text()), qPrintable(finished.at(0).at(1).toString()));
        // Drawn as SQL only when it ran on the server; a failure changed nothing: neutral.
        QCOMPARE(texts(store).value(1), (o.kind == ActionOutcome::Kind::Failed ? u"other: "_s : u"sql: "_s) + o.text());
        QCOMPARE(o.text().startsWith(u"applied "_s), o.kind == ActionOutcome::Kind::Applied);
    }

    // A load or spike action completes on the answer to *its* request, never on another command's
    // answer that arrives first: an unrelated command (readers off, sent just before) neither
    // completes the spike nor hides its refusal. The real sample app answers.
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
        BeatExecutor executor(&store, BeatExecutor::Wiring::of(nullptr, nullptr, &control));
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
        QVERIFY2(summary.contains(u"%1 spike: %2 req/s"_s.arg(accepted ? u"applied"_s : u"failed"_s).arg(rps))
                && !summary.contains(u"readers"_s),
            qPrintable(summary));
        control.spikeStop();
        app.stop();
    }
};

QTEST_GUILESS_MAIN(TestBeatExecutor)
#include "tst_beat_executor.moc"
