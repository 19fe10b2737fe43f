#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace presenter {

// The values every part of the cluster driver shares (sources/cluster/, ClusterDriver re-exports
// them): the cluster as kubectl reports it, and the faults the presenter injects (fault_table.h says
// what each fault is). Plain values, any thread.
namespace kube {
Q_NAMESPACE

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

enum class Fault {
    Stop, // SIGTERM: graceful drain; the kubelet restarts the container at once
    KeepDown, // SIGTERM, and the node stays down until startNode() (a controlled outage)
    Kill, // SIGKILL: a crash, no drain; the kubelet restarts the container
    Pause, // SIGSTOP: a hung node (process alive, answering nothing) until resumeNode()
};
Q_ENUM_NS(Fault)

// "crdb-12" → 12; -1 when the name has no ordinal suffix.
int ordinalOf(const QString &podName);
// The pod called `name` in `status`, or nullptr.
const PodStatus *findPod(const ClusterStatus &status, const QString &name);

} // namespace kube

} // namespace presenter

Q_DECLARE_METATYPE(presenter::kube::ClusterStatus)
