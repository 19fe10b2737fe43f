#pragma once

#include <QMainWindow>

class QGroupBox;
class QLabel;
class QScrollArea;
class QSplitter;

namespace presenter {

class BeatPanel;
class ChartWall;
class ClusterView;
class ControlsPanel;
class EventList;
class FrameClock;
class NodeGrid;
class PaceDisplay;
class PreflightPanel;
class PresenterSession;
class SourceBanner;
class TimeChart;

// The presenter's screen: the talk's pace (PaceDisplay), the pre-flight checklist, the story beat panel (narration,
// armed preview, verdicts), the controls (ControlsPanel), the events, the node grid with the heal stopwatch and the
// app's experience, and every chart (ChartWall). Anything that changes the cluster asks for confirmation first; beats
// are confirmed by arming them.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // view: CockroachDB's view of the nodes, the heal stopwatch and the app's experience (the node
    // grid shows pods only without it).
    MainWindow(PresenterSession *session, FrameClock *clock, ClusterView *view = nullptr, QWidget *parent = nullptr);

    BeatPanel *beatPanel() const { return m_beat; }
    NodeGrid *nodeGrid() const { return m_nodes; }
    SourceBanner *banner() const { return m_banner; }
    // The pre-flight checklist (presenter screen only); set its config and run() it.
    PreflightPanel *preflightPanel() const { return m_preflight; }
    const QList<TimeChart *> &charts() const;
    QString loadStatusText() const;
    QString sqlStatusText() const; // the SQL status line: the last SQL outcome's words
    QString stopwatchText() const;
    QString appExperienceText() const;
    // The ids of the charts shown big now (the shown beat's focus, demo/PLAN.md).
    QStringList focusChartIds() const;
    EventList *eventList() const { return m_events; }
    PaceDisplay *paceDisplay() const { return m_pace; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    QScrollArea *buildLeft(PresenterSession *session);
    ControlsPanel *buildControls(PresenterSession *session);
    QGroupBox *buildNodes(PresenterSession *session);
    // The node grid's fault controls and the majority-loss confirmation.
    void connectNodeControls(PresenterSession *session);
    void showLoadState();
    void showClusterView();

    PresenterSession *m_session;
    BeatPanel *m_beat;
    NodeGrid *m_nodes;
    SourceBanner *m_banner;
    PreflightPanel *m_preflight;
    ControlsPanel *m_controls = nullptr;
    ChartWall *m_chartWall = nullptr;
    ClusterView *m_view = nullptr;
    QLabel *m_stopwatch = nullptr;
    QLabel *m_appExperience = nullptr;
    QSplitter *m_splitter = nullptr;
    bool m_splitterMoved = false;
    int m_leftMinWidth = 300;
    EventList *m_events = nullptr;
    PaceDisplay *m_pace = nullptr;
};

} // namespace presenter
