#pragma once

#include "config/demo_plan.h"
#include "model/action_outcome.h"
#include "model/beat_executor.h"
#include "model/cluster_metrics.h"
#include "model/cluster_view.h"
#include "model/expectation.h"
#include "model/feed_ingest.h"
#include "model/session_clock.h"
#include "model/story_controller.h"
#include "model/time_series_store.h"
#include "refusing_commands.h"
#include "sources/sample_app_control.h"

#include "config/connection_profile.h"
#include "sources/cluster_driver.h"
#include "sources/feed_client.h"
#include "sources/grafana_annotations.h"
#include "sources/port_forward_supervisor.h"
#include "sources/prometheus_client.h"
#include "sources/sql_runner.h"

#include <QObject>

#include <memory>

namespace presenter {

class SessionLog;

// Everything the presenter runs, wired once, without widgets: the sources a connection profile
// describes, the store they fill, the plan, the story controller, the beat executor and the
// expectation evaluator. The main window and the kiosk window only read it and forward intent.
//
// Wiring: feed ticks -> store (FeedIngest) and expectations; Prometheus polls -> store
// (ClusterMetrics); StoryController::runRequested -> BeatExecutor + ExpectationEvaluator::prepare;
// BeatExecutor::actionCompleted (the last action) or finished -> ExpectationEvaluator::begin;
// a completed fault action -> ExpectationEvaluator::noteFault;
// BeatExecutor::actionOutcome -> actionOutcome() (and a skipped cluster change ->
// ExpectationEvaluator::skipForAction); BeatExecutor::finished -> StoryController::setRunFinished;
// ClusterDriver::faultStarted (plan or manual) -> ExpectationEvaluator::noteFault; the cluster driver, the node status
// client and the feed -> ClusterView (both windows' node grid, numbers, stopwatch), whose "this beat" starts when the
// beat's last action completed; markerAdded -> GrafanaAnnotations (live, with a Grafana URL).
//
// Threading: GUI thread only (the store may be read from anywhere).
class PresenterSession : public QObject
{
    Q_OBJECT
public:
    explicit PresenterSession(const ConnectionProfile &profile, QObject *parent = nullptr);
    ~PresenterSession() override;

    // Loads profile().planPath; false with one line per problem.
    bool loadPlan(QStringList *errors);
    void setPlan(const DemoPlan &plan, const QString &rootDir);

    // Starts every source (port-forwards first when the profile asks for them).
    void start();
    void stop();

    const ConnectionProfile &profile() const { return m_profile; }
    // The session's "now": the wall clock live, the recording's time in a replay.
    const SessionClock &clock() const { return m_clock; }
    SessionClock &clock() { return m_clock; }
    bool isReplay() const { return !m_clock.followsWallClock(); }
    // What a replay plays (the recording's file name; empty live): the report and titles say it.
    void setReplaySource(const QString &name) { m_replaySource = name; }
    QString replaySource() const { return m_replaySource; }
    TimeSeriesStore &store() { return m_store; }
    FeedClient *feed() const { return m_feed; }
    PrometheusClient *prometheus() const { return m_prometheus; }
    SqlRunner *sql() const { return m_sql; }
    ClusterDriver *cluster() const { return m_cluster; }
    PortForwardSupervisor *portForward() const { return m_portForward; }
    SampleAppControl *control() const { return m_control; }
    // The talk's markers (markerAdded) as Grafana annotations: live with a Grafana URL only, else null.
    GrafanaAnnotations *grafanaAnnotations() const { return m_grafana; }
    // What the beat executor and the windows ask of the world (sources/commands.h): the live
    // sources, or in a replay the object that refuses every command with the reason.
    ClusterCommands *clusterCommands() const { return m_clusterCommands; }
    SqlCommands *sqlCommands() const { return m_sqlCommands; }
    LoadCommands *loadCommands() const { return m_loadCommands; }
    FeedIngest *ingest() const { return m_ingest; }
    ExpectationEvaluator *evaluator() const { return m_evaluator; }
    StoryController *story() const { return m_story; }
    BeatExecutor *executor() const { return m_executor; }
    // CockroachDB's own view of each node (the fast path), the stopwatch and the app's experience.
    static constexpr quint16 kNodeStatusBasePort = 18080; // crdb-N HTTP 8080 -> 127.0.0.1:18080+N
    NodeStatusClient *nodeStatus() const { return m_nodeStatus; }
    ClusterView *clusterView() const { return m_clusterView; }
    // What the session showed, collected from its construction for the report (either window's
    // export reads it, so a kiosk-only session has its report too).
    SessionLog *log() const { return m_log; }
    QList<DataSource *> sources() const;
    // The latest feed tick (for the load panel), if any arrived.
    const std::optional<FeedTick> &lastTick() const { return m_lastTick; }
    QString sqlDir() const; // the repository's sql/ folder (for the "run SQL" control)

    // Adds a marker now (manual controls: SQL, scale, node stop).
    void mark(EventMarker::Kind kind, const QString &text);
    // The manual "Run SQL" control: runs the file; when it finishes, its outcome (the same words as a
    // plan action's: applied, skipped on the local stack, refused as expected, failed) becomes a
    // marker and actionOutcome(-1, ...). False (whyNot) when the runner refused to start.
    bool runSqlFile(const QString &path, QString *whyNot = nullptr);
    // The local stack: cluster kind none, PostgreSQL standing in for CockroachDB, no Kubernetes.
    bool isLocalStack() const { return m_profile.clusterKind == ClusterKind::None; }

    // Replay (SessionPlayer, desktop/docs/RECORDING.md). setReplayMode() before anything else and
    // instead of start(): the clock follows the recording, no source starts, the commands are one
    // RefusingCommands (every action refused with RefusingCommands::reason()), the story takes no
    // input and follows the recorded state (StoryController::restore), and the expectations are
    // judged from the recorded PromQL answers. No source is told: the recorded inputs reach them
    // through their state entry points (recording/recorded_inputs.h).
    void setReplayMode();
    // A beat's run, an action's end or outcome, the beat's end, observed elsewhere (a recording):
    // the live paths' own steps (the same methods the executor's signals reach).
    void applyBeatRun(int beatIndex);
    void applyActionCompleted(int actionIndex, qint64 atMs);
    void applyBeatFinished(qint64 atMs, bool ok, const QString &summary);
    void applyActionOutcome(int actionIndex, const ActionOutcome &outcome);
    // Forgets what was shown (store, expectations, the cluster view's fault and stopwatch): a
    // replay seeking backwards plays the recording again from its start.
    void resetForReplay();

Q_SIGNALS:
    void tickArrived();
    // A beat's actions started (the story's run request was accepted): the recorder's "beat_run".
    // Live and in a replay alike (the report's SessionLog follows beats through it).
    void beatRunStarted(int index, const QString &beatId);
    // The running beat's actions finished (ok or not), live (BeatExecutor::finished) or replayed.
    void beatFinished(bool ok, const QString &summary);
    // What became of action `index` of the running beat (BeatExecutor::actionOutcome), or of a manual
    // SQL run (index -1), live or replayed: the status line's, the recorder's and the report's input.
    void actionOutcome(int index, const ActionOutcome &outcome);
    // A marker put in the store by the session or its beat executor (not derived from the feed).
    void markerAdded(const EventMarker &marker);
    // resetForReplay() forgot what was shown: a replay plays again from its start (the report's
    // log starts over too).
    void replayRestarted();

private:
    void beginBeat(int index, const Beat &beat);
    void onActionCompleted(int index, const PlanAction &action, qint64 atMs);
    void onActionOutcome(int index, const ActionOutcome &outcome);

    ConnectionProfile m_profile;
    SessionClock m_clock;
    QString m_replaySource;
    TimeSeriesStore m_store;
    QString m_rootDir;
    FeedClient *m_feed;
    PrometheusClient *m_prometheus;
    SqlRunner *m_sql;
    ClusterDriver *m_cluster;
    PortForwardSupervisor *m_portForward = nullptr;
    SampleAppControl *m_control;
    GrafanaAnnotations *m_grafana = nullptr;
    ClusterCommands *m_clusterCommands;
    SqlCommands *m_sqlCommands;
    LoadCommands *m_loadCommands;
    std::unique_ptr<RefusingCommands> m_refusing; // a replay's commands
    FeedIngest *m_ingest;
    ClusterMetrics *m_clusterMetrics;
    ExpectationEvaluator *m_evaluator;
    StoryController *m_story;
    BeatExecutor *m_executor;
    NodeStatusClient *m_nodeStatus;
    ClusterView *m_clusterView;
    SessionLog *m_log;
    std::optional<FeedTick> m_lastTick;
    qsizetype m_actionsInRun = 0; // the running beat's actions: the last one starts the judging
    int m_runningBeat = -1;
    QMap<int, ActionOutcome> m_outcomes; // the running beat's, by action index
};

} // namespace presenter
