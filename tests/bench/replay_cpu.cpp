// Replay CPU benchmark (tests/bench/recording_size.sh runs it on the 15-minute full-rate session
// it wrote): prints figures, asserts nothing. Plays a recording at --speed (default 10x) for
// --seconds of wall time through a replay PresenterSession (SessionPlayer, the same code paths as
// live), first without windows, then with the presenter's and the kiosk's windows (offscreen,
// 1920x1080, charts at 15 fps), and prints the process's CPU time per wall second (getrusage).
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "replay_controls.h"

#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "session/presenter_session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Run
{
    double cpuPercent = 0;
    qsizetype records = 0;
    double recordedSeconds = 0;
    double framesPerSecond = 0; // the windows' frame clock (both windows share it)
};

Run play(const QString &path, double speed, int seconds, bool windows, QString *error)
{
    auto replay = ReplaySession::open(path, error);
    if (!replay) {
        return {};
    }
    std::unique_ptr<ReplayWindows> w;
    if (windows) {
        w = std::make_unique<ReplayWindows>(replay.get(), true, true, 15, false);
        w->main()->resize(1920, 1080);
        w->kiosk()->resize(1920, 1080);
        w->main()->show();
        w->kiosk()->show();
        QCoreApplication::processEvents();
    }
    SessionPlayer *player = replay->player();
    player->setSpeed(speed);
    const qint64 startMs = player->nowMs();
    const qint64 frames0 = w ? w->clock()->frames() : 0;
    const double cpu0 = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    player->play();
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    QObject::connect(player, &SessionPlayer::finished, &loop, &QEventLoop::quit);
    loop.exec();
    player->pause();
    const double cpu = cpuSeconds() - cpu0;
    const double wallS = double(wall.elapsed()) / 1000.0;
    const double fps = w ? double(w->clock()->frames() - frames0) / wallS : 0;
    return {100.0 * cpu / wallS, player->position(), double(player->nowMs() - startMs) / 1000.0, fps};
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addPositionalArgument(u"recording"_s, u"the recording to play"_s);
    parser.addOption({u"speed"_s, u"replay speed (default 10)"_s, u"x"_s, u"10"_s});
    parser.addOption({u"seconds"_s, u"wall seconds to play each way (default 20)"_s, u"s"_s, u"20"_s});
    parser.process(app);
    if (parser.positionalArguments().size() != 1) {
        parser.showHelp(2);
    }
    const QString path = parser.positionalArguments().constFirst();
    const double speed = parser.value(u"speed"_s).toDouble();
    const int seconds = parser.value(u"seconds"_s).toInt();
    std::printf("replay CPU: %s at %gx for %d s of wall time each (2-core VM figures are this machine's)\n",
        qPrintable(path), speed, seconds);
    for (const bool windows : {false, true}) {
        QString error;
        const Run r = play(path, speed, seconds, windows, &error);
        if (!error.isEmpty()) {
            std::fprintf(stderr, "replay_cpu: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("  %-44s %6.1f %% of one core; %lld records, %.0f s of the recording played",
            windows ? "session + both windows (1920x1080, 15 fps):" : "session only (sources, store, evaluator):",
            r.cpuPercent, static_cast<long long>(r.records), r.recordedSeconds);
        std::printf(windows ? "; %.1f frames / s\n" : "\n", r.framesPerSecond);
    }
    return 0;
}
