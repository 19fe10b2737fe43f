#include "report_writer.h"

#include "pace_section.h"

#include "model/node_view.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace presenter {

namespace report {

QString escape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += u"&amp;"_s;
            break;
        case u'<':
            out += u"&lt;"_s;
            break;
        case u'>':
            out += u"&gt;"_s;
            break;
        case u'"':
            out += u"&quot;"_s;
            break;
        case u'\'':
            out += u"&#39;"_s;
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString verdictName(ExpectationEvaluator::Verdict verdict)
{
    switch (verdict) {
    case ExpectationEvaluator::Verdict::Pass:
        return u"PASS"_s;
    case ExpectationEvaluator::Verdict::Fail:
        return u"FAIL"_s;
    case ExpectationEvaluator::Verdict::AlreadyTrue:
        return u"ALREADY TRUE"_s;
    case ExpectationEvaluator::Verdict::NeverBroke:
        return u"NEVER BROKE"_s;
    case ExpectationEvaluator::Verdict::Skipped:
        return u"SKIPPED"_s;
    case ExpectationEvaluator::Verdict::Pending:
        break;
    }
    return u"PENDING"_s;
}

QString verdictText(ExpectationEvaluator::Verdict verdict, const QString &text)
{
    const QString name = verdictName(verdict) + u' ';
    return text.startsWith(name) ? text.mid(name.size()) : text;
}

QString verdictClass(ExpectationEvaluator::Verdict verdict)
{
    switch (verdict) {
    case ExpectationEvaluator::Verdict::Pass:
        return u"pass"_s;
    case ExpectationEvaluator::Verdict::Fail:
        return u"fail"_s;
    case ExpectationEvaluator::Verdict::AlreadyTrue:
    case ExpectationEvaluator::Verdict::NeverBroke:
        return u"neither"_s; // settled, but neither a pass nor a fail (expectation.h)
    case ExpectationEvaluator::Verdict::Skipped:
        return u"skipped"_s; // never judged: grey, with its reason
    case ExpectationEvaluator::Verdict::Pending:
        break;
    }
    return u"pending"_s;
}

namespace {

QString outcomeClass(ActionOutcome::Kind kind)
{
    switch (kind) {
    case ActionOutcome::Kind::Applied:
    case ActionOutcome::Kind::RefusedAsExpected:
        return u"pass"_s;
    case ActionOutcome::Kind::Skipped:
        return u"skipped"_s;
    case ActionOutcome::Kind::Failed:
        break;
    }
    return u"fail"_s;
}

// The verdict colours of the presenter's beat panel (beat_panel.cpp): green only a pass, red only
// a fail, blue for "already true" / "never broke", grey for skipped (never judged).
constexpr auto kCss = R"(
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px auto;max-width:960px;color:#1a1a1a;line-height:1.4}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:2px solid #ddd}
.badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:bold;color:#fff}
.live{background:#008844}.replay{background:#cc5500}
.meta{color:#444}.meta td{padding:1px 12px 1px 0}
table.grid{border-collapse:collapse;width:100%}.grid th,.grid td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
.grid th{background:#f2f2f2}.num{text-align:right;white-space:nowrap}
.verdict{font-weight:bold;white-space:nowrap}.pass{color:#008844}.fail{color:#cc0022}.neither{color:#225588}.pending{color:#555}.skipped{color:#808080}
ul.ex{margin:0;padding-left:18px}.note{color:#555;font-size:13px}
img.chart{display:block;width:900px;max-width:100%;height:auto;border:1px solid #ddd;margin:4px 0 14px}
nav a{margin-right:12px}
)";

QString clockText(qint64 ms, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(format);
}

QString dateText(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(u"yyyy-MM-dd HH:mm:ss"_s) + u' ' + t.timeZone().displayName(t, QTimeZone::OffsetName);
}

// "T+05:12" from the session's start.
QString sinceStart(qint64 ms, qint64 startMs)
{
    const qint64 s = std::max<qint64>(0, ms - startMs) / 1000;
    return u"T+%1:%2"_s.arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString ms(std::optional<double> v)
{
    return v ? u"%1 ms"_s.arg(*v, 0, 'f', *v < 10 ? 1 : 0) : u"–"_s;
}

QString rps(std::optional<double> v)
{
    return v ? u"%1 req/s"_s.arg(*v, 0, 'f', 1) : u"–"_s;
}

QString percent(const RequestTally &t)
{
    return escape(t.percentText());
}

QString head(const Meta &meta)
{
    QString h = u"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"_s;
    h += u"<title>"_s + escape((meta.replay ? u"Replay report: "_s : u"Session report: "_s) + meta.planTitle)
        + u"</title>"_s;
    h += u"<style>"_s + QString::fromUtf8(kCss) + u"</style></head><body>\n"_s;
    return h;
}

// LIVE or REPLAY, the plan, the profile, the date; then the sections' links.
QString header(qint64 start, const Meta &meta)
{
    QString h = u"<h1>"_s + escape(meta.planTitle.isEmpty() ? u"Presenter session"_s : meta.planTitle) + u"</h1>\n"_s;
    if (meta.replay) {
        h += u"<p><span class=\"badge replay\" id=\"mode\">REPLAY</span> of <code>"_s
            + escape(meta.replayFile.isEmpty() ? u"a recording"_s : meta.replayFile) + u"</code></p>\n"_s;
    } else {
        h += u"<p><span class=\"badge live\" id=\"mode\">LIVE</span> session</p>\n"_s;
    }
    h += u"<table class=\"meta\">"_s;
    h += u"<tr><td>plan</td><td><code>"_s + escape(meta.planPath) + u"</code></td></tr>"_s;
    h += u"<tr><td>profile</td><td>"_s + escape(meta.profile) + u"</td></tr>"_s;
    if (!meta.recordingFile.isEmpty()) {
        h += u"<tr><td>recording</td><td><code>"_s + escape(meta.recordingFile) + u"</code></td></tr>"_s;
    }
    h += u"<tr><td>session</td><td>"_s + escape(dateText(start)) + u" to "_s
        + escape(clockText(meta.generatedMs, u"HH:mm:ss"_s)) + u" ("_s
        + escape(nodeview::formatDuration(meta.generatedMs - start)) + u")</td></tr>"_s;
    h += u"<tr><td>report</td><td>exported at "_s + escape(dateText(meta.generatedMs))
        + (meta.replay ? u" (the recording's time)"_s : QString()) + u"</td></tr>"_s;
    h += u"</table>\n"_s;
    h += u"<nav><a href=\"#beats\">Beats</a><a href=\"#faults\">Faults and heals</a><a href=\"#load\">Load</a>"
         "<a href=\"#pace\">Pace</a><a href=\"#charts\">Charts</a><a href=\"#events\">Events</a></nav>\n"_s;
    return h;
}

// "2 beats run; their expectations: 1 passed · 1 failed · ...": every expectation line by verdict.
QString verdictTally(const QList<SessionRecord::BeatRun> &beats)
{
    int passes = 0, fails = 0, neither = 0, skipped = 0, pending = 0;
    for (const SessionRecord::BeatRun &b : beats) {
        for (const SessionRecord::ExpectationLine &e : b.expectations) {
            switch (e.verdict) {
            case ExpectationEvaluator::Verdict::Pass:
                ++passes;
                break;
            case ExpectationEvaluator::Verdict::Fail:
                ++fails;
                break;
            case ExpectationEvaluator::Verdict::AlreadyTrue:
            case ExpectationEvaluator::Verdict::NeverBroke:
                ++neither;
                break;
            case ExpectationEvaluator::Verdict::Skipped:
                ++skipped;
                break;
            case ExpectationEvaluator::Verdict::Pending:
                ++pending;
                break;
            }
        }
    }
    return u"<p id=\"tally\">%1 beats run; their expectations: <span class=\"pass\">%2 passed</span> · <span "
           u"class=\"fail\">%3 failed</span>"
           " · <span class=\"neither\">%4 already true or never broke (not passes)</span> · <span "
           "class=\"skipped\">%5 skipped (not judged)</span> · %6 not settled</p>\n"_s.arg(beats.size())
               .arg(passes)
               .arg(fails)
               .arg(neither)
               .arg(skipped)
               .arg(pending);
}

// The actions cell: done or failed after how long, then each action's outcome in the words the
// presenter showed (ActionOutcome::text), or the summary when there is no outcome.
QString actionsCell(const SessionRecord::BeatRun &b)
{
    if (b.actionsDoneMs == 0) {
        return u"still running"_s;
    }
    QString h = u"<span class=\"%1\">%2</span> after %3"_s.arg(b.actionsOk ? u"pass"_s : u"fail"_s,
        b.actionsOk ? u"done"_s : u"failed"_s, escape(nodeview::formatDuration(b.actionsDoneMs - b.ranMs)));
    if (!b.actions.isEmpty()) {
        h += u"<ul class=\"ex\">"_s;
        for (const ActionOutcome &o : b.actions) {
            h += u"<li class=\"outcome %1\">"_s.arg(outcomeClass(o.kind)) + escape(o.text()) + u"</li>"_s;
        }
        h += u"</ul>"_s;
    } else if (!b.actionsSummary.isEmpty()) {
        h += u"<br><span class=\"note\">"_s + escape(b.actionsSummary) + u"</span>"_s;
    }
    return h;
}

QString expectationsCell(const SessionRecord::BeatRun &b)
{
    if (b.expectations.isEmpty()) {
        return u"<span class=\"note\">none</span>"_s;
    }
    QString h = u"<ul class=\"ex\">"_s;
    for (const SessionRecord::ExpectationLine &e : b.expectations) {
        h += u"<li><span class=\"verdict %1\">%2</span> "_s.arg(verdictClass(e.verdict), verdictName(e.verdict))
            + escape(verdictText(e.verdict, e.text)) + u"</li>"_s;
    }
    h += u"</ul>"_s;
    return h;
}

QString beatRow(const SessionRecord::BeatRun &b, qint64 start, const Meta &meta)
{
    const qint64 end = b.endMs != 0 ? b.endMs : meta.generatedMs;
    QString h
        = u"<tr class=\"beat\" id=\"beat-%1\"><td class=\"num\">%2</td><td><b>"_s.arg(escape(b.id)).arg(b.index + 1)
        + escape(b.title) + u"</b><br><code>"_s + escape(b.id) + u"</code></td>"_s;
    h += u"<td class=\"num\">"_s + escape(clockText(b.ranMs, u"HH:mm:ss"_s)) + u"<br>"_s
        + escape(sinceStart(b.ranMs, start)) + u"</td>"_s;
    h += u"<td class=\"num\">"_s + escape(nodeview::formatDuration(end - b.ranMs))
        + (b.endMs == 0 ? u"<br>(current)"_s : QString()) + u"</td><td>"_s;
    h += actionsCell(b);
    h += u"</td><td>"_s;
    h += expectationsCell(b);
    h += u"</td></tr>\n"_s;
    return h;
}

QString beatsSection(const SessionRecord &log, const Meta &meta)
{
    QString h = u"<h2 id=\"beats\">Beats</h2>\n"_s;
    h += verdictTally(log.beats);
    if (log.beats.isEmpty()) {
        return h + u"<p>No beat was run.</p>\n"_s;
    }
    h += u"<table class=\"grid\" id=\"beat-table\"><tr><th>#</th><th>beat</th><th>ran at</th><th>duration</th>"
         "<th>actions</th><th>expectations</th></tr>\n"_s;
    for (const SessionRecord::BeatRun &b : log.beats) {
        h += beatRow(b, log.startedMs, meta);
    }
    h += u"</table>\n"_s;
    return h;
}

QString faultRow(const SessionRecord::Fault &f, qint64 start, const Meta &meta)
{
    QString h = u"<tr class=\"fault\"><td>"_s + escape(f.pod) + u"</td><td>"_s + escape(f.kind) + u"</td>"_s;
    h += u"<td class=\"num\">"_s + escape(clockText(f.startMs, u"HH:mm:ss"_s)) + u"<br>"_s
        + escape(sinceStart(f.startMs, start)) + u"</td>"_s;
    if (f.endMs != 0) {
        h += u"<td class=\"num\">"_s + escape(clockText(f.endMs, u"HH:mm:ss"_s)) + u"</td><td class=\"num\">"_s
            + escape(nodeview::formatDuration(f.endMs - f.startMs)) + u"</td>"_s;
    } else {
        h += u"<td>still down at export</td><td class=\"num\">"_s
            + escape(nodeview::formatDuration(meta.generatedMs - f.startMs)) + u" so far</td>"_s;
    }
    h += u"<td><b class=\"share\">"_s + percent(f.tally) + u"</b> "_s + escape(f.tally.text());
    if (!f.shownTallyText.isEmpty() && f.shownTallyText != f.tally.text()) {
        h += u"<br><span class=\"note\">shown at its end: "_s + escape(f.shownTallyText) + u"</span>"_s;
    }
    h += u"</td></tr>\n"_s;
    return h;
}

QString healsList(const QList<SessionRecord::Heal> &heals)
{
    if (heals.isEmpty()) {
        return u"<p>No heal was timed.</p>\n"_s;
    }
    QString h = u"<p>Heal stopwatch (from the fault until the nodes were live and no range under-replicated):</p>"
                "<ul id=\"heals\">"_s;
    for (const SessionRecord::Heal &heal : heals) {
        h += u"<li><b>"_s + escape(nodeview::formatDuration(heal.elapsedMs)) + u"</b> at "_s
            + escape(clockText(heal.atMs, u"HH:mm:ss"_s)) + u": "_s + escape(heal.text) + u"</li>"_s;
    }
    h += u"</ul>\n"_s;
    return h;
}

QString faultsSection(const SessionRecord &log, const Meta &meta)
{
    QString h = u"<h2 id=\"faults\">Faults and heals</h2>\n"_s;
    if (log.faults.isEmpty()) {
        h += u"<p>No fault was injected.</p>\n"_s;
    } else {
        h += u"<table class=\"grid\" id=\"fault-table\"><tr><th>node</th><th>fault</th><th>down at</th><th>back at</th>"
             "<th>down for</th><th>requests that succeeded while it lasted</th></tr>\n"_s;
        for (const SessionRecord::Fault &f : log.faults) {
            h += faultRow(f, log.startedMs, meta);
        }
        h += u"</table>\n"_s;
    }
    return h + healsList(log.heals);
}

// Target and achieved rate, how long the load ran, and the share of requests that succeeded:
// over the session and while each fault lasted.
QString loadTable(const SessionRecord &log)
{
    const LoadAccumulator &load = log.load;
    QString h = u"<table class=\"grid\" id=\"load-table\">"_s;
    h += u"<tr><th>target (mean while load ran)</th><td class=\"num\">%1</td></tr>"_s.arg(rps(load.meanTargetRps()));
    h += u"<tr><th>achieved (mean while load ran)</th><td class=\"num\">%1</td></tr>"_s.arg(
        rps(load.meanAchievedRps()));
    h += u"<tr><th>load ran for</th><td class=\"num\">%1 of %2 with feed data</td></tr>"_s.arg(
        escape(nodeview::formatDuration(load.loadMs())),
        escape(nodeview::formatDuration(load.lastMs() - load.firstMs() + load.tickIntervalMs())));
    h += u"<tr><th>dropped (could not be started)</th><td class=\"num\">%1</td></tr>"_s.arg(load.dropped());
    h += u"<tr><th>requests that succeeded, whole session</th><td class=\"num\"><b>"_s + percent(log.sessionTally)
        + u"</b> ("_s + QString::number(load.requests() - load.failed()) + u" of "_s + QString::number(load.requests())
        + u"; "_s + QString::number(load.failed()) + u" failed)</td></tr>"_s;
    for (const SessionRecord::Fault &f : log.faults) {
        h += u"<tr><th>… while "_s + escape(f.pod) + u" was down ("_s + escape(f.kind) + u")</th><td class=\"num\">"_s
            + percent(f.tally) + u"</td></tr>"_s;
    }
    h += u"</table>\n"_s;
    return h;
}

QString latencyTable(const LoadAccumulator &load)
{
    QString h = u"<h3>Latency per route</h3>\n<table class=\"grid\" id=\"latency-table\"><tr><th>route</th>"
                "<th>median of per-interval p50</th><th>median of per-interval p95</th>"
                "<th>95th percentile of per-interval p99</th><th>max per-interval p99</th><th>intervals</th></tr>"_s;
    for (const LoadAccumulator::RouteLatency &r : load.routeLatencies()) {
        h += u"<tr><td><code>"_s + escape(r.route) + u"</code></td><td class=\"num\">"_s + ms(r.medianP50Ms)
            + u"</td><td class=\"num\">"_s + ms(r.medianP95Ms) + u"</td><td class=\"num\">"_s + ms(r.p95OfP99Ms)
            + u"</td><td class=\"num\">"_s + ms(r.maxP99Ms) + u"</td><td class=\"num\">"_s
            + QString::number(r.intervals) + u"</td></tr>"_s;
    }
    h += u"</table>\n"_s;
    h += u"<p class=\"note\">The sample app's feed reports one p50 / p95 / p99 per route for each feed interval "
         u"(%1 ms here): "
         "these are statistics of those per-interval percentiles, not percentiles of every request of the "
         "session. An interval without a request has no percentile and is left out. Requests count every "
         "operation of a route (HTTP and internal load); a request that succeeded after a retry counts as "
         "succeeded.</p>\n"_s.arg(load.tickIntervalMs());
    return h;
}

QString loadSection(const SessionRecord &log)
{
    const QString h = u"<h2 id=\"load\">Load</h2>\n"_s;
    if (log.load.ticks() == 0) {
        return h + u"<p>No feed tick arrived from the sample app.</p>\n"_s;
    }
    return h + loadTable(log) + latencyTable(log.load);
}

QString chartsSection(const QList<Chart> &charts, const Meta &meta)
{
    QString h = u"<h2 id=\"charts\">Charts</h2>\n"_s;
    h += u"<p class=\"note\">Drawn by the presenter's own charts at export, over the last %1 (the session, within the "
         "presenter's chart window).</p>\n"_s.arg(escape(nodeview::formatDuration(meta.chartWindowMs)));
    QStringList missing;
    for (const Chart &c : charts) {
        if (c.png.isEmpty()) {
            missing << escape(c.title) + u" ("_s + escape(c.missingReason) + u")"_s;
            continue;
        }
        h += u"<h3>"_s + escape(c.title) + u"</h3><img class=\"chart\" alt=\""_s + escape(c.title)
            + u"\" src=\"data:image/png;base64,"_s + QString::fromLatin1(c.png.toBase64()) + u"\">\n"_s;
    }
    if (!missing.isEmpty()) {
        h += u"<p class=\"note\">Not drawn: "_s + missing.join(u"; "_s) + u".</p>\n"_s;
    }
    return h;
}

QString eventsSection(const SessionRecord &log)
{
    QString h = u"<h2 id=\"events\">Events</h2>\n"_s;
    if (log.events.isEmpty()) {
        return h + u"<p>No event.</p>\n"_s;
    }
    h += u"<table class=\"grid\" id=\"event-table\"><tr><th>time</th><th>kind</th><th>event</th></tr>\n"_s;
    for (const EventMarker &m : log.events) {
        h += u"<tr><td class=\"num\">"_s + escape(clockText(m.tsMs, u"HH:mm:ss"_s)) + u" "_s
            + escape(sinceStart(m.tsMs, log.startedMs)) + u"</td><td>"_s + escape(eventMarkerKindName(m.kind))
            + u"</td><td>"_s + escape(m.text) + u"</td></tr>\n"_s;
    }
    h += u"</table>\n"_s;
    return h;
}

QString footer(const Meta &meta)
{
    return u"<p class=\"note\">Exported by the presenter (crdb-live-evolution). Times are the session's clock"_s
        + (meta.replay ? u" (the recording's)"_s : QString()) + u".</p>\n</body></html>\n"_s;
}

} // namespace

QByteArray html(const SessionRecord &log, const QList<Chart> &charts, const Meta &meta)
{
    QString h = head(meta);
    h += header(log.startedMs, meta);
    h += beatsSection(log, meta);
    h += faultsSection(log, meta);
    h += loadSection(log);
    h += paceSection(log, meta);
    h += chartsSection(charts, meta);
    h += eventsSection(log);
    h += footer(meta);
    return h.toUtf8();
}

} // namespace report

} // namespace presenter
