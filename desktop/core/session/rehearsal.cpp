#include "rehearsal.h"

#include "presenter_session.h"

#include <QMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

bool onlyHeals(const Beat &beat)
{
    return !beat.actions.isEmpty() && std::all_of(beat.actions.cbegin(), beat.actions.cend(), [](const PlanAction &a) {
        return a.type == PlanAction::Type::StartNode || a.type == PlanAction::Type::ResumeNode
            || a.type == PlanAction::Type::HealAll;
    });
}

int longestWindowS(const Beat &beat)
{
    int s = 0;
    for (const PlanExpectation &e : beat.expectations) {
        s = std::max(s, e.withinS);
    }
    return s;
}

} // namespace

Rehearsal::Rehearsal(PresenterSession *session, const Options &options, QObject *parent)
    : QObject(parent), m_session(session), m_options(options)
{
    m_poll.setInterval(200);
    connect(&m_poll, &QTimer::timeout, this, &Rehearsal::checkSettled);
    connect(session, &PresenterSession::actionOutcome, this, [this](int index, const ActionOutcome &outcome) {
        if (m_current >= 0 && !m_judging && index >= 0) {
            m_beat.actions.append(outcome);
        }
    });
    connect(session, &PresenterSession::beatFinished, this, &Rehearsal::onBeatFinished);
    const bool allow = options.allowMajorityLoss;
    session->story()->setMajorityLossConfirmation([allow](const Beat &) { return allow; });
}

QString Rehearsal::skipReason(const QList<Beat> &beats, int index, int from, bool allowMajorityLoss)
{
    if (allowMajorityLoss) {
        return {};
    }
    const Beat &beat = beats.at(index);
    if (StoryController::losesMajority(beat)) {
        QString label;
        for (const PlanAction &a : beat.actions) {
            label = a.allowMajorityLoss ? a.describe() : label;
        }
        return u"loses the majority (%1): on stage it needs a typed confirmation; rehearse it with "
               "--allow-majority-loss"_s.arg(label.trimmed());
    }
    if (!onlyHeals(beat)) {
        return {};
    }
    int j = index - 1;
    while (j >= from && onlyHeals(beats.at(j))) {
        --j;
    }
    if (j >= from && StoryController::losesMajority(beats.at(j))) {
        return u"only heals what '%1' did, which was skipped"_s.arg(beats.at(j).id);
    }
    return {};
}

QString Rehearsal::refusal(const DemoPlan &plan, const Options &options)
{
    const int last = options.until < 0 ? int(plan.beats.size()) - 1 : options.until;
    for (int i = std::max(0, options.from); i <= last && i < plan.beats.size(); ++i) {
        const int before = plan.positionBefore(i).nodes;
        for (const PlanAction &a : plan.beats.at(i).actions) {
            if (a.type == PlanAction::Type::Scale && a.nodes < before) {
                return u"beat '%1' scales down to %2 nodes (from %3): a rehearsal never scales down"_s
                    .arg(plan.beats.at(i).id)
                    .arg(a.nodes)
                    .arg(before);
            }
        }
    }
    return {};
}

QString Rehearsal::endState(const DemoPlan &plan, const Options &options)
{
    const int last = options.until < 0 ? int(plan.beats.size()) - 1 : options.until;
    QMap<int, QString> held; // ordinal -> the fault holding it
    for (int i = std::max(0, options.from); i <= last && i < plan.beats.size(); ++i) {
        if (!skipReason(plan.beats, i, options.from, options.allowMajorityLoss).isEmpty()) {
            continue;
        }
        for (const PlanAction &a : plan.beats.at(i).actions) {
            if (a.type == PlanAction::Type::KeepDown || a.type == PlanAction::Type::PauseNode) {
                held.insert(a.ordinal, PlanAction::typeName(a.type));
            } else if (a.type == PlanAction::Type::StartNode || a.type == PlanAction::Type::ResumeNode) {
                held.remove(a.ordinal);
            } else if (a.type == PlanAction::Type::HealAll) {
                held.clear();
            }
        }
    }
    const DemoPlan::Position end = plan.positionBefore(last + 1);
    QString text = u"%1 node%2 at replication factor %3"_s.arg(end.nodes)
                       .arg(end.nodes == 1 ? QString() : u"s"_s)
                       .arg(end.replicationFactor);
    for (auto it = held.cbegin(); it != held.cend(); ++it) {
        text += u"; crdb-%1 still held down (%2)"_s.arg(it.key()).arg(it.value());
    }
    return text;
}

bool Rehearsal::start(QString *error)
{
    const DemoPlan &plan = m_session->story()->plan();
    m_last = m_options.until < 0 ? int(plan.beats.size()) - 1 : m_options.until;
    if (m_options.from < 0 || m_options.from > m_last || m_last >= plan.beats.size()) {
        *error = u"no beats to rehearse between %1 and %2 in a plan of %3"_s.arg(m_options.from)
                     .arg(m_last)
                     .arg(plan.beats.size());
        return false;
    }
    if (m_options.from > 0) {
        // As if the beats before it had run: the story just before it, the replication factor theirs.
        const DemoPlan::Position at = plan.positionBefore(m_options.from);
        m_session->cluster()->setMinimumNodes(at.replicationFactor);
        m_session->clusterView()->setReplicationFactor(at.replicationFactor);
        placeStory(m_options.from - 1, {});
    }
    m_current = m_options.from - 1;
    runNext();
    return true;
}

void Rehearsal::placeStory(int lastRun, const QString &summary)
{
    StoryController *story = m_session->story();
    story->restore({lastRun, lastRun, StoryController::Stage::Showing, story->isBlanked(), summary});
}

void Rehearsal::runNext()
{
    const int next = m_current + 1;
    if (next > m_last) {
        m_current = -1;
        Q_EMIT finished(m_done);
        return;
    }
    m_current = next;
    m_judging = false;
    const QList<Beat> &beats = m_session->story()->plan().beats;
    const Beat &beat = beats.at(next);
    m_beat = RehearsedBeat {};
    m_beat.id = beat.id;
    m_beat.title = beat.title;
    m_beat.index = next;
    m_beat.budgetS = beat.budgetS;
    m_beat.startedMs = m_session->clock().nowMs();
    if (const QString why = skipReason(beats, next, m_options.from, m_options.allowMajorityLoss); !why.isEmpty()) {
        skipBeat(beat, why);
        return;
    }
    runBeat();
}

void Rehearsal::skipBeat(const Beat &beat, const QString &why)
{
    m_beat.skipped = true;
    m_beat.skipReason = why;
    for (const PlanExpectation &e : beat.expectations) {
        ExpectationEvaluator::State s;
        s.expectation = e;
        s.verdict = ExpectationEvaluator::Verdict::Skipped;
        s.skipReason = u"the beat was skipped: "_s + why;
        m_beat.verdicts.append(s);
    }
    placeStory(m_current, u"skipped by the rehearsal: "_s + why);
    m_beat.endedMs = m_beat.startedMs;
    endBeat();
}

void Rehearsal::runBeat()
{
    StoryController *story = m_session->story();
    story->next(); // arm
    story->next(); // run
    if (story->lastRunIndex() != m_current) {
        m_beat.actionsOk = false;
        m_beat.summary = u"the story did not run it: "_s + story->lastRunSummary();
        m_beat.endedMs = m_session->clock().nowMs();
        endBeat();
        return;
    }
    m_giveUpMs = 0;
}

void Rehearsal::onBeatFinished(bool ok, const QString &summary)
{
    if (m_current < 0 || m_judging) {
        return;
    }
    m_judging = true;
    m_beat.actionsOk = ok;
    m_beat.summary = summary;
    const Beat &beat = m_session->story()->plan().beats.at(m_current);
    m_giveUpMs = m_session->clock().nowMs() + qint64(longestWindowS(beat)) * 1000 + kSettleGraceMs;
    m_poll.start();
    checkSettled();
}

void Rehearsal::checkSettled()
{
    ExpectationEvaluator *evaluator = m_session->evaluator();
    const qint64 now = m_session->clock().nowMs();
    evaluator->checkDeadlines(now);
    if (!evaluator->allSettled() && now < m_giveUpMs) {
        return;
    }
    m_poll.stop();
    m_beat.verdicts = evaluator->states();
    m_beat.endedMs = now;
    endBeat();
}

void Rehearsal::endBeat()
{
    m_done.append(m_beat);
    Q_EMIT beatDone(m_beat, m_current - m_options.from + 1, beatCount());
    // The next beat from the event loop: the signals of this one are all delivered first.
    QTimer::singleShot(0, this, &Rehearsal::runNext);
}

} // namespace presenter
