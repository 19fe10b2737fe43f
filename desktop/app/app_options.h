#pragma once

#include "config/connection_profile.h"

#include <QString>
#include <QStringList>

namespace presenter {

// The presenter's command line: the connection profile's flags plus the app's own.
struct AppOptions
{
    ConnectionProfile profile;
    int kioskScreen = -1; // --kiosk-screen N: a second, full-screen, read-only window on screen N
    bool kioskOnly = false; // --kiosk: only the kiosk window
    QString screenshot; // --screenshot FILE: save the window(s) and quit (with --quit-after-ms)
    int quitAfterMs = 0; // --quit-after-ms N
    QString perfLog; // --perf-log FILE: frame times and feed-to-store latencies (benchmark)
    int maxFps = 15; // --max-fps N
    int windowMinutes = 10; // --window-minutes N: time span of the charts
    bool highContrast = false; // --theme high-contrast: the kiosk in pure white, black and thick lines
    bool preflight = false; // --preflight: run the checklist, print it, exit 0 only if all pass
    QString preflightAt; // --preflight-at BEAT_ID: check the position before that beat (default: the first)
    // Recording and replay (desktop/docs/RECORDING.md).
    QString replay; // --replay FILE: play a recording through the same windows; touches no cluster
    double speed = 1.0; // --speed X: replay speed (0.25 .. 64)
    // Whether this live session records: yes, unless --no-record or a run made for a screenshot
    // (--screenshot, --quit-after-ms) or a benchmark (--perf-log) that did not ask (--record FILE,
    // --always-record); notRecordingWhy then says which.
    bool record = true;
    QString notRecordingWhy;
    QString recordPath; // --record FILE: where to record (default: RecordingWriter::defaultPath)
    // --fallback FILE: the rehearsal recording F9 switches both windows to; "latest": the newest
    // complete rehearsal in the recordings folder in which nothing failed (resolved by main).
    QString fallback;
    // The recordings folder (desktop/docs/RECORDING.md "Managing the folder").
    bool listRecordings = false; // --list-recordings: print what is there and exit
    QString keepRecording; // --keep-recording FILE: mark it kept (FILE.keep) and exit
    int keepNewest = -1; // --keep-newest N (0 = no count limit); -1: the setting or the default
    int recordingsMaxMb = -1; // --recordings-max-mb N (0 = no size limit); -1: the setting or the default
    // The talk run unattended (desktop/docs/REHEARSAL.md); the flags below need --rehearse.
    bool rehearse = false; // --rehearse
    bool rehearseShow = false; // --show: with the windows open, to watch it
    QString rehearseFrom; // --from BEAT: the first beat (default the plan's first)
    QString rehearseUntil; // --until BEAT: the last beat (default the plan's last)
    bool allowMajorityLoss = false; // --allow-majority-loss: run the beats that lose the majority
    double timeScale = 1.0; // --time-scale F: every window, spike and budget times F (0 < F <= 1)
    QString reportPath; // --report FILE: the rehearsal's HTML report (default: beside its recording)

    // Parses argv (QCoreApplication::arguments()); false with *error (or help/version printed
    // by the parser itself).
    static bool parse(const QStringList &arguments, AppOptions *out, QString *error);
};

} // namespace presenter
