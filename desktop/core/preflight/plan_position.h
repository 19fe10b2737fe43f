#pragma once

#include "config/demo_plan.h"
#include "sources/cluster_driver.h"

#include <QString>

namespace presenter {

// Where the story stands before a beat: the nodes and the replication factor the cluster should
// have once every beat before it ran (DemoPlan::positionBefore, which also validates the plan's
// cluster steps), plus what each cluster kind implies.
struct PlanPosition
{
    int beatIndex = 0; // the beat about to run (0 = before the first beat: the set-up state)
    QString beatId; // its id ("baseline"), empty past the end
    int nodes = 1;
    int replicationFactor = 1;

    // After beats [0, beatIndex). beatIndex is clamped to [0, beats.size()].
    static PlanPosition before(const DemoPlan &plan, int beatIndex);
    // Before the beat with this id; nothing (and *error) when the plan has no such beat.
    static std::optional<PlanPosition> beforeBeat(const DemoPlan &plan, const QString &beatId, QString *error);

    // What a cluster of this kind has at this position. StatefulSet: the plan's numbers. Operator:
    // its CRD allows 3 nodes and up (spec.nodes minimum 3) and CockroachDB's default RF on 3 nodes
    // is 3 (k8s/operator/README.md), so the operator cluster is never below 3 nodes / RF 3; past
    // the plan's phase 2 both agree. None: the plan's numbers (nothing checks them).
    int expectedNodes(ClusterKind kind) const;
    int expectedReplicationFactor(ClusterKind kind) const;
    QString describe() const; // "before beat 'baseline' (set-up state)"
};

} // namespace presenter
