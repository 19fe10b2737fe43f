// No secret in anything the project writes. The sample app, the presenter (the real executable:
// live, then a replay of its own recording), a presenter session driven through two beats in this
// process, and the report export all run on the local stack (PostgreSQL fixture, sample app,
// Prometheus) with distinctive secret values: the sample app's APP_CONTROL_TOKEN, passwords in
// its database URLs, a password in the presenter's SQL URL and in its Grafana URL, and the
// control token in the profile. Then every place those could end up is read and searched for
// each secret: both programs' stdout and stderr, this process's own stderr and Qt messages, the
// recordings (decompressed), the report HTML, /metrics, the feed's messages, the bodies of
// refused requests, and what both programs print when they refuse to start or crash. A finding
// names the secret, where it appeared (file and line) and the line itself.
//
// A profile cannot carry a licence key (connection_profile.h: unknown fields are refused), so
// there is none to plant.
#include "main_window.h"
#include "report_export.h"

#include "processes.h"
#include "recording/recording_writer.h"
#include "recording/session_recorder.h"
#include "report/session_log.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// Distinctive, so that a finding is never a coincidence.
const QByteArray kControlToken = "tok-S3CR3T-a7f3910c";
const QByteArray kDbPassword = "dbpw-S3CR3T-c2d84e1b";
const QByteArray kSqlPassword = "sqlpw-S3CR3T-5be0172d";
const QByteArray kGrafanaPassword = "grafpw-S3CR3T-88a2c4f6";

struct Secret
{
    const char *name;
    QByteArray value;
};
const Secret kSecrets[] = {{"APP_CONTROL_TOKEN", kControlToken}, {"database password", kDbPassword},
    {"SQL URL password", kSqlPassword}, {"Grafana password", kGrafanaPassword}};

// Every line of `text` holding a secret (as it is, or percent-encoded), as
// "<secret> in <where>:<line>: <the line>".
QStringList findSecrets(const QString &where, const QByteArray &text)
{
    QStringList found;
    const QList<QByteArray> lines = text.split('\n');
    for (const Secret &s : kSecrets) {
        for (const QByteArray &form : {s.value, s.value.toPercentEncoding()}) {
            for (qsizetype i = 0; i < lines.size(); ++i) {
                if (lines.at(i).contains(form)) {
                    found << u"%1 in %2:%3: %4"_s.arg(QString::fromLatin1(s.name), where)
                                 .arg(i + 1)
                                 .arg(QString::fromUtf8(lines.at(i).left(300)));
                }
            }
        }
    }
    found.removeDuplicates();
    return found;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray gunzip(const QString &path)
{
    QProcess p;
    p.start(u"gzip"_s, {u"-dc"_s, path});
    p.waitForFinished(30000);
    return p.readAllStandardOutput();
}

QString presenterBinary()
{
    return qEnvironmentVariable("PRESENTER_BIN");
}

// Runs the presenter executable to its end (offscreen), stdout and stderr merged.
QByteArray runPresenter(const QStringList &args, int *exitCode, int timeoutMs = 90000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    p.setProcessEnvironment(env);
    p.start(presenterBinary(), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
    }
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAll();
}

// Everything this process writes to its stderr (fd 2, so Qt's messages and any fprintf too),
// into a file, while it lives; then stderr is restored and the text is readable.
class StderrCapture
{
public:
    explicit StderrCapture(const QString &path) : m_path(path)
    {
        std::fflush(stderr);
        m_saved = ::dup(2);
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    QByteArray restore()
    {
        if (m_saved >= 0) {
            std::fflush(stderr);
            ::dup2(m_saved, 2);
            ::close(m_saved);
            m_saved = -1;
        }
        return readAll(m_path);
    }

private:
    QString m_path;
    int m_saved = -1;
};

const QByteArray kPlan = R"json({
  "version": 1,
  "title": "no secrets",
  "beats": [
    {"id": "warm", "title": "Load on", "narration": "Load starts.",
     "actions": [{"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}}],
     "expectations": [
       {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 5, "within_s": 20, "label": "load runs"},
       {"kind": "promql", "expr": "sum(app_operations_total)", "op": ">", "value": 0, "within_s": 20,
        "label": "Prometheus sees operations"}]},
    {"id": "spike", "title": "Spike", "narration": "A short spike.",
     "actions": [{"type": "spike", "seconds": 2, "rps": 60}],
     "expectations": [
       {"kind": "feed", "field": "load.spike_active", "op": "==", "value": 1, "within_s": 6, "label": "spike seen"}]}
  ]
})json";

} // namespace

class TestNoSecrets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void nothingWrittenHoldsASecret();

private:
    // Adds the findings of one place; the test fails at its end with all of them.
    void scan(const QString &where, const QByteArray &text)
    {
        QVERIFY2(!text.isEmpty() || where.contains(u"(may be empty)"_s), qPrintable(u"nothing read from "_s + where));
        m_findings << findSecrets(where, text);
        ++m_places;
    }

    QTemporaryDir m_dir;
    QStringList m_findings;
    int m_places = 0;
};

void TestNoSecrets::initTestCase()
{
    QVERIFY2(!testenv::sampleappBinary().isEmpty(), "the sampleapp target is not part of this build");
    QVERIFY2(QFile::exists(presenterBinary()), "PRESENTER_BIN does not name the built presenter");
    QVERIFY(m_dir.isValid());
}

void TestNoSecrets::nothingWrittenHoldsASecret()
{
    const QString pg = u"127.0.0.1:%1"_s.arg(testenv::pgPort());
    // The fixture trusts local connections: a password in the URL is sent only if asked, so the
    // app runs with these URLs as it would in the cluster.
    const QString writerUrl
        = u"postgresql://app_writer:%1@%2/evolution?connect_timeout=5"_s.arg(QString::fromLatin1(kDbPassword), pg);
    const QString readerUrl
        = u"postgresql://app_reader:%1@%2/evolution?connect_timeout=5"_s.arg(QString::fromLatin1(kDbPassword), pg);
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}, {u"APP_LOG_LEVEL"_s, u"debug"_s},
        {u"APP_CONTROL_TOKEN"_s, QString::fromLatin1(kControlToken)}, {u"APP_DB_WRITER_URL"_s, writerUrl},
        {u"APP_DB_READER_URL"_s, readerUrl}});
    QVERIFY2(app.start(), app.output().constData());
    testenv::PrometheusProcess prom({u"127.0.0.1:%1"_s.arg(app.port())}, u"1s"_s);
    QVERIFY2(prom.start(), prom.output().constData());

    // The profile the presenter runs with: every secret a profile can carry.
    const QString planPath = m_dir.filePath(u"plan.json"_s);
    {
        QFile f(planPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPlan);
    }
    const QJsonObject profileJson {
        {u"sampleapp_url"_s, app.url().toString()},
        {u"prometheus_url"_s, prom.url().toString()},
        // Nothing listens there: the pre-flight's Grafana check fails, and says so.
        {u"grafana_url"_s,
            u"http://admin:%1@127.0.0.1:%2"_s.arg(QString::fromLatin1(kGrafanaPassword)).arg(testenv::freePort())},
        {u"sql_url"_s,
            u"postgresql://postgres:%1@%2/evolution?connect_timeout=5"_s.arg(QString::fromLatin1(kSqlPassword), pg)},
        {u"control_token"_s, QString::fromLatin1(kControlToken)},
        {u"cluster_kind"_s, u"none"_s},
        {u"replication_factor"_s, 1},
        {u"plan"_s, planPath},
    };
    const QString profilePath = m_dir.filePath(u"profile.json"_s);
    {
        QFile f(profilePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(profileJson).toJson());
    }

    // 1. The presenter executable, live: it connects every source, runs its pre-flight and records.
    const QString liveRecording = m_dir.filePath(u"presenter-live.jsonl.gz"_s);
    int exitCode = 0;
    const QByteArray presenterLive = runPresenter(
        {u"--profile"_s, profilePath, u"--record"_s, liveRecording, u"--quit-after-ms"_s, u"8000"_s}, &exitCode);
    QVERIFY2(exitCode == 0, presenterLive.constData());
    scan(u"presenter (live) stdout+stderr"_s, presenterLive);
    QVERIFY2(presenterLive.contains("recording this session to"), presenterLive.constData());
    const QByteArray liveRecorded = gunzip(liveRecording);
    scan(liveRecording + u" (decompressed)"_s, liveRecorded);
    // It saw the app and Prometheus (the places a secret could have travelled through).
    QVERIFY2(liveRecorded.contains("\"k\":\"feed\"") && liveRecorded.contains("\"k\":\"prom_poll\""),
        liveRecorded.left(2000).constData());

    // 2. A session in this process, two beats through the clicker's state machine, recorded and
    // exported; everything this process prints meanwhile is captured.
    QString profileError;
    const ConnectionProfile profile = ConnectionProfile::fromJsonFile(profilePath, &profileError);
    QVERIFY2(profileError.isEmpty(), qPrintable(profileError));
    QStringList planErrors;
    const auto plan = DemoPlan::fromJson(kPlan, &planErrors);
    QVERIFY2(plan, qPrintable(planErrors.join(u'\n')));
    const QString sessionRecording = m_dir.filePath(u"session.jsonl.gz"_s);
    const QString reportPath = m_dir.filePath(u"report.html"_s);
    QStringList feedMessages;
    QList<testenv::HttpReply> refused;
    QByteArray metrics;
    {
        StderrCapture captured(m_dir.filePath(u"stderr.txt"_s));
        QtMessageHandler previous = qInstallMessageHandler(nullptr); // Qt's own: to stderr, captured

        // The feed, as any client of the app sees it.
        QWebSocket feed;
        QObject::connect(
            &feed, &QWebSocket::textMessageReceived, &feed, [&feedMessages](const QString &m) { feedMessages << m; });
        QUrl ws = app.url();
        ws.setScheme(u"ws"_s);
        ws.setPath(u"/ws"_s);
        feed.open(ws);

        PresenterSession live(profile);
        live.setPlan(*plan, testenv::sourceDir());
        live.evaluator()->setPollIntervalMs(500);
        recording::RecordingWriter writer;
        QString error;
        QVERIFY2(writer.open(sessionRecording, SessionRecorder::header(live, live.clock().nowMs()), &error),
            qPrintable(error));
        SessionRecorder recorder(&live, [&writer](const recording::Record &r) { writer.append(r); });
        recorder.recordPlan(kPlan);
        SessionLog log;
        log.attach(&live);
        live.start();
        QTRY_VERIFY_WITH_TIMEOUT(live.lastTick().has_value(), 15000);
        StoryController *story = live.story();
        QSignalSpy finished(live.executor(), &BeatExecutor::finished);
        for (int beat = 0; beat < 2; ++beat) {
            story->next(); // arm
            story->next(); // run
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 15000);
            QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
            QTRY_VERIFY_WITH_TIMEOUT(live.evaluator()->allSettled(), 25000);
        }
        // A SQL file run by the session's runner: its connection uses the profile's SQL URL.
        QSignalSpy sqlDone(live.sql(), &SqlRunner::finished);
        QString why;
        QVERIFY2(
            live.sql()->runFile(testenv::sourceDir() + u"/sql/10-phase1-reader-user.sql"_s, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(!sqlDone.isEmpty(), 30000);

        // Requests the app refuses, and what it answers: no token, a wrong one that starts with
        // the right one, the token in the query string, a bad body with the right token.
        const QByteArray bearer = "Bearer " + kControlToken;
        refused << testenv::http("POST", app.url(u"/load/start"_s), R"({"rps":5})");
        refused << testenv::http(
            "POST", app.url(u"/load/start"_s), R"({"rps":5})", {{"Authorization", "Bearer " + kControlToken + "x"}});
        QUrl withQuery = app.url(u"/spike"_s);
        withQuery.setQuery(u"token="_s + QString::fromLatin1(kControlToken));
        refused << testenv::http("POST", withQuery, R"({"rps":5})");
        refused << testenv::http(
            "POST", app.url(u"/spike"_s), "{\"rps\": \"" + kControlToken + "\"", {{"Authorization", bearer}});
        metrics = testenv::http("GET", app.url(u"/metrics"_s)).body;

        QTest::qWait(1000);
        ReportExporter exporter(&live, &log);
        QSignalSpy exported(&exporter, &ReportExporter::finished);
        QVERIFY(exporter.start(reportPath, ReportExporter::metaFor(live)));
        QVERIFY(exported.wait(30000));
        QVERIFY2(exported[0][0].toBool(), qPrintable(exported[0][3].toString()));

        live.control()->loadStop();
        QTest::qWait(300);
        live.stop();
        writer.close(live.clock().nowMs());
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
        feed.close();
        qInstallMessageHandler(previous);
        scan(u"this process's stderr and Qt messages (may be empty)"_s, captured.restore());
    }
    for (const auto &r : std::as_const(refused)) {
        QVERIFY2(r.status >= 400, r.body.constData());
        scan(u"refused request's answer (HTTP %1)"_s.arg(r.status), r.contentType + '\n' + r.body);
    }
    scan(u"/metrics"_s, metrics);
    QVERIFY2(feedMessages.size() > 3, "the feed sent (almost) nothing");
    scan(u"feed messages"_s, feedMessages.join(u'\n').toUtf8());
    const QByteArray sessionRecorded = gunzip(sessionRecording);
    scan(sessionRecording + u" (decompressed)"_s, sessionRecorded);
    QVERIFY(sessionRecorded.contains("\"k\":\"beat_run\"") && sessionRecorded.contains("\"k\":\"sql\""));
    const QByteArray report = readAll(reportPath);
    scan(reportPath, report);
    QVERIFY(report.contains("no secrets") && report.contains("Spike"));

    // 3. The presenter executable replaying both recordings.
    for (const QString &recording : {liveRecording, sessionRecording}) {
        const QByteArray replay = runPresenter(
            {u"--replay"_s, recording, u"--speed"_s, u"16"_s, u"--quit-after-ms"_s, u"4000"_s}, &exitCode);
        QVERIFY2(exitCode == 0, replay.constData());
        scan(u"presenter --replay %1 stdout+stderr"_s.arg(recording), replay);
    }

    // 4. Refusing to start: a profile whose SQL URL is mistyped, a sample app whose database URL is.
    QJsonObject badProfile = profileJson;
    badProfile.insert(
        u"sql_url"_s, u"postgersql://postgres:%1@%2/evolution"_s.arg(QString::fromLatin1(kSqlPassword), pg));
    const QString badProfilePath = m_dir.filePath(u"bad-profile.json"_s);
    {
        QFile f(badProfilePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(badProfile).toJson());
    }
    const QByteArray presenterRefusal = runPresenter({u"--profile"_s, badProfilePath}, &exitCode);
    QVERIFY2(exitCode != 0, presenterRefusal.constData());
    scan(u"presenter refusing a bad profile"_s, presenterRefusal);
    QVERIFY2(presenterRefusal.contains("sql_url"), presenterRefusal.constData()); // it said why
    testenv::SampleAppProcess badApp({{u"APP_CONTROL_TOKEN"_s, QString::fromLatin1(kControlToken)},
        {u"APP_DB_WRITER_URL"_s,
            u"postgersql://app_writer:%1@%2/evolution"_s.arg(QString::fromLatin1(kDbPassword), pg)}});
    QVERIFY(!badApp.start(5000));
    badApp.stop(5000);
    scan(u"sample app refusing a bad database URL"_s, badApp.output());
    QVERIFY2(badApp.output().contains("APP_DB_WRITER_URL"), badApp.output().constData()); // it said why

    // 5. A crash: the sample app aborted (SIGABRT) while it serves; what it printed to the end.
    QVERIFY(testenv::http("GET", app.url(u"/healthz"_s)).status == 200);
    ::kill(pid_t(app.process().processId()), SIGABRT);
    app.stop(10000);
    scan(u"sample app stdout+stderr (debug log, to its crash)"_s, app.output());
    scan(u"Prometheus output (may be empty)"_s, prom.output());

    QVERIFY2(m_findings.isEmpty(), qPrintable(u"secrets found:\n"_s + m_findings.join(u'\n')));
    qInfo("no secret in any of %d places", m_places);
}

QTEST_MAIN(TestNoSecrets)
#include "tst_no_secrets.moc"
