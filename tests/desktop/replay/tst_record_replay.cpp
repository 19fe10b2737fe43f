#include "processes.h"
#include "recording/record_codec.h"
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "report/session_log.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// A short plan the local stack can run: start the load, then a spike. Feed and PromQL
// expectations (Prometheus scrapes the sample app itself), so verdicts come from both paths.
const QByteArray kPlan = R"json({
  "version": 1,
  "title": "record and replay",
  "beats": [
    {"id": "warm", "title": "Load on", "narration": "Load starts.",
     "actions": [{"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}}],
     "expectations": [
       {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 5, "within_s": 20,
        "label": "load runs"},
       {"kind": "promql", "expr": "sum(app_operations_total)", "op": ">", "value": 0, "within_s": 20,
        "label": "Prometheus sees operations"}]},
    {"id": "spike", "title": "Spike", "narration": "A short spike.",
     "actions": [{"type": "spike", "seconds": 3, "rps": 60, "mix": {"login": 0.1, "search": 0.9}}],
     "expectations": [
       {"kind": "feed", "field": "load.spike_active", "op": "==", "value": 1, "within_s": 6,
        "label": "spike seen"}]}
  ]
})json";

// Everything a chart or a marker shows, comparable: series name -> points (NaN gaps as "gap").
QMap<QString, QStringList> chartModel(const TimeSeriesStore &store)
{
    QMap<QString, QStringList> out;
    for (const QString &name : store.seriesNames()) {
        QStringList pts;
        for (const QPointF &p : store.points(name)) {
            pts << u"%1=%2"_s.arg(qint64(p.x())).arg(std::isnan(p.y()) ? u"gap"_s : QString::number(p.y(), 'g', 12));
        }
        out.insert(name, pts);
    }
    return out;
}

// The first series (and point) where two chart models differ, for a readable failure.
QString firstDifference(const QMap<QString, QStringList> &a, const QMap<QString, QStringList> &b)
{
    if (a.keys() != b.keys()) {
        return u"series differ: %1 vs %2"_s.arg(a.keys().join(u','), b.keys().join(u','));
    }
    for (auto it = a.cbegin(); it != a.cend(); ++it) {
        const QStringList &other = b.value(it.key());
        for (qsizetype i = 0; i < std::max(it->size(), other.size()); ++i) {
            const QString x = i < it->size() ? it->at(i) : u"(none)"_s;
            const QString y = i < other.size() ? other.at(i) : u"(none)"_s;
            if (x != y) {
                return u"%1 point %2: %3 vs %4 (%5 vs %6 points)"_s.arg(it.key())
                    .arg(i)
                    .arg(x, y)
                    .arg(it->size())
                    .arg(other.size());
            }
        }
    }
    return {};
}

QStringList markerModel(const TimeSeriesStore &store)
{
    QStringList out;
    for (const EventMarker &m : store.markers()) {
        out << u"%1 %2 %3"_s.arg(m.tsMs).arg(eventMarkerKindName(m.kind), m.text);
    }
    return out;
}

// The report's view of the session: the beats with their actions' result and verdict lines.
QStringList reportModel(const SessionLog &log)
{
    QStringList out;
    for (const auto &b : log.record().beats) {
        out << u"beat %1 %2 ran %3 done %4 ok %5"_s.arg(b.index)
                   .arg(b.id)
                   .arg(b.ranMs)
                   .arg(b.actionsDoneMs)
                   .arg(b.actionsOk);
        for (const auto &e : b.expectations) {
            out << u"  %1 %2 %3"_s.arg(e.label).arg(int(e.verdict)).arg(e.text);
        }
    }
    return out;
}

QStringList verdictModel(const ExpectationEvaluator &ev)
{
    QStringList out;
    for (const auto &s : ev.states()) {
        out << u"%1 verdict=%2 settled=%3 samples=%4"_s.arg(s.expectation.label)
                   .arg(int(s.verdict))
                   .arg(s.settledMs)
                   .arg(s.samples);
    }
    return out;
}

ConnectionProfile localProfile(const QUrl &app, const QUrl &prom)
{
    ConnectionProfile p;
    p.sampleAppUrl = app;
    p.prometheusUrl = prom;
    p.clusterKind = ClusterKind::None;
    p.replicationFactor = 1;
    p.controlToken = u"not-a-real-token"_s; // must never reach the recording
    p.sqlConninfo = "postgresql://admin:secret-password@127.0.0.1:1/x";
    return p;
}

} // namespace

class TestRecordReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void liveAndReplayShowTheSame();
    void replayTouchesNothing();
    void openTruncatedAndForeignFiles();
    void aRecordedFaultIsMarkedOnce();
};

void TestRecordReplay::liveAndReplayShowTheSame()
{
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));

    // Recorded as the presenter does: through the writer's thread into a gzip file.
    const QString file = testenv::outputDir() + u"/record-replay.jsonl.gz"_s;
    QFile::remove(file);
    qint64 liveEndMs = 0;
    QMap<QString, QStringList> liveCharts;
    QStringList liveMarkers, liveVerdicts, liveReport;
    {
        PresenterSession live(localProfile(app.url(), prom.url()));
        live.setPlan(*plan, testenv::sourceDir());
        live.evaluator()->setPollIntervalMs(500);
        recording::RecordingWriter writer;
        QString error;
        QVERIFY2(writer.open(file, SessionRecorder::header(live, live.clock().nowMs()), &error), qPrintable(error));
        SessionRecorder recorder(&live, [&writer](const recording::Record &r) { writer.append(r); });
        recorder.recordPlan(kPlan);
        SessionLog liveLog;
        liveLog.attach(&live);
        live.start();
        QTRY_VERIFY_WITH_TIMEOUT(live.lastTick().has_value(), 15000);

        StoryController *story = live.story();
        QSignalSpy finished(live.executor(), &BeatExecutor::finished);
        for (int beat = 0; beat < 2; ++beat) {
            story->next(); // arm
            story->next(); // run
            QCOMPARE(story->lastRunIndex(), beat);
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 15000);
            QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
            QTRY_VERIFY_WITH_TIMEOUT(live.evaluator()->allSettled(), 25000);
        }
        // The spike's end and a few more ticks and polls.
        QTest::qWait(4000);
        live.stop();
        QTest::qWait(300); // answers already in flight land in both the store and the recording
        liveEndMs = live.clock().nowMs();
        liveCharts = chartModel(live.store());
        liveMarkers = markerModel(live.store());
        liveVerdicts = verdictModel(*live.evaluator());
        liveReport = reportModel(liveLog);
        writer.close(liveEndMs);
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
        QCOMPARE(writer.recordsAppended(), recorder.records());
    }
    QString readError;
    const auto read = recording::readRecordingFile(file, &readError);
    QVERIFY2(read, qPrintable(readError));
    QVERIFY2(read->complete, qPrintable(read->stoppedReason));
    const QList<recording::Record> records = read->records;
    QVERIFY(read->header.profile.value(u"cluster_kind"_s).toString() == u"none"_s);
    QVERIFY(liveCharts.contains(u"load.achieved"_s));
    QVERIFY2(liveMarkers.size() >= 3, qPrintable(liveMarkers.join(u'\n'))); // two phases, spike start
    QVERIFY2(!liveVerdicts.isEmpty(), "no expectation was judged");

    // Nothing secret went into the file (header or records).
    for (const auto &r : records) {
        const QByteArray line = QJsonDocument(r.data).toJson(QJsonDocument::Compact);
        QVERIFY2(!line.contains("not-a-real-token") && !line.contains("secret-password"), line.constData());
    }
    QVERIFY(!QJsonDocument(read->header.profile).toJson().contains("secret-password"));
    // A Prometheus answer is recorded with its query (query, time, result).
    int polls = 0;
    for (const auto &r : records) {
        if (r.kind == u"prom_poll"_s) {
            ++polls;
            const QString name = r.data.value(u"name"_s).toString();
            const auto queries = ClusterMetrics::queries();
            const auto q = std::find_if(
                queries.cbegin(), queries.cend(), [&name](const ClusterMetrics::Query &x) { return x.name == name; });
            QVERIFY2(q != queries.cend(), qPrintable(name));
            QCOMPARE(r.data.value(u"promql"_s).toString(), q->promql);
        }
    }
    QVERIFY(polls > 0);
    QVERIFY(!QJsonDocument(read->header.profile).toJson().contains("not-a-real-token"));

    // Replay at 10x through the same code paths.
    PresenterSession replay(localProfile(app.url(), prom.url()));
    replay.setReplayMode();
    const auto recordedPlan = DemoPlan::fromJson(SessionPlayer::recordedPlan(records), &errors);
    QVERIFY2(recordedPlan, qPrintable(errors.join(u'\n')));
    replay.setPlan(*recordedPlan, testenv::sourceDir());
    SessionPlayer player(&replay);
    player.load(records);
    SessionLog replayLog; // the report of a replay is built by the same signals
    replayLog.attach(&replay);
    QCOMPARE(player.beats().size(), 2);
    player.setSpeed(10);
    QSignalSpy done(&player, &SessionPlayer::finished);
    player.play();
    const qint64 recordedMs = player.endMs() - player.startMs();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, int(recordedMs / 10) + 15000);
    replay.evaluator()->checkDeadlines(liveEndMs);

    QVERIFY2(
        chartModel(replay.store()) == liveCharts, qPrintable(firstDifference(chartModel(replay.store()), liveCharts)));
    QCOMPARE(markerModel(replay.store()), liveMarkers);
    QCOMPARE(verdictModel(*replay.evaluator()), liveVerdicts);
    QCOMPARE(liveReport.size(), 5); // two beats, three expectations
    QCOMPARE(reportModel(replayLog), liveReport);
    QCOMPARE(replay.story()->snapshot().lastRun, 1);

    // Seeking back to the first beat and forward again rebuilds the same models.
    QVERIFY(player.seekToBeat(0));
    QVERIFY(chartModel(replay.store()) != liveCharts);
    player.seekToRecord(player.recordCount());
    replay.evaluator()->checkDeadlines(liveEndMs);
    QVERIFY2(
        chartModel(replay.store()) == liveCharts, qPrintable(firstDifference(chartModel(replay.store()), liveCharts)));
    QCOMPARE(markerModel(replay.store()), liveMarkers);
    QCOMPARE(reportModel(replayLog), liveReport); // the report starts over with the replay
}

void TestRecordReplay::replayTouchesNothing()
{
    PresenterSession replay(localProfile(QUrl(u"http://127.0.0.1:9"_s), QUrl(u"http://127.0.0.1:9"_s)));
    replay.setReplayMode();
    QString why;
    QVERIFY(!replay.clusterCommands()->scaleTo(3, &why));
    QCOMPARE(why, RefusingCommands::reason());
    QVERIFY(!replay.clusterCommands()->keepDown(1, false, &why));
    QCOMPARE(why, RefusingCommands::reason());
    QVERIFY(!replay.clusterCommands()->healAll(&why));
    QVERIFY(!replay.sqlCommands()->runFile(testenv::sourceDir() + u"/sql/00-bootstrap.sql"_s, &why));
    QCOMPARE(why, RefusingCommands::reason());
    QSignalSpy answered(replay.control(), &SampleAppControl::commandFinished);
    const quint64 id = replay.loadCommands()->loadStart(10, {});
    QTRY_COMPARE(answered.size(), 1);
    QCOMPARE(answered.first().at(0).toULongLong(), id);
    QCOMPARE(answered.first().at(2).toBool(), false);
    QCOMPARE(answered.first().at(3).toString(), RefusingCommands::reason());
    // The story's keys belong to the player in a replay.
    QVERIFY(!replay.story()->handleKey(Qt::Key_PageDown));
}

void TestRecordReplay::openTruncatedAndForeignFiles()
{
    // A small recording: the plan, a beat run and markers, through the real writer.
    const QString file = testenv::outputDir() + u"/replay-open.jsonl.gz"_s;
    QFile::remove(file);
    {
        recording::RecordingWriter writer;
        recording::Header h;
        h.startedMs = 1'000'000;
        h.plan = u"demo/plan.json"_s;
        QString error;
        QVERIFY2(writer.open(file, h, &error), qPrintable(error));
        writer.append(1'000'000, u"plan"_s, {{u"document"_s, QJsonDocument::fromJson(kPlan).object()}});
        for (int i = 0; i < 2000; ++i) {
            writer.append(1'000'000 + i * 100, u"marker"_s,
                {{u"x"_s, 1'000'000 + i * 100}, {u"kind"_s, u"other"_s}, {u"text"_s, u"marker %1"_s.arg(i)}});
        }
        writer.append(1'200'000, u"beat_run"_s, {{u"index"_s, 0}, {u"beat"_s, u"warm"_s}});
        writer.close(1'200'001);
    }
    QString error;
    auto whole = ReplaySession::open(file, &error);
    QVERIFY2(whole, qPrintable(error));
    QVERIFY(whole->complete());
    QVERIFY(whole->problem().isEmpty());
    QCOMPARE(whole->player()->beats().size(), 1);
    QVERIFY(whole->badgeText().startsWith(u"REPLAY · 1x · 00:00 / 03:20"_s));

    // Cut in the middle: it opens, plays what is valid and says where it stopped.
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    const QString cut = testenv::outputDir() + u"/replay-cut.jsonl.gz"_s;
    QFile c(cut);
    QVERIFY(c.open(QIODevice::WriteOnly | QIODevice::Truncate));
    c.write(bytes.left(bytes.size() / 2));
    c.close();
    auto truncated = ReplaySession::open(cut, &error);
    QVERIFY2(truncated, qPrintable(error));
    QVERIFY(!truncated->complete());
    QVERIFY2(truncated->problem().contains(u"line"_s), qPrintable(truncated->problem()));
    QVERIFY(truncated->badgeText().endsWith(u"truncated"_s));
    QVERIFY(truncated->player()->recordCount() > 10);
    QVERIFY(truncated->player()->recordCount() < whole->player()->recordCount());
    truncated->player()->seekToRecord(truncated->player()->recordCount()); // plays what is valid

    // Another format version is refused with the reason.
    const QString future = testenv::outputDir() + u"/replay-v99.jsonl"_s;
    QFile v(future);
    QVERIFY(v.open(QIODevice::WriteOnly | QIODevice::Truncate));
    v.write(R"({"format":"crdb-live-evolution-recording","version":99,"started_ms":1})"
            "\n");
    v.close();
    QVERIFY(!ReplaySession::open(future, &error));
    QVERIFY2(error.contains(u"99"_s), qPrintable(error));
    // Not a recording at all.
    QVERIFY(!ReplaySession::open(testenv::sourceDir() + u"/demo/plan.json"_s, &error));
    QVERIFY2(!error.isEmpty(), "no reason given");
}

// What a live session on a cluster records when crdb-2 is kept down and comes back: the driver's
// fault events and the markers drawn for them live (SessionRecorder writes both). A replay shows
// each marker once, at its recorded time: the recorded fault events move the cluster view, they do
// not draw their markers a second time at the replay's wall-clock time.
void TestRecordReplay::aRecordedFaultIsMarkedOnce()
{
    const qint64 t0 = 1'700'000'000'000;
    auto fault = [](const char *event) {
        return QJsonObject {{u"event"_s, QString::fromLatin1(event)}, {u"ordinal"_s, 2}, {u"pod"_s, u"crdb-2"_s},
            {u"fault"_s, u"KeepDown"_s}};
    };
    auto marker = [](qint64 x, EventMarker::Kind kind, const QString &text) {
        return QJsonObject {{u"x"_s, x}, {u"kind"_s, eventMarkerKindName(kind)}, {u"text"_s, text}};
    };
    const QList<recording::Record> records {
        {t0, u"plan"_s, {{u"document"_s, QJsonDocument::fromJson(kPlan).object()}}},
        {t0 + 1000, u"fault"_s, fault("started")},
        {t0 + 1000, u"marker"_s, marker(t0 + 1000, EventMarker::Kind::Failure, u"crdb-2 down (keep down)"_s)},
        {t0 + 9000, u"fault"_s, fault("ended")},
        {t0 + 9000, u"marker"_s, marker(t0 + 9000, EventMarker::Kind::Recovery, u"crdb-2 back after 8 s"_s)},
        {t0 + 9500, u"cluster_op"_s, {{u"ok"_s, true}, {u"summary"_s, u"healed: every node ready"_s}}},
    };
    PresenterSession replay(localProfile(QUrl(u"http://127.0.0.1:9"_s), QUrl(u"http://127.0.0.1:9"_s)));
    replay.setReplayMode();
    QStringList errors;
    const auto plan = DemoPlan::fromJson(SessionPlayer::recordedPlan(records), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    replay.setPlan(*plan, testenv::sourceDir());
    SessionPlayer player(&replay);
    player.load(records);
    player.seekToRecord(player.recordCount());
    const QStringList expected {
        u"%1 %2 crdb-2 down (keep down)"_s.arg(t0 + 1000).arg(eventMarkerKindName(EventMarker::Kind::Failure)),
        u"%1 %2 crdb-2 back after 8 s"_s.arg(t0 + 9000).arg(eventMarkerKindName(EventMarker::Kind::Recovery))};
    QCOMPARE(markerModel(replay.store()), expected);
}

QTEST_GUILESS_MAIN(TestRecordReplay)
#include "tst_record_replay.moc"
