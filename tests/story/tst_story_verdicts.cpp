// The talk's verdicts ask only for what CockroachDB can report in the position the plan puts it in.
//
// The rule encoded here: a gauge counted per range by a LIVE store cannot be expected to show a
// problem when no node is live. ranges_unavailable, ranges_underreplicated and
// ranges_overreplicated are counted for each range by exactly one store: its leaseholder's if
// live, else its first live replica's (cockroachdb/cockroach pkg/kv/kvserver/replica_metrics.go,
// calcRangeCounter; live voters by node liveness only, calcLiveVoterReplicas). When the plan keeps
// more than (RF - 1) / 2 nodes down, the liveness range has lost its quorum too (every range class,
// liveness included, has the same replication factor here: sql/20-phase2-rf3.sql), the survivor
// cannot renew its own liveness record, no node is live, nobody counts, and the gauges read 0
// (github.com/cockroachdb/cockroach/issues/19644 and /pull/165716). So, replaying the plan's faults beat by beat:
//  - after a beat's actions lose the majority, none of its expectations may read such a gauge
//    (a "> 0" can only fail, a "== 0 holds" passes for the wrong reason);
//  - a beat that starts with the majority lost may not expect such a gauge to `recover` (its
//    broken state was never counted: "never broke" at best).
// What stays observable then is the app's feed (writes failing, readiness) and the survivor's own
// liveness_livenodes (0 while it is not live: pkg/kv/kvserver/liveness/liveness.go, numLiveNodes).
#include "config/demo_plan.h"
#include "test_env.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// Every problem of the plan under the rule above, one sentence each naming the beat.
QStringList countedGaugeProblems(const DemoPlan &plan)
{
    static const QRegularExpression counted(
        u"\\b(ranges_unavailable|ranges_underreplicated|ranges_overreplicated)\\b"_s);
    QStringList problems;
    QSet<int> down; // ordinals kept down (keep_down), paused or just killed
    for (int i = 0; i < plan.beats.size(); ++i) {
        const Beat &beat = plan.beats[i];
        const int rf = plan.positionBefore(i).replicationFactor;
        const auto lost = [rf](qsizetype n) { return rf > 0 && n > (rf - 1) / 2; };
        const bool lostBefore = lost(down.size());
        for (const PlanAction &a : beat.actions) {
            switch (a.type) {
            case PlanAction::Type::KeepDown:
            case PlanAction::Type::PauseNode:
            case PlanAction::Type::KillNode: // done when the signal is delivered: down while judged
                down.insert(a.ordinal);
                break;
            case PlanAction::Type::StartNode:
            case PlanAction::Type::ResumeNode:
                down.remove(a.ordinal);
                break;
            case PlanAction::Type::HealAll:
                down.clear();
                break;
            default:
                break; // stop_node completes when the node is back
            }
        }
        const bool lostAfter = lost(down.size());
        for (const PlanExpectation &e : beat.expectations) {
            const auto m = counted.match(e.expr);
            if (e.kind != PlanExpectation::Kind::PromQL || !m.hasMatch()) {
                continue;
            }
            if (lostAfter) {
                problems << u"beat '%1': '%2' reads %3 with %4 node(s) down at RF %5: no node is live, nobody counts a "
                            u"range, it reads 0"_s.arg(beat.id, e.condition(), m.captured(1))
                                .arg(down.size())
                                .arg(rf);
            } else if (lostBefore && e.mode == PlanExpectation::Mode::Recovers) {
                problems << u"beat '%1': '%2' must recover, but its broken state came while no node was live and "
                            u"was never counted"_s.arg(beat.id, e.condition());
            }
        }
    }
    return problems;
}

QByteArray encorePlan(const QString &lossExpectations, const QString &healExpectations)
{
    return uR"j({"version": 1, "title": "T", "beats": [
        {"id": "grow", "title": "G", "narration": "N", "actions": [{"type": "scale", "nodes": 3},
            {"type": "run_sql", "file": "sql/20-phase2-rf3.sql", "replication_factor": 3}]},
        {"id": "failure", "title": "F", "narration": "N", "actions": [{"type": "keep_down", "ordinal": 2}],
         "expectations": [{"kind": "promql", "expr": "sum(ranges_unavailable)", "op": "==", "value": 0,
                           "within_s": 60, "mode": "holds"}]},
        {"id": "heal", "title": "H", "narration": "N", "actions": [{"type": "start_node", "ordinal": 2}],
         "expectations": [{"kind": "promql", "expr": "sum(ranges_underreplicated)", "op": "==", "value": 0,
                           "within_s": 300, "mode": "recovers", "from": "fault"}]},
        {"id": "majority-loss", "title": "L", "narration": "N", "actions": [{"type": "keep_down", "ordinal": 1},
            {"type": "keep_down", "ordinal": 2, "allow_majority_loss": true}], "expectations": [%1]},
        {"id": "majority-heal", "title": "M", "narration": "N", "actions": [{"type": "heal_all"}],
         "expectations": [%2]}]})j"_s.arg(lossExpectations, healExpectations)
        .toUtf8();
}

} // namespace

class TestStoryVerdicts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theRuleCatches_data();
    void theRuleCatches();
    void theTalksPlanAsksOnlyForWhatCanBeSeen();
};

void TestStoryVerdicts::theRuleCatches_data()
{
    QTest::addColumn<QString>("loss");
    QTest::addColumn<QString>("heal");
    QTest::addColumn<QStringList>("problems");
    const QString liveness0
        = uR"j({"kind": "promql", "expr": "max(liveness_livenodes)", "op": "==", "value": 0, "within_s": 150 })j"_s;
    const QString liveness3
        = uR"j({"kind": "promql", "expr": "max(liveness_livenodes)", "op": "==", "value": 3, "within_s": 300, "mode": "recovers", "from": "fault" })j"_s;
    QTest::addRow("observable: the feed and the survivor's own liveness count")
        << uR"j({"kind": "feed", "field": "ready", "op": "==", "value": 0, "within_s": 120}, )j"_s + liveness0
        << liveness3 << QStringList();
    QTest::addRow("unavailable ranges expected above 0 with no node live")
        << uR"j({"kind": "promql", "expr": "sum(ranges_unavailable)", "op": ">", "value": 0, "within_s": 120 })j"_s
        << liveness3
        << QStringList {u"beat 'majority-loss': 'sum(ranges_unavailable) > 0' reads ranges_unavailable with 2 "
                        u"node(s) down at RF 3: no node is live, nobody counts a range, it reads 0"_s};
    QTest::addRow("a 'holds == 0' would pass for the wrong reason")
        << uR"j({"kind": "promql", "expr": "sum(ranges_underreplicated)", "op": "==", "value": 0, "within_s": 60, "mode": "holds" })j"_s
        << liveness3
        << QStringList {u"beat 'majority-loss': 'sum(ranges_underreplicated) == 0' reads ranges_underreplicated "
                        u"with 2 node(s) down at RF 3: no node is live, nobody counts a range, it reads 0"_s};
    QTest::addRow("a recovery of what was never counted")
        << liveness0
        << uR"j({"kind": "promql", "expr": "sum(ranges_unavailable)", "op": "==", "value": 0, "within_s": 300, "mode": "recovers", "from": "fault" })j"_s
        << QStringList {u"beat 'majority-heal': 'sum(ranges_unavailable) == 0' must recover, but its broken state "
                        u"came while no node was live and was never counted"_s};
}

void TestStoryVerdicts::theRuleCatches()
{
    QFETCH(QString, loss);
    QFETCH(QString, heal);
    QFETCH(QStringList, problems);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(encorePlan(loss, heal), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    // One node down (failure, heal) keeps a live counter: those verdicts are never reported.
    QCOMPARE(countedGaugeProblems(*plan), problems);
}

void TestStoryVerdicts::theTalksPlanAsksOnlyForWhatCanBeSeen()
{
    QStringList errors;
    const auto plan = DemoPlan::load(testenv::sourceDir() + u"/demo/plan.json"_s, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QVERIFY(plan->indexOf(u"majority-loss"_s) >= 0); // the encore is there to be checked
    const QStringList problems = countedGaugeProblems(*plan);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestStoryVerdicts)
#include "tst_story_verdicts.moc"
