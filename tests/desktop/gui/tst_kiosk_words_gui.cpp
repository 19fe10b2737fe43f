// Words for people on the audience's screen. The kiosk is read from the back of a room by people
// who never saw a metric list: every text it shows (beat title, verdicts, big numbers and their
// captions, the heal stopwatch, node tiles, chart titles, legends, axis titles, marker labels, the
// event list) through every beat of demo/plan.json, with and without CockroachDB's view of the
// nodes, and during a fault, must hold no raw metric or series name (`liveness_livenodes`,
// `app.p99.login`) and no word twice in a row ("Heal: Heal stopwatch"). And the kiosk's p99 is a
// line, not the per-tick band: its trailing mean over the window its title names, while the
// presenter's window keeps the raw series.
#include "event_list.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "presenter_windows.h"
#include "stand_in_cluster.h"
#include "time_chart.h"

#include "chart_specs.h"
#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QAbstractAxis>
#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLabel>
#include <QLegendMarker>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

QString plainText(QString text)
{
    // The verdicts are rich text: "<span style=...>PASS ...</span><br>...".
    static const QRegularExpression tag(u"<[^>]*>"_s);
    text.replace(u"<br>"_s, u"\n"_s);
    text.remove(tag);
    text.replace(u"&lt;"_s, u"<"_s).replace(u"&gt;"_s, u">"_s).replace(u"&quot;"_s, u"\""_s);
    text.replace(u"&#39;"_s, u"'"_s).replace(u"&amp;"_s, u"&"_s);
    return text;
}

// Every text a window shows, each with where it is.
QList<std::pair<QString, QString>> shownTexts(QWidget *window)
{
    QList<std::pair<QString, QString>> out;
    for (QLabel *label : window->findChildren<QLabel *>()) {
        if (label->isVisibleTo(window) && !label->text().isEmpty()) {
            out.append({u"label '%1'"_s.arg(label->objectName()), plainText(label->text())});
        }
    }
    for (TimeChart *chart : window->findChildren<TimeChart *>()) {
        if (!chart->isVisibleTo(window)) {
            continue;
        }
        const QString where = u"chart '%1'"_s.arg(chart->spec().id);
        out.append({where + u" title"_s, chart->chart()->title()});
        if (chart->chart()->legend()->isVisible()) {
            for (QLegendMarker *m : chart->chart()->legend()->markers()) {
                if (m->isVisible()) {
                    out.append({where + u" legend"_s, m->label()});
                }
            }
        }
        for (QAbstractAxis *axis : chart->chart()->axes()) {
            if (axis->isTitleVisible()) {
                out.append({where + u" axis"_s, axis->titleText()});
            }
        }
        for (const markerlayout::Label &l : chart->markerLabels()) {
            out.append({where + u" marker"_s, l.text});
        }
        if (!chart->unavailableReason().isEmpty()) {
            out.append({where + u" note"_s, chart->unavailableReason()});
        }
    }
    return out;
}

// What in `text` is not for people: a raw metric name (snake_case, as CockroachDB's and the app's
// metrics are spelled), a store series name, or a word twice in a row.
QStringList wordProblems(const QString &text, const QStringList &seriesNames)
{
    QStringList out;
    static const QRegularExpression snake(u"\\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\\b"_s);
    for (auto it = snake.globalMatch(text); it.hasNext();) {
        out << u"raw metric name '%1'"_s.arg(it.next().captured());
    }
    for (const QString &name : seriesNames) {
        if (text.contains(name)) {
            out << u"series name '%1'"_s.arg(name);
        }
    }
    // Words are runs of letters and digits; a repeat counts only with a letter in it ("3 / 3" is
    // a figure, "Heal: Heal" a doubled word), whatever punctuation stands between.
    static const QRegularExpression word(u"[\\p{L}\\p{N}]+"_s);
    QString previous;
    for (auto it = word.globalMatch(text); it.hasNext();) {
        const QString w = it.next().captured().toLower();
        static const QRegularExpression letter(u"\\p{L}"_s);
        if (w == previous && w.contains(letter)) {
            out << u"doubled word '%1'"_s.arg(w);
        }
        previous = w;
    }
    return out;
}

} // namespace

class TestKioskWordsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void theRuleCatchesWhatItShould();
    void wordsForPeopleAtEveryBeat();
    void wordsForPeopleOnTheLocalStack();
    void aLongerEventLineRefits();
    void p99IsARollingMeanOnTheKioskOnly();

private:
    void fillStore();
    void runUpTo(int beatIndex);
    void draw();
    QStringList problemsOnTheKiosks(const QString &where, QStringList *seen);

    std::unique_ptr<PresenterSession> m_session;
    std::unique_ptr<StandInCluster> m_nodes;
    std::unique_ptr<PresenterWindows> m_windows;
    FrameClock *m_clock = nullptr;
    MainWindow *m_main = nullptr;
    KioskWindow *m_kiosk = nullptr; // with CockroachDB's view: numbers, stopwatch, node grid
    std::unique_ptr<KioskWindow> m_chartsKiosk; // without it: the four charts, live nodes among them
};

void TestKioskWordsGui::init()
{
    // A cluster profile (every kiosk chart is live); the session is never started, so no kubectl
    // runs: the store is filled directly and the pods are reported by StandInCluster. The plan's
    // beats keep their titles and expectations (their labels are on the kiosk) without actions.
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::StatefulSet;
    profile.replicationFactor = 3;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    QVERIFY2(m_session->loadPlan(&errors), qPrintable(errors.join(u'\n')));
    DemoPlan plan = m_session->story()->plan();
    for (Beat &b : plan.beats) {
        b.actions.clear();
    }
    m_session->story()->setPlan(plan);
    m_nodes = std::make_unique<StandInCluster>(m_session.get());
    QVERIFY(m_nodes->isListening());
    WindowsOptions options;
    options.kiosk = true;
    options.clusterView = m_nodes->view();
    m_windows = std::make_unique<PresenterWindows>(m_session.get(), options);
    m_clock = m_windows->clock();
    m_main = m_windows->main();
    m_kiosk = m_windows->kiosk();
    m_kiosk->setObjectName(u"kiosk"_s);
    m_chartsKiosk = std::make_unique<KioskWindow>(m_session.get(), m_clock);
    m_chartsKiosk->setObjectName(u"kiosk without the node view"_s);
    for (QWidget *w : {static_cast<QWidget *>(m_main), static_cast<QWidget *>(m_kiosk),
             static_cast<QWidget *>(m_chartsKiosk.get())}) {
        w->resize(1280, 720);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
    }
    m_nodes->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_nodes->view()->summary().liveNodes, 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_nodes->view()->summary().reporting, 3, 5000);
    fillStore();
}

void TestKioskWordsGui::cleanup()
{
    m_chartsKiosk.reset();
    m_windows.reset();
    m_main = nullptr;
    m_kiosk = nullptr;
    m_clock = nullptr;
    m_nodes.reset();
    m_session.reset();
}

void TestKioskWordsGui::fillStore()
{
    // Five minutes at the feed's pace (1 s ticks) with a p99 that jumps 30 / 70 ms from tick to
    // tick around 50 ms (the band), and Prometheus' cluster series every 15 s; the markers the talk
    // makes.
    TimeSeriesStore &s = m_session->store();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 t0 = now - 300'000;
    for (qint64 t = t0, i = 0; t <= now; t += 1000, ++i) {
        s.append(u"app.rps.login"_s, t, 4);
        s.append(u"app.rps.search"_s, t, 16);
        for (const QString &route : {u"login"_s, u"search"_s}) {
            s.append(u"app.p50."_s + route, t, 10);
            s.append(u"app.p95."_s + route, t, 25);
            s.append(u"app.p99."_s + route, t, i % 2 == 0 ? 30 : 70);
            s.append(u"app.errors."_s + route, t, 0);
        }
        if (i % 15 == 0) {
            s.append(u"crdb.live_nodes"_s, t, 3);
            s.append(u"crdb.ranges_underreplicated"_s, t, 0);
            s.append(u"crdb.ranges_unavailable"_s, t, 0);
        }
    }
    const auto at = [&](qint64 ms, EventMarker::Kind kind, const QString &text) {
        EventMarker e;
        e.tsMs = ms;
        e.kind = kind;
        e.text = text;
        s.addMarker(e);
    };
    at(t0 + 20'000, EventMarker::Kind::Phase, u"beat: "_s + m_session->story()->plan().beats.constFirst().title);
    at(t0 + 30'000, EventMarker::Kind::Sql, u"applied sql/20-phase2-rf3.sql"_s);
    at(t0 + 200'000, EventMarker::Kind::Failure, u"crdb-2 down (keep down)"_s);
}

void TestKioskWordsGui::runUpTo(int beatIndex)
{
    StoryController *story = m_session->story();
    while (story->shownIndex() < beatIndex) {
        story->next(); // arm
        story->next(); // run: no actions, back to Showing at once
        QTRY_VERIFY_WITH_TIMEOUT(story->stage() == StoryController::Stage::Showing, 3000);
    }
}

void TestKioskWordsGui::draw()
{
    QTest::qWait(50);
    m_clock->frame(true);
    m_kiosk->eventList()->refresh();
    m_chartsKiosk->eventList()->refresh();
    QTest::qWait(50);
}

QStringList TestKioskWordsGui::problemsOnTheKiosks(const QString &where, QStringList *seen)
{
    const QStringList series = m_session->store().seriesNames();
    QStringList out;
    for (KioskWindow *kiosk : {m_kiosk, m_chartsKiosk.get()}) {
        for (const auto &[what, text] : shownTexts(kiosk)) {
            seen->append(text);
            for (const QString &p : wordProblems(text, series)) {
                out << u"%1, %2, %3: %4 in \"%5\""_s.arg(where, kiosk->objectName(), what, p, text);
            }
        }
    }
    return out;
}

void TestKioskWordsGui::theRuleCatchesWhatItShould()
{
    // The rule itself, on the texts it exists for, and on what it must let through.
    const QStringList series {u"app.p99.login"_s};
    QCOMPARE(wordProblems(u"Heal: Heal stopwatch: no fault yet"_s, series), QStringList {u"doubled word 'heal'"_s});
    QCOMPARE(wordProblems(u"liveness_livenodes"_s, series), QStringList {u"raw metric name 'liveness_livenodes'"_s});
    QCOMPARE(wordProblems(u"from app.p99.login"_s, series), QStringList {u"series name 'app.p99.login'"_s});
    QCOMPARE(wordProblems(u"3 / 3"_s, series), QStringList());
    QCOMPARE(wordProblems(u"from 3 of 3 nodes; crdb-2 down (keep down)"_s, series), QStringList());
    QCOMPARE(wordProblems(u"applied sql/20-phase2-rf3.sql"_s, series), QStringList());
    QCOMPARE(wordProblems(u"<b>PASS</b>"_s, series), QStringList());
}

void TestKioskWordsGui::wordsForPeopleAtEveryBeat()
{
    QStringList problems;
    QStringList seen;
    const QList<Beat> &beats = m_session->story()->plan().beats;
    const int failure = m_session->story()->plan().indexOf(u"failure"_s);
    QVERIFY(failure > 0);
    for (int beat = -1; beat < beats.size(); ++beat) {
        if (beat >= 0) {
            runUpTo(beat);
        }
        if (beat == failure) {
            // The fault as the kiosk shows it, from here to the last beat: the stopwatch running,
            // crdb-2's tile down.
            Q_EMIT m_session->cluster()->faultStarted(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
            m_nodes->standIn(2).setMode(CrdbStatusStandIn::Mode::Closed);
            QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->stopwatchText().startsWith(u"Heal: crdb-2 down: "_s), 3000);
        }
        draw();
        problems += problemsOnTheKiosks(
            beat < 0 ? u"before the first beat"_s : u"beat '%1'"_s.arg(beats.at(beat).id), &seen);
    }
    problems.removeDuplicates();
    // The walk saw what it is about: every beat's title and expectations (verdicts), the running
    // stopwatch, the live-nodes legend.
    const QString all = seen.join(u'\n');
    for (const Beat &b : beats) {
        QVERIFY2(all.contains(b.title), qPrintable(b.title));
        for (const PlanExpectation &e : b.expectations) {
            QVERIFY2(all.contains(e.label), qPrintable(e.label));
        }
    }
    QVERIFY(all.contains(u"Heal: crdb-2 down: "_s));
    QVERIFY(all.contains(u"live nodes"_s));
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestKioskWordsGui::wordsForPeopleOnTheLocalStack()
{
    // The local stack (no cluster): most verdicts on the kiosk are skipped ones, and their reasons
    // are for people too: no metric name, no action type. The plan keeps only the actions the local
    // stack skips without a peer (the cluster's changes), so the skips are the executor's own.
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::None;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    PresenterSession session(profile);
    QStringList errors;
    QVERIFY2(session.loadPlan(&errors), qPrintable(errors.join(u'\n')));
    DemoPlan plan = session.story()->plan();
    for (Beat &b : plan.beats) {
        b.actions.removeIf([](const PlanAction &a) {
            return !a.changesCluster() || a.type == PlanAction::Type::RunSql || a.type == PlanAction::Type::Backup;
        });
    }
    session.story()->setPlan(plan);
    session.story()->setMajorityLossConfirmation([](const Beat &) { return true; });
    FrameClock clock(&session.store());
    KioskWindow kiosk(&session, &clock);
    kiosk.setObjectName(u"local-stack kiosk"_s);
    kiosk.resize(1280, 720);
    kiosk.show();
    QVERIFY(QTest::qWaitForWindowExposed(&kiosk));
    const QStringList series = session.store().seriesNames();
    QStringList problems;
    QStringList skipped;
    StoryController *story = session.story();
    const auto runTo = [story](int beat) {
        while (story->shownIndex() < beat) {
            story->next();
            story->next();
            QTRY_VERIFY_WITH_TIMEOUT(story->stage() == StoryController::Stage::Showing, 3000);
        }
    };
    for (int beat = 0; beat < plan.beats.size(); ++beat) {
        runTo(beat);
        QTest::qWait(50);
        clock.frame(true);
        if (beat == plan.indexOf(u"failure"_s)) {
            // The failure beat on a 1024x768 projector: four skipped verdicts with their reasons, and
            // nothing cut: no label clipped by the panel that holds it ("4 skipped" lost its lower half),
            // and each chart's "needs CockroachDB" note whole, beside its legend.
            kiosk.resize(1024, 768);
            QTest::qWait(100);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            clock.frame(true);
            QTest::qWait(50);
            QVERIFY(kiosk.grab().save(testenv::outputDir() + u"/kiosk-words-local-stack-failure-1024x768.png"_s));
            for (QLabel *label : kiosk.findChildren<QLabel *>()) {
                if (!label->isVisibleTo(&kiosk) || label->text().isEmpty()) {
                    continue;
                }
                QRect shown(label->mapTo(&kiosk, QPoint(0, 0)), label->size());
                const QRect whole = shown;
                for (QWidget *p = label->parentWidget(); p; p = p->parentWidget()) {
                    shown &= QRect(p->mapTo(&kiosk, QPoint(0, 0)), p->size());
                }
                QVERIFY2(shown == whole,
                    qPrintable(u"kiosk at 1024x768, failure beat: '%1' shows %2 of %3 px of height"_s
                                   .arg(plainText(label->text()).left(80))
                                   .arg(shown.height())
                                   .arg(whole.height())));
            }
            for (TimeChart *chart : kiosk.charts()) {
                if (chart->unavailableReason().isEmpty()) {
                    continue;
                }
                QRectF area;
                bool fits = false;
                chart->unavailableNoteFont(&area, &fits);
                QVERIFY2(fits, qPrintable(chart->spec().title));
                QVERIFY2(area.right() <= chart->chart()->plotArea().right(), qPrintable(chart->spec().title));
            }
            kiosk.resize(1280, 720);
            QTest::qWait(100);
        }
        for (const auto &[what, text] : shownTexts(&kiosk)) {
            for (const QString &line : text.split(u'\n')) {
                if (line.startsWith(u"SKIPPED"_s)) {
                    skipped << line;
                }
            }
            for (const QString &p : wordProblems(text, series)) {
                problems << u"beat '%1', %2: %3 in \"%4\""_s.arg(plan.beats.at(beat).id, what, p, text);
            }
        }
    }
    problems.removeDuplicates();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    // The walk saw both kinds of skip: a verdict on CockroachDB's metrics, and one after a change
    // the local stack could not make (the failure beat's "the app stays ready").
    QVERIFY2(skipped.filter(u"needs CockroachDB"_s).size() > 0, qPrintable(skipped.join(u'\n')));
    QVERIFY2(skipped.filter(u"could not make the change"_s).size() > 0, qPrintable(skipped.join(u'\n')));
    QVERIFY(kiosk.grab().save(testenv::outputDir() + u"/kiosk-words-local-stack.png"_s));
}

void TestKioskWordsGui::aLongerEventLineRefits()
{
    // The kiosk's event line shows the newest two events; a new, longer one that wraps keeps the
    // count at two but needs more height: the kiosk must re-fit (on the real X server at 1024x768
    // the local stack's "skipped keep node ..." event pushed the verdicts' last line under the
    // charts).
    TimeSeriesStore store;
    EventList events(&store, 2);
    events.resize(400, 200);
    const auto add = [&store](const QString &text) {
        EventMarker e;
        e.tsMs = QDateTime::currentMSecsSinceEpoch();
        e.kind = EventMarker::Kind::Phase;
        e.text = text;
        store.addMarker(e);
    };
    add(u"one"_s);
    add(u"two"_s);
    events.refresh();
    QSignalSpy spy(&events, &EventList::lineCountChanged);
    add(u"skipped keep node crdb-2 down (SIGTERM; it stays down until started): needs Kubernetes: the "
        u"local stack has no cluster"_s);
    events.refresh();
    QCOMPARE(spy.size(), 1);
}

void TestKioskWordsGui::p99IsARollingMeanOnTheKioskOnly()
{
    draw();
    QVERIFY(m_kiosk->grab().save(testenv::outputDir() + u"/kiosk-words.png"_s));
    QVERIFY(m_chartsKiosk->grab().save(testenv::outputDir() + u"/kiosk-words-charts.png"_s));
    const auto spread = [](const QList<QList<QPointF>> &segments, double fromS) {
        double lo = 1e9, hi = -1e9;
        for (const auto &segment : segments) {
            for (const QPointF &p : segment) {
                if (p.x() >= fromS) {
                    lo = std::min(lo, p.y());
                    hi = std::max(hi, p.y());
                }
            }
        }
        return std::pair {lo, hi};
    };
    TimeChart *kioskP99 = nullptr;
    for (TimeChart *c : m_kiosk->charts()) {
        if (c->spec().id == u"p99") {
            kioskP99 = c;
        }
    }
    QVERIFY(kioskP99);
    // The last four minutes (a full window behind every point): the 30 / 70 band is a line at 50
    // (each 10 s window holds five of each, or six and four: 46..54).
    for (const QString &route : {u"app.p99.login"_s, u"app.p99.search"_s}) {
        const auto [lo, hi] = spread(kioskP99->shownSegments(route), -240);
        QVERIFY2(lo >= 45.9 && hi <= 54.1, qPrintable(u"kiosk %1 spans %2..%3 ms"_s.arg(route).arg(lo).arg(hi)));
    }
    // The chart says which window it averages.
    const QString window = u"%1 s rolling"_s.arg(chartspecs::kioskP99WindowMs / 1000);
    QVERIFY2(kioskP99->chart()->title().contains(window), qPrintable(kioskP99->chart()->title()));
    // ... and not only in a string: on a 1024x768 projector the title fits its chart whole (Qt Charts
    // elides a longer one to "... 10 s rolling ...").
    m_kiosk->resize(1024, 768);
    QTest::qWait(100);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    const double titleWidth
        = QFontMetricsF(kioskP99->chart()->titleFont()).horizontalAdvance(kioskP99->chart()->title());
    const QRectF room = kioskP99->chart()->geometry().marginsRemoved(kioskP99->chart()->margins().toMarginsF());
    QVERIFY2(titleWidth <= room.width(),
        qPrintable(
            u"title '%1' needs %2 px, has %3"_s.arg(kioskP99->chart()->title()).arg(titleWidth).arg(room.width())));
    // The presenter's latency chart keeps the raw per-tick series.
    TimeChart *latency = nullptr;
    for (TimeChart *c : m_main->findChildren<TimeChart *>()) {
        if (c->spec().id == u"latency") {
            latency = c;
        }
    }
    QVERIFY(latency);
    const auto [lo, hi] = spread(latency->shownSegments(u"app.p99.login"_s), -240);
    QCOMPARE(lo, 30.0);
    QCOMPARE(hi, 70.0);
}

QTEST_MAIN(TestKioskWordsGui)
#include "tst_kiosk_words_gui.moc"
