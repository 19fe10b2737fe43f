// sampleapp: the headless sample service of the live-evolution demo (sampleapp/README.md).
// main() only wires: configuration, logging, signals, the SampleApp.
#include "core/log.h"
#include "core/sample_app.h"
#include "core/shutdown_watchdog.h"
#include "pgkit/pg_connection.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &c, 1);
}
} // namespace

int main(int argc, char *argv[])
{
    // Qt's own event dispatcher: the GLib one wakes its context (a write to an eventfd) each time
    // a socket notifier is switched, which is several times per request here. QT_NO_GLIB=0 keeps GLib.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB")) {
        qputenv("QT_NO_GLIB", "1");
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sampleapp"));
    QCoreApplication::setApplicationVersion(SampleApp::version());

    QString error;
    const auto config = AppConfig::fromEnvironment(QProcessEnvironment::systemEnvironment(), &error);
    if (!config) {
        std::fprintf(stderr, "sampleapp: configuration error: %s\n", qPrintable(error));
        return 2;
    }
    applog::setLevel(config->logLevel);

    // SIGTERM/SIGINT → a byte on a socket pair → graceful shutdown on the main thread.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
        std::perror("sampleapp: socketpair");
        return 1;
    }
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    // Declared before the app: it outlives the app's destructors, which may wait for threads.
    ShutdownWatchdog watchdog([timeoutMs = config->shutdownTimeoutMs] { ShutdownWatchdog::exitNow(timeoutMs); });
    SampleApp sample(*config);
    QSocketNotifier notifier(g_signalFd[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &sample, [&] {
        char c = 0;
        [[maybe_unused]] const auto n = ::read(g_signalFd[1], &c, 1);
        notifier.setEnabled(false);
        // A little before the timeout: the process must also be gone by then.
        watchdog.arm(std::chrono::milliseconds(config->shutdownTimeoutMs - 200));
        sample.shutdown();
    });
    QObject::connect(&sample, &SampleApp::stopped, &app, &QCoreApplication::quit, Qt::QueuedConnection);

    if (!sample.start(&error)) {
        applog::logger()->error("{}", error);
        return 1;
    }
    applog::logger()->info("sampleapp {} listening on {}:{} (writer: {}; reader: {}; max_rps={} max_seconds={} "
                           "max_concurrency={}; control token {})",
        SampleApp::version(), config->httpAddress, sample.port(), pgkit::redactConninfo(config->writerConninfo),
        pgkit::redactConninfo(config->readerConninfo), config->maxRps, config->maxSeconds, config->maxConcurrency,
        config->controlToken.isEmpty() ? "off (open demo mode)" : "required");
    return app.exec();
}
