#include "app_options.h"

#include "config/time_scale.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

void declareOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Presenter for the CockroachDB live evolution demo. Clicker keys: PageDown previews the next beat, "
        u"PageDown again runs it, Escape cancels, PageUp goes back (display only), B blanks the kiosk. "
        u"Every session is recorded (--no-record to turn it off), except screenshot and benchmark runs. In a replay: "
        u"Space pauses, PageDown/PageUp "
        u"seek to the next/previous beat, +/- change the speed, Home restarts. F9 switches to the --fallback "
        u"recording and back."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    ConnectionProfile::addOptions(parser);
    parser.addOptions({
        {u"kiosk-screen"_s, u"Open a second, read-only, full-screen window on screen N (0-based)."_s, u"n"_s},
        {u"kiosk"_s, u"Run only the kiosk window (on --kiosk-screen, default the primary screen)."_s},
        {u"screenshot"_s, u"Save a screenshot of the window(s) to FILE (kiosk: FILE with -kiosk) and quit."_s,
            u"file"_s},
        {u"quit-after-ms"_s, u"Quit after N ms (with --screenshot: take it then)."_s, u"n"_s},
        {u"perf-log"_s, u"Append frame times and feed-to-store latencies to FILE (benchmark)."_s, u"file"_s},
        {u"max-fps"_s, u"Chart frame rate cap (default 15)."_s, u"n"_s},
        {u"window-minutes"_s, u"Time span of the charts in minutes (default 10)."_s, u"n"_s},
        {u"theme"_s,
            u"Kiosk theme: 'normal' (default) or 'high-contrast' (pure white, black text, thick lines: for a "
            u"washed-out projector)."_s,
            u"theme"_s},
        {u"preflight"_s,
            u"Run the pre-flight checklist against the profile's cluster, print one line per check and exit "
            u"(0 only when none fails)."_s},
        {u"preflight-at"_s,
            u"Check the cluster against the plan's position before this beat (a rehearsal resumed mid-talk); "
            u"default: the first beat (the set-up state)."_s,
            u"beat"_s},
        {u"replay"_s,
            u"Play a recording (.jsonl.gz) through the same windows instead of a live session; nothing touches a "
            u"cluster."_s,
            u"file"_s},
        {u"speed"_s, u"Replay speed, 0.25 to 64 (default 1)."_s, u"x"_s},
        {u"record"_s, u"Record this session to FILE (default: a new file in the recordings folder)."_s, u"file"_s},
        {u"no-record"_s, u"Do not record this session."_s},
        {u"always-record"_s,
            u"Record even a run made for a screenshot (--screenshot, --quit-after-ms) or a benchmark (--perf-log), "
            u"which otherwise is not recorded."_s},
        {u"fallback"_s,
            u"A rehearsal recording to fall back to during a live talk: F9 switches both windows to it, at the "
            u"current beat, and back. 'latest': the newest complete rehearsal in the recordings folder in which "
            u"nothing failed."_s,
            u"file"_s},
        {u"rehearse"_s,
            u"Run the whole plan unattended with the real sources, as the clicker would: each beat's actions, then "
            u"its verdicts until settled; print a go/no-go table, record the session and write its report; exit 0 "
            u"only when no action and no verdict failed (desktop/docs/REHEARSAL.md)."_s},
        {u"show"_s, u"With --rehearse: open the windows to watch it (default: none, offscreen)."_s},
        {u"from"_s, u"With --rehearse: start at this beat."_s, u"beat"_s},
        {u"until"_s, u"With --rehearse: stop after this beat."_s, u"beat"_s},
        {u"allow-majority-loss"_s,
            u"With --rehearse: also run the beats that lose the majority (on stage they need a typed "
            u"confirmation); without it they are skipped."_s},
        {u"time-scale"_s,
            u"With --rehearse: multiply every verdict window, spike length and budget by F (0 < F <= 1, never "
            u"below 2 s); the plan file is not changed."_s,
            u"f"_s},
        {u"report"_s, u"With --rehearse: write the HTML report to FILE (default: beside the recording)."_s, u"file"_s},
        {u"list-recordings"_s,
            u"List the recordings folder (date, length, complete or cut, talk or rehearsal, verdict, kept) and "
            u"exit."_s},
        {u"keep-recording"_s, u"Mark a recording kept (retention never deletes it: FILE.keep beside it) and exit."_s,
            u"file"_s},
        {u"keep-newest"_s,
            u"After a session keep the newest N recordings in the recordings folder, besides kept ones (0: no "
            u"limit; default: the setting recordings/keep_newest, else 20)."_s,
            u"n"_s},
        {u"recordings-max-mb"_s,
            u"After a session delete the oldest recordings until the folder holds at most N MB (0: no limit; "
            u"default: the setting recordings/max_mb, else 500)."_s,
            u"n"_s},
    });
}

// --rehearse and the flags that only mean something with it.
bool readRehearsal(const QCommandLineParser &parser, AppOptions *out, QString *error)
{
    AppOptions &o = *out;
    o.rehearse = parser.isSet(u"rehearse"_s);
    if (!o.rehearse) {
        for (const QString &name :
            {u"show"_s, u"from"_s, u"until"_s, u"allow-majority-loss"_s, u"time-scale"_s, u"report"_s}) {
            if (parser.isSet(name)) {
                *error = u"--%1 needs --rehearse"_s.arg(name);
                return false;
            }
        }
        return true;
    }
    if (parser.isSet(u"replay"_s) || parser.isSet(u"preflight"_s) || parser.isSet(u"fallback"_s)) {
        *error = u"--rehearse runs the live plan: not with --replay, --preflight or --fallback"_s;
        return false;
    }
    o.rehearseShow = parser.isSet(u"show"_s);
    o.rehearseFrom = parser.value(u"from"_s);
    o.rehearseUntil = parser.value(u"until"_s);
    o.allowMajorityLoss = parser.isSet(u"allow-majority-loss"_s);
    o.reportPath = parser.value(u"report"_s);
    if (parser.isSet(u"time-scale"_s)) {
        bool ok = false;
        const double f = parser.value(u"time-scale"_s).toDouble(&ok);
        if (!ok || !timescale::isValid(f)) {
            *error = u"--time-scale: expected a number in (0, 1], got '%1'"_s.arg(parser.value(u"time-scale"_s));
            return false;
        }
        o.timeScale = f;
    }
    return true;
}

// --kiosk-screen, --quit-after-ms, --max-fps, --window-minutes, --theme, --speed: each in its range.
bool readNumbers(const QCommandLineParser &parser, AppOptions *out, QString *error)
{
    AppOptions &o = *out;
    auto intOption = [&](const QString &name, int min, int max, int *target) {
        if (!parser.isSet(name)) {
            return true;
        }
        bool ok = false;
        const int v = parser.value(name).toInt(&ok);
        if (!ok || v < min || v > max) {
            *error = u"--%1: expected an integer in [%2, %3], got '%4'"_s.arg(name).arg(min).arg(max).arg(
                parser.value(name));
            return false;
        }
        *target = v;
        return true;
    };
    if (!intOption(u"kiosk-screen"_s, 0, 63, &o.kioskScreen)
        || !intOption(u"quit-after-ms"_s, 1, 86'400'000, &o.quitAfterMs) || !intOption(u"max-fps"_s, 1, 60, &o.maxFps)
        || !intOption(u"window-minutes"_s, 1, 120, &o.windowMinutes)
        || !intOption(u"keep-newest"_s, 0, 100'000, &o.keepNewest)
        || !intOption(u"recordings-max-mb"_s, 0, 10'000'000, &o.recordingsMaxMb)) {
        return false;
    }
    if (parser.isSet(u"theme"_s)) {
        const QString theme = parser.value(u"theme"_s);
        if (theme != u"normal" && theme != u"high-contrast") {
            *error = u"--theme: expected 'normal' or 'high-contrast', got '%1'"_s.arg(theme);
            return false;
        }
        o.highContrast = theme == u"high-contrast";
    }
    if (parser.isSet(u"speed"_s)) {
        bool ok = false;
        const double v = parser.value(u"speed"_s).toDouble(&ok);
        if (!ok || v < 0.25 || v > 64) {
            *error = u"--speed: expected a number in [0.25, 64], got '%1'"_s.arg(parser.value(u"speed"_s));
            return false;
        }
        o.speed = v;
    }
    return true;
}

// Screenshot and benchmark runs do not fill the recordings folder unless they ask.
void decideRecording(const QCommandLineParser &parser, AppOptions *o)
{
    const bool asked = !o->recordPath.isEmpty() || parser.isSet(u"always-record"_s);
    if (!o->replay.isEmpty()) {
        o->notRecordingWhy = u"a replay"_s;
    } else if (parser.isSet(u"no-record"_s)) {
        o->notRecordingWhy = u"--no-record"_s;
    } else if (!asked && !o->perfLog.isEmpty()) {
        o->notRecordingWhy = u"a benchmark run (--perf-log)"_s;
    } else if (!asked && o->quitAfterMs > 0) {
        o->notRecordingWhy
            = o->screenshot.isEmpty() ? u"a timed run (--quit-after-ms)"_s : u"a screenshot run (--screenshot)"_s;
    }
    o->record = o->notRecordingWhy.isEmpty();
}

} // namespace

bool AppOptions::parse(const QStringList &arguments, AppOptions *out, QString *error)
{
    QCommandLineParser parser;
    declareOptions(parser);
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(u"help"_s)) {
        parser.showHelp(0); // exits
    }
    if (parser.isSet(u"version"_s)) {
        parser.showVersion(); // exits
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = u"unexpected argument: %1"_s.arg(parser.positionalArguments().constFirst());
        return false;
    }
    AppOptions o;
    if (!o.profile.applyOptions(parser, error)) {
        return false;
    }
    if (!readNumbers(parser, &o, error) || !readRehearsal(parser, &o, error)) {
        return false;
    }
    o.replay = parser.value(u"replay"_s);
    o.recordPath = parser.value(u"record"_s);
    o.fallback = parser.value(u"fallback"_s);
    if (!o.replay.isEmpty() && !o.fallback.isEmpty()) {
        *error = u"--fallback is for a live session; --replay already plays a recording"_s;
        return false;
    }
    o.kioskOnly = parser.isSet(u"kiosk"_s);
    o.preflight = parser.isSet(u"preflight"_s);
    o.preflightAt = parser.value(u"preflight-at"_s);
    o.screenshot = parser.value(u"screenshot"_s);
    o.perfLog = parser.value(u"perf-log"_s);
    if (!o.screenshot.isEmpty() && o.quitAfterMs == 0) {
        o.quitAfterMs = 5000;
    }
    o.listRecordings = parser.isSet(u"list-recordings"_s);
    o.keepRecording = parser.value(u"keep-recording"_s);
    decideRecording(parser, &o);
    *out = o;
    return true;
}

} // namespace presenter
