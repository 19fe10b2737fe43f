#pragma once

#include "report_writer.h"

#include <optional>

namespace presenter::report {

// One beat of the report's pace table: its budget, its time in this session and in the rehearsal
// (each the sum of its runs: from a run to the next beat's run, the last one to the export).
struct PaceRow
{
    QString id;
    QString title; // from the session's runs; empty for a beat only the rehearsal ran
    double budgetS = 0; // 0 = none
    std::optional<qint64> talkMs; // not run in this session
    std::optional<qint64> rehearsalMs; // not run in the rehearsal (or no rehearsal)
};

// The rows in the session's order of first runs, then the beats only the rehearsal ran, in its order.
QList<PaceRow> paceRows(const SessionRecord &log, const Meta &meta);
// "Pace": the per-beat times beside the rehearsal's and the budgets, with totals; "no rehearsal"
// (and why) when there is none. Everything escaped.
QString paceSection(const SessionRecord &log, const Meta &meta);

// Fills meta's rehearsal: the recording `named` (--fallback FILE), else (empty or "latest") the
// newest good rehearsal in `folder` (RecordingCatalog::latestRehearsal); its beat times up to its
// last record. Reads files: call it off the GUI thread.
void attachRehearsal(Meta *meta, const QString &named, const QString &folder);

} // namespace presenter::report
