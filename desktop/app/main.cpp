// presenter: parses the command line, builds the session and its windows (PresenterWindows), records
// the session and runs; nothing else.
#include "app_options.h"
#include "frame_clock.h"
#include "preflight_cli.h"
#include "presenter_windows.h"
#include "replay_controls.h"
#include "stop_signals.h"

#include "recording/recording_writer.h"
#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "session/presenter_session.h"

#include <QApplication>
#include <QFile>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// SIGINT, SIGTERM, SIGHUP: the session ends as when the window closes (recording ended, kubectl
// port-forwards stopped, exit code 0).
void quitOnSignal(int signal)
{
    const char *name = signal == SIGINT ? "SIGINT" : (signal == SIGTERM ? "SIGTERM" : "SIGHUP");
    std::fprintf(stderr, "presenter: %s: closing the session\n", name);
    QApplication::quit();
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
    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, qApp, [&] {
            if (!options.screenshot.isEmpty()) {
                windows.windows()->saveScreenshots(options.screenshot);
            }
            QApplication::quit();
        });
    }
    return QApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // --preflight needs no window (it runs where no display is): a QCoreApplication then.
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--preflight") == 0) {
            QCoreApplication app(argc, argv);
            QCoreApplication::setApplicationName(u"presenter"_s);
            AppOptions options;
            QString error;
            if (!AppOptions::parse(QCoreApplication::arguments(), &options, &error)) {
                std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
                return 2;
            }
            return runPreflightCli(options);
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"presenter"_s);
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
    if (!options.replay.isEmpty()) {
        return runReplay(options);
    }
    PresenterSession session(options.profile);
    session.store().setWindowMs(qint64(options.windowMinutes) * 60 * 1000);
    QStringList planErrors;
    if (!session.loadPlan(&planErrors)) {
        std::fprintf(
            stderr, "presenter: the demo plan does not validate:\n  %s\n", qPrintable(planErrors.join(u"\n  "_s)));
        return 2;
    }

    // Every live session is recorded (desktop/docs/RECORDING.md), unless --no-record.
    recording::RecordingWriter writer;
    std::unique_ptr<SessionRecorder> recorder;
    if (options.record) {
        const qint64 startedMs = session.clock().nowMs();
        const QString path
            = options.recordPath.isEmpty() ? recording::RecordingWriter::defaultPath(startedMs) : options.recordPath;
        QString recordError;
        if (writer.open(path, SessionRecorder::header(session, startedMs), &recordError)) {
            recorder = std::make_unique<SessionRecorder>(
                &session, [&writer](const recording::Record &r) { writer.append(r); });
            QFile planFile(options.profile.planPath);
            if (planFile.open(QIODevice::ReadOnly)) {
                recorder->recordPlan(planFile.readAll());
            }
            std::fprintf(stderr, "presenter: recording this session to %s\n", qPrintable(path));
        } else {
            std::fprintf(stderr, "presenter: not recording this session: %s\n", qPrintable(recordError));
        }
    }

    PresenterWindows windows(&session, WindowsOptions::from(options));
    FrameClock *clock = windows.clock();
    if (!options.perfLog.isEmpty()) {
        clock->setPerfLog(options.perfLog);
        QObject::connect(session.ingest(), &FeedIngest::tickStored, clock, [clock](const FeedTick &, double ms) {
            clock->logLine("store_latency " + QByteArray::number(ms, 'f', 3));
        });
    }
    PreflightConfig preflight;
    if (preflightConfigFor(options, &preflight, &error)) {
        windows.runPreflight(preflight); // on the presenter's window only
    } else if (windows.main()) {
        std::fprintf(stderr, "presenter: pre-flight not run: %s\n", qPrintable(error));
    }
    windows.show(options.kioskScreen);
    // The fallback to a rehearsal recording: F9, or the button on the presenter's status bar.
    std::unique_ptr<FallbackSwitcher> fallback;
    if (!options.fallback.isEmpty()) {
        fallback = std::make_unique<FallbackSwitcher>(&session, options.fallback, options.maxFps, options.highContrast);
        fallback->setLiveWindows(&windows);
        QObject::connect(fallback.get(), &FallbackSwitcher::failed,
            [](const QString &why) { std::fprintf(stderr, "presenter: no fallback: %s\n", qPrintable(why)); });
    }
    session.start();
    clock->start();

    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, &app, [&] {
            if (!options.screenshot.isEmpty()) {
                windows.saveScreenshots(options.screenshot);
            }
            QApplication::quit();
        });
    }
    const int rc = QApplication::exec();
    fallback.reset();
    recorder.reset();
    if (writer.isOpen()) {
        const QString recorded = writer.path(); // close() forgets it
        writer.close(session.clock().nowMs());
        std::fprintf(stderr, "presenter: recorded %lld records (%lld bytes) to %s\n",
            static_cast<long long>(writer.recordsAppended()), static_cast<long long>(writer.compressedBytes()),
            qPrintable(recorded));
    }
    if (!options.perfLog.isEmpty()) {
        clock->logLine("median_store_latency " + QByteArray::number(session.ingest()->medianStoreLatencyMs(), 'f', 3));
    }
    return rc;
}
