// The report's pure parts: the load over a session (LoadAccumulator, nearestRank) and the HTML
// (report::html): escaping, no external asset, every beat with its verdict texts, fault shares.
// The SessionLog part: a real PresenterSession (no source started) driven through its public
// inputs (the feed's tickReceived, the driver's fault signals, the clicker's story), as a replay
// drives them.
#include "report/report_writer.h"
#include "report/session_log.h"

#include "session/presenter_session.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
FeedTick tick(qint64 tsMs, int loginCount, int loginErrors, double target, double achieved, qint64 droppedTotal,
    std::optional<double> p99 = 20.0)
{
    FeedTick t;
    t.tsMs = tsMs;
    t.intervalMs = 1000;
    LatencyStats login;
    login.count = loginCount;
    login.errors = loginErrors;
    login.rps = loginCount;
    if (p99) {
        login.p50Ms = *p99 / 4;
        login.p95Ms = *p99 / 2;
        login.p99Ms = *p99;
    }
    t.routes.insert(u"login"_s, login);
    t.load.targetRps = target;
    t.load.achievedRps = achieved;
    t.load.droppedTotal = droppedTotal;
    return t;
}

// Every src= and href= value in the document.
QStringList references(const QString &html)
{
    QStringList out;
    static const QRegularExpression re(
        u"(?:src|href)\\s*=\\s*[\"']?([^\"'\\s>]*)"_s, QRegularExpression::CaseInsensitiveOption);
    for (auto it = re.globalMatch(html); it.hasNext();) {
        out << it.next().captured(1);
    }
    return out;
}

SessionRecord handMadeRecord()
{
    SessionRecord r;
    r.startedMs = 1'700'000'000'000;
    SessionRecord::BeatRun b1;
    b1.index = 0;
    b1.id = u"baseline"_s;
    b1.title = u"Phase 0: <b>one</b> node & 'one' copy"_s;
    b1.ranMs = r.startedMs + 5000;
    b1.actionsDoneMs = r.startedMs + 7000;
    b1.actionsOk = true;
    b1.endMs = r.startedMs + 65000;
    b1.expectations = {
        {u"load at 20 req/s"_s, ExpectationEvaluator::Verdict::Pass, u"PASS load at 20 req/s in 4 s"_s, true},
        {u"one live node"_s, ExpectationEvaluator::Verdict::AlreadyTrue, u"ALREADY TRUE one live node"_s, true},
    };
    SessionRecord::BeatRun b2;
    b2.index = 9;
    b2.id = u"failure"_s;
    b2.title = u"A node fails"_s;
    b2.ranMs = r.startedMs + 65000;
    b2.actionsDoneMs = r.startedMs + 66000;
    b2.actionsOk = false;
    b2.actionsSummary = u"kubectl said <no>"_s;
    b2.expectations = {
        {u"no range unavailable"_s, ExpectationEvaluator::Verdict::Fail,
            u"FAIL no range unavailable: broke after 23 s (was 4)"_s, true},
        {u"the app stays ready"_s, ExpectationEvaluator::Verdict::Pending, u"the app stays ready: 12 s"_s, true},
        {u"ranges lose a copy"_s, ExpectationEvaluator::Verdict::Skipped,
            u"SKIPPED ranges lose a copy: reads CockroachDB's ranges_underreplicated, and the local stack has no "
            "CockroachDB"_s,
            false},
    };
    b2.actions = {ActionOutcome {ActionOutcome::Kind::Skipped, PlanAction::Type::KeepDown, u"keep node crdb-2 down"_s,
                      u"needs <Kubernetes>"_s},
        ActionOutcome {
            ActionOutcome::Kind::Failed, PlanAction::Type::StartNode, u"start node crdb-2"_s, u"kubectl said <no>"_s}};
    r.beats = {b1, b2};
    SessionRecord::Fault f;
    f.ordinal = 2;
    f.pod = u"crdb-2"_s;
    f.kind = u"keep down"_s;
    f.startMs = r.startedMs + 66000;
    f.endMs = r.startedMs + 120000;
    f.tally.begin(u"while crdb-2 was down (keep down)"_s, f.startMs);
    for (int i = 0; i < 10; ++i) {
        f.tally.addTick(tick(f.startMs + 1000 * (i + 1), 100, i == 3 ? 7 : 0, 100, 100, 0));
    }
    f.tally.end(f.endMs);
    r.faults = {f};
    r.heals = {{r.startedMs + 130000, 64000, 54000, u"crdb-2"_s, true,
        u"healed in 1 min 04 s (crdb-2 back after 54 s; up to 24 ranges were under-replicated)"_s}};
    r.events = {{r.startedMs + 5000, EventMarker::Kind::Phase, u"beat: baseline"_s},
        {r.startedMs + 9000, EventMarker::Kind::Other, u"<script>alert('x')</script>"_s}};
    r.sessionTally.begin(u"during the session"_s, r.startedMs - 1000);
    for (int i = 0; i < 60; ++i) {
        r.load.addTick(tick(r.startedMs + 1000 * i, 20, 0, 20, 19.5, i));
        r.sessionTally.addTick(tick(r.startedMs + 1000 * i, 20, 0, 20, 19.5, i));
    }
    return r;
}
} // namespace

class TestReportWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nearestRank_data();
    void nearestRank();
    void loadAccumulator();
    void escapesEveryDataText();
    void noExternalReference();
    void everyBeatWithItsVerdicts();
    void faultSharesAndHeals();
    void sessionLogFollowsTheSession();
    void wholeDocumentsAsBefore();
};

void TestReportWriter::nearestRank_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    QTest::addRow("median of 5") << QList<double> {5, 1, 4, 2, 3} << 0.5 << 3.0;
    QTest::addRow("median of 4: the lower middle") << QList<double> {4, 1, 3, 2} << 0.5 << 2.0;
    QTest::addRow("p95 of 20: the 19th") << [] {
        QList<double> v;
        for (int i = 1; i <= 20; ++i) {
            v << i;
        }
        return v;
    }() << 0.95 << 19.0;
    QTest::addRow("max") << QList<double> {7, 9, 8} << 1.0 << 9.0;
    QTest::addRow("q 0 is the min") << QList<double> {7, 9, 8} << 0.0 << 7.0;
}

void TestReportWriter::nearestRank()
{
    QFETCH(QList<double>, values);
    QFETCH(double, q);
    QFETCH(double, expected);
    const auto v = ::nearestRank(std::vector<double>(values.begin(), values.end()), q);
    QVERIFY(v);
    QCOMPARE(*v, expected);
    QVERIFY(!::nearestRank({}, 0.5));
}

void TestReportWriter::loadAccumulator()
{
    LoadAccumulator a;
    QVERIFY(!a.meanTargetRps());
    QVERIFY(!a.successPercent());
    // Idle (no target), then load; the app restarts (dropped counter back to 0) in between.
    a.addTick(tick(1000, 0, 0, 0, 0, 50, std::nullopt));
    a.addTick(tick(2000, 10, 1, 20, 10, 55, 10.0));
    a.addTick(tick(3000, 10, 0, 20, 20, 60, 30.0));
    a.addTick(tick(4000, 10, 0, 40, 30, 2, 500.0)); // restarted: 2 since
    a.addTick(tick(5000, 10, 0, 40, 40, 7, 20.0));
    QCOMPARE(a.ticks(), 5);
    QCOMPARE(a.loadTicks(), 4); // the idle tick is not averaged in
    QCOMPARE(a.loadMs(), 4000);
    QCOMPARE(*a.meanTargetRps(), 30.0);
    QCOMPARE(*a.meanAchievedRps(), 25.0);
    QCOMPARE(a.dropped(), 5 + 5 + 5); // 50->55, 55->60, (reset to 2: nothing), 2->7
    QCOMPARE(a.requests(), 40);
    QCOMPARE(a.failed(), 1);
    QCOMPARE(*a.successPercent(), 97.5);
    const auto routes = a.routeLatencies();
    QCOMPARE(routes.size(), 1);
    QCOMPARE(routes[0].route, u"login"_s);
    QCOMPARE(routes[0].intervals, 4); // the idle tick had no percentile: not a zero
    QCOMPARE(*routes[0].maxP99Ms, 500.0);
    QCOMPARE(*routes[0].medianP50Ms, 5.0); // p50s 2.5 7.5 125 5 -> sorted 2.5 5 7.5 125 -> 2nd
}

void TestReportWriter::escapesEveryDataText()
{
    const SessionRecord r = handMadeRecord();
    report::Meta meta;
    meta.planTitle = u"Plan <i>x</i>"_s;
    meta.replay = true;
    meta.replayFile = u"/tmp/\"evil\".jsonl.gz"_s;
    meta.generatedMs = r.startedMs + 140000;
    const QString html = QString::fromUtf8(report::html(r, {}, meta));
    QVERIFY(html.contains(u"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"_s));
    QVERIFY2(!html.contains(u"<script"_s, Qt::CaseInsensitive), "a marker's text became markup");
    QVERIFY(html.contains(u"Phase 0: &lt;b&gt;one&lt;/b&gt; node &amp; &#39;one&#39; copy"_s));
    QVERIFY(!html.contains(u"<b>one</b>"_s));
    QVERIFY(html.contains(u"kubectl said &lt;no&gt;"_s));
    QVERIFY(html.contains(u"Plan &lt;i&gt;x&lt;/i&gt;"_s));
    QVERIFY(html.contains(u"/tmp/&quot;evil&quot;.jsonl.gz"_s));
    QVERIFY(html.contains(u">REPLAY</span>"_s));
    QVERIFY(!html.contains(u">LIVE</span>"_s));
}

void TestReportWriter::noExternalReference()
{
    const SessionRecord r = handMadeRecord();
    report::Meta meta;
    meta.profile = u"local stack · http://127.0.0.1:8080"_s; // a URL as text is fine, as a link it is not
    meta.generatedMs = r.startedMs + 140000;
    // The writer does not decode images: any bytes stand for a PNG here (report_export draws real ones).
    const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(64, 'x');
    const QString html = QString::fromUtf8(report::html(
        r, {{u"requests"_s, u"Requests/s"_s, png, {}}, {u"ranges"_s, u"Ranges"_s, {}, u"needs CockroachDB"_s}}, meta));
    const QStringList refs = references(html);
    QVERIFY(refs.size() >= 6); // the nav's anchors and the chart
    for (const QString &ref : refs) {
        QVERIFY2(ref.startsWith(u"data:image/png;base64,"_s) || ref.startsWith(u'#'), qPrintable(ref));
    }
    QVERIFY(html.contains(u"data:image/png;base64,"_s + QString::fromLatin1(png.toBase64())));
    QVERIFY(html.contains(u"Ranges (needs CockroachDB)"_s));
    for (const QString &forbidden : {u"<script"_s, u"<link"_s, u"@import"_s, u"url("_s, u"<iframe"_s}) {
        QVERIFY2(!html.contains(forbidden, Qt::CaseInsensitive), qPrintable(forbidden));
    }
}

void TestReportWriter::everyBeatWithItsVerdicts()
{
    const SessionRecord r = handMadeRecord();
    report::Meta meta;
    meta.generatedMs = r.startedMs + 140000;
    const QString html = QString::fromUtf8(report::html(r, {}, meta));
    QCOMPARE(html.count(u"<tr class=\"beat\""_s), r.beats.size());
    for (const SessionRecord::BeatRun &b : r.beats) {
        QVERIFY2(html.contains(report::escape(b.title)), qPrintable(b.title));
        QVERIFY(html.contains(u"id=\"beat-"_s + b.id + u'"'));
        for (const SessionRecord::ExpectationLine &e : b.expectations) {
            const QString line = u"<span class=\"verdict %1\">%2</span> %3"_s.arg(report::verdictClass(e.verdict),
                report::verdictName(e.verdict), report::escape(report::verdictText(e.verdict, e.text)));
            QVERIFY2(html.contains(line), qPrintable(line));
        }
    }
    QVERIFY(html.contains(u"<span class=\"verdict pass\">PASS</span> load at 20 req/s in 4 s<"_s));
    QVERIFY(html.contains(u"<span class=\"verdict pending\">PENDING</span> the app stays ready: 12 s<"_s));
    // Green only a pass, red only a fail, "already true" neither.
    QCOMPARE(report::verdictClass(ExpectationEvaluator::Verdict::AlreadyTrue), u"neither"_s);
    QCOMPARE(report::verdictClass(ExpectationEvaluator::Verdict::NeverBroke), u"neither"_s);
    QVERIFY(html.contains(
        u"2 beats run; their expectations: <span class=\"pass\">1 passed</span> · <span class=\"fail\">1 failed</span>"
        " · <span class=\"neither\">1 already true or never broke (not passes)</span> · <span class=\"skipped\">1 "
        "skipped (not judged)</span> · 1 not settled"_s));
    // Skipped: grey, with its reason, neither a pass nor a fail.
    QCOMPARE(report::verdictClass(ExpectationEvaluator::Verdict::Skipped), u"skipped"_s);
    QVERIFY(html.contains(u"<span class=\"verdict skipped\">SKIPPED</span> ranges lose a copy: reads CockroachDB&#39;s "
                          "ranges_underreplicated, and the local stack has no CockroachDB<"_s));
    // Each action's outcome in its own words (escaped), instead of the joined summary.
    QVERIFY(html.contains(u"<li class=\"outcome skipped\">skipped keep node crdb-2 down: needs &lt;Kubernetes&gt;</li>"
                          "<li class=\"outcome fail\">failed start node crdb-2: kubectl said &lt;no&gt;</li>"_s));
    QVERIFY(html.contains(u"1 min 15 s<br>(current)"_s)); // the last beat, still current at export
}

void TestReportWriter::faultSharesAndHeals()
{
    const SessionRecord r = handMadeRecord();
    report::Meta meta;
    meta.generatedMs = r.startedMs + 140000;
    const QString html = QString::fromUtf8(report::html(r, {}, meta));
    // 1000 requests while crdb-2 was down, 7 failed: 99.30 %, never rounded up.
    QCOMPARE(r.faults[0].tally.percentText(), u"99.30 %"_s);
    QVERIFY(html.contains(
        u"<b class=\"share\">99.30 %</b> 99.30 % of requests succeeded while crdb-2 was down (keep down) (993 of 1000; 7 failed)"_s));
    QVERIFY(html.contains(u"… while crdb-2 was down (keep down)</th><td class=\"num\">99.30 %</td>"_s));
    QVERIFY(html.contains(u"<b>1 min 04 s</b>"_s));
    QVERIFY(html.contains(u"healed in 1 min 04 s (crdb-2 back after 54 s; up to 24 ranges were under-replicated)"_s));
    QVERIFY(html.contains(u"<b>100 %</b> (1200 of 1200; 0 failed)"_s));
    QVERIFY(html.contains(u"20.0 req/s"_s));
    QVERIFY(html.contains(u"19.5 req/s"_s));
}

void TestReportWriter::sessionLogFollowsTheSession()
{
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::None;
    PresenterSession session(profile);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(R"({"version":1,"title":"t","beats":[
        {"id":"one","title":"One <&>","narration":"n","actions":[],"expectations":[
            {"kind":"feed","field":"load.achieved_rps","op":">=","value":10,"within_s":60,"label":"load up"},
            {"kind":"feed","field":"routes.login.errors","op":"==","value":0,"within_s":60,"mode":"holds","label":"no login error"}]},
        {"id":"two","title":"Two","narration":"n","actions":[],"expectations":[
            {"kind":"feed","field":"load.achieved_rps","op":">=","value":1000,"within_s":60,"label":"very high"}]}]})",
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    session.setPlan(*plan, QDir::currentPath());
    SessionLog log;
    log.attach(&session);
    const qint64 t0 = session.clock().nowMs();
    QCOMPARE(log.record().startedMs, t0);

    session.story()->next(); // arm
    session.story()->next(); // run
    QTRY_VERIFY(session.evaluator()->isJudging());
    FeedClient *feed = session.feed();
    Q_EMIT feed->tickReceived(tick(t0 + 100, 5, 0, 20, 0, 0)); // first sample false: not "already true"
    Q_EMIT feed->tickReceived(tick(t0 + 200, 5, 2, 20, 15, 0)); // load up; an error breaks the holds
    QCOMPARE(log.record().beats.size(), 1);
    QCOMPARE(log.record().beats[0].expectations[0].verdict, ExpectationEvaluator::Verdict::Pass);
    QCOMPARE(log.record().beats[0].expectations[1].verdict, ExpectationEvaluator::Verdict::Fail);
    QVERIFY2(log.record().beats[0].expectations[1].text.startsWith(u"FAIL"_s),
        qPrintable(log.record().beats[0].expectations[1].text));

    // A fault (the driver's signals, as ClusterDriver emits them: no Kubernetes here), ticks during it.
    Q_EMIT session.cluster()->faultStarted(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    const qint64 f0 = session.clock().nowMs();
    Q_EMIT feed->tickReceived(tick(f0 + 1000, 100, 1, 20, 20, 0));
    Q_EMIT feed->tickReceived(tick(f0 + 2000, 100, 0, 20, 20, 3));
    QTest::qWait(5); // the fault ends a moment later
    Q_EMIT session.cluster()->faultEnded(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    Q_EMIT feed->tickReceived(tick(f0 + 60000, 100, 50, 20, 20, 3)); // long after its end: not counted
    session.store().addMarker({session.clock().nowMs(), EventMarker::Kind::Other, u"<script>x</script>"_s});
    Q_EMIT feed->tickReceived(tick(f0 + 61000, 1, 0, 20, 20, 3));

    // The next beat: the first one's lines are kept as last shown.
    session.story()->next();
    session.story()->next();
    QTRY_COMPARE(log.record().beats.size(), 2);
    log.sync();
    const SessionRecord &r = log.record();
    QCOMPARE(r.beats[0].id, u"one"_s);
    QVERIFY(r.beats[0].endMs >= r.beats[0].ranMs);
    QCOMPARE(r.beats[0].expectations[0].verdict, ExpectationEvaluator::Verdict::Pass);
    QCOMPARE(r.beats[0].expectations[1].verdict, ExpectationEvaluator::Verdict::Fail);
    QVERIFY(r.beats[0].actionsDoneMs != 0);
    QCOMPARE(r.beats[1].id, u"two"_s);
    QCOMPARE(r.beats[1].endMs, 0);
    QCOMPARE(r.beats[1].expectations.size(), 1);
    QCOMPARE(r.faults.size(), 1);
    QCOMPARE(r.faults[0].pod, u"crdb-2"_s);
    QCOMPARE(r.faults[0].kind, u"keep down"_s);
    QVERIFY(r.faults[0].endMs > r.faults[0].startMs);
    QCOMPARE(r.faults[0].tally.total(), 200);
    QCOMPARE(r.faults[0].tally.failed(), 1);
    QVERIFY2(!r.faults[0].shownTallyText.isEmpty(), "ClusterView's tally at the fault's end");
    QCOMPARE(r.load.ticks(), 6);
    QCOMPARE(r.load.dropped(), 3);
    // The first two ticks' intervals lie mostly before the log began (midpoint rule): not counted.
    QCOMPARE(r.sessionTally.total(), 100 + 100 + 100 + 1);
    QVERIFY(std::any_of(
        r.events.cbegin(), r.events.cend(), [](const EventMarker &m) { return m.text == u"<script>x</script>"_s; }));

    report::Meta meta;
    meta.generatedMs = session.clock().nowMs();
    const QString html = QString::fromUtf8(report::html(r, {}, meta));
    QVERIFY(html.contains(u"One &lt;&amp;&gt;"_s));
    QVERIFY(html.contains(u"&lt;script&gt;x&lt;/script&gt;"_s));
    QVERIFY(html.contains(u"<b class=\"share\">99.50 %</b>"_s));
}

// Every byte of three documents (every branch of every section: live and replay, an empty
// session, a beat still running, a fault still down at export, charts drawn and not) against
// report_documents.golden.html, written by the writer before its sections became functions.
// Times are formatted in the local zone: CTest runs this test with TZ=UTC.
// REPORT_GOLDEN_UPDATE=1 rewrites the file (only when the report is meant to change).
void TestReportWriter::wholeDocumentsAsBefore()
{
    SessionRecord r = handMadeRecord();
    SessionRecord::BeatRun running;
    running.index = 10;
    running.id = u"running"_s;
    running.title = u"Still running"_s;
    running.ranMs = r.startedMs + 125000;
    SessionRecord::BeatRun summarised = running;
    summarised.index = 11;
    summarised.id = u"summarised"_s;
    summarised.actionsDoneMs = r.startedMs + 126000;
    summarised.actionsOk = true;
    summarised.actionsSummary = u"1 action applied"_s;
    summarised.endMs = r.startedMs + 127000;
    r.beats << running << summarised;
    SessionRecord::Fault stillDown = r.faults[0];
    stillDown.pod = u"crdb-1"_s;
    stillDown.endMs = 0;
    stillDown.shownTallyText = u"shown <differently>"_s;
    r.faults << stillDown;

    report::Meta live;
    live.planTitle = u"The plan"_s;
    live.planPath = u"demo/plan.json"_s;
    live.profile = u"local stack · http://127.0.0.1:8080"_s;
    live.generatedMs = r.startedMs + 140000;
    live.chartWindowMs = 600000;
    const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(16, 'x');
    const QList<report::Chart> charts {
        {u"requests"_s, u"Requests/s"_s, png, {}}, {u"ranges"_s, u"Ranges <all>"_s, {}, u"needs CockroachDB"_s}};
    report::Meta replay = live;
    replay.replay = true;
    replay.replayFile = u"/tmp/session.jsonl.gz"_s;
    report::Meta bare;
    bare.replay = true;
    SessionRecord empty;
    empty.startedMs = r.startedMs;
    const QByteArray documents = report::html(r, charts, live) + "\n<!-- next -->\n" + report::html(r, {}, replay)
        + "\n<!-- next -->\n" + report::html(empty, {}, bare);

    const QString path
        = qEnvironmentVariable("TEST_SOURCE_DIR") + u"/tests/desktop/report/report_documents.golden.html"_s;
    QFile file(path);
    if (qEnvironmentVariableIsSet("REPORT_GOLDEN_UPDATE")) {
        QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
        file.write(documents);
        file.close();
    }
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QList<QByteArray> expected = file.readAll().split('\n');
    const QList<QByteArray> actual = documents.split('\n');
    for (qsizetype i = 0; i < std::min(expected.size(), actual.size()); ++i) {
        QVERIFY2(actual[i] == expected[i],
            qPrintable(u"line %1 differs:\n  now:    %2\n  before: %3"_s.arg(i + 1).arg(
                QString::fromUtf8(actual[i].left(300)), QString::fromUtf8(expected[i].left(300)))));
    }
    QCOMPARE(actual.size(), expected.size());
}

QTEST_GUILESS_MAIN(TestReportWriter)
#include "tst_report_writer.moc"
