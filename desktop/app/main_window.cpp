#include "main_window.h"
#include "preflight_panel.h"

#include "beat_panel.h"
#include "chart_specs.h"
#include "event_list.h"
#include "frame_clock.h"
#include "node_grid.h"
#include "source_banner.h"
#include "spike_dialog.h"
#include "time_chart.h"
#include "typed_confirm_dialog.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

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
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(m_preflight);
    leftLayout->addWidget(m_beat);
    leftLayout->addWidget(buildControls());
    auto *eventsBox = new QGroupBox(u"Events (newest first)"_s);
    auto *eventsLayout = new QVBoxLayout(eventsBox);
    m_events = new EventList(&session->store(), 5);
    eventsLayout->addWidget(m_events);
    leftLayout->addWidget(eventsBox);
    auto *nodesBox = new QGroupBox(u"Nodes"_s);
    auto *nodesLayout = new QVBoxLayout(nodesBox);
    if (view) {
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
        connect(view, &ClusterView::changed, this, &MainWindow::showClusterView);
        showClusterView();
    }
    nodesLayout->addWidget(m_nodes);
    // The manual fault controls (each already confirmed by the grid; a majority loss by a typed
    // confirmation). The driver refuses what is unsafe or impossible, and the grid shows why; the
    // markers come from the driver's faultStarted / faultEnded (BeatExecutor), as for plan actions.
    connect(m_nodes, &NodeGrid::faultRequested, this,
        [this](int ordinal, ClusterDriver::Fault fault, bool allowMajorityLoss) {
            ClusterCommands *cluster = m_session->clusterCommands();
            QString why;
            bool ok = false;
            switch (fault) {
            case ClusterDriver::Fault::Stop:
                ok = cluster->stopNode(ordinal, &why);
                break;
            case ClusterDriver::Fault::KeepDown:
                ok = cluster->keepDown(ordinal, allowMajorityLoss, &why);
                break;
            case ClusterDriver::Fault::Kill:
                ok = cluster->killNode(ordinal, allowMajorityLoss, &why);
                break;
            case ClusterDriver::Fault::Pause:
                ok = cluster->pauseNode(ordinal, allowMajorityLoss, &why);
                break;
            }
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
    leftLayout->addWidget(nodesBox);
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

    // The beat's focus charts in a big row on top, the others small below (demo/PLAN.md "focus").
    m_chartsWidget = new QWidget;
    m_chartsWidget->setObjectName(u"charts"_s);
    auto *chartsLayout = new QVBoxLayout(m_chartsWidget);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(2);
    m_focusRow = new QGridLayout;
    m_focusRow->setSpacing(2);
    m_otherGrid = new QGridLayout;
    m_otherGrid->setSpacing(2);
    chartsLayout->addLayout(m_focusRow, 3);
    chartsLayout->addLayout(m_otherGrid, 2);
    QList<ChartSpec> specs = chartspecs::appCharts();
    specs.append(chartspecs::clusterCharts());
    for (const ChartSpec &spec : std::as_const(specs)) {
        auto *chart = new TimeChart(spec, &session->store(), m_chartsWidget);
        chart->setUnavailableReason(chartspecs::unavailableReason(spec, session->profile().clusterKind));
        m_charts.append(chart);
        clock->addChart(chart);
    }
    // The charts' minimum width is that of their narrowest arrangement (two focus charts side by
    // side), not of the current one: the arrangement follows the width (arrangeCharts), so a
    // window made narrower than the current arrangement's minimum must be let through to get the
    // narrower arrangement. It was not: a window shown at 1600 px could not be resized to 960.
    m_chartsWidget->setMinimumWidth(2 * m_charts.constFirst()->minimumWidth() + m_focusRow->spacing());
    connect(session->story(), &StoryController::changed, this, &MainWindow::arrangeCharts);
    arrangeCharts();
    // Arranged again whenever the charts' own width changes: the window's resize event comes
    // before its layout gives the charts their new width (at the first show it still saw the
    // unlaid-out default, kept two small-chart columns and made the window 575 px tall at 960x540).
    m_chartsWidget->installEventFilter(this);

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(scroll);
    m_splitter->addWidget(m_chartsWidget);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        m_splitterMoved = true;
        arrangeCharts();
    });

    auto *central = new QWidget;
    auto *v = new QVBoxLayout(central);
    v->setContentsMargins(2, 2, 2, 2);
    v->addWidget(m_banner);
    v->addWidget(m_splitter, 1);
    setCentralWidget(central);
    // A size to start from; main.cpp's WindowMemory then fits it to the screen (or restores the
    // last run's), before it shows.
    resize(1600, 900);

    connect(session->control(), &SampleAppControl::stateReceived, this, &MainWindow::showLoadState);
    connect(session, &PresenterSession::tickArrived, this, &MainWindow::showLoadState);
    connect(session->control(), &SampleAppControl::commandFinished, this,
        [this](quint64, SampleAppControl::Command command, bool ok, const QString &message) {
            if (command != SampleAppControl::Command::Refresh) {
                const QString what = SampleAppControl::commandName(command);
                m_commandStatus->setText(ok ? QString(what + u": ok"_s) : QString(what + u": refused: "_s + message));
            }
        });
}

void MainWindow::arrangeCharts()
{
    // An armed beat's charts come up before it runs: the presenter points at them while saying it.
    const StoryController *story = m_session->story();
    const QStringList focus
        = story->plan().focusAt(story->armedIndex() >= 0 ? story->armedIndex() : story->shownIndex());
    // Side by side while each focus chart gets 260 px (its title and a two-entry legend unelided),
    // else two columns (three focus charts on a 1024-wide screen).
    const int n = static_cast<int>(std::max<qsizetype>(1, focus.size()));
    const int width = m_splitter ? m_splitter->sizes().value(1, m_chartsWidget->width()) : m_chartsWidget->width();
    const int columns = width / n >= 260 ? n : std::min(n, 2);
    // How many compact charts (120 px each, TimeChart::setCompact) fit side by side in this width.
    const int spacing = std::max(0, m_otherGrid->horizontalSpacing());
    const QMargins margins = m_otherGrid->contentsMargins();
    const int otherFit = std::max(1, (width - margins.left() - margins.right() + spacing) / (120 + spacing));
    if (focus == m_focus && columns == m_focusColumns && otherFit == m_otherFit && !m_focusRow->isEmpty()) {
        return;
    }
    m_focus = focus;
    m_focusColumns = columns;
    m_otherFit = otherFit;
    for (TimeChart *c : std::as_const(m_charts)) {
        m_focusRow->removeWidget(c);
        m_otherGrid->removeWidget(c);
    }
    QList<TimeChart *> others;
    int placed = 0;
    for (const QString &id : focus) {
        for (TimeChart *c : std::as_const(m_charts)) {
            if (c->spec().id == id) {
                c->setCompact(false);
                m_focusRow->addWidget(c, placed / columns, placed % columns);
                ++placed;
            }
        }
    }
    for (int c = 0; c < m_focusRow->columnCount(); ++c) {
        m_focusRow->setColumnStretch(c, c < columns ? 1 : 0);
    }
    for (TimeChart *c : std::as_const(m_charts)) {
        if (!focus.contains(c->spec().id)) {
            others.append(c);
        }
    }
    // Two rows of small charts under the focus row, or as many columns as the width holds and more
    // rows: nine small charts in five columns do not fit beside the left panel on a 1024-wide screen.
    const int otherColumns = std::min(static_cast<int>((others.size() + 1) / 2), otherFit);
    for (qsizetype i = 0; i < others.size(); ++i) {
        others[i]->setCompact(true);
        m_otherGrid->addWidget(others[i], static_cast<int>(i) / otherColumns, static_cast<int>(i) % otherColumns);
    }
    for (int c = 0; c < m_otherGrid->columnCount(); ++c) {
        m_otherGrid->setColumnStretch(c, c < otherColumns ? 1 : 0);
    }
    const int otherRows = static_cast<int>((others.size() + otherColumns - 1) / otherColumns);
    for (int r = 0; r < m_otherGrid->rowCount(); ++r) {
        m_otherGrid->setRowStretch(r, r < otherRows ? 1 : 0);
    }
}

QStringList MainWindow::focusChartIds() const
{
    return m_focus;
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
    arrangeCharts();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_chartsWidget && event->type() == QEvent::Resize) {
        arrangeCharts();
    }
    return QMainWindow::eventFilter(watched, event);
}

QWidget *MainWindow::buildControls()
{
    auto *box = new QGroupBox(u"Controls"_s);
    auto *v = new QVBoxLayout(box);
    SampleAppControl *control = m_session->control();

    auto *loadRow = new QHBoxLayout;
    m_rps = new QSpinBox;
    m_rps->setRange(1, 1000);
    m_rps->setValue(20);
    m_rps->setSuffix(u" req/s"_s);
    auto *start = new QPushButton(u"Start load"_s);
    auto *stop = new QPushButton(u"Stop load"_s);
    connect(start, &QPushButton::clicked, this, [this, control] { control->loadStart(m_rps->value()); });
    connect(stop, &QPushButton::clicked, control, &SampleAppControl::loadStop);
    loadRow->addWidget(m_rps);
    loadRow->addWidget(start);
    loadRow->addWidget(stop);
    v->addLayout(loadRow);

    auto *mixRow = new QHBoxLayout;
    m_readers = new QCheckBox(u"Readers (search)"_s);
    m_writers = new QCheckBox(u"Writers (login)"_s);
    m_readers->setChecked(true);
    m_writers->setChecked(true);
    connect(m_readers, &QCheckBox::clicked, control, &SampleAppControl::setReaders);
    connect(m_writers, &QCheckBox::clicked, control, &SampleAppControl::setWriters);
    auto *spike = new QPushButton(u"Spike…"_s);
    connect(spike, &QPushButton::clicked, this, &MainWindow::spike);
    mixRow->addWidget(m_readers);
    mixRow->addWidget(m_writers);
    mixRow->addWidget(spike);
    v->addLayout(mixRow);
    m_loadStatus = new QLabel(u"Load: no state yet"_s);
    m_loadStatus->setWordWrap(true);
    v->addWidget(m_loadStatus);

    auto *sqlRow = new QHBoxLayout;
    m_sqlFile = new QComboBox;
    const QDir sqlDir(m_session->sqlDir());
    for (const QString &f : sqlDir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name)) {
        m_sqlFile->addItem(f, sqlDir.absoluteFilePath(f));
    }
    auto *runSql = new QPushButton(u"Run SQL…"_s);
    connect(runSql, &QPushButton::clicked, this, &MainWindow::runSql);
    sqlRow->addWidget(m_sqlFile, 1);
    sqlRow->addWidget(runSql);
    v->addLayout(sqlRow);
    m_sqlStatus = new QLabel;
    m_sqlStatus->setWordWrap(true);
    v->addWidget(m_sqlStatus);
    SqlRunner *sql = m_session->sql();
    connect(sql, &SqlRunner::progress, this, [this](int index, int total, const QString &statement) {
        m_sqlStatus->setText(u"SQL %1/%2: %3"_s.arg(index + 1).arg(total).arg(statement.simplified().left(100)));
    });
    // A run's end in the words of its one outcome (a plan action's or the control's own):
    // "applied ...", "skipped ...: why", "refused as expected ...", "failed ...: why".
    connect(m_session, &PresenterSession::actionOutcome, this, [this](int, const ActionOutcome &outcome) {
        if (outcome.isSql()) {
            m_sqlStatus->setText(outcome.text());
        }
    });

    auto *scaleRow = new QHBoxLayout;
    m_nodesSpin = new QSpinBox;
    m_nodesSpin->setRange(1, 9);
    m_nodesSpin->setValue(3);
    m_nodesSpin->setSuffix(u" nodes"_s);
    auto *scale = new QPushButton(u"Scale…"_s);
    connect(scale, &QPushButton::clicked, this, &MainWindow::scale);
    scaleRow->addWidget(m_nodesSpin);
    scaleRow->addWidget(scale);
    v->addLayout(scaleRow);
    m_commandStatus = new QLabel;
    m_commandStatus->setWordWrap(true);
    v->addWidget(m_commandStatus);
    return box;
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
    return m_sqlStatus->text();
}

QString MainWindow::loadStatusText() const
{
    return m_loadStatus->text();
}

void MainWindow::showLoadState()
{
    const auto &tick = m_session->lastTick();
    const LoadState s = tick ? tick->load : m_session->control()->lastState();
    if (!tick && !m_session->control()->hasState()) {
        return;
    }
    const QSignalBlocker b1(m_readers);
    const QSignalBlocker b2(m_writers);
    m_readers->setChecked(s.readers);
    m_writers->setChecked(s.writers);
    QString text = s.running ? u"Load: target %1 req/s, achieved %2, in flight %3, dropped %4"_s.arg(s.targetRps)
                                   .arg(s.achievedRps, 0, 'f', 1)
                                   .arg(s.inFlight)
                                   .arg(s.droppedTotal)
                             : u"Load: stopped"_s;
    if (s.spikeActive) {
        text += u"; spike %1 req/s, %2 s left"_s.arg(s.spikeRps).arg(s.spikeRemainingS, 0, 'f', 0);
    }
    m_loadStatus->setText(text);
}

bool MainWindow::confirm(const QString &title, const QString &text)
{
    return QMessageBox::question(this, title, text) == QMessageBox::Yes;
}

void MainWindow::runSql()
{
    const QString path = m_sqlFile->currentData().toString();
    if (path.isEmpty() || !confirm(u"Run SQL"_s, u"Run %1 against the cluster?"_s.arg(m_sqlFile->currentText()))) {
        return;
    }
    QString why;
    if (!m_session->runSqlFile(path, &why)) {
        m_sqlStatus->setText(u"Refused: "_s + why);
    }
}

void MainWindow::scale()
{
    const int n = m_nodesSpin->value();
    if (!confirm(u"Scale"_s, u"Scale the CockroachDB cluster to %1 node(s)?"_s.arg(n))) {
        return;
    }
    QString why;
    if (!m_session->clusterCommands()->scaleTo(n, &why)) {
        m_commandStatus->setText(u"Scale refused: "_s + why);
        return;
    }
    m_session->mark(EventMarker::Kind::Scale, u"scale to %1"_s.arg(n));
}

void MainWindow::spike()
{
    SpikeDialog dialog(m_session->control()->lastState(), this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    m_session->loadCommands()->spike(dialog.seconds(), dialog.rps(), dialog.mix());
}
