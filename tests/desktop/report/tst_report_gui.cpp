// The exported report of a live session on the real local pieces: the real sample app on the
// PostgreSQL fixture feeds the session (feed ticks, load started by a beat's action, a spike), two
// beats run with the clicker's state machine and are judged by the real evaluator, and the
// presenter's own charts are drawn offscreen into the file. No Kubernetes runs here: the fault's
// start and end are the ClusterDriver's signals emitted as the driver emits them (the one input
// that is not real), while the requests counted during it are the real app's.
//
// Leaves report.html in the test output folder for report_browser.mjs (headless Chromium), which
// screenshots it; prints its path and size.
#include "frame_clock.h"
#include "main_window.h"
#include "presenter_windows.h"
#include "report_export.h"

#include "processes.h"
#include "report/session_log.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

class TestReportGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void mainWindowOffersTheExport();
    void exportsALiveSession();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<PresenterSession> m_session;
};

void TestReportGui::initTestCase()
{
    QVERIFY2(!testenv::sampleappBinary().isEmpty(), "the sampleapp target is not part of this build");
    m_app = std::make_unique<testenv::SampleAppProcess>(QMap<QString, QString> {{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(m_app->start(), m_app->output().constData());
    ConnectionProfile profile;
    profile.sampleAppUrl = m_app->url();
    profile.prometheusUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(testenv::freePort())); // none: PromQL stays pending
    profile.sqlConninfo = testenv::pgConninfo(u"postgres"_s, u"postgres"_s);
    profile.clusterKind = ClusterKind::None;
    profile.planPath = u"report-test-plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(R"JSON({"version":1,"title":"Report test: <live> & 'local'","beats":[
        {"id":"warm-up","title":"Load <on> & 'up'","narration":"n","focus":["requests","latency"],
         "actions":[{"type":"load_start","rps":40,"mix":{"login":0.3,"search":0.7}}],
         "expectations":[
            {"kind":"feed","field":"load.achieved_rps","op":">=","value":20,"within_s":30,"label":"load at 40 req/s"},
            {"kind":"promql","expr":"max(liveness_livenodes)","op":"==","value":1,"within_s":3,"label":"one live node"}]},
        {"id":"node-down","title":"A node fails","narration":"n",
         "actions":[{"type":"spike","rps":80,"seconds":2}],
         "expectations":[
            {"kind":"feed","field":"ready","op":"==","value":1,"within_s":3,"mode":"holds","label":"the app stays ready"},
            {"kind":"feed","field":"load.achieved_rps","op":">=","value":100000,"within_s":600,"label":"an impossible rate"}]}]})JSON",
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    m_session->setPlan(*plan, testenv::sourceDir());
    m_session->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->feed()->isConnected(), 10000);
}

void TestReportGui::cleanupTestCase()
{
    if (m_session) {
        m_session->control()->loadStop();
        QTest::qWait(200);
        m_session->stop();
    }
    if (m_app) {
        m_app->stop();
    }
}

void TestReportGui::mainWindowOffersTheExport()
{
    PresenterWindows windows(m_session.get(), {});
    MainWindow &main = *windows.main();
    QAction *found = nullptr;
    for (QAction *a : main.actions()) {
        if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E)) {
            found = a;
        }
    }
    QVERIFY2(found, "no Ctrl+E action on the main window");
    QCOMPARE(found->text(), u"Export report…"_s);
}

void TestReportGui::exportsALiveSession()
{
    StoryController *story = m_session->story();
    ExpectationEvaluator *ev = m_session->evaluator();
    // Beat 1: the load starts (the real app's answer completes the action), judged on its ticks.
    story->next();
    story->next();
    QTRY_VERIFY_WITH_TIMEOUT(ev->beatId() == u"warm-up"_s && ev->allSettled(), 40000);
    // The load can be up by the first tick judged (then it is "already true", honestly): either way
    // the report must show the verdict the presenter showed.
    const ExpectationEvaluator::Verdict loadVerdict = ev->states()[0].verdict;
    QVERIFY(loadVerdict == ExpectationEvaluator::Verdict::Pass
        || loadVerdict == ExpectationEvaluator::Verdict::AlreadyTrue);
    QTRY_COMPARE_WITH_TIMEOUT(story->stage(), StoryController::Stage::Showing, 10000);

    // Beat 2: a spike, and a node "fails" while it runs.
    story->next();
    story->next();
    QTRY_VERIFY_WITH_TIMEOUT(ev->beatId() == u"node-down"_s && ev->isJudging(), 10000);
    Q_EMIT m_session->cluster()->faultStarted(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    QTest::qWait(2000);
    Q_EMIT m_session->cluster()->faultEnded(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    QTRY_VERIFY_WITH_TIMEOUT(ev->states()[0].verdict != ExpectationEvaluator::Verdict::Pending, 10000);
    m_session->mark(EventMarker::Kind::Other, u"<script>alert('marker')</script> & more"_s);
    QTest::qWait(600); // a few more ticks, so the marker sits inside the charts' data

    const QString path = testenv::outputDir() + u"/report.html"_s;
    QFile::remove(path);
    ReportExporter exporter(m_session.get());
    QSignalSpy done(&exporter, &ReportExporter::finished);
    QVERIFY(exporter.start(path, ReportExporter::metaFor(*m_session)));
    QVERIFY(!exporter.start(path, {})); // one at a time
    QVERIFY2(done.isEmpty(), "the export must not finish inside start(): it runs over event-loop passes");
    QVERIFY(done.wait(30000));
    QVERIFY2(done[0][0].toBool(), qPrintable(done[0][3].toString()));
    const qint64 bytes = done[0][2].toLongLong();
    qInfo().noquote() << "report:" << path << bytes << "bytes";

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(file.readAll());
    QCOMPARE(html.toUtf8().size(), bytes);
    QVERIFY(html.contains(u">LIVE</span>"_s));
    QVERIFY(html.contains(u"Report test: &lt;live&gt; &amp; &#39;local&#39;"_s));
    QVERIFY(html.contains(u"Load &lt;on&gt; &amp; &#39;up&#39;"_s));
    QVERIFY(html.contains(u"A node fails"_s));
    QVERIFY(html.contains(u"<span class=\"verdict %1\">%2</span> load at 40 req/s"_s.arg(
        report::verdictClass(loadVerdict), report::verdictName(loadVerdict))));
    // The local stack (cluster kind none) has no CockroachDB: its metric's expectation is skipped,
    // with the reason, never failed.
    QVERIFY2(html.contains(u"<span class=\"verdict skipped\">SKIPPED</span> one live node: reads CockroachDB&#39;s "
                           "liveness_livenodes"_s),
        qPrintable(html));
    QVERIFY(html.contains(u"<li class=\"outcome pass\">applied start load at 40 req/s"_s));
    QVERIFY(html.contains(u"<span class=\"verdict pass\">PASS</span> the app stays ready: held"_s));
    QVERIFY(html.contains(u"<span class=\"verdict pending\">PENDING</span>"_s)); // the impossible rate
    QVERIFY(html.contains(u"&lt;script&gt;alert(&#39;marker&#39;)&lt;/script&gt; &amp; more"_s));
    QVERIFY(!html.contains(u"<script"_s, Qt::CaseInsensitive));
    QVERIFY2(html.contains(QRegularExpression(u"<b class=\"share\">\\d+(\\.\\d+)? %</b> .* while crdb-2 was down"_s)),
        "the fault's share of requests that succeeded");
    QVERIFY(html.contains(u"<code>login</code>"_s));
    QVERIFY(html.contains(u"<code>search</code>"_s));

    // Each chart is a real picture at the fixed size: not one flat colour.
    static const QRegularExpression img(u"src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""_s);
    int charts = 0;
    for (auto it = img.globalMatch(html); it.hasNext();) {
        const QImage chart = QImage::fromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG");
        QCOMPARE(chart.size(), ReportExporter::kChartSize);
        QSet<QRgb> colours;
        for (int y = 0; y < chart.height(); y += 3) {
            for (int x = 0; x < chart.width(); x += 3) {
                colours.insert(chart.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 20, qPrintable(u"chart %1 has %2 colours"_s.arg(charts).arg(colours.size())));
        ++charts;
    }
    QCOMPARE(charts, 5); // the app's charts; the cluster's say "needs CockroachDB" on the local stack
    QVERIFY(html.contains(u"needs CockroachDB"_s));
}

QTEST_MAIN(TestReportGui)
#include "tst_report_gui.moc"
