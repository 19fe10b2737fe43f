#pragma once

#include "commands.h"
#include "config/cluster_kind.h"
#include "data_source.h"
#include "kubectl_process.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>

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
    struct PodStatus
    {
        QString name;
        QString phase; // Pending, Running, ..., or Terminating while being deleted
        bool ready = false;
        int restarts = 0;
    };
    struct ClusterStatus
    {
        int desiredNodes = 0;
        int readyNodes = 0;
        QList<PodStatus> pods; // sorted by ordinal
        bool valid = false; // false until a refresh succeeded
    };

    explicit ClusterDriver(QObject *parent = nullptr);
    ~ClusterDriver() override;

    void setKind(Kind kind);
    Kind kind() const { return m_kind; }
    // program: "kubectl" or a path; globalArgs go first on every call (e.g. --context X,
    // --server=URL, --kubeconfig F).
    void setKubectl(const QString &program, const QStringList &globalArgs = {});
    void setProcessEnvironment(const QProcessEnvironment &env) { m_env = env; }
    void setNamespace(const QString &ns) { m_namespace = ns; }
    QString kubeNamespace() const { return m_namespace; }
    // The StatefulSet or CrdbCluster (default "crdb"); its pods are <name>-<ordinal>. (Not
    // DataSource::name(), the source's display name.)
    void setWorkloadName(const QString &name) { m_workloadName = name; }
    QString workloadName() const { return m_workloadName; }
    void setMinimumNodes(int replicationFactor) { m_minimumNodes = replicationFactor; }
    int minimumNodes() const { return m_minimumNodes; }

    void setStatusIntervalMs(int ms);
    void setPollIntervalMs(int ms) { m_pollIntervalMs = ms; }
    void setSettleTimeoutMs(int ms) { m_settleTimeoutMs = ms; }
    void setCommandTimeoutMs(int ms) { m_commandTimeoutMs = ms; }
    // Each status read's kubectl call is killed after this (or the command timeout, if shorter): an
    // API server that hangs (stopped, a dead port-forward) shows as down within one status interval
    // plus this, not after the 30 s a fault or scale command may take.
    static constexpr int kStatusTimeoutMs = 10000;
    void setStatusTimeoutMs(int ms) { m_statusTimeoutMs = ms; }

    bool scaleTo(int nodes, QString *whyNot = nullptr) override;
    bool stopNode(int ordinal, QString *whyNot = nullptr) override;

    // Faults the presenter controls (contract, implemented in cluster_driver.cpp and
    // documented in desktop/docs/faults.md). Each is one operation (busy until it settled) and
    // is refused synchronously (false + *whyNot) when unsafe or impossible for this cluster kind.
    // A fault that would leave a second node down (a majority of RF=3 lost: ranges unavailable) is
    // refused unless allowMajorityLoss is true (an explicit, labelled beat with a typed
    // confirmation). faultStarted() marks the moment the node went down (signal delivered), and
    // faultEnded() the moment its pod is Ready again.
    enum class Fault {
        Stop, // SIGTERM: graceful drain; the kubelet restarts the container at once
        KeepDown, // SIGTERM, and the node stays down until startNode() (a controlled outage)
        Kill, // SIGKILL: a crash, no drain; the kubelet restarts the container
        Pause, // SIGSTOP: a hung node (process alive, answering nothing) until resumeNode()
    };
    Q_ENUM(Fault)
    bool keepDown(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr) override;
    bool startNode(int ordinal, QString *whyNot = nullptr) override; // ends KeepDown
    bool killNode(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr) override;
    bool pauseNode(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr) override;
    bool resumeNode(int ordinal, QString *whyNot = nullptr) override; // ends Pause
    // Undoes every fault the presenter may have injected, in any state (also ones it does not know
    // about, e.g. after a restart of the presenter); safe to repeat. Done when every pod is Ready.
    bool healAll(QString *whyNot = nullptr) override;
    // Faults injected and not yet ended, by ordinal.
    QMap<int, Fault> activeFaults() const { return m_activeFaults; }
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
    static constexpr auto kFaultDir = "/cockroach/faults";
    static constexpr auto kPidFile = "/cockroach/faults/cockroach.pid";
    static constexpr auto kHoldFile = "/cockroach/faults/hold";
    // Why this cluster kind cannot do this fault (empty when it can).
    static QString faultRefusal(Kind kind, Fault fault, int ordinal);
    static QString faultName(Fault fault); // "stop", "keep down", "kill", "pause"
    void refreshStatus();

    // State entry points for a status, a fault event or an operation's end observed elsewhere (a
    // recording): they update the same state and emit the same signals as the live path.
    void applyStatus(const ClusterStatus &status);
    void applyFaultEvent(bool started, int ordinal, const QString &pod, Fault fault);
    void applyOperationFinished(bool ok, const QString &summary) { Q_EMIT operationFinished(ok, summary); }

    bool isBusy() const { return m_busy; }
    ClusterStatus status() const { return m_status; }
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
    QString containerName() const { return containerName(m_kind); }
    QStringList workloadStatusArguments() const;
    QStringList podsStatusArguments() const;

    // Parse `kubectl get ... -o json` answers; nothing (and *error) when the JSON is not the
    // expected object.
    static std::optional<int> parseDesiredNodes(Kind kind, const QByteArray &json, QString *error);
    // `container`: whose restart count to read when a pod has several containers.
    static std::optional<QList<PodStatus>> parsePods(
        const QByteArray &json, QString *error, const QString &container = QStringLiteral("cockroachdb"));

    static constexpr int kOperatorMinimumNodes = 3;
    static constexpr int kStopNodeMinimumReplicationFactor = 3;

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
    using StatusCallback = std::function<void(bool ok, const QString &error)>;

    QStringList withGlobals(const QStringList &args) const;
    QStringList execInCockroachArguments(int ordinal, const QString &shellCommand) const;
    void refresh(StatusCallback then);
    void finishRefresh(bool ok, const QString &error);
    bool refuse(const QString &reason, QString *whyNot);
    void beginOperation(const QString &text);
    void finishOperation(bool ok, const QString &summary);
    void settleStep();
    QString readinessText() const;
    QString stopNodeObstacle(int ordinal) const; // why stopping it now is unsafe, or empty
    // Why this fault on crdb-i is unsafe on the current status (a second node down), or empty.
    QString faultObstacle(int ordinal, Fault fault, bool allowMajorityLoss) const;
    bool injectFault(int ordinal, Fault fault, bool allowMajorityLoss, QString *whyNot);
    bool releaseNode(int ordinal, Fault expected, QString *whyNot);
    QString explainExecFailure(const QString &pod, const CommandResult &r) const;
    QString signalCommand(const QString &signal) const;
    void startFaultTracking(int ordinal, Fault fault);
    void judgeFaults(); // after every status refresh: which active faults have ended
    void healRound(QList<int> ordinals);

    struct FaultTrack
    {
        int restartsBefore = 0;
        bool sawDown = false;
        bool released = false; // KeepDown / Pause: startNode / resumeNode / healAll was sent
        QElapsedTimer since;
    };
    QMap<int, FaultTrack> m_faultTracks;
    QTimer m_faultWatchTimer;
    int m_targetOrdinal = -1;

    Kind m_kind = Kind::StatefulSet;
    QString m_program = QStringLiteral("kubectl");
    QStringList m_globalArgs;
    QProcessEnvironment m_env;
    QString m_namespace = QStringLiteral("crdb-evolution");
    QString m_workloadName = QStringLiteral("crdb");
    int m_minimumNodes = 1;
    int m_pollIntervalMs = 2000;
    int m_settleTimeoutMs = 300000;
    int m_commandTimeoutMs = 30000;
    int m_statusTimeoutMs = kStatusTimeoutMs;

    ClusterStatus m_status;
    QMap<int, Fault> m_activeFaults;
    KubectlProcess m_statusProcess;
    QList<StatusCallback> m_statusWaiters;
    bool m_refreshing = false;
    int m_pendingDesired = 0;
    QTimer m_statusTimer;

    KubectlProcess m_operationProcess;
    bool m_busy = false;
    QTimer m_settleTimer;
    QElapsedTimer m_operationClock;
    // What the running operation waits for.
    enum class Waiting { Nothing, Scale, Restart, Ready, AllReady } m_waiting = Waiting::Nothing;
    int m_targetNodes = 0;
    QString m_targetPod;
    int m_restartsBefore = 0;
    bool m_sawNotReady = false;
};

Q_DECLARE_METATYPE(ClusterDriver::ClusterStatus)
