// What the audience sees of a fault, on the real main and kiosk windows: the node grid with
// CockroachDB's view (from stand-ins of three nodes' HTTP ports, real sockets), the big numbers,
// the heal stopwatch and the app's experience, before, during and after a fault; the manual fault
// controls (presenter only) and the typed confirmation for losing the majority. Screenshots of
// both windows at 1920x1080 and 1280x720 go to TEST_OUTPUT_DIR. Every function starts from a
// fresh healthy cluster and fresh windows (init) and brings about the state it checks itself, so
// each passes alone and in any order (tests/gui-order.sh).
#include "big_number_tile.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "node_grid.h"
#include "presenter_windows.h"
#include "stand_in_cluster.h"
#include "typed_confirm_dialog.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

FeedTick tick(qint64 tsMs, int count, int errors)
{
    FeedTick t;
    t.tsMs = tsMs;
    t.intervalMs = 200;
    LatencyStats s;
    s.count = count;
    s.errors = errors;
    t.routes.insert(u"search"_s, s);
    t.routes.insert(u"login"_s, s);
    return t;
}
} // namespace

class TestFaultScreensGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void beforeTheFault();
    void kioskHasNoControls();
    void duringTheFault();
    void losingTheMajorityNeedsTheNameTyped();
    void afterTheHeal();
    void withTheMajorityLost();

private:
    void feed(int count, int errors);
    void screenshots(const QString &phase);
    // The states the functions start from, each waited for on the windows.
    void healthyUnderLoad(); // three nodes live and reporting, a beat started, one tick of traffic
    void keepCrdb2Down(); // the driver reports keep_down on crdb-2 and its port refuses connections
    void expireCrdb2Liveness(); // CockroachDB calls crdb-2 suspect; 25 ranges lack a replica
    CrdbStatusStandIn &node(int i) { return m_nodes->standIn(i); }

    std::unique_ptr<PresenterSession> m_session;
    std::unique_ptr<StandInCluster> m_nodes;
    ClusterView *m_view = nullptr;
    std::unique_ptr<PresenterWindows> m_windows;
    FrameClock *m_clock = nullptr;
    MainWindow *m_main = nullptr;
    KioskWindow *m_kiosk = nullptr;
};

void TestFaultScreensGui::init()
{
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::None;
    profile.replicationFactor = 3;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    QVERIFY2(m_session->loadPlan(&errors), qPrintable(errors.join(u'\n')));
    m_nodes = std::make_unique<StandInCluster>(m_session.get());
    QVERIFY(m_nodes->isListening());
    m_view = m_nodes->view();
    m_view->stopwatch().setSettleMs(1000);
    WindowsOptions options;
    options.kiosk = true;
    options.clusterView = m_view;
    m_windows = std::make_unique<PresenterWindows>(m_session.get(), options);
    m_clock = m_windows->clock();
    m_main = m_windows->main();
    m_kiosk = m_windows->kiosk();
    m_main->show();
    m_kiosk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_main));
    QVERIFY(QTest::qWaitForWindowExposed(m_kiosk));
    m_nodes->start();
}

void TestFaultScreensGui::cleanup()
{
    m_windows.reset();
    m_main = nullptr;
    m_kiosk = nullptr;
    m_clock = nullptr;
    m_view = nullptr;
    m_nodes.reset();
    m_session.reset();
}

void TestFaultScreensGui::healthyUnderLoad()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_view->summary().liveNodes, 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->summary().reporting == 3, 5000);
    m_view->beatStarted(QDateTime::currentMSecsSinceEpoch() - 1);
    feed(500, 0);
}

void TestFaultScreensGui::keepCrdb2Down()
{
    Q_EMIT m_session->cluster()->faultStarted(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    node(2).setMode(CrdbStatusStandIn::Mode::Closed);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: refused"_s), 3000);
}

void TestFaultScreensGui::expireCrdb2Liveness()
{
    QList<CrdbStatusStandIn::Node> &cluster = m_nodes->nodes();
    cluster[2].liveness = 2;
    for (int i = 0; i < 3; ++i) {
        node(i).setNodes(cluster);
        if (i < 2) {
            node(i).setVars(i + 1, cluster[i].address, 36, 71, 36, 12 + i, 0, 3740);
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"25"_s, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB: suspect"_s), 3000);
}

void TestFaultScreensGui::feed(int count, int errors)
{
    // A tick covers the 200 ms before its timestamp: stamp it after now, as a tick arriving next would be.
    m_view->addTick(tick(QDateTime::currentMSecsSinceEpoch() + 200, count, errors));
}

void TestFaultScreensGui::screenshots(const QString &phase)
{
    for (const QSize size : {QSize(1920, 1080), QSize(1280, 720)}) {
        for (QWidget *w : {static_cast<QWidget *>(m_main), static_cast<QWidget *>(m_kiosk)}) {
            w->resize(size);
        }
        QTest::qWait(150);
        m_clock->frame(true);
        const QString suffix = u"%1-%2x%3.png"_s.arg(phase).arg(size.width()).arg(size.height());
        QVERIFY(m_main->grab().save(testenv::outputDir() + u"/fault-main-"_s + suffix));
        QVERIFY(m_kiosk->grab().save(testenv::outputDir() + u"/fault-kiosk-"_s + suffix));
    }
}

void TestFaultScreensGui::beforeTheFault()
{
    NodeGrid *grid = m_kiosk->nodeGrid();
    QVERIFY(grid);
    QCOMPARE(m_kiosk->stopwatchText(), u"Heal: no fault yet"_s);
    healthyUnderLoad();
    QCOMPARE(grid->tileCount(), 3);
    const QString tile = m_main->nodeGrid()->tileText(u"crdb-2"_s);
    QVERIFY2(tile.contains(u"crdb-2  ·  n3"_s) && tile.contains(u"\nlive\n"_s) && tile.contains(u"ranges 24"_s)
            && tile.contains(u"crdb-2.crdb.crdb-evolution.svc.cluster.local:26257"_s)
            && tile.contains(u"uptime 1 h 02 min"_s) && tile.contains(u"pod: Running, ready, restarts 0"_s),
        qPrintable(tile));
    const QString big = grid->tileText(u"crdb-2"_s);
    QVERIFY2(big.contains(u"crdb-2  ·  n3\nlive\nranges 24"_s) && big.contains(u"leases 24"_s)
            && big.contains(u"up 1 h 02 min · crdb-2.…:26257"_s),
        qPrintable(big));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"3 / 3"_s);
    QCOMPARE(m_kiosk->tiles().at(1)->number(), u"0"_s);
    QCOMPARE(m_kiosk->tiles().at(2)->number(), u"0"_s);
    QCOMPARE(m_kiosk->tiles().at(3)->number(), u"100 %"_s);
    QCOMPARE(m_kiosk->stopwatchText(), u"Heal: no fault yet"_s);
    screenshots(u"1-before"_s);
}

void TestFaultScreensGui::kioskHasNoControls()
{
    QVERIFY(m_kiosk->findChildren<QPushButton *>().isEmpty());
    QVERIFY(m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s));
    QVERIFY(m_main->nodeGrid()->healAllButton());
}

void TestFaultScreensGui::duringTheFault()
{
    // keep_down on crdb-2: the driver says the node went down, its port refuses connections, and
    // the two others soon count the ranges that lost a replica.
    healthyUnderLoad();
    keepCrdb2Down();
    QVERIFY2(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB: still live (not expired yet)"_s),
        qPrintable(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s)));
    QVERIFY2(
        m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: connection refused (the process is not running)"_s),
        qPrintable(m_main->nodeGrid()->tileText(u"crdb-2"_s)));
    QVERIFY(m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB still says live"_s));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"2 / 3"_s);
    QVERIFY2(m_kiosk->stopwatchText().startsWith(u"Heal: crdb-2 down: "_s), qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    // Liveness expires: CockroachDB calls it suspect, and its ranges are under-replicated.
    expireCrdb2Liveness();
    QVERIFY(m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB says suspect"_s));
    feed(4998, 1);
    feed(5000, 0);
    QVERIFY2(m_kiosk->appExperienceText().contains(u"while crdb-2 was down (19994 of 19996; 2 failed)"_s),
        qPrintable(m_kiosk->appExperienceText()));
    QCOMPARE(m_kiosk->tiles().at(3)->number(), u"99.99 %"_s);
    screenshots(u"2-during"_s);
}

void TestFaultScreensGui::losingTheMajorityNeedsTheNameTyped()
{
    NodeGrid *grid = m_main->nodeGrid();
    QSignalSpy faults(grid, &NodeGrid::faultRequested);
    healthyUnderLoad();
    QVERIFY(!m_view->wouldLoseMajority());
    keepCrdb2Down(); // one node down: a second would lose the majority
    QVERIFY(m_view->wouldLoseMajority());
    QPushButton *pause = grid->button(u"crdb-1"_s, u"pause"_s);
    QVERIFY(pause && pause->isEnabled());
    bool sawDialog = false;
    bool enabledBeforeTyping = true;
    QTimer::singleShot(200, this, [&] {
        auto *dialog = qobject_cast<TypedConfirmDialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            return;
        }
        sawDialog = true;
        dialog->input()->setText(u"crdb-"_s);
        enabledBeforeTyping = dialog->confirmButton()->isEnabled();
        dialog->input()->setText(u"crdb-1"_s);
        QVERIFY(!dialog->grab().isNull());
        dialog->grab().save(testenv::outputDir() + u"/fault-typed-confirmation.png"_s);
        dialog->confirmButton()->click();
    });
    pause->click();
    QVERIFY(sawDialog);
    QVERIFY(!enabledBeforeTyping);
    QCOMPARE(faults.size(), 1);
    QCOMPARE(faults.at(0).at(0).toInt(), 1);
    QCOMPARE(faults.at(0).at(1).value<ClusterDriver::Fault>(), ClusterDriver::Fault::Pause);
    QCOMPARE(faults.at(0).at(2).toBool(), true);
    // A refusal from the driver is shown where the presenter looks.
    grid->showRefusal(u"one operation at a time: keep down crdb-2 is running"_s);
    QCOMPARE(grid->messageText(), u"Refused: one operation at a time: keep down crdb-2 is running"_s);

    // Heal all: a plain confirmation.
    QSignalSpy heals(grid, &NodeGrid::healAllRequested);
    QTimer::singleShot(200, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
        }
    });
    grid->healAllButton()->click();
    QCOMPARE(heals.size(), 1);
}

void TestFaultScreensGui::afterTheHeal()
{
    healthyUnderLoad();
    keepCrdb2Down();
    expireCrdb2Liveness();
    feed(4998, 1);
    feed(5000, 0);
    node(2).setMode(CrdbStatusStandIn::Mode::Serving);
    QList<CrdbStatusStandIn::Node> &cluster = m_nodes->nodes();
    cluster[2].liveness = 3;
    for (int i = 0; i < 3; ++i) {
        node(i).setNodes(cluster);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_view->summary().liveNodes, 3, 5000);
    Q_EMIT m_session->cluster()->faultEnded(2, u"crdb-2"_s, ClusterDriver::Fault::KeepDown);
    QVERIFY2(m_kiosk->stopwatchText().contains(u"crdb-2 back after"_s), qPrintable(m_kiosk->stopwatchText()));
    QVERIFY(m_view->stopwatch().isRunning()); // under-replicated still above 0: not healed yet
    for (int i = 0; i < 3; ++i) {
        node(i).setVars(i + 1, cluster[i].address, 24, 71, 24, 0, 0, 3760);
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->stopwatchText().startsWith(u"Heal: healed in "_s), 5000);
    QVERIFY2(m_kiosk->stopwatchText().contains(u"up to 25 ranges were under-replicated"_s),
        qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_kiosk->tiles().at(2)->number(), u"0"_s);
    feed(5000, 0); // after the fault window: not counted in it
    QVERIFY2(m_main->appExperienceText().contains(u"while crdb-2 was down (19994 of 19996; 2 failed)"_s),
        qPrintable(m_main->appExperienceText()));
    screenshots(u"3-after"_s);
}

// The encore: crdb-1 and crdb-2 kept down, and crdb-0 cannot renew its liveness (the liveness range
// lost its quorum): its process answers, its readiness says "node is not healthy" (pkg/server/admin.go,
// checkReadinessForHealthCheck), its nodes list hangs. The audience must read "running, not live",
// not "down", for crdb-0, no live node, and no range count: nobody counts ranges then (the gauges
// would read 0, calcRangeCounter), so the numbers say unknown, never a reassuring 0.
void TestFaultScreensGui::withTheMajorityLost()
{
    healthyUnderLoad();
    keepCrdb2Down();
    Q_EMIT m_session->cluster()->faultStarted(1, u"crdb-1"_s, ClusterDriver::Fault::KeepDown);
    node(1).setMode(CrdbStatusStandIn::Mode::Closed);
    node(0).setMode(CrdbStatusStandIn::Mode::NotLive);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-0"_s).contains(u"\nrunning · not live · "_s), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-1"_s).contains(u"DOWN: refused"_s), 3000);
    const QString survivor = m_main->nodeGrid()->tileText(u"crdb-0"_s);
    QVERIFY2(survivor.contains(u"RUNNING, NOT LIVE: the process answers but cannot prove its liveness"_s)
            && survivor.contains(u"node is not healthy"_s),
        qPrintable(survivor));
    QVERIFY(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: refused"_s));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"0 / 3"_s);
    QCOMPARE(m_main->nodeGrid()->summaryText(), u"CockroachDB: 0 of 3 nodes live"_s);
    QCOMPARE(m_view->summary().unavailableRanges, std::nullopt);
    QVERIFY2(m_kiosk->tiles().at(1)->number() != u"0"_s, qPrintable(m_kiosk->tiles().at(1)->number()));
    screenshots(u"4-majority-lost"_s);
}

QTEST_MAIN(TestFaultScreensGui)
#include "tst_fault_screens_gui.moc"
