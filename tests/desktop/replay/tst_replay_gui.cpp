#include "app_options.h"
#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "presenter_windows.h"
#include "replay_badge.h"
#include "replay_controls.h"

#include "processes.h"
#include "recording/recording_writer.h"
#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "recording/session_recorder.h"
#include "session/presenter_session.h"
#include "session/refusing_commands.h"
#include "test_env.h"

#include <QApplication>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

const QByteArray kPlan = R"json({
  "version": 1,
  "title": "replay on the windows",
  "beats": [
    {"id": "warm", "title": "Load on", "narration": "Load starts.", "focus": ["requests"],
     "actions": [{"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}}],
     "expectations": [{"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 5, "within_s": 20,
                       "label": "load runs"}]},
    {"id": "spike", "title": "Spike", "narration": "A short spike.", "focus": ["requests", "load"],
     "actions": [{"type": "spike", "seconds": 2, "rps": 60, "mix": {"login": 0.1, "search": 0.9}}],
     "expectations": [{"kind": "feed", "field": "load.spike_active", "op": "==", "value": 1, "within_s": 6,
                       "label": "spike seen"}]}
  ]
})json";

ConnectionProfile profileFor(const testenv::SampleAppProcess &app)
{
    ConnectionProfile p;
    p.sampleAppUrl = app.url();
    p.prometheusUrl = QUrl(u"http://127.0.0.1:9"_s); // no Prometheus: its polls fail, recorded as such
    p.clusterKind = ClusterKind::None;
    return p;
}

// How many pixels of the badge's colour a window shows (the badge is drawn, not only created).
int badgePixels(QWidget *w)
{
    const QImage img = w->grab().toImage();
    int n = 0;
    for (int y = 0; y < img.height(); y += 2) {
        for (int x = 0; x < img.width(); x += 2) {
            if (img.pixel(x, y) == qRgb(0xc2, 0x18, 0x5b)) {
                ++n;
            }
        }
    }
    return n;
}

void save(QWidget *w, const QString &name)
{
    const QString path = testenv::outputDir() + u'/' + name;
    QVERIFY(w->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

} // namespace

class TestReplayGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void options();
    void replayWindowsShowTheRecording();
    void fallbackSwitchesBothWindowsAndBack();
    void fallbackToAMissingFileKeepsLive();

private:
    std::unique_ptr<testenv::SampleAppProcess> m_app;
    QString m_rehearsal;
};

void TestReplayGui::initTestCase()
{
    m_app = std::make_unique<testenv::SampleAppProcess>(QMap<QString, QString> {{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(m_app->start(), m_app->output().constData());
    // A rehearsal, recorded live on the local stack: both beats run.
    // One file per process: the order check (tst_replay_gui.order) runs this binary again, in
    // parallel with this run, and would rewrite a shared file while a test function reads it.
    m_rehearsal = testenv::outputDir() + u"/replay-gui-rehearsal-%1.jsonl.gz"_s.arg(QCoreApplication::applicationPid());
    QFile::remove(m_rehearsal);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    PresenterSession live(profileFor(*m_app));
    live.setPlan(*plan, testenv::sourceDir());
    recording::RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(m_rehearsal, SessionRecorder::header(live, live.clock().nowMs()), &error), qPrintable(error));
    SessionRecorder recorder(&live, [&writer](const recording::Record &r) { writer.append(r); });
    recorder.recordPlan(kPlan);
    live.start();
    QTRY_VERIFY_WITH_TIMEOUT(live.lastTick().has_value(), 15000);
    QSignalSpy finished(live.executor(), &BeatExecutor::finished);
    for (int beat = 0; beat < 2; ++beat) {
        live.story()->next();
        live.story()->next();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), beat + 1, 15000);
        QTest::qWait(2500);
    }
    live.stop();
    writer.close(live.clock().nowMs());
    QVERIFY(writer.error().isEmpty());
}

void TestReplayGui::cleanupTestCase()
{
    QFile::remove(m_rehearsal);
}

void TestReplayGui::options()
{
    AppOptions o;
    QString error;
    QVERIFY(AppOptions::parse({u"presenter"_s, u"--replay"_s, u"x.jsonl.gz"_s, u"--speed"_s, u"10"_s}, &o, &error));
    QCOMPARE(o.replay, u"x.jsonl.gz"_s);
    QCOMPARE(o.speed, 10.0);
    QVERIFY(!o.record); // a replay records nothing
    QVERIFY(AppOptions::parse({u"presenter"_s}, &o, &error));
    QVERIFY(o.record); // on by default
    QVERIFY(AppOptions::parse({u"presenter"_s, u"--no-record"_s}, &o, &error));
    QVERIFY(!o.record);
    QVERIFY(!AppOptions::parse({u"presenter"_s, u"--speed"_s, u"100"_s}, &o, &error));
    QVERIFY2(error.contains(u"--speed"_s), qPrintable(error));
    QVERIFY(!AppOptions::parse({u"presenter"_s, u"--replay"_s, u"a"_s, u"--fallback"_s, u"b"_s}, &o, &error));
    QVERIFY2(error.contains(u"--fallback"_s), qPrintable(error));
}

void TestReplayGui::replayWindowsShowTheRecording()
{
    QString error;
    auto replay = ReplaySession::open(m_rehearsal, &error);
    QVERIFY2(replay, qPrintable(error));
    ReplayWindows windows(replay.get(), true, true, 15, false);
    windows.main()->resize(1280, 720);
    windows.kiosk()->resize(1280, 720);
    windows.main()->show();
    windows.kiosk()->show();
    QVERIFY(QTest::qWaitForWindowExposed(windows.main()));

    SessionPlayer *player = replay->player();
    player->setSpeed(8);
    player->play();
    QTRY_COMPARE_WITH_TIMEOUT(replay->session()->story()->snapshot().lastRun, 1, 15000);
    // Space pauses, from the keyboard, wherever the focus is.
    QTest::keyClick(windows.main(), Qt::Key_Space);
    QVERIFY(!player->isPlaying());
    windows.updateBadges();
    QVERIFY2(windows.mainBadge()->text().contains(u"paused"_s), qPrintable(windows.mainBadge()->text()));
    QVERIFY(windows.mainBadge()->isVisible());
    QVERIFY(windows.kioskBadge()->isVisible());
    windows.clock()->frame(true);
    QVERIFY2(badgePixels(windows.main()) > 200, "the REPLAY badge is not drawn on the presenter's window");
    QVERIFY2(badgePixels(windows.kiosk()) > 200, "the REPLAY badge is not drawn on the kiosk");
    save(windows.main(), u"replay-main.png"_s);
    save(windows.kiosk(), u"replay-kiosk.png"_s);

    // PageUp seeks back to the previous recorded beat, PageDown forward; + doubles the speed.
    QTest::keyClick(windows.main(), Qt::Key_PageUp);
    QCOMPARE(replay->session()->story()->snapshot().lastRun, 0);
    QTest::keyClick(windows.main(), Qt::Key_PageDown);
    QCOMPARE(replay->session()->story()->snapshot().lastRun, 1);
    QTest::keyClick(windows.main(), Qt::Key_Plus);
    QCOMPARE(player->speed(), 16.0);
    // Actions are shown as recorded, never executed.
    QString why;
    QVERIFY(!replay->session()->cluster()->scaleTo(3, &why));
    // The controls' buttons ask through the session's commands: refused in a replay, never sent
    // to the sample app the recording came from.
    QPushButton *start = nullptr;
    for (auto *b : windows.main()->findChildren<QPushButton *>()) {
        if (b->text() == u"Start load"_s) {
            start = b;
        }
    }
    QVERIFY(start);
    QSignalSpy answered(replay->session()->control(), &SampleAppControl::commandFinished);
    start->click();
    auto loadStartAnswer = [&answered]() -> QList<QVariant> {
        for (const QList<QVariant> &a : std::as_const(answered)) {
            if (a.at(1).value<SampleAppControl::Command>() == SampleAppControl::Command::LoadStart) {
                return a;
            }
        }
        return {};
    };
    QTRY_VERIFY(!loadStartAnswer().isEmpty());
    const QList<QVariant> a = loadStartAnswer();
    qInfo("Start load in a replay: %s: %s", a.at(2).toBool() ? "sent" : "refused", qPrintable(a.at(3).toString()));
    QCOMPARE(a.at(2).toBool(), false);
    QCOMPARE(a.at(3).toString(), RefusingCommands::reason());
}

void TestReplayGui::fallbackSwitchesBothWindowsAndBack()
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(kPlan, &errors);
    QVERIFY(plan);
    PresenterSession live(profileFor(*m_app));
    live.setPlan(*plan, testenv::sourceDir());
    WindowsOptions options;
    options.kiosk = true;
    PresenterWindows windows(&live, options);
    MainWindow &main = *windows.main();
    KioskWindow &kiosk = *windows.kiosk();
    main.resize(1280, 720);
    kiosk.resize(1280, 720);
    main.show();
    kiosk.show();
    QVERIFY(QTest::qWaitForWindowExposed(&main));
    live.start();
    live.story()->next();
    live.story()->next(); // the live talk is at "warm" when the network dies
    QCOMPARE(live.story()->shownIndex(), 0);

    FallbackSwitcher fallback(&live, m_rehearsal, 15, false);
    fallback.setLiveWindows(&windows);

    QTest::keyClick(&main, Qt::Key_F9);
    QVERIFY(fallback.isReplaying());
    QVERIFY(!main.isVisible());
    QVERIFY(!kiosk.isVisible());
    QVERIFY(fallback.windows()->main()->isVisible());
    QVERIFY(fallback.windows()->kiosk()->isVisible());
    // Positioned at the live beat: the rehearsal has just run "warm".
    QCOMPARE(fallback.replay()->session()->story()->snapshot().lastRun, 0);
    QVERIFY(fallback.replay()->player()->isPlaying());
    QVERIFY(QTest::qWaitForWindowExposed(fallback.windows()->kiosk()));
    fallback.windows()->clock()->frame(true);
    QVERIFY2(badgePixels(fallback.windows()->kiosk()) > 200, "no REPLAY badge on the kiosk during the fallback");
    save(fallback.windows()->main(), u"replay-fallback-main.png"_s);
    save(fallback.windows()->kiosk(), u"replay-fallback-kiosk.png"_s);

    // The clicker drives the replay now, never the live story.
    QTest::keyClick(fallback.windows()->main(), Qt::Key_PageDown);
    QCOMPARE(fallback.replay()->session()->story()->snapshot().lastRun, 1);
    QCOMPARE(live.story()->lastRunIndex(), 0);

    // "Back to live" on the replay's window, then F9 to the rehearsal again, F9 back: the replay paused.
    auto *back = fallback.windows()->main()->findChild<QPushButton *>(u"backToLive"_s);
    QVERIFY(back && back->isVisible());
    back->click();
    QVERIFY(!fallback.isReplaying());
    QVERIFY(main.isVisible());
    QTest::keyClick(&main, Qt::Key_F9);
    QVERIFY(fallback.isReplaying());
    QTest::keyClick(fallback.windows()->main(), Qt::Key_F9);
    QVERIFY(!fallback.isReplaying());
    QVERIFY(main.isVisible());
    QVERIFY(kiosk.isVisible());
    QVERIFY(!fallback.windows()->main()->isVisible());
    QVERIFY(!fallback.replay()->player()->isPlaying());
    QCOMPARE(badgePixels(&kiosk), 0);
    live.stop();
}

void TestReplayGui::fallbackToAMissingFileKeepsLive()
{
    PresenterSession live(profileFor(*m_app));
    QWidget main;
    main.show();
    FallbackSwitcher fallback(&live, testenv::outputDir() + u"/no-such-recording.jsonl.gz"_s, 15, false);
    fallback.setLiveWindows(&main, nullptr);
    QSignalSpy failed(&fallback, &FallbackSwitcher::failed);
    QString error;
    QVERIFY(!fallback.toggle(&error));
    QVERIFY2(error.contains(u"no-such-recording"_s), qPrintable(error));
    QCOMPARE(failed.size(), 1);
    QVERIFY(!fallback.isReplaying());
    QVERIFY(main.isVisible());
}

QTEST_MAIN(TestReplayGui)
#include "tst_replay_gui.moc"
