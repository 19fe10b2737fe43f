#include "rehearse_cli.h"

#include "frame_clock.h"
#include "presenter_windows.h"
#include "report_export.h"

#include "config/data_paths.h"
#include "config/time_scale.h"
#include "recording/session_recorder.h"
#include "recording/session_recording.h"
#include "session/presenter_session.h"
#include "session/rehearsal.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// How long the rehearsal waits for the sample app's feed before its first beat: a verdict on
// the feed judged without it could only fail.
constexpr int kFeedWaitMs = 20000;

void say(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

// What stopped it, on stderr as the presenter's other errors.
void complain(const QString &what)
{
    std::fprintf(stderr, "presenter: %s\n", qPrintable(what));
}

// The plan as this rehearsal runs it (scaled) and its JSON (the recording's "plan" record).
struct ScaledPlan
{
    DemoPlan plan;
    QByteArray json;
    QString rootDir;
};

std::optional<ScaledPlan> loadScaledPlan(const AppOptions &options, QString *error)
{
    QFile file(options.profile.planPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the plan %1: %2"_s.arg(options.profile.planPath, file.errorString());
        return std::nullopt;
    }
    const QByteArray json = file.readAll();
    QStringList errors;
    const auto plan = DemoPlan::fromJson(json, &errors);
    const auto scaledJson = timescale::scaledJson(json, options.timeScale);
    if (!plan || !scaledJson) {
        *error = u"the demo plan does not validate: %1"_s.arg(errors.join(u"; "_s));
        return std::nullopt;
    }
    return ScaledPlan {
        timescale::scaled(*plan, options.timeScale), *scaledJson, DataPaths::rootOfPlan(options.profile.planPath)};
}

// --from / --until as plan indexes; false with *error naming the unknown beat.
bool beatRange(const DemoPlan &plan, const AppOptions &options, Rehearsal::Options *out, QString *error)
{
    const auto indexOf = [&](const QString &id, const char *flag, int fallback, int *target) {
        if (id.isEmpty()) {
            *target = fallback;
            return true;
        }
        *target = plan.indexOf(id);
        if (*target < 0) {
            *error
                = u"%1: no beat '%2' in the plan (%3)"_s.arg(QLatin1StringView(flag), id, plan.beatIds().join(u", "_s));
            return false;
        }
        return true;
    };
    out->allowMajorityLoss = options.allowMajorityLoss;
    if (!indexOf(options.rehearseFrom, "--from", 0, &out->from)
        || !indexOf(options.rehearseUntil, "--until", int(plan.beats.size()) - 1, &out->until)) {
        return false;
    }
    if (out->until < out->from) {
        *error = u"--until %1 comes before --from %2"_s.arg(options.rehearseUntil, options.rehearseFrom);
        return false;
    }
    return true;
}

// What is said before the first beat: what runs, and what the cluster looks like afterwards.
void announce(const AppOptions &options, const DemoPlan &plan, const Rehearsal::Options &range)
{
    const ConnectionProfile &p = options.profile;
    say(u"Rehearsal of %1 (%2), beats %3 to %4, time scale %5, cluster kind %6%7."_s.arg(p.planPath, plan.title,
        plan.beats.at(range.from).id, plan.beats.at(range.until).id, QString::number(options.timeScale),
        ConnectionProfile::kindName(p.clusterKind),
        range.allowMajorityLoss ? u", majority loss allowed"_s : u", majority loss skipped"_s));
    if (p.clusterKind == ClusterKind::None) {
        say(u"Afterwards: the local stack has no cluster; the SQL files that ran stay applied (each is idempotent)."_s);
    } else {
        say(u"Afterwards the cluster will have %1. Nothing is scaled down or deleted."_s.arg(
            Rehearsal::endState(plan, range)));
    }
    say(u"To bring it back for the talk: demo/DEMO.md, \"Rehearse the night before\" (afterwards)."_s);
}

// The session's recording, purpose "rehearsal", closed with its end record.
class RehearsalRecording
{
public:
    bool start(PresenterSession &session, const AppOptions &options, const QByteArray &planJson)
    {
        QString error;
        if (!m_recording.start(session, options.recordPath, u"rehearsal"_s, planJson, &error)) {
            complain(u"cannot record the rehearsal: "_s + error);
            return false;
        }
        say(u"Recording to "_s + m_recording.path());
        return true;
    }

    void finish(PresenterSession &session)
    {
        const SessionRecording::Finished done = m_recording.finish(session);
        say(u"Recorded %1 records to %2"_s.arg(done.records).arg(done.path));
    }

    QString path() const { return m_recording.path(); }

private:
    SessionRecording m_recording;
};

// The HTML report beside the recording (or at --report), naming it; waits until it is written.
bool writeReport(PresenterSession &session, const AppOptions &options, const QString &recordingPath)
{
    QString path = options.reportPath;
    if (path.isEmpty()) {
        path = recordingPath;
        path.replace(u".jsonl.gz"_s, QString());
        path += u".html"_s;
    }
    report::Meta meta = ReportExporter::metaFor(session);
    meta.recordingFile = recordingPath;
    ReportExporter exporter(&session);
    QEventLoop loop;
    bool ok = false;
    QObject::connect(&exporter, &ReportExporter::finished, &loop,
        [&](bool written, const QString &where, qint64 bytes, const QString &error) {
            ok = written;
            if (written) {
                say(u"Report: %1 (%2 bytes)"_s.arg(where).arg(bytes));
            } else {
                complain(u"no report: "_s + error);
            }
            loop.quit();
        });
    if (!exporter.start(path, meta)) {
        complain(u"no report: the exporter did not start"_s);
        return false;
    }
    loop.exec();
    return ok;
}

// Runs the beats once the feed answered (or kFeedWaitMs passed); the event loop ends with them.
void startWhenFed(PresenterSession &session, Rehearsal &rehearsal)
{
    auto started = std::make_shared<bool>(false);
    const auto go = [&rehearsal, started](const QString &note) {
        if (*started) {
            return;
        }
        *started = true;
        if (!note.isEmpty()) {
            say(note);
        }
        QString error;
        if (!rehearsal.start(&error)) {
            complain(error);
            QCoreApplication::exit(2);
        }
    };
    QObject::connect(&session, &PresenterSession::tickArrived, &rehearsal, [go] { go({}); });
    QTimer::singleShot(kFeedWaitMs, &rehearsal, [go] {
        go(u"No feed from the sample app after %1 s: rehearsing without it (its verdicts will fail)."_s.arg(
            kFeedWaitMs / 1000));
    });
}

} // namespace

void prepareRehearsalPlatform(int argc, char *argv[])
{
    bool rehearse = false, show = false;
    for (int i = 1; i < argc; ++i) {
        rehearse = rehearse || qstrcmp(argv[i], "--rehearse") == 0;
        show = show || qstrcmp(argv[i], "--show") == 0;
    }
    if (rehearse && !show) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
}

int runRehearsalCli(const AppOptions &options)
{
    QString error;
    const auto plan = loadScaledPlan(options, &error);
    Rehearsal::Options range;
    if (!plan || !beatRange(plan->plan, options, &range, &error)) {
        complain(error);
        return 2;
    }
    if (const QString refused = Rehearsal::refusal(plan->plan, range); !refused.isEmpty()) {
        complain(u"not rehearsing: "_s + refused);
        return 2;
    }
    announce(options, plan->plan, range);
    PresenterSession session(options.profile);
    if (GrafanaAnnotations *grafana = session.grafanaAnnotations()) {
        grafana->setExtraTags({u"rehearsal"_s}); // on the dashboards, last night's rehearsal is told apart
    }
    session.setPlan(plan->plan, plan->rootDir);
    session.store().setWindowMs(qint64(options.windowMinutes) * 60 * 1000);
    // Answers as often as the scaled windows need them (the default every 2 s, at least every 0.5 s).
    session.evaluator()->setPollIntervalMs(std::max(500, int(2000 * options.timeScale)));
    RehearsalRecording recording;
    if (!recording.start(session, options, plan->json)) {
        return 2;
    }
    std::unique_ptr<PresenterWindows> windows;
    if (options.rehearseShow) {
        windows = std::make_unique<PresenterWindows>(&session, WindowsOptions::from(options));
        windows->show(options.kioskScreen);
        windows->clock()->start();
    }
    Rehearsal rehearsal(&session, range);
    QObject::connect(&rehearsal, &Rehearsal::beatDone, &rehearsal,
        [](const RehearsedBeat &b, int n, int total) { say(rehearsaltable::progressLine(b, n, total)); });
    bool ended = false;
    QObject::connect(&rehearsal, &Rehearsal::finished, &rehearsal, [&ended](const QList<RehearsedBeat> &beats) {
        ended = true;
        QCoreApplication::exit(rehearsaltable::exitCode(beats));
    });
    session.start();
    startWhenFed(session, rehearsal);
    int rc = QApplication::exec();
    if (!ended) {
        say(u"Interrupted before the last beat ended: the table holds the beats that did."_s);
        rc = std::max(rc, 1);
    }
    std::printf("%s", qPrintable(rehearsaltable::table(rehearsal.beats(), ended)));
    windows.reset();
    session.stop();
    recording.finish(session);
    writeReport(session, options, recording.path());
    return rc;
}

} // namespace presenter
