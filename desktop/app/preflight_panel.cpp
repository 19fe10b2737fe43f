#include "preflight_panel.h"

#include "model/story_controller.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

PreflightPanel::PreflightPanel(StoryController *story, QWidget *parent)
    : QGroupBox(u"Pre-flight"_s, parent)
    , m_story(story)
    , m_tree(new QTreeWidget)
    , m_summary(new QLabel(u"not run yet"_s))
    , m_again(new QPushButton(u"Run again"_s))
{
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({u""_s, u"check"_s, u"found / fix (hover for all of it)"_s});
    m_tree->setRootIsDecorated(false);
    m_tree->setWordWrap(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->setMinimumHeight(300);
    m_summary->setWordWrap(true);
    auto *v = new QVBoxLayout(this);
    v->addWidget(m_summary);
    v->addWidget(m_tree);
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
    m_tree->clear();
    int failed = 0;
    int warned = 0;
    for (const PreflightResult &r : results) {
        const bool running = r.status == PreflightResult::Status::Wait && r.detail == "running"_L1;
        QString text = r.detail;
        if ((r.status == PreflightResult::Status::Fail || r.status == PreflightResult::Status::Warn)
            && !r.fix.isEmpty()) {
            text += u"\nFix: "_s + r.fix;
        }
        auto *item = new QTreeWidgetItem({running ? u"…"_s : PreflightResult::statusName(r.status), r.name, text});
        QColor colour = Qt::darkGray;
        if (r.status == PreflightResult::Status::Pass) {
            colour = QColor(0x1b, 0x7f, 0x3b);
        } else if (r.status == PreflightResult::Status::Fail) {
            colour = QColor(0xb0, 0x1c, 0x1c);
            ++failed;
        } else if (r.status == PreflightResult::Status::Warn) {
            colour = QColor(0x9a, 0x5b, 0x00);
            ++warned;
        }
        item->setForeground(0, colour);
        QFont bold = item->font(0);
        bold.setBold(true);
        item->setFont(0, bold);
        item->setToolTip(2, text);
        m_tree->addTopLevelItem(item);
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
