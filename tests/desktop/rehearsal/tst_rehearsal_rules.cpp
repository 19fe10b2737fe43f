#include "report/rehearsal_table.h"
#include "session/rehearsal.h"
#include "test_env.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

DemoPlan realPlan()
{
    QStringList errors;
    const auto plan = DemoPlan::load(testenv::sourceDir() + u"/demo/plan.json"_s, &errors);
    return plan.value_or(DemoPlan {});
}

ExpectationEvaluator::State verdict(ExpectationEvaluator::Verdict v, const QString &label)
{
    ExpectationEvaluator::State s;
    s.expectation.kind = PlanExpectation::Kind::Feed;
    s.expectation.field = u"ready"_s;
    s.expectation.withinS = 10;
    s.expectation.label = label;
    s.verdict = v;
    s.startedMs = 1000;
    s.settledMs = v == ExpectationEvaluator::Verdict::Pending ? 0 : 4000;
    s.skipReason = v == ExpectationEvaluator::Verdict::Skipped ? u"why not"_s : QString();
    return s;
}

RehearsedBeat beat(const QString &id, QList<ExpectationEvaluator::State> verdicts, QList<ActionOutcome> actions = {})
{
    RehearsedBeat b;
    b.id = id;
    b.title = id + u" title"_s;
    b.startedMs = 1000;
    b.endedMs = 13000;
    b.budgetS = 10;
    b.verdicts = verdicts;
    b.actions = actions;
    return b;
}

} // namespace

// The rehearsal's pure rules (session/rehearsal.h: which beats it skips, what it refuses, what it
// says the cluster will look like) and its table (report/rehearsal_table.h: the exit code).
class TestRehearsalRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void majorityLossSkippedWithoutPermission();
    void healOnlyBeatFollowsTheSkip();
    void neverScalesDown();
    void endState_data();
    void endState();
    void exitCode_data();
    void exitCode();
    void tableNamesBeatAndVerdict();
};

void TestRehearsalRules::majorityLossSkippedWithoutPermission()
{
    const DemoPlan plan = realPlan();
    const int loss = plan.indexOf(u"majority-loss"_s);
    QVERIFY(loss > 0);
    const QString why = Rehearsal::skipReason(plan.beats, loss, 0, false);
    QVERIFY2(why.startsWith(u"loses the majority (Keep node crdb-2 down"_s), qPrintable(why));
    QVERIFY(why.contains(u"--allow-majority-loss"_s));
    QVERIFY(Rehearsal::skipReason(plan.beats, loss, 0, true).isEmpty());
    // Every other beat of the talk up to the encore runs (the failure keeps the majority).
    for (int i = 0; i < loss; ++i) {
        QVERIFY2(Rehearsal::skipReason(plan.beats, i, 0, false).isEmpty(), qPrintable(plan.beats.at(i).id));
    }
}

void TestRehearsalRules::healOnlyBeatFollowsTheSkip()
{
    const DemoPlan plan = realPlan();
    const int heal = plan.indexOf(u"majority-heal"_s);
    QCOMPARE(
        Rehearsal::skipReason(plan.beats, heal, 0, false), u"only heals what 'majority-loss' did, which was skipped"_s);
    QVERIFY(Rehearsal::skipReason(plan.beats, heal, 0, true).isEmpty());
    // Started at the heal itself: nothing before it in this rehearsal was skipped, it runs.
    QVERIFY(Rehearsal::skipReason(plan.beats, heal, heal, false).isEmpty());
    // The ordinary heal follows a failure that keeps the majority: it runs.
    QVERIFY(Rehearsal::skipReason(plan.beats, plan.indexOf(u"heal"_s), 0, false).isEmpty());
}

void TestRehearsalRules::neverScalesDown()
{
    const DemoPlan plan = realPlan();
    QVERIFY(Rehearsal::refusal(plan, {}).isEmpty());
    DemoPlan down = plan;
    PlanAction scale;
    scale.type = PlanAction::Type::Scale;
    scale.nodes = 2;
    Beat shrink;
    shrink.id = u"shrink"_s;
    shrink.actions = {scale};
    down.beats.append(shrink);
    QCOMPARE(Rehearsal::refusal(down, {}),
        u"beat 'shrink' scales down to 2 nodes (from 3): a rehearsal never scales down"_s);
    // Not in the rehearsed range: not refused.
    QVERIFY(Rehearsal::refusal(down, {0, int(plan.beats.size()) - 1, false}).isEmpty());
}

void TestRehearsalRules::endState_data()
{
    QTest::addColumn<QString>("until");
    QTest::addColumn<bool>("allow");
    QTest::addColumn<QString>("expected");
    QTest::addRow("whole plan") << u"majority-heal"_s << false << u"3 nodes at replication factor 3"_s;
    QTest::addRow("stopped after the failure")
        << u"failure"_s << false << u"3 nodes at replication factor 3; crdb-2 still held down (keep_down)"_s;
    QTest::addRow("phase 1") << u"phase1-reader"_s << false << u"2 nodes at replication factor 1"_s;
    QTest::addRow("stopped in the encore") << u"majority-loss"_s << true
                                           << u"3 nodes at replication factor 3; crdb-1 still held down (keep_down); "
                                              "crdb-2 still held down (keep_down)"_s;
    QTest::addRow("the encore skipped") << u"majority-loss"_s << false << u"3 nodes at replication factor 3"_s;
}

void TestRehearsalRules::endState()
{
    QFETCH(QString, until);
    QFETCH(bool, allow);
    QFETCH(QString, expected);
    const DemoPlan plan = realPlan();
    QCOMPARE(Rehearsal::endState(plan, {0, plan.indexOf(until), allow}), expected);
}

void TestRehearsalRules::exitCode_data()
{
    using V = ExpectationEvaluator::Verdict;
    QTest::addColumn<QList<RehearsedBeat>>("beats");
    QTest::addColumn<int>("expected");
    const ActionOutcome skipped {ActionOutcome::Kind::Skipped, PlanAction::Type::Scale, u"scale"_s, u"no cluster"_s};
    const ActionOutcome failed {ActionOutcome::Kind::Failed, PlanAction::Type::RunSql, u"sql/x.sql"_s, u"refused"_s};
    QTest::addRow("passes") << QList {beat(u"a"_s, {verdict(V::Pass, u"ok"_s)})} << 0;
    QTest::addRow("skips count apart") << QList {beat(
        u"a"_s, {verdict(V::Skipped, u"s"_s), verdict(V::AlreadyTrue, u"t"_s)}, {skipped})}
                                       << 0;
    QTest::addRow("a failed verdict") << QList {beat(u"a"_s, {}), beat(u"b"_s, {verdict(V::Fail, u"f"_s)})} << 1;
    QTest::addRow("never settled") << QList {beat(u"a"_s, {verdict(V::Pending, u"p"_s)})} << 1;
    QTest::addRow("a failed action") << QList {beat(u"a"_s, {verdict(V::Pass, u"ok"_s)}, {failed})} << 1;
    RehearsedBeat stopped = beat(u"c"_s, {});
    stopped.actionsOk = false;
    stopped.summary = u"the story did not run it"_s;
    QTest::addRow("stopped without an outcome") << QList {stopped} << 1;
}

void TestRehearsalRules::exitCode()
{
    QFETCH(QList<RehearsedBeat>, beats);
    QFETCH(int, expected);
    QCOMPARE(rehearsaltable::exitCode(beats), expected);
    QCOMPARE(rehearsaltable::table(beats).contains(u"\nGO: no action and no verdict failed."_s), expected == 0);
}

void TestRehearsalRules::tableNamesBeatAndVerdict()
{
    using V = ExpectationEvaluator::Verdict;
    const QString text = rehearsaltable::table({beat(u"warm-up"_s, {verdict(V::Pass, u"load on"_s)}),
        beat(u"impossible"_s, {verdict(V::Fail, u"too fast"_s)})});
    QVERIFY2(text.contains(u"\nNO-GO    impossible       12 s of 10 s OVER BUDGET"_s), qPrintable(text));
    QVERIFY2(text.contains(u"    verdict FAIL too fast"_s), qPrintable(text));
    QVERIFY2(text.contains(u"[at +3.0 s]"_s), qPrintable(text));
    QVERIFY2(text.endsWith(u"NO-GO: failed in impossible.\n"_s), qPrintable(text));
    // Stopped before its last beat: never GO, even when the beats that ended passed.
    const QString stopped = rehearsaltable::table({beat(u"warm-up"_s, {verdict(V::Pass, u"load on"_s)})}, false);
    QVERIFY2(stopped.endsWith(u"NO-GO: stopped before the last beat ended.\n"_s), qPrintable(stopped));
    QVERIFY(rehearsaltable::table({}, false).endsWith(u"NO-GO: stopped before the last beat ended.\n"_s));
}

QTEST_GUILESS_MAIN(TestRehearsalRules)
#include "tst_rehearsal_rules.moc"
