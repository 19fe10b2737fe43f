#include "preflight_panel.h"

#include "model/story_controller.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

PreflightPanel::PreflightPanel(StoryController *story, QWidget *parent)
    : QGroupBox(u"Pre-flight"_s, parent)
    , m_story(story)
    , m_rowsLayout(new QVBoxLayout)
    , m_summary(new QLabel(u"not run yet"_s))
    , m_again(new QPushButton(u"Run again"_s))
{
    m_summary->setWordWrap(true);
    m_rowsLayout->setSpacing(4);
    auto *v = new QVBoxLayout(this);
    v->addWidget(m_summary);
    v->addLayout(m_rowsLayout);
    v->addWidget(m_again);
    connect(m_again, &QPushButton::clicked, this, &PreflightPanel::run);
    connect(&m_runner, &PreflightRunner::checkFinished, this, [this] { show(m_runner.results()); });
    // A check that cannot know yet (Prometheus not scraped) says "waiting: ..." and re-checks.
    connect(&m_runner, &PreflightRunner::checkUpdated, this, [this] { show(m_runner.results()); });
    connect(&m_runner, &PreflightRunner::finished, this, &PreflightPanel::show);
    connect(m_story, &StoryController::changed, this, &PreflightPanel::followStory);
    followStory();
}

void PreflightPanel::run()
{
    if (m_runner.run()) {
        m_again->setEnabled(false);
        show(m_runner.results());
    }
}

QString PreflightPanel::summaryText() const
{
    return m_summary->text();
}

void PreflightPanel::show(const QList<PreflightResult> &results)
{
    while (m_rows.size() < results.size()) {
        auto *row = new QLabel;
        row->setWordWrap(true);
        row->setTextFormat(Qt::RichText);
        row->setObjectName(u"preflightRow"_s);
        m_rowsLayout->addWidget(row);
        m_rows.append(row);
    }
    while (m_rows.size() > results.size()) {
        delete m_rows.takeLast();
    }
    int failed = 0;
    int warned = 0;
    for (qsizetype i = 0; i < results.size(); ++i) {
        const PreflightResult &r = results.at(i);
        const bool running = r.status == PreflightResult::Status::Wait && r.detail == "running"_L1;
        QString text = r.detail;
        if ((r.status == PreflightResult::Status::Fail || r.status == PreflightResult::Status::Warn)
            && !r.fix.isEmpty()) {
            text += u"\nFix: "_s + r.fix;
        }
        QString colour = u"#555555"_s;
        if (r.status == PreflightResult::Status::Pass) {
            colour = u"#1b7f3b"_s;
        } else if (r.status == PreflightResult::Status::Fail) {
            colour = u"#b01c1c"_s;
            ++failed;
        } else if (r.status == PreflightResult::Status::Warn) {
            colour = u"#9a5b00"_s;
            ++warned;
        }
        QString html = u"<b style='color:%1'>%2</b>&nbsp;&nbsp;%3"_s.arg(
            colour, running ? u"…"_s : PreflightResult::statusName(r.status), r.name.toHtmlEscaped());
        // A pass or a skip says enough in its name (its detail is the tooltip); everything else shows
        // what was found and the fix, wrapped under it.
        const bool detailShown
            = r.status != PreflightResult::Status::Pass && r.status != PreflightResult::Status::Skip && !text.isEmpty();
        if (detailShown) {
            html
                += u"<br><span style='color:#333333'>%1</span>"_s.arg(text.toHtmlEscaped().replace(u"\n"_s, u"<br>"_s));
        }
        m_rows[i]->setText(html);
        m_rows[i]->setToolTip(text);
    }
    if (m_runner.isRunning()) {
        m_summary->setText(u"Checking %1 ..."_s.arg(m_runner.config().position.describe()));
        return;
    }
    m_again->setEnabled(true);
    const QString warnings = warned == 0 ? QString() : u" %1 warning(s): read them."_s.arg(warned);
    m_summary->setText(failed == 0 ? u"All checks passed %1 (SKIP and WARN count as passed).%2"_s.arg(
                           m_runner.config().position.describe(), warnings)
                                   : u"%1 check(s) FAILED %2: fix them before the talk.%3"_s.arg(failed).arg(
                                       m_runner.config().position.describe(), warnings));
}

void PreflightPanel::followStory()
{
    // The checklist is for before the talk: once a beat has run it makes room for the story.
    setVisible(m_story->lastRunIndex() < 0);
}

} // namespace presenter
