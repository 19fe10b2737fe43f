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
    // While a fault is active, watch its pod at the operation's pace (not the slower status
    // interval), so faultEnded() comes within a poll of the pod being Ready again.
    m_faultWatchTimer.setSingleShot(true);
    connect(&m_faultWatchTimer, &QTimer::timeout, this, &ClusterDriver::refreshStatus);
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
    return u"%1-%2"_s.arg(m_workloadName).arg(ordinal);
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
        return {u"patch"_s, u"crdbcluster"_s, m_workloadName, u"--type=merge"_s, u"-p"_s,
            u"{\"spec\":{\"nodes\":%1}}"_s.arg(nodes)};
    }
    return {u"scale"_s, u"statefulset"_s, m_workloadName, u"--replicas=%1"_s.arg(nodes)};
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

// The shell line that sends `signal` to cockroach. StatefulSet: to the PID the container command
// wrote (k8s/crdb-cluster.yaml: `echo $BASHPID > /cockroach/faults/cockroach.pid` then `exec`, which
// keeps the PID). With shareProcessNamespace PID 1 is the pod's pause process (kubernetes.io docs
// "Share Process Namespace between Containers in a Pod": `kill -HUP 1` signals the sandbox), so
// `kill 1` would miss cockroach. Exit 2: no PID file (an older manifest); exit 3: cockroach is PID 1
// (no shared PID namespace: Linux then ignores SIGKILL / SIGSTOP from inside, pid_namespaces(7)).
// Operator: cockroach is PID 1 (cockroach-operator pkg/resource/statefulset.go commandArgs runs
// `exec /cockroach/cockroach.sh start`, which execs cockroach: cockroachdb/cockroach
// build/deploy/cockroach.sh _main), and it handles SIGTERM.
QString ClusterDriver::signalCommand(const QString &signal) const
{
    if (m_kind == Kind::Operator) {
        return u"kill -%1 1"_s.arg(signal);
    }
    return u"pid=$(cat %1) || exit 2; test \"$pid\" != 1 || exit 3; kill -%2 \"$pid\""_s.arg(
        QLatin1StringView(kPidFile), signal);
}

QStringList ClusterDriver::stopNodeArguments(int ordinal) const
{
    // SIGTERM: cockroach drains and exits; the kubelet restarts the container. This is a node
    // failure the cluster must survive, not a deletion.
    return execInCockroachArguments(ordinal, signalCommand(u"TERM"_s));
}

QStringList ClusterDriver::faultArguments(int ordinal, Fault fault) const
{
    switch (fault) {
    case Fault::Stop:
        return stopNodeArguments(ordinal);
    case Fault::KeepDown:
        // The hold file first, so the restarted container finds it and waits (not Ready).
        return execInCockroachArguments(
            ordinal, u"touch %1 || exit 4; "_s.arg(QLatin1StringView(kHoldFile)) + signalCommand(u"TERM"_s));
    case Fault::Kill:
        return execInCockroachArguments(ordinal, signalCommand(u"KILL"_s));
    case Fault::Pause:
        return execInCockroachArguments(ordinal, signalCommand(u"STOP"_s));
    }
    return {};
}

QStringList ClusterDriver::startNodeArguments(int ordinal) const
{
    // The waiting container is running, so exec works; it starts cockroach within a second.
    return execInCockroachArguments(ordinal, u"rm -f %1"_s.arg(QLatin1StringView(kHoldFile)));
}

QStringList ClusterDriver::resumeNodeArguments(int ordinal) const
{
    return execInCockroachArguments(ordinal, signalCommand(u"CONT"_s));
}

QStringList ClusterDriver::healArguments(int ordinal) const
{
    // Whatever the state: no hold file, and a stopped cockroach continues (SIGCONT to a running
    // process does nothing). Succeeds on a pod of an older manifest too (nothing to undo there).
    return execInCockroachArguments(ordinal,
        u"rm -f %1; pid=$(cat %2) && test \"$pid\" != 1 && kill -CONT \"$pid\"; exit 0"_s.arg(
            QLatin1StringView(kHoldFile), QLatin1StringView(kPidFile)));
}

QStringList ClusterDriver::shellProbeArguments(int ordinal) const
{
    // Signal 0 only checks that the process exists and may be signalled: nothing is delivered.
    return execInCockroachArguments(ordinal, signalCommand(u"0"_s));
}

QString ClusterDriver::faultRefusal(Kind kind, Fault fault, int ordinal)
{
    if (kind == Kind::None) {
        return u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s;
    }
    if (kind != Kind::Operator || fault == Fault::Stop) {
        return {};
    }
    const QString pod = u"crdb-%1"_s.arg(ordinal);
    switch (fault) {
    case Fault::KeepDown:
        return u"not keeping %1 down: on the operator's cluster the operator owns the pod spec and the container "
               u"command, so nothing can hold the restarted container (keep_down needs the StatefulSet of "
               u"k8s/crdb-cluster.yaml); stop_node works here"_s.arg(pod);
    case Fault::Pause:
        return u"not pausing %1: on the operator's pods cockroach is PID 1 of its PID namespace, and Linux ignores "
               u"SIGSTOP sent to it from kubectl exec (pid_namespaces(7)); the operator owns the pod spec, so it "
               u"cannot share the process namespace"_s.arg(pod);
    case Fault::Kill:
        return u"not killing %1: on the operator's pods cockroach is PID 1 and Linux ignores SIGKILL sent to it from "
               u"kubectl exec (pid_namespaces(7)); the other way, kubectl delete pod --force, is no crash (the "
               u"kubelet still sends SIGTERM first) and may run two pods with the same identity (Kubernetes docs, "
               u"\"Force Delete StatefulSet Pods\"); stop_node works here"_s.arg(pod);
    case Fault::Stop:
        break;
    }
    return {};
}

QStringList ClusterDriver::workloadStatusArguments() const
{
    return {
        u"get"_s, m_kind == Kind::Operator ? u"crdbcluster"_s : u"statefulset"_s, m_workloadName, u"-o"_s, u"json"_s};
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
    const int statusTimeout = std::min(m_statusTimeoutMs, m_commandTimeoutMs);
    m_statusProcess.run(
        m_program, withGlobals(workloadStatusArguments()),
        [this, statusTimeout](const CommandResult &r) {
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
                    judgeFaults();
                    finishRefresh(true, {});
                },
                statusTimeout, m_env);
        },
        statusTimeout, m_env);
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

void ClusterDriver::applyStatus(const ClusterStatus &status)
{
    m_status = status;
    Q_EMIT statusChanged(m_status);
}

void ClusterDriver::applyFaultEvent(bool started, int ordinal, const QString &pod, Fault fault)
{
    if (started) {
        m_activeFaults.insert(ordinal, fault);
        Q_EMIT faultStarted(ordinal, pod, fault);
    } else {
        m_activeFaults.remove(ordinal);
        Q_EMIT faultEnded(ordinal, pod, fault);
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
    beginOperation(u"scaling %1 to %2 node(s): %3"_s.arg(m_workloadName)
                       .arg(nodes)
                       .arg(KubectlProcess::describe(m_program, withGlobals(args))));
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
        if (m_activeFaults.contains(ordinal)) {
            finishOperation(false,
                u"not stopping %1: it has an active fault (%2); heal it first"_s.arg(
                    pod, faultName(m_activeFaults.value(ordinal))));
            return;
        }
        m_operationProcess.run(
            m_program, args,
            [this, ordinal, pod](const CommandResult &r) {
                if (!r.ok) {
                    finishOperation(false, explainExecFailure(pod, r));
                    return;
                }
                startFaultTracking(ordinal, Fault::Stop);
                Q_EMIT nodeStopped(ordinal, pod);
                Q_EMIT faultStarted(ordinal, pod, Fault::Stop);
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
                    u"scaled %1 to %2 node(s): all ready after %3 s"_s.arg(m_workloadName)
                        .arg(m_targetNodes)
                        .arg(seconds));
                return;
            }
        } else if (m_waiting == Waiting::Ready) {
            const auto it = std::find_if(m_status.pods.cbegin(), m_status.pods.cend(),
                [this](const PodStatus &p) { return p.name == m_targetPod; });
            const bool ready = it != m_status.pods.cend() && it->ready;
            done = ready && !m_activeFaults.contains(m_targetOrdinal);
            text = it == m_status.pods.cend()
                ? u"%1: not listed"_s.arg(m_targetPod)
                : u"%1: %2, %3"_s.arg(m_targetPod, it->phase, ready ? u"ready"_s : u"not ready"_s);
            if (done) {
                finishOperation(true, u"%1 is back: ready after %2 s"_s.arg(m_targetPod, seconds));
                return;
            }
        } else if (m_waiting == Waiting::AllReady) {
            done = m_status.readyNodes == m_status.desiredNodes && m_status.pods.size() == m_status.desiredNodes
                && m_activeFaults.isEmpty();
            text = readinessText();
            if (done) {
                finishOperation(true, u"healed: every node ready after %1 s"_s.arg(seconds));
                return;
            }
            if (m_kind == Kind::StatefulSet && elapsed < m_settleTimeoutMs) {
                // A container that was restarting during the last round runs now: heal it too.
                QList<int> notReady;
                for (const PodStatus &p : std::as_const(m_status.pods)) {
                    if (!p.ready && ordinalOf(p.name) >= 0) {
                        notReady << ordinalOf(p.name);
                    }
                }
                Q_EMIT operationProgress(text);
                healRound(notReady);
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

QString ClusterDriver::faultName(Fault fault)
{
    switch (fault) {
    case Fault::Stop:
        return u"stop"_s;
    case Fault::KeepDown:
        return u"keep down"_s;
    case Fault::Kill:
        return u"kill"_s;
    case Fault::Pause:
        return u"pause"_s;
    }
    return {};
}

namespace {

QString faultVerb(ClusterDriver::Fault fault, const QString &pod)
{
    switch (fault) {
    case ClusterDriver::Fault::Stop:
        return u"stopping "_s + pod;
    case ClusterDriver::Fault::KeepDown:
        return u"keeping %1 down"_s.arg(pod);
    case ClusterDriver::Fault::Kill:
        return u"killing "_s + pod;
    case ClusterDriver::Fault::Pause:
        return u"pausing "_s + pod;
    }
    return pod;
}

QString faultSignal(ClusterDriver::Fault fault)
{
    switch (fault) {
    case ClusterDriver::Fault::Stop:
    case ClusterDriver::Fault::KeepDown:
        return u"SIGTERM"_s;
    case ClusterDriver::Fault::Kill:
        return u"SIGKILL"_s;
    case ClusterDriver::Fault::Pause:
        return u"SIGSTOP"_s;
    }
    return {};
}

} // namespace

QString ClusterDriver::explainExecFailure(const QString &pod, const CommandResult &r) const
{
    if (m_kind != Kind::StatefulSet) {
        return r.error;
    }
    // The exit codes of signalCommand() (kubectl exec exits with the remote command's code).
    switch (r.exitCode) {
    case 2:
        return u"%1 has no %2: it runs a CockroachDB pod spec from before the faults; apply k8s/crdb-cluster.yaml "
               u"(demo/apply-cluster.sh) and let the pods restart one at a time (%3)"_s.arg(
                   pod, QLatin1StringView(kPidFile), r.error);
    case 3:
        return u"cockroach is PID 1 in %1 (no shared process namespace): Linux ignores SIGKILL and SIGSTOP sent to it "
               u"from kubectl exec; apply k8s/crdb-cluster.yaml, which sets shareProcessNamespace (%2)"_s.arg(
                   pod, r.error);
    case 4:
        return u"cannot create %1 in %2 (%3)"_s.arg(QLatin1StringView(kHoldFile), pod, r.error);
    default:
        return r.error;
    }
}

QString ClusterDriver::faultObstacle(int ordinal, Fault fault, bool allowMajorityLoss) const
{
    const QString pod = podName(ordinal);
    const QString what = faultVerb(fault, pod);
    const auto it = std::find_if(
        m_status.pods.cbegin(), m_status.pods.cend(), [&pod](const PodStatus &p) { return p.name == pod; });
    if (it == m_status.pods.cend() || ordinal >= m_status.desiredNodes) {
        return u"not %1: no such node (the cluster has %2)"_s.arg(what).arg(m_status.desiredNodes);
    }
    if (!it->ready) {
        return u"not %1: it is not ready (already down)"_s.arg(what);
    }
    // Nodes already down: pods not ready, and pods the StatefulSet wants but that do not exist.
    QStringList down;
    for (const PodStatus &p : m_status.pods) {
        if (p.name != pod && !p.ready && ordinalOf(p.name) < m_status.desiredNodes) {
            down << p.name;
        }
    }
    const int missing = m_status.desiredNodes - int(m_status.pods.size());
    for (int i = 0; i < missing; ++i) {
        down << u"a missing pod"_s;
    }
    // At RF = 3 a range keeps its majority with one replica down, not two (the plan's rule:
    // demo_plan.cpp checkClusterSteps).
    const int tolerated = (m_minimumNodes - 1) / 2;
    if (down.size() + 1 > tolerated && !allowMajorityLoss) {
        return u"not %1: %2 already down; a second node down at replication factor %3 loses the majority of ranges: "
               u"they become unavailable and the app fails (only an explicit beat with allow_majority_loss and a "
               u"typed confirmation may do that)"_s
                   .arg(what, down.join(u", "_s) + (down.size() == 1 ? u" is"_s : u" are"_s))
                   .arg(m_minimumNodes);
    }
    return {};
}

bool ClusterDriver::keepDown(int ordinal, bool allowMajorityLoss, QString *whyNot)
{
    return injectFault(ordinal, Fault::KeepDown, allowMajorityLoss, whyNot);
}

bool ClusterDriver::killNode(int ordinal, bool allowMajorityLoss, QString *whyNot)
{
    return injectFault(ordinal, Fault::Kill, allowMajorityLoss, whyNot);
}

bool ClusterDriver::pauseNode(int ordinal, bool allowMajorityLoss, QString *whyNot)
{
    return injectFault(ordinal, Fault::Pause, allowMajorityLoss, whyNot);
}

bool ClusterDriver::injectFault(int ordinal, Fault fault, bool allowMajorityLoss, QString *whyNot)
{
    const QString pod = podName(ordinal);
    if (const QString why = faultRefusal(m_kind, fault, ordinal); !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    if (m_busy) {
        return refuse(u"cluster operation already running; wait for it to finish"_s, whyNot);
    }
    if (m_minimumNodes < kStopNodeMinimumReplicationFactor) {
        return refuse(u"not %1 with replication factor %2: ranges would become unavailable (needs RF >= %3)"_s
                          .arg(faultVerb(fault, pod))
                          .arg(m_minimumNodes)
                          .arg(kStopNodeMinimumReplicationFactor),
            whyNot);
    }
    if (ordinal < 0) {
        return refuse(u"no node %1"_s.arg(ordinal), whyNot);
    }
    if (m_activeFaults.contains(ordinal)) {
        return refuse(u"not %1: it already has an active fault (%2)"_s.arg(
                          faultVerb(fault, pod), faultName(m_activeFaults.value(ordinal))),
            whyNot);
    }
    if (m_status.valid) {
        if (const QString why = faultObstacle(ordinal, fault, allowMajorityLoss); !why.isEmpty()) {
            return refuse(why, whyNot);
        }
    }
    beginOperation(u"%1: checking the nodes first"_s.arg(faultVerb(fault, pod)));
    refresh([this, ordinal, fault, allowMajorityLoss, pod](bool ok, const QString &error) {
        if (!ok) {
            finishOperation(false, u"not %1: %2"_s.arg(faultVerb(fault, pod), error));
            return;
        }
        if (const QString why = faultObstacle(ordinal, fault, allowMajorityLoss); !why.isEmpty()) {
            finishOperation(false, why);
            return;
        }
        const QStringList args = withGlobals(faultArguments(ordinal, fault));
        Q_EMIT operationProgress(u"sending %1 to %2%3: %4"_s.arg(faultSignal(fault), pod,
            allowMajorityLoss ? u" (MAJORITY LOSS allowed)"_s : QString(), KubectlProcess::describe(m_program, args)));
        m_operationProcess.run(
            m_program, args,
            [this, ordinal, fault, pod](const CommandResult &r) {
                if (!r.ok) {
                    finishOperation(false, explainExecFailure(pod, r));
                    return;
                }
                startFaultTracking(ordinal, fault);
                Q_EMIT faultStarted(ordinal, pod, fault);
                QString summary;
                switch (fault) {
                case Fault::KeepDown:
                    summary = u"%1 down (keep down): SIGTERM delivered; it stays down until started"_s.arg(pod);
                    break;
                case Fault::Kill:
                    summary = u"%1 down (kill): SIGKILL delivered; the kubelet restarts it"_s.arg(pod);
                    break;
                case Fault::Pause:
                    summary = u"%1 down (pause): SIGSTOP delivered; it hangs until resumed"_s.arg(pod);
                    break;
                case Fault::Stop:
                    summary = u"%1 down (stop)"_s.arg(pod);
                    break;
                }
                finishOperation(true, summary);
            },
            m_commandTimeoutMs, m_env);
    });
    return true;
}

bool ClusterDriver::startNode(int ordinal, QString *whyNot)
{
    return releaseNode(ordinal, Fault::KeepDown, whyNot);
}

bool ClusterDriver::resumeNode(int ordinal, QString *whyNot)
{
    return releaseNode(ordinal, Fault::Pause, whyNot);
}

bool ClusterDriver::releaseNode(int ordinal, Fault expected, QString *whyNot)
{
    const QString pod = podName(ordinal);
    const bool start = expected == Fault::KeepDown;
    if (const QString why = faultRefusal(m_kind, expected, ordinal); !why.isEmpty()) {
        return refuse(m_kind == Kind::None
                ? why
                : u"nothing to %1 on %2: %3 is not done on the operator's cluster"_s.arg(
                    start ? u"start"_s : u"resume"_s, pod, start ? u"keep_down"_s : u"pause_node"_s),
            whyNot);
    }
    if (m_busy) {
        return refuse(u"cluster operation already running; wait for it to finish"_s, whyNot);
    }
    if (ordinal < 0) {
        return refuse(u"no node %1"_s.arg(ordinal), whyNot);
    }
    // Not refused when the driver knows of no such fault: after a restart of the presenter the hold
    // file or the stopped process may still be there, and undoing what is not there is harmless.
    const QStringList args = withGlobals(start ? startNodeArguments(ordinal) : resumeNodeArguments(ordinal));
    beginOperation(
        u"%1 %2: %3"_s.arg(start ? u"starting"_s : u"resuming"_s, pod, KubectlProcess::describe(m_program, args)));
    m_operationProcess.run(
        m_program, args,
        [this, ordinal, expected, pod](const CommandResult &r) {
            if (!r.ok) {
                finishOperation(false, explainExecFailure(pod, r));
                return;
            }
            if (m_activeFaults.value(ordinal, Fault::Stop) == expected) {
                m_faultTracks[ordinal].released = true;
            }
            Q_EMIT operationProgress(u"%1: waiting until it is ready"_s.arg(pod));
            m_waiting = Waiting::Ready;
            m_targetOrdinal = ordinal;
            m_targetPod = pod;
            settleStep();
        },
        m_commandTimeoutMs, m_env);
    return true;
}

bool ClusterDriver::healAll(QString *whyNot)
{
    if (m_kind == Kind::None) {
        return refuse(u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s, whyNot);
    }
    if (m_busy) {
        return refuse(u"cluster operation already running; wait for it to finish"_s, whyNot);
    }
    beginOperation(m_kind == Kind::Operator
            ? u"healing: waiting until every node is ready (the operator's cluster has no hold file or paused node)"_s
            : u"healing: removing every hold file, continuing every paused node, waiting until every node is ready"_s);
    for (auto it = m_faultTracks.begin(); it != m_faultTracks.end(); ++it) {
        it->released = true;
    }
    m_waiting = Waiting::AllReady;
    if (m_kind == Kind::Operator) {
        settleStep();
        return true;
    }
    // Every pod, not only the faults this driver knows of: a presenter restarted mid-fault, or a
    // keep_down whose signal never went, leaves a hold file or a stopped process behind.
    refresh([this](bool ok, const QString &error) {
        if (m_waiting != Waiting::AllReady) {
            return;
        }
        QList<int> ordinals;
        for (int i = 0; i < m_status.desiredNodes; ++i) {
            ordinals << i;
        }
        for (const PodStatus &p : std::as_const(m_status.pods)) {
            if (const int n = ordinalOf(p.name); n >= 0 && !ordinals.contains(n)) {
                ordinals << n;
            }
        }
        if (!ok) {
            Q_EMIT operationProgress(u"status unavailable (%1); still healing"_s.arg(error));
        }
        healRound(ordinals);
    });
    return true;
}

// One heal exec per pod, one after the other; a pod whose container is not running (restarting)
// fails the exec and is tried again on the next round. Then one settle step.
void ClusterDriver::healRound(QList<int> ordinals)
{
    if (m_waiting != Waiting::AllReady) {
        return;
    }
    if (ordinals.isEmpty()) {
        m_settleTimer.start(m_pollIntervalMs);
        return;
    }
    const int ordinal = ordinals.takeFirst();
    const QString pod = podName(ordinal);
    m_operationProcess.run(
        m_program, withGlobals(healArguments(ordinal)),
        [this, ordinals, pod](const CommandResult &r) {
            Q_EMIT operationProgress(r.ok ? u"%1: no hold file, not stopped"_s.arg(pod)
                                          : u"%1: %2 (tried again while waiting)"_s.arg(pod, r.error));
            healRound(ordinals);
        },
        m_commandTimeoutMs, m_env);
}

void ClusterDriver::startFaultTracking(int ordinal, Fault fault)
{
    FaultTrack t;
    const QString pod = podName(ordinal);
    for (const PodStatus &p : std::as_const(m_status.pods)) {
        if (p.name == pod) {
            t.restartsBefore = p.restarts;
        }
    }
    t.since.start();
    m_faultTracks.insert(ordinal, t);
    m_activeFaults.insert(ordinal, fault);
    if (!m_faultWatchTimer.isActive()) {
        m_faultWatchTimer.start(m_pollIntervalMs);
    }
}

// A fault has ended when its pod is Ready again after it was seen down (not ready, or restarted):
// at once for Stop and Kill (the kubelet restarts the container), after startNode / resumeNode /
// healAll for KeepDown and Pause. A paused process may be resumed before its readiness probe failed
// (periodSeconds x failureThreshold), so Pause needs no sighting of the node down.
void ClusterDriver::judgeFaults()
{
    const QList<int> ordinals = m_faultTracks.keys();
    for (int ordinal : ordinals) {
        FaultTrack &t = m_faultTracks[ordinal];
        const Fault fault = m_activeFaults.value(ordinal);
        const QString pod = podName(ordinal);
        const auto it = std::find_if(
            m_status.pods.cbegin(), m_status.pods.cend(), [&pod](const PodStatus &p) { return p.name == pod; });
        if (it == m_status.pods.cend()) {
            t.sawDown = true;
            continue;
        }
        if (!it->ready || it->restarts > t.restartsBefore) {
            t.sawDown = true;
        }
        const bool needsRelease = fault == Fault::KeepDown || fault == Fault::Pause;
        const bool ended = it->ready && (!needsRelease || t.released) && (t.sawDown || fault == Fault::Pause);
        if (ended) {
            m_faultTracks.remove(ordinal);
            m_activeFaults.remove(ordinal);
            Q_EMIT faultEnded(ordinal, pod, fault);
        }
    }
    if (!m_faultTracks.isEmpty() && !m_faultWatchTimer.isActive()) {
        m_faultWatchTimer.start(m_pollIntervalMs);
    }
}
