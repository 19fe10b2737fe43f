// presenter: parses the command line and wires the session to its windows; nothing else.
#include "app_options.h"
#include "clicker_keys.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "preflight_cli.h"
#include "preflight_panel.h"

#include "model/presenter_session.h"

#include <QApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

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
    qRegisterMetaType<FeedTick>();
    qRegisterMetaType<FeedEvent>();

    AppOptions options;
    QString error;
    if (!AppOptions::parse(QApplication::arguments(), &options, &error)) {
        std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
        return 2;
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

    std::unique_ptr<MainWindow> main;
    std::unique_ptr<KioskWindow> kiosk;
    // CockroachDB's view of the nodes exists only where there is a cluster (not on the local stack).
    ClusterView *view = options.profile.clusterKind == ClusterDriver::Kind::None ? nullptr : session.clusterView();
    if (!options.kioskOnly) {
        main = std::make_unique<MainWindow>(&session, &clock, view);
        PreflightConfig preflight;
        if (preflightConfigFor(options, &preflight, &error)) {
            main->preflightPanel()->setConfig(preflight);
            main->preflightPanel()->run();
        } else {
            std::fprintf(stderr, "presenter: pre-flight not run: %s\n", qPrintable(error));
        }
        main->show();
    }
    if (options.kioskOnly || options.kioskScreen >= 0) {
        kiosk = std::make_unique<KioskWindow>(&session, &clock, view);
        kiosk->setHighContrast(options.highContrast);
        const int screen = options.kioskScreen >= 0 ? options.kioskScreen : 0;
        if (!kiosk->showOnScreen(screen)) {
            std::fprintf(stderr, "presenter: no screen %d; the kiosk opens as a normal window\n", screen);
            kiosk->show();
        }
    }
    session.start();
    clock.start();

    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, &app, [&] {
            if (!options.screenshot.isEmpty()) {
                clock.frame(true);
                if (main) {
                    main->grab().save(options.screenshot);
                }
                if (kiosk) {
                    const QFileInfo fi(options.screenshot);
                    const QString path = main ? fi.path() + u'/' + fi.completeBaseName() + u"-kiosk."_s + fi.suffix()
                                              : options.screenshot;
                    kiosk->grab().save(path);
                }
            }
            QApplication::quit();
        });
    }
    const int rc = QApplication::exec();
    if (!options.perfLog.isEmpty()) {
        clock.logLine("median_store_latency " + QByteArray::number(session.ingest()->medianStoreLatencyMs(), 'f', 3));
    }
    return rc;
}
