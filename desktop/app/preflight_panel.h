#pragma once

#include "preflight/preflight_runner.h"

#include <QGroupBox>

class QLabel;
class QPushButton;
class QTreeWidget;
class StoryController;

// The pre-flight checklist on the presenter's screen (never the kiosk): one row per check with
// its verdict (PASS, WARN, FAIL, SKIP), what was found and the fix; a check that cannot know yet
// shows WAIT and its "waiting: ..." line until it re-checks to a verdict. Shown before the first
// beat and hidden once a beat has run; "Run again" starts a new round. The checks run in
// PreflightRunner, asynchronously.
class PreflightPanel : public QGroupBox
{
    Q_OBJECT
public:
    PreflightPanel(StoryController *story, QWidget *parent = nullptr);

    void setConfig(const PreflightConfig &config) { m_runner.setConfig(config); }
    void run();
    PreflightRunner *runner() { return &m_runner; }
    QTreeWidget *tree() const { return m_tree; }
    QString summaryText() const;

private:
    void show(const QList<PreflightResult> &results);
    void followStory();

    StoryController *m_story;
    PreflightRunner m_runner;
    QTreeWidget *m_tree;
    QLabel *m_summary;
    QPushButton *m_again;
};
