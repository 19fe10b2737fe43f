#include "model/expectation.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
PlanExpectation promql(const QString &expr, PlanExpectation::Op op, double value, int withinS)
{
    PlanExpectation e;
    e.kind = PlanExpectation::Kind::PromQL;
    e.expr = expr;
    e.op = op;
    e.value = value;
    e.withinS = withinS;
    return e;
}
PlanExpectation feed(const QString &field, PlanExpectation::Op op, double value, int withinS)
{
    PlanExpectation e;
    e.kind = PlanExpectation::Kind::Feed;
    e.field = field;
    e.op = op;
    e.value = value;
    e.withinS = withinS;
    return e;
}
PromSeries series(double value, const QString &pod = {})
{
    PromSeries s;
    if (!pod.isEmpty()) {
        s.labels.insert(u"pod"_s, pod);
    }
    s.points.append(QPointF(0, value));
    return s;
}
using V = ExpectationEvaluator::Verdict;
} // namespace

class TstExpectation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void feedFieldValues_data();
    void feedFieldValues();
    void healedIn41Seconds();
    void failsAfterTheLimit();
    void lateObservationIsAFail();
    void everySeriesMustHold();
    void emptyAnswerIsPending();
    void queryErrorIsShown();
    void feedConditionPasses();
    void missingPercentileStaysPending();
    void restartDropsOldAnswers();
};

void TstExpectation::feedFieldValues_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<std::optional<double>>("value");
    QTest::addRow("ready") << u"ready"_s << std::optional<double>(0);
    QTest::addRow("achieved") << u"load.achieved_rps"_s << std::optional<double>(19.5);
    QTest::addRow("dropped") << u"load.dropped_total"_s << std::optional<double>(7);
    QTest::addRow("spike") << u"load.spike_active"_s << std::optional<double>(1);
    QTest::addRow("route p99") << u"routes.search.p99_ms"_s << std::optional<double>(3.5);
    QTest::addRow("route p95 missing") << u"routes.search.p95_ms"_s << std::optional<double>();
    QTest::addRow("route absent") << u"routes.login.rps"_s << std::optional<double>();
    QTest::addRow("reader errors") << u"db.reader.errors"_s << std::optional<double>(2);
    QTest::addRow("writer p50") << u"db.writer.p50_ms"_s << std::optional<double>(0.9);
    QTest::addRow("unknown") << u"db.other.count"_s << std::optional<double>();
}

void TstExpectation::feedFieldValues()
{
    QFETCH(QString, field);
    QFETCH(std::optional<double>, value);
    FeedTick t;
    t.ready = false;
    t.load.achievedRps = 19.5;
    t.load.droppedTotal = 7;
    t.load.spikeActive = true;
    LatencyStats s;
    s.p99Ms = 3.5;
    t.routes.insert(u"search"_s, s);
    t.reader.errors = 2;
    t.writer.p50Ms = 0.9;
    QCOMPARE(feedFieldValue(t, field), value);
    // Every field the plan may name is readable from a full tick.
    if (field == u"ready") {
        for (const QString &f : DemoPlan::feedFields()) {
            FeedTick full;
            LatencyStats all;
            all.p50Ms = all.p95Ms = all.p99Ms = 1;
            full.routes.insert(u"login"_s, all);
            full.routes.insert(u"search"_s, all);
            full.writer = full.reader = all;
            full.load.actualP99Ms = full.load.intendedP99Ms = 1;
            QVERIFY2(feedFieldValue(full, f).has_value(), qPrintable(f));
        }
    }
}

void TstExpectation::healedIn41Seconds()
{
    ExpectationEvaluator ev;
    QSignalSpy settled(&ev, &ExpectationEvaluator::settled);
    auto e = promql(u"sum(ranges_underreplicated)"_s, PlanExpectation::Op::Equal, 0, 180);
    e.label = u"healed"_s;
    ev.start(u"heal"_s, {e}, 1'000'000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    ev.onPromResult(0, {series(12)}, 1'010'000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QCOMPARE(ev.states()[0].lastValue, std::optional<double>(12));
    QVERIFY(ev.states()[0].text(1'010'000).contains(u"(now 12)"_s));
    ev.onPromResult(0, {series(0)}, 1'041'000);
    QCOMPARE(ev.states()[0].verdict, V::Pass);
    QCOMPARE(ev.states()[0].elapsedMs(1'100'000), 41'000);
    QCOMPARE(ev.states()[0].text(1'100'000), u"PASS healed in 41 s"_s);
    QCOMPARE(settled.size(), 1);
    QVERIFY(ev.allSettled());
    // Once passed, later observations change nothing.
    ev.onPromResult(0, {series(5)}, 1'050'000);
    QCOMPARE(ev.states()[0].verdict, V::Pass);
}

void TstExpectation::failsAfterTheLimit()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"max(liveness_livenodes)"_s, PlanExpectation::Op::Equal, 3, 60)}, 0);
    ev.onPromResult(0, {series(2)}, 30'000);
    ev.checkDeadlines(60'000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    ev.checkDeadlines(60'001);
    QCOMPARE(ev.states()[0].verdict, V::Fail);
    QCOMPARE(ev.states()[0].elapsedMs(90'000), 60'000);
    QCOMPARE(ev.states()[0].text(90'000), u"FAIL max(liveness_livenodes) == 3 not within 60 s (now 2)"_s);
}

void TstExpectation::lateObservationIsAFail()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"x"_s, PlanExpectation::Op::Equal, 0, 10)}, 0);
    ev.onPromResult(0, {series(0)}, 10'500);
    QCOMPARE(ev.states()[0].verdict, V::Fail);
}

void TstExpectation::everySeriesMustHold()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum by (pod) (replicas)"_s, PlanExpectation::Op::Greater, 0, 100)}, 0);
    ev.onPromResult(0, {series(10, u"crdb-0"_s), series(0, u"crdb-1"_s)}, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QCOMPARE(ev.states()[0].lastValue, std::optional<double>(0));
    ev.onPromResult(0, {series(10, u"crdb-0"_s), series(4, u"crdb-1"_s)}, 2000);
    QCOMPARE(ev.states()[0].verdict, V::Pass);
}

void TstExpectation::emptyAnswerIsPending()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum(ranges_unavailable)"_s, PlanExpectation::Op::Equal, 0, 100)}, 0);
    ev.onPromResult(0, {}, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QVERIFY(!ev.states()[0].lastValue);
}

void TstExpectation::queryErrorIsShown()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum("_s, PlanExpectation::Op::Equal, 0, 100)}, 0);
    ev.onPromError(0, u"bad_data: parse error"_s, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QVERIFY(ev.states()[0].text(1000).contains(u"query error: bad_data: parse error"_s));
}

void TstExpectation::feedConditionPasses()
{
    ExpectationEvaluator ev;
    QSignalSpy changed(&ev, &ExpectationEvaluator::changed);
    ev.start(u"baseline"_s,
        {feed(u"load.achieved_rps"_s, PlanExpectation::Op::GreaterEqual, 15, 30),
            promql(u"max(liveness_livenodes)"_s, PlanExpectation::Op::Equal, 1, 60)},
        5000);
    FeedTick t;
    t.load.achievedRps = 4;
    ev.onFeedTick(t, 6000);
    t.load.achievedRps = 19.8;
    ev.onFeedTick(t, 12'000);
    QCOMPARE(ev.states()[0].verdict, V::Pass);
    QCOMPARE(ev.states()[0].text(20'000), u"PASS load.achieved_rps >= 15 in 7 s"_s);
    // Feed ticks do not judge PromQL expectations.
    QCOMPARE(ev.states()[1].verdict, V::Pending);
    QVERIFY(!ev.allSettled());
    QVERIFY(changed.size() >= 2);
}

void TstExpectation::missingPercentileStaysPending()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {feed(u"routes.search.p99_ms"_s, PlanExpectation::Op::Less, 50, 30)}, 0);
    FeedTick t;
    t.routes.insert(u"search"_s, LatencyStats {}); // no sample: p99 null
    ev.onFeedTick(t, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
}

void TstExpectation::restartDropsOldAnswers()
{
    ExpectationEvaluator ev;
    ev.start(u"a"_s, {promql(u"x"_s, PlanExpectation::Op::Equal, 0, 100)}, 0);
    ev.start(u"b"_s, {feed(u"ready"_s, PlanExpectation::Op::Equal, 1, 100)}, 0);
    QCOMPARE(ev.beatId(), u"b"_s);
    QCOMPARE(ev.states().size(), 1);
    ev.onPromResult(3, {series(0)}, 10); // out of range: ignored
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    ev.clear();
    QVERIFY(ev.states().isEmpty());
}

QTEST_GUILESS_MAIN(TstExpectation)
#include "tst_expectation.moc"
