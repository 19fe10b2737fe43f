#include "safety_rules.h"

#include "fault_table.h"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace kube::safety {

namespace {

QString podOf(const Situation &s, int ordinal)
{
    return u"%1-%2"_s.arg(s.workload).arg(ordinal);
}

QString noCluster(ClusterKind kind)
{
    return kind == ClusterKind::None ? u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s
                                     : QString();
}

QString busyRefusal(const Situation &s)
{
    return s.busy ? u"cluster operation already running; wait for it to finish"_s : QString();
}

QString scaleRefusal(const Situation &s, int nodes)
{
    if (nodes < 1) {
        return u"cannot scale to %1 nodes"_s.arg(nodes);
    }
    if (nodes < s.replicationFactor) {
        return u"refusing to scale to %1 node(s): below the replication factor %2 (ranges would lose replicas)"_s
            .arg(nodes)
            .arg(s.replicationFactor);
    }
    if (s.kind == ClusterKind::Operator && nodes < kOperatorMinimumNodes) {
        return u"refusing to scale the CrdbCluster to %1 node(s): the operator needs spec.nodes >= %2"_s.arg(nodes).arg(
            kOperatorMinimumNodes);
    }
    return {};
}

QString stopNodeObstacle(const Situation &s, int ordinal)
{
    const QString pod = podOf(s, ordinal);
    if (!findPod(s.status, pod) || ordinal >= s.status.desiredNodes) {
        return u"not stopping %1: no such node (the cluster has %2)"_s.arg(pod).arg(s.status.desiredNodes);
    }
    if (s.status.readyNodes < s.status.desiredNodes) {
        return u"not stopping %1: only %2 of %3 nodes are ready; a second failure would make ranges unavailable"_s
            .arg(pod)
            .arg(s.status.readyNodes)
            .arg(s.status.desiredNodes);
    }
    return {};
}

QString stopRefusal(const Situation &s, int ordinal)
{
    if (s.replicationFactor < kStopNodeMinimumReplicationFactor) {
        return u"refusing to stop a node with replication factor %1: ranges would become unavailable (needs RF >= %2)"_s
            .arg(s.replicationFactor)
            .arg(kStopNodeMinimumReplicationFactor);
    }
    if (ordinal < 0) {
        return u"no node %1"_s.arg(ordinal);
    }
    // At once on the last known status; obstacle() catches what changed since.
    return s.status.valid ? stopNodeObstacle(s, ordinal) : QString();
}

// Nodes already down besides `pod`: pods not ready, and pods the workload wants but that do not exist.
QStringList nodesDownBesides(const ClusterStatus &status, const QString &pod)
{
    QStringList down;
    for (const PodStatus &p : status.pods) {
        if (p.name != pod && !p.ready && ordinalOf(p.name) < status.desiredNodes) {
            down << p.name;
        }
    }
    const int missing = status.desiredNodes - int(status.pods.size());
    for (int i = 0; i < missing; ++i) {
        down << u"a missing pod"_s;
    }
    return down;
}

QString faultObstacle(const Situation &s, const Request &r)
{
    const QString pod = podOf(s, r.ordinal);
    const QString what = faultRow(r.fault).verb.arg(pod);
    const PodStatus *p = findPod(s.status, pod);
    if (!p || r.ordinal >= s.status.desiredNodes) {
        return u"not %1: no such node (the cluster has %2)"_s.arg(what).arg(s.status.desiredNodes);
    }
    if (!p->ready) {
        return u"not %1: it is not ready (already down)"_s.arg(what);
    }
    const QStringList down = nodesDownBesides(s.status, pod);
    // At RF = 3 a range keeps its majority with one replica down, not two (the plan's rule:
    // demo_plan.cpp checkClusterSteps).
    const int tolerated = (s.replicationFactor - 1) / 2;
    if (down.size() + 1 > tolerated && !r.allowMajorityLoss) {
        return u"not %1: %2 already down; a second node down at replication factor %3 loses the majority of ranges: "
               u"they become unavailable and the app fails (only an explicit beat with allow_majority_loss and a "
               u"typed confirmation may do that)"_s
                   .arg(what, down.join(u", "_s) + (down.size() == 1 ? u" is"_s : u" are"_s))
                   .arg(s.replicationFactor);
    }
    return {};
}

QString faultRequestRefusal(const Situation &s, const Request &r)
{
    const QString what = faultRow(r.fault).verb.arg(podOf(s, r.ordinal));
    if (s.replicationFactor < kStopNodeMinimumReplicationFactor) {
        return u"not %1 with replication factor %2: ranges would become unavailable (needs RF >= %3)"_s.arg(what)
            .arg(s.replicationFactor)
            .arg(kStopNodeMinimumReplicationFactor);
    }
    if (r.ordinal < 0) {
        return u"no node %1"_s.arg(r.ordinal);
    }
    if (s.activeFaults.contains(r.ordinal)) {
        return u"not %1: it already has an active fault (%2)"_s.arg(
            what, faultRow(s.activeFaults.value(r.ordinal)).name);
    }
    return s.status.valid ? faultObstacle(s, r) : QString();
}

QString releaseRefusal(const Situation &s, const Request &r)
{
    if (const QString why = faultRefusal(s.kind, r.fault, r.ordinal); !why.isEmpty()) {
        if (s.kind == ClusterKind::None) {
            return why;
        }
        const FaultRow &row = faultRow(r.fault);
        const ReleaseRow *release = releaseRow(row.endedBy);
        return u"nothing to %1 on %2: %3 is not done on the operator's cluster"_s.arg(
            release ? release->name : QString(), podOf(s, r.ordinal), row.planAction);
    }
    if (const QString why = busyRefusal(s); !why.isEmpty()) {
        return why;
    }
    // Not refused when the driver knows of no such fault: after a restart of the presenter the hold
    // file or the stopped process may still be there, and undoing what is not there is harmless.
    return r.ordinal < 0 ? u"no node %1"_s.arg(r.ordinal) : QString();
}

} // namespace

bool hasCluster(ClusterKind kind)
{
    return noCluster(kind).isEmpty();
}

QString faultRefusal(ClusterKind kind, Fault fault, int ordinal)
{
    if (const QString why = noCluster(kind); !why.isEmpty()) {
        return why;
    }
    if (kind != ClusterKind::Operator) {
        return {};
    }
    const QString why = faultRow(fault).operatorRefusal;
    return why.isEmpty() ? why : why.arg(u"crdb-%1"_s.arg(ordinal));
}

QString refusal(const Situation &s, const Request &r)
{
    switch (r.action) {
    case Action::InjectFault:
        if (const QString why = faultRefusal(s.kind, r.fault, r.ordinal); !why.isEmpty()) {
            return why;
        }
        if (const QString why = busyRefusal(s); !why.isEmpty()) {
            return why;
        }
        return faultRequestRefusal(s, r);
    case Action::Release:
        return releaseRefusal(s, r);
    case Action::Scale:
    case Action::StopNode:
    case Action::HealAll:
        break;
    }
    if (const QString why = noCluster(s.kind); !why.isEmpty()) {
        return why;
    }
    if (const QString why = busyRefusal(s); !why.isEmpty()) {
        return why;
    }
    if (r.action == Action::Scale) {
        return scaleRefusal(s, r.nodes);
    }
    return r.action == Action::StopNode ? stopRefusal(s, r.ordinal) : QString();
}

QString obstacle(const Situation &s, const Request &r)
{
    if (r.action == Action::InjectFault) {
        return faultObstacle(s, r);
    }
    if (r.action != Action::StopNode) {
        return {};
    }
    if (const QString why = stopNodeObstacle(s, r.ordinal); !why.isEmpty()) {
        return why;
    }
    if (s.activeFaults.contains(r.ordinal)) {
        return u"not stopping %1: it has an active fault (%2); heal it first"_s.arg(
            podOf(s, r.ordinal), faultRow(s.activeFaults.value(r.ordinal)).name);
    }
    return {};
}

} // namespace kube::safety

} // namespace presenter
