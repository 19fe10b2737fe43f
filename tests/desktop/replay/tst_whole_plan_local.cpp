#include "model/presenter_session.h"
#include "processes.h"
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "report/session_log.h"
#include "test_env.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

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
    p.clusterKind = ClusterDriver::Kind::None; // demo/profiles/local.json
    p.replicationFactor = 1;
    p.sqlConninfo = testenv::pgConninfo(u"postgres"_s, u"postgres"_s);
    return p;
}

// Every verdict line as shown, per beat: "beat: text".
QStringList verdictLines(const ExpectationEvaluator &ev, qint64 nowMs)
{
    QStringList out;
    for (const auto &s : ev.states()) {
        out << ev.beatId() + u": "_s + s.text(nowMs);
    }
    return out;
}

} // namespace

// The whole demo/plan.json, beat by beat, on the local stack (cluster kind none: PostgreSQL stands
// in for CockroachDB, Prometheus scrapes only the real sample app), recorded and replayed: no
// verdict is a FAIL the local stack could never earn, nothing skipped is called applied, every
// skip says why, and the app-level verdicts that can be judged are judged.
class TstWholePlanLocal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wholePlan();
};

void TstWholePlanLocal::wholePlan()
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

    const QString file = testenv::outputDir() + u"/whole-plan-local.jsonl.gz"_s;
    QFile::remove(file);
    QStringList liveVerdicts, markers, summaries;
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
        live.start();
        QTRY_VERIFY_WITH_TIMEOUT(live.lastTick().has_value(), 15000);

        QSignalSpy finished(live.executor(), &BeatExecutor::finished);
        for (int beat = 0; beat < plan->beats.size(); ++beat) {
            live.story()->next(); // arm
            live.story()->next(); // run
            QCOMPARE(live.story()->lastRunIndex(), beat);
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 30000);
            const QString summary = finished.last().at(1).toString();
            summaries << plan->beats[beat].id + u": "_s + summary;
            // The local stack runs every beat: what it cannot do is skipped, not failed.
            QVERIFY2(finished.last().at(0).toBool(), qPrintable(summary));
            QTRY_VERIFY_WITH_TIMEOUT(live.evaluator()->allSettled(), (kWindowCapS + 15) * 1000);
            liveVerdicts << verdictLines(*live.evaluator(), live.clock().nowMs());
        }
        for (const EventMarker &m : live.store().markers()) {
            markers << m.text;
        }
        live.stop();
        writer.close(live.clock().nowMs());
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    }
    const QString all = u"verdicts:\n"_s + liveVerdicts.join(u'\n') + u"\nmarkers:\n"_s + markers.join(u'\n')
        + u"\nbeats:\n"_s + summaries.join(u'\n');
    qInfo().noquote() << all;

    // No FAIL: the local stack never earns one it could not escape.
    for (const QString &v : std::as_const(liveVerdicts)) {
        QVERIFY2(!v.contains(u": FAIL "_s), qPrintable(u"a FAIL: "_s + v + u"\n"_s + all));
    }
    // Nothing skipped is called applied: a file a beat skipped has no "applied" marker.
    for (const QString &s : std::as_const(summaries)) {
        for (const QString &part : s.section(u": "_s, 1).split(u"; "_s)) {
            for (const PlanAction &a : std::as_const(plan->beats[plan->indexOf(s.section(u':', 0, 0))].actions)) {
                if (!a.file.isEmpty() && part.startsWith(u"skipped"_s) && part.contains(a.file)) {
                    QVERIFY2(!markers.contains(u"applied "_s + a.file),
                        qPrintable(u"applied but skipped: "_s + a.file + u"\n"_s + all));
                }
            }
        }
    }
}

QTEST_GUILESS_MAIN(TstWholePlanLocal)
#include "tst_whole_plan_local.moc"
