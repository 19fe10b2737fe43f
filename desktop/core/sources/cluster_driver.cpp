#include "cluster_driver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const QString kPodSelector = u"app.kubernetes.io/name=cockroachdb"_s;

std::optional<QJsonObject> jsonObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error) {
            *error = u"kubectl printed no JSON object (%1)"_s.arg(parseError.errorString());
        }
        return std::nullopt;
    }
    return doc.object();
}

// "crdb-12" → 12; -1 when the name has no ordinal suffix.
int ordinalOf(const QString &podName)
{
    const qsizetype dash = podName.lastIndexOf(u'-');
    bool ok = false;
    const int n = podName.mid(dash + 1).toInt(&ok);
    return (dash >= 0 && ok) ? n : -1;
}

} // namespace

ClusterDriver::ClusterDriver(QObject *parent) : DataSource(u"cluster (kubectl)"_s, parent)
{
    qRegisterMetaType<ClusterDriver::ClusterStatus>();
    m_statusTimer.setInterval(5000);
    connect(&m_statusTimer, &QTimer::timeout, this, &ClusterDriver::refreshStatus);
    m_settleTimer.setSingleShot(true);
    connect(&m_settleTimer, &QTimer::timeout, this, &ClusterDriver::settleStep);
}

ClusterDriver::~ClusterDriver() = default;

void ClusterDriver::setKind(Kind kind)
{
    m_kind = kind;
}

void ClusterDriver::setKubectl(const QString &program, const QStringList &globalArgs)
{
    m_program = program;
    m_globalArgs = globalArgs;
}

void ClusterDriver::setStatusIntervalMs(int ms)
{
    m_statusTimer.setInterval(ms);
}

QString ClusterDriver::podName(int ordinal) const
{
    return u"%1-%2"_s.arg(m_name).arg(ordinal);
}

void ClusterDriver::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    if (m_kind == Kind::None) {
        return; // nothing to watch
    }
    m_statusTimer.start();
    refreshStatus();
}

void ClusterDriver::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    m_statusTimer.stop();
}

QStringList ClusterDriver::withGlobals(const QStringList &args) const
{
    QStringList all = m_globalArgs;
    if (!m_namespace.isEmpty()) {
        all << u"--namespace"_s << m_namespace;
    }
    all << args;
    return all;
}

QStringList ClusterDriver::scaleArguments(int nodes) const
{
    if (m_kind == Kind::Operator) {
        return {u"patch"_s, u"crdbcluster"_s, m_name, u"--type=merge"_s, u"-p"_s,
            u"{\"spec\":{\"nodes\":%1}}"_s.arg(nodes)};
    }
    return {u"scale"_s, u"statefulset"_s, m_name, u"--replicas=%1"_s.arg(nodes)};
}

QString ClusterDriver::containerName(Kind kind)
{
    // k8s/crdb-cluster.yaml names it cockroachdb; the operator names it db
    // (cockroachdb/cockroach-operator pkg/resource/statefulset.go, DbContainerName).
    return kind == Kind::Operator ? u"db"_s : u"cockroachdb"_s;
}

QStringList ClusterDriver::execInCockroachArguments(int ordinal, const QString &shellCommand) const
{
    // The image has no kill binary (cockroachdb/cockroach build/deploy/Dockerfile: ubi-minimal
    // plus tzdata hostname tar), so the shell's builtin does the work. bash is there: the image's
    // entrypoint build/deploy/cockroach.sh is #!/bin/bash, and the operator starts the container
    // with /bin/bash -ecx (pkg/resource/statefulset.go, commandArgs).
    return {u"exec"_s, podName(ordinal), u"-c"_s, containerName(), u"--"_s, u"bash"_s, u"-c"_s, shellCommand};
}

QStringList ClusterDriver::stopNodeArguments(int ordinal) const
{
    // SIGTERM to PID 1 (cockroach) stops the container gracefully; the kubelet restarts it. This
    // is a node failure the cluster must survive, not a deletion.
    return execInCockroachArguments(ordinal, u"kill -TERM 1"_s);
}

QStringList ClusterDriver::shellProbeArguments(int ordinal) const
{
    // Signal 0 only checks that PID 1 exists and may be signalled: nothing is delivered.
    return execInCockroachArguments(ordinal, u"kill -0 1"_s);
}

QStringList ClusterDriver::workloadStatusArguments() const
{
    return {u"get"_s, m_kind == Kind::Operator ? u"crdbcluster"_s : u"statefulset"_s, m_name, u"-o"_s, u"json"_s};
}

QStringList ClusterDriver::podsStatusArguments() const
{
    return {u"get"_s, u"pods"_s, u"-l"_s, kPodSelector, u"-o"_s, u"json"_s};
}

std::optional<int> ClusterDriver::parseDesiredNodes(Kind kind, const QByteArray &json, QString *error)
{
    const auto o = jsonObject(json, error);
    if (!o) {
        return std::nullopt;
    }
    const QString field = kind == Kind::Operator ? u"nodes"_s : u"replicas"_s;
    const QJsonValue v = o->value("spec"_L1).toObject().value(field);
    if (!v.isDouble()) {
        if (error) {
            *error = u"%1 %2 has no spec.%3"_s.arg(
                o->value("kind"_L1).toString(), o->value("metadata"_L1).toObject().value("name"_L1).toString(), field);
        }
        return std::nullopt;
    }
    return v.toInt();
}

std::optional<QList<ClusterDriver::PodStatus>> ClusterDriver::parsePods(
    const QByteArray &json, QString *error, const QString &containerName)
{
    const auto o = jsonObject(json, error);
    if (!o) {
        return std::nullopt;
    }
    if (!o->value("items"_L1).isArray()) {
        if (error) {
            *error = u"pod list without items"_s;
        }
        return std::nullopt;
    }
    QList<PodStatus> pods;
    const QJsonArray items = o->value("items"_L1).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject pod = item.toObject();
        const QJsonObject metadata = pod.value("metadata"_L1).toObject();
        const QJsonObject status = pod.value("status"_L1).toObject();
        PodStatus p;
        p.name = metadata.value("name"_L1).toString();
        p.phase = status.value("phase"_L1).toString();
        const QJsonArray conditions = status.value("conditions"_L1).toArray();
        for (const QJsonValue &c : conditions) {
            const QJsonObject condition = c.toObject();
            if (condition.value("type"_L1).toString() == "Ready"_L1) {
                p.ready = condition.value("status"_L1).toString() == "True"_L1;
            }
        }
        const QJsonArray containers = status.value("containerStatuses"_L1).toArray();
        for (const QJsonValue &c : containers) {
            const QJsonObject container = c.toObject();
            if (container.value("name"_L1).toString() == containerName || containers.size() == 1) {
                p.restarts = container.value("restartCount"_L1).toInt();
            }
        }
        if (metadata.contains("deletionTimestamp"_L1)) {
            p.phase = u"Terminating"_s;
            p.ready = false;
        }
        pods.append(p);
    }
    std::sort(pods.begin(), pods.end(), [](const PodStatus &a, const PodStatus &b) {
        const int oa = ordinalOf(a.name);
        const int ob = ordinalOf(b.name);
        return oa != ob ? oa < ob : a.name < b.name;
    });
    return pods;
}

void ClusterDriver::refreshStatus()
{
    refresh(nullptr);
}

void ClusterDriver::refresh(StatusCallback then)
{
    if (then) {
        m_statusWaiters.append(std::move(then));
    }
    if (m_refreshing) {
        return; // the answer in flight serves every waiter
    }
    m_refreshing = true;
    m_statusProcess.run(
        m_program, withGlobals(workloadStatusArguments()),
        [this](const CommandResult &r) {
            QString error = r.error;
            std::optional<int> desired;
            if (r.ok) {
                desired = parseDesiredNodes(m_kind, r.out, &error);
            }
            if (!desired) {
                finishRefresh(false, error);
                return;
            }
            m_pendingDesired = *desired;
            m_statusProcess.run(
                m_program, withGlobals(podsStatusArguments()),
                [this](const CommandResult &podsResult) {
                    QString podsError = podsResult.error;
                    std::optional<QList<PodStatus>> pods;
                    if (podsResult.ok) {
                        pods = parsePods(podsResult.out, &podsError, containerName());
                    }
                    if (!pods) {
                        finishRefresh(false, podsError);
                        return;
                    }
                    ClusterStatus s;
                    s.valid = true;
                    s.desiredNodes = m_pendingDesired;
                    s.pods = *pods;
                    s.readyNodes = int(
                        std::count_if(s.pods.cbegin(), s.pods.cend(), [](const PodStatus &p) { return p.ready; }));
                    m_status = s;
                    Q_EMIT statusChanged(m_status);
                    finishRefresh(true, {});
                },
                m_commandTimeoutMs, m_env);
        },
        m_commandTimeoutMs, m_env);
}

void ClusterDriver::finishRefresh(bool ok, const QString &error)
{
    m_refreshing = false;
    if (ok) {
        reportRecovered();
    } else {
        reportFailure(u"cluster status: %1"_s.arg(error));
    }
    const QList<StatusCallback> waiters = std::exchange(m_statusWaiters, {});
    for (const StatusCallback &w : waiters) {
        w(ok, error);
    }
}

bool ClusterDriver::refuse(const QString &reason, QString *whyNot)
{
    if (whyNot) {
        *whyNot = reason;
    }
    Q_EMIT failed(reason); // a refused click, not an outage: health unchanged
    return false;
}

void ClusterDriver::beginOperation(const QString &text)
{
    m_busy = true;
    m_waiting = Waiting::Nothing;
    m_sawNotReady = false;
    m_operationClock.start();
    Q_EMIT busyChanged(true);
    Q_EMIT operationProgress(text);
}

void ClusterDriver::finishOperation(bool ok, const QString &summary)
{
    m_settleTimer.stop();
    m_waiting = Waiting::Nothing;
    m_busy = false;
    Q_EMIT busyChanged(false);
    if (!ok) {
        reportFailure(summary);
    }
    Q_EMIT operationFinished(ok, summary);
}

bool ClusterDriver::scaleTo(int nodes, QString *whyNot)
{
    if (m_kind == Kind::None) {
        return refuse(u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s, whyNot);
    }
    if (m_busy) {
        return refuse(u"cluster operation already running; wait for it to finish"_s, whyNot);
    }
    if (nodes < 1) {
        return refuse(u"cannot scale to %1 nodes"_s.arg(nodes), whyNot);
    }
    if (nodes < m_minimumNodes) {
        return refuse(u"refusing to scale to %1 node(s): below the replication factor %2 (ranges would lose replicas)"_s
                          .arg(nodes)
                          .arg(m_minimumNodes),
            whyNot);
    }
    if (m_kind == Kind::Operator && nodes < kOperatorMinimumNodes) {
        return refuse(
            u"refusing to scale the CrdbCluster to %1 node(s): the operator needs spec.nodes >= %2"_s.arg(nodes).arg(
                kOperatorMinimumNodes),
            whyNot);
    }
    const QStringList args = scaleArguments(nodes);
    beginOperation(u"scaling %1 to %2 node(s): %3"_s.arg(m_name).arg(nodes).arg(
        KubectlProcess::describe(m_program, withGlobals(args))));
    m_operationProcess.run(
        m_program, withGlobals(args),
        [this, nodes](const CommandResult &r) {
            if (!r.ok) {
                finishOperation(false, r.error);
                return;
            }
            Q_EMIT operationProgress(QString::fromUtf8(r.out).trimmed());
            m_waiting = Waiting::Scale;
            m_targetNodes = nodes;
            settleStep();
        },
        m_commandTimeoutMs, m_env);
    return true;
}

bool ClusterDriver::stopNode(int ordinal, QString *whyNot)
{
    if (m_kind == Kind::None) {
        return refuse(u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s, whyNot);
    }
    if (m_busy) {
        return refuse(u"cluster operation already running; wait for it to finish"_s, whyNot);
    }
    if (m_minimumNodes < kStopNodeMinimumReplicationFactor) {
        return refuse(
            u"refusing to stop a node with replication factor %1: ranges would become unavailable (needs RF >= %2)"_s
                .arg(m_minimumNodes)
                .arg(kStopNodeMinimumReplicationFactor),
            whyNot);
    }
    if (ordinal < 0) {
        return refuse(u"no node %1"_s.arg(ordinal), whyNot);
    }
    const QString pod = podName(ordinal);
    // Refuse at once on the last known status; the fresh check below catches what changed since.
    if (m_status.valid) {
        if (const QString why = stopNodeObstacle(ordinal); !why.isEmpty()) {
            return refuse(why, whyNot);
        }
    }
    beginOperation(u"stopping node %1: checking that every node is ready first"_s.arg(pod));
    // Decide on a fresh status: the last one may be seconds old.
    refresh([this, ordinal, pod](bool ok, const QString &error) {
        if (!ok) {
            finishOperation(false, u"not stopping %1: %2"_s.arg(pod, error));
            return;
        }
        if (const QString why = stopNodeObstacle(ordinal); !why.isEmpty()) {
            finishOperation(false, why);
            return;
        }
        const auto it = std::find_if(
            m_status.pods.cbegin(), m_status.pods.cend(), [&pod](const PodStatus &p) { return p.name == pod; });
        m_targetPod = pod;
        m_restartsBefore = it->restarts;
        const QStringList args = withGlobals(stopNodeArguments(ordinal));
        Q_EMIT operationProgress(u"sending SIGTERM to %1: %2"_s.arg(pod, KubectlProcess::describe(m_program, args)));
        m_operationProcess.run(
            m_program, args,
            [this, ordinal, pod](const CommandResult &r) {
                if (!r.ok) {
                    finishOperation(false, r.error);
                    return;
                }
                Q_EMIT nodeStopped(ordinal, pod);
                Q_EMIT operationProgress(u"%1 stopped; waiting for the kubelet to restart it"_s.arg(pod));
                m_waiting = Waiting::Restart;
                m_settleTimer.start(m_pollIntervalMs);
            },
            m_commandTimeoutMs, m_env);
    });
    return true;
}

QString ClusterDriver::stopNodeObstacle(int ordinal) const
{
    const QString pod = podName(ordinal);
    const bool listed = std::any_of(
        m_status.pods.cbegin(), m_status.pods.cend(), [&pod](const PodStatus &p) { return p.name == pod; });
    if (!listed || ordinal >= m_status.desiredNodes) {
        return u"not stopping %1: no such node (the cluster has %2)"_s.arg(pod).arg(m_status.desiredNodes);
    }
    if (m_status.readyNodes < m_status.desiredNodes) {
        return u"not stopping %1: only %2 of %3 nodes are ready; a second failure would make ranges unavailable"_s
            .arg(pod)
            .arg(m_status.readyNodes)
            .arg(m_status.desiredNodes);
    }
    return {};
}

QString ClusterDriver::readinessText() const
{
    QStringList waiting;
    for (const PodStatus &p : m_status.pods) {
        if (!p.ready) {
            waiting << u"%1: %2"_s.arg(p.name, p.phase.isEmpty() ? u"unknown"_s : p.phase);
        }
    }
    QString text = u"%1 of %2 node(s) ready"_s.arg(m_status.readyNodes).arg(m_status.desiredNodes);
    if (!waiting.isEmpty()) {
        text += u" (not ready: %1)"_s.arg(waiting.join(u", "_s));
    }
    return text;
}

// One round of "are we there yet" after kubectl accepted the change: refresh, judge, report,
// and either finish or come back after pollIntervalMs.
void ClusterDriver::settleStep()
{
    if (m_waiting == Waiting::Nothing) {
        return;
    }
    refresh([this](bool ok, const QString &error) {
        if (m_waiting == Waiting::Nothing) {
            return;
        }
        const qint64 elapsed = m_operationClock.elapsed();
        const QString seconds = QString::number(double(elapsed) / 1000.0, 'f', 1);
        bool done = false;
        QString text;
        if (!ok) {
            text = u"status unavailable (%1); still waiting"_s.arg(error);
        } else if (m_waiting == Waiting::Scale) {
            int running = 0;
            for (const PodStatus &p : std::as_const(m_status.pods)) {
                running += p.phase != "Terminating"_L1 ? 1 : 0;
            }
            done = m_status.desiredNodes == m_targetNodes && m_status.readyNodes == m_targetNodes
                && running == m_targetNodes;
            text = readinessText();
            if (done) {
                finishOperation(true,
                    u"scaled %1 to %2 node(s): all ready after %3 s"_s.arg(m_name).arg(m_targetNodes).arg(seconds));
                return;
            }
        } else {
            const auto it = std::find_if(m_status.pods.cbegin(), m_status.pods.cend(),
                [this](const PodStatus &p) { return p.name == m_targetPod; });
            if (it != m_status.pods.cend()) {
                if (!it->ready) {
                    m_sawNotReady = true;
                }
                done = it->ready && (it->restarts > m_restartsBefore || m_sawNotReady);
                text = u"%1: %2, %3, restarts %4"_s.arg(m_targetPod, it->phase, it->ready ? u"ready"_s : u"not ready"_s)
                           .arg(it->restarts);
            } else {
                text = u"%1: not listed"_s.arg(m_targetPod);
            }
            if (done) {
                finishOperation(
                    true, u"%1 was stopped and is back (restarted, ready) after %2 s"_s.arg(m_targetPod, seconds));
                return;
            }
        }
        Q_EMIT operationProgress(text);
        if (elapsed >= m_settleTimeoutMs) {
            finishOperation(false, u"not settled after %1 s: %2"_s.arg(m_settleTimeoutMs / 1000.0).arg(text));
            return;
        }
        m_settleTimer.start(m_pollIntervalMs);
    });
}
