#pragma once

#include "model/action_outcome.h"
#include "model/expectation.h"

#include <QList>
#include <QString>

namespace presenter {

// What a rehearsal (presenter --rehearse, desktop/docs/REHEARSAL.md) found, beat by beat, and its
// go/no-go table as text. Plain values and pure functions: the runner (Rehearsal) fills them, the
// command line prints them, tests read them.
struct RehearsedBeat
{
    QString id;
    QString title;
    int index = -1; // in the plan
    bool skipped = false; // not run (skipReason says why); its verdicts are Skipped with that reason
    QString skipReason;
    QList<ActionOutcome> actions; // one per action that ran, in order
    bool actionsOk = true; // BeatExecutor::finished's ok
    QString summary; // BeatExecutor::finished's summary
    // Each verdict as it settled (or as it stood when the beat's time ran out: Pending then).
    QList<ExpectationEvaluator::State> verdicts;
    qint64 startedMs = 0; // the session clock when its actions started
    qint64 endedMs = 0; // when its last verdict settled
    double budgetS = 0; // Beat::budgetS (scaled with the plan); 0 = none

    double takenS() const { return double(endedMs - startedMs) / 1000.0; }
    bool overBudget() const { return budgetS > 0 && takenS() > budgetS; }
    int failedActions() const;
    int skippedActions() const;
    // Failed verdicts, and verdicts still pending when the beat's time ran out (never settled is
    // not a pass).
    int failedVerdicts() const;
    int skippedVerdicts() const;
    bool failed() const { return failedActions() > 0 || failedVerdicts() > 0; }
};

namespace rehearsaltable {

// "GO", "NO-GO" or "SKIPPED" for one beat.
QString result(const RehearsedBeat &beat);
// The line printed as the rehearsal goes: "[3/12] spike GO 4.1 s of 12 s: 1 applied · 2 passed".
QString progressLine(const RehearsedBeat &beat, int ordinal, int total);
// The go/no-go table: per beat its result, time against budget, each action's outcome and each
// verdict with the time it settled (from the beat's start); then the totals and the verdict
// (GO / NO-GO), skipped things counted apart and listed with their reasons. Not `complete` (the
// rehearsal was stopped before its last beat ended): NO-GO whatever the beats say.
QString table(const QList<RehearsedBeat> &beats, bool complete = true);
// 0 when no verdict and no action failed (skipped ones do not count), else 1.
int exitCode(const QList<RehearsedBeat> &beats);

} // namespace rehearsaltable

} // namespace presenter
