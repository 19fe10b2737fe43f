#include "app_options.h"
#include "beat_panel.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "preflight/plan_position.h"
#include "preflight_panel.h"
#include "presenter_windows.h"
#include "source_banner.h"
#include "time_chart.h"

#include "processes.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QApplication>
#include <QImage>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
const PlanAction *firstAction(const Beat &beat, const std::function<bool(const PlanAction &)> &which)
{
    const auto it = std::find_if(beat.actions.begin(), beat.actions.end(), which);
    return it == beat.actions.end() ? nullptr : &*it;
}

const PlanExpectation *firstExpectation(const Beat &beat, PlanExpectation::Kind kind)
{
    const auto it = std::find_if(beat.expectations.begin(), beat.expectations.end(),
        [kind](const PlanExpectation &e) { return e.kind == kind; });
    return it == beat.expectations.end() ? nullptr : &*it;
}

// A saved screenshot must be a real picture of the window: the window's size, not one flat colour.
void verifyScreenshot(QWidget *w, const QString &name, bool blank = false)
{
    const QString path = testenv::outputDir() + u'/' + name;
    QVERIFY(w->grab().save(path));
    const QImage img(path);
    QVERIFY2(!img.isNull(), qPrintable(path));
    const qreal dpr = w->devicePixelRatioF();
    QCOMPARE(img.size(), (QSizeF(w->size()) * dpr).toSize());
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7) {
        for (int x = 0; x < img.width(); x += 7) {
            colours.insert(img.pixel(x, y));
        }
    }
    if (blank) {
        QCOMPARE(colours, QSet<QRgb> {qRgb(0, 0, 0)});
        return;
    }
    QVERIFY2(colours.size() > 20, qPrintable(u"%1 has only %2 colours"_s.arg(path).arg(colours.size())));
}
} // namespace

// Every function starts from a fresh sample app, session and windows (init) and brings about the
// state it checks itself, so each passes alone and in any order (tests/gui-order.sh). What the talk
// says (titles, narration, actions, expectations) is read from the plan the session loaded.
class TestPresenterGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void options();
    void preflightChecklistBeforeFirstBeat();
    void clickerKeysDriveTheStory();
    void chartsShowLiveData();
    void kioskBlanksAndShowsNoNarration();
    void screenshots();
    void preflightHiddenOnceABeatRan();
    void localStackChartsSaySo();
    void localStackShowsSkipped();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<PresenterSession> m_session;
    qsizetype beatCount() const { return m_session->story()->plan().beats.size(); }
    const Beat &beat(int index) const { return m_session->story()->plan().beats.at(index); }
    // The clicker's way through the first beat (PageDown arms, PageDown runs), until it finished.
    void runFirstBeat();
    std::unique_ptr<PresenterWindows> m_windows;
    FrameClock *m_clock = nullptr;
    MainWindow *m_main = nullptr;
    KioskWindow *m_kiosk = nullptr;
};

void TestPresenterGui::init()
{
    QVERIFY2(!testenv::sampleappBinary().isEmpty(), "the sampleapp target is not part of this build");
    m_app = std::make_unique<testenv::SampleAppProcess>(QMap<QString, QString> {{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(m_app->start(), m_app->output().constData());

    ConnectionProfile profile;
    profile.sampleAppUrl = m_app->url();
    // Nothing listens there: the banner must say Prometheus is down.
    profile.prometheusUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(testenv::freePort()));
    profile.sqlConninfo = testenv::pgConninfo(u"postgres"_s, u"postgres"_s);
    // A context that does not exist: kubectl fails at once instead of trying a default server.
    profile.kubeContext = u"presenter-gui-test-no-such-context"_s;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    QVERIFY2(m_session->loadPlan(&errors), qPrintable(errors.join(u'\n')));
    WindowsOptions options;
    options.kiosk = true;
    options.clusterView = nullptr;
    m_windows = std::make_unique<PresenterWindows>(m_session.get(), options);
    m_clock = m_windows->clock();
    m_main = m_windows->main();
    m_kiosk = m_windows->kiosk();
    m_main->show();
    m_kiosk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_main));
    QVERIFY(QTest::qWaitForWindowExposed(m_kiosk));
    m_session->start();
    m_clock->start();
    // Events sent before the feed connects are not replayed: be connected before any beat runs.
    QTRY_VERIFY_WITH_TIMEOUT(m_session->feed()->isConnected(), 10000);
}

void TestPresenterGui::cleanup()
{
    if (m_session) {
        m_session->stop();
    }
    m_windows.reset();
    m_main = nullptr;
    m_kiosk = nullptr;
    m_clock = nullptr;
    m_session.reset();
    if (m_app) {
        m_app->stop();
    }
    m_app.reset();
}

void TestPresenterGui::runFirstBeat()
{
    StoryController *story = m_session->story();
    QCOMPARE(story->lastRunIndex(), -1);
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QCOMPARE(story->shownIndex(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(story->stage(), StoryController::Stage::Showing, 60000);
    QCOMPARE(story->lastRunIndex(), 0);
}

void TestPresenterGui::options()
{
    AppOptions o;
    QString error;
    QVERIFY2(AppOptions::parse({u"presenter"_s, u"--sampleapp-url"_s, u"http://127.0.0.1:9999"_s, u"--kiosk-screen"_s,
                                   u"1"_s, u"--screenshot"_s, u"/tmp/x.png"_s, u"--max-fps"_s, u"10"_s},
                 &o, &error),
        qPrintable(error));
    QCOMPARE(o.kioskScreen, 1);
    QVERIFY(!o.kioskOnly);
    QCOMPARE(o.maxFps, 10);
    QCOMPARE(o.quitAfterMs, 5000); // a screenshot without --quit-after-ms still quits
    QCOMPARE(o.profile.sampleAppUrl.port(), 9999);
    QVERIFY(!AppOptions::parse({u"presenter"_s, u"--kiosk-screen"_s, u"x"_s}, &o, &error));
    QVERIFY2(error.contains(u"--kiosk-screen"_s), qPrintable(error));
    QVERIFY(!AppOptions::parse({u"presenter"_s, u"--no-such-flag"_s}, &o, &error));
}

// The checklist is on the presenter's screen before the first beat (never on the kiosk), one row
// per check with its verdict; this profile has no reachable cluster or Prometheus, so it shows
// failures with their fixes next to the sample app's port answering.
void TestPresenterGui::preflightChecklistBeforeFirstBeat()
{
    PreflightPanel *panel = m_main->preflightPanel();
    QVERIFY(panel->isVisible());
    QVERIFY(m_kiosk->findChildren<PreflightPanel *>().isEmpty());
    PreflightConfig config;
    config.profile = m_session->profile();
    config.position = PlanPosition::before(m_session->story()->plan(), 0);
    config.dashboardUids = PreflightConfig::dashboardUidsIn(testenv::sourceDir(), nullptr);
    config.timeoutMs = 5000;
    panel->setConfig(config);
    QSignalSpy finished(panel->runner(), &PreflightRunner::finished);
    panel->run();
    QVERIFY(finished.wait(60000));
    QCOMPARE(panel->rows().size(), PreflightRunner::checkIds().size());
    const QString first = panel->rows().constFirst()->text();
    QVERIFY2(first.contains(u">FAIL</b>&nbsp;&nbsp;kubectl context and namespace<br>"_s), qPrintable(first));
    QVERIFY2(first.contains(u"Fix: "_s), qPrintable(first));
    // Nothing of it is cut on the smallest screen: every row is a wrapped label as wide as the panel
    // shows (the screens' rule: no label wider than what its parents show, tst_screens_gui), and
    // as tall as its text needs.
    m_main->resize(1024, 768);
    QTest::qWait(100);
    auto *scroll = m_main->findChild<QScrollArea *>(u"controlsScroll"_s);
    QVERIFY(scroll);
    for (QLabel *row : panel->rows()) {
        QVERIFY(row->wordWrap());
        const QRect inView(row->mapTo(scroll->viewport(), QPoint(0, 0)), row->size());
        QVERIFY2(inView.left() >= 0 && inView.right() < scroll->viewport()->width()
                && row->height() >= row->heightForWidth(row->width()),
            qPrintable(
                u"pre-flight row cut (x %1..%2 of a %3 px wide panel; %4 px high, needs %5): %6"_s.arg(inView.left())
                    .arg(inView.right())
                    .arg(scroll->viewport()->width())
                    .arg(row->height())
                    .arg(row->heightForWidth(row->width()))
                    .arg(row->text())));
    }
    QVERIFY2(
        panel->summaryText().contains(u"FAILED before beat '%1'"_s.arg(beat(0).id)), qPrintable(panel->summaryText()));
    QTest::qWait(100);
    verifyScreenshot(m_main, u"presenter-preflight.png"_s);
}

void TestPresenterGui::clickerKeysDriveTheStory()
{
    BeatPanel *panel = m_main->beatPanel();
    StoryController *story = m_session->story();
    const Beat &first = beat(0);
    const PlanAction *load
        = firstAction(first, [](const PlanAction &a) { return a.type == PlanAction::Type::LoadStart; });
    // The CockroachDB-only file of the first beat: the one that sets the replication factor.
    const PlanAction *zoneSql = firstAction(
        first, [](const PlanAction &a) { return a.type == PlanAction::Type::RunSql && a.replicationFactor > 0; });
    const PlanExpectation *loadExpectation = firstExpectation(first, PlanExpectation::Kind::Feed);
    const PlanExpectation *promExpectation = firstExpectation(first, PlanExpectation::Kind::PromQL);
    QVERIFY2(load && zoneSql && loadExpectation && promExpectation,
        "the first beat starts the load, sets the replication factor and expects a feed and a PromQL condition");
    QVERIFY(panel->previewText().isEmpty());
    QVERIFY2(panel->stageText().contains(first.title), qPrintable(panel->stageText()));

    // PageDown: armed, the preview says what will happen; nothing runs yet.
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QCOMPARE(story->stage(), StoryController::Stage::Armed);
    for (const PlanAction &action : first.actions) {
        QVERIFY2(panel->previewText().contains(action.describe()), qPrintable(panel->previewText()));
    }
    QVERIFY2(panel->previewText().contains(loadExpectation->describe()), qPrintable(panel->previewText()));
    QVERIFY(panel->stageText().contains(u"ARMED"_s));
    // The kiosk never shows the presenter's preview or narration.
    QVERIFY(m_kiosk->beatPanel()->previewText().isEmpty());

    // Escape disarms.
    QTest::keyClick(m_main, Qt::Key_Escape);
    QCOMPARE(story->stage(), StoryController::Stage::Showing);
    QVERIFY(panel->previewText().isEmpty());

    // PageDown twice runs the beat: the real sample app starts its load, the portable bootstrap
    // runs on real PostgreSQL, and the CockroachDB-only RF=1 file is refused with its reason: this
    // profile names a Kubernetes cluster (kind statefulset), so a PostgreSQL server is the wrong
    // server and nothing is skipped (the local stack's skips: tst_beat_executor).
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QCOMPARE(story->shownIndex(), 0);
    QVERIFY(panel->titleText().startsWith(u"%1/%2"_s.arg(1).arg(beatCount())));
    QVERIFY2(panel->narrationText().contains(first.narration), qPrintable(panel->narrationText()));
    QTRY_COMPARE_WITH_TIMEOUT(story->stage(), StoryController::Stage::Showing, 60000);
    QVERIFY2(
        story->lastRunSummary().startsWith(u"FAILED: failed "_s + zoneSql->file), qPrintable(story->lastRunSummary()));
    QVERIFY2(
        story->lastRunSummary().contains(u"cockroachdb"_s, Qt::CaseInsensitive), qPrintable(story->lastRunSummary()));
    QVERIFY(panel->stageText().contains(u"Last run: FAILED"_s));

    // The feed expectation is judged from the end of the beat's actions (here: the refused file)
    // against the real load: the baseline's load holds its rate for the whole window, and only then
    // passes.
    QCOMPARE(loadExpectation->mode, PlanExpectation::Mode::Holds);
    const QString label = QRegularExpression::escape(loadExpectation->label);
    const QRegularExpression loadVerdict(u"PASS %1: held for %2 s"_s.arg(label).arg(loadExpectation->withinS));
    QTRY_VERIFY2_WITH_TIMEOUT(
        panel->expectationsText().contains(loadVerdict), qPrintable(panel->expectationsText()), 60000);
    // Prometheus is down: that expectation stays pending, and the banner says why.
    QVERIFY(panel->expectationsText().contains(promExpectation->label));
    QTRY_VERIFY_WITH_TIMEOUT(m_main->banner()->isVisible(), 10000);
    QVERIFY2(m_main->banner()->text().contains(u"Prometheus down since"_s), qPrintable(m_main->banner()->text()));
    QVERIFY(m_kiosk->beatPanel()->expectationsText().contains(loadVerdict));

    // Run the narration-only beat, then look back with PageUp: display only.
    QVERIFY2(beat(1).actions.isEmpty(), qPrintable(beat(1).id));
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QTRY_COMPARE_WITH_TIMEOUT(story->stage(), StoryController::Stage::Showing, 5000);
    QCOMPARE(story->lastRunIndex(), 1);
    QVERIFY(panel->titleText().startsWith(u"%1/%2"_s.arg(2).arg(beatCount())));
    QSignalSpy runs(story, &StoryController::runRequested);
    QTest::keyClick(m_main, Qt::Key_PageUp);
    QVERIFY(panel->titleText().startsWith(u"%1/%2"_s.arg(1).arg(beatCount())));
    QVERIFY(panel->stageText().contains(u"nothing is undone"_s));
    QTest::keyClick(m_main, Qt::Key_PageDown); // forward through a beat already run
    QVERIFY(panel->titleText().startsWith(u"%1/%2"_s.arg(2).arg(beatCount())));
    QCOMPARE(story->stage(), StoryController::Stage::Showing);
    QCOMPARE(runs.size(), 0);
    // Arm the next beat: its preview is what the presenter sees on stage; nothing runs.
    QTest::keyClick(m_main, Qt::Key_PageDown);
    QCOMPARE(story->stage(), StoryController::Stage::Armed);
    QVERIFY(!beat(2).actions.isEmpty());
    QVERIFY2(panel->previewText().contains(beat(2).actions.constFirst().describe()), qPrintable(panel->previewText()));
    QCOMPARE(runs.size(), 0);
}

void TestPresenterGui::chartsShowLiveData()
{
    // Run the first beat (it starts the load), wait for a few seconds of ticks and the load
    // markers, then draw a frame.
    runFirstBeat();
    const PlanAction *load
        = firstAction(beat(0), [](const PlanAction &a) { return a.type == PlanAction::Type::LoadStart; });
    QVERIFY(load);
    TimeSeriesStore &store = m_session->store();
    QTRY_VERIFY_WITH_TIMEOUT(store.points(u"app.rps.search"_s).size() >= 10, 20000);
    // The load marker comes from the sample app's load_started event over the feed: wait for it.
    auto hasLoadMarker = [&store] {
        const auto all = store.markers();
        return std::any_of(
            all.begin(), all.end(), [](const EventMarker &m) { return m.kind == EventMarker::Kind::Load; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(hasLoadMarker(), 10000);
    m_clock->frame(true);
    TimeChart *requests = nullptr;
    for (TimeChart *c : m_main->charts()) {
        if (c->spec().id == u"requests") {
            requests = c;
        }
    }
    QVERIFY(requests);
    const auto segments = requests->shownSegments(u"app.rps.search"_s);
    QVERIFY(!segments.isEmpty());
    // x is seconds before now, within the window; at most two points per pixel column.
    for (const QPointF &p : segments.constLast()) {
        QVERIFY(p.x() <= 0.5 && p.x() >= -600);
    }
    QVERIFY(segments.constLast().size() <= 2 * requests->chart()->plotArea().width() + 2);
    QVERIFY(m_clock->frames() > 0);
    // A beat marker and the sample app's load event are in the store the charts draw from.
    const auto markers = store.markers();
    QVERIFY(std::any_of(
        markers.begin(), markers.end(), [](const EventMarker &m) { return m.kind == EventMarker::Kind::Phase; }));
    QVERIFY(std::any_of(
        markers.begin(), markers.end(), [](const EventMarker &m) { return m.kind == EventMarker::Kind::Load; }));
    QVERIFY2(
        m_main->loadStatusText().contains(u"target %1 req/s"_s.arg(load->rps)), qPrintable(m_main->loadStatusText()));
}

void TestPresenterGui::kioskBlanksAndShowsNoNarration()
{
    runFirstBeat();
    QVERIFY(!m_kiosk->isBlanked());
    QTest::keyClick(m_kiosk, Qt::Key_B);
    QVERIFY(m_kiosk->isBlanked());
    verifyScreenshot(m_kiosk, u"presenter-kiosk-blank.png"_s, true);
    QTest::keyClick(m_main, Qt::Key_B);
    QVERIFY(!m_kiosk->isBlanked());
    QVERIFY(!m_main->beatPanel()->narrationText().isEmpty());
    QVERIFY(m_kiosk->beatPanel()->narrationText().isEmpty());
    QVERIFY(m_kiosk->beatPanel()->titleText().startsWith(u"%1/%2"_s.arg(1).arg(beatCount())));
    QCOMPARE(m_kiosk->beatPanel()->titleText(), m_main->beatPanel()->titleText());
}

void TestPresenterGui::screenshots()
{
    // The first beat run and a few seconds of its load on the charts.
    runFirstBeat();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->store().points(u"app.rps.search"_s).size() >= 10, 20000);
    m_clock->frame(true);
    verifyScreenshot(m_main, u"presenter-main.png"_s);
    verifyScreenshot(m_kiosk, u"presenter-kiosk.png"_s);
}

void TestPresenterGui::preflightHiddenOnceABeatRan()
{
    QVERIFY(m_main->preflightPanel()->isVisible());
    runFirstBeat();
    QVERIFY(!m_main->preflightPanel()->isVisible());
}

// On the local stack (cluster kind none) a chart that can only show CockroachDB metrics says so
// inside its plot instead of showing empty axes; with a cluster profile no chart does.
void TestPresenterGui::localStackChartsSaySo()
{
    for (const TimeChart *chart : m_main->charts()) {
        QVERIFY2(chart->unavailableReason().isEmpty(), qPrintable(chart->spec().title));
    }
    ConnectionProfile local = m_session->profile();
    local.clusterKind = ClusterKind::None;
    PresenterSession session(local);
    QStringList errors;
    QVERIFY2(session.loadPlan(&errors), qPrintable(errors.join(u'\n')));
    FrameClock clock(&session.store());
    MainWindow main(&session, &clock);
    KioskWindow kiosk(&session, &clock);
    int saying = 0;
    for (const auto *charts : {&main.charts(), &kiosk.charts()}) {
        for (const TimeChart *chart : *charts) {
            const bool says = chart->unavailableReason() == u"needs CockroachDB: not on the local stack"_s;
            QCOMPARE(says, chart->spec().needsCockroachDB());
            saying += says ? 1 : 0;
        }
    }
    QVERIFY2(saying >= 6, "the six CockroachDB charts of the main window");
    main.resize(1600, 900);
    main.show();
    QVERIFY(QTest::qWaitForWindowExposed(&main));
    clock.frame(true);
    QTest::qWait(100);
    verifyScreenshot(&main, u"presenter-local-stack.png"_s);
    // The note is read whole on every chart, also on the smallest screen where the small charts are
    // narrow: its type steps down, never a word cut at the plot's side ("ockroachDB").
    for (const QSize size : {QSize(1600, 900), QSize(1024, 768)}) {
        main.resize(size);
        QTest::qWait(100);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        for (const TimeChart *chart : main.charts()) {
            if (chart->unavailableReason().isEmpty() || !chart->isVisible()) {
                continue;
            }
            QRectF area;
            bool fits = false;
            const QFont f = chart->unavailableNoteFont(&area, &fits);
            QVERIFY2(fits,
                qPrintable(u"%1 at %2x%3: the note does not fit %4x%5 px even at %6 pt"_s.arg(chart->spec().title)
                               .arg(size.width())
                               .arg(size.height())
                               .arg(area.width())
                               .arg(area.height())
                               .arg(f.pointSizeF())));
        }
    }
    verifyScreenshot(&main, u"presenter-local-stack-1024x768.png"_s);
}

// The first beat of demo/plan.json on the local stack, on both real windows: the CockroachDB-only
// file is skipped with its reason on the SQL status line (never "applied", never "FAILED"), and the
// expectation on CockroachDB's metric is SKIPPED in grey with its reason, counted apart, while the
// load's verdict is judged.
void TestPresenterGui::localStackShowsSkipped()
{
    ConnectionProfile local = m_session->profile();
    local.clusterKind = ClusterKind::None;
    PresenterSession session(local);
    QStringList errors;
    QVERIFY2(session.loadPlan(&errors), qPrintable(errors.join(u'\n')));
    const Beat &first = session.story()->plan().beats.first();
    const PlanExpectation *prom = firstExpectation(first, PlanExpectation::Kind::PromQL);
    const PlanExpectation *load = firstExpectation(first, PlanExpectation::Kind::Feed);
    const PlanAction *zoneSql
        = firstAction(first, [](const PlanAction &a) { return a.file == u"sql/01-phase0-rf1.sql"_s; });
    QVERIFY2(prom && load && zoneSql, "the first beat reads CockroachDB's metrics, the feed, and runs the RF=1 file");
    FrameClock clock(&session.store());
    MainWindow main(&session, &clock);
    KioskWindow kiosk(&session, &clock);
    session.start();
    main.resize(1600, 900);
    main.show();
    kiosk.show();
    QVERIFY(QTest::qWaitForWindowExposed(&main));
    QTRY_VERIFY_WITH_TIMEOUT(session.lastTick().has_value(), 15000);
    session.story()->next();
    session.story()->next();
    QTRY_COMPARE_WITH_TIMEOUT(session.story()->stage(), StoryController::Stage::Showing, 60000);
    QVERIFY2(!session.story()->lastRunSummary().startsWith(u"FAILED"_s), qPrintable(session.story()->lastRunSummary()));
    QCOMPARE(main.sqlStatusText(),
        u"skipped sql/01-phase0-rf1.sql: CockroachDB only: the local stack's database is PostgreSQL"_s);
    // Grey, not bold: never judged. (toHtmlEscaped leaves the apostrophe as it is.) The presenter's
    // window names the metric; the kiosk says it in words for people.
    const QString grey = u"<span style='color:#808080'>SKIPPED %1: "_s.arg(prom->label);
    for (BeatPanel *panel : {main.beatPanel(), kiosk.beatPanel()}) {
        const QString skipped = grey
            + (panel == main.beatPanel() ? u"reads CockroachDB's"_s : u"needs CockroachDB, and this stack has none"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(
            panel->expectationsText().contains(u"1 skipped"_s) && !panel->expectationsText().contains(u"pending"_s),
            qPrintable(panel->expectationsText()), 40000);
        QVERIFY2(panel->expectationsText().contains(skipped), qPrintable(panel->expectationsText()));
        QVERIFY2(!panel->expectationsText().contains(u"FAIL"_s), qPrintable(panel->expectationsText()));
        QVERIFY2(panel->expectationsText().contains(load->label), qPrintable(panel->expectationsText()));
    }
    clock.frame(true);
    QTest::qWait(100);
    verifyScreenshot(&main, u"presenter-local-stack-skipped.png"_s);
    verifyScreenshot(&kiosk, u"presenter-local-stack-skipped-kiosk.png"_s);
    session.control()->loadStop();
    QTest::qWait(200);
    session.stop();
}

QTEST_MAIN(TestPresenterGui)
#include "tst_presenter_gui.moc"
