#pragma once

#include "load_summary.h"

#include "model/action_outcome.h"
#include "model/event_marker.h"
#include "model/expectation.h"
#include "model/request_tally.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <optional>

namespace presenter {

class PresenterSession;

// What a session showed, as plain values (ReportWriter renders it; tests build one by hand).
struct SessionRecord
{
    struct ExpectationLine
    {
        QString label; // PlanExpectation::describe()
        ExpectationEvaluator::Verdict verdict = ExpectationEvaluator::Verdict::Pending;
        QString text; // State::text() as last shown (or at export for the current beat)
        bool judging = false; // false: the beat's actions never completed while it was current
    };
    struct BeatRun
    {
        int index = -1;
        QString id;
        QString title;
        qint64 ranMs = 0; // the second PageDown (PresenterSession::beatRunStarted)
        qint64 actionsDoneMs = 0; // PresenterSession::beatFinished; 0 = not (yet)
        bool actionsOk = false;
        QString actionsSummary;
        QList<ActionOutcome> actions; // each action's outcome, in order (none from older recordings)
        qint64 endMs = 0; // the next beat ran; 0 = still the current beat
        QList<ExpectationLine> expectations;
    };
    struct Fault
    {
        int ordinal = -1;
        QString pod;
        QString kind; // ClusterDriver::faultName: "stop", "keep down", "kill", "pause"
        qint64 startMs = 0;
        qint64 endMs = 0; // 0 = still down
        // The app's experience while this fault lasted (its own window; a tick counts when its
        // midpoint lies inside, so a late tick still counts after the end).
        RequestTally tally;
        // What the audience saw at the fault's end: ClusterView::faultTally() (one window over
        // overlapping faults).
        QString shownTallyText;
    };
    struct Heal
    {
        qint64 atMs = 0; // when the stopwatch stopped
        qint64 elapsedMs = 0; // the stopwatch's final time, from the fault
        std::optional<qint64> nodeBackAfterMs;
        QString pods;
        bool healed = false; // under-replicated ranges back to 0 after > 0 (else: none was)
        QString text; // HealStopwatch::text() as shown
    };

    qint64 startedMs = 0; // the session clock when the log was attached
    QList<BeatRun> beats;
    QList<Fault> faults;
    QList<Heal> heals;
    QList<EventMarker> events; // time order
    LoadAccumulator load;
    RequestTally sessionTally; // every request since startedMs
};

// What a session showed, collected as it happens for the report (ReportWriter): the beats run with
// their verdicts, the faults with the app's experience while each lasted, the heal stopwatch's
// results, the load over the whole session and the event markers. Built only from
// PresenterSession's public objects and signals, which a replay drives exactly as live inputs do,
// so the same log serves a live session and a replayed one; every time is the session's clock
// (SessionClock: recorded time in a replay).
//
// Sources: PresenterSession::beatRunStarted (a beat ran), ExpectationEvaluator::changed / settled
// (the beat's verdict lines as shown), PresenterSession::actionOutcome (each action's outcome),
// PresenterSession::beatFinished (its actions' result),
// ClusterDriver::faultStarted / faultEnded, ClusterView::changed (the stopwatch stopping),
// FeedIngest::tickStored (load, and each fault's own RequestTally) and the store's markers, merged
// on every tick (the store forgets markers older than its window; the log keeps them all).
//
// Threading: GUI thread only. Costs one small struct per tick (LoadAccumulator) and nothing else
// while the talk runs; the report is built only when asked for.
class SessionLog : public QObject
{
    Q_OBJECT
public:
    explicit SessionLog(QObject *parent = nullptr);

    // Connects to the session's signals; call before session->start() to miss nothing.
    void attach(PresenterSession *session);
    // Forgets what was collected and starts again at the session clock's now (a replay seeking
    // backwards; a replay once its recording is loaded, so it starts at the recording's start).
    void restart();
    // Brings the current beat's verdict lines and the markers up to nowMs (export calls it).
    void sync();

    const SessionRecord &record() const { return m_rec; }

private:
    qint64 now() const;
    void onRunRequested(int index);
    void captureVerdicts();
    void mergeMarkers();
    void onTick(const FeedTick &tick);
    void onClusterViewChanged();

    QPointer<PresenterSession> m_session;
    SessionRecord m_rec;
    QSet<QString> m_eventKeys;
    quint64 m_markersRevision = 0;
    bool m_stopwatchRunning = false;
};

} // namespace presenter
