#include "session_log.h"

#include "session/presenter_session.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

SessionLog::SessionLog(QObject *parent) : QObject(parent) { }

qint64 SessionLog::now() const
{
    return m_session ? m_session->clock().nowMs() : 0;
}

void SessionLog::attach(PresenterSession *session)
{
    m_session = session;
    restart();
    // PresenterSession::beatRunStarted, not StoryController::runRequested: a replay requests no run.
    // It is emitted after the session prepared the evaluator for the new beat, so the previous
    // beat's lines are the ones captured on its last change.
    // A replay seeking backwards plays again from its start: so does the log.
    connect(session, &PresenterSession::replayRestarted, this, &SessionLog::restart);
    connect(session, &PresenterSession::beatRunStarted, this, [this](int index) { onRunRequested(index); });
    connect(session->evaluator(), &ExpectationEvaluator::changed, this, &SessionLog::captureVerdicts);
    connect(session->evaluator(), &ExpectationEvaluator::settled, this, &SessionLog::captureVerdicts);
    connect(session, &PresenterSession::actionOutcome, this, [this](int index, const ActionOutcome &outcome) {
        if (index >= 0 && !m_rec.beats.isEmpty() && m_rec.beats.last().endMs == 0) {
            m_rec.beats.last().actions.append(outcome);
        }
    });
    connect(session, &PresenterSession::beatFinished, this, [this](bool ok, const QString &summary) {
        if (m_rec.beats.isEmpty() || m_rec.beats.last().actionsDoneMs != 0) {
            return;
        }
        m_rec.beats.last().actionsDoneMs = now();
        m_rec.beats.last().actionsOk = ok;
        m_rec.beats.last().actionsSummary = summary;
    });
    connect(session->cluster(), &ClusterDriver::faultStarted, this,
        [this](int ordinal, const QString &pod, ClusterDriver::Fault fault) {
            SessionRecord::Fault f;
            f.ordinal = ordinal;
            f.pod = pod;
            f.kind = ClusterDriver::faultName(fault);
            f.startMs = now();
            f.tally.begin(u"while %1 was down (%2)"_s.arg(pod, f.kind), f.startMs);
            m_rec.faults.append(f);
        });
    // ClusterView connected to faultEnded in its constructor, before this: its fault tally has
    // already closed when this runs.
    connect(session->cluster(), &ClusterDriver::faultEnded, this, [this](int ordinal, const QString &pod) {
        for (auto it = m_rec.faults.rbegin(); it != m_rec.faults.rend(); ++it) {
            if (it->ordinal == ordinal && it->pod == pod && it->endMs == 0) {
                it->endMs = now();
                it->tally.end(it->endMs);
                it->shownTallyText = m_session->clusterView()->faultTally().text();
                break;
            }
        }
    });
    connect(session->clusterView(), &ClusterView::changed, this, &SessionLog::onClusterViewChanged);
    connect(session->ingest(), &FeedIngest::tickStored, this, [this](const FeedTick &tick) { onTick(tick); });
}

void SessionLog::restart()
{
    m_rec = SessionRecord {};
    m_rec.startedMs = now();
    m_rec.sessionTally.begin(u"during the session"_s, m_rec.startedMs);
    m_eventKeys.clear();
    m_markersRevision = 0;
    m_stopwatchRunning = false;
}

void SessionLog::onRunRequested(int index)
{
    const qint64 t = now();
    if (!m_rec.beats.isEmpty() && m_rec.beats.last().endMs == 0) {
        m_rec.beats.last().endMs = t;
    }
    const DemoPlan &plan = m_session->story()->plan();
    SessionRecord::BeatRun run;
    run.index = index;
    run.ranMs = t;
    if (index >= 0 && index < plan.beats.size()) {
        const Beat &beat = plan.beats.at(index);
        run.id = beat.id;
        run.title = beat.title;
        for (const PlanExpectation &e : beat.expectations) {
            run.expectations.append(SessionRecord::ExpectationLine {
                e.describe(), ExpectationEvaluator::Verdict::Pending, u"waiting for the beat's actions"_s, false});
        }
    }
    m_rec.beats.append(run);
    captureVerdicts();
}

void SessionLog::captureVerdicts()
{
    if (!m_session || m_rec.beats.isEmpty() || m_rec.beats.last().endMs != 0) {
        return;
    }
    const ExpectationEvaluator *ev = m_session->evaluator();
    SessionRecord::BeatRun &run = m_rec.beats.last();
    // Only the evaluator's lines for this beat (it may still show the previous one's).
    if (ev->beatId() != run.id || ev->states().size() != run.expectations.size()) {
        return;
    }
    const qint64 t = now();
    for (qsizetype i = 0; i < ev->states().size(); ++i) {
        const ExpectationEvaluator::State &s = ev->states().at(i);
        SessionRecord::ExpectationLine &line = run.expectations[i];
        line.verdict = s.verdict;
        line.judging = s.judging;
        // A skipped line is settled before judging begins, with its reason.
        line.text = s.judging || s.verdict != ExpectationEvaluator::Verdict::Pending
            ? s.text(t)
            : u"waiting for the beat's actions"_s;
    }
}

void SessionLog::sync()
{
    captureVerdicts();
    mergeMarkers();
}

void SessionLog::mergeMarkers()
{
    if (!m_session) {
        return;
    }
    const TimeSeriesStore &store = m_session->store();
    if (store.markersRevision() == m_markersRevision) {
        return;
    }
    m_markersRevision = store.markersRevision();
    bool added = false;
    for (const EventMarker &m : store.markers()) {
        const QString key = u"%1|%2|%3"_s.arg(m.tsMs).arg(int(m.kind)).arg(m.text);
        if (!m_eventKeys.contains(key)) {
            m_eventKeys.insert(key);
            m_rec.events.append(m);
            added = true;
        }
    }
    if (added) {
        std::stable_sort(m_rec.events.begin(), m_rec.events.end(),
            [](const EventMarker &a, const EventMarker &b) { return a.tsMs < b.tsMs; });
    }
}

void SessionLog::onTick(const FeedTick &tick)
{
    m_rec.load.addTick(tick);
    m_rec.sessionTally.addTick(tick);
    for (SessionRecord::Fault &f : m_rec.faults) {
        f.tally.addTick(tick);
    }
    mergeMarkers();
}

void SessionLog::onClusterViewChanged()
{
    const HealStopwatch &sw = m_session->clusterView()->stopwatch();
    const bool running = sw.isRunning();
    if (m_stopwatchRunning && !running
        && (sw.phase() == HealStopwatch::Phase::Healed
            || sw.phase() == HealStopwatch::Phase::BackWithoutUnderReplication)) {
        const qint64 t = now();
        m_rec.heals.append(SessionRecord::Heal {t, sw.elapsedMs(t), sw.nodeBackAfterMs(), sw.podsText(),
            sw.phase() == HealStopwatch::Phase::Healed, sw.text(t)});
    }
    m_stopwatchRunning = running;
}

} // namespace presenter
