#include "story_controller.h"

#include "config/enum_names.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

StoryController::StoryController(QObject *parent) : QObject(parent) { }

void StoryController::setPlan(const DemoPlan &plan)
{
    m_plan = plan;
    m_shown = -1;
    m_lastRun = -1;
    m_stage = Stage::Showing;
    m_lastSummary.clear();
    Q_EMIT changed();
}

int StoryController::nextIndex() const
{
    const int next = m_lastRun + 1;
    return next < m_plan.beats.size() ? next : -1;
}

const Beat *StoryController::shownBeat() const
{
    return m_shown >= 0 && m_shown < m_plan.beats.size() ? &m_plan.beats[m_shown] : nullptr;
}

const Beat *StoryController::armedBeat() const
{
    const int i = armedIndex();
    return i >= 0 ? &m_plan.beats[i] : nullptr;
}

bool StoryController::handleKey(int key)
{
    if (!m_inputEnabled) {
        return false; // whoever drives the story instead (a replay's player) takes them
    }
    switch (key) {
    case Qt::Key_PageDown:
        next();
        return true;
    case Qt::Key_PageUp:
        back();
        return true;
    case Qt::Key_Escape:
        cancel();
        return true;
    case Qt::Key_B:
        toggleBlank();
        return true;
    default:
        return false;
    }
}

void StoryController::next()
{
    if (!m_inputEnabled || m_stage == Stage::Running) {
        return;
    }
    if (m_shown < m_lastRun) {
        ++m_shown;
        Q_EMIT changed();
        return;
    }
    const int next = nextIndex();
    if (next < 0) {
        return;
    }
    if (m_stage == Stage::Showing) {
        m_stage = Stage::Armed;
        Q_EMIT changed();
        return;
    }
    if (losesMajority(m_plan.beats[next]) && !(m_confirmMajorityLoss && m_confirmMajorityLoss(m_plan.beats[next]))) {
        m_lastSummary = u"not run: this beat loses the majority (ranges become unavailable) and needs the typed "
                        "confirmation on the presenter's window"_s;
        Q_EMIT changed();
        return;
    }
    m_stage = Stage::Running;
    m_lastRun = next;
    m_shown = next;
    m_lastSummary.clear();
    Q_EMIT changed();
    Q_EMIT runRequested(next, m_plan.beats[next]);
}

bool StoryController::losesMajority(const Beat &beat)
{
    return std::any_of(
        beat.actions.cbegin(), beat.actions.cend(), [](const PlanAction &a) { return a.allowMajorityLoss; });
}

void StoryController::cancel()
{
    if (!m_inputEnabled || m_stage != Stage::Armed) {
        return;
    }
    m_stage = Stage::Showing;
    Q_EMIT changed();
}

void StoryController::back()
{
    if (!m_inputEnabled) {
        return;
    }
    if (m_stage == Stage::Armed) {
        m_stage = Stage::Showing;
    }
    if (m_shown > 0) {
        --m_shown;
    }
    Q_EMIT changed();
}

void StoryController::toggleBlank()
{
    if (!m_inputEnabled) {
        return;
    }
    m_blanked = !m_blanked;
    Q_EMIT blankChanged(m_blanked);
    Q_EMIT changed();
}

void StoryController::setRunFinished(bool ok, const QString &summary)
{
    if (m_stage != Stage::Running) {
        return;
    }
    m_stage = Stage::Showing;
    m_lastSummary = (ok ? QString() : QStringLiteral("FAILED: ")) + summary;
    Q_EMIT changed();
}

void StoryController::restore(const Snapshot &snapshot)
{
    const bool blankChangedNow = snapshot.blanked != m_blanked;
    m_shown = snapshot.shown;
    m_lastRun = snapshot.lastRun;
    m_stage = snapshot.stage;
    m_blanked = snapshot.blanked;
    m_lastSummary = snapshot.lastSummary;
    if (blankChangedNow) {
        Q_EMIT blankChanged(m_blanked);
    }
    Q_EMIT changed();
}

QString StoryController::stageName(Stage stage)
{
    return enumKey(stage, KeyStyle::Snake);
}

std::optional<StoryController::Stage> StoryController::stageFromName(const QString &name)
{
    return enumFromKey<Stage>(name, KeyStyle::Snake);
}

} // namespace presenter
