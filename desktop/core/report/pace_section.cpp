#include "pace_section.h"

#include "recording/recording_catalog.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace presenter::report {

namespace {

PaceRow &rowFor(QList<PaceRow> &rows, const QString &id)
{
    for (PaceRow &r : rows) {
        if (r.id == id) {
            return r;
        }
    }
    rows.append(PaceRow {id, {}, 0, std::nullopt, std::nullopt});
    return rows.last();
}

QString duration(std::optional<qint64> ms)
{
    return ms ? TalkPace::clock(*ms) : u"–"_s;
}

// "+0:35" slower than the rehearsal, "-1:10" faster.
QString difference(std::optional<qint64> talk, std::optional<qint64> rehearsal)
{
    if (!talk || !rehearsal) {
        return u"–"_s;
    }
    const qint64 d = *talk - *rehearsal;
    return (d > 0 ? u"+"_s : QString()) + TalkPace::clock(d);
}

QString row(const PaceRow &r)
{
    const QString budget = r.budgetS > 0 ? TalkPace::clock(qint64(r.budgetS * 1000)) : u"–"_s;
    return u"<tr><td>%1<br><code>%2</code></td><td class=\"num\">%3</td><td class=\"num\">%4</td>"
           "<td class=\"num\">%5</td><td class=\"num\">%6</td></tr>\n"_s.arg(escape(r.title), escape(r.id),
               escape(budget), escape(duration(r.talkMs)), escape(duration(r.rehearsalMs)),
               escape(difference(r.talkMs, r.rehearsalMs)));
}

QString rehearsalLine(const Meta &meta)
{
    if (meta.rehearsalFile.isEmpty()) {
        return u"<p id=\"rehearsal\">No rehearsal"_s
            + (meta.rehearsalNote.isEmpty() ? QString() : u": "_s + escape(meta.rehearsalNote)) + u".</p>\n"_s;
    }
    const QString when = QDateTime::fromMSecsSinceEpoch(meta.rehearsalStartedMs).toString(u"yyyy-MM-dd HH:mm"_s);
    return u"<p id=\"rehearsal\">Beside the rehearsal <code>"_s + escape(meta.rehearsalFile) + u"</code> of "_s
        + escape(when) + u".</p>\n"_s;
}

} // namespace

QList<PaceRow> paceRows(const SessionRecord &log, const Meta &meta)
{
    QList<PaceRow> rows;
    for (const SessionRecord::BeatRun &b : log.beats) {
        PaceRow &r = rowFor(rows, b.id);
        r.title = b.title;
        const qint64 end = b.endMs != 0 ? b.endMs : std::max(meta.generatedMs, b.ranMs);
        r.talkMs = r.talkMs.value_or(0) + (end - b.ranMs);
    }
    for (const BeatTime &t : meta.rehearsalBeats) {
        PaceRow &r = rowFor(rows, t.beatId);
        r.rehearsalMs = r.rehearsalMs.value_or(0) + t.durationMs();
    }
    for (PaceRow &r : rows) {
        r.budgetS = meta.beatBudgetsS.value(r.id);
    }
    return rows;
}

QString paceSection(const SessionRecord &log, const Meta &meta)
{
    QString h = u"<h2 id=\"pace\">Pace</h2>\n"_s + rehearsalLine(meta);
    const QList<PaceRow> rows = paceRows(log, meta);
    if (rows.isEmpty()) {
        return h + u"<p>No beat was run.</p>\n"_s;
    }
    h += u"<table class=\"grid\" id=\"pace-table\"><tr><th>beat</th><th>budget</th><th>this session</th>"
         "<th>rehearsal</th><th>difference</th></tr>\n"_s;
    PaceRow total {u"all beats"_s, u"Total"_s, 0, std::nullopt, std::nullopt};
    for (const PaceRow &r : rows) {
        h += row(r);
        total.budgetS += r.budgetS;
        if (r.talkMs) {
            total.talkMs = total.talkMs.value_or(0) + *r.talkMs;
        }
        if (r.rehearsalMs) {
            total.rehearsalMs = total.rehearsalMs.value_or(0) + *r.rehearsalMs;
        }
    }
    h += row(total);
    h += u"</table>\n<p class=\"note\">A beat's time runs from its run to the next beat's run (the last one to "
         "the export, or to the rehearsal's last record). Budgets: the plan's <code>budget_s</code>.</p>\n"_s;
    return h;
}

void attachRehearsal(Meta *meta, const QString &named, const QString &folder)
{
    using recording::RecordingCatalog;
    std::optional<recording::CatalogEntry> entry;
    if (!named.isEmpty() && named != u"latest") {
        entry = RecordingCatalog::inspect(named);
    } else {
        entry = RecordingCatalog::latestRehearsal(folder);
    }
    if (!entry) {
        meta->rehearsalNote = u"none in %1 is complete with nothing failed"_s.arg(folder);
        return;
    }
    if (!entry->isRecording) {
        meta->rehearsalNote = u"%1: %2"_s.arg(entry->path, entry->problem);
        return;
    }
    meta->rehearsalFile = entry->path;
    meta->rehearsalStartedMs = entry->startedMs;
    meta->rehearsalBeats = TalkPace::beatTimes(entry->beatRuns, entry->startedMs + entry->lengthMs);
}

} // namespace presenter::report
