#include "processes.h"
#include "recording/recording_reader.h"
#include "rehearsal_run.h"
#include "test_env.h"

#include "config/demo_plan.h"
#include "model/expectation.h"
#include "model/story_controller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

using rehearsaltest::parseTable;
using rehearsaltest::presenterBinary;
using rehearsaltest::Run;
using rehearsaltest::TableBeat;

// The talk's windows times this: the whole plan in about a minute on the local stack (its longest
// "holds", 60 s, becomes 12 s; the floor, 2 s, is two feed ticks: config/time_scale.h).
constexpr double kTimeScale = 0.2;

// The real presenter binary, offscreen, its settings (window geometry) and default recordings
// folder away from the user's.
Run runPresenter(const QStringList &args, int timeoutMs = 170000)
{
    static const QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, home.filePath(u"runtime"_s));
    return rehearsaltest::runPresenter(args, env, timeoutMs);
}

// The local stack's flags (demo/profiles/local.json) for the servers this test started.
QStringList localStack(const testenv::SampleAppProcess &app, const testenv::PrometheusProcess &prom)
{
    return {u"--sampleapp-url"_s, app.url().toString(), u"--prometheus-url"_s, prom.url().toString(), u"--sql-url"_s,
        QString::fromUtf8(testenv::pgConninfo(u"postgres"_s, u"evolution"_s)), u"--cluster-kind"_s, u"none"_s,
        u"--replication-factor"_s, u"1"_s};
}

bool cockroachOnlyFile(const QString &file)
{
    QFile f(testenv::sourceDir() + u'/' + file);
    return f.open(QIODevice::ReadOnly) && f.readAll().contains("-- @dialect cockroachdb");
}

} // namespace

// presenter --rehearse, the real binary, on the local stack (the real sample app, PostgreSQL and
// Prometheus; cluster kind none): the whole demo/plan.json, then a plan with a beat that cannot pass.
class TestRehearseLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void wholePlan();
    void beatThatCannotPass();
    void stoppedMidway();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<testenv::PrometheusProcess> m_prom;
};

void TestRehearseLocal::initTestCase()
{
    QVERIFY2(QFile::exists(presenterBinary()), "PRESENTER_BIN does not name the built presenter");
    m_app = std::make_unique<testenv::SampleAppProcess>();
    QVERIFY2(m_app->start(), m_app->output().constData());
    m_prom = std::make_unique<testenv::PrometheusProcess>(QStringList {u"127.0.0.1:%1"_s.arg(m_app->port())});
    QVERIFY2(m_prom->start(), m_prom->output().constData());
}

// The whole plan: exit 0; every CockroachDB-only step skipped with its reason, every app-level
// verdict PASS, the encore skipped without --allow-majority-loss; the recording complete
// (purpose "rehearsal") and replayable by the binary; the report written and naming it.
void TestRehearseLocal::wholePlan()
{
    const QString recording = testenv::outputDir() + u"/rehearsal-local.jsonl.gz"_s;
    const QString report = testenv::outputDir() + u"/rehearsal-local.html"_s;
    QFile::remove(recording);
    QFile::remove(report);
    const Run run = runPresenter(QStringList {u"--rehearse"_s, u"--plan"_s, u"demo/plan.json"_s, u"--time-scale"_s,
                                     QString::number(kTimeScale), u"--record"_s, recording, u"--report"_s, report}
        + localStack(*m_app, *m_prom));
    qInfo().noquote() << run.output;
    qInfo("wall time of the whole plan's rehearsal: %.1f s", double(run.wallMs) / 1000.0);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.output.contains(u"GO: no action and no verdict failed."_s));

    QStringList errors;
    const auto plan = DemoPlan::load(testenv::sourceDir() + u"/demo/plan.json"_s, &errors);
    QVERIFY(plan);
    const auto table = parseTable(run.output);
    QCOMPARE(table.size(), plan->beats.size());
    int passed = 0;
    for (const Beat &beat : plan->beats) {
        QVERIFY2(run.output.contains(u"] %1 "_s.arg(beat.id)), qPrintable(beat.id)); // its line as it went
        const TableBeat &t = table.value(beat.id);
        if (StoryController::losesMajority(beat) || beat.id == u"majority-heal") {
            QCOMPARE(t.result, u"SKIPPED"_s);
            QVERIFY(t.actions.isEmpty());
            for (const QString &v : t.verdicts) {
                QVERIFY2(v.startsWith(u"SKIPPED "_s) && v.contains(u"the beat was skipped: "_s), qPrintable(v));
            }
            continue;
        }
        QCOMPARE(t.result, u"GO"_s);
        QCOMPARE(t.actions.size(), beat.actions.size());
        bool changeSkipped = false;
        for (qsizetype i = 0; i < beat.actions.size(); ++i) {
            const PlanAction &a = beat.actions.at(i);
            const QString &line = t.actions.at(i);
            const bool sql = a.type == PlanAction::Type::RunSql || a.type == PlanAction::Type::Backup;
            const QString file
                = a.type == PlanAction::Type::Backup ? QString::fromLatin1(DemoPlan::kBackupFile) : a.file;
            if (sql && cockroachOnlyFile(file)) {
                QVERIFY2(line.startsWith(u"skipped "_s + file + u": CockroachDB only"_s), qPrintable(line));
            } else if (a.changesCluster() && !sql) {
                QVERIFY2(line.startsWith(u"skipped "_s) && line.contains(u"needs Kubernetes"_s), qPrintable(line));
                changeSkipped = true;
            } else {
                QVERIFY2(line.startsWith(u"applied "_s), qPrintable(line));
            }
        }
        QCOMPARE(t.verdicts.size(), beat.expectations.size());
        for (qsizetype i = 0; i < beat.expectations.size(); ++i) {
            const PlanExpectation &e = beat.expectations.at(i);
            const QString &line = t.verdicts.at(i);
            const bool cockroach
                = e.kind == PlanExpectation::Kind::PromQL && !promqlCockroachMetricNames(e.expr).isEmpty();
            if (cockroach || changeSkipped) {
                QVERIFY2(line.startsWith(u"SKIPPED "_s) && line.contains(u": "_s), qPrintable(line));
            } else {
                // Every app-level verdict passed, with the time it settled ("already true" would be
                // no pass).
                QVERIFY2(line.startsWith(u"PASS "_s) && line.contains(u"[at +"_s), qPrintable(line));
                ++passed;
            }
        }
    }

    QVERIFY2(passed >= 7, qPrintable(run.output)); // the load, the spike, the reader path, "boring"

    QString error;
    const auto read = recording::readRecordingFile(recording, &error);
    QVERIFY2(read, qPrintable(error));
    QVERIFY2(read->complete, qPrintable(read->stoppedReason));
    QCOMPARE(read->header.purpose, u"rehearsal"_s);
    const Run replay = runPresenter({u"--replay"_s, recording, u"--speed"_s, u"64"_s, u"--quit-after-ms"_s, u"3000"_s});
    QVERIFY2(replay.exitCode == 0 && !replay.output.contains(u"cannot replay"_s), qPrintable(replay.output));

    QFile html(report);
    QVERIFY2(html.open(QIODevice::ReadOnly), qPrintable(report));
    const QByteArray body = html.readAll();
    QVERIFY(body.contains(QByteArray("<td>recording</td><td><code>" + recording.toUtf8() + "</code>")));
    QVERIFY(body.contains("phase1-reader") || body.contains("A read-only user"));
}

// A plan whose second beat cannot pass, rehearsed with the windows open: exit 1, and the table names
// the beat and the verdict.
void TestRehearseLocal::beatThatCannotPass()
{
    const QString dir = testenv::outputDir() + u"/rehearsal-fail"_s;
    QVERIFY(QDir().mkpath(dir + u"/demo"_s));
    const QString planPath = testenv::writeFile(dir + u"/demo/plan.json"_s, R"({
  "version": 1, "title": "A beat that cannot pass",
  "beats": [
    {"id": "warm-up", "title": "Load on", "narration": "A little load.", "actions": [{"type": "load_start", "rps": 5}],
     "expectations": [{"kind": "feed", "field": "load.achieved_rps", "op": ">", "value": 0, "within_s": 10,
                       "label": "some load"}]},
    {"id": "impossible", "title": "More than the app can do", "narration": "It cannot.", "actions": [],
     "expectations": [{"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 100000,
                       "within_s": 3, "label": "a hundred thousand requests a second"}]}
  ]
})");
    QVERIFY(!planPath.isEmpty());
    // With the windows open (--show; drawn offscreen here, as in every GUI test).
    const Run run = runPresenter(
        QStringList {u"--rehearse"_s, u"--show"_s, u"--plan"_s, planPath, u"--record"_s, dir + u"/rehearsal.jsonl.gz"_s}
        + localStack(*m_app, *m_prom));
    qInfo().noquote() << run.output;
    qInfo("wall time: %.1f s", double(run.wallMs) / 1000.0);
    QCOMPARE(run.exitCode, 1);
    const auto table = parseTable(run.output);
    QCOMPARE(table.value(u"warm-up"_s).result, u"GO"_s);
    QCOMPARE(table.value(u"impossible"_s).result, u"NO-GO"_s);
    QVERIFY2(table.value(u"impossible"_s).verdicts.value(0).startsWith(u"FAIL a hundred thousand requests a second"_s),
        qPrintable(run.output));
    QVERIFY(run.output.contains(u"NO-GO: failed in impossible."_s));
}

// SIGTERM after the first beat (as Ctrl-C or a closed terminal): exit 1, the table of the beats that
// ended and NO-GO, the recording closed whole, the report written.
void TestRehearseLocal::stoppedMidway()
{
    const QString dir = testenv::outputDir() + u"/rehearsal-stopped"_s;
    QVERIFY(QDir().mkpath(dir));
    const QString recording = dir + u"/rehearsal.jsonl.gz"_s;
    QFile::remove(recording);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(testenv::sourceDir());
    p.start(presenterBinary(),
        QStringList {
            u"--rehearse"_s, u"--plan"_s, u"demo/plan.json"_s, u"--time-scale"_s, u"0.2"_s, u"--record"_s, recording}
            + localStack(*m_app, *m_prom));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += p.readAll()).contains("[1/14] baseline"), 60000);
    p.terminate();
    QVERIFY(p.waitForFinished(30000));
    output += p.readAll();
    qInfo().noquote() << output;
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(output.contains("NO-GO: stopped before the last beat ended"));
    QVERIFY(output.contains("\nGO       baseline"));
    QVERIFY(output.contains("Report: "));
    QString error;
    const auto read = recording::readRecordingFile(recording, &error);
    QVERIFY2(read && read->complete, qPrintable(error));
}

QTEST_GUILESS_MAIN(TestRehearseLocal)
#include "tst_rehearse_local.moc"
