#include "talk_pace.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace presenter {

void TalkPace::setPlan(const DemoPlan &plan)
{
    m_beatIds.clear();
    m_budgetsS.clear();
    for (const Beat &beat : plan.beats) {
        m_beatIds.append(beat.id);
        m_budgetsS.append(beat.budgetS);
    }
    m_budgetTotalS = plan.budgetTotalS();
    m_talkMinutes = plan.talkMinutes;
    m_runs.clear();
}

void TalkPace::beatStarted(int index, qint64 atMs)
{
    if (index < 0 || index >= m_beatIds.size()) {
        return;
    }
    m_runs.append(BeatRun {index, m_beatIds.at(index), atMs});
}

double TalkPace::budgetS(int index) const
{
    return index >= 0 && index < m_budgetsS.size() ? m_budgetsS.at(index) : 0;
}

qint64 TalkPace::talkLengthMs() const
{
    const double seconds = m_talkMinutes > 0 ? m_talkMinutes * 60 : m_budgetTotalS;
    return std::llround(seconds * 1000);
}

TalkPace::Reading TalkPace::at(qint64 nowMs) const
{
    Reading r;
    if (m_runs.isEmpty()) {
        return r;
    }
    const BeatRun &first = m_runs.constFirst();
    const BeatRun &current = m_runs.constLast();
    r.elapsedMs = std::max<qint64>(0, nowMs - first.atMs);
    r.currentIndex = current.index;
    r.currentBeatMs = std::max<qint64>(0, nowMs - current.atMs);
    r.currentBudgetS = budgetS(current.index);
    if (talkLengthMs() > 0) {
        r.remainingMs = talkLengthMs() - r.elapsedMs;
    }
    if (!hasBudgets()) {
        r.status = Status::ElapsedOnly;
        return r;
    }
    // The plan's time to reach the current beat, from the beat the talk started at (a rehearsal
    // may start mid-plan), plus the current beat's time up to its budget.
    double plannedS = 0;
    for (int i = first.index; i < current.index; ++i) {
        plannedS += budgetS(i);
    }
    const qint64 budgetMs = std::llround(r.currentBudgetS * 1000);
    const qint64 plannedMs = std::llround(plannedS * 1000) + std::min(r.currentBeatMs, budgetMs);
    r.behindMs = r.elapsedMs - plannedMs;
    if (std::abs(r.behindMs) < kOnTimeMs) {
        r.status = Status::OnTime;
    } else {
        r.status = r.behindMs > 0 ? Status::Behind : Status::Ahead;
    }
    return r;
}

QString TalkPace::clock(qint64 ms)
{
    const qint64 s = std::abs(ms) / 1000;
    return (ms < 0 && s > 0 ? u"-"_s : QString()) + u"%1:%2"_s.arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString TalkPace::text(qint64 nowMs) const
{
    return text(at(nowMs), talkLengthMs());
}

QString TalkPace::text(const Reading &r, qint64 talkLengthMs)
{
    const QString beat = beatText(r);
    return beat.isEmpty() ? talkText(r, talkLengthMs) : talkText(r, talkLengthMs) + u" · "_s + beat;
}

QString TalkPace::talkText(const Reading &r, qint64 talkLengthMs)
{
    if (r.status == Status::NotStarted) {
        return talkLengthMs > 0 ? u"not started · %1 planned"_s.arg(clock(talkLengthMs)) : u"not started"_s;
    }
    QStringList parts {u"%1 elapsed"_s.arg(clock(r.elapsedMs))};
    if (r.remainingMs) {
        parts.append(
            *r.remainingMs >= 0 ? u"%1 left"_s.arg(clock(*r.remainingMs)) : u"%1 over"_s.arg(clock(-*r.remainingMs)));
    }
    switch (r.status) {
    case Status::ElapsedOnly:
        parts.append(u"no budgets in the plan"_s);
        break;
    case Status::OnTime:
        parts.append(u"on time"_s);
        break;
    case Status::Ahead:
        parts.append(u"%1 ahead"_s.arg(clock(-r.behindMs)));
        break;
    case Status::Behind:
        parts.append(u"%1 behind"_s.arg(clock(r.behindMs)));
        break;
    case Status::NotStarted:
        break;
    }
    return parts.join(u" · "_s);
}

QString TalkPace::beatText(const Reading &r)
{
    if (r.status == Status::NotStarted || r.status == Status::ElapsedOnly) {
        return {};
    }
    if (r.currentBudgetS > 0) {
        return u"beat %1 of %2"_s.arg(clock(r.currentBeatMs), clock(std::llround(r.currentBudgetS * 1000)));
    }
    return u"beat %1, no budget"_s.arg(clock(r.currentBeatMs));
}

QList<BeatTime> TalkPace::beatTimes(qint64 endMs) const
{
    QList<BeatTime> times = beatTimes(m_runs, endMs);
    for (BeatTime &t : times) {
        t.budgetS = budgetS(t.index);
    }
    return times;
}

QList<BeatTime> TalkPace::beatTimes(const QList<BeatRun> &runs, qint64 endMs)
{
    QList<BeatTime> times;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const BeatRun &run = runs.at(i);
        const qint64 until = i + 1 < runs.size() ? runs.at(i + 1).atMs : std::max(endMs, run.atMs);
        times.append(BeatTime {run.index, run.beatId, run.atMs, until, 0});
    }
    return times;
}

} // namespace presenter
