#include "presenter_session.h"

#include "config/data_paths.h"
#include "preflight/preflight_sql.h"
#include "report/session_log.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace presenter {

PresenterSession::PresenterSession(const ConnectionProfile &profile, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_rootDir(QDir::currentPath())
    , m_feed(new FeedClient(this))
    , m_prometheus(new PrometheusClient(this))
    , m_sql(new SqlRunner(this))
    , m_cluster(new ClusterDriver(this))
    , m_control(new SampleAppControl(this))
    , m_clusterCommands(m_cluster)
    , m_sqlCommands(m_sql)
    , m_loadCommands(m_control)
    , m_ingest(new FeedIngest(&m_store, this))
    , m_clusterMetrics(new ClusterMetrics(&m_store, this))
    , m_evaluator(new ExpectationEvaluator(this))
    , m_story(new StoryController(this))
    , m_executor(new BeatExecutor(&m_store, BeatExecutor::Wiring::of(m_sql, m_cluster, m_control), this))
    , m_nodeStatus(new NodeStatusClient(this))
    , m_clusterView(new ClusterView(m_cluster, m_nodeStatus, this))
    , m_log(new SessionLog(this))
{
    m_feed->setUrl(profile.feedUrl());
    m_prometheus->setBaseUrl(profile.prometheusUrl);
    m_sql->setConninfo(profile.sqlConninfo);
    m_cluster->setKind(profile.clusterKind);
    m_cluster->setKubectl(u"kubectl"_s, profile.kubectlGlobalArgs());
    m_cluster->setNamespace(profile.kubeNamespace);
    m_cluster->setMinimumNodes(profile.replicationFactor);
    m_control->setBaseUrl(profile.sampleAppUrl);
    m_control->setControlToken(profile.controlToken);
    if (profile.portForward) {
        m_portForward = new PortForwardSupervisor(this);
        m_portForward->setKubectl(u"kubectl"_s, profile.kubectlGlobalArgs());
        for (const auto &f : PortForwardSupervisor::standardForwards(profile.kubeNamespace,
                 static_cast<quint16>(profile.sampleAppUrl.port(8080)),
                 static_cast<quint16>(profile.prometheusUrl.port(9090)))) {
            m_portForward->addForward(f);
        }
    }
    // The presenter's one login, the one the pre-flight's node-api check proves can read
    // /api/v2/nodes/ (admin role): the SQL URL's user and password. None without a password
    // (insecure clusters need no session).
    if (const NodeApiLogin login = nodeApiLoginFrom(profile.sqlConninfo); !login.password.isEmpty()) {
        m_nodeStatus->setCredentials(login.user, login.password);
    }
    if (!profile.grafanaUrl.isEmpty()) {
        // Grafana, the backup view, shows the talk's moments too; setReplayMode() removes it.
        m_grafana = new GrafanaAnnotations(this);
        m_grafana->setBaseUrl(profile.grafanaUrl);
        connect(this, &PresenterSession::markerAdded, m_grafana, [grafana = m_grafana](const EventMarker &m) {
            grafana->post(m.tsMs, eventMarkerKindName(m.kind), m.text);
        });
    }
    m_clusterView->setReplicationFactor(profile.replicationFactor);
    if (const QString ca = profile.clusterCaFile(); !ca.isEmpty()) {
        // A secure cluster: its nodes' HTTP port speaks TLS with certificates from the SQL URL's CA
        // (ConnectionProfile::clusterCaFile). An unreadable file trusts nothing and each read says so.
        m_nodeStatus->setCaCertificateFile(ca);
        m_clusterView->setNodeUrlScheme(u"https"_s);
    }
    if (m_portForward && profile.clusterKind != ClusterKind::None) {
        // One forward per CockroachDB pod, HTTP port 8080 to 127.0.0.1:18080+ordinal.
        m_clusterView->followPodsWithForwards(m_portForward, profile.kubeNamespace, kNodeStatusBasePort);
    }

    m_evaluator->setClock(&m_clock);
    if (isLocalStack()) {
        // Its Prometheus scrapes only the sample app (demo/local/prometheus.yml).
        m_evaluator->setNoCockroachDB(u"the local stack has no CockroachDB (cluster kind none)"_s);
    }
    m_clusterView->setClock(&m_clock);
    m_clusterMetrics->setClock(&m_clock);
    m_ingest->attach(m_feed);
    m_clusterMetrics->attach(m_prometheus);
    m_evaluator->attachPrometheus(m_prometheus);
    connect(m_executor, &BeatExecutor::markerAdded, this, &PresenterSession::markerAdded);
    connect(m_feed, &FeedClient::tickReceived, this, [this](const FeedTick &tick) {
        m_lastTick = tick;
        // Judged at the message's receive time, the time its record carries (not a second read of
        // the clock): a replay judges it at exactly that time.
        const qint64 receivedMs = m_feed->handlingReceivedMs();
        m_evaluator->onFeedTick(tick, receivedMs > 0 ? receivedMs : m_clock.nowMs());
        m_clusterView->addTick(tick);
        Q_EMIT tickArrived();
    });
    // The hello carries the load state (and guardrails) before the first tick.
    connect(m_feed, &FeedClient::helloReceived, this, [this] { m_loadCommands->refresh(); });
    // A beat's expectations are judged from the moment its change was made: the completion of its
    // last action, not the key press (a beat without actions, or one whose action failed: when it
    // finished). Fault actions leave the marker "from": "fault" counts from.
    connect(m_story, &StoryController::runRequested, this, [this](int index, const Beat &beat) {
        if (!m_executor->run(beat)) {
            m_story->setRunFinished(false, u"a beat is still running"_s);
            return;
        }
        beginBeat(index, beat);
    });
    connect(m_executor, &BeatExecutor::actionOutcome, this,
        [this](int index, const PlanAction &, const ActionOutcome &outcome) { onActionOutcome(index, outcome); });
    connect(m_executor, &BeatExecutor::actionCompleted, this, &PresenterSession::onActionCompleted);
    connect(m_executor, &BeatExecutor::finished, this,
        [this](bool, const QString &) { m_evaluator->begin(m_clock.nowMs()); });
    connect(m_executor, &BeatExecutor::finished, m_story, &StoryController::setRunFinished);
    connect(m_executor, &BeatExecutor::finished, this, &PresenterSession::beatFinished);
    // A manual fault (the node grid's controls) is a fault too: "from": "fault" counts from it.
    connect(m_cluster, &ClusterDriver::faultStarted, this, [this] { m_evaluator->noteFault(m_clock.nowMs()); });
    // Last: the log reads what the connections above have already updated.
    m_log->attach(this);
}

void PresenterSession::beginBeat(int index, const Beat &beat)
{
    m_runningBeat = index;
    m_evaluator->prepare(beat.id, beat.expectations);
    m_actionsInRun = beat.actions.size();
    m_outcomes.clear();
    Q_EMIT beatRunStarted(index, beat.id);
}

void PresenterSession::onActionOutcome(int index, const ActionOutcome &outcome)
{
    if (index >= 0) {
        m_outcomes.insert(index, outcome);
        if (outcome.skipsTheBeatsChange()) {
            m_evaluator->skipForAction(PlanAction::typeName(outcome.type), outcome.reason);
        }
    }
    Q_EMIT actionOutcome(index, outcome);
}

void PresenterSession::onActionCompleted(int index, const PlanAction &action, qint64 atMs)
{
    // What was not applied changed nothing (a recording without outcomes: everything was).
    const bool applied = m_outcomes.value(index).kind == ActionOutcome::Kind::Applied;
    if (action.isFault() && applied) {
        m_evaluator->noteFault(atMs);
    }
    // Only a file that ran moves the replication factor and the driver's scale floor: a skipped or
    // refused one changed nothing.
    if (action.replicationFactor > 0 && applied) {
        m_clusterView->setReplicationFactor(action.replicationFactor);
        m_cluster->setMinimumNodes(action.replicationFactor);
    }
    if (index == m_actionsInRun - 1) {
        m_evaluator->begin(atMs);
        m_clusterView->beatStarted(atMs);
    }
}

void PresenterSession::setReplayMode()
{
    m_clock.setTime(0);
    // A replay writes nothing anywhere: no annotation for a moment that already happened.
    delete m_grafana;
    m_grafana = nullptr;
    m_feed->setUrl({});
    m_prometheus->setBaseUrl({});
    m_refusing = std::make_unique<RefusingCommands>(m_control);
    m_clusterCommands = m_refusing.get();
    m_sqlCommands = m_refusing.get();
    m_loadCommands = m_refusing.get();
    m_executor->setCommands(m_sqlCommands, m_clusterCommands, m_loadCommands);
    m_executor->stopFollowingSources(); // the recording holds what they made live
    // The player's keys drive a replay; the story follows the recorded state.
    m_story->setInputEnabled(false);
    // Judged from the recorded answers (replay of "prom_query"), never from a live Prometheus.
    m_evaluator->attachPrometheus(nullptr);
}

void PresenterSession::applyBeatRun(int beatIndex)
{
    const auto &beats = m_story->plan().beats;
    if (beatIndex < 0 || beatIndex >= beats.size()) {
        return;
    }
    beginBeat(beatIndex, beats.at(beatIndex));
}

void PresenterSession::applyActionCompleted(int actionIndex, qint64 atMs)
{
    const auto &beats = m_story->plan().beats;
    if (m_runningBeat < 0 || m_runningBeat >= beats.size()) {
        return;
    }
    const Beat &beat = beats.at(m_runningBeat);
    if (actionIndex < 0 || actionIndex >= beat.actions.size()) {
        return;
    }
    onActionCompleted(actionIndex, beat.actions.at(actionIndex), atMs);
}

void PresenterSession::applyBeatFinished(qint64 atMs, bool ok, const QString &summary)
{
    m_evaluator->begin(atMs);
    Q_EMIT beatFinished(ok, summary);
}

void PresenterSession::applyActionOutcome(int actionIndex, const ActionOutcome &outcome)
{
    onActionOutcome(actionIndex, outcome);
}

void PresenterSession::resetForReplay()
{
    m_store.clear();
    m_evaluator->clear();
    m_clusterView->reset();
    m_clusterView->setReplicationFactor(m_profile.replicationFactor);
    m_lastTick.reset();
    m_runningBeat = -1;
    m_actionsInRun = 0;
    m_outcomes.clear();
    m_feed->reset();
    m_ingest->reset();
    m_story->restore({});
    Q_EMIT replayRestarted();
}

PresenterSession::~PresenterSession()
{
    stop();
}

bool PresenterSession::loadPlan(QStringList *errors)
{
    const auto plan = DemoPlan::load(m_profile.planPath, errors);
    if (!plan) {
        return false;
    }
    // demo/plan.json names sql/... relative to the repository root (or the installed data).
    setPlan(*plan, DataPaths::rootOfPlan(m_profile.planPath));
    return true;
}

void PresenterSession::setPlan(const DemoPlan &plan, const QString &rootDir)
{
    m_rootDir = QDir::cleanPath(rootDir);
    m_executor->setRootDir(m_rootDir);
    m_story->setPlan(plan);
}

QString PresenterSession::sqlDir() const
{
    return m_rootDir + u"/sql"_s;
}

void PresenterSession::start()
{
    if (m_portForward) {
        m_portForward->start();
    }
    m_feed->start();
    m_prometheus->start();
    m_sql->start();
    m_cluster->start();
    if (m_profile.clusterKind != ClusterKind::None) {
        m_nodeStatus->start();
    }
}

void PresenterSession::stop()
{
    m_feed->stop();
    m_prometheus->stop();
    m_sql->stop();
    m_cluster->stop();
    m_nodeStatus->stop();
    if (m_portForward) {
        m_portForward->stop();
    }
}

QList<DataSource *> PresenterSession::sources() const
{
    QList<DataSource *> list {m_feed, m_prometheus, m_sql, m_cluster};
    if (m_profile.clusterKind != ClusterKind::None) {
        list.append(m_nodeStatus);
    }
    if (m_portForward) {
        list.append(m_portForward);
    }
    return list;
}

void PresenterSession::mark(EventMarker::Kind kind, const QString &text)
{
    const EventMarker marker {m_clock.nowMs(), kind, text};
    m_store.addMarker(marker);
    Q_EMIT markerAdded(marker);
}

bool PresenterSession::runSqlFile(const QString &path, QString *whyNot)
{
    if (!m_sqlCommands->runFile(path, whyNot)) {
        return false;
    }
    const QString subject = u"sql/"_s + QFileInfo(path).fileName();
    connect(
        m_sql, &SqlRunner::finished, this,
        [this, subject](bool ok, const QString &summary, const pgkit::ApplyResult &result) {
            const ActionOutcome outcome
                = ActionOutcome::ofSqlRun(PlanAction::Type::RunSql, subject, ok, summary, result, isLocalStack());
            // Drawn like a plan action's (BeatExecutor): SQL when it ran on the server, else neutral.
            mark(outcome.ran() ? EventMarker::Kind::Sql : EventMarker::Kind::Other, outcome.text());
            onActionOutcome(-1, outcome);
        },
        Qt::SingleShotConnection);
    return true;
}

} // namespace presenter
