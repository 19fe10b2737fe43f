#pragma once

#include "cluster_types.h"
#include "config/cluster_kind.h"
#include "fault_table.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace presenter {

struct CommandResult;

// Every kubectl argument list the cluster driver runs (after the global ones: --context,
// --namespace), one builder per cluster kind. Pure: no process, no state but the workload name.
//  - StatefulSet (k8s/crdb-cluster.yaml, shareProcessNamespace: true; the container command writes
//    cockroach's PID to kPidFile and waits while kHoldFile exists): signals go to the PID in
//    kPidFile, never to PID 1 (the pod's pause process).
//  - Operator (the CockroachDB Operator owns the pod spec): cockroach is PID 1 of its container.
// ClusterKind::None gets the StatefulSet's builder (the driver runs nothing for it).
namespace kube {

inline constexpr auto kFaultDir = "/cockroach/faults";
inline constexpr auto kPidFile = "/cockroach/faults/cockroach.pid";
inline constexpr auto kHoldFile = "/cockroach/faults/hold";

class KubectlCommands
{
public:
    static std::unique_ptr<KubectlCommands> forKind(ClusterKind kind, const QString &workload);
    virtual ~KubectlCommands() = default;

    QString podName(int ordinal) const; // <workload>-<ordinal>
    // The CockroachDB container of a pod: "cockroachdb" (StatefulSet) or "db" (operator).
    virtual QString containerName() const = 0;
    virtual QStringList scale(int nodes) const = 0;
    virtual QStringList workloadStatus() const = 0;
    QStringList podsStatus() const;
    // The desired node count from workloadStatus()'s JSON; nothing (and *error) when it has none.
    virtual std::optional<int> parseDesiredNodes(const QByteArray &json, QString *error) const = 0;

    // The kubectl exec of each fault (a signal to cockroach; KeepDown creates the hold file first).
    QStringList fault(int ordinal, Fault fault) const;
    QStringList startNode(int ordinal) const; // ends KeepDown: removes the hold file
    QStringList resumeNode(int ordinal) const; // ends Pause: SIGCONT
    QStringList release(int ordinal, EndedBy endedBy) const; // startNode or resumeNode
    QStringList heal(int ordinal) const; // both, whatever the state; succeeds when nothing is to undo
    // Signal 0 to the process the faults signal: proves the shell, the PID file and the shared PID
    // namespace, harmless.
    QStringList shellProbe(int ordinal) const;
    // The shell line that sends `signal` ("TERM", "0", ...) to cockroach.
    virtual QString signalCommand(const QString &signal) const = 0;
    // A readable sentence for a failed exec of the lines above (their exit codes).
    virtual QString explainExecFailure(const QString &pod, const CommandResult &r) const;
    // Whether healAll execs heal() in every pod (the operator's pods have nothing to undo).
    virtual bool healsByExec() const = 0;
    virtual QString healingText() const = 0; // healAll's first progress line

protected:
    explicit KubectlCommands(const QString &workload) : m_workload(workload) { }
    QStringList execInCockroach(int ordinal, const QString &shellCommand) const;
    QString m_workload;
};

// `kubectl get pods -o json` → pods sorted by ordinal; nothing (and *error) when the JSON is not a
// pod list. `container`: whose restart count to read when a pod has several containers.
std::optional<QList<PodStatus>> parsePods(const QByteArray &json, QString *error, const QString &container);

} // namespace kube

} // namespace presenter
