#pragma once

#include "config/demo_plan.h"
#include "session_clock.h"
#include "sources/feed_messages.h"
#include "sources/prometheus_client.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace presenter {

// The CockroachDB metric names a PromQL expression reads: every name but the sample app's own
// (`app_*`, sampleapp/PROTOCOL.md "Metrics") and those Prometheus adds to every scrape (`up`,
// `scrape_*`), which is all a local stack's Prometheus has (demo/local/prometheus.yml).
// tst_expectation checks it against CockroachDB's metric list (tests/reference/).
QStringList promqlCockroachMetricNames(const QString &promql);

// Evaluates a beat's expectations live and times them, each by its mode (PlanExpectation::Mode,
// demo/PLAN.md "Expectations"):
//  - Eventually: Pass at the first true sample after the first ("reached 0 in 41 s"); true at the
//    very first sample is AlreadyTrue ("already true", never "a pass in 0 s": the beat did not
//    make it true while we watched), unless it was seen false just before: the latest sample
//    before judging began (for a feed expectation from the tick before the beat ran until its
//    actions completed; PromQL is polled only while judging) was false, so the beat's actions
//    made it true, and the first true sample is a Pass timed from the start of judging ("in 1 s").
//    Fail when within_s ends first.
//  - Holds: an invariant over the window of within_s: Fail at the first false sample ("broke after
//    23 s"); Pass ("held for 60 s") only when the window ended with every sample true and no
//    stretch without data longer than kMaxGapMs; no data at all, or a longer gap, is a Fail.
//  - Recovers: must be seen false, then true. Pass at the first true sample after a false one,
//    timed from the first false sample, or, with from == "fault", from the latest fault marker
//    (noteFault()). Never seen false within the window is NeverBroke: neither a pass (no healing
//    was shown) nor a fail (nothing broke). Seen false and never true again is a Fail.
// Nothing passes for good before its mode allows it: a holds can turn red until its window ends.
//
// Skipped: neither judged nor a verdict (grey, with its reason, counted apart: "1 passed · 3
// skipped"), for what this session cannot judge honestly:
//  - a PromQL expectation that reads CockroachDB's metrics where there is no CockroachDB
//    (setNoCockroachDB(): the local stack, cluster kind none, whose Prometheus scrapes only the
//    sample app): it could only end "no data" or "not within", a FAIL nothing on stage caused.
//    Which names are CockroachDB's: promqlCockroachMetricNames() (skipped when prepare() shows it);
//  - every expectation of a beat whose cluster change was skipped (skipForAction(): a scale,
//    fault, start or heal the local stack cannot make): it would judge a change that never
//    happened (a "holds" on the app's readiness would pass with nothing broken). A skipped
//    CockroachDB-only SQL file does not skip the beat's app-level (feed) expectations.
//
// When judging starts: prepare() shows a beat's expectations as waiting; begin() starts judging
// them (PresenterSession calls it when the beat's last action completed: the moment the change
// was made, not when the beat started). start() is both at once. Samples before begin() are
// ignored, and so are answers to queries sent before it. within_s counts from begin().
//
// Inputs: onFeedTick() for feed fields (read through the feed's table: feedFieldValue(),
// config/feed_schema.h); for PromQL, the evaluator sends instant queries through
// the attached PrometheusClient every pollIntervalMs while something is being judged, and takes
// the answers in onPromResult(). A PromQL sample is true when the answer has at least one series
// and every series' value satisfies the condition (so "sum(...) == 0" and per-node
// "replicas > 0" both read naturally), false when one does not; an empty answer or a query error
// is no sample ("no data"). A sample's time is when its answer arrived; a PromQL value can be up
// to one metric sample (10 s in CockroachDB: cockroachdb/cockroach pkg/base/config.go,
// DefaultMetricsSampleInterval) plus one scrape (15 s) older than that, so windows must be longer
// than that lag.
// Time: every input carries the local time it is judged at, so tests drive it with synthetic
// times through the same code path the app uses (the app passes the current time).
//
// Threading: GUI thread only.
class ExpectationEvaluator : public QObject
{
    Q_OBJECT
public:
    // AlreadyTrue and NeverBroke are settled but neither a pass nor a fail; Skipped was never judged
    // (see above).
    enum class Verdict { Pending, Pass, Fail, AlreadyTrue, NeverBroke, Skipped };
    Q_ENUM(Verdict) // the recording's "verdict" record spells it (enumKey, snake case)
    // Why a Fail failed (the text says it).
    enum class Reason { None, NotWithin, Broke, NoData, Gap, NotRecovered };

    // A holds passes only if no stretch of its window went without data longer than this: one
    // Prometheus scrape interval (15 s here); a longer gap could hide a whole broken scrape.
    static constexpr qint64 kMaxGapMs = 15'000;

    struct State
    {
        PlanExpectation expectation;
        Verdict verdict = Verdict::Pending;
        Reason reason = Reason::None;
        bool judging = false; // false until begin(): the beat's actions are still running
        qint64 startedMs = 0; // when judging began
        qint64 settledMs = 0; // when it passed or failed (a window's end for holds and deadlines)
        std::optional<qint64> faultMs; // recovers from "fault": the latest fault marker at begin()
        std::optional<qint64> firstFalseMs; // recovers: the first false sample
        qint64 lastSampleMs = -1; // the latest sample with data
        qint64 longestGapMs = 0; // the longest stretch of the window without data so far
        int samples = 0; // samples with data
        // Feed: the latest sample before judging began (from the tick before prepare() until
        // begin()); false = the beat's actions made the condition true while we watched.
        std::optional<bool> truthBefore;
        std::optional<double> lastValue; // latest observation (the worst series for PromQL)
        QString lastError; // a PromQL error answer, shown instead of a value
        QString skipReason; // Skipped: why ("reads CockroachDB's liveness_livenodes, ...")
        QString skipReasonForAudience; // the same in words for people: no metric or action names

        qint64 windowEndMs() const { return startedMs + qint64(expectation.withinS) * 1000; }
        // What the shown time counts from: the start, or for recovers the fault or first failure.
        qint64 originMs() const;
        // The time shown: "in 41 s", "broke after 23 s", "held for 60 s".
        qint64 elapsedMs(qint64 nowMs) const;
        // The line on screen: "PASS healed in 41 s from the fault", "FAIL no range unavailable:
        // broke after 23 s (was 4)", "ALREADY TRUE ...", "NEVER BROKE ...", "SKIPPED ...: why".
        QString text(qint64 nowMs) const;
        // The line on the audience's screen: text(), but a skip says why in words for people
        // ("needs CockroachDB, and this stack has none"); the metric and the action stay on the
        // presenter's window.
        QString audienceText(qint64 nowMs) const;
    };

    explicit ExpectationEvaluator(QObject *parent = nullptr);

    void attachPrometheus(PrometheusClient *client); // may be null (PromQL stays pending)
    // The clock the once-a-second deadline check and the PromQL answers are judged by (the
    // session's; the wall clock when none is set).
    void setClock(const SessionClock *clock) { m_clock = clock; }
    void setPollIntervalMs(int ms) { m_pollTimer.setInterval(ms); }
    // No CockroachDB in this session (the local stack): PromQL expectations reading CockroachDB's
    // metrics are shown Skipped with this reason's words. Empty (the default): there is one.
    void setNoCockroachDB(const QString &why) { m_noCockroachDB = why; }
    QString noCockroachDB() const { return m_noCockroachDB; }

    // Shows these expectations as waiting for the beat's actions (replaces the previous beat's, after
    // settling those whose window ended by now).
    void prepare(const QString &beatId, const QList<PlanExpectation> &expectations);
    // Starts judging the prepared expectations from nowMs (once; later calls do nothing).
    void begin(qint64 nowMs);
    // prepare() and begin() at once.
    void start(const QString &beatId, const QList<PlanExpectation> &expectations, qint64 nowMs);
    void clear();
    bool isJudging() const { return m_judging; }
    // The prepared beat's change was not made (its `action` was skipped because `why`): every
    // expectation not settled yet is Skipped, now. Judging may still begin(); nothing is judged.
    void skipForAction(const QString &action, const QString &why);

    // A fault action (PlanAction::isFault()) completed at atMs: what "from": "fault" counts from.
    // Kept across beats (the heal beat times from the failure beat's fault) and by clear().
    void noteFault(qint64 atMs) { m_lastFaultMs = atMs; }
    std::optional<qint64> lastFaultMs() const { return m_lastFaultMs; }

    void onFeedTick(const FeedTick &tick, qint64 nowMs);
    void onPromResult(int index, const QList<PromSeries> &series, qint64 nowMs);
    void onPromError(int index, const QString &error, qint64 nowMs);
    // Settles what has reached its window's end; called by the app once a second and after every
    // input.
    void checkDeadlines(qint64 nowMs);

    QString beatId() const { return m_beatId; }
    const QList<State> &states() const { return m_states; }
    bool allSettled() const;
    // The beat's tally: "2 passed · 1 already true · 1 failed · 3 skipped". Already true, never
    // broke and skipped are counted apart, never as passes: the beat's action did not cause them.
    QString summary() const;

Q_SIGNALS:
    void changed();
    void settled(int index, ExpectationEvaluator::Verdict verdict, const QString &text);
    // An answer to expectation `index`'s PromQL arrived (error empty on success), just before it
    // is judged: the session recorder's input (a replay feeds it back to onPromResult/onPromError).
    // atMs: the time it is judged at (the record's time).
    void promAnswered(int index, const QList<PromSeries> &series, const QString &error, qint64 atMs);

private:
    // One sample for expectation `index`: truth is empty for "no data".
    void sample(int index, std::optional<bool> truth, std::optional<double> value, qint64 nowMs);
    void settle(int index, Verdict verdict, Reason reason, qint64 atMs, qint64 nowMs);
    void pollPrometheus();

    QString m_beatId;
    QList<State> m_states;
    bool m_judging = false;
    std::optional<FeedTick> m_lastTick; // the latest feed tick, whatever the beat
    std::optional<qint64> m_lastFaultMs;
    QPointer<PrometheusClient> m_prom;
    QHash<int, int> m_requestToIndex;
    QTimer m_pollTimer;
    QTimer m_deadlineTimer;
    const SessionClock *m_clock = nullptr;
    QString m_noCockroachDB;
    qint64 nowMs() const { return m_clock ? m_clock->nowMs() : QDateTime::currentMSecsSinceEpoch(); }
};

} // namespace presenter
