// fault_latency: how long after a fault action the audience sees it. A benchmark: it prints
// measured figures and asserts nothing (tests/bench/fault_latency.sh runs it).
//
// The parts are the presenter's own: a PresenterSession with its ClusterDriver (the real kubectl
// against FakeKubeApi, whose container model holds cockroach on keep_down), its NodeStatusClient
// at the production intervals (health + nodes list every 1.5 s, 1 s timeout, vars every 5 s) and
// its ClusterView, shown by the real main and kiosk windows with the frame clock running. Each
// CockroachDB node's HTTP port is a stand-in following the fake's processes (StandInsFollowFake):
// it refuses connections as soon as the process is gone, and the stand-ins call the node suspect
// a configured delay after that (CockroachDB: 3-6 s, liveness record expiry).
//
// Per cycle (keep_down crdb-2, wait, start_node crdb-2, wait for the heal; each action after a
// random 0-1.5 s pause, so that it falls anywhere in the fast path's poll cycle), from the
// keepDown() call:
//   signal       the driver's faultStarted (kubectl exec delivered SIGTERM)
//   port drains  the stand-in answers readiness 503 "node is shutting down" (the fake's process
//                drains for --drain-ms: CockroachDB's server.shutdown.initial_wait, 15 s here)
//   kiosk draining  the kiosk's crdb-2 tile says "draining" and its live-nodes tile 2 / 3 (the
//                presenter's own observation of the drain; target <= 2 s)
//   port closed  the stand-in stopped listening (the drain is over, the process is gone)
//   kiosk down   the kiosk's crdb-2 tile says DOWN (the presenter's own observation; target <= 2 s
//                after the port closed)
//   crdb suspect the stand-ins' liveness for n3 turned suspect: THE STAND-IN'S TIMING (its
//                configured delay after the process stopped), not CockroachDB's measured
//   kiosk suspect the kiosk's crdb-2 tile shows CockroachDB's "suspect"
// and from the startNode() call: kiosk live (tile live again, 3 / 3).
// Then a scale (kubectl scale to 4 nodes and back to 3) and a pre-flight round against the fake.
// Throughout, a 50 ms heartbeat timer on the GUI thread measures the longest frame: how late a
// beat came (the longest the GUI thread could not react) and how much of that it spent running
// (its own CPU time; the rest is waiting for a core on a loaded machine), per phase.
#include "big_number_tile.h"
#include "fake_kube_api.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "node_grid.h"
#include "preflight/preflight_runner.h"
#include "presenter_windows.h"
#include "standins_follow_fake.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Runs the event loop until `done` is true (checked after every event batch, at least every 5 ms),
// or `timeoutMs` passed; false on timeout.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) {
            return false;
        }
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// The GUI thread's longest stall in a phase: a 50 ms heartbeat's worst lateness and the thread's CPU
// time during that beat (late but idle: it waited for a core), and the most CPU it used in any beat.
class StallMonitor
{
public:
    StallMonitor()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kBeatMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { beat(); });
    }
    void begin()
    {
        m_worstMs = 0;
        m_worstCpuMs = 0;
        m_mostCpuMs = 0;
        m_since.start();
        m_cpuMs = threadCpuMs();
        m_timer.start();
    }
    QString end()
    {
        beat();
        m_timer.stop();
        return u"%1 ms late (the GUI thread ran %2 ms in that beat); most it ran in one beat %3 ms"_s
            .arg(m_worstMs, 0, 'f', 1)
            .arg(m_worstCpuMs, 0, 'f', 1)
            .arg(m_mostCpuMs, 0, 'f', 1);
    }

private:
    static constexpr int kBeatMs = 50;
    void beat()
    {
        const double cpu = threadCpuMs();
        const double late = double(m_since.nsecsElapsed()) / 1e6 - kBeatMs;
        if (late > m_worstMs) {
            m_worstMs = late;
            m_worstCpuMs = cpu - m_cpuMs;
        }
        m_mostCpuMs = std::max(m_mostCpuMs, cpu - m_cpuMs);
        m_cpuMs = cpu;
        m_since.restart();
    }
    QTimer m_timer;
    QElapsedTimer m_since;
    double m_cpuMs = 0;
    double m_worstMs = 0;
    double m_worstCpuMs = 0;
    double m_mostCpuMs = 0;
};

struct Figures
{
    std::vector<qint64> values;
    void add(qint64 v)
    {
        if (v >= 0) {
            values.push_back(v);
        }
    }
    QString text() const
    {
        if (values.empty()) {
            return u"no sample"_s;
        }
        std::vector<qint64> v = values;
        std::sort(v.begin(), v.end());
        const double median = v.size() % 2 ? double(v[v.size() / 2]) : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2.0;
        return u"median %1 ms, max %2 ms (n=%3)"_s.arg(median, 0, 'f', 0).arg(v.back()).arg(v.size());
    }
};

// kubectl scale to 4 and back to 3, each until the driver is idle again.
QString measureScale(ClusterDriver *driver, StallMonitor &stall)
{
    stall.begin();
    for (const int n : {4, 3}) {
        QString why;
        if (!driver->scaleTo(n, &why)) {
            stall.end();
            return u"not measured: scale to %1 refused: %2"_s.arg(n).arg(why);
        }
        waitFor([driver] { return driver->isBusy(); }, 2000);
        waitFor([driver] { return !driver->isBusy(); }, 60000);
    }
    return stall.end();
}

// One pre-flight round against the fake (Prometheus, Grafana and SQL are absent: those checks fail
// fast, which is also a path the GUI thread must survive).
QString measurePreflight(
    const ConnectionProfile &profile, FakeKubeApi &api, const QString &cacheDir, StallMonitor &stall)
{
    PreflightConfig config;
    config.profile = profile;
    config.kubectlExtraArgs = api.kubectlArgs(cacheDir);
    config.env = FakeKubeApi::kubectlEnvironment();
    config.maxScrapeWaitMs = 4000;
    PreflightRunner runner;
    runner.setConfig(config);
    bool done = false;
    QObject::connect(&runner, &PreflightRunner::finished, [&done] { done = true; });
    stall.begin();
    runner.run();
    const bool finished = waitFor([&done] { return done; }, 60000);
    const QString figure = stall.end();
    return finished ? figure : figure + u" (the round did not finish in 60 s)"_s;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fault-to-screen latency of the presenter (prints figures, asserts nothing)"_s);
    parser.addHelpOption();
    const QCommandLineOption cyclesOpt(u"cycles"_s, u"keep_down/start_node cycles (default 10)"_s, u"N"_s, u"10"_s);
    const QCommandLineOption suspectOpt(u"suspect-after-ms"_s,
        u"the stand-ins call a stopped node suspect this long after its process stopped (default 6000, CockroachDB's "
        u"worst case)"_s,
        u"MS"_s, u"6000"_s);
    const QCommandLineOption drainOpt(u"drain-ms"_s,
        u"after SIGTERM the process drains (serving, readiness 503) this long before it exits (default 15000, "
        u"server.shutdown.initial_wait in k8s/README.md; a real node adds transactions and leases)"_s,
        u"MS"_s, u"15000"_s);
    const QCommandLineOption kubectlOpt(
        u"kubectl"_s, u"kubectl binary (default: kubectl on PATH)"_s, u"PATH"_s, u"kubectl"_s);
    parser.addOptions({cyclesOpt, suspectOpt, drainOpt, kubectlOpt});
    parser.process(app);
    const int cycles = std::max(1, parser.value(cyclesOpt).toInt());
    const int suspectAfterMs = std::max(0, parser.value(suspectOpt).toInt());
    const int drainMs = std::max(0, parser.value(drainOpt).toInt());

    const QString ns = u"crdb-evolution"_s;
    FakeKubeApi api;
    if (!api.listen()) {
        std::fprintf(stderr, "fault_latency: the fake Kubernetes API cannot listen\n");
        return 1;
    }
    api.reset(ns, 3);
    api.setRestartDelayMs(400);
    api.setDrainMs(drainMs);
    StandInsFollowFake::Options options;
    options.suspectAfterMs = suspectAfterMs;
    options.catchUpMs = 1000;
    StandInsFollowFake nodes(&api, 3, options);
    if (!nodes.listen()) {
        std::fprintf(stderr, "fault_latency: the stand-ins cannot listen\n");
        return 1;
    }
    nodes.start();

    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::StatefulSet;
    profile.replicationFactor = 3;
    profile.kubeNamespace = ns;
    PresenterSession session(profile);
    QTemporaryDir cache;
    ClusterDriver *driver = session.cluster();
    driver->setKubectl(parser.value(kubectlOpt), api.kubectlArgs(cache.path()));
    driver->setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
    session.nodeStatus()->setEndpoints(nodes.endpoints()); // where the per-pod port-forwards would be
    WindowsOptions shown;
    shown.kiosk = true;
    PresenterWindows windows(&session, shown); // the node view: the session's (a cluster profile)
    ClusterView *view = windows.clusterView();
    FrameClock &clock = *windows.clock();
    MainWindow &main = *windows.main();
    KioskWindow &kiosk = *windows.kiosk();
    main.resize(1920, 1080);
    kiosk.resize(1280, 720);
    main.show();
    kiosk.show();
    driver->start();
    session.nodeStatus()->start();
    clock.start();

    const QString pod = u"crdb-2"_s;
    auto kioskDown = [&] {
        return kiosk.nodeGrid()->tileText(pod).contains(u"DOWN"_s) && kiosk.tiles().at(0)->number() == u"2 / 3"_s;
    };
    auto kioskLive = [&] {
        return kiosk.nodeGrid()->tileText(pod).contains(u"\nlive\n"_s) && kiosk.tiles().at(0)->number() == u"3 / 3"_s;
    };
    auto kioskDraining = [&] {
        return kiosk.nodeGrid()->tileText(pod).contains(u"\ndraining"_s) && kiosk.tiles().at(0)->number() == u"2 / 3"_s;
    };
    auto kioskSuspect = [&] { return kiosk.nodeGrid()->tileText(pod).contains(u"CockroachDB: suspect"_s); };
    if (!waitFor([&] { return kioskLive() && view->summary().reporting == 3 && !driver->isBusy(); }, 30000)) {
        std::fprintf(stderr, "fault_latency: the cluster never showed 3 live nodes: %s\n",
            qPrintable(kiosk.nodeGrid()->tileText(pod)));
        return 1;
    }

    // Timestamps of the current cycle, filled by the signals as they happen (each the first time).
    std::map<QString, qint64> at;
    auto stamp = [&at](const QString &what) {
        if (!at.count(what)) {
            at[what] = nowMs();
        }
    };
    QObject::connect(driver, &ClusterDriver::faultStarted, &app, [&] { stamp(u"signal"_s); });
    QObject::connect(&nodes, &StandInsFollowFake::modeChanged, &app, [&](int ordinal, CrdbStatusStandIn::Mode mode) {
        if (ordinal == 2 && mode == CrdbStatusStandIn::Mode::Closed) {
            stamp(u"port closed"_s);
        }
        if (ordinal == 2 && mode == CrdbStatusStandIn::Mode::Draining) {
            stamp(u"port drains"_s);
        }
    });
    QObject::connect(&nodes, &StandInsFollowFake::livenessChanged, &app, [&](int ordinal, int liveness) {
        if (ordinal == 2 && liveness == 2) {
            stamp(u"crdb suspect"_s);
        }
    });
    // Connected after the windows: when ClusterView::changed reaches this, the kiosk has redrawn
    // its tiles from the same change.
    QObject::connect(view, &ClusterView::changed, &app, [&] {
        if (at.count(u"fault"_s) && kioskDraining()) {
            stamp(u"kiosk draining"_s);
        }
        if (at.count(u"fault"_s) && kioskDown()) {
            stamp(u"kiosk down"_s);
        }
        if (at.count(u"fault"_s) && kioskSuspect()) {
            stamp(u"kiosk suspect"_s);
        }
        if (at.count(u"start"_s) && kioskLive()) {
            stamp(u"kiosk live"_s);
        }
    });

    std::printf("fault_latency: %d keep_down/start_node cycles on %s; real kubectl -> FakeKubeApi; the presenter's "
                "fast path every 1500 ms (1000 ms timeout) against stand-ins of CockroachDB's HTTP port; the "
                "process drains %d ms after SIGTERM; stand-in liveness turns suspect %d ms after the process stopped\n",
        cycles, qPrintable(pod), drainMs, suspectAfterMs);
    std::printf("%5s %8s %11s %14s %11s %10s %13s %13s %10s  (ms from keepDown(); kiosk live: from startNode())\n",
        "cycle", "signal", "port drains", "kiosk draining", "port closed", "kiosk down", "crdb suspect*",
        "kiosk suspect", "kiosk live");
    std::map<QString, Figures> figures;
    StallMonitor stall;
    stall.begin();
    const QStringList columns {u"signal"_s, u"port drains"_s, u"kiosk draining"_s, u"port closed"_s, u"kiosk down"_s,
        u"crdb suspect"_s, u"kiosk suspect"_s};
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        // The heal is seen right after a poll; a fault sent right then would always wait a whole
        // poll interval. On stage a fault comes at any moment of the fast path's 1.5 s cycle:
        // send it after a random 0-1.5 s.
        const int jitterMs = QRandomGenerator::global()->bounded(1500);
        waitFor([] { return false; }, jitterMs);
        at.clear();
        QString why;
        at[u"fault"_s] = nowMs();
        if (!driver->keepDown(2, false, &why)) {
            std::fprintf(stderr, "fault_latency: keep_down refused: %s\n", qPrintable(why));
            return 1;
        }
        // Down long enough for CockroachDB's view too, and for the store gauges (read every 5 s) to
        // count the under-replicated ranges the heal stopwatch waits for.
        const bool seen = waitFor(
            [&] {
                return at.count(u"kiosk suspect"_s) && at.count(u"kiosk down"_s) && !driver->isBusy()
                    && view->summary().underReplicatedRanges.value_or(0) > 0;
            },
            drainMs + suspectAfterMs + 30000);
        if (!seen) {
            std::fprintf(stderr, "fault_latency: cycle %d: the fault was not seen in time: %s\n", cycle,
                qPrintable(kiosk.nodeGrid()->tileText(pod)));
        }
        waitFor([] { return false; }, QRandomGenerator::global()->bounded(1500)); // as above
        at[u"start"_s] = nowMs();
        if (!driver->startNode(2, &why)) {
            std::fprintf(stderr, "fault_latency: start_node refused: %s\n", qPrintable(why));
            return 1;
        }
        const bool healed = waitFor(
            [&] {
                return at.count(u"kiosk live"_s) && !driver->isBusy() && driver->activeFaults().isEmpty()
                    && !view->stopwatch().isRunning();
            },
            60000);
        auto since = [&](const QString &what, const QString &from) -> qint64 {
            return at.count(what) ? at[what] - at[from] : -1;
        };
        for (const QString &c : columns) {
            figures[c].add(since(c, u"fault"_s));
        }
        figures[u"kiosk live"_s].add(since(u"kiosk live"_s, u"start"_s));
        std::printf("%5d %8lld %11lld %14lld %11lld %10lld %13lld %13lld %10lld%s\n", cycle,
            since(u"signal"_s, u"fault"_s), since(u"port drains"_s, u"fault"_s), since(u"kiosk draining"_s, u"fault"_s),
            since(u"port closed"_s, u"fault"_s), since(u"kiosk down"_s, u"fault"_s),
            since(u"crdb suspect"_s, u"fault"_s), since(u"kiosk suspect"_s, u"fault"_s),
            since(u"kiosk live"_s, u"start"_s), healed ? "" : "  (not healed within 60 s)");
        std::fflush(stdout);
    }
    const QString faultStall = stall.end();
    const QString scaleStall = measureScale(driver, stall);
    const QString preflightStall = measurePreflight(profile, api, cache.path(), stall);
    std::printf(
        "\nlongest frame (GUI-thread stall, 50 ms heartbeat) during the fault cycles: %s\n", qPrintable(faultStall));
    std::printf("longest frame during a scale to 4 nodes and back to 3:                 %s\n", qPrintable(scaleStall));
    std::printf(
        "longest frame during a pre-flight round:                               %s\n", qPrintable(preflightStall));
    std::printf("\nfault action (keepDown) ->\n");
    std::printf("  signal delivered (kubectl exec, faultStarted)      %s\n", qPrintable(figures[u"signal"_s].text()));
    std::printf(
        "  the process drains (stand-in readiness 503)        %s\n", qPrintable(figures[u"port drains"_s].text()));
    std::printf("  the kiosk shows crdb-2 draining (fast path)        %s   [target <= 2000 ms]\n",
        qPrintable(figures[u"kiosk draining"_s].text()));
    std::printf("  the process gone (stand-in port closed; drain %d ms) %s\n", drainMs,
        qPrintable(figures[u"port closed"_s].text()));
    std::printf("  the kiosk shows crdb-2 down (presenter, fast path) %s   [target <= port closed + 2000 ms]\n",
        qPrintable(figures[u"kiosk down"_s].text()));
    std::printf("  CockroachDB's status says suspect (* STAND-IN's timing: configured %d ms after the process stopped) "
                "%s\n",
        suspectAfterMs, qPrintable(figures[u"crdb suspect"_s].text()));
    std::printf(
        "  the kiosk shows CockroachDB's suspect              %s\n", qPrintable(figures[u"kiosk suspect"_s].text()));
    std::printf("start action (startNode) -> the kiosk shows crdb-2 live, 3 / 3  %s\n",
        qPrintable(figures[u"kiosk live"_s].text()));
    session.stop();
    return 0;
}
