#include "beat_executor.h"

#include "sources/cluster_driver.h"
#include "sources/sample_app_control.h"
#include "sources/sql_runner.h"

#include <QDateTime>
#include <QDir>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

BeatExecutor::Wiring BeatExecutor::Wiring::of(SqlRunner *sql, ClusterDriver *cluster, SampleAppControl *app)
{
    return {sql, cluster, app, sql, cluster, app};
}

BeatExecutor::BeatExecutor(TimeSeriesStore *store, const Wiring &wiring, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_sqlCommands(wiring.sqlCommands)
    , m_clusterCommands(wiring.clusterCommands)
    , m_loadCommands(wiring.loadCommands)
    , m_sql(wiring.sql)
    , m_cluster(wiring.cluster)
    , m_app(wiring.app)
    , m_rootDir(QDir::currentPath())
{
    const SqlRunner *sql = wiring.sql;
    const ClusterDriver *cluster = wiring.cluster;
    const SampleAppControl *app = wiring.app;
    if (sql) {
        connect(sql, &SqlRunner::progress, this, [this](int index, int total, const QString &statement) {
            if (m_waiting == Waiting::Sql) {
                Q_EMIT progress(u"SQL %1/%2: %3"_s.arg(index + 1).arg(total).arg(statement.simplified().left(80)));
            }
        });
        connect(
            sql, &SqlRunner::finished, this, [this](bool ok, const QString &summary, const pgkit::ApplyResult &result) {
                if (m_waiting != Waiting::Sql) {
                    return;
                }
                const PlanAction a = current();
                actionDone(ActionOutcome::ofSqlRun(a.type, a.file, ok, summary, result, isLocalStack()));
            });
    }
    if (cluster) {
        connect(cluster, &ClusterDriver::operationProgress, this, [this](const QString &text) {
            if (m_waiting == Waiting::Cluster) {
                Q_EMIT progress(text);
            }
        });
        connect(cluster, &ClusterDriver::operationFinished, this, [this](bool ok, const QString &summary) {
            if (ok && m_waiting == Waiting::Cluster && m_index >= 0
                && m_beat.actions[m_index].type == PlanAction::Type::HealAll) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                addMarker(EventMarker {now, EventMarker::Kind::Recovery,
                    u"healed: every node ready after %1 s"_s.arg((now - m_healStartMs + 500) / 1000)});
            }
            // A fault that failed late (refused on fresh status, exec failed) ends the action too.
            if (m_waiting == Waiting::Cluster || (m_waiting == Waiting::NodeStop && !ok)) {
                actionDone(ActionOutcome::of(
                    current(), ok ? ActionOutcome::Kind::Applied : ActionOutcome::Kind::Failed, summary));
            }
        });
        // Markers for every fault, from the moment the signal was delivered to the pod Ready again.
        connect(cluster, &ClusterDriver::faultStarted, this,
            [this](int ordinal, const QString &pod, ClusterDriver::Fault fault) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                m_faultStartMs.insert(ordinal, now);
                addMarker(EventMarker {
                    now, EventMarker::Kind::Failure, u"%1 down (%2)"_s.arg(pod, ClusterDriver::faultName(fault))});
                if (m_waiting == Waiting::NodeStop) {
                    actionDone(ActionOutcome::of(current(), ActionOutcome::Kind::Applied,
                        u"%1 down (%2)"_s.arg(pod, ClusterDriver::faultName(fault))));
                }
            });
        connect(
            cluster, &ClusterDriver::faultEnded, this, [this](int ordinal, const QString &pod, ClusterDriver::Fault) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                const qint64 since = m_faultStartMs.take(ordinal);
                addMarker(EventMarker {now, EventMarker::Kind::Recovery,
                    since > 0 ? u"%1 back after %2 s"_s.arg(pod).arg((now - since + 500) / 1000)
                              : u"%1 back"_s.arg(pod)});
            });
    }
    if (app) {
        // Only the answer to the request this action sent completes it: a manual command (readers,
        // writers, a refresh) answered meanwhile is someone else's.
        connect(app, &SampleAppControl::commandFinished, this,
            [this](quint64 requestId, SampleAppControl::Command command, bool ok, const QString &msg) {
                if (m_waiting != Waiting::App || requestId != m_appRequest) {
                    return;
                }
                actionDone(ActionOutcome::of(current(), ok ? ActionOutcome::Kind::Applied : ActionOutcome::Kind::Failed,
                    ok ? u"%1 accepted"_s.arg(SampleAppControl::commandName(command)) : msg));
            });
    }
}

void BeatExecutor::setCommands(SqlCommands *sql, ClusterCommands *cluster, LoadCommands *load)
{
    m_sqlCommands = sql;
    m_clusterCommands = cluster;
    m_loadCommands = load;
}

void BeatExecutor::stopFollowingSources()
{
    for (const QObject *source : {static_cast<const QObject *>(m_sql), static_cast<const QObject *>(m_cluster),
             static_cast<const QObject *>(m_app)}) {
        if (source) {
            disconnect(source, nullptr, this, nullptr);
        }
    }
}

bool BeatExecutor::isLocalStack() const
{
    return m_cluster && m_cluster->kind() == ClusterKind::None;
}

QString BeatExecutor::resolve(const QString &planPath) const
{
    return QDir(m_rootDir).absoluteFilePath(planPath);
}

bool BeatExecutor::run(const Beat &beat)
{
    if (isBusy()) {
        return false;
    }
    m_beat = beat;
    m_done.clear();
    addMarker(EventMarker {QDateTime::currentMSecsSinceEpoch(), EventMarker::Kind::Phase, beat.title});
    m_index = 0;
    // Asynchronous even for an empty beat, so callers see run() return before finished().
    QTimer::singleShot(0, this, &BeatExecutor::startAction);
    return true;
}

void BeatExecutor::startAction()
{
    if (m_index < 0) {
        return;
    }
    if (m_index >= m_beat.actions.size()) {
        m_index = -1;
        m_waiting = Waiting::Nothing;
        Q_EMIT finished(true, m_done.isEmpty() ? u"nothing to run"_s : m_done.join(u"; "_s));
        return;
    }
    const PlanAction &a = m_beat.actions[m_index];
    Q_EMIT progress(a.describe() + u"…"_s);
    if (a.changesCluster() && a.type != PlanAction::Type::RunSql && a.type != PlanAction::Type::Backup
        && isLocalStack()) {
        actionDone(
            ActionOutcome::of(a, ActionOutcome::Kind::Skipped, u"needs Kubernetes: the local stack has no cluster"_s));
        return;
    }
    QString whyNot;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    switch (a.type) {
    case PlanAction::Type::RunSql:
    case PlanAction::Type::Backup:
        if (!m_sqlCommands || !m_sql || m_sql->conninfo().isEmpty()) {
            fail(u"no SQL connection configured (--sql-url)"_s);
            return;
        }
        m_waiting = Waiting::Sql;
        if (!m_sqlCommands->runFile(resolve(a.file), &whyNot)) {
            fail(whyNot);
            return;
        }
        return;
    case PlanAction::Type::Scale:
        if (!m_clusterCommands || !m_cluster) {
            fail(u"no cluster driver configured"_s);
            return;
        }
        m_waiting = Waiting::Cluster;
        addMarker(EventMarker {now, EventMarker::Kind::Scale, u"scale to %1"_s.arg(a.nodes)});
        if (!m_clusterCommands->scaleTo(a.nodes, &whyNot)) {
            fail(whyNot);
        }
        return;
    case PlanAction::Type::StopNode:
    case PlanAction::Type::KeepDown:
    case PlanAction::Type::KillNode:
    case PlanAction::Type::PauseNode: {
        if (!m_clusterCommands || !m_cluster) {
            fail(u"no cluster driver configured"_s);
            return;
        }
        // Done when the signal reached the node (faultStarted), not when the pod is back.
        m_waiting = Waiting::NodeStop;
        bool accepted = false;
        if (a.type == PlanAction::Type::StopNode) {
            accepted = m_clusterCommands->stopNode(a.ordinal, &whyNot);
        } else if (a.type == PlanAction::Type::KeepDown) {
            accepted = m_clusterCommands->keepDown(a.ordinal, a.allowMajorityLoss, &whyNot);
        } else if (a.type == PlanAction::Type::KillNode) {
            accepted = m_clusterCommands->killNode(a.ordinal, a.allowMajorityLoss, &whyNot);
        } else {
            accepted = m_clusterCommands->pauseNode(a.ordinal, a.allowMajorityLoss, &whyNot);
        }
        if (!accepted) {
            fail(whyNot);
        }
        return;
    }
    case PlanAction::Type::StartNode:
    case PlanAction::Type::ResumeNode:
    case PlanAction::Type::HealAll: {
        if (!m_clusterCommands || !m_cluster) {
            fail(u"no cluster driver configured"_s);
            return;
        }
        // Done when the node (heal_all: every node) is Ready again: ClusterDriver::operationFinished.
        m_waiting = Waiting::Cluster;
        m_healStartMs = now;
        const bool accepted = a.type == PlanAction::Type::StartNode ? m_clusterCommands->startNode(a.ordinal, &whyNot)
            : a.type == PlanAction::Type::ResumeNode                ? m_clusterCommands->resumeNode(a.ordinal, &whyNot)
                                                                    : m_clusterCommands->healAll(&whyNot);
        if (!accepted) {
            fail(whyNot);
        }
        return;
    }
    case PlanAction::Type::LoadStart:
    case PlanAction::Type::LoadStop:
    case PlanAction::Type::Spike:
        if (!m_loadCommands || !m_app) {
            fail(u"no sample app configured"_s);
            return;
        }
        m_waiting = Waiting::App;
        if (a.type == PlanAction::Type::LoadStart) {
            m_appRequest = m_loadCommands->loadStart(a.rps, a.mix);
        } else if (a.type == PlanAction::Type::LoadStop) {
            m_appRequest = m_loadCommands->loadStop();
        } else {
            m_appRequest = m_loadCommands->spike(a.seconds, a.rps, a.mix);
        }
        return;
    }
}

void BeatExecutor::fail(const QString &why)
{
    actionDone(ActionOutcome::of(current(), ActionOutcome::Kind::Failed, why));
}

void BeatExecutor::actionDone(const ActionOutcome &outcome)
{
    if (m_index < 0) {
        return;
    }
    const PlanAction a = m_beat.actions[m_index];
    const int index = m_index;
    const bool failed = outcome.kind == ActionOutcome::Kind::Failed;
    m_waiting = Waiting::Nothing;
    // Every SQL file's outcome is a marker (applied, skipped, refused as expected, failed); other
    // actions mark themselves when applied (scale, faults, the feed's load events), so only their
    // skips and failures are marked here. What ran on the server is drawn as SQL; what changed
    // nothing (skipped, failed) in the neutral colour.
    const bool ran = outcome.ran();
    if (outcome.isSql() || !ran) {
        addMarker(EventMarker {QDateTime::currentMSecsSinceEpoch(),
            outcome.isSql() && ran ? EventMarker::Kind::Sql : EventMarker::Kind::Other, outcome.text()});
    }
    Q_EMIT actionOutcome(index, a, outcome);
    if (failed) {
        m_index = -1;
        Q_EMIT finished(false, outcome.text());
        return;
    }
    m_done.append(outcome.text());
    Q_EMIT actionCompleted(index, a, QDateTime::currentMSecsSinceEpoch());
    ++m_index;
    QTimer::singleShot(0, this, &BeatExecutor::startAction);
}

void BeatExecutor::addMarker(const EventMarker &marker)
{
    m_store->addMarker(marker);
    Q_EMIT markerAdded(marker);
}

} // namespace presenter
