#pragma once

#include "cluster/cluster_types.h"
#include "cluster/fault_tracker.h"
#include "cluster/kubectl_setup.h"
#include "cluster/operation_runner.h"
#include "cluster/safety_rules.h"
#include "cluster/status_poller.h"
#include "commands.h"
#include "config/cluster_kind.h"
#include "data_source.h"

#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace presenter {

// Drives the CockroachDB cluster through kubectl, run as an asynchronous QProcess with argument
// lists (never a shell string, never waitForFinished). Two kinds of cluster:
//  - StatefulSet: `kubectl scale statefulset crdb --replicas=N` (the 1 → 2 → 3 story);
//  - Operator:    `kubectl patch crdbcluster crdb --type=merge -p {"spec":{"nodes":N}}` (N ≥ 3, the
//                 CRD's minimum; the operator decommissions on the way down).
// Status comes from `kubectl get statefulset|crdbcluster NAME -o json` and
// `kubectl get pods -l app.kubernetes.io/name=cockroachdb -o json`.
//
// One operation (scale, stop a node) at a time. Refusals are synchronous (false + *whyNot, plus
// failed() for the banner without marking the source down). An accepted operation reports
// operationProgress() and ends with exactly one operationFinished():
//  - scaleTo(N): refuses N below the configured replication factor (setMinimumNodes) and, for the
//    operator, N < 3; after kubectl accepted the change, polls the status every pollIntervalMs
//    and reports "k of N ready" until ready == desired == N, or fails at settleTimeoutMs.
//  - stopNode(i): SIGTERM to cockroach in crdb-i (container cockroachdb; db for the operator; the
//    shell's builtin kill, the image has none; never kubectl delete): it drains and exits, and the
//    kubelet restarts the container. On the StatefulSet (k8s/crdb-cluster.yaml, shared process
//    namespace) the signal goes to the PID in /cockroach/faults/cockroach.pid, never to PID 1 (the
//    pod's pause process); on the operator cockroach is PID 1 and handles SIGTERM. Refused unless
//    the replication factor is at least 3 and every node is ready (losing a node with RF < 3 makes
//    ranges unavailable): synchronously on the last known status, then again on a fresh status
//    before the signal (that late refusal comes as operationFinished(false, ...)). nodeStopped()
//    marks the moment the signal was delivered; the operation then stays busy until the pod
//    restarted and is ready again (operationFinished(true, ...)) or settleTimeoutMs passed.
//  - the faults below (keepDown ... healAll): see their comment and desktop/docs/faults.md.
// The parts (sources/cluster/): KubectlCommands builds every kubectl argument list per kind,
// safety_rules decides what is refused, the fault table says what each fault is, StatusPoller reads
// the status, OperationRunner runs the one operation and waits for it to settle, FaultTracker knows
// the active faults and when each ends. This class owns them and keeps the public API.
// Health: failed() when kubectl cannot run or the API answers with an error (status refresh or
// operation); recovered() on the next successful status refresh.
// start() refreshes the status now and every statusIntervalMs; stop() ends that polling.
//
// Threading: GUI thread only; every signal is emitted there.
class ClusterDriver : public DataSource, public ClusterCommands
{
    Q_OBJECT
public:
    // None: no Kubernetes (the local stack). The driver then never runs kubectl, reports no
    // outage, and refuses scale / stop-node with that reason.
    using Kind = ClusterKind;
    using PodStatus = kube::PodStatus;
    using ClusterStatus = kube::ClusterStatus;

    explicit ClusterDriver(QObject *parent = nullptr);
    ~ClusterDriver() override;

    void setKind(Kind kind);
    Kind kind() const { return m_setup.kind(); }
    // program: "kubectl" or a path; globalArgs go first on every call (e.g. --context X,
    // --server=URL, --kubeconfig F).
    void setKubectl(const QString &program, const QStringList &globalArgs = {});
    void setProcessEnvironment(const QProcessEnvironment &env) { m_setup.env = env; }
    void setNamespace(const QString &ns) { m_setup.kubeNamespace = ns; }
    QString kubeNamespace() const { return m_setup.kubeNamespace; }
    // The StatefulSet or CrdbCluster (default "crdb"); its pods are <name>-<ordinal>. (Not
    // DataSource::name(), the source's display name.)
    void setWorkloadName(const QString &name) { m_setup.setWorkload(name); }
    QString workloadName() const { return m_setup.workload(); }
    void setMinimumNodes(int replicationFactor) { m_minimumNodes = replicationFactor; }
    int minimumNodes() const { return m_minimumNodes; }

    void setStatusIntervalMs(int ms);
    void setPollIntervalMs(int ms) { m_setup.pollIntervalMs = ms; }
    void setSettleTimeoutMs(int ms) { m_setup.settleTimeoutMs = ms; }
    void setCommandTimeoutMs(int ms) { m_setup.commandTimeoutMs = ms; }
    // Each status read's kubectl call is killed after this (or the command timeout, if shorter): an
    // API server that hangs (stopped, a dead port-forward) shows as down within one status interval
    // plus this, not after the 30 s a fault or scale command may take.
    static constexpr int kStatusTimeoutMs = 10000;
    void setStatusTimeoutMs(int ms) { m_setup.statusTimeoutMs = ms; }

    bool scaleTo(int nodes, QString *whyNot = nullptr) override;
    bool stopNode(int ordinal, QString *whyNot = nullptr) override;
    // keepDown / killNode / pauseNode and startNode / resumeNode (ClusterCommands) come here.
    bool injectFault(kube::Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr) override;
    bool releaseNode(kube::Fault expected, int ordinal, QString *whyNot = nullptr) override;

    // Faults the presenter controls (contract, implemented in cluster_driver.cpp and
    // documented in desktop/docs/faults.md). Each is one operation (busy until it settled) and
    // is refused synchronously (false + *whyNot) when unsafe or impossible for this cluster kind.
    // A fault that would leave a second node down (a majority of RF=3 lost: ranges unavailable) is
    // refused unless allowMajorityLoss is true (an explicit, labelled beat with a typed
    // confirmation). faultStarted() marks the moment the node went down (signal delivered), and
    // faultEnded() the moment its pod is Ready again.
    // Stop, KeepDown, Kill, Pause: sources/cluster/fault_table.h says what each is.
    using Fault = kube::Fault;
    // Undoes every fault the presenter may have injected, in any state (also ones it does not know
    // about, e.g. after a restart of the presenter); safe to repeat. Done when every pod is Ready.
    bool healAll(QString *whyNot = nullptr) override;
    // Faults injected and not yet ended, by ordinal.
    QMap<int, Fault> activeFaults() const { return m_faults.active(); }
    // How each fault is done (desktop/docs/faults.md):
    //  - StatefulSet (shareProcessNamespace: true; the container command writes cockroach's PID to
    //    kPidFile and waits while kHoldFile exists): Stop = SIGTERM, KeepDown = create the hold file
    //    then SIGTERM, Kill = SIGKILL, Pause = SIGSTOP, all to the PID in kPidFile; startNode removes
    //    the hold file; resumeNode sends SIGCONT; healAll does both on every pod.
    //  - Operator (cockroach is PID 1, the operator owns the pod spec): Stop = SIGTERM to PID 1; Kill,
    //    KeepDown and Pause are refused with the reason (faultRefusal()).
    // keepDown / killNode / pauseNode finish (operationFinished) when the signal was delivered
    // (faultStarted); the driver then watches the pod and emits faultEnded() once it is Ready again
    // (after startNode / resumeNode / healAll for KeepDown / Pause). startNode / resumeNode finish
    // when that pod is Ready, healAll when every pod is Ready and no fault is active.
    static constexpr auto kFaultDir = kube::kFaultDir;
    static constexpr auto kPidFile = kube::kPidFile;
    static constexpr auto kHoldFile = kube::kHoldFile;
    // Why this cluster kind cannot do this fault (empty when it can).
    static QString faultRefusal(Kind kind, Fault fault, int ordinal);
    static QString faultName(Fault fault); // "stop", "keep down", "kill", "pause"
    void refreshStatus();

    // State entry points for a status, a fault event or an operation's end observed elsewhere (a
    // recording): they update the same state and emit the same signals as the live path.
    void applyStatus(const ClusterStatus &status);
    void applyFaultEvent(bool started, int ordinal, const QString &pod, Fault fault);
    void applyOperationFinished(bool ok, const QString &summary) { Q_EMIT operationFinished(ok, summary); }

    bool isBusy() const { return m_operations.isBusy(); }
    ClusterStatus status() const { return m_poller.status(); }
    QString podName(int ordinal) const;

    void start() override;
    void stop() override;

    // The exact kubectl arguments (after the global ones) of each call, for display and tests.
    QStringList scaleArguments(int nodes) const;
    QStringList stopNodeArguments(int ordinal) const;
    // The kubectl exec of each fault (StatefulSet only, except Stop).
    QStringList faultArguments(int ordinal, Fault fault) const;
    QStringList startNodeArguments(int ordinal) const;
    QStringList resumeNodeArguments(int ordinal) const;
    QStringList healArguments(int ordinal) const;
    // Signal 0 to the process the faults signal (StatefulSet: the PID in kPidFile, which must not be
    // 1; operator: PID 1): proves the shell, the PID file and the shared PID namespace, harmless.
    QStringList shellProbeArguments(int ordinal) const;
    // The CockroachDB container of a pod: "cockroachdb" (StatefulSet) or "db" (operator).
    static QString containerName(Kind kind);
    QString containerName() const { return m_setup.commands().containerName(); }
    QStringList workloadStatusArguments() const;
    QStringList podsStatusArguments() const;

    // Parse `kubectl get ... -o json` answers; nothing (and *error) when the JSON is not the
    // expected object.
    static std::optional<int> parseDesiredNodes(Kind kind, const QByteArray &json, QString *error);
    // `container`: whose restart count to read when a pod has several containers.
    static std::optional<QList<PodStatus>> parsePods(
        const QByteArray &json, QString *error, const QString &container = QStringLiteral("cockroachdb"));

    static constexpr int kOperatorMinimumNodes = kube::safety::kOperatorMinimumNodes;
    static constexpr int kStopNodeMinimumReplicationFactor = kube::safety::kStopNodeMinimumReplicationFactor;

Q_SIGNALS:
    void statusChanged(const ClusterStatus &status);
    void operationProgress(const QString &text);
    void operationFinished(bool ok, const QString &summary);
    void busyChanged(bool busy);
    // stopNode(): kubectl exec delivered SIGTERM to the pod's CockroachDB container just now.
    void nodeStopped(int ordinal, const QString &pod);
    // Any fault (stopNode included): the node went down just now / its pod is Ready again.
    void faultStarted(int ordinal, const QString &pod, ClusterDriver::Fault fault);
    void faultEnded(int ordinal, const QString &pod, ClusterDriver::Fault fault);

private:
    kube::safety::Situation situation() const;
    bool refuse(const QString &reason, QString *whyNot);
    void onStatusRead(const ClusterStatus &status);
    void onOperationFinished(bool ok, const QString &summary);
    void sendFault(int ordinal, Fault fault, bool allowMajorityLoss);
    void sendStop(int ordinal);

    KubectlSetup m_setup;
    int m_minimumNodes = 1;
    StatusPoller m_poller {m_setup};
    FaultTracker m_faults {m_setup};
    OperationRunner m_operations {m_setup, m_poller, m_faults};
};

} // namespace presenter
