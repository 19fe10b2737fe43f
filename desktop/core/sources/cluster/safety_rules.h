#pragma once

#include "cluster_types.h"
#include "config/cluster_kind.h"

#include <QMap>
#include <QString>

namespace presenter {

// The driver's safety policy as pure functions: what it refuses, and why, given the cluster kind,
// the replication factor, the last known status and the active faults. The driver asks refusal()
// before it starts anything, and obstacle() again on a fresh status just before a node goes down.
namespace kube::safety {

inline constexpr int kOperatorMinimumNodes = 3; // the CrdbCluster CRD's minimum spec.nodes
// Below this a node down makes ranges unavailable (a range keeps its majority with one of three down).
inline constexpr int kStopNodeMinimumReplicationFactor = 3;

struct Situation
{
    ClusterKind kind = ClusterKind::StatefulSet;
    int replicationFactor = 1;
    ClusterStatus status; // the last known one (valid == false: none yet)
    QMap<int, Fault> activeFaults;
    bool busy = false; // an operation is running
    QString workload = QStringLiteral("crdb");
};

enum class Action { Scale, StopNode, InjectFault, Release, HealAll };
struct Request
{
    Action action = Action::Scale;
    int nodes = 0; // Scale
    int ordinal = -1; // StopNode, InjectFault, Release
    Fault fault = Fault::Stop; // InjectFault; Release: the fault it ends (KeepDown, Pause)
    bool allowMajorityLoss = false; // InjectFault
};

// Why the driver refuses this request now (empty: it may start).
QString refusal(const Situation &situation, const Request &request);
// Why a node may not go down on this (fresh) status (empty: it may); StopNode and InjectFault.
QString obstacle(const Situation &situation, const Request &request);
// False for ClusterKind::None (the local stack): nothing to watch, every command refused.
bool hasCluster(ClusterKind kind);
// Why this cluster kind cannot do this fault (empty when it can).
QString faultRefusal(ClusterKind kind, Fault fault, int ordinal);

} // namespace kube::safety

} // namespace presenter
