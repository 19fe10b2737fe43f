#include "model/expectation.h"
#include "model/promql_names.h"
#include "session/presenter_session.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

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

// One input to the evaluator at a synthetic time: a value, or an answer without data.
struct Sample
{
    qint64 atMs = 0;
    std::optional<double> value;
};
using Samples = QList<Sample>;
Sample at(qint64 ms, double v)
{
    return Sample {ms, v};
}
Sample noData(qint64 ms)
{
    return Sample {ms, std::nullopt};
}
Samples every(qint64 fromMs, qint64 toMs, qint64 stepMs, double v)
{
    Samples list;
    for (qint64 t = fromMs; t <= toMs; t += stepMs) {
        list.append(at(t, v));
    }
    return list;
}
QString verdictName(V v)
{
    switch (v) {
    case V::Pending:
        return u"pending"_s;
    case V::Pass:
        return u"pass"_s;
    case V::Fail:
        return u"fail"_s;
    case V::AlreadyTrue:
        return u"already true"_s;
    case V::NeverBroke:
        return u"never broke"_s;
    case V::Skipped:
        return u"skipped"_s;
    }
    return u"?"_s;
}
} // namespace
Q_DECLARE_METATYPE(Samples)
Q_DECLARE_METATYPE(PlanExpectation::Mode)

class TestExpectation : public QObject
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
    void modes_data();
    void modes();
    void summaryNeverCountsAlreadyTrueAsAPass();
    void seenFalseBeforeTheChangeIsAPass();
    void judgingStartsAtTheLastActionsCompletion();
    void beatWithoutActionsStartsWhenItRuns();
    void failedBeatStartsWhenItStopped();
    void cockroachMetricNames_data();
    void cockroachMetricNames();
    void cockroachMetricNamesAgainstCockroachDBsList();
    void skippedWhereThereIsNoCockroachDB();
    void skippedClusterChangeSkipsTheBeat();
    void skippedSqlKeepsTheAppVerdicts();
    void nextBeatSettlesWhatEndedFirst();
};

void TestExpectation::feedFieldValues_data()
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

void TestExpectation::feedFieldValues()
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
        for (const QString &f : feedschema::fieldNames()) {
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

void TestExpectation::healedIn41Seconds()
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

void TestExpectation::failsAfterTheLimit()
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

void TestExpectation::lateObservationIsAFail()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"x"_s, PlanExpectation::Op::Equal, 0, 10)}, 0);
    ev.onPromResult(0, {series(0)}, 10'500);
    QCOMPARE(ev.states()[0].verdict, V::Fail);
}

void TestExpectation::everySeriesMustHold()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum by (pod) (replicas)"_s, PlanExpectation::Op::Greater, 0, 100)}, 0);
    ev.onPromResult(0, {series(10, u"crdb-0"_s), series(0, u"crdb-1"_s)}, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QCOMPARE(ev.states()[0].lastValue, std::optional<double>(0));
    ev.onPromResult(0, {series(10, u"crdb-0"_s), series(4, u"crdb-1"_s)}, 2000);
    QCOMPARE(ev.states()[0].verdict, V::Pass);
}

void TestExpectation::emptyAnswerIsPending()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum(ranges_unavailable)"_s, PlanExpectation::Op::Equal, 0, 100)}, 0);
    ev.onPromResult(0, {}, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QVERIFY(!ev.states()[0].lastValue);
}

void TestExpectation::queryErrorIsShown()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {promql(u"sum("_s, PlanExpectation::Op::Equal, 0, 100)}, 0);
    ev.onPromError(0, u"bad_data: parse error"_s, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
    QVERIFY(ev.states()[0].text(1000).contains(u"query error: bad_data: parse error"_s));
}

void TestExpectation::feedConditionPasses()
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

void TestExpectation::missingPercentileStaysPending()
{
    ExpectationEvaluator ev;
    ev.start(u"b"_s, {feed(u"routes.search.p99_ms"_s, PlanExpectation::Op::Less, 50, 30)}, 0);
    FeedTick t;
    t.routes.insert(u"search"_s, LatencyStats {}); // no sample: p99 null
    ev.onFeedTick(t, 1000);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
}

void TestExpectation::restartDropsOldAnswers()
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

// Every mode through the same code path the app uses (onPromResult / onFeedTick, then the
// deadline check the app runs once a second), with synthetic times. The evaluator starts judging
// at 100 s; "fault" is the completion time of the latest fault action (-1: none ran).
void TestExpectation::modes_data()
{
    using M = PlanExpectation::Mode;
    QTest::addColumn<M>("mode");
    QTest::addColumn<QString>("from");
    QTest::addColumn<bool>("isFeed"); // the sample app's `ready` instead of a PromQL answer
    QTest::addColumn<QString>("label");
    QTest::addColumn<qint64>("faultAtMs");
    QTest::addColumn<Samples>("samples");
    QTest::addColumn<qint64>("nowMs");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("text");
    const QString none;

    // eventually
    QTest::addRow("eventually: already true")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1) << Samples {at(101'000, 0)} << qint64(101'000)
        << u"already true"_s << u"ALREADY TRUE x at 0: true at the first sample, nothing to time"_s;
    QTest::addRow("eventually: true later")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1) << Samples {at(102'000, 3), at(109'000, 0)}
        << qint64(110'000) << u"pass"_s << u"PASS x at 0 in 9 s"_s;
    QTest::addRow("eventually: samples before the start ignored")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1) << Samples {at(95'000, 0), at(104'000, 5)}
        << qint64(104'000) << u"pending"_s << u"… x at 0: 4 s of 60 s (now 5)"_s;
    QTest::addRow("eventually: true 0.3 s after a false sample is not \"in 0 s\"")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1) << Samples {at(100'000, 3), at(100'230, 0)}
        << qint64(101'000) << u"pass"_s << u"PASS x at 0 in 0.3 s"_s;
    QTest::addRow("eventually: never true")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1) << every(101'000, 160'000, 10'000, 2)
        << qint64(160'001) << u"fail"_s << u"FAIL x at 0 not within 60 s (now 2)"_s;
    QTest::addRow("eventually: no data for the whole window is no data, not \"not within\"")
        << M::Eventually << none << false << u"x at 0"_s << qint64(-1)
        << Samples {noData(110'000), noData(130'000), noData(150'000)} << qint64(160'001) << u"fail"_s
        << u"FAIL x at 0: no data for the whole 60 s window"_s;

    // holds
    QTest::addRow("holds: no range unavailable turns red after a pass would have latched")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1)
        << Samples {at(101'000, 0), at(103'000, 0), at(105'000, 2), at(107'000, 0)} << qint64(107'000) << u"fail"_s
        << u"FAIL no range unavailable: broke after 5 s (was 2)"_s;
    QTest::addRow("holds: the app stays ready, broken at 17 s")
        << M::Holds << none << true << u"the app stays ready"_s << qint64(-1)
        << Samples {at(101'000, 1), at(110'000, 1), at(117'000, 0), at(118'000, 1)} << qint64(120'000) << u"fail"_s
        << u"FAIL the app stays ready: broke after 17 s (was 0)"_s;
    QTest::addRow("holds: kept, window not over")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1) << every(101'000, 130'000, 2'000, 0)
        << qint64(130'000) << u"pending"_s << u"… no range unavailable: holding, 30 s of 60 s (now 0)"_s;
    QTest::addRow("holds: no data yet is not \"holding\"")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1) << Samples {noData(110'000)}
        << qint64(110'000) << u"pending"_s << u"… no range unavailable: no data yet, 10 s of 60 s"_s;
    QTest::addRow("holds: kept for the whole window")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1) << every(101'000, 160'000, 2'000, 0)
        << qint64(160'001) << u"pass"_s << u"PASS no range unavailable: held for 60 s"_s;
    QTest::addRow("holds: no data for the whole window")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1)
        << Samples {noData(110'000), noData(130'000), noData(150'000)} << qint64(160'001) << u"fail"_s
        << u"FAIL no range unavailable: no data for the whole 60 s window"_s;
    QTest::addRow("holds: a gap in the data is not a pass")
        << M::Holds << none << false << u"no range unavailable"_s << qint64(-1)
        << Samples {at(101'000, 0), at(105'000, 0), noData(120'000), at(150'000, 0), at(158'000, 0)} << qint64(160'001)
        << u"fail"_s << u"FAIL no range unavailable: no data for 45 s of the 60 s window"_s;

    // recovers (sum(ranges_underreplicated) == 0)
    QTest::addRow("recovers: from the first false sample")
        << M::Recovers << none << false << u"healed"_s << qint64(-1)
        << Samples {at(102'000, 0), at(110'000, 12), at(130'000, 4), at(151'000, 0)} << qint64(151'000) << u"pass"_s
        << u"PASS healed in 41 s from the first failure"_s;
    QTest::addRow("recovers: broken, still healing")
        << M::Recovers << none << false << u"healed"_s << qint64(-1) << Samples {at(102'000, 0), at(110'000, 12)}
        << qint64(131'000) << u"pending"_s << u"… healed: broken for 21 s (now 12)"_s;
    QTest::addRow("recovers: from the fault marker")
        << M::Recovers << u"fault"_s << false << u"healed"_s << qint64(90'000)
        << Samples {at(102'000, 5), at(120'000, 3), at(131'000, 0)} << qint64(131'000) << u"pass"_s
        << u"PASS healed in 41 s from the fault"_s;
    QTest::addRow("recovers: fault marker missing, timed from the first false sample")
        << M::Recovers << u"fault"_s << false << u"healed"_s << qint64(-1) << Samples {at(102'000, 5), at(131'000, 0)}
        << qint64(131'000) << u"pass"_s << u"PASS healed in 29 s from the first failure (no fault ran)"_s;
    QTest::addRow("recovers: never broken")
        << M::Recovers << u"fault"_s << false << u"healed"_s << qint64(90'000) << every(102'000, 160'000, 2'000, 0)
        << qint64(160'001) << u"never broke"_s
        << u"NEVER BROKE healed: true for the whole 60 s window, nothing to recover"_s;
    QTest::addRow("recovers: broken, not back in time")
        << M::Recovers << none << false << u"healed"_s << qint64(-1) << Samples {at(102'000, 5), at(150'000, 3)}
        << qint64(160'001) << u"fail"_s << u"FAIL healed: not recovered within 60 s (now 3)"_s;
    QTest::addRow("recovers: samples before the start ignored")
        << M::Recovers << none << false << u"healed"_s << qint64(-1) << Samples {at(95'000, 5), at(101'000, 0)}
        << qint64(101'000) << u"pending"_s << u"… healed: not broken yet, 1 s of 60 s (now 0)"_s;
    QTest::addRow("recovers: no data") << M::Recovers << none << false << u"healed"_s << qint64(-1)
                                       << Samples {noData(110'000), noData(150'000)} << qint64(160'001) << u"fail"_s
                                       << u"FAIL healed: no data for the whole 60 s window"_s;
}

void TestExpectation::modes()
{
    QFETCH(PlanExpectation::Mode, mode);
    QFETCH(QString, from);
    QFETCH(bool, isFeed);
    QFETCH(QString, label);
    QFETCH(qint64, faultAtMs);
    QFETCH(Samples, samples);
    QFETCH(qint64, nowMs);
    QFETCH(QString, verdict);
    QFETCH(QString, text);

    PlanExpectation e = isFeed ? feed(u"ready"_s, PlanExpectation::Op::Equal, 1, 60)
                               : promql(u"sum(ranges_unavailable)"_s, PlanExpectation::Op::Equal, 0, 60);
    e.mode = mode;
    e.from = from;
    e.label = label;
    ExpectationEvaluator ev;
    if (faultAtMs >= 0) {
        ev.noteFault(faultAtMs);
    }
    ev.start(u"b"_s, {e}, 100'000);
    for (const Sample &s : samples) {
        if (isFeed) {
            FeedTick t;
            t.ready = s.value.value_or(0) != 0;
            ev.onFeedTick(t, s.atMs);
        } else {
            ev.onPromResult(0, s.value ? QList<PromSeries> {series(*s.value)} : QList<PromSeries> {}, s.atMs);
        }
    }
    ev.checkDeadlines(nowMs);
    const auto &st = ev.states()[0];
    QCOMPARE(st.text(nowMs), text);
    QCOMPARE(verdictName(st.verdict), verdict);
}

void TestExpectation::summaryNeverCountsAlreadyTrueAsAPass()
{
    ExpectationEvaluator ev;
    auto eventually = promql(u"x"_s, PlanExpectation::Op::Equal, 0, 60);
    auto holds = eventually;
    holds.mode = PlanExpectation::Mode::Holds;
    auto recovers = eventually;
    recovers.mode = PlanExpectation::Mode::Recovers;
    ev.start(u"b"_s, {eventually, eventually, holds, recovers}, 0);
    ev.onPromResult(0, {series(0)}, 1000); // already true
    ev.onPromResult(1, {series(1)}, 1000);
    ev.onPromResult(1, {series(0)}, 5000); // pass
    ev.onPromResult(3, {series(0)}, 1000);
    QCOMPARE(ev.summary(), u"1 passed · 1 already true · 2 pending"_s);
    ev.onPromResult(2, {series(3)}, 6000); // broke
    for (qint64 t = 11'000; t <= 60'000; t += 10'000) {
        ev.onPromResult(3, {series(0)}, t);
    }
    ev.checkDeadlines(60'001);
    QCOMPARE(ev.summary(), u"1 passed · 1 already true · 1 never broke · 1 failed"_s);
    QVERIFY(ev.allSettled());
}

// The baseline's load: 0 req/s while the beat's SQL runs, then the load starts as its last action
// and the first tick after it is at rate. Seen false before the change, true at the first sample
// after it: the beat made it true while we watched, a pass; true before as after: already true.
void TestExpectation::seenFalseBeforeTheChangeIsAPass()
{
    const auto load = feed(u"load.achieved_rps"_s, PlanExpectation::Op::GreaterEqual, 15, 30);
    FeedTick idle;
    idle.load.achievedRps = 0;
    FeedTick atRate;
    atRate.load.achievedRps = 20;
    {
        // A tick while the actions run (after prepare(), before begin()).
        ExpectationEvaluator ev;
        ev.prepare(u"baseline"_s, {load});
        ev.onFeedTick(idle, 1000);
        ev.begin(1500);
        ev.onFeedTick(atRate, 2000);
        QCOMPARE(ev.states()[0].verdict, V::Pass);
        QCOMPARE(ev.states()[0].text(3000), u"PASS load.achieved_rps >= 15 in 0.5 s"_s);
    }
    {
        // Only the tick before the beat ran (the actions took less than a tick).
        ExpectationEvaluator ev;
        ev.onFeedTick(idle, 500);
        ev.prepare(u"baseline"_s, {load});
        ev.begin(600);
        ev.onFeedTick(atRate, 1500);
        QCOMPARE(ev.states()[0].verdict, V::Pass);
    }
    {
        // True before and after: the beat did not make it true.
        ExpectationEvaluator ev;
        ev.onFeedTick(atRate, 500);
        ev.prepare(u"baseline"_s, {load});
        ev.onFeedTick(atRate, 1000);
        ev.begin(1500);
        ev.onFeedTick(atRate, 2000);
        QCOMPARE(ev.states()[0].verdict, V::AlreadyTrue);
    }
    {
        // Nothing seen before: nothing to say it changed.
        ExpectationEvaluator ev;
        ev.start(u"baseline"_s, {load}, 1500);
        ev.onFeedTick(atRate, 2000);
        QCOMPARE(ev.states()[0].verdict, V::AlreadyTrue);
    }
    {
        // False before, then a true tick before judging began (the change came during the actions):
        // the latest sample before judging counts, so already true.
        ExpectationEvaluator ev;
        ev.onFeedTick(idle, 500);
        ev.prepare(u"baseline"_s, {load});
        ev.onFeedTick(atRate, 1000);
        ev.begin(1500);
        ev.onFeedTick(atRate, 2000);
        QCOMPARE(ev.states()[0].verdict, V::AlreadyTrue);
    }
}

namespace {
// A session that never starts its sources: only the story -> executor -> evaluator wiring runs. A
// cluster's profile (whose context does not exist): on the local stack (kind none) CockroachDB's
// PromQL is skipped (skippedWhereThereIsNoCockroachDB).
ConnectionProfile noClusterProfile()
{
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::StatefulSet;
    profile.kubeContext = u"tst-expectation-no-such-context"_s;
    return profile;
}
ConnectionProfile localStackProfile()
{
    ConnectionProfile profile;
    profile.clusterKind = ClusterKind::None;
    return profile;
}
PlanExpectation healedFromFault()
{
    auto e = promql(u"sum(ranges_underreplicated)"_s, PlanExpectation::Op::Equal, 0, 300);
    e.mode = PlanExpectation::Mode::Recovers;
    e.from = u"fault"_s;
    e.label = u"healed"_s;
    return e;
}
} // namespace

void TestExpectation::judgingStartsAtTheLastActionsCompletion()
{
    PresenterSession session(noClusterProfile());
    PlanAction stop;
    stop.type = PlanAction::Type::StopNode;
    stop.ordinal = 2;
    PlanAction loadStop;
    loadStop.type = PlanAction::Type::LoadStop;
    DemoPlan plan;
    plan.beats.append(Beat {u"failure"_s, u"Stop a node"_s, {}, {stop, loadStop}, {healedFromFault()}});
    session.setPlan(plan, QDir::currentPath());
    ExpectationEvaluator *ev = session.evaluator();
    session.story()->next();
    session.story()->next();
    // The beat runs, its actions have not completed: shown, not judged; samples say nothing.
    QCOMPARE(ev->beatId(), u"failure"_s);
    QVERIFY(!ev->isJudging());
    QCOMPARE(ev->states()[0].text(50'000), u"… healed: waiting for the beat's actions"_s);
    ev->onPromResult(0, {series(0)}, 99'000);
    QCOMPARE(ev->states()[0].samples, 0);
    // The executor reports its actions' completions (emitted here with synthetic times; the events
    // the executor would process are never run by this test): the fault leaves its marker, the
    // last action starts the judging.
    Q_EMIT session.executor()->actionCompleted(0, stop, 100'000);
    QCOMPARE(ev->lastFaultMs(), std::optional<qint64>(100'000));
    QVERIFY(!ev->isJudging());
    Q_EMIT session.executor()->actionCompleted(1, loadStop, 103'000);
    QVERIFY(ev->isJudging());
    QCOMPARE(ev->states()[0].startedMs, 103'000);
    QCOMPARE(ev->states()[0].faultMs, std::optional<qint64>(100'000));
    ev->onPromResult(0, {series(5)}, 104'000);
    QCOMPARE(ev->states()[0].text(131'000), u"… healed: 31 s since the fault (now 5)"_s);
    ev->onPromResult(0, {series(0)}, 141'000);
    QCOMPARE(ev->states()[0].text(141'000), u"PASS healed in 41 s from the fault"_s);
}

void TestExpectation::beatWithoutActionsStartsWhenItRuns()
{
    PresenterSession session(noClusterProfile());
    DemoPlan plan;
    plan.beats.append(Beat {u"heal"_s, u"Heal"_s, {}, {}, {healedFromFault()}});
    session.setPlan(plan, QDir::currentPath());
    ExpectationEvaluator *ev = session.evaluator();
    ev->noteFault(1000); // an earlier beat's fault
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    session.story()->next();
    session.story()->next();
    QTRY_VERIFY(ev->isJudging());
    QVERIFY(ev->states()[0].startedMs >= before);
    QVERIFY(ev->states()[0].startedMs <= QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(ev->states()[0].faultMs, std::optional<qint64>(1000));
    QCOMPARE(session.story()->stage(), StoryController::Stage::Showing);
}

void TestExpectation::failedBeatStartsWhenItStopped()
{
    // Stop node is refused (a cluster profile whose kubectl context does not exist: no status, so
    // no node is known to be safe to stop): the fault never happened, so there is no marker and the
    // recovery would be timed from its first failure, saying so. (On the local stack, kind none,
    // the same action is skipped instead: tst_beat_executor.)
    PresenterSession session(noClusterProfile());
    PlanAction stop;
    stop.type = PlanAction::Type::StopNode;
    stop.ordinal = 2;
    DemoPlan plan;
    plan.beats.append(Beat {u"failure"_s, u"Stop a node"_s, {}, {stop}, {healedFromFault()}});
    session.setPlan(plan, QDir::currentPath());
    ExpectationEvaluator *ev = session.evaluator();
    session.story()->next();
    session.story()->next();
    QTRY_COMPARE(session.story()->stage(), StoryController::Stage::Showing);
    QVERIFY2(session.story()->lastRunSummary().startsWith(u"FAILED: failed stop node crdb-2"_s),
        qPrintable(session.story()->lastRunSummary()));
    QVERIFY(ev->isJudging());
    QVERIFY(!ev->lastFaultMs());
    const qint64 t0 = ev->states()[0].startedMs;
    ev->onPromResult(0, {series(4)}, t0 + 2000);
    ev->onPromResult(0, {series(0)}, t0 + 12'000);
    QCOMPARE(ev->states()[0].text(t0 + 12'000), u"PASS healed in 10 s from the first failure (no fault ran)"_s);
}

void TestExpectation::cockroachMetricNames_data()
{
    QTest::addColumn<QString>("promql");
    QTest::addColumn<QStringList>("names");
    QTest::addRow("CockroachDB gauge") << u"max(liveness_livenodes)"_s << QStringList {u"liveness_livenodes"_s};
    QTest::addRow("CockroachDB comparison")
        << u"count(replicas_leaseholders > 0)"_s << QStringList {u"replicas_leaseholders"_s};
    QTest::addRow("the sample app's") << u"sum(rate(app_operations_total{outcome=\"error\"}[1m]))"_s << QStringList {};
    QTest::addRow("Prometheus' own") << u"up{job=\"sampleapp\"} + scrape_duration_seconds"_s << QStringList {};
    QTest::addRow("both") << u"sum(app_ready) * max(ranges_unavailable)"_s << QStringList {u"ranges_unavailable"_s};
}

void TestExpectation::cockroachMetricNames()
{
    QFETCH(QString, promql);
    QFETCH(QStringList, names);
    QCOMPARE(promqlCockroachMetricNames(promql), names);
}

// The rule (every name but app_*, up, scrape_*) against CockroachDB's real metric list: every PromQL
// the plan and the presenter read is sorted right, and no CockroachDB metric looks like the app's.
void TestExpectation::cockroachMetricNamesAgainstCockroachDBsList()
{
    QFile tsv(qEnvironmentVariable("TEST_REFERENCE_DIR") + u"/cockroach-metrics.tsv"_s);
    QVERIFY2(tsv.open(QIODevice::ReadOnly), qPrintable(tsv.fileName()));
    QSet<QString> cockroach;
    tsv.readLine(); // header
    while (!tsv.atEnd()) {
        const QString name = QString::fromUtf8(tsv.readLine()).section(u'\t', 0, 0).trimmed();
        if (!name.isEmpty()) {
            cockroach.insert(name);
            QVERIFY2(promqlCockroachMetricNames(name) == QStringList {name}, qPrintable(name));
        }
    }
    QVERIFY(cockroach.size() > 1000);
    QStringList errors;
    const auto plan = DemoPlan::load(qEnvironmentVariable("TEST_SOURCE_DIR") + u"/demo/plan.json"_s, &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QStringList exprs = plan->promqlExpressions();
    for (const auto &q : ClusterMetrics::queries()) {
        exprs.append(q.promql);
    }
    int cockroachExprs = 0;
    for (const QString &expr : std::as_const(exprs)) {
        const QStringList crdb = promqlCockroachMetricNames(expr);
        cockroachExprs += crdb.isEmpty() ? 0 : 1;
        for (const QString &name : promqlMetricNames(expr)) {
            QCOMPARE(crdb.contains(name), cockroach.contains(promqlBaseMetricName(name)) || cockroach.contains(name));
        }
    }
    QVERIFY(cockroachExprs > 0);
}

void TestExpectation::skippedWhereThereIsNoCockroachDB()
{
    auto live = promql(u"max(liveness_livenodes)"_s, PlanExpectation::Op::Equal, 1, 60);
    live.label = u"one live node"_s;
    live.mode = PlanExpectation::Mode::Holds;
    const auto app = promql(u"sum(app_operations_total)"_s, PlanExpectation::Op::Greater, 0, 60);
    const auto load = feed(u"load.achieved_rps"_s, PlanExpectation::Op::GreaterEqual, 15, 30);
    DemoPlan plan;
    plan.beats.append(Beat {u"baseline"_s, u"Phase 0"_s, {}, {}, {load, live, app}});
    for (const bool local : {true, false}) {
        PresenterSession session(local ? localStackProfile() : noClusterProfile());
        session.setPlan(plan, QDir::currentPath());
        ExpectationEvaluator *ev = session.evaluator();
        session.story()->next();
        session.story()->next();
        QTRY_VERIFY(ev->isJudging());
        const qint64 t0 = ev->states()[0].startedMs;
        if (!local) {
            // A cluster: judged, and no data for the whole window is the FAIL it has always been.
            QCOMPARE(ev->states()[1].verdict, V::Pending);
            ev->checkDeadlines(t0 + 61'000);
            QCOMPARE(ev->states()[1].verdict, V::Fail);
            continue;
        }
        // Shown skipped with its reason from the start; never judged, never failed by a deadline.
        QCOMPARE(ev->states()[1].verdict, V::Skipped);
        QCOMPARE(ev->states()[1].text(t0),
            u"SKIPPED one live node: reads CockroachDB's liveness_livenodes, and the local stack has no CockroachDB "
            "(cluster kind none)"_s);
        // The sample app's own metrics are on the local Prometheus: judged.
        QCOMPARE(ev->states()[2].verdict, V::Pending);
        QCOMPARE(ev->summary(), u"1 skipped · 2 pending"_s);
        ev->onPromResult(1, {series(1)}, t0 + 1000); // (an answer cannot judge it either)
        ev->onPromResult(2, {series(0)}, t0 + 1000);
        ev->onPromResult(2, {series(4)}, t0 + 3000);
        ev->checkDeadlines(t0 + 61'000);
        QCOMPARE(ev->states()[1].verdict, V::Skipped);
        QCOMPARE(ev->states()[1].samples, 0);
        QCOMPARE(ev->states()[2].verdict, V::Pass);
        QCOMPARE(ev->states()[0].verdict, V::Fail); // no feed here: the app-level one is judged
        QCOMPARE(ev->summary(), u"1 passed · 1 failed · 1 skipped"_s);
        QVERIFY(ev->allSettled());
    }
}

void TestExpectation::skippedClusterChangeSkipsTheBeat()
{
    // The failure beat on the local stack: keep_down is skipped (no Kubernetes), so "the app stays
    // ready" would hold with nothing broken: Skipped, with the action and its reason.
    PlanAction keepDown;
    keepDown.type = PlanAction::Type::KeepDown;
    keepDown.ordinal = 2;
    auto ready = feed(u"ready"_s, PlanExpectation::Op::Equal, 1, 60);
    ready.mode = PlanExpectation::Mode::Holds;
    ready.label = u"the app stays ready"_s;
    PresenterSession session(localStackProfile());
    DemoPlan plan;
    plan.beats.append(Beat {u"failure"_s, u"A node fails"_s, {}, {keepDown}, {ready, healedFromFault()}});
    session.setPlan(plan, QDir::currentPath());
    ExpectationEvaluator *ev = session.evaluator();
    QSignalSpy outcomes(&session, &PresenterSession::actionOutcome);
    session.story()->next();
    session.story()->next();
    QTRY_COMPARE(session.story()->stage(), StoryController::Stage::Showing);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes[0][1].value<ActionOutcome>().kind, ActionOutcome::Kind::Skipped);
    QVERIFY(!ev->lastFaultMs()); // no fault happened: nothing for "from": "fault" to count from
    QCOMPARE(ev->states()[0].verdict, V::Skipped);
    QCOMPARE(ev->states()[0].text(0),
        u"SKIPPED the app stays ready: the beat's keep_down was skipped (needs Kubernetes: the local stack has no "
        "cluster): no change to judge"_s);
    QCOMPARE(ev->states()[1].verdict, V::Skipped); // CockroachDB's metric, and no change either
    QCOMPARE(ev->summary(), u"2 skipped"_s);
    const qint64 t0 = ev->states()[0].startedMs;
    FeedTick tick;
    tick.ready = true;
    ev->onFeedTick(tick, t0 + 1000);
    ev->checkDeadlines(t0 + 301'000);
    QCOMPARE(ev->states()[0].verdict, V::Skipped);
    QCOMPARE(ev->summary(), u"2 skipped"_s);
}

void TestExpectation::skippedSqlKeepsTheAppVerdicts()
{
    // A beat whose only skipped step is CockroachDB-only SQL keeps its app-level verdicts: the app was
    // really under load and really served. (The outcome is emitted here as the executor would after
    // the local PostgreSQL refused the file: tst_beat_executor runs that for real.)
    PlanAction rf1;
    rf1.type = PlanAction::Type::RunSql;
    rf1.file = u"sql/01-phase0-rf1.sql"_s;
    rf1.replicationFactor = 1;
    auto ready = feed(u"ready"_s, PlanExpectation::Op::Equal, 1, 10);
    ready.mode = PlanExpectation::Mode::Holds;
    PresenterSession session(localStackProfile());
    DemoPlan plan;
    plan.beats.append(Beat {u"baseline"_s, u"Phase 0"_s, {}, {rf1}, {ready}});
    session.setPlan(plan, QDir::currentPath());
    ExpectationEvaluator *ev = session.evaluator();
    session.story()->next();
    session.story()->next();
    const ActionOutcome skipped = ActionOutcome::of(
        rf1, ActionOutcome::Kind::Skipped, u"CockroachDB only: the local stack's database is PostgreSQL"_s);
    QVERIFY(!skipped.skipsTheBeatsChange());
    Q_EMIT session.executor()->actionOutcome(0, rf1, skipped);
    Q_EMIT session.executor()->actionCompleted(0, rf1, 100'000);
    QVERIFY(ev->isJudging());
    QCOMPARE(ev->states()[0].verdict, V::Pending);
    FeedTick tick;
    tick.ready = true;
    for (qint64 t = 101'000; t <= 110'000; t += 1000) {
        ev->onFeedTick(tick, t);
    }
    ev->checkDeadlines(110'001);
    QCOMPARE(ev->states()[0].verdict, V::Pass);
    QCOMPARE(ev->summary(), u"1 passed"_s);
}

// A window that ended before the next beat is prepared is settled first, at its end, whether or not
// the once-a-second check ran: a replay (no timer between records) shows the verdict live showed.
void TestExpectation::nextBeatSettlesWhatEndedFirst()
{
    SessionClock clock;
    clock.setTime(0);
    ExpectationEvaluator ev;
    ev.setClock(&clock);
    auto ready = feed(u"ready"_s, PlanExpectation::Op::Equal, 1, 10);
    ready.mode = PlanExpectation::Mode::Holds;
    ev.start(u"one"_s, {ready}, 0);
    FeedTick tick;
    tick.ready = true;
    for (qint64 t = 1000; t <= 9500; t += 1000) {
        ev.onFeedTick(tick, t);
    }
    QSignalSpy settled(&ev, &ExpectationEvaluator::settled);
    clock.setTime(10'400); // the window ended at 10 s; no check ran since
    ev.prepare(u"two"_s, {ready});
    QCOMPARE(settled.size(), 1);
    QCOMPARE(settled[0][1].value<V>(), V::Pass);
    QCOMPARE(settled[0][2].toString(), u"PASS ready == 1: held for 10 s"_s);
    QCOMPARE(ev.beatId(), u"two"_s);
    QCOMPARE(ev.states()[0].verdict, V::Pending);
}

QTEST_GUILESS_MAIN(TestExpectation)
#include "tst_expectation.moc"
