#pragma once

#include "preflight/preflight_runner.h"

#include <QGroupBox>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace presenter {

class StoryController;

// The pre-flight checklist on the presenter's screen (never the kiosk): one wrapped label per
// check with its verdict (PASS, WARN, FAIL, SKIP) and name, and under a check that did not pass,
// what was found and the fix (a pass's or a skip's detail is its tooltip): nothing cut at the side,
// no sideways scroll on a 1024 px screen; a check that cannot know yet
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
    // One label per check, in the order of PreflightRunner::checkIds().
    const QList<QLabel *> &rows() const { return m_rows; }
    QString summaryText() const;

private:
    void show(const QList<PreflightResult> &results);
    void followStory();

    StoryController *m_story;
    PreflightRunner m_runner;
    QVBoxLayout *m_rowsLayout;
    QList<QLabel *> m_rows;
    QLabel *m_summary;
    QPushButton *m_again;
};

} // namespace presenter
