// The talk's markers as Grafana annotations: a real PresenterSession on the local stack (the built
// sample app, Prometheus, PostgreSQL) posting to a stand-in of Grafana's annotation API that checks
// every request against the documented API (grafana_standin.h); a Grafana that is down, refuses
// the credentials or never answers costs the talk nothing; a replay posts nothing; the dashboards
// show what the presenter posts.
#include "dashboard_queries.h"
#include "grafana_standin.h"
#include "processes.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "session/presenter_session.h"
#include "sources/grafana_annotations.h"
#include "test_env.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// One beat the local stack runs: load on, a CockroachDB-only file and a scale (both skipped with
// their reason there, each a marker drawn in the neutral colour), so the beat's own marker and two
// more reach Grafana.
const QByteArray kPlan = R"json({
  "version": 1,
  "title": "annotations",
  "beats": [
    {"id": "baseline", "title": "Phase 0: one node", "narration": "Load on.",
     "actions": [{"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}},
                 {"type": "run_sql", "file": "sql/01-phase0-rf1.sql", "replication_factor": 1},
                 {"type": "scale", "nodes": 2}],
     "expectations": []}
  ]
})json";

const QString kPassword = u"grafana-S3CR3T-7f1e"_s;

ConnectionProfile localProfile(const QUrl &app, const QUrl &prom, const QUrl &grafana)
{
    ConnectionProfile p;
    p.sampleAppUrl = app;
    p.prometheusUrl = prom;
    p.grafanaUrl = grafana;
    p.clusterKind = ClusterKind::None;
    p.replicationFactor = 1;
    p.sqlConninfo = testenv::pgConninfo();
    return p;
}

// The local stack one session runs against.
struct LocalStack
{
    testenv::SampleAppProcess app {QMap<QString, QString> {{u"APP_TICK_MS"_s, u"200"_s}}};
    std::unique_ptr<testenv::PrometheusProcess> prom;

    bool start(QByteArray *output)
    {
        if (!app.start()) {
            *output = app.output();
            return false;
        }
        prom = std::make_unique<testenv::PrometheusProcess>(QStringList {u"127.0.0.1:%1"_s.arg(app.port())});
        if (!prom->start()) {
            *output = prom->output();
            return false;
        }
        return true;
    }
};

// Runs the plan's one beat on a started session; its markers (markerAdded) in *markers.
void runTheBeat(PresenterSession *session, QList<EventMarker> *markers)
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    session->setPlan(*plan, testenv::sourceDir());
    QObject::connect(
        session, &PresenterSession::markerAdded, session, [markers](const EventMarker &m) { markers->append(m); });
    QSignalSpy finished(session->executor(), &BeatExecutor::finished);
    session->start();
    QTRY_VERIFY_WITH_TIMEOUT(session->lastTick().has_value(), 15000);
    session->story()->next(); // arm
    session->story()->next(); // run
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    // Manual controls mark too (PresenterSession::mark): a fault and its end.
    session->mark(EventMarker::Kind::Failure, u"crdb-2 down (keep down)"_s);
    session->mark(EventMarker::Kind::Recovery, u"crdb-2 back after 41 s"_s);
}

} // namespace

class TestGrafanaAnnotations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestParts();
    void addedId_data();
    void addedId();
    void standInChecksBodies_data();
    void standInChecksBodies();
    void liveMarkersBecomeAnnotations();
    void tokenTravelsAsBearer();
    void retriesOnceAfterServerError();
    void grafanaTroubleCostsTheTalkNothing_data();
    void grafanaTroubleCostsTheTalkNothing();
    void aHungGrafanaHoldsNothingUp();
    void theQueueIsBounded();
    void aReplayPostsNothing();
    void dashboardsShowWhatIsPosted();
};

void TestGrafanaAnnotations::requestParts()
{
    const GrafanaAnnotation a {1700000000123, {u"crdb-live-evolution"_s, u"phase"_s}, u"Phase 0: one node"_s};
    const QJsonObject body = GrafanaAnnotations::requestBody(a);
    QCOMPARE(body.value("time"_L1).toInteger(), 1700000000123);
    QCOMPARE(body.value("tags"_L1).toArray(), QJsonArray({u"crdb-live-evolution"_s, u"phase"_s}));
    QCOMPARE(body.value("text"_L1).toString(), u"Phase 0: one node"_s);
    QCOMPARE(body.size(), 3);

    QCOMPARE(GrafanaAnnotations::authorization(QUrl(u"http://admin:pw@127.0.0.1:3000"_s)),
        "Basic " + QByteArray("admin:pw").toBase64());
    QCOMPARE(GrafanaAnnotations::authorization(QUrl(u"http://api_key:glsa_abc@127.0.0.1:3000"_s)),
        QByteArray("Bearer glsa_abc"));
    QCOMPARE(GrafanaAnnotations::authorization(QUrl(u"http://127.0.0.1:3000"_s)), QByteArray());

    QCOMPARE(GrafanaAnnotations::endpoint(QUrl(u"http://admin:pw@127.0.0.1:3000"_s)),
        QUrl(u"http://127.0.0.1:3000/api/annotations"_s));
    QCOMPARE(GrafanaAnnotations::endpoint(QUrl(u"https://admin:pw@example.org/grafana/"_s)),
        QUrl(u"https://example.org/grafana/api/annotations"_s));
    QVERIFY(GrafanaAnnotations::endpoint(QUrl()).isEmpty());
}

void TestGrafanaAnnotations::addedId_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("id");
    QTest::addRow("Grafana's answer") << QByteArray(R"({"message":"Annotation added","id":17})") << qint64(17);
    QTest::addRow("another message") << QByteArray(R"({"message":"Graphite annotation added","id":1})") << qint64(-1);
    QTest::addRow("id as a string") << QByteArray(R"({"message":"Annotation added","id":"17"})") << qint64(-1);
    QTest::addRow("no id") << QByteArray(R"({"message":"Annotation added"})") << qint64(-1);
    QTest::addRow("not JSON") << QByteArray("<html>login</html>") << qint64(-1);
}

void TestGrafanaAnnotations::addedId()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, id);
    QCOMPARE(GrafanaAnnotations::addedId(body), id);
}

// The stand-in's own checks refuse what the documentation does not allow.
void TestGrafanaAnnotations::standInChecksBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("problems");
    QTest::addRow("documented example") << QByteArray(
        R"({"dashboardUID":"jcIIG-07z","panelId":1,"time":1507037197339,"timeEnd":1507180805056,)"
        R"("tags":["tag1","tag2"],"text":"Annotation Description"})")
                                        << 0;
    QTest::addRow("time as a string") << QByteArray(R"({"time":"1507037197339","text":"x"})") << 1;
    QTest::addRow("time in seconds with a fraction") << QByteArray(R"({"time":1507037197.5,"text":"x"})") << 1;
    QTest::addRow("tags as a string") << QByteArray(R"({"tags":"a b","text":"x"})") << 1;
    QTest::addRow("a tag not a string") << QByteArray(R"({"tags":["a",1],"text":"x"})") << 1;
    QTest::addRow("a field the API does not know") << QByteArray(R"({"timestamp":1,"text":"x"})") << 1;
    QTest::addRow("not an object") << QByteArray(R"(["x"])") << 1;
}

void TestGrafanaAnnotations::standInChecksBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(int, problems);
    const QStringList found = GrafanaStandIn::bodyProblems(body);
    QVERIFY2(found.size() == problems, qPrintable(found.join(u"; "_s)));
}

// A real session's markers (the beat, two skipped actions, a manual fault and its end) reach the
// stand-in as annotations with the marker's time, the two tags and its text, in order; its recording
// replayed posts nothing.
void TestGrafanaAnnotations::liveMarkersBecomeAnnotations()
{
    LocalStack stack;
    QByteArray output;
    QVERIFY2(stack.start(&output), output.constData());
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setUser(u"admin"_s, kPassword);

    const ConnectionProfile profile
        = localProfile(stack.app.url(), stack.prom->url(), grafana.url(u"admin"_s, kPassword));
    PresenterSession session(profile);
    QVERIFY(session.grafanaAnnotations());
    QList<recording::Record> records; // recorded as the presenter does, replayed below
    SessionRecorder recorder(&session, [&records](const recording::Record &r) { records.append(r); });
    recorder.recordPlan(kPlan);
    QList<EventMarker> markers;
    runTheBeat(&session, &markers);
    if (QTest::currentTestFailed()) {
        return;
    }
    QVERIFY2(markers.size() >= 5, qPrintable(QString::number(markers.size())));
    GrafanaAnnotations *g = session.grafanaAnnotations();
    QTRY_COMPARE_WITH_TIMEOUT(g->postedCount() + g->droppedCount(), markers.size(), 10000);
    QVERIFY2(grafana.problems().isEmpty(), qPrintable(grafana.problems().join(u'\n')));
    QVERIFY2(g->firstFailure().isEmpty(), qPrintable(g->firstFailure()));
    QCOMPARE(grafana.annotations().size(), markers.size());
    for (qsizetype i = 0; i < markers.size(); ++i) {
        const QJsonObject a = grafana.annotations().at(i);
        const EventMarker &m = markers.at(i);
        QCOMPARE(a.value("time"_L1).toInteger(), m.tsMs);
        QCOMPARE(a.value("tags"_L1).toArray(), QJsonArray({u"crdb-live-evolution"_s, eventMarkerKindName(m.kind)}));
        QCOMPARE(a.value("text"_L1).toString(), m.text);
    }
    QCOMPARE(markers.constFirst().kind, EventMarker::Kind::Phase);
    QCOMPARE(markers.constFirst().text, u"Phase 0: one node"_s);
    QCOMPARE(g->postedCount(), markers.size());
    session.stop();

    // Its replay, with the same profile (the same Grafana and password), shows the same markers and
    // posts none of them again.
    const int requestsLive = grafana.requestCount();
    PresenterSession replay(profile);
    replay.setReplayMode();
    QVERIFY(!replay.grafanaAnnotations());
    QStringList errors;
    const auto plan = DemoPlan::fromJson(SessionPlayer::recordedPlan(records), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    replay.setPlan(*plan, testenv::sourceDir());
    SessionPlayer player(&replay);
    player.load(records);
    player.setSpeed(64);
    QSignalSpy done(&player, &SessionPlayer::finished);
    player.play();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 20000);
    QVERIFY(replay.store().markers().size() >= markers.size());
    QTest::qWait(300); // an annotation sent at the end would have arrived by now
    QCOMPARE(grafana.requestCount(), requestsLive);
}

// A service account token in the URL (user api_key) goes as "Bearer <token>".
void TestGrafanaAnnotations::tokenTravelsAsBearer()
{
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setToken("glsa_stand-in-token");
    GrafanaAnnotations client;
    client.setBaseUrl(grafana.url(u"api_key"_s, u"glsa_stand-in-token"_s));
    QSignalSpy settled(&client, &GrafanaAnnotations::settled);
    client.setExtraTags({u"rehearsal"_s}); // as presenter --rehearse does
    client.post(1700000000000, u"scale"_s, u"scale to 2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(settled.size(), 1, 10000);
    QVERIFY(settled.at(0).at(0).toBool());
    QCOMPARE(grafana.annotations().size(), 1);
    QCOMPARE(grafana.annotations().at(0).value("tags"_L1).toArray(),
        QJsonArray({u"crdb-live-evolution"_s, u"scale"_s, u"rehearsal"_s}));
    QVERIFY2(grafana.problems().isEmpty(), qPrintable(grafana.problems().join(u'\n')));
}

// A 5xx is tried once more; the retry's success counts as posted.
void TestGrafanaAnnotations::retriesOnceAfterServerError()
{
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setUser(u"admin"_s, kPassword);
    grafana.failNext(1);
    GrafanaAnnotations client;
    client.setBaseUrl(grafana.url(u"admin"_s, kPassword));
    client.setRetryDelayMs(50);
    QSignalSpy settled(&client, &GrafanaAnnotations::settled);
    client.post(1700000000000, u"sql"_s, u"applied sql/20-phase2-rf3.sql"_s);
    client.post(1700000001000, u"phase"_s, u"Phase 2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(settled.size(), 2, 10000);
    QCOMPARE(grafana.requestCount(), 3);
    QCOMPARE(client.postedCount(), 2);
    QCOMPARE(client.retriedCount(), 1);
    QCOMPARE(client.droppedCount(), 0);
    // The order holds across the retry.
    QCOMPARE(grafana.annotations().at(0).value("text"_L1).toString(), u"applied sql/20-phase2-rf3.sql"_s);
}

void TestGrafanaAnnotations::grafanaTroubleCostsTheTalkNothing_data()
{
    QTest::addColumn<QString>("trouble");
    QTest::addColumn<QString>("warning"); // the one line logged
    QTest::addColumn<bool>("retried");
    QTest::addRow("down") << u"down"_s << u"Connection refused"_s << true;
    QTest::addRow("wrong password") << u"401"_s << u"HTTP 401: Unauthorized"_s << false;
    QTest::addRow("never answers") << u"hung"_s << u"no answer within 300 ms"_s << true;
}

// Grafana down (nothing listens), refusing the password (401) or never answering: the beat runs and
// finishes, every marker is drawn, each annotation is dropped and counted (a 401 is not retried),
// the first failure is logged once without the password.
void TestGrafanaAnnotations::grafanaTroubleCostsTheTalkNothing()
{
    QFETCH(QString, trouble);
    QFETCH(QString, warning);
    QFETCH(bool, retried);
    LocalStack stack;
    QByteArray output;
    QVERIFY2(stack.start(&output), output.constData());
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setUser(u"admin"_s, u"the-right-one"_s);
    grafana.setMode(trouble == u"hung"_s ? GrafanaStandIn::Mode::Hung : GrafanaStandIn::Mode::Serving);
    const QUrl url = trouble == u"down"_s
        ? QUrl(u"http://admin:%1@127.0.0.1:%2"_s.arg(kPassword).arg(testenv::freePort()))
        : grafana.url(u"admin"_s, kPassword);

    QTest::ignoreMessage(QtWarningMsg,
        QRegularExpression(
            u"^presenter: Grafana annotations: .*%1.*; the talk goes on"_s.arg(QRegularExpression::escape(warning))));
    QTest::failOnWarning(QRegularExpression(u"Grafana annotations"_s)); // a second line
    PresenterSession session(localProfile(stack.app.url(), stack.prom->url(), url));
    session.grafanaAnnotations()->setTimeoutMs(300);
    session.grafanaAnnotations()->setRetryDelayMs(50);
    QList<EventMarker> markers;
    runTheBeat(&session, &markers);
    if (QTest::currentTestFailed()) {
        return;
    }
    QCOMPARE(session.store().markers().size() >= markers.size(), true);
    GrafanaAnnotations *g = session.grafanaAnnotations();
    QTRY_COMPARE_WITH_TIMEOUT(g->droppedCount(), markers.size(), 20000);
    QCOMPARE(g->postedCount(), 0);
    QCOMPARE(g->retriedCount(), retried ? markers.size() : 0);
    if (trouble == u"401"_s) {
        QCOMPARE(grafana.requestCount(), markers.size());
        QVERIFY2(grafana.problems().isEmpty(), qPrintable(grafana.problems().join(u'\n')));
    }
    QVERIFY2(g->firstFailure().contains(warning), qPrintable(g->firstFailure()));
    QVERIFY2(!g->firstFailure().contains(kPassword), qPrintable(g->firstFailure()));
    session.stop();
}

// Grafana accepts and never answers, with a time limit longer than the test: the beat runs and
// finishes and the manual marks are drawn while every annotation is still waiting (none posted,
// none dropped yet), so nothing on stage waited for Grafana.
void TestGrafanaAnnotations::aHungGrafanaHoldsNothingUp()
{
    LocalStack stack;
    QByteArray output;
    QVERIFY2(stack.start(&output), output.constData());
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setMode(GrafanaStandIn::Mode::Hung);
    PresenterSession session(localProfile(stack.app.url(), stack.prom->url(), grafana.url(u"admin"_s, kPassword)));
    session.grafanaAnnotations()->setTimeoutMs(600000);
    QList<EventMarker> markers;
    runTheBeat(&session, &markers);
    if (QTest::currentTestFailed()) {
        return;
    }
    GrafanaAnnotations *g = session.grafanaAnnotations();
    QCOMPARE(g->pendingCount(), markers.size());
    QCOMPARE(g->postedCount() + g->droppedCount(), 0);
    QCOMPARE(session.store().markers().size() >= markers.size(), true);
    session.stop();
}

// Grafana hung: post() only queues, up to kQueueLimit; one more is dropped at once and counted.
void TestGrafanaAnnotations::theQueueIsBounded()
{
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setMode(GrafanaStandIn::Mode::Hung);
    GrafanaAnnotations client;
    client.setBaseUrl(grafana.url(u"admin"_s, kPassword));
    QSignalSpy settled(&client, &GrafanaAnnotations::settled);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"more than 64 annotations waiting"_s));
    for (int i = 0; i < GrafanaAnnotations::kQueueLimit + 10; ++i) {
        client.post(1700000000000 + i, u"other"_s, u"marker %1"_s.arg(i));
    }
    QCOMPARE(client.pendingCount(), GrafanaAnnotations::kQueueLimit);
    QCOMPARE(client.droppedCount(), 10);
    QCOMPARE(settled.size(), 10);
}

// A replay session has no annotator: a marker added there reaches no Grafana, while a live
// session's marker reaches the same stand-in.
void TestGrafanaAnnotations::aReplayPostsNothing()
{
    GrafanaStandIn grafana;
    QVERIFY(grafana.listen());
    grafana.setUser(u"admin"_s, kPassword);
    const ConnectionProfile profile = localProfile(
        QUrl(u"http://127.0.0.1:1"_s), QUrl(u"http://127.0.0.1:1"_s), grafana.url(u"admin"_s, kPassword));
    PresenterSession replay(profile);
    replay.setReplayMode();
    QVERIFY(!replay.grafanaAnnotations());
    replay.mark(EventMarker::Kind::Phase, u"replayed beat"_s);

    PresenterSession live(profile);
    live.mark(EventMarker::Kind::Phase, u"live beat"_s);
    QTRY_COMPARE_WITH_TIMEOUT(grafana.annotations().size(), 1, 10000);
    QTest::qWait(300); // a replayed annotation sent first would have arrived by now
    QCOMPARE(grafana.requestCount(), 1);
    QCOMPARE(grafana.annotations().at(0).value("text"_L1).toString(), u"live beat"_s);

    ConnectionProfile none = profile;
    none.grafanaUrl = QUrl();
    QVERIFY(!PresenterSession(none).grafanaAnnotations());
}

// Every dashboard shows what the presenter posts: the client's own tag.
void TestGrafanaAnnotations::dashboardsShowWhatIsPosted()
{
    for (const QString &name :
        {u"cockroachdb-evolution.json"_s, u"cockroachdb-overview.json"_s, u"sample-app.json"_s}) {
        QFile f(testenv::sourceDir() + u"/grafana/dashboards/"_s + name);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString problem
            = story::talkAnnotationsProblem(QJsonDocument::fromJson(f.readAll()).object(), GrafanaAnnotations::kTag);
        QVERIFY2(problem.isEmpty(), qPrintable(name + u": "_s + problem));
    }
}

QTEST_MAIN(TestGrafanaAnnotations)
#include "tst_grafana_annotations.moc"
