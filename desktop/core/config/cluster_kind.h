#pragma once

namespace presenter {

// What kind of cluster the presenter drives: a StatefulSet it scales 1 -> 2 -> 3 (the story), a
// CrdbCluster the CockroachDB Operator owns (3 nodes and up), or none (the local stack: PostgreSQL
// standing in for CockroachDB, no Kubernetes). The profile names it; the cluster commands branch on it.
enum class ClusterKind { StatefulSet, Operator, None };

} // namespace presenter
