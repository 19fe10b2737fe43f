#pragma once

#include <QMainWindow>

class BeatPanel;
class ClusterView;
class EventList;
class FrameClock;
class NodeGrid;
class PresenterSession;
class SourceBanner;
class TimeChart;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QGridLayout;
class QHBoxLayout;
class QSplitter;

// The presenter's screen: the story beat panel (narration, armed preview, verdicts), the controls
// (load, readers/writers, spike, phase SQL, scale), the node grid and every chart. Anything that
// changes the cluster asks for confirmation first; beats are confirmed by arming them.
class PreflightPanel;

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
    const QList<TimeChart *> &charts() const { return m_charts; }
    QString loadStatusText() const;
    QString sqlStatusText() const; // the SQL status line: the last SQL outcome's words
    QString stopwatchText() const;
    QString appExperienceText() const;
    // The ids of the charts shown big now (the shown beat's focus, demo/PLAN.md).
    QStringList focusChartIds() const;
    EventList *eventList() const { return m_events; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void arrangeCharts();
    QWidget *buildControls();
    void showLoadState();
    bool confirm(const QString &title, const QString &text);
    void runSql();
    void scale();
    void spike();
    void showClusterView();

    PresenterSession *m_session;
    BeatPanel *m_beat;
    NodeGrid *m_nodes;
    SourceBanner *m_banner;
    PreflightPanel *m_preflight;
    QList<TimeChart *> m_charts;
    QSpinBox *m_rps = nullptr;
    QCheckBox *m_readers = nullptr;
    QCheckBox *m_writers = nullptr;
    QLabel *m_loadStatus = nullptr;
    QComboBox *m_sqlFile = nullptr;
    QLabel *m_sqlStatus = nullptr;
    QSpinBox *m_nodesSpin = nullptr;
    QLabel *m_commandStatus = nullptr;
    ClusterView *m_view = nullptr;
    QLabel *m_stopwatch = nullptr;
    QLabel *m_appExperience = nullptr;
    QWidget *m_chartsWidget = nullptr;
    QGridLayout *m_focusRow = nullptr;
    int m_focusColumns = 0;
    int m_otherFit = 0; // small-chart columns the width held at the last arrangement
    QGridLayout *m_otherGrid = nullptr;
    QSplitter *m_splitter = nullptr;
    bool m_splitterMoved = false;
    int m_leftMinWidth = 300;
    EventList *m_events = nullptr;
    QStringList m_focus;
};
