#include "expectation.h"

using namespace Qt::StringLiterals;

namespace presenter {

// What an expectation's line says: the verdict and its time, or how far judging has come.

namespace {

// Whole seconds, but tenths below one: a pass after a false sample is never shown "in 0 s".
QString secs(qint64 ms)
{
    const qint64 tenths = (ms + 99) / 100; // rounded up: 30 ms is "0.1 s"
    return ms > 0 && tenths < 10 ? u"0.%1"_s.arg(tenths) : QString::number((ms + 500) / 1000);
}

QString whatOf(const PlanExpectation &e)
{
    return e.label.isEmpty() ? e.condition() : e.label;
}

// The latest observation after the text: " (now 3)", " (query error: ...)", or nothing.
QString observedOf(const ExpectationEvaluator::State &st)
{
    if (!st.lastError.isEmpty()) {
        return u" (query error: %1)"_s.arg(st.lastError);
    }
    return st.lastValue ? u" (now %1)"_s.arg(*st.lastValue, 0, 'g', 4) : QString();
}

QString failText(const ExpectationEvaluator::State &st, qint64 nowMs)
{
    using Reason = ExpectationEvaluator::Reason;
    const QString what = whatOf(st.expectation);
    const int w = st.expectation.withinS;
    switch (st.reason) {
    case Reason::Broke:
        return u"FAIL %1: broke after %2 s"_s.arg(what).arg(secs(st.elapsedMs(nowMs)))
            + (st.lastValue ? u" (was %1)"_s.arg(*st.lastValue, 0, 'g', 4) : QString());
    case Reason::NoData:
        return u"FAIL %1: no data for the whole %2 s window"_s.arg(what).arg(w) + observedOf(st);
    case Reason::Gap:
        return u"FAIL %1: no data for %2 s of the %3 s window"_s.arg(what).arg(secs(st.longestGapMs)).arg(w);
    case Reason::NotRecovered:
        return u"FAIL %1: not recovered within %2 s"_s.arg(what).arg(w) + observedOf(st);
    case Reason::NotWithin:
    case Reason::None:
        break;
    }
    return u"FAIL %1 not within %2 s"_s.arg(what).arg(w) + observedOf(st);
}

QString passText(const ExpectationEvaluator::State &st, qint64 nowMs)
{
    const QString what = whatOf(st.expectation);
    const QString s = secs(st.elapsedMs(nowMs));
    switch (st.expectation.mode) {
    case PlanExpectation::Mode::Holds:
        return u"PASS %1: held for %2 s"_s.arg(what).arg(s);
    case PlanExpectation::Mode::Recovers:
        return u"PASS %1 in %2 s"_s.arg(what).arg(s)
            + (st.faultMs ? u" from the fault"_s
                          : (st.expectation.from == u"fault" ? u" from the first failure (no fault ran)"_s
                                                             : u" from the first failure"_s));
    case PlanExpectation::Mode::Eventually:
        break;
    }
    return u"PASS %1 in %2 s"_s.arg(what).arg(s);
}

// Still pending: waiting for the beat's actions, or judging for so long.
QString pendingText(const ExpectationEvaluator::State &st, qint64 nowMs)
{
    const QString what = whatOf(st.expectation);
    if (!st.judging) {
        return u"… %1: waiting for the beat's actions"_s.arg(what);
    }
    const int w = st.expectation.withinS;
    const QString running = secs(nowMs - st.startedMs);
    const QString observed = observedOf(st);
    switch (st.expectation.mode) {
    case PlanExpectation::Mode::Holds:
        // "holding" only once a sample said so.
        return u"… %1: %2, %3 s of %4 s"_s.arg(what, st.samples > 0 ? u"holding"_s : u"no data yet"_s)
                   .arg(running)
                   .arg(w)
            + observed;
    case PlanExpectation::Mode::Recovers:
        if (st.faultMs && st.firstFalseMs) {
            return u"… %1: %2 s since the fault"_s.arg(what).arg(secs(st.elapsedMs(nowMs))) + observed;
        }
        if (st.firstFalseMs) {
            return u"… %1: broken for %2 s"_s.arg(what).arg(secs(st.elapsedMs(nowMs))) + observed;
        }
        return u"… %1: not broken yet, %2 s of %3 s"_s.arg(what).arg(running).arg(w) + observed;
    case PlanExpectation::Mode::Eventually:
        break;
    }
    return u"… %1: %2 s of %3 s"_s.arg(what).arg(running).arg(w) + observed;
}

} // namespace

qint64 ExpectationEvaluator::State::originMs() const
{
    if (expectation.mode == PlanExpectation::Mode::Recovers) {
        if (faultMs) {
            return *faultMs;
        }
        if (firstFalseMs) {
            return *firstFalseMs;
        }
    }
    return startedMs;
}

qint64 ExpectationEvaluator::State::elapsedMs(qint64 nowMs) const
{
    return (verdict == Verdict::Pending ? nowMs : settledMs) - originMs();
}

QString ExpectationEvaluator::State::audienceText(qint64 nowMs) const
{
    if (verdict != Verdict::Skipped || skipReasonForAudience.isEmpty()) {
        return text(nowMs);
    }
    return u"SKIPPED %1: %2"_s.arg(whatOf(expectation), skipReasonForAudience);
}

QString ExpectationEvaluator::State::text(qint64 nowMs) const
{
    const QString what = whatOf(expectation);
    switch (verdict) {
    case Verdict::Pass:
        return passText(*this, nowMs);
    case Verdict::AlreadyTrue:
        return u"ALREADY TRUE %1: true at the first sample, nothing to time"_s.arg(what);
    case Verdict::NeverBroke:
        return u"NEVER BROKE %1: true for the whole %2 s window, nothing to recover"_s.arg(what).arg(
            expectation.withinS);
    case Verdict::Fail:
        return failText(*this, nowMs);
    case Verdict::Skipped:
        return u"SKIPPED %1: %2"_s.arg(what, skipReason);
    case Verdict::Pending:
        break;
    }
    return pendingText(*this, nowMs);
}

} // namespace presenter
