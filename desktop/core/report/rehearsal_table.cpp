#include "rehearsal_table.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

using Verdict = ExpectationEvaluator::Verdict;

int countActions(const RehearsedBeat &b, ActionOutcome::Kind kind)
{
    return int(
        std::count_if(b.actions.cbegin(), b.actions.cend(), [kind](const ActionOutcome &o) { return o.kind == kind; }));
}

int countVerdicts(const RehearsedBeat &b, Verdict verdict)
{
    return int(std::count_if(b.verdicts.cbegin(), b.verdicts.cend(),
        [verdict](const ExpectationEvaluator::State &s) { return s.verdict == verdict; }));
}

QString seconds(double s)
{
    return u"%1 s"_s.arg(s, 0, 'f', s < 10 ? 1 : 0);
}

QString timeColumn(const RehearsedBeat &b)
{
    if (b.skipped) {
        return u"-"_s;
    }
    QString t = seconds(b.takenS());
    if (b.budgetS > 0) {
        t += u" of "_s + seconds(b.budgetS) + (b.overBudget() ? u" OVER BUDGET"_s : QString());
    }
    return t;
}

// "1 applied · 2 skipped" over the non-zero kinds.
QString actionTally(const RehearsedBeat &b)
{
    QStringList parts;
    for (const auto kind : {ActionOutcome::Kind::Applied, ActionOutcome::Kind::RefusedAsExpected,
             ActionOutcome::Kind::Skipped, ActionOutcome::Kind::Failed}) {
        if (const int n = countActions(b, kind); n > 0) {
            parts << u"%1 %2"_s.arg(n).arg(ActionOutcome::kindName(kind));
        }
    }
    if (!b.actionsOk && countActions(b, ActionOutcome::Kind::Failed) == 0) {
        parts << u"stopped: "_s + b.summary;
    }
    return parts.isEmpty() ? u"no actions"_s : parts.join(u" · "_s);
}

QString verdictTally(const RehearsedBeat &b)
{
    const QList<std::pair<Verdict, QString>> kinds {{Verdict::Pass, u"passed"_s}, {Verdict::Fail, u"failed"_s},
        {Verdict::Pending, u"not settled"_s}, {Verdict::AlreadyTrue, u"already true"_s},
        {Verdict::NeverBroke, u"never broke"_s}, {Verdict::Skipped, u"skipped"_s}};
    QStringList parts;
    for (const auto &[verdict, name] : kinds) {
        if (const int n = countVerdicts(b, verdict); n > 0) {
            parts << u"%1 %2"_s.arg(n).arg(name);
        }
    }
    return parts.isEmpty() ? u"no verdicts"_s : parts.join(u" · "_s);
}

// A verdict's line with when it settled, counted from the beat's start.
QString verdictLine(const RehearsedBeat &b, const ExpectationEvaluator::State &s)
{
    if (s.verdict == Verdict::Pending) {
        return u"NOT SETTLED "_s + s.expectation.describe() + u": still pending when the beat's time ran out"_s;
    }
    QString line = s.text(b.endedMs);
    if (s.verdict != Verdict::Skipped && s.settledMs > 0) {
        line += u"  [at +%1]"_s.arg(seconds(double(s.settledMs - b.startedMs) / 1000.0));
    }
    return line;
}

} // namespace

int RehearsedBeat::failedActions() const
{
    // A beat that stopped without a failed outcome (it never started) still failed once.
    const int failed = countActions(*this, ActionOutcome::Kind::Failed);
    return failed + (!actionsOk && failed == 0 ? 1 : 0);
}

int RehearsedBeat::skippedActions() const
{
    return countActions(*this, ActionOutcome::Kind::Skipped);
}

int RehearsedBeat::failedVerdicts() const
{
    return countVerdicts(*this, Verdict::Fail) + countVerdicts(*this, Verdict::Pending);
}

int RehearsedBeat::skippedVerdicts() const
{
    return countVerdicts(*this, Verdict::Skipped);
}

namespace rehearsaltable {

QString result(const RehearsedBeat &beat)
{
    if (beat.skipped) {
        return u"SKIPPED"_s;
    }
    return beat.failed() ? u"NO-GO"_s : u"GO"_s;
}

QString progressLine(const RehearsedBeat &beat, int ordinal, int total)
{
    QString line = u"[%1/%2] %3 %4"_s.arg(ordinal).arg(total).arg(beat.id, result(beat));
    if (beat.skipped) {
        return line + u": "_s + beat.skipReason;
    }
    return line + u" %1: %2 · %3"_s.arg(timeColumn(beat), actionTally(beat), verdictTally(beat));
}

QString table(const QList<RehearsedBeat> &beats, bool complete)
{
    int failedActions = 0, failedVerdicts = 0, skippedActions = 0, skippedVerdicts = 0, skippedBeats = 0;
    QStringList out {u"Go/no-go:"_s};
    for (const RehearsedBeat &b : beats) {
        out << u"%1 %2 %3  %4"_s.arg(result(b).leftJustified(8), b.id.leftJustified(16), timeColumn(b), b.title);
        if (b.skipped) {
            ++skippedBeats;
            out << u"    skipped: "_s + b.skipReason;
        }
        for (const ActionOutcome &o : b.actions) {
            out << u"    action  "_s + o.text();
        }
        if (!b.actionsOk && countActions(b, ActionOutcome::Kind::Failed) == 0) {
            out << u"    action  FAILED: "_s + b.summary;
        }
        for (const auto &s : b.verdicts) {
            out << u"    verdict "_s + verdictLine(b, s);
        }
        failedActions += b.failedActions();
        failedVerdicts += b.failedVerdicts();
        skippedActions += b.skippedActions();
        skippedVerdicts += b.skippedVerdicts();
    }
    out << u"%1 beats (%2 skipped) · %3 failed actions · %4 failed verdicts · skipped, counted apart: %5 actions, %6 "
           "verdicts"_s.arg(beats.size())
               .arg(skippedBeats)
               .arg(failedActions)
               .arg(failedVerdicts)
               .arg(skippedActions)
               .arg(skippedVerdicts);
    QStringList failing;
    for (const RehearsedBeat &b : beats) {
        if (b.failed()) {
            failing << b.id;
        }
    }
    if (!complete) {
        out << u"NO-GO: stopped before the last beat ended"_s
                + (failing.isEmpty() ? u"."_s : u"; failed in "_s + failing.join(u", "_s) + u"."_s);
    } else {
        out << (failing.isEmpty() ? u"GO: no action and no verdict failed."_s
                                  : u"NO-GO: failed in "_s + failing.join(u", "_s) + u"."_s);
    }
    return out.join(u'\n') + u'\n';
}

int exitCode(const QList<RehearsedBeat> &beats)
{
    return std::any_of(beats.cbegin(), beats.cend(), [](const RehearsedBeat &b) { return b.failed(); }) ? 1 : 0;
}

} // namespace rehearsaltable

} // namespace presenter
