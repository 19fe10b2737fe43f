#pragma once

#include "report/rehearsal_table.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace presenter {

class PresenterSession;

// The whole talk run unattended (presenter --rehearse, desktop/docs/REHEARSAL.md): the session's
// plan, beat after beat, exactly as the clicker runs it (StoryController::next() twice: arm, run;
// the session's executor with the real sources and commands), then the beat's verdicts until each
// one settled or its window ended, then the next beat. Each beat is reported as it ends
// (beatDone) and all of them at the end (finished): the go/no-go table (rehearsaltable).
//
// Safety without a person (the rules, in order, for each beat in [from, until]):
//  - a beat that may lose the majority (StoryController::losesMajority: an action with
//    allow_majority_loss, which on stage needs a typed confirmation) runs only when
//    Options::allowMajorityLoss; else it is skipped with that reason, and so are its verdicts;
//  - a beat that only heals (every action start_node, resume_node or heal_all) right after a beat
//    skipped for the majority, with only such beats between, is skipped too: it would heal what
//    never happened;
//  - nothing else is decided here: the cluster driver's own safety rules (never below the
//    replication factor, faults only at RF >= 3) answer every command, as on stage.
// Starting at a later beat (from > 0): the story is moved to just before it (as if the earlier
// beats had run) and the driver's scale floor and the cluster view's replication factor are the
// plan's position there (DemoPlan::positionBefore), as if its SQL had run.
//
// A beat whose verdicts are still pending when their longest window plus kSettleGraceMs has passed
// is reported with them pending (a failure: never settled is not a pass).
//
// Threading: GUI thread only. The session outlives it; the session must be started (its sources
// running) by whoever owns it.
class Rehearsal : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int from = 0; // the first beat (index in the plan)
        int until = -1; // the last beat; -1 = the plan's last
        bool allowMajorityLoss = false;
    };
    // Past a beat's longest window: the evaluator checks its deadlines once a second, and a PromQL
    // answer may be in flight.
    static constexpr qint64 kSettleGraceMs = 5000;

    Rehearsal(PresenterSession *session, const Options &options, QObject *parent = nullptr);

    // Starts with the first beat; false (and *error) when the range is not in the plan.
    bool start(QString *error);
    bool isRunning() const { return m_current >= 0; }
    const QList<RehearsedBeat> &beats() const { return m_done; }
    int beatCount() const { return m_last - m_options.from + 1; }

    // Why beat `index` is not run (empty: it runs), given the beats before it in this rehearsal.
    static QString skipReason(const QList<Beat> &beats, int index, int from, bool allowMajorityLoss);
    // Why these beats may not be rehearsed at all (empty: they may): a rehearsal never scales down
    // (a scale below the nodes the plan has there). The plan has no action that deletes anything.
    static QString refusal(const DemoPlan &plan, const Options &options);
    // What the cluster looks like once these beats ran (what is said before the first one): nodes,
    // replication factor and the nodes still held down by a fault, e.g. "3 nodes at replication
    // factor 3; crdb-2 still held down".
    static QString endState(const DemoPlan &plan, const Options &options);

Q_SIGNALS:
    void beatDone(const RehearsedBeat &beat, int ordinal, int total);
    void finished(const QList<RehearsedBeat> &beats);

private:
    void runNext();
    void runBeat();
    void skipBeat(const Beat &beat, const QString &why);
    void onBeatFinished(bool ok, const QString &summary);
    void checkSettled();
    void endBeat();
    void placeStory(int lastRun, const QString &summary);

    QPointer<PresenterSession> m_session;
    Options m_options;
    int m_last = -1;
    int m_current = -1; // the beat running, -1 = idle
    bool m_judging = false; // the beat's actions finished; its verdicts are being judged
    qint64 m_giveUpMs = 0; // when a pending verdict stops being waited for
    RehearsedBeat m_beat;
    QList<RehearsedBeat> m_done;
    QTimer m_poll;
};

} // namespace presenter
