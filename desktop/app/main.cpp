// presenter: parses the command line, builds the session and its windows (PresenterWindows), records
// the session and runs; nothing else.
#include "app_options.h"
#include "frame_clock.h"
#include "preflight_cli.h"
#include "presenter_windows.h"
#include "recordings_cli.h"
#include "rehearse_cli.h"
#include "replay_controls.h"
#include "stop_signals.h"

#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "recording/session_recording.h"
#include "session/presenter_session.h"

#include <QApplication>
#include <QFile>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// SIGINT, SIGTERM, SIGHUP: the session ends as when the window closes (recording ended, kubectl
// port-forwards stopped, exit code 0).
void quitOnSignal(int signal)
{
    const char *name = signal == SIGINT ? "SIGINT" : (signal == SIGTERM ? "SIGTERM" : "SIGHUP");
    std::fprintf(stderr, "presenter: %s: closing the session\n", name);
    QApplication::quit();
}

// --quit-after-ms N (and --screenshot FILE): saves the window(s), then quits.
void quitAfter(const AppOptions &options, PresenterWindows *windows)
{
    if (options.quitAfterMs <= 0) {
        return;
    }
    QTimer::singleShot(options.quitAfterMs, qApp, [&options, windows] {
        if (!options.screenshot.isEmpty()) {
            windows->saveScreenshots(options.screenshot);
        }
        QApplication::quit();
    });
}

// A live session is recorded (desktop/docs/RECORDING.md) unless --no-record, or a screenshot or
// benchmark run that did not ask (AppOptions::record); retention runs after it.
class LiveRecording
{
public:
    void start(PresenterSession &session, const AppOptions &options)
    {
        QFile planFile(options.profile.planPath);
        const QByteArray plan = planFile.open(QIODevice::ReadOnly) ? planFile.readAll() : QByteArray();
        QString error;
        if (!m_recording.start(session, options.recordPath, u"talk"_s, plan, &error)) {
            std::fprintf(stderr, "presenter: not recording this session: %s\n", qPrintable(error));
            return;
        }
        std::fprintf(stderr, "presenter: recording this session to %s\n", qPrintable(m_recording.path()));
    }

    // The file recorded, or empty.
    QString finish(PresenterSession &session)
    {
        const SessionRecording::Finished done = m_recording.finish(session);
        if (!done.path.isEmpty()) {
            std::fprintf(stderr, "presenter: recorded %lld records (%lld bytes) to %s\n",
                static_cast<long long>(done.records), static_cast<long long>(done.compressedBytes),
                qPrintable(done.path));
        }
        return done.path;
    }

private:
    SessionRecording m_recording;
};

// --perf-log FILE: frame times and feed-to-store latencies (the benchmark's).
void logPerformance(PresenterSession &session, FrameClock *clock, const QString &path)
{
    clock->setPerfLog(path);
    QObject::connect(session.ingest(), &FeedIngest::tickStored, clock,
        [clock](const FeedTick &, double ms) { clock->logLine("store_latency " + QByteArray::number(ms, 'f', 3)); });
}

// The fallback to a rehearsal recording: F9, or the button on the presenter's status bar.
// `path`: --fallback resolved (resolveFallback: "latest" is the newest good rehearsal).
std::unique_ptr<FallbackSwitcher> fallbackFor(
    PresenterSession &session, PresenterWindows &windows, const AppOptions &options, const QString &path)
{
    if (path.isEmpty()) {
        return nullptr;
    }
    auto fallback = std::make_unique<FallbackSwitcher>(&session, path, options.maxFps, options.highContrast);
    fallback->setLiveWindows(&windows);
    QObject::connect(fallback.get(), &FallbackSwitcher::failed,
        [](const QString &why) { std::fprintf(stderr, "presenter: no fallback: %s\n", qPrintable(why)); });
    return fallback;
}

// presenter --replay FILE: the recording through the same windows; nothing touches a cluster.
int runReplay(const AppOptions &options)
{
    QString error;
    auto replay = ReplaySession::open(options.replay, &error);
    if (!replay) {
        std::fprintf(stderr, "presenter: cannot replay %s\n", qPrintable(error));
        return 2;
    }
    if (!replay->problem().isEmpty()) {
        std::fprintf(stderr, "presenter: %s: %s\n", qPrintable(options.replay), qPrintable(replay->problem()));
    }
    replay->session()->store().setWindowMs(qint64(options.windowMinutes) * 60 * 1000);
    const WindowsOptions shown = WindowsOptions::from(options);
    ReplayWindows windows(replay.get(), shown.main, shown.kiosk, options.maxFps, options.highContrast);
    windows.windows()->show(options.kioskScreen);
    replay->player()->setSpeed(options.speed);
    replay->player()->play();
    quitAfter(options, windows.windows());
    return QApplication::exec();
}

// The live talk: the session, its recording, its windows, until the last window closes or a signal.
int runLive(const AppOptions &options)
{
    PresenterSession session(options.profile);
    session.store().setWindowMs(qint64(options.windowMinutes) * 60 * 1000);
    QStringList planErrors;
    if (!session.loadPlan(&planErrors)) {
        std::fprintf(
            stderr, "presenter: the demo plan does not validate:\n  %s\n", qPrintable(planErrors.join(u"\n  "_s)));
        return 2;
    }
    LiveRecording recording;
    if (options.record) {
        recording.start(session, options);
    } else {
        std::fprintf(stderr, "presenter: not recording: %s\n", qPrintable(options.notRecordingWhy));
    }
    QString fallbackNote;
    const QString fallbackPath = resolveFallback(options.fallback, &fallbackNote);
    if (options.fallback == u"latest") {
        std::fprintf(stderr, "presenter: --fallback latest: %s\n", qPrintable(fallbackNote));
    }
    PresenterWindows windows(&session, WindowsOptions::from(options));
    if (!options.perfLog.isEmpty()) {
        logPerformance(session, windows.clock(), options.perfLog);
    }
    PreflightConfig preflight;
    QString error;
    if (preflightConfigFor(options, &preflight, &error)) {
        windows.runPreflight(preflight); // on the presenter's window only
    } else if (windows.main()) {
        std::fprintf(stderr, "presenter: pre-flight not run: %s\n", qPrintable(error));
    }
    windows.show(options.kioskScreen);
    std::unique_ptr<FallbackSwitcher> fallback = fallbackFor(session, windows, options, fallbackPath);
    session.start();
    windows.clock()->start();
    quitAfter(options, &windows);
    const int rc = QApplication::exec();
    fallback.reset();
    if (const QString recorded = recording.finish(session); !recorded.isEmpty() && options.recordPath.isEmpty()) {
        applyRetentionAfterSession(options, {recorded, fallbackPath}); // only what the folder grew by
    }
    if (!options.perfLog.isEmpty()) {
        windows.clock()->logLine(
            "median_store_latency " + QByteArray::number(session.ingest()->medianStoreLatencyMs(), 'f', 3));
    }
    return rc;
}

void nameApplication()
{
    QCoreApplication::setApplicationName(u"presenter"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PRESENTER_VERSION));
}

// --preflight and --version need no window (they run where no display is): a QCoreApplication
// then. -1: not asked.
int runHeadless(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--preflight") == 0 || qstrcmp(argv[i], "--version") == 0) {
            QCoreApplication app(argc, argv);
            nameApplication();
            AppOptions options;
            QString error;
            if (!AppOptions::parse(QCoreApplication::arguments(), &options, &error)) {
                std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
                return 2;
            }
            return runPreflightCli(options);
        }
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    if (const int rc = runRecordingsCliIfAsked(argc, argv); rc >= 0) {
        return rc;
    }
    if (const int rc = runHeadless(argc, argv); rc >= 0) {
        return rc;
    }
    prepareRehearsalPlatform(argc, argv);
    QApplication app(argc, argv);
    nameApplication();
    // The settings (window geometry) in $XDG_CONFIG_HOME/crdb-live-evolution/presenter.conf.
    QApplication::setOrganizationName(u"crdb-live-evolution"_s);
    const StopSignals stopSignals(quitOnSignal);
    qRegisterMetaType<FeedTick>();
    qRegisterMetaType<FeedEvent>();
    AppOptions options;
    QString error;
    if (!AppOptions::parse(QApplication::arguments(), &options, &error)) {
        std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
        return 2;
    }
    if (options.rehearse) {
        return runRehearsalCli(options);
    }
    return options.replay.isEmpty() ? runLive(options) : runReplay(options);
}
