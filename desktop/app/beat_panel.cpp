#include "beat_panel.h"

#include "session/presenter_session.h"

#include <QDateTime>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

BeatPanel::BeatPanel(PresenterSession *session, Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_mode(mode)
    , m_title(new QLabel(this))
    , m_stage(new QLabel(this))
    , m_preview(new QLabel(this))
    , m_progress(new QLabel(this))
    , m_expectations(new QLabel(this))
    , m_clock(new QTimer(this))
{
    const bool big = mode == Mode::Kiosk;
    auto *layout = new QVBoxLayout(this);
    QFont tf = font();
    tf.setPointSizeF(big ? 34 : 16);
    tf.setBold(true);
    m_title->setFont(tf);
    m_title->setWordWrap(true);
    m_title->setObjectName(u"beatTitle"_s);
    layout->addWidget(m_title);
    QFont sf = font();
    sf.setPointSizeF(big ? 20 : 10);
    m_stage->setFont(sf);
    // "Next: <the next beat's title>" and "Last run: ..." are as long as the plan makes them: on
    // one line they widened the presenter's panel past what it shows (every line cut at its side).
    m_stage->setWordWrap(true);
    m_stage->setObjectName(u"beatStage"_s);
    layout->addWidget(m_stage);
    if (mode == Mode::Presenter) {
        m_narration = new QLabel(this);
        m_narration->setWordWrap(true);
        m_narration->setObjectName(u"beatNarration"_s);
        QFont nf = font();
        nf.setPointSizeF(12);
        m_narration->setFont(nf);
        m_narration->setStyleSheet(u"QLabel { background: #fff8dc; padding: 6px; }"_s);
        layout->addWidget(m_narration);
    }
    m_preview->setWordWrap(true);
    m_preview->setObjectName(u"beatPreview"_s);
    m_preview->setStyleSheet(u"QLabel { background: #ffe4e1; border: 2px solid #cc0022; padding: 6px; }"_s);
    m_preview->setFont(sf);
    layout->addWidget(m_preview);
    m_progress->setWordWrap(true);
    m_progress->setFont(sf);
    layout->addWidget(m_progress);
    QFont ef = font();
    ef.setPointSizeF(big ? 22 : 11);
    m_expectations->setFont(ef);
    m_expectations->setWordWrap(true);
    m_expectations->setObjectName(u"beatExpectations"_s);
    layout->addWidget(m_expectations);
    layout->addStretch(1);

    connect(session->story(), &StoryController::changed, this, &BeatPanel::refreshView);
    connect(session->evaluator(), &ExpectationEvaluator::changed, this, &BeatPanel::refreshView);
    connect(
        session->executor(), &BeatExecutor::progress, this, [this](const QString &text) { m_progress->setText(text); });
    // Pending verdicts show a running timer.
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &BeatPanel::refreshView);
    m_clock->start();
    refreshView();
}

QString BeatPanel::titleText() const
{
    return m_title->text();
}
QString BeatPanel::stageText() const
{
    return m_stage->text();
}
QString BeatPanel::previewText() const
{
    return m_preview->isVisibleTo(this) ? m_preview->text() : QString();
}
QString BeatPanel::narrationText() const
{
    return m_narration ? m_narration->text() : QString();
}
QString BeatPanel::expectationsText() const
{
    return m_expectations->text();
}

void BeatPanel::refreshView()
{
    const StoryController *story = m_session->story();
    const DemoPlan &plan = story->plan();
    const Beat *shown = story->shownBeat();
    const int total = static_cast<int>(plan.beats.size());
    if (shown) {
        m_title->setText(u"%1/%2  %3"_s.arg(story->shownIndex() + 1).arg(total).arg(shown->title));
    } else {
        m_title->setText(plan.title.isEmpty() ? u"Ready"_s : plan.title);
    }
    if (m_narration) {
        m_narration->setText(shown ? shown->narration : u"PageDown shows the first beat; PageDown again runs it."_s);
        m_narration->setVisible(!m_narration->text().isEmpty());
    }

    QString stage = stageLine();
    if (m_mode == Mode::Kiosk) {
        // The audience sees the beat and the verdicts, not the presenter's controls.
        stage = story->stage() == StoryController::Stage::Running ? u"in progress…"_s : QString();
    }
    m_stage->setText(stage);
    m_stage->setVisible(!stage.isEmpty());

    showPreview(story->armedBeat());
    if (story->stage() != StoryController::Stage::Running) {
        m_progress->clear();
    }
    m_progress->setVisible(m_mode == Mode::Presenter && !m_progress->text().isEmpty());

    const QStringList verdicts = verdictLines(shown);
    m_expectations->setText(verdicts.join(u"<br>"_s));
    m_expectations->setVisible(!verdicts.isEmpty());
}

QString BeatPanel::stageLine() const
{
    const StoryController *story = m_session->story();
    const DemoPlan &plan = story->plan();
    QString stage;
    switch (story->stage()) {
    case StoryController::Stage::Showing:
        if (story->shownIndex() < story->lastRunIndex()) {
            stage = u"Looking back (nothing is undone). PageDown: forward"_s;
        } else if (story->nextIndex() < 0) {
            stage = u"End of the story"_s;
        } else {
            stage = u"Next: %1. PageDown to preview"_s.arg(plan.beats[story->nextIndex()].title);
        }
        if (!story->lastRunSummary().isEmpty() && story->shownIndex() == story->lastRunIndex()) {
            stage += u"\nLast run: "_s + story->lastRunSummary();
        }
        break;
    case StoryController::Stage::Armed:
        stage = u"ARMED: PageDown runs it, Escape cancels"_s;
        break;
    case StoryController::Stage::Running:
        stage = u"Running…"_s;
        break;
    }
    return stage;
}

void BeatPanel::showPreview(const Beat *armed)
{
    if (armed && m_mode == Mode::Presenter) {
        QStringList lines {u"<b>PageDown will run: %1</b>"_s.arg(armed->title.toHtmlEscaped())};
        for (const PlanAction &a : armed->actions) {
            lines.append((a.changesCluster() ? u"⚠ "_s : u"• "_s) + a.describe().toHtmlEscaped());
        }
        if (armed->actions.isEmpty()) {
            lines.append(u"• no action (narration only)"_s);
        }
        for (const PlanExpectation &e : armed->expectations) {
            lines.append(u"expect: "_s + e.describe().toHtmlEscaped());
        }
        m_preview->setText(lines.join(u"<br>"_s));
        m_preview->setVisible(true);
    } else {
        m_preview->clear();
        m_preview->setVisible(false);
    }
}

QStringList BeatPanel::verdictLines(const Beat *shown) const
{
    // Verdicts belong to the beat that ran; show them while that beat is on screen.
    const ExpectationEvaluator *ev = m_session->evaluator();
    QStringList verdicts;
    if (shown && ev->beatId() == shown->id) {
        const qint64 now = m_session->clock().nowMs(); // a replay's pending timers run on its time
        for (const auto &s : ev->states()) {
            // Green only for a pass and red only for a fail: "already true" and "never broke" are
            // neither, so they keep a neutral blue, bold like any settled verdict. Skipped was never
            // judged: grey and not bold, with its reason.
            QString color = u"#555555"_s;
            bool settled = true;
            switch (s.verdict) {
            case ExpectationEvaluator::Verdict::Pass:
                color = u"#008844"_s;
                break;
            case ExpectationEvaluator::Verdict::Fail:
                color = u"#cc0022"_s;
                break;
            case ExpectationEvaluator::Verdict::AlreadyTrue:
            case ExpectationEvaluator::Verdict::NeverBroke:
                color = u"#225588"_s;
                break;
            case ExpectationEvaluator::Verdict::Skipped:
                color = u"#808080"_s;
                settled = false;
                break;
            case ExpectationEvaluator::Verdict::Pending:
                settled = false;
                break;
            }
            verdicts.append(
                u"<span style='color:%1%2'>%3</span>"_s.arg(color, settled ? u";font-weight:bold"_s : QString(),
                    (m_mode == Mode::Kiosk ? s.audienceText(now) : s.text(now)).toHtmlEscaped()));
        }
        if (!ev->states().isEmpty()) {
            verdicts.append(u"<span style='color:#555555'>%1</span>"_s.arg(ev->summary().toHtmlEscaped()));
        }
    }
    return verdicts;
}

} // namespace presenter
