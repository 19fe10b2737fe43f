#pragma once

#include "session_log.h"

#include "model/talk_pace.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace presenter {

// One self-contained HTML file from a SessionRecord (SessionLog::record()): inline CSS, the charts as data: PNG images,
// no script, no external asset (it opens offline, and mailed). Every text that comes from data (beat titles, verdict
// lines, marker texts, file names) is escaped; the only src/href values are data: URIs and #anchors.
//
// Pure: everything comes from the arguments (times are the session clock's, formatted in the
// local time zone with its offset).
namespace report {

struct Chart
{
    QString id; // ChartSpec::id
    QString title;
    QByteArray png; // empty: listed as not drawn, with `missingReason`
    QString missingReason;
};

struct Meta
{
    bool replay = false;
    QString replayFile; // the recording played (replay only)
    QString planTitle;
    QString planPath;
    QString profile; // how the session was connected: "local stack (no Kubernetes) · http://..."
    QString recordingFile; // the session's own recording, when the report names it (a rehearsal's)
    qint64 generatedMs = 0; // the session clock at export
    qint64 chartWindowMs = 0; // what the charts cover (the store's window)
    // The pace section (pace_section.h): the plan's budget_s by beat id, and the rehearsal the
    // talk's beat times are set beside: the --fallback file, else the newest good rehearsal in the
    // recordings folder (ReportExporter picks it); no file: "no rehearsal", rehearsalNote says why.
    QHash<QString, double> beatBudgetsS;
    QString rehearsalFile;
    qint64 rehearsalStartedMs = 0;
    QList<BeatTime> rehearsalBeats;
    QString rehearsalNote;
};

QByteArray html(const SessionRecord &log, const QList<Chart> &charts, const Meta &meta);

// Escapes & < > " ' for element text and attribute values.
QString escape(const QString &text);
// "PASS", "FAIL", "ALREADY TRUE", "NEVER BROKE", "PENDING", and the CSS class each is drawn with.
QString verdictName(ExpectationEvaluator::Verdict verdict);
QString verdictClass(ExpectationEvaluator::Verdict verdict);
// The verdict line without its leading verdict word ("PASS load up in 4 s" -> "load up in 4 s"): the
// report shows the word once, as the coloured badge.
QString verdictText(ExpectationEvaluator::Verdict verdict, const QString &text);

} // namespace report

} // namespace presenter
