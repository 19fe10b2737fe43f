// Both windows at the sizes a talk meets (1024x768, 1280x720, 1366x768 and 1920x1080;
// under QT_SCALE_FACTOR=F the logical sizes of a 1920x1080 and a 2560x1440 screen at that factor:
// 960x540 and 1280x720 at 2, 1280x720 and 1707x960 at 1.5), with ten minutes of data on every chart, bunched event
// markers (one at "now", the right edge) and CockroachDB's view of three nodes (stand-ins of their HTTP ports, as in
// tst_fault_screens_gui). Checks: no window's minimum size exceeds the screen, no marker label
// overlaps another or leaves its plot, no horizontal scroll bar, no widget laid over another, no
// text cut (short of lines, or at a side), the shown beat's focus charts are the big ones. Screenshots go to
// TEST_OUTPUT_DIR as screens-{main,kiosk}-WxH[-x2].png. Every function (and data row) starts from fresh windows on a
// fresh session and cluster (init), so each passes alone and in any order (tests/gui-order.sh); what the plan says is
// read from the plan.
#include "beat_panel.h"
#include "big_number_tile.h"
#include "event_list.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "node_grid.h"
#include "preflight_panel.h"
#include "presenter_windows.h"
#include "stand_in_cluster.h"
#include "time_chart.h"

#include "chart_specs.h"
#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QLabel>
#include <QLayout>
#include <QScrollBar>
#include <QTest>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

double scaleFactor()
{
    bool ok = false;
    const double f = qEnvironmentVariable("QT_SCALE_FACTOR").toDouble(&ok);
    return ok && f > 1 ? f : 1;
}

bool scaled()
{
    return scaleFactor() > 1;
}

QString scaleSuffix()
{
    return scaled() ? u"-x"_s + QString::number(scaleFactor()) : QString();
}

// The visible widgets a layout (and the layouts inside it) manages.
void managedWidgets(QLayout *layout, QList<QWidget *> *out)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem *item = layout->itemAt(i);
        if (QWidget *w = item->widget(); w && w->isVisible()) {
            out->append(w);
        } else if (QLayout *inner = item->layout()) {
            managedWidgets(inner, out);
        }
    }
}

// Widgets a layout squeezed on top of each other (a layout given less room than it needs).
QStringList overlapsIn(QWidget *window)
{
    QStringList out;
    QList<QWidget *> parents = window->findChildren<QWidget *>();
    parents.prepend(window);
    for (QWidget *parent : std::as_const(parents)) {
        if (!parent->isVisible() || !parent->layout() || qobject_cast<QAbstractScrollArea *>(parent->parentWidget())
            || parent->layout()->inherits("QStackedLayout")) {
            continue;
        }
        QList<QWidget *> children;
        managedWidgets(parent->layout(), &children);
        for (qsizetype i = 0; i < children.size(); ++i) {
            for (qsizetype j = i + 1; j < children.size(); ++j) {
                if (children[i]->geometry().intersects(children[j]->geometry())) {
                    out << u"%1: %2 (%3) overlaps %4 (%5)"_s.arg(window->objectName(),
                        QString::fromLatin1(children[i]->metaObject()->className()), children[i]->objectName(),
                        QString::fromLatin1(children[j]->metaObject()->className()), children[j]->objectName());
                }
            }
        }
    }
    return out;
}

// The part of `widget` (its own coordinates) its parents leave visible, up to its window.
QRect shownPartOf(QWidget *widget)
{
    QRect r = widget->rect();
    QPoint offset(0, 0); // widget -> current ancestor
    for (QWidget *w = widget; w && !w->isWindow(); w = w->parentWidget()) {
        offset += w->pos();
        r &= w->parentWidget()->rect().translated(-offset);
    }
    return r;
}

// What a window shows that the audience or the presenter could not read: one line per problem.
QStringList problemsIn(QWidget *window, const QSize &screen)
{
    QStringList out;
    const QSize min = window->minimumSizeHint().expandedTo(window->minimumSize());
    if (min.width() > screen.width() || min.height() > screen.height()) {
        out << u"%1: minimum size %2x%3 exceeds the %4x%5 screen"_s.arg(window->objectName())
                   .arg(min.width())
                   .arg(min.height())
                   .arg(screen.width())
                   .arg(screen.height());
    }
    if (window->size() != screen) {
        out << u"%1: is %2x%3, not the screen's %4x%5"_s.arg(window->objectName())
                   .arg(window->width())
                   .arg(window->height())
                   .arg(screen.width())
                   .arg(screen.height());
    }
    out += overlapsIn(window);
    // Text a layout gave less height than its lines need is cut mid-line.
    for (QLabel *label : window->findChildren<QLabel *>()) {
        if (label->isVisibleTo(window) && label->wordWrap() && !label->text().isEmpty()
            && label->height() + 1 < label->heightForWidth(label->width())) {
            out << u"%1: text cut (%2 of %3 px): '%4'"_s.arg(window->objectName())
                       .arg(label->height())
                       .arg(label->heightForWidth(label->width()))
                       .arg(label->text().left(60));
        }
    }
    // Text cut at the side: a label wider than what its parents (a scroll area's viewport) show of
    // it, or narrower than its longest word (a single line: its whole text). Scrolled out of view
    // vertically is not cut: the presenter's panel scrolls up and down.
    for (QLabel *label : window->findChildren<QLabel *>()) {
        if (!label->isVisibleTo(window) || label->text().isEmpty()) {
            continue;
        }
        const QRect shown = shownPartOf(label);
        if (!shown.isEmpty() && shown.width() < label->width()) {
            out << u"%1: text cut at the side (%2 of %3 px shown): '%4'"_s.arg(window->objectName())
                       .arg(shown.width())
                       .arg(label->width())
                       .arg(label->text().left(60));
        } else if (label->minimumSizeHint().width() > label->width()) {
            out << u"%1: text cut (%2 px wide, needs %3): '%4'"_s.arg(window->objectName())
                       .arg(label->width())
                       .arg(label->minimumSizeHint().width())
                       .arg(label->text().left(60));
        }
    }
    for (QAbstractScrollArea *area : window->findChildren<QAbstractScrollArea *>()) {
        if (area->isVisibleTo(window) && area->horizontalScrollBar()->isVisibleTo(window)) {
            out << u"%1: horizontal scroll bar in %2 (%3)"_s.arg(
                window->objectName(), QString::fromLatin1(area->metaObject()->className()), area->objectName());
        }
    }
    for (TimeChart *chart : window->findChildren<TimeChart *>()) {
        if (!chart->isVisibleTo(window)) {
            continue;
        }
        const QRectF plot = chart->plotRect();
        const auto labels = chart->markerLabels();
        if (labels.isEmpty()) {
            out << u"%1: chart '%2' labels none of its markers"_s.arg(window->objectName(), chart->spec().title);
        }
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (!plot.contains(labels[i].rect)) {
                out << u"%1: chart '%2': label '%3' leaves the plot"_s.arg(
                    window->objectName(), chart->spec().title, labels[i].text);
            }
            for (qsizetype j = i + 1; j < labels.size(); ++j) {
                if (labels[i].rect.intersects(labels[j].rect)) {
                    out << u"%1: chart '%2': '%3' overlaps '%4'"_s.arg(
                        window->objectName(), chart->spec().title, labels[i].text, labels[j].text);
                }
            }
        }
    }
    return out;
}
// Lets the windows take their size and text: deferred layouts and the kiosk's fit.
void settle()
{
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QTest::qWait(30);
    }
}
} // namespace

class TestScreensGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void chartIdsAreThePlans();
    void focusFollowsTheBeat();
    void everySize_data();
    void everySize();
    void everyBeatAtEverySize_data();
    void everyBeatAtEverySize();
    void highContrastKiosk();
    void duringAFault_data();
    void duringAFault();
    void longLinesWrap_data();
    void longLinesWrap();

private:
    void fillStore();
    void runUpTo(int beatIndex);
    void showTheFaultBeat(); // the state the size checks run in: the beat "failure" shown
    // Both windows at `size`: screenshots named `name`, then every problem problemsIn() finds.
    QStringList showAt(const QSize &size, const QString &name);

    std::unique_ptr<PresenterSession> m_session;
    std::unique_ptr<StandInCluster> m_nodes;
    ClusterView *m_view = nullptr;
    std::unique_ptr<PresenterWindows> m_windows;
    FrameClock *m_clock = nullptr;
    MainWindow *m_main = nullptr;
    KioskWindow *m_kiosk = nullptr;
};

void TestScreensGui::init()
{
    // A cluster profile (charts of CockroachDB metrics are live); the session is never started, so
    // no kubectl runs: the store is filled directly and the pods are reported by StandInCluster.
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::StatefulSet;
    profile.replicationFactor = 3;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    QVERIFY2(m_session->loadPlan(&errors), qPrintable(errors.join(u'\n')));
    // The real plan's beats (narration, focus) without their actions: walking through them changes
    // nothing but what is shown.
    DemoPlan plan = m_session->story()->plan();
    for (Beat &b : plan.beats) {
        b.actions.clear();
        b.expectations.clear();
    }
    m_session->story()->setPlan(plan);
    m_nodes = std::make_unique<StandInCluster>(m_session.get());
    QVERIFY(m_nodes->isListening());
    m_view = m_nodes->view();
    WindowsOptions options;
    options.kiosk = true;
    options.clusterView = m_view;
    m_windows = std::make_unique<PresenterWindows>(m_session.get(), options);
    m_clock = m_windows->clock();
    m_main = m_windows->main();
    m_kiosk = m_windows->kiosk();
    m_main->setObjectName(u"main"_s);
    m_main->show();
    m_kiosk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_main));
    QVERIFY(QTest::qWaitForWindowExposed(m_kiosk));
    m_nodes->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_view->summary().liveNodes, 3, 5000);
    // Every node's gauges arrived too: the tiles show figures, not the dashes of "no data yet".
    QTRY_COMPARE_WITH_TIMEOUT(m_view->summary().reporting, 3, 5000);
    // Converged: poll calmly, so a loaded machine's slow answer does not flap the tiles' text
    // between a layout and the checks.
    m_nodes->status()->setIntervalMs(1000);
    m_nodes->status()->setVarsIntervalMs(1000);
    m_nodes->status()->setTimeoutMs(2000);
    fillStore();
}

void TestScreensGui::cleanup()
{
    m_windows.reset();
    m_main = nullptr;
    m_kiosk = nullptr;
    m_clock = nullptr;
    m_view = nullptr;
    m_nodes.reset();
    m_session.reset();
}

void TestScreensGui::fillStore()
{
    // Ten minutes at the feed's and Prometheus' pace, shaped like the talk: the load starts, a
    // third node joins, crdb-2 goes down and comes back.
    TimeSeriesStore &s = m_session->store();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 t0 = now - s.windowMs() + 1000;
    for (qint64 t = t0; t <= now; t += 2000) {
        const double m = double(t - t0) / 60000.0; // minutes in
        const double wave = std::sin(m * 3.0);
        const bool down = m > 6.0 && m < 7.5;
        s.append(u"app.rps.login"_s, t, 4 + wave);
        s.append(u"app.rps.search"_s, t, 16 + 2 * wave);
        for (const QString &route : {u"login"_s, u"search"_s}) {
            const double base = route == u"login" ? 6 : 3;
            s.append(u"app.p50."_s + route, t, base + wave);
            s.append(u"app.p95."_s + route, t, 2 * base + wave + (down ? 20 : 0));
            s.append(u"app.p99."_s + route, t, 3 * base + 2 * wave + (down ? 45 : 0));
            s.append(u"app.errors."_s + route, t, down && route == u"login" ? 1 : 0);
        }
        s.append(u"db.p50.writer"_s, t, 2 + wave);
        s.append(u"db.p99.writer"_s, t, 8 + wave);
        s.append(u"db.p50.reader"_s, t, 1 + wave / 2);
        s.append(u"db.p99.reader"_s, t, 4 + wave);
        s.append(u"load.target"_s, t, 20);
        s.append(u"load.achieved"_s, t, 19.8 + wave / 5);
        s.append(u"load.dropped"_s, t, 0);
        if ((t - t0) % 15000 < 2000) { // Prometheus: every 15 s
            const int nodes = m < 2 ? 1 : (m < 4 ? 2 : 3);
            s.append(u"crdb.live_nodes"_s, t, down ? 2 : nodes);
            s.append(u"crdb.ranges_underreplicated"_s, t, down ? 24 : (m > 4 && m < 4.6 ? 40 * (4.6 - m) : 0));
            s.append(u"crdb.ranges_unavailable"_s, t, 0);
            for (int n = 1; n <= 3; ++n) {
                if (n <= nodes && !(down && n == 3)) {
                    s.append(u"crdb.replicas.n%1"_s.arg(n), t, nodes == 3 ? 71 : 71.0 / nodes);
                    s.append(u"crdb.leaseholders.n%1"_s.arg(n), t, 71.0 / nodes);
                }
            }
            s.append(u"crdb.sql_qps"_s, t, 45 + 5 * wave);
            s.append(u"crdb.sql_p99_ms"_s, t, 9 + wave + (down ? 30 : 0));
        }
    }
    // Markers bunched as on stage (a beat, its load and its SQL within seconds), and one at now.
    const auto at = [&](double minutes, EventMarker::Kind kind, const QString &text) {
        EventMarker e;
        e.tsMs = t0 + qint64(minutes * 60000);
        e.kind = kind;
        e.text = text;
        s.addMarker(e);
    };
    // The beat markers carry the plan's titles, as StoryController's do.
    const QList<Beat> &beats = m_session->story()->plan().beats;
    at(0.2, EventMarker::Kind::Phase, u"beat: "_s + beats.constFirst().title);
    at(0.25, EventMarker::Kind::Load, u"Load started at 20 rps"_s);
    at(0.3, EventMarker::Kind::Sql, u"applied sql/00-bootstrap.sql"_s);
    at(0.35, EventMarker::Kind::Sql, u"applied sql/01-phase0-rf1.sql"_s);
    at(2.0, EventMarker::Kind::Scale, u"scale to 2"_s);
    at(2.1, EventMarker::Kind::Sql, u"refused as expected: sql/15-phase1-rf2-refused.sql"_s);
    at(4.0, EventMarker::Kind::Scale, u"scale to 3"_s);
    at(4.05, EventMarker::Kind::Sql, u"applied sql/20-phase2-rf3.sql"_s);
    at(6.0, EventMarker::Kind::Failure, u"crdb-2 down (keep down)"_s);
    at(7.5, EventMarker::Kind::Recovery, u"crdb-2 back after 90 s"_s);
    at(double(now - t0) / 60000.0, EventMarker::Kind::Phase, u"beat: "_s + beats.constLast().title);
}

void TestScreensGui::runUpTo(int beatIndex)
{
    StoryController *story = m_session->story();
    while (story->shownIndex() < beatIndex) {
        story->next(); // arm
        story->next(); // run: no actions, back to Showing at once
        QTRY_VERIFY_WITH_TIMEOUT(story->stage() == StoryController::Stage::Showing, 3000);
    }
}

void TestScreensGui::showTheFaultBeat()
{
    const int failure = m_session->story()->plan().indexOf(u"failure"_s);
    QVERIFY(failure > 0);
    runUpTo(failure);
}

void TestScreensGui::chartIdsAreThePlans()
{
    // A beat's "focus" is validated against DemoPlan::chartIds(): every chart must carry one of them.
    QStringList ids;
    QList<ChartSpec> specs = chartspecs::appCharts();
    specs.append(chartspecs::clusterCharts());
    for (const ChartSpec &spec : specs) {
        ids << spec.id;
    }
    QCOMPARE(ids, DemoPlan::chartIds());
}

void TestScreensGui::focusFollowsTheBeat()
{
    m_main->resize(1280, 720);
    const DemoPlan &plan = m_session->story()->plan();
    // Before any beat: what DemoPlan::focusAt gives the shown position (its default before the first).
    QCOMPARE(m_main->focusChartIds(), plan.focusAt(m_session->story()->shownIndex()));
    // The fault beat: the one whose charts differ most from the start (any beat with a focus would do).
    const int failure = plan.indexOf(u"failure"_s);
    QVERIFY(failure > 0);
    QVERIFY(plan.focusAt(failure) != plan.focusAt(m_session->story()->shownIndex()));
    runUpTo(failure - 1);
    m_session->story()->next(); // arm "failure": its charts come up before it runs
    QCOMPARE(m_main->focusChartIds(), plan.focusAt(failure));
    m_session->story()->next();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->story()->stage() == StoryController::Stage::Showing, 3000);
    QCOMPARE(m_main->focusChartIds(), plan.focusAt(failure));
    QTest::qWait(100);
    int smallestFocus = INT_MAX;
    int largestOther = 0;
    for (TimeChart *c : m_main->charts()) {
        const int area = c->width() * c->height();
        if (m_main->focusChartIds().contains(c->spec().id)) {
            QVERIFY(!c->isCompact());
            smallestFocus = std::min(smallestFocus, area);
        } else {
            QVERIFY(c->isCompact());
            largestOther = std::max(largestOther, area);
        }
    }
    QVERIFY2(smallestFocus > 2 * largestOther,
        qPrintable(u"focus charts %1 px², others up to %2 px²"_s.arg(smallestFocus).arg(largestOther)));
}

void TestScreensGui::everySize_data()
{
    QTest::addColumn<QSize>("size");
    if (scaled()) {
        // The logical size of a 1920x1080 and a 2560x1440 screen at this scale factor.
        for (const QSize physical : {QSize(1920, 1080), QSize(2560, 1440)}) {
            const QSize logical(qRound(physical.width() / scaleFactor()), qRound(physical.height() / scaleFactor()));
            QTest::addRow("%dx%d", logical.width(), logical.height()) << logical;
        }
    } else {
        QTest::addRow("1024x768") << QSize(1024, 768);
        QTest::addRow("1280x720") << QSize(1280, 720);
        QTest::addRow("1366x768") << QSize(1366, 768);
        QTest::addRow("1920x1080") << QSize(1920, 1080);
    }
}

QStringList TestScreensGui::showAt(const QSize &size, const QString &name)
{
    m_main->resize(size);
    m_kiosk->resize(size);
    QTest::qWait(200);
    m_clock->frame(true);
    m_main->eventList()->refresh();
    m_kiosk->eventList()->refresh();
    QTest::qWait(50);
    // Settled first, so the screenshots show the state the checks judge (the kiosk's fit).
    settle();
    const QString suffix = u"%1%2x%3%4.png"_s.arg(name).arg(size.width()).arg(size.height()).arg(scaleSuffix());
    if (!m_main->grab().save(testenv::outputDir() + u"/screens-main-"_s + suffix)
        || !m_kiosk->grab().save(testenv::outputDir() + u"/screens-kiosk-"_s + suffix)) {
        return {u"cannot save the screenshots "_s + suffix};
    }
    return problemsIn(m_main, size) + problemsIn(m_kiosk, size);
}

void TestScreensGui::everySize()
{
    // The state every size is checked in, set here (it used to be inherited from the function that
    // ran before): the fault beat shown, its charts big. Other beats' layouts are not checked yet.
    QFETCH(QSize, size);
    showTheFaultBeat();
    QVERIFY(!m_main->preflightPanel()->isVisible());
    const QStringList problems = showAt(size, QString());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    // The full text of every marker is one glance away, newest first.
    const QStringList events = m_kiosk->eventList()->text().split(u'\n');
    QCOMPARE(events.size(), 2);
    const QList<EventMarker> markers = m_session->store().markers();
    QVERIFY2(events[0].endsWith(u"  "_s + markers.last().text), qPrintable(events[0]));
    QVERIFY2(events[1].endsWith(u"  "_s + markers[markers.size() - 2].text), qPrintable(events[1]));
}

void TestScreensGui::everyBeatAtEverySize_data()
{
    everySize_data();
}

void TestScreensGui::everyBeatAtEverySize()
{
    // Every beat's layout (its focus charts big, the rest small; the kiosk's numbers), from before
    // the first beat to the last, at each size: not only the fault beat's.
    QFETCH(QSize, size);
    m_main->resize(size);
    m_kiosk->resize(size);
    QStringList problems;
    const int beats = static_cast<int>(m_session->story()->plan().beats.size());
    for (int beat = -1; beat < beats; ++beat) {
        if (beat >= 0) {
            runUpTo(beat);
        }
        // As a maximised window: given the screen again (a window clamped by an earlier state's
        // minimum keeps its larger size until resized).
        m_main->resize(size);
        m_kiosk->resize(size);
        QTest::qWait(100);
        m_clock->frame(true);
        m_main->eventList()->refresh();
        m_kiosk->eventList()->refresh();
        QTest::qWait(50);
        settle();
        const QString where
            = beat < 0 ? u"before the first beat"_s : u"beat '%1'"_s.arg(m_session->story()->plan().beats.at(beat).id);
        const QStringList found = problemsIn(m_main, size) + problemsIn(m_kiosk, size);
        for (const QString &p : found) {
            problems << where + u": "_s + p;
        }
        if (!found.isEmpty()) { // the picture of what is wrong, as test output
            const QString suffix
                = u"beat%1-%2x%3%4.png"_s.arg(beat + 1).arg(size.width()).arg(size.height()).arg(scaleSuffix());
            m_main->grab().save(testenv::outputDir() + u"/screens-problem-main-"_s + suffix);
            m_kiosk->grab().save(testenv::outputDir() + u"/screens-problem-kiosk-"_s + suffix);
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestScreensGui::highContrastKiosk()
{
    showTheFaultBeat();
    m_kiosk->setHighContrast(true);
    const QSize size(qRound(1920 / scaleFactor()), qRound(1080 / scaleFactor()));
    m_kiosk->resize(size);
    QTest::qWait(200);
    m_clock->frame(true);
    QVERIFY(m_kiosk->isHighContrast());
    QVERIFY(m_kiosk->grab().save(testenv::outputDir() + u"/screens-kiosk-high-contrast%1.png"_s.arg(scaleSuffix())));
    settle();
    const QStringList problems = problemsIn(m_kiosk, size);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    m_kiosk->setHighContrast(false);
}

void TestScreensGui::duringAFault_data()
{
    everySize_data();
}

void TestScreensGui::duringAFault()
{
    // The fullest kiosk: crdb-2 down (its tile grows a line), the app's experience during the
    // fault under the stopwatch. Nothing may be cut or squeezed.
    QFETCH(QSize, size);
    // On stage a fault comes with its beat shown: its charts are the big ones.
    showTheFaultBeat();
    Q_EMIT m_session->cluster()->faultStarted(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    m_nodes->standIn(2).setMode(CrdbStatusStandIn::Mode::Closed);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN"_s), 3000);
    FeedTick t;
    t.tsMs = QDateTime::currentMSecsSinceEpoch() + 200;
    t.intervalMs = 200;
    LatencyStats stats;
    stats.count = 500;
    stats.errors = 1;
    t.routes.insert(u"search"_s, stats);
    t.routes.insert(u"login"_s, stats);
    m_view->addTick(t);
    QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->appExperienceText().isEmpty(), 3000);
    const QStringList problems = showAt(size, u"fault-"_s);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestScreensGui::longLinesWrap_data()
{
    everySize_data();
    if (!scaled()) {
        QTest::addRow("1600x900") << QSize(1600, 900);
    }
}

void TestScreensGui::longLinesWrap()
{
    // The presenter's panel with its longest lines at once, as after a beat that ran SQL: the
    // plan's longest beat title, the last run's summary, its verdicts (the real plan's
    // expectations, waiting) and the SQL status line. Each wraps inside the panel; none is cut at
    // the panel's side (they were: the one-line stage label widened the panel past what it shows).
    QFETCH(QSize, size);
    QStringList errors;
    const auto plan = DemoPlan::load(m_session->profile().planPath, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    int longest = 0; // the beat with the most expectations; of those, the longest title
    for (int i = 0; i < plan->beats.size(); ++i) {
        const Beat &b = plan->beats[i];
        const Beat &best = plan->beats[longest];
        if (b.expectations.size() > best.expectations.size()
            || (b.expectations.size() == best.expectations.size() && b.title.size() > best.title.size())) {
            longest = i;
        }
    }
    QVERIFY(!plan->beats[longest].expectations.isEmpty());
    runUpTo(longest);
    StoryController::Snapshot shot = m_session->story()->snapshot();
    shot.lastSummary = u"sql/20-phase2-rf3.sql: 12 of 12 statements applied; scale to 3: crdb-2 Ready"_s;
    m_session->story()->restore(shot);
    m_session->evaluator()->prepare(plan->beats[longest].id, plan->beats[longest].expectations);
    Q_EMIT m_session->sql()->progress(11, 12,
        u"ALTER DATABASE system CONFIGURE ZONE USING num_replicas = 3, gc.ttlseconds = 90000, "
        "constraints = '[]', lease_preferences = '[]'"_s);
    QVERIFY(m_main->beatPanel()->stageText().contains(shot.lastSummary));
    QVERIFY(!m_main->beatPanel()->expectationsText().isEmpty());
    const QStringList problems = showAt(size, u"long-lines-"_s);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_MAIN(TestScreensGui)
#include "tst_screens_gui.moc"
