// presenter: parses the command line and wires the session to its windows; nothing else.
#include "app_options.h"
#include "clicker_keys.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "preflight_cli.h"
#include "preflight_panel.h"
#include "replay_controls.h"
#include "stop_signals.h"
#include "window_memory.h"

#include "session/presenter_session.h"
#include "recording/recording_writer.h"
#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"

#include <QApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Saves the window(s) to `path` (the kiosk to path-kiosk.ext when both are open).
void saveScreenshots(const QString &path, FrameClock &clock, QWidget *main, QWidget *kiosk)
{
    clock.frame(true);
    if (main) {
        main->grab().save(path);
    }
    if (kiosk) {
        const QFileInfo fi(path);
        kiosk->grab().save(main ? fi.path() + u'/' + fi.completeBaseName() + u"-kiosk."_s + fi.suffix() : path);
    }
}

// The presenter's window: where it was last time, or 1600x900, never larger than its screen.
void showMain(QWidget *main)
{
    WindowMemory::attach(main, u"presenter/geometry"_s, QSize(1600, 900));
    main->show();
}

// The kiosk full screen on --kiosk-screen (default the first); a normal window when there is no
// such screen (remembered like the presenter's).
void showKiosk(KioskWindow *kiosk, const AppOptions &options)
{
    const int screen = options.kioskScreen >= 0 ? options.kioskScreen : 0;
    if (!kiosk->showOnScreen(screen)) {
        std::fprintf(stderr, "presenter: no screen %d; the kiosk opens as a normal window\n", screen);
        WindowMemory::attach(kiosk, u"kiosk/geometry"_s, kiosk->size());
        kiosk->show();
    }
}

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
    const bool withKiosk = options.kioskOnly || options.kioskScreen >= 0;
    ReplayWindows windows(replay.get(), !options.kioskOnly, withKiosk, options.maxFps, options.highContrast);
    ReplayKeys keys;
    keys.setPlayer(replay->player());
    qApp->installEventFilter(&keys);
    if (windows.main()) {
        showMain(windows.main());
    }
    if (windows.kiosk()) {
        showKiosk(windows.kiosk(), options);
    }
    replay->player()->setSpeed(options.speed);
    replay->player()->play();
    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, qApp, [&] {
            if (!options.screenshot.isEmpty()) {
                saveScreenshots(options.screenshot, *windows.clock(), windows.main(), windows.kiosk());
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

    FrameClock clock(&session.store());
    clock.setMaxFps(options.maxFps);
    if (!options.perfLog.isEmpty()) {
        clock.setPerfLog(options.perfLog);
        QObject::connect(session.ingest(), &FeedIngest::tickStored, &clock, [&clock](const FeedTick &, double ms) {
            clock.logLine("store_latency " + QByteArray::number(ms, 'f', 3));
        });
    }
    ClickerKeys keys(session.story());
    app.installEventFilter(&keys);
    // Installed after ClickerKeys, so it sees keys first: F9, and a replay's keys while one shows.
    ReplayKeys replayKeys;
    app.installEventFilter(&replayKeys);

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

    std::unique_ptr<MainWindow> main;
    std::unique_ptr<KioskWindow> kiosk;
    // CockroachDB's view of the nodes exists only where there is a cluster (not on the local stack).
    ClusterView *view = options.profile.clusterKind == ClusterKind::None ? nullptr : session.clusterView();
    if (!options.kioskOnly) {
        main = std::make_unique<MainWindow>(&session, &clock, view);
        PreflightConfig preflight;
        if (preflightConfigFor(options, &preflight, &error)) {
            main->preflightPanel()->setConfig(preflight);
            main->preflightPanel()->run();
        } else {
            std::fprintf(stderr, "presenter: pre-flight not run: %s\n", qPrintable(error));
        }
        showMain(main.get());
    }
    if (options.kioskOnly || options.kioskScreen >= 0) {
        kiosk = std::make_unique<KioskWindow>(&session, &clock, view);
        kiosk->setHighContrast(options.highContrast);
        showKiosk(kiosk.get(), options);
    }
    // The fallback to a rehearsal recording: F9, or the button on the presenter's status bar.
    std::unique_ptr<FallbackSwitcher> fallback;
    if (!options.fallback.isEmpty()) {
        fallback = std::make_unique<FallbackSwitcher>(
            &session, options.fallback, &replayKeys, options.maxFps, options.highContrast);
        fallback->setLiveWindows(main.get(), kiosk.get());
        replayKeys.setFallbackToggle([&fallback] { fallback->toggle(); });
        QObject::connect(fallback.get(), &FallbackSwitcher::failed, [&main](const QString &why) {
            std::fprintf(stderr, "presenter: no fallback: %s\n", qPrintable(why));
            if (main) {
                main->statusBar()->showMessage(u"No fallback: "_s + why, 15000);
            }
        });
        if (main) {
            auto *button = new QPushButton(u"Fall back to rehearsal (F9)"_s);
            button->setToolTip(u"Switch both windows to %1 at the current beat; F9 again returns to live."_s.arg(
                QFileInfo(options.fallback).fileName()));
            main->statusBar()->addPermanentWidget(button);
            QObject::connect(button, &QPushButton::clicked, fallback.get(), [&fallback] { fallback->toggle(); });
        }
    }
    session.start();
    clock.start();

    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, &app, [&] {
            if (!options.screenshot.isEmpty()) {
                saveScreenshots(options.screenshot, clock, main.get(), kiosk.get());
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
        clock.logLine("median_store_latency " + QByteArray::number(session.ingest()->medianStoreLatencyMs(), 'f', 3));
    }
    return rc;
}
