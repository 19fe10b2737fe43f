// The pace display (app/pace_display.h) on the real windows: on the presenter's window, never on the
// kiosk; fed by the session's beat runs at the session's clock (a replay's here, so the times are
// exact): the talk's plan (demo/plan.json, 15 minutes, baseline 60 s) reads behind once the first
// beat overruns; a plan without budgets shows the elapsed time only.
#include "kiosk_window.h"
#include "main_window.h"
#include "pace_display.h"
#include "presenter_windows.h"

#include "session/presenter_session.h"
#include "test_env.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

constexpr qint64 kT0 = 1'765'000'000'000;

std::unique_ptr<PresenterSession> replaySession(bool budgets)
{
    ConnectionProfile profile;
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    auto session = std::make_unique<PresenterSession>(profile);
    QStringList errors;
    if (!session->loadPlan(&errors)) {
        qFatal("%s", qPrintable(errors.join(u'\n')));
    }
    if (!budgets) {
        DemoPlan plan = session->story()->plan();
        plan.talkMinutes = 0;
        for (Beat &b : plan.beats) {
            b.budgetS = 0;
        }
        session->story()->setPlan(plan);
    }
    session->setReplayMode();
    session->clock().setTime(kT0);
    return session;
}

} // namespace

class TestPaceDisplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void onThePresentersWindowOnly();
    void behindOnceTheFirstBeatOverruns();
    void elapsedOnlyWithoutBudgets();
};

void TestPaceDisplay::onThePresentersWindowOnly()
{
    auto session = replaySession(true);
    WindowsOptions options;
    options.main = true;
    options.kiosk = true;
    PresenterWindows windows(session.get(), options);
    QVERIFY(windows.main()->paceDisplay());
    QCOMPARE(windows.main()->findChildren<PaceDisplay *>().size(), 1);
    QVERIFY(windows.kiosk()->findChildren<PaceDisplay *>().isEmpty());
    QCOMPARE(windows.main()->paceDisplay()->text(), u"Pace: not started · 15:00 planned"_s);
}

void TestPaceDisplay::behindOnceTheFirstBeatOverruns()
{
    auto session = replaySession(true);
    WindowsOptions options;
    PresenterWindows windows(session.get(), options);
    PaceDisplay *pace = windows.main()->paceDisplay();
    session->applyBeatRun(0); // baseline, 60 s
    session->clock().setTime(kT0 + 50'000);
    pace->refresh();
    QCOMPARE(pace->text(), u"Pace: 0:50 elapsed · 14:10 left · on time\nBeat 0:50 of 1:00"_s);
    session->clock().setTime(kT0 + 95'000);
    pace->refresh();
    QCOMPARE(pace->text(), u"Pace: 1:35 elapsed · 13:25 left · 0:35 behind\nBeat 1:35 of 1:00"_s);
    QVERIFY2(pace->styleSheet().contains(u"#b00020"_s), qPrintable(pace->styleSheet()));
}

void TestPaceDisplay::elapsedOnlyWithoutBudgets()
{
    auto session = replaySession(false);
    WindowsOptions options;
    PresenterWindows windows(session.get(), options);
    PaceDisplay *pace = windows.main()->paceDisplay();
    QCOMPARE(pace->text(), u"Pace: not started"_s);
    session->applyBeatRun(0);
    session->clock().setTime(kT0 + 61'000);
    pace->refresh();
    QCOMPARE(pace->text(), u"Pace: 1:01 elapsed · no budgets in the plan"_s);
}

QTEST_MAIN(TestPaceDisplay)
#include "tst_pace_display.moc"
