#pragma once

#include "config/demo_plan.h"

#include <QList>
#include <QString>

#include <optional>

namespace presenter {

// One run of a beat: when its actions started (PresenterSession::beatRunStarted, the recording's
// "beat_run").
struct BeatRun
{
    int index = -1;
    QString beatId;
    qint64 atMs = 0;
};

// A beat's time on stage: from its run to the next beat's run (or the end of the talk).
struct BeatTime
{
    int index = -1;
    QString beatId;
    qint64 startMs = 0;
    qint64 endMs = 0;
    double budgetS = 0; // the plan's budget_s, 0 = none
    qint64 durationMs() const { return endMs - startMs; }
};

// The talk's pace for the presenter's window (never the kiosk): time elapsed since the first beat
// ran, time left of the talk's length (plan "talk_minutes", else the sum of the beats' budgets), and
// whether the talk is ahead or behind: the elapsed time against the budgets of the beats before the
// current one plus the current beat's time, capped at its budget (a beat still inside its budget is
// on time; one past it puts the talk behind by its overrun). desktop/docs/PACE.md.
//
// A plan without budgets or length still works: the pace then shows the elapsed time only.
// Pure: the caller feeds the runs with their times and asks at a time; nothing here reads a clock.
class TalkPace
{
public:
    enum class Status {
        NotStarted, // no beat ran yet
        ElapsedOnly, // the plan has no budgets: elapsed (and left, with a length) only
        OnTime, // within kOnTimeMs of the budgets
        Ahead,
        Behind,
    };
    // Closer than this to the budgets reads "on time": a clicker press is not a pace.
    static constexpr qint64 kOnTimeMs = 10'000;

    struct Reading
    {
        Status status = Status::NotStarted;
        qint64 elapsedMs = 0; // since the first run
        std::optional<qint64> remainingMs; // of the talk's length; negative once over it
        qint64 behindMs = 0; // > 0 behind, < 0 ahead (0 without budgets)
        int currentIndex = -1; // the beat running or last run
        qint64 currentBeatMs = 0; // time in it so far
        double currentBudgetS = 0; // its budget, 0 = none
    };

    TalkPace() = default;
    explicit TalkPace(const DemoPlan &plan) { setPlan(plan); }
    void setPlan(const DemoPlan &plan); // forgets the runs
    void reset() { m_runs.clear(); } // a replay starting over

    // Beat `index` of the plan started at atMs (indexes outside the plan are ignored).
    void beatStarted(int index, qint64 atMs);
    const QList<BeatRun> &runs() const { return m_runs; }
    bool hasBudgets() const { return m_budgetTotalS > 0; }
    // The talk's length in ms: talk_minutes, else the budgets' sum; 0 when neither is given.
    qint64 talkLengthMs() const;

    Reading at(qint64 nowMs) const;
    // One line: "12:04 elapsed · 19:56 left · 1:10 behind · beat 1:20 of 2:00", "0:41 elapsed · no
    // budgets in the plan", "not started · 32:00 planned".
    QString text(qint64 nowMs) const;
    static QString text(const Reading &reading, qint64 talkLengthMs);
    // The two halves of text(): the talk's ("12:04 elapsed · 19:56 left · 1:10 behind") and the
    // current beat's ("beat 1:20 of 2:00"; empty before the first beat and without budgets).
    static QString talkText(const Reading &reading, qint64 talkLengthMs);
    static QString beatText(const Reading &reading);

    // Each run's time, in run order, up to endMs for the last one; budgets from the plan.
    QList<BeatTime> beatTimes(qint64 endMs) const;
    static QList<BeatTime> beatTimes(const QList<BeatRun> &runs, qint64 endMs);
    // "m:ss" ("-0:05" for a negative duration; hours as minutes: "75:00").
    static QString clock(qint64 ms);

private:
    double budgetS(int index) const;

    QList<QString> m_beatIds;
    QList<double> m_budgetsS;
    double m_budgetTotalS = 0;
    double m_talkMinutes = 0;
    QList<BeatRun> m_runs;
};

} // namespace presenter
