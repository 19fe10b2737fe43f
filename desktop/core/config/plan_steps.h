#pragma once

#include "demo_plan.h"
#include "plan_reader.h"

namespace presenter {

// The plan's cluster steps, replayed from the set-up position, must each be safe on a real
// CockroachDB: never scale below the replication factor, raise the replication factor only to a
// value CockroachDB accepts and the live nodes can hold, and take a node down only where every
// range keeps a majority (RF >= 3, at most (RF - 1) / 2 nodes down at once) on a node that
// exists, unless the action says allow_majority_loss (a labelled beat). A node kept down or paused
// stays down until start_node / resume_node / heal_all, and the plan may not end with one down.
// Each unsafe step is one error in `r`, naming the beat and the action.
void checkClusterSteps(PlanReader &r, const DemoPlan &plan);

} // namespace presenter
