#include "main_window.h"

#include "beat_panel.h"
#include "chart_specs.h"
#include "chart_wall.h"
#include "controls_panel.h"
#include "event_list.h"
#include "node_grid.h"
#include "pace_display.h"
#include "preflight_panel.h"
#include "source_banner.h"
#include "typed_confirm_dialog.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "sources/cluster/fault_table.h"

#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

MainWindow::MainWindow(PresenterSession *session, FrameClock *clock, ClusterView *view, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_beat(new BeatPanel(session, BeatPanel::Mode::Presenter))
    , m_nodes(new NodeGrid(session, view, NodeGrid::Mode::Presenter))
    , m_banner(new SourceBanner(session->sources()))
    , m_preflight(new PreflightPanel(session->story()))
    , m_view(view)
{
    const QString title = session->story()->plan().title;
    setWindowTitle(title.isEmpty() ? u"presenter"_s : u"presenter: "_s + title);
    QScrollArea *left = buildLeft(session);

    QList<ChartSpec> specs = chartspecs::appCharts();
    specs.append(chartspecs::clusterCharts());
    m_chartWall = new ChartWall(specs, &session->store(), clock, session->profile().clusterKind);
    m_splitter = new QSplitter(Qt::Horizontal);
    // The beat's focus (the armed beat's before it runs: the presenter points at them while saying it).
    m_chartWall->setFocusSource([story = session->story()] {
        return story->plan().focusAt(story->armedIndex() >= 0 ? story->armedIndex() : story->shownIndex());
    });
    m_chartWall->setWidthSource([this] { return m_splitter->sizes().value(1, m_chartWall->width()); });
    connect(session->story(), &StoryController::changed, m_chartWall, &ChartWall::arrange);
    m_chartWall->arrange();

    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_chartWall);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        m_splitterMoved = true;
        m_chartWall->arrange();
    });

    auto *central = new QWidget;
    auto *v = new QVBoxLayout(central);
    v->setContentsMargins(2, 2, 2, 2);
    v->addWidget(m_banner);
    v->addWidget(m_splitter, 1);
    setCentralWidget(central);
    // A size to start from; PresenterWindows' WindowMemory then fits it to the screen (or restores
    // the last run's), before it shows.
    resize(1600, 900);
}

QScrollArea *MainWindow::buildLeft(PresenterSession *session)
{
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    m_pace = new PaceDisplay(session);
    leftLayout->addWidget(m_pace);
    leftLayout->addWidget(m_preflight);
    leftLayout->addWidget(m_beat);
    leftLayout->addWidget(buildControls(session));
    auto *eventsBox = new QGroupBox(u"Events (newest first)"_s);
    auto *eventsLayout = new QVBoxLayout(eventsBox);
    m_events = new EventList(&session->store(), 5);
    eventsLayout->addWidget(m_events);
    leftLayout->addWidget(eventsBox);
    leftLayout->addWidget(buildNodes(session));
    leftLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setObjectName(u"controlsScroll"_s);
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    // The panel wraps its text to the width it has; it never scrolls sideways.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // As narrow as its widest row (a node tile's three fault buttons), never narrower.
    m_leftMinWidth
        = std::max(300, left->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
    scroll->setMinimumWidth(m_leftMinWidth);
    return scroll;
}

ControlsPanel *MainWindow::buildControls(PresenterSession *session)
{
    ControlsInputs in;
    in.control = session->control();
    in.load = session->loadCommands();
    in.cluster = session->clusterCommands();
    in.sql = session->sql();
    in.sqlDir = session->sqlDir();
    in.runSqlFile = [session](const QString &path, QString *why) { return session->runSqlFile(path, why); };
    in.scaled = [session](int n) { session->mark(EventMarker::Kind::Scale, u"scale to %1"_s.arg(n)); };
    m_controls = new ControlsPanel(in);
    // A run's end in the words of its one outcome (a plan action's or the control's own):
    // "applied ...", "skipped ...: why", "refused as expected ...", "failed ...: why".
    connect(session, &PresenterSession::actionOutcome, m_controls, [this](int, const ActionOutcome &outcome) {
        if (outcome.isSql()) {
            m_controls->showSqlOutcome(outcome.text());
        }
    });
    connect(session->control(), &SampleAppControl::stateReceived, this, &MainWindow::showLoadState);
    // The load line changes with every feed tick, and each change lays the whole controls column
    // out again (its wrapped labels measured anew): shown at most twice a second, always the latest.
    auto *loadLine = new QTimer(this);
    loadLine->setSingleShot(true);
    loadLine->setInterval(500);
    connect(loadLine, &QTimer::timeout, this, &MainWindow::showLoadState);
    connect(session, &PresenterSession::tickArrived, loadLine, [loadLine] {
        if (!loadLine->isActive()) {
            loadLine->start();
        }
    });
    return m_controls;
}

QGroupBox *MainWindow::buildNodes(PresenterSession *session)
{
    auto *nodesBox = new QGroupBox(u"Nodes"_s);
    auto *nodesLayout = new QVBoxLayout(nodesBox);
    if (m_view) {
        m_stopwatch = new QLabel;
        m_stopwatch->setObjectName(u"healStopwatch"_s);
        QFont f = m_stopwatch->font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 1.3);
        m_stopwatch->setFont(f);
        m_stopwatch->setWordWrap(true);
        m_appExperience = new QLabel;
        m_appExperience->setWordWrap(true);
        nodesLayout->addWidget(m_stopwatch);
        nodesLayout->addWidget(m_appExperience);
        connect(m_view, &ClusterView::changed, this, &MainWindow::showClusterView);
        showClusterView();
    }
    nodesLayout->addWidget(m_nodes);
    connectNodeControls(session);
    return nodesBox;
}

void MainWindow::connectNodeControls(PresenterSession *session)
{
    // The manual fault controls (each already confirmed by the grid; a majority loss by a typed
    // confirmation). The driver refuses what is unsafe or impossible, and the grid shows why; the
    // markers come from the driver's faultStarted / faultEnded (BeatExecutor), as for plan actions.
    connect(m_nodes, &NodeGrid::faultRequested, this,
        [this](int ordinal, ClusterDriver::Fault fault, bool allowMajorityLoss) {
            QString why;
            const bool ok = kube::injectFault(*m_session->clusterCommands(), fault, ordinal, allowMajorityLoss, &why);
            if (!ok) {
                m_nodes->showRefusal(why);
            }
        });
    connect(m_nodes, &NodeGrid::startRequested, this, [this](int ordinal) {
        QString why;
        if (!m_session->clusterCommands()->startNode(ordinal, &why)) {
            m_nodes->showRefusal(why);
        }
    });
    connect(m_nodes, &NodeGrid::resumeRequested, this, [this](int ordinal) {
        QString why;
        if (!m_session->clusterCommands()->resumeNode(ordinal, &why)) {
            m_nodes->showRefusal(why);
        }
    });
    // A beat that may lose the majority runs only once the pod it takes down is typed (arming is
    // the confirmation for every other beat).
    session->story()->setMajorityLossConfirmation([this](const Beat &beat) {
        QStringList pods;
        for (const PlanAction &a : beat.actions) {
            if (a.allowMajorityLoss) {
                pods << m_session->cluster()->podName(a.ordinal);
            }
        }
        TypedConfirmDialog dialog(u"Lose the majority"_s,
            u"Beat '%1' takes %2 down while another node is down: a majority of the replicas of some ranges "
            "is lost, those ranges become unavailable and the app fails until the nodes are back. "
            "CockroachDB chooses consistency over availability: it refuses rather than answer wrong."_s.arg(
                beat.title, pods.join(u", "_s)),
            pods.value(0), this);
        return dialog.exec() == QDialog::Accepted;
    });
    connect(m_nodes, &NodeGrid::healAllRequested, this, [this] {
        QString why;
        if (!m_session->clusterCommands()->healAll(&why)) {
            m_nodes->showRefusal(why);
        }
    });
}

QStringList MainWindow::focusChartIds() const
{
    return m_chartWall->focusChartIds();
}

const QList<TimeChart *> &MainWindow::charts() const
{
    return m_chartWall->charts();
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // The controls take about a quarter of the width: enough for wrapped narration and the node
    // tiles, the rest for the charts (the splitter keeps whatever the presenter drags it to).
    if (!m_splitterMoved) {
        const int total = m_splitter->width();
        const int left = std::clamp(total / 4, m_leftMinWidth, std::max(m_leftMinWidth, 460));
        m_splitter->setSizes({left, total - left});
    }
    m_chartWall->arrange();
}

QString MainWindow::stopwatchText() const
{
    return m_stopwatch ? m_stopwatch->text() : QString();
}

QString MainWindow::appExperienceText() const
{
    return m_appExperience ? m_appExperience->text() : QString();
}

void MainWindow::showClusterView()
{
    m_stopwatch->setText(u"Heal: "_s + m_view->stopwatchText());
    QStringList lines;
    if (m_view->faultTally().hasWindow()) {
        lines << u"App: "_s + m_view->faultTally().text();
    }
    if (m_view->beatTally().hasWindow()) {
        lines << u"App: "_s + m_view->beatTally().text();
    }
    m_appExperience->setText(lines.join(u'\n'));
}

QString MainWindow::sqlStatusText() const
{
    return m_controls->sqlStatusText();
}

QString MainWindow::loadStatusText() const
{
    return m_controls->loadStatusText();
}

void MainWindow::showLoadState()
{
    const auto &tick = m_session->lastTick();
    if (!tick && !m_session->control()->hasState()) {
        return;
    }
    m_controls->showLoadState(tick ? tick->load : m_session->control()->lastState());
}

} // namespace presenter
