// A fault injected and healed END TO END, through the real code paths: the presenter's real main
// and kiosk windows (as desktop/app/main.cpp builds them, on the session's ClusterView), the node
// grid's real buttons and confirmations, the session's real ClusterDriver running the real kubectl
// against FakeKubeApi (the one fake: its container model holds, pauses and restarts cockroach),
// and the session's NodeStatusClient reading stand-ins of each node's HTTP port that follow the
// fake's processes (StandInsFollowFake: refused while held, no answer while paused, 503 while
// starting; liveness suspect after a configured delay, under-replicated ranges while suspect).
// tst_fault_screens_gui covers the screens for synthetic states; this one checks that a click
// really reaches the pod and that what the pod then does reaches both windows.
// Screenshots of both windows before, during and after go to TEST_OUTPUT_DIR (fault-e2e-*.png).
// Every function starts from a fresh fake API, stand-ins, session and windows (init) and brings
// about the state it checks itself, so each passes alone and in any order (tests/gui-order.sh).
#include "big_number_tile.h"
#include "fake_kube_api.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "node_grid.h"
#include "presenter_windows.h"
#include "standins_follow_fake.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "test_env.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

class TestFaultHealGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void beforeTheFault();
    void keepDownFromTheGrid();
    void keepDownShowsTheDrainFirst();
    void startFromTheGrid();
    void pauseThenHealAll();

private:
    // Clicks `button` and answers the confirmation it opens (a QMessageBox: Yes) once it is shown;
    // returns the confirmation's text, empty when none appeared.
    QString clickAndConfirm(QPushButton *button);
    QStringList markers() const;
    QString mainSummary() const; // the presenter's grid summary: "CockroachDB: 3 of 3 nodes live"
    void screenshots(const QString &phase);
    void waitHealthy(); // both views of the three nodes arrived: pods from kubectl, CockroachDB's
    void keepCrdb2Down(); // keep down from the grid, until crdb-2 is suspect and its ranges counted

    const QString m_ns = u"crdb-evolution"_s;
    std::unique_ptr<QTemporaryDir> m_cache;
    std::unique_ptr<FakeKubeApi> m_api;
    std::unique_ptr<StandInsFollowFake> m_nodes;
    std::unique_ptr<PresenterSession> m_session;
    std::unique_ptr<PresenterWindows> m_windows;
    FrameClock *m_clock = nullptr;
    MainWindow *m_main = nullptr;
    KioskWindow *m_kiosk = nullptr;
};

void TestFaultHealGui::init()
{
    m_cache = std::make_unique<QTemporaryDir>();
    m_api = std::make_unique<FakeKubeApi>();
    QVERIFY(m_api->listen());
    m_api->reset(m_ns, 3);
    m_api->setRestartDelayMs(400);
    // Liveness expires 1.5 s after the process stopped (CockroachDB: 3-6 s), so that the test sees
    // the suspect node and its under-replicated ranges without waiting for the real figure.
    StandInsFollowFake::Options options;
    options.suspectAfterMs = 1500;
    options.catchUpMs = 1000;
    m_nodes = std::make_unique<StandInsFollowFake>(m_api.get(), 3, options);
    QVERIFY(m_nodes->listen());
    m_nodes->start();

    // The session as main.cpp builds it from a StatefulSet profile (RF 3, the real plan), except
    // where this machine differs from a laptop on stage: kubectl talks to the fake API server
    // (there is no kubeconfig for it), and the fast path reads the stand-ins directly where the
    // presenter would read its per-pod port-forwards (the fake API has no port-forward).
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::StatefulSet;
    profile.replicationFactor = 3;
    profile.kubeNamespace = m_ns;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    m_session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    QVERIFY2(m_session->loadPlan(&errors), qPrintable(errors.join(u'\n')));
    ClusterDriver *driver = m_session->cluster();
    driver->setKubectl(u"kubectl"_s, m_api->kubectlArgs(m_cache->path()));
    driver->setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
    m_session->nodeStatus()->setEndpoints(m_nodes->endpoints());

    QVERIFY(m_session->clusterView());
    WindowsOptions shown;
    shown.kiosk = true; // the node view: the session's (a cluster profile)
    m_windows = std::make_unique<PresenterWindows>(m_session.get(), shown);
    m_clock = m_windows->clock();
    m_main = m_windows->main();
    m_kiosk = m_windows->kiosk();
    m_main->show();
    m_kiosk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_main));
    QVERIFY(QTest::qWaitForWindowExposed(m_kiosk));
    // The sources this test is about; the feed, Prometheus and SQL have nothing to talk to here
    // (tst_presenter_gui runs them against the real sample app).
    driver->start();
    m_session->nodeStatus()->start();
    m_clock->start();
}

void TestFaultHealGui::cleanup()
{
    if (m_session) {
        m_session->stop();
    }
    m_windows.reset();
    m_main = nullptr;
    m_kiosk = nullptr;
    m_clock = nullptr;
    m_session.reset();
    m_nodes.reset();
    const std::unique_ptr<FakeKubeApi> api = std::move(m_api);
    m_cache.reset();
    if (api) {
        QVERIFY2(api->unexpected().isEmpty(), qPrintable(api->unexpected().join(u", "_s)));
        for (const QString &r : api->requests()) {
            QVERIFY2(!r.startsWith(u"DELETE"_s), qPrintable(r)); // no kubectl delete, ever
        }
        QCOMPARE(api->pauseSignals(), QStringList()); // every signal meant cockroach, not PID 1
    }
}

QString TestFaultHealGui::clickAndConfirm(QPushButton *button)
{
    QString text;
    QTimer poll;
    poll.setInterval(50);
    connect(&poll, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            text = box->text();
            poll.stop();
            box->button(QMessageBox::Yes)->click();
        }
    });
    poll.start();
    QTimer::singleShot(5000, &poll, &QTimer::stop); // never hang on a confirmation that never came
    button->click();
    return text;
}

QStringList TestFaultHealGui::markers() const
{
    QStringList list;
    for (const EventMarker &m : m_session->store().markers()) {
        list << m.text;
    }
    return list;
}

QString TestFaultHealGui::mainSummary() const
{
    for (const QLabel *label : m_main->nodeGrid()->findChildren<QLabel *>()) {
        if (label->text().startsWith(u"CockroachDB: "_s) && label->text().contains(u" nodes live"_s)) {
            return label->text();
        }
    }
    return {};
}

void TestFaultHealGui::screenshots(const QString &phase)
{
    m_main->resize(1920, 1080);
    m_kiosk->resize(1280, 720); // the projector
    QTest::qWait(150);
    // The presenter's grid sits in the left column's scroll area: show crdb-2's tile, as the
    // presenter would scroll to it.
    QWidget *tile = m_main->nodeGrid()->button(u"crdb-2"_s, u"resume"_s)->parentWidget();
    for (QWidget *w = tile; w; w = w->parentWidget()) {
        if (auto *scroll = qobject_cast<QScrollArea *>(w)) {
            scroll->ensureWidgetVisible(tile, 0, 0);
            break;
        }
    }
    QTest::qWait(50);
    m_clock->frame(true);
    QVERIFY(m_main->grab().save(testenv::outputDir() + u"/fault-e2e-main-"_s + phase + u".png"_s));
    QVERIFY(m_kiosk->grab().save(testenv::outputDir() + u"/fault-e2e-kiosk-"_s + phase + u".png"_s));
}

void TestFaultHealGui::waitHealthy()
{
    ClusterView *view = m_session->clusterView();
    // The driver's pods (kubectl get pods) and CockroachDB's view (the stand-ins) both arrived.
    QTRY_COMPARE_WITH_TIMEOUT(view->summary().liveNodes, 3, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"pod: Running, ready, restarts 0"_s), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(view->summary().reporting, 3, 10000);
}

void TestFaultHealGui::keepCrdb2Down()
{
    QPushButton *keepDown = m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s);
    QVERIFY(!clickAndConfirm(keepDown).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"held"_s, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB: suspect"_s), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"24"_s, 7000);
    QTRY_VERIFY_WITH_TIMEOUT(m_main->nodeGrid()->button(u"crdb-2"_s, u"start"_s)->isEnabled(), 5000);
}

void TestFaultHealGui::beforeTheFault()
{
    waitHealthy();
    const QString tile = m_main->nodeGrid()->tileText(u"crdb-2"_s);
    QVERIFY2(tile.contains(u"crdb-2  ·  n3"_s) && tile.contains(u"\nlive\n"_s)
            && tile.contains(u"crdb-2.crdb.crdb-evolution.svc.cluster.local:26257"_s),
        qPrintable(tile));
    QCOMPARE(mainSummary(), u"CockroachDB: 3 of 3 nodes live"_s);
    QVERIFY2(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"\nlive\n"_s),
        qPrintable(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s)));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"3 / 3"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"0"_s, 6000); // vars every 5 s
    QCOMPARE(m_kiosk->stopwatchText(), u"Heal: no fault yet"_s);
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    QVERIFY(m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s)->isEnabled());
    QVERIFY(!m_main->nodeGrid()->button(u"crdb-2"_s, u"start"_s)->isEnabled());
    QVERIFY(markers().isEmpty());
    screenshots(u"1-before"_s);
}

void TestFaultHealGui::keepDownFromTheGrid()
{
    waitHealthy();
    QPushButton *keepDown = m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s);
    QCOMPARE(clickAndConfirm(keepDown), u"Stop crdb-2 and keep it down until Start?"_s);
    // The click went through the real kubectl to the pod: the hold file is there and cockroach
    // is gone (the container command waits on the file).
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"held"_s, 10000);
    QVERIFY(m_api->holdFile(2));
    QVERIFY2(m_api->execs().last().startsWith(u"crdb-2/cockroachdb: bash|-c|touch /cockroach/faults/hold"_s),
        qPrintable(m_api->execs().join(u'\n')));
    QTRY_VERIFY_WITH_TIMEOUT(markers().contains(u"crdb-2 down (keep down)"_s), 5000);
    // The fast path: crdb-2's port refuses, both windows say so; CockroachDB still calls it live.
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: refused"_s), 5000);
    QVERIFY2(
        m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: connection refused (the process is not running)"_s),
        qPrintable(m_main->nodeGrid()->tileText(u"crdb-2"_s)));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"2 / 3"_s);
    QCOMPARE(mainSummary(), u"CockroachDB: 2 of 3 nodes live"_s);
    QVERIFY2(m_kiosk->stopwatchText().startsWith(u"Heal: crdb-2 down: "_s), qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    // Liveness expires: CockroachDB (the stand-ins) calls it suspect; its ranges lack a replica.
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB: suspect"_s), 5000);
    QVERIFY(m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB says suspect"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"24"_s, 7000);
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"2 / 3"_s);
    QVERIFY(m_session->clusterView()->stopwatch().isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(m_main->nodeGrid()->button(u"crdb-2"_s, u"start"_s)->isEnabled(), 5000);
    QVERIFY(!m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s)->isEnabled());
    QCOMPARE(m_api->processState(2), u"held"_s); // still down: keep down means until Start
    screenshots(u"2-during"_s);
}

// SIGTERM is not an instant exit: cockroach drains first (pkg/server/drain.go, drainClients: its
// readiness says "node is shutting down" while it still serves SQL for server.shutdown.initial_wait),
// then exits. The fake's process drains for 2 s here (15 to 30 s on a real node): both windows show
// "draining" (the process runs, CockroachDB still calls it live) before DOWN.
void TestFaultHealGui::keepDownShowsTheDrainFirst()
{
    waitHealthy();
    m_api->setDrainMs(2000);
    QPushButton *keepDown = m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s);
    QCOMPARE(clickAndConfirm(keepDown), u"Stop crdb-2 and keep it down until Start?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"draining"_s, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"\ndraining · "_s), 3000);
    QVERIFY2(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"CockroachDB: still live (not expired yet)"_s),
        qPrintable(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s)));
    QVERIFY2(m_main->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DRAINING: the process runs and still serves SQL"_s),
        qPrintable(m_main->nodeGrid()->tileText(u"crdb-2"_s)));
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"2 / 3"_s); // not serving: not counted live
    screenshots(u"2a-draining"_s);
    // The drain ends, cockroach exits, the held container waits: the port refuses.
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"held"_s, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: refused"_s), 5000);
    QVERIFY(!m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"draining"_s));
}

void TestFaultHealGui::startFromTheGrid()
{
    waitHealthy();
    keepCrdb2Down();
    QPushButton *start = m_main->nodeGrid()->button(u"crdb-2"_s, u"start"_s);
    QCOMPARE(clickAndConfirm(start), u"Start crdb-2 again (end its controlled outage)?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"running"_s, 10000);
    QVERIFY(!m_api->holdFile(2));
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(0)->number(), u"3 / 3"_s, 10000);
    // The driver saw the pod Ready again after it was down: the fault's end marker.
    static const QRegularExpression back(u"^crdb-2 back after (\\d+) s$"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!markers().filter(back).isEmpty(), 10000);
    const int seconds = back.match(markers().filter(back).constFirst()).captured(1).toInt();
    QVERIFY2(seconds >= 2, qPrintable(markers().join(u" | "_s))); // held past the 1.5 s liveness expiry
    // Healed: node live, then the under-replicated ranges back to 0 after the catch-up.
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->stopwatchText().startsWith(u"Heal: healed in "_s), 15000);
    QVERIFY2(m_kiosk->stopwatchText().contains(u"up to 24 ranges were under-replicated"_s),
        qPrintable(m_kiosk->stopwatchText()));
    QVERIFY2(m_kiosk->stopwatchText().contains(u"crdb-2 back after"_s), qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"0"_s, 6000);
    QVERIFY2(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"\nlive\n"_s),
        qPrintable(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s)));
    QCOMPARE(mainSummary(), u"CockroachDB: 3 of 3 nodes live"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_main->nodeGrid()->button(u"crdb-2"_s, u"keep down"_s)->isEnabled(), 5000);
    QVERIFY(!m_main->nodeGrid()->button(u"crdb-2"_s, u"start"_s)->isEnabled());
    QVERIFY(m_session->cluster()->activeFaults().isEmpty());
    screenshots(u"3-after"_s);
}

void TestFaultHealGui::pauseThenHealAll()
{
    waitHealthy();
    const qsizetype backBefore = markers().filter(u"crdb-2 back after"_s).size();
    QPushButton *pause = m_main->nodeGrid()->button(u"crdb-2"_s, u"pause"_s);
    QCOMPARE(clickAndConfirm(pause), u"Pause crdb-2 (SIGSTOP: a hung node) until Resume?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"stopped"_s, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(markers().contains(u"crdb-2 down (pause)"_s), 5000);
    // A hung node accepts connections and never answers: the fast path's timeout says so.
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->nodeGrid()->tileText(u"crdb-2"_s).contains(u"DOWN: no answer"_s), 6000);
    QCOMPARE(m_kiosk->tiles().at(0)->number(), u"2 / 3"_s);
    QCOMPARE(mainSummary(), u"CockroachDB: 2 of 3 nodes live"_s);
    QVERIFY2(m_kiosk->stopwatchText().startsWith(u"Heal: crdb-2 down: "_s), qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"24"_s, 8000);
    QTRY_VERIFY_WITH_TIMEOUT(m_main->nodeGrid()->button(u"crdb-2"_s, u"resume"_s)->isEnabled(), 5000);
    screenshots(u"4-paused"_s);

    const QString confirmation = clickAndConfirm(m_main->nodeGrid()->healAllButton());
    QVERIFY2(confirmation.startsWith(u"Undo every injected fault"_s), qPrintable(confirmation));
    QTRY_COMPARE_WITH_TIMEOUT(m_api->processState(2), u"running"_s, 10000);
    QVERIFY2(m_api->execs().filter(u"kill -CONT"_s).size() >= 1, qPrintable(m_api->execs().join(u'\n')));
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(0)->number(), u"3 / 3"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(markers().filter(u"crdb-2 back after"_s).size(), backBefore + 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->stopwatchText().startsWith(u"Heal: healed in "_s), 15000);
    QVERIFY2(m_kiosk->stopwatchText().contains(u"up to 24 ranges were under-replicated"_s),
        qPrintable(m_kiosk->stopwatchText()));
    QCOMPARE(m_main->stopwatchText(), m_kiosk->stopwatchText());
    QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->tiles().at(2)->number(), u"0"_s, 6000);
    QCOMPARE(mainSummary(), u"CockroachDB: 3 of 3 nodes live"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->cluster()->isBusy(), 10000);
    QVERIFY(m_session->cluster()->activeFaults().isEmpty());
    screenshots(u"5-healed"_s);
}

QTEST_MAIN(TestFaultHealGui)
#include "tst_fault_heal_gui.moc"
