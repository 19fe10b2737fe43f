#include "fake_kube_api.h"
#include "processes.h"
#include "recording/recording_writer.h"
#include "recording/session_recorder.h"
#include "session/presenter_session.h"
#include "source_banner.h"
#include "test_env.h"

#include "sources/cluster_driver.h"
#include "sources/feed_client.h"
#include "sources/port_forward_supervisor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <csignal>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// One beat per outage. Each outage beat's expectations are true of ANY data (">= 0"): while their
// source is down, only missing data can keep them from passing, so a PASS there is a PASS on
// missing (or stale) data.
const QByteArray kPlan = R"json({
  "version": 1,
  "title": "sources come and go",
  "beats": [
    {"id": "warm", "title": "Load on", "narration": "Load starts.",
     "actions": [{"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}}],
     "expectations": [
       {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 5, "within_s": 20,
        "label": "load runs"}]},
    {"id": "app-down", "title": "App down", "narration": "The app is gone.", "actions": [],
     "expectations": [
       {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 0, "within_s": 4,
        "label": "feed answers"}]},
    {"id": "prom-down", "title": "Prometheus down", "narration": "Prometheus is gone.", "actions": [],
     "expectations": [
       {"kind": "promql", "expr": "sum(app_operations_total)", "op": ">=", "value": 0, "within_s": 4,
        "label": "Prometheus answers"}]},
    {"id": "both-down", "title": "Both down", "narration": "Both are gone.", "actions": [],
     "expectations": [
       {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 0, "within_s": 4,
        "label": "feed answers"},
       {"kind": "promql", "expr": "sum(app_operations_total)", "op": ">=", "value": 0, "within_s": 4,
        "label": "Prometheus answers"}]}
  ]
})json";

// Nanoseconds this thread has spent runnable but waiting for a CPU (Linux schedstat, field 2):
// taken out of each gap, as in tst_sources_responsiveness (2 cores shared with other processes).
qint64 runQueueWaitNs()
{
    QFile f(u"/proc/thread-self/schedstat"_s);
    if (!f.open(QIODevice::ReadOnly)) {
        return -1;
    }
    const QList<QByteArray> fields = f.readAll().trimmed().split(' ');
    return fields.size() >= 2 ? fields.at(1).toLongLong() : -1;
}

// The longest gap between ticks of a 10 ms timer on this (the GUI) thread since reset().
class GapMeter
{
public:
    GapMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            const qint64 waitNs = runQueueWaitNs();
            if (m_last >= 0) {
                const qint64 gap = now - m_last;
                m_maxGap = std::max(m_maxGap, gap);
                m_maxStall = std::max(m_maxStall, gap - (waitNs - m_lastWaitNs) / 1000000);
            }
            m_last = now;
            m_lastWaitNs = waitNs;
        });
        m_clock.start();
        m_timer.start();
    }
    void reset()
    {
        m_last = -1;
        m_maxGap = 0;
        m_maxStall = 0;
    }
    qint64 maxGap() const { return m_maxGap; }
    qint64 maxStall() const { return m_maxStall; } // minus time spent waiting for a CPU

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_lastWaitNs = 0;
    qint64 m_maxGap = 0;
    qint64 m_maxStall = 0;
};

ConnectionProfile localProfile(const QUrl &app, const QUrl &prom)
{
    ConnectionProfile p;
    p.sampleAppUrl = app;
    p.prometheusUrl = prom;
    p.clusterKind = ClusterKind::None;
    p.replicationFactor = 1;
    p.sqlConninfo = testenv::pgConninfo();
    return p;
}

// The process id of this test's child whose command line contains every one of `needles` (the
// supervisor's forward processes are its own; /proc is the only way to them from outside).
qint64 childPid(const QStringList &needles)
{
    const QString self = QString::number(QCoreApplication::applicationPid());
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isNumber = false;
        const qint64 pid = entry.toLongLong(&isNumber);
        if (!isNumber) {
            continue;
        }
        QFile stat(u"/proc/%1/stat"_s.arg(entry));
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(entry));
        if (!stat.open(QIODevice::ReadOnly) || !cmdline.open(QIODevice::ReadOnly)) {
            continue;
        }
        // Field 4 of stat, after the command name in parentheses, is the parent's pid.
        const QByteArray statText = stat.readAll();
        const QList<QByteArray> fields = statText.mid(statText.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || QString::fromLatin1(fields.at(1)) != self) {
            continue;
        }
        const QString args = QString::fromUtf8(cmdline.readAll().replace('\0', ' '));
        bool all = true;
        for (const QString &n : needles) {
            all = all && args.contains(n);
        }
        if (all) {
            return pid;
        }
    }
    return -1;
}

qint64 lastPointMs(const TimeSeriesStore &store, const QString &series)
{
    const QList<QPointF> pts = store.points(series);
    return pts.isEmpty() ? -1 : qint64(pts.last().x());
}

// Starts fake_kube_api_server (a child process, so SIGSTOP stops only the API) with three pods in
// crdb-evolution; the kubectl arguments that reach it go to *kubectlArgs.
bool startFakeApiServer(QProcess &server, const QTemporaryDir &cache, QStringList *kubectlArgs, QString *error)
{
    const QString serverBinary = qEnvironmentVariable("FAKE_KUBE_API_SERVER");
    if (serverBinary.isEmpty()) {
        *error = u"FAKE_KUBE_API_SERVER is not set (run through CTest)"_s;
        return false;
    }
    server.start(serverBinary, {u"crdb-evolution"_s, u"3"_s, cache.filePath(u"kube-cache"_s)});
    if (!server.waitForStarted(5000)) {
        *error = server.errorString();
        return false;
    }
    QElapsedTimer started;
    started.start();
    while (started.elapsed() < 10000) {
        if (!server.canReadLine() && !server.waitForReadyRead(1000)) {
            continue;
        }
        const QString line = QString::fromUtf8(server.readLine()).trimmed();
        if (line.isEmpty()) {
            break;
        }
        kubectlArgs->append(line);
    }
    if (kubectlArgs->isEmpty()) {
        *error = QString::fromUtf8(server.readAllStandardError());
        return false;
    }
    return true;
}

// A session whose sample-app, Prometheus and SQL URLs go through its own port-forwards
// (profile.portForward, as `--port-forward` sets it), run by kubectl_port_forward_standin.py in
// place of kubectl (the fake API cannot stream pods/portforward): same arguments, kubectl's
// "Forwarding from" line, real TCP to the real sample app, Prometheus and the PostgreSQL fixture.
// The local ends are free ports; *appLocal gets the sample app's.
ConnectionProfile forwardedProfile(quint16 *appLocal)
{
    *appLocal = testenv::freePort();
    const quint16 promLocal = testenv::freePort();
    ConnectionProfile profile
        = localProfile(QUrl(u"http://127.0.0.1:%1"_s.arg(*appLocal)), QUrl(u"http://127.0.0.1:%1"_s.arg(promLocal)));
    profile.portForward = true;
    return profile;
}

QString forwardStandin()
{
    return testenv::sourceDir() + u"/tests/desktop/sources/kubectl_port_forward_standin.py"_s;
}

void forwardThroughStandin(
    PortForwardSupervisor *forwards, const ConnectionProfile &profile, quint16 appPort, quint16 promPort)
{
    forwards->setKubectl(forwardStandin(), profile.kubectlGlobalArgs());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"KUBECTL_STANDIN_TARGETS"_s,
        u"svc/sampleapp=%1,svc/prometheus=%2,svc/crdb-writer=%3"_s.arg(appPort).arg(promPort).arg(testenv::pgPort()));
    forwards->setProcessEnvironment(env);
}

} // namespace

// The presenter outlives its sources: while a PresenterSession runs beats on the local stack (the
// real sample app, a real Prometheus scraping it, the PostgreSQL fixture), the sample app and
// Prometheus are killed (SIGKILL) and started again on the same port, one at a time, then
// together. During each outage: the GUI thread keeps turning, the banner names the source and
// since when, the recording keeps receiving records, an expectation on the down source never
// passes; after it, each source comes back by itself (time to fresh data printed).
class TestOutliveSources : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appAndPrometheusComeAndGo();
    void kubernetesApiStoppedAndContinued();
    void portForwardKilledAndRestarted();
    void allFourTogether();
};

void TestOutliveSources::appAndPrometheusComeAndGo()
{
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s},
        {u"APP_HTTP_PORT"_s, QString::number(testenv::freePort())}}); // restarts on the same port
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));

    PresenterSession session(localProfile(app.url(), prom.url()));
    session.setPlan(*plan, testenv::sourceDir());
    session.evaluator()->setPollIntervalMs(500);
    // A poll that has data on the local stack (the session's own ask for CockroachDB's metrics).
    session.prometheus()->addPoll(u"outlive.operations"_s, u"sum(app_operations_total)"_s, 500);

    const QString file = testenv::outputDir() + u"/outlive-sources.jsonl.gz"_s;
    QFile::remove(file);
    recording::RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(file, SessionRecorder::header(session, session.clock().nowMs()), &error), qPrintable(error));
    qint64 records = 0;
    SessionRecorder recorder(&session, [&writer, &records](const recording::Record &r) {
        writer.append(r);
        ++records;
    });
    recorder.recordPlan(kPlan);

    SourceBanner banner(session.sources()); // the main window's banner, on the same sources
    DataSource *feedSource = session.feed();
    DataSource *promSource = session.prometheus();

    // Prometheus' fresh data: an answer with a series to that poll.
    qint64 lastPromAnswerMs = -1;
    connect(session.prometheus(), &PrometheusClient::polled, this,
        [&](const QString &name, const QList<PromSeries> &series) {
            if (name == u"outlive.operations"_s && !series.isEmpty()) {
                lastPromAnswerMs = session.clock().nowMs();
            }
        });

    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.lastTick().has_value(), 15000);

    StoryController *story = session.story();
    QSignalSpy finished(session.executor(), &BeatExecutor::finished);
    auto runBeat = [&](int beat) {
        story->next(); // arm
        story->next(); // run
        QCOMPARE(story->lastRunIndex(), beat);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 15000);
    };
    runBeat(0);
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(session.evaluator()->allSettled(), 25000);
    QTRY_VERIFY_WITH_TIMEOUT(lastPromAnswerMs > 0, 15000); // Prometheus has scraped the app

    auto killApp = [&] {
        ::kill(pid_t(app.process().processId()), SIGKILL);
        QVERIFY(app.process().waitForFinished(5000));
    };
    auto killProm = [&] {
        ::kill(pid_t(prom.process().processId()), SIGKILL);
        QVERIFY(prom.process().waitForFinished(5000));
    };

    GapMeter gaps;
    struct Outage
    {
        QString what;
        int beat;
        QList<DataSource *> down;
        bool app;
        bool prom;
    };
    const QList<Outage> outages {
        {u"sample app"_s, 1, {feedSource}, true, false},
        {u"Prometheus"_s, 2, {promSource}, false, true},
        {u"sample app + Prometheus"_s, 3, {feedSource, promSource}, true, true},
    };
    for (const Outage &o : outages) {
        const qint64 recordsBefore = records;
        gaps.reset();
        if (o.app) {
            killApp();
        }
        if (o.prom) {
            killProm();
        }
        if (QTest::currentTestFailed()) {
            return;
        }
        const qint64 downAt = session.clock().nowMs();
        for (DataSource *s : o.down) {
            QTRY_VERIFY2_WITH_TIMEOUT(!s->isHealthy(), qPrintable(s->name() + u" never reported down"_s), 15000);
        }
        // The banner names each down source and since when.
        banner.refresh();
        for (DataSource *s : o.down) {
            QVERIFY2(
                banner.text().contains(s->name()) && banner.text().contains(u"since"_s), qPrintable(banner.text()));
        }
        qInfo("%s down: banner \"%s\"", qPrintable(o.what), qPrintable(banner.text()));

        // A beat judged on the down source: its window ends while the source is still down.
        runBeat(o.beat);
        QTRY_VERIFY_WITH_TIMEOUT(session.evaluator()->allSettled(), 15000);
        for (const auto &s : session.evaluator()->states()) {
            const QString text = s.text(session.clock().nowMs());
            qInfo("%s down: verdict \"%s\"", qPrintable(o.what), qPrintable(text));
            QVERIFY2(s.verdict != ExpectationEvaluator::Verdict::Pass
                    && s.verdict != ExpectationEvaluator::Verdict::AlreadyTrue,
                qPrintable(u"passed on missing data: "_s + text));
            QVERIFY2(
                s.verdict == ExpectationEvaluator::Verdict::Pending || text.contains(u"no data"_s), qPrintable(text));
        }
        const qint64 outageRecords = records - recordsBefore;
        const qint64 outageMs = session.clock().nowMs() - downAt;
        qInfo("%s down for %lld ms: %lld records written meanwhile; GUI thread: max timer gap %lld ms, "
              "%lld ms of it not waiting for a CPU",
            qPrintable(o.what), outageMs, outageRecords, gaps.maxGap(), gaps.maxStall());
        QVERIFY2(outageRecords > 0, "the recording received nothing during the outage");
        QVERIFY2(gaps.maxStall() < 500, qPrintable(u"the GUI thread stalled for %1 ms"_s.arg(gaps.maxStall())));

        // Back, on the same port; each source picks it up by itself.
        if (o.app) {
            QVERIFY2(app.start(), app.output().constData());
        }
        if (o.prom) {
            QVERIFY2(prom.start(), prom.output().constData());
        }
        const qint64 backAt = session.clock().nowMs();
        if (o.app) {
            QTRY_VERIFY_WITH_TIMEOUT(lastPointMs(session.store(), u"load.achieved"_s) >= backAt, 20000);
            qInfo("%s back: the feed's fresh data in the store %lld ms after the app answered again",
                qPrintable(o.what), lastPointMs(session.store(), u"load.achieved"_s) - backAt);
        }
        if (o.prom) {
            QTRY_VERIFY_WITH_TIMEOUT(lastPromAnswerMs >= backAt, 20000);
            qInfo("%s back: Prometheus' fresh answer %lld ms after it was ready again", qPrintable(o.what),
                lastPromAnswerMs - backAt);
        }
        for (DataSource *s : o.down) {
            QTRY_VERIFY2_WITH_TIMEOUT(
                s->isHealthy(), qPrintable(s->name() + u" still down: "_s + s->lastError()), 20000);
        }
        banner.refresh();
        QVERIFY2(banner.isHidden(), qPrintable(banner.text()));
    }

    session.stop();
    writer.close(session.clock().nowMs());
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    QCOMPARE(writer.recordsAppended(), recorder.records());
}

// The Kubernetes API stopped (SIGSTOP: connections are accepted by the kernel, nothing answers,
// every kubectl call hangs) and continued (SIGCONT). The fake API runs in a child process for
// that (fake_kube_api_server). The cluster driver polls it with the session's settings (status
// every 5 s, each status read killed after ClusterDriver::kStatusTimeoutMs). The port-forward has its
// own case below (portForwardKilledAndRestarted).
void TestOutliveSources::kubernetesApiStoppedAndContinued()
{
    QTemporaryDir cache;
    QProcess server;
    QStringList kubectlArgs;
    QString serverError;
    QVERIFY2(startFakeApiServer(server, cache, &kubectlArgs, &serverError), qPrintable(serverError));

    ClusterDriver driver; // as PresenterSession sets it up, against the child's API
    driver.setKind(ClusterKind::StatefulSet);
    driver.setKubectl(u"kubectl"_s, kubectlArgs);
    driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
    driver.setNamespace(u"crdb-evolution"_s);
    driver.setWorkloadName(u"crdb"_s);
    qint64 lastStatusMs = -1;
    QElapsedTimer clock;
    clock.start();
    connect(&driver, &ClusterDriver::statusChanged, this, [&](const ClusterDriver::ClusterStatus &s) {
        if (s.valid) {
            lastStatusMs = clock.elapsed();
        }
    });
    SourceBanner banner({&driver});
    driver.start();
    QTRY_VERIFY_WITH_TIMEOUT(lastStatusMs >= 0, 30000);
    QVERIFY2(driver.isHealthy(), qPrintable(driver.lastError()));

    GapMeter gaps;
    const qint64 stoppedAt = clock.elapsed();
    QCOMPARE(::kill(pid_t(server.processId()), SIGSTOP), 0);
    // Down within one status interval (5 s) plus one status read's timeout (10 s), with 5 s to
    // spare: the banner must not stay silent for the 30 s a fault or scale command may take.
    QTRY_VERIFY_WITH_TIMEOUT(!driver.isHealthy(), 60000);
    const qint64 reportedAfter = clock.elapsed() - stoppedAt;
    QVERIFY2(reportedAfter < 20000,
        qPrintable(u"the cluster source reported the stopped API only after %1 ms"_s.arg(reportedAfter)));
    banner.refresh();
    QVERIFY2(banner.text().contains(driver.name()) && banner.text().contains(u"since"_s), qPrintable(banner.text()));
    qInfo("Kubernetes API stopped: the cluster source reported down %lld ms after SIGSTOP; banner \"%s\"",
        reportedAfter, qPrintable(banner.text().section(u'\n', 0, 0)));
    qInfo("Kubernetes API stopped: GUI thread: max timer gap %lld ms, %lld ms of it not waiting for a CPU",
        gaps.maxGap(), gaps.maxStall());
    QVERIFY2(gaps.maxStall() < 500, qPrintable(u"the GUI thread stalled for %1 ms"_s.arg(gaps.maxStall())));

    QCOMPARE(::kill(pid_t(server.processId()), SIGCONT), 0);
    const qint64 continuedAt = clock.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(lastStatusMs > continuedAt, 60000);
    QTRY_VERIFY2_WITH_TIMEOUT(driver.isHealthy(), qPrintable(driver.lastError()), 10000);
    qInfo("Kubernetes API continued: fresh cluster status %lld ms after SIGCONT", lastStatusMs - continuedAt);
    banner.refresh();
    QVERIFY2(banner.isHidden(), qPrintable(banner.text()));

    driver.stop();
    server.kill();
    server.waitForFinished(5000);
}

// A dying port-forward: the session's sample-app and Prometheus URLs go through its own
// PortForwardSupervisor (profile.portForward, as `--port-forward` sets it). A real kubectl
// port-forward cannot run against the fake Kubernetes API (no pods/portforward streaming
// endpoint), so the supervisor runs kubectl_port_forward_standin.py in place of kubectl: same
// arguments, kubectl's "Forwarding from" line, real TCP to the real sample app and Prometheus.
// The sample app's forward process is killed (SIGKILL) while load runs through it: the banner says
// the port-forward is down and since when, the supervisor starts it again by itself, fresh feed
// data returns; the time from the kill to fresh data and the longest GUI-timer gap are printed.
void TestOutliveSources::portForwardKilledAndRestarted()
{
    const QString standin = forwardStandin();
    QVERIFY2(QFileInfo(standin).isExecutable(), qPrintable(standin));
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    // The presenter's local ends of the forwards; the SQL forward (svc/crdb-writer, local 26257,
    // PortForwardSupervisor::standardForwards) goes to the PostgreSQL fixture.
    quint16 appLocal = 0;
    const ConnectionProfile profile = forwardedProfile(&appLocal);

    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    PresenterSession session(profile);
    session.setPlan(*plan, testenv::sourceDir());
    session.evaluator()->setPollIntervalMs(500);
    PortForwardSupervisor *forwards = session.portForward();
    QVERIFY(forwards);
    forwardThroughStandin(forwards, profile, app.port(), prom.port());
    QSignalSpy down(forwards, &PortForwardSupervisor::forwardDown);
    QSignalSpy up(forwards, &PortForwardSupervisor::forwardUp);
    SourceBanner banner(session.sources());

    session.prometheus()->addPoll(u"outlive.operations"_s, u"sum(app_operations_total)"_s, 500);

    QElapsedTimer sinceStart;
    sinceStart.start();
    session.start();
    QTRY_VERIFY2_WITH_TIMEOUT(forwards->isHealthy() && forwards->isUp(u"sampleapp"_s) && forwards->isUp(u"prometheus"_s)
            && forwards->isUp(u"sql"_s),
        qPrintable(forwards->lastError()), 15000);
    const qint64 forwardsUpMs = sinceStart.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(session.lastTick().has_value(), 15000);
    // Every source answers through its forward before the kill.
    auto allHealthy = [&] {
        const QList<DataSource *> sources = session.sources();
        return std::all_of(sources.begin(), sources.end(), [](DataSource *s) { return s->isHealthy(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allHealthy(), 20000);
    qInfo("port-forward session start: forwards up after %lld ms, every source healthy after %lld ms", forwardsUpMs,
        sinceStart.elapsed());

    // Load through the forward (the control client uses the same URL).
    StoryController *story = session.story();
    QSignalSpy finished(session.executor(), &BeatExecutor::finished);
    story->next();
    story->next();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(lastPointMs(session.store(), u"load.achieved"_s) > 0, 15000);

    const qint64 pid = childPid({standin, u"svc/sampleapp"_s, u"%1:8080"_s.arg(appLocal)});
    QVERIFY2(pid > 0, "the sample app's forward process is not a child of this test");
    const qsizetype downBefore = down.size();
    const qsizetype upBefore = up.size();
    QSignalSpy feedGaps(session.feed(), &FeedClient::gap);
    GapMeter gaps;
    const qint64 killedAt = session.clock().nowMs();
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    // Down, in the banner, with since when (the supervisor reports the exit at once).
    QTRY_VERIFY_WITH_TIMEOUT(down.size() > downBefore, 5000);
    QCOMPARE(down.at(downBefore).at(0).toString(), u"sampleapp"_s);
    const QString reason = down.at(downBefore).at(1).toString();
    qInfo("port-forward killed: reported \"%s\"", qPrintable(reason));
    QVERIFY2(reason.contains(u"killed by signal 9"_s), qPrintable(reason));
    bool bannerSaidDown = false;
    QString bannerText;
    QElapsedTimer watch;
    watch.start();
    while (!bannerSaidDown && watch.elapsed() < 5000 && !forwards->isUp(u"sampleapp"_s)) {
        banner.refresh();
        bannerText = banner.text();
        bannerSaidDown = !banner.isHidden() && bannerText.contains(forwards->name()) && bannerText.contains(u"since"_s)
            && bannerText.contains(u"sampleapp"_s);
        if (!bannerSaidDown) {
            QTest::qWait(20);
        }
    }
    QVERIFY2(bannerSaidDown, qPrintable(u"the banner never said the forward was down: \""_s + bannerText + u'"'));
    for (const QString &line : bannerText.split(u'\n')) {
        qInfo("port-forward killed: banner \"%s\"", qPrintable(line));
    }

    // Restarted by the supervisor itself, then fresh feed data through the new forward.
    QTRY_VERIFY_WITH_TIMEOUT(up.size() > upBefore, 15000);
    QCOMPARE(up.at(upBefore).at(0).toString(), u"sampleapp"_s);
    const qint64 upAgainAt = session.clock().nowMs();
    const qint64 newPid = childPid({standin, u"svc/sampleapp"_s});
    QVERIFY2(newPid > 0 && newPid != pid, "no new forward process");
    QTRY_VERIFY_WITH_TIMEOUT(lastPointMs(session.store(), u"load.achieved"_s) >= upAgainAt, 20000);
    const qint64 freshAt = lastPointMs(session.store(), u"load.achieved"_s);
    qInfo("port-forward killed: the supervisor's new forward up %lld ms after the kill; fresh feed data in the "
          "store %lld ms after the kill",
        upAgainAt - killedAt, freshAt - killedAt);
    // The ticks the app sent while the forward was down are a gap, not data.
    QVERIFY2(!feedGaps.isEmpty(), "the feed reported no gap across the dead forward");
    qInfo("port-forward killed: the feed's gap across it: %lld ms of the app's ticks missed",
        feedGaps.first().at(1).toLongLong() - feedGaps.first().at(0).toLongLong());
    QTRY_VERIFY2_WITH_TIMEOUT(session.feed()->isHealthy(), qPrintable(session.feed()->lastError()), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(forwards->isHealthy(), qPrintable(forwards->lastError()), 10000);
    qInfo("port-forward killed: GUI thread: max timer gap %lld ms, %lld ms of it not waiting for a CPU", gaps.maxGap(),
        gaps.maxStall());
    QVERIFY2(gaps.maxStall() < 500, qPrintable(u"the GUI thread stalled for %1 ms"_s.arg(gaps.maxStall())));
    banner.refresh();
    QVERIFY2(banner.isHidden(), qPrintable(banner.text()));

    session.stop();
    // stop() terminates the forwards; none is left behind.
    QTRY_VERIFY_WITH_TIMEOUT(childPid({standin}) < 0, 5000);
}

// All four at once, in one session, while a beat is judged: the Kubernetes API stopped (SIGSTOP),
// the sample app and Prometheus killed (SIGKILL), and the sample app's port-forward killed
// (SIGKILL). The session's sample-app, Prometheus and SQL URLs go through its own port-forwards
// (the stand-in kubectl, as in portForwardKilledAndRestarted), and its cluster driver reads the
// fake Kubernetes API (a StatefulSet of three pods). The node-status fast path needs CockroachDB's
// HTTP API, which does not run here, so the profile stays on the local stack's kind and the driver
// is pointed at the API after the session is built (its own outage: tst_node_status_client).
// Everything down is named on the banner with since when, the GUI thread keeps turning, the
// recording keeps receiving records, no verdict passes on missing data; then everything comes back
// and each source's time from its return to fresh data is printed.
void TestOutliveSources::allFourTogether()
{
    QTemporaryDir cache;
    QProcess server;
    QStringList kubectlArgs;
    QString serverError;
    QVERIFY2(startFakeApiServer(server, cache, &kubectlArgs, &serverError), qPrintable(serverError));

    const QString standin = forwardStandin();
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s},
        {u"APP_HTTP_PORT"_s, QString::number(testenv::freePort())}}); // restarts on the same port
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    quint16 appLocal = 0;
    const ConnectionProfile profile = forwardedProfile(&appLocal);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    PresenterSession session(profile);
    session.setPlan(*plan, testenv::sourceDir());
    session.evaluator()->setPollIntervalMs(500);
    session.prometheus()->addPoll(u"outlive.operations"_s, u"sum(app_operations_total)"_s, 500);

    PortForwardSupervisor *forwards = session.portForward();
    QVERIFY(forwards);
    forwardThroughStandin(forwards, profile, app.port(), prom.port());

    ClusterDriver *cluster = session.cluster();
    cluster->setKind(ClusterKind::StatefulSet);
    cluster->setKubectl(u"kubectl"_s, kubectlArgs);
    cluster->setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
    cluster->setWorkloadName(u"crdb"_s);
    qint64 lastStatusMs = -1;
    connect(cluster, &ClusterDriver::statusChanged, this, [&](const ClusterDriver::ClusterStatus &s) {
        if (s.valid) {
            lastStatusMs = session.clock().nowMs();
        }
    });
    qint64 lastPromAnswerMs = -1;
    connect(session.prometheus(), &PrometheusClient::polled, this,
        [&](const QString &name, const QList<PromSeries> &series) {
            if (name == u"outlive.operations"_s && !series.isEmpty()) {
                lastPromAnswerMs = session.clock().nowMs();
            }
        });

    const QString file = testenv::outputDir() + u"/outlive-all-four.jsonl.gz"_s;
    QFile::remove(file);
    recording::RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(file, SessionRecorder::header(session, session.clock().nowMs()), &error), qPrintable(error));
    qint64 records = 0;
    SessionRecorder recorder(&session, [&writer, &records](const recording::Record &r) {
        writer.append(r);
        ++records;
    });
    recorder.recordPlan(kPlan);
    SourceBanner banner(session.sources());
    const QList<DataSource *> watched {session.feed(), session.prometheus(), cluster, forwards};

    session.start();
    auto allHealthy
        = [&] { return std::all_of(watched.begin(), watched.end(), [](DataSource *s) { return s->isHealthy(); }); };
    QTRY_VERIFY_WITH_TIMEOUT(allHealthy() && lastStatusMs > 0, 30000);
    StoryController *story = session.story();
    QSignalSpy finished(session.executor(), &BeatExecutor::finished);
    story->next(); // arm "warm"
    story->next(); // run it: load on, through the forward
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(lastPromAnswerMs > 0 && lastPointMs(session.store(), u"load.achieved"_s) > 0, 20000);

    const qint64 forwardPid = childPid({standin, u"svc/sampleapp"_s, u"%1:8080"_s.arg(appLocal)});
    QVERIFY2(forwardPid > 0, "the sample app's forward process is not a child of this test");
    QSignalSpy forwardDown(forwards, &PortForwardSupervisor::forwardDown);
    QSignalSpy forwardUp(forwards, &PortForwardSupervisor::forwardUp);
    GapMeter gaps;
    const qint64 recordsBefore = records;
    const qint64 downAt = session.clock().nowMs();
    QCOMPARE(::kill(pid_t(server.processId()), SIGSTOP), 0);
    QCOMPARE(::kill(pid_t(forwardPid), SIGKILL), 0);
    ::kill(pid_t(app.process().processId()), SIGKILL);
    ::kill(pid_t(prom.process().processId()), SIGKILL);
    QVERIFY(app.process().waitForFinished(5000));
    QVERIFY(prom.process().waitForFinished(5000));

    // Each one down and on the banner with since when. The port-forward is restarted by its
    // supervisor at once, so it is caught while down by its signal, the others by their health.
    const QList<DataSource *> polled {session.feed(), session.prometheus(), cluster};
    for (DataSource *s : polled) {
        QTRY_VERIFY2_WITH_TIMEOUT(!s->isHealthy(), qPrintable(s->name() + u" never reported down"_s), 30000);
    }
    banner.refresh();
    for (DataSource *s : polled) {
        QVERIFY2(banner.text().contains(s->name()) && banner.text().contains(u"since"_s), qPrintable(banner.text()));
    }
    for (const QString &line : banner.text().split(u'\n')) {
        qInfo("all four down: banner \"%s\"", qPrintable(line));
    }
    QTRY_VERIFY_WITH_TIMEOUT(!forwardDown.isEmpty(), 5000);
    QCOMPARE(forwardDown.first().at(0).toString(), u"sampleapp"_s);
    qInfo("all four down: the port-forward reported \"%s\"", qPrintable(forwardDown.first().at(1).toString()));

    // The beats judged on the down sources, one after another, while they are down.
    for (int beat = 1; beat <= 3; ++beat) {
        story->next(); // arm
        story->next(); // run
        QCOMPARE(story->lastRunIndex(), beat);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(session.evaluator()->allSettled(), 20000);
        for (const auto &s : session.evaluator()->states()) {
            const QString text = s.text(session.clock().nowMs());
            qInfo("all four down, beat %d: verdict \"%s\"", beat, qPrintable(text));
            QVERIFY2(s.verdict != ExpectationEvaluator::Verdict::Pass
                    && s.verdict != ExpectationEvaluator::Verdict::AlreadyTrue,
                qPrintable(u"passed on missing data: "_s + text));
        }
    }
    qInfo("all four down for %lld ms: %lld records written meanwhile; GUI thread: max timer gap %lld ms, %lld ms of "
          "it not waiting for a CPU",
        session.clock().nowMs() - downAt, records - recordsBefore, gaps.maxGap(), gaps.maxStall());
    QVERIFY2(records > recordsBefore, "the recording received nothing while all four were down");
    QVERIFY2(gaps.maxStall() < 500, qPrintable(u"the GUI thread stalled for %1 ms"_s.arg(gaps.maxStall())));

    // Everything back at once; each source picks itself up.
    QCOMPARE(::kill(pid_t(server.processId()), SIGCONT), 0);
    QVERIFY2(app.start(), app.output().constData());
    QVERIFY2(prom.start(), prom.output().constData());
    const qint64 backAt = session.clock().nowMs();
    QTRY_VERIFY_WITH_TIMEOUT(lastPointMs(session.store(), u"load.achieved"_s) >= backAt, 30000);
    const qint64 feedFresh = lastPointMs(session.store(), u"load.achieved"_s) - backAt;
    QTRY_VERIFY_WITH_TIMEOUT(lastPromAnswerMs >= backAt, 30000);
    const qint64 promFresh = lastPromAnswerMs - backAt;
    QTRY_VERIFY_WITH_TIMEOUT(lastStatusMs >= backAt, 60000);
    const qint64 clusterFresh = lastStatusMs - backAt;
    qInfo("all four back: fresh data after their return: feed (through the restarted forward) %lld ms, "
          "Prometheus %lld ms, Kubernetes API %lld ms; the forward was up again %s",
        feedFresh, promFresh, clusterFresh,
        forwardUp.isEmpty() ? "never (still the old one?)" : "by itself, before the rest returned");
    for (DataSource *s : watched) {
        QTRY_VERIFY2_WITH_TIMEOUT(s->isHealthy(), qPrintable(s->name() + u" still down: "_s + s->lastError()), 30000);
    }
    banner.refresh();
    QVERIFY2(banner.isHidden(), qPrintable(banner.text()));

    session.stop();
    writer.close(session.clock().nowMs());
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    QCOMPARE(writer.recordsAppended(), recorder.records());
    server.kill();
    server.waitForFinished(5000);
}

QTEST_MAIN(TestOutliveSources)
#include "tst_outlive_sources.moc"
