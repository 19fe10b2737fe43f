#include "model/story_controller.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using Stage = StoryController::Stage;

class TestStoryController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void armRunCancelBack();
    void endOfStory();
    void blank();
    void keys();
    void majorityLossNeedsConfirmation();

private:
    static DemoPlan plan(int beats)
    {
        DemoPlan p;
        for (int i = 0; i < beats; ++i) {
            Beat b;
            b.id = u"b%1"_s.arg(i);
            b.title = u"Beat %1"_s.arg(i);
            p.beats.append(b);
        }
        return p;
    }
};

// A beat that may lose the majority runs only after the typed confirmation; without a
// confirmation at all (the kiosk alone) it never runs.
void TestStoryController::majorityLossNeedsConfirmation()
{
    DemoPlan p = plan(1);
    PlanAction down;
    down.type = PlanAction::Type::KeepDown;
    down.ordinal = 1;
    down.allowMajorityLoss = true;
    p.beats[0].actions.append(down);
    QVERIFY(StoryController::losesMajority(p.beats[0]));
    QVERIFY(!StoryController::losesMajority(plan(1).beats[0]));

    StoryController s;
    QSignalSpy run(&s, &StoryController::runRequested);
    s.setPlan(p);
    s.next();
    s.next(); // no confirmation installed: stays armed
    QCOMPARE(run.size(), 0);
    QCOMPARE(s.stage(), Stage::Armed);
    QVERIFY(s.lastRunSummary().contains(u"typed confirmation"_s));

    int asked = 0;
    bool answer = false;
    s.setMajorityLossConfirmation([&](const Beat &b) {
        ++asked;
        return b.id == u"b0"_s && answer;
    });
    s.next(); // declined
    QCOMPARE(asked, 1);
    QCOMPARE(run.size(), 0);
    QCOMPARE(s.stage(), Stage::Armed);
    answer = true;
    s.next(); // typed
    QCOMPARE(asked, 2);
    QCOMPARE(run.size(), 1);
    QCOMPARE(s.stage(), Stage::Running);
}

void TestStoryController::armRunCancelBack()
{
    StoryController s;
    QSignalSpy run(&s, &StoryController::runRequested);
    s.setPlan(plan(3));
    QCOMPARE(s.shownIndex(), -1);
    QCOMPARE(s.nextIndex(), 0);

    s.next(); // arm b0
    QCOMPARE(s.stage(), Stage::Armed);
    QCOMPARE(s.armedBeat()->id, u"b0"_s);
    QCOMPARE(run.size(), 0);
    s.cancel(); // Escape
    QCOMPARE(s.stage(), Stage::Showing);
    QVERIFY(!s.armedBeat());
    QCOMPARE(run.size(), 0);

    s.next();
    s.next(); // run b0
    QCOMPARE(run.size(), 1);
    QCOMPARE(run[0][0].toInt(), 0);
    QCOMPARE(s.stage(), Stage::Running);
    QCOMPARE(s.shownIndex(), 0);
    s.next(); // ignored while running
    QCOMPARE(s.stage(), Stage::Running);
    s.setRunFinished(true, u"done"_s);
    QCOMPARE(s.stage(), Stage::Showing);
    QCOMPARE(s.lastRunSummary(), u"done"_s);

    s.next();
    s.next(); // run b1
    s.setRunFinished(false, u"kubectl failed"_s);
    QCOMPARE(s.lastRunSummary(), u"FAILED: kubectl failed"_s);
    QCOMPARE(s.lastRunIndex(), 1);

    // PageUp is display only; PageDown walks back through run beats without running them.
    s.back();
    QCOMPARE(s.shownIndex(), 0);
    QCOMPARE(s.lastRunIndex(), 1);
    s.back();
    QCOMPARE(s.shownIndex(), 0);
    s.next();
    QCOMPARE(s.shownIndex(), 1);
    QCOMPARE(s.stage(), Stage::Showing);
    QCOMPARE(run.size(), 2);
    s.next(); // arms b2
    QCOMPARE(s.armedIndex(), 2);
    s.back(); // PageUp while armed disarms and goes back
    QCOMPARE(s.stage(), Stage::Showing);
    QCOMPARE(s.shownIndex(), 0);
    QCOMPARE(run.size(), 2);
}

void TestStoryController::endOfStory()
{
    StoryController s;
    QSignalSpy run(&s, &StoryController::runRequested);
    s.setPlan(plan(1));
    s.next();
    s.next();
    s.setRunFinished(true, {});
    QCOMPARE(s.nextIndex(), -1);
    s.next();
    QCOMPARE(s.stage(), Stage::Showing);
    QCOMPARE(run.size(), 1);
}

void TestStoryController::blank()
{
    StoryController s;
    QSignalSpy blank(&s, &StoryController::blankChanged);
    s.toggleBlank();
    QVERIFY(s.isBlanked());
    s.toggleBlank();
    QVERIFY(!s.isBlanked());
    QCOMPARE(blank.size(), 2);
    QCOMPARE(blank[0][0].toBool(), true);
}

void TestStoryController::keys()
{
    StoryController s;
    s.setPlan(plan(2));
    QVERIFY(s.handleKey(Qt::Key_PageDown));
    QCOMPARE(s.stage(), Stage::Armed);
    QVERIFY(s.handleKey(Qt::Key_Escape));
    QCOMPARE(s.stage(), Stage::Showing);
    QVERIFY(s.handleKey(Qt::Key_B));
    QVERIFY(s.isBlanked());
    QVERIFY(s.handleKey(Qt::Key_PageUp));
    QVERIFY(!s.handleKey(Qt::Key_Space));
}

QTEST_GUILESS_MAIN(TestStoryController)
#include "tst_story_controller.moc"
