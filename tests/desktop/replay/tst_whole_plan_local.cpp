#include "processes.h"
#include "recording/record_codec.h"
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "report/session_log.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// The windows of demo/plan.json run up to 600 s; a holds passes only when its window ends, so the
// whole plan would take over half an hour. The test runs a copy of the real plan with every
// within_s capped at this (and the spike no longer than the cap plus its own holds window): still
// longer than a feed tick and than the plan's shortest window (10 s), and the same code judges it.
constexpr int kWindowCapS = 20;

QByteArray shortenedPlan(const QByteArray &json)
{
    QJsonObject plan = QJsonDocument::fromJson(json).object();
    QJsonArray beats = plan.value(u"beats"_s).toArray();
    for (qsizetype b = 0; b < beats.size(); ++b) {
        QJsonObject beat = beats[b].toObject();
        QJsonArray exps = beat.value(u"expectations"_s).toArray();
        for (qsizetype e = 0; e < exps.size(); ++e) {
            QJsonObject x = exps[e].toObject();
            x.insert(u"within_s"_s, std::min(x.value(u"within_s"_s).toInt(), kWindowCapS));
            exps[e] = x;
        }
        beat.insert(u"expectations"_s, exps);
        QJsonArray actions = beat.value(u"actions"_s).toArray();
        for (qsizetype a = 0; a < actions.size(); ++a) {
            QJsonObject x = actions[a].toObject();
            if (x.contains(u"seconds"_s)) {
                x.insert(u"seconds"_s, std::min(x.value(u"seconds"_s).toDouble(), double(kWindowCapS)));
            }
            actions[a] = x;
        }
        beat.insert(u"actions"_s, actions);
        beats[b] = beat;
    }
    plan.insert(u"beats"_s, beats);
    return QJsonDocument(plan).toJson(QJsonDocument::Compact);
}

ConnectionProfile localProfile(const QUrl &app, const QUrl &prom)
{
    ConnectionProfile p;
    p.sampleAppUrl = app;
    p.prometheusUrl = prom;
    p.clusterKind = ClusterKind::None; // demo/profiles/local.json
    p.replicationFactor = 1;
    p.sqlConninfo = testenv::pgConninfo(u"postgres"_s, u"postgres"_s);
    return p;
}

// One beat's verdicts as the report keeps them (SessionLog): comparable between live and replay.
QStringList reportModel(const SessionLog &log)
{
    QStringList out;
    for (const auto &b : log.record().beats) {
        out << u"beat %1 ran %2 done %3 ok %4"_s.arg(b.id).arg(b.ranMs).arg(b.actionsDoneMs).arg(b.actionsOk);
        for (const ActionOutcome &o : b.actions) {
            out << u"  action "_s + o.text();
        }
        for (const auto &e : b.expectations) {
            out << u"  %1 %2"_s.arg(int(e.verdict)).arg(e.text);
        }
    }
    return out;
}

} // namespace

// The whole demo/plan.json, beat by beat, on the local stack (cluster kind none: PostgreSQL stands
// in for CockroachDB, Prometheus scrapes only the real sample app), recorded and replayed: no
// verdict is a FAIL the local stack could never earn, nothing skipped is called applied, every
// skip says why, and the app-level verdicts that can be judged are judged.
class TestWholePlanLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wholePlan();
};

void TestWholePlanLocal::wholePlan()
{
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"500"_s}});
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    QFile planFile(testenv::sourceDir() + u"/demo/plan.json"_s);
    QVERIFY(planFile.open(QIODevice::ReadOnly));
    const QByteArray planJson = shortenedPlan(planFile.readAll());
    QStringList errors;
    const auto plan = DemoPlan::fromJson(planJson, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));

    struct Outcome
    {
        int beat;
        int index;
        ActionOutcome outcome;
    };
    QList<Outcome> outcomes;
    QList<QList<ExpectationEvaluator::State>> verdicts; // per beat, as settled
    QStringList shown, markers, summaries, sqlStatus;
    QStringList liveReport;
    qint64 liveEndMs = 0;
    const QString file = testenv::outputDir() + u"/whole-plan-local.jsonl.gz"_s;
    QFile::remove(file);
    {
        PresenterSession live(localProfile(app.url(), prom.url()));
        live.setPlan(*plan, testenv::sourceDir());
        live.evaluator()->setPollIntervalMs(500);
        live.story()->setMajorityLossConfirmation([](const Beat &) { return true; }); // typed, on stage
        recording::RecordingWriter writer;
        QString error;
        QVERIFY2(writer.open(file, SessionRecorder::header(live, live.clock().nowMs()), &error), qPrintable(error));
        SessionRecorder recorder(&live, [&writer](const recording::Record &r) { writer.append(r); });
        recorder.recordPlan(planJson);
        SessionLog liveLog;
        liveLog.attach(&live);
        int running = -1;
        connect(&live, &PresenterSession::actionOutcome, this, [&](int index, const ActionOutcome &o) {
            outcomes.append({running, index, o});
            if (o.isSql()) {
                sqlStatus << o.text(); // what the controls' SQL status line shows (MainWindow)
            }
        });
        live.start();
        QTRY_VERIFY_WITH_TIMEOUT(live.lastTick().has_value(), 15000);

        QSignalSpy finished(live.executor(), &BeatExecutor::finished);
        for (int beat = 0; beat < plan->beats.size(); ++beat) {
            running = beat;
            live.story()->next(); // arm
            live.story()->next(); // run
            QCOMPARE(live.story()->lastRunIndex(), beat);
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 30000);
            const QString summary = finished.last().at(1).toString();
            summaries << plan->beats[beat].id + u": "_s + summary;
            // The local stack runs every beat: what it cannot do is skipped, not failed.
            QVERIFY2(finished.last().at(0).toBool(), qPrintable(summary));
            QTRY_VERIFY_WITH_TIMEOUT(live.evaluator()->allSettled(), (kWindowCapS + 15) * 1000);
            verdicts << live.evaluator()->states();
            for (const auto &st : live.evaluator()->states()) {
                shown << plan->beats[beat].id + u": "_s + st.text(live.clock().nowMs());
            }
            shown << plan->beats[beat].id + u": tally "_s + live.evaluator()->summary();
        }
        for (const EventMarker &m : live.store().markers()) {
            markers << m.text;
        }
        live.stop();
        QTest::qWait(300);
        liveEndMs = live.clock().nowMs();
        liveLog.sync();
        liveReport = reportModel(liveLog);
        writer.close(liveEndMs);
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    }
    QStringList outcomeLines;
    for (const Outcome &o : std::as_const(outcomes)) {
        outcomeLines << u"%1[%2] %3"_s.arg(plan->beats.value(o.beat).id).arg(o.index).arg(o.outcome.text());
    }
    const QString all = u"verdicts:\n"_s + shown.join(u'\n') + u"\nmarkers:\n"_s + markers.join(u'\n')
        + u"\noutcomes:\n"_s + outcomeLines.join(u'\n') + u"\nbeats:\n"_s + summaries.join(u'\n');
    qInfo().noquote() << all;

    // One outcome per action, every action of every beat; a skip or a refusal says why.
    int actions = 0;
    for (const Beat &b : std::as_const(plan->beats)) {
        actions += int(b.actions.size());
    }
    QCOMPARE(outcomes.size(), actions);
    QList<bool> beatChangeSkipped(plan->beats.size(), false);
    for (const Outcome &o : std::as_const(outcomes)) {
        const ActionOutcome &a = o.outcome;
        QVERIFY2(a.kind != ActionOutcome::Kind::Failed, qPrintable(a.text() + u"\n"_s + all));
        if (a.kind != ActionOutcome::Kind::Applied) {
            QVERIFY2(!a.reason.trimmed().isEmpty(), qPrintable(u"no reason: "_s + a.text()));
        }
        if (a.kind == ActionOutcome::Kind::Skipped) {
            // Nothing skipped is called applied, on a marker, the event list or the status line.
            QVERIFY2(!markers.contains(u"applied "_s + a.subject), qPrintable(u"applied but skipped: "_s + a.text()));
            QVERIFY2(!sqlStatus.contains(u"applied "_s + a.subject), qPrintable(a.text()));
            beatChangeSkipped[o.beat] = beatChangeSkipped[o.beat] || a.skipsTheBeatsChange();
        }
        if (a.isSql()) {
            // The marker (and the event list that shows it) says the same words as the outcome.
            QVERIFY2(markers.contains(a.text()), qPrintable(u"no marker: "_s + a.text() + u"\n"_s + all));
        }
    }
    // Every "applied" marker is an applied outcome's own words.
    for (const QString &m : std::as_const(markers)) {
        if (m.startsWith(u"applied "_s)) {
            QVERIFY2(std::any_of(outcomes.cbegin(), outcomes.cend(),
                         [&](const Outcome &o) {
                             return o.outcome.kind == ActionOutcome::Kind::Applied && o.outcome.text() == m;
                         }),
                qPrintable(u"marker without an applied outcome: "_s + m));
        }
    }

    // Verdicts: none FAIL; Skipped exactly where the local stack cannot judge, with the reason;
    // everything else judged.
    int judgedAppLevel = 0, skipped = 0;
    for (qsizetype b = 0; b < plan->beats.size(); ++b) {
        const Beat &beat = plan->beats[b];
        QCOMPARE(verdicts[b].size(), beat.expectations.size());
        for (const auto &st : std::as_const(verdicts[b])) {
            const PlanExpectation &e = st.expectation;
            const QString line = beat.id + u": "_s + st.text(liveEndMs);
            QVERIFY2(
                st.verdict != ExpectationEvaluator::Verdict::Fail, qPrintable(u"a FAIL: "_s + line + u"\n"_s + all));
            QVERIFY2(st.verdict != ExpectationEvaluator::Verdict::Pending, qPrintable(line));
            const bool needsCockroach
                = e.kind == PlanExpectation::Kind::PromQL && !promqlCockroachMetricNames(e.expr).isEmpty();
            const bool mustSkip = needsCockroach || beatChangeSkipped[b];
            QCOMPARE(st.verdict == ExpectationEvaluator::Verdict::Skipped, mustSkip);
            if (mustSkip) {
                ++skipped;
                QVERIFY2(!st.skipReason.isEmpty() && st.text(liveEndMs).endsWith(st.skipReason), qPrintable(line));
                QVERIFY2(st.text(liveEndMs).startsWith(u"SKIPPED "_s), qPrintable(line));
                QVERIFY2(st.skipReason.contains(needsCockroach ? u"CockroachDB"_s : u"skipped"_s), qPrintable(line));
            } else if (e.kind == PlanExpectation::Kind::Feed) {
                ++judgedAppLevel;
            }
        }
    }
    QVERIFY2(skipped > 0, qPrintable(all));
    QVERIFY2(judgedAppLevel >= 3, qPrintable(all)); // the load, the spike, the reader path, "boring"
    // The tally counts them apart.
    QVERIFY2(shown.contains(
                 u"failure: tally %1 skipped"_s.arg(plan->beats[plan->indexOf(u"failure"_s)].expectations.size())),
        qPrintable(all));

    // The replay shows the same outcomes, verdicts and skips (the report's view of every beat).
    QString readError;
    const auto read = recording::readRecordingFile(file, &readError);
    QVERIFY2(read && read->complete, qPrintable(readError));
    PresenterSession replay(recordcodec::profileFromJson(read->header.profile));
    replay.setReplayMode();
    const auto recordedPlan = DemoPlan::fromJson(SessionPlayer::recordedPlan(read->records), &errors);
    QVERIFY2(recordedPlan, qPrintable(errors.join(u'\n')));
    replay.setPlan(*recordedPlan, testenv::sourceDir());
    SessionPlayer player(&replay);
    player.load(read->records);
    SessionLog replayLog;
    replayLog.attach(&replay);
    player.seekToRecord(player.recordCount());
    replay.evaluator()->checkDeadlines(liveEndMs);
    replayLog.sync();
    QCOMPARE(reportModel(replayLog), liveReport);
    QVERIFY(liveReport.filter(u"SKIPPED"_s).size() == skipped);
}
QTEST_GUILESS_MAIN(TestWholePlanLocal)
#include "tst_whole_plan_local.moc"
