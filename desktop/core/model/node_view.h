#pragma once

#include "sources/cluster_driver.h"
#include "sources/node_status_client.h"

#include <QList>
#include <QString>

#include <optional>

// One row of the node grid: a CockroachDB pod (Kubernetes' view) joined with CockroachDB's view of
// the node it runs (the fast path: the pod's own endpoints and /api/v2/nodes/). Pure data.
struct NodeRow
{
    // What the audience should read first, most severe first.
    enum class State {
        Down, // the pod's CockroachDB does not answer (refused or timed out), or CockroachDB says dead
        NotReady, // answers, but /health?ready=1 fails (draining, starting, not live)
        Suspect, // CockroachDB's liveness: suspect, draining or decommissioning
        Up, // answers ready and CockroachDB says live
        Unknown, // nothing read yet
    };
    QString pod; // empty for a node CockroachDB reports that no pod runs (e.g. a removed node)
    int ordinal = -1;
    // Kubernetes (ClusterDriver::status()).
    bool hasPod = false;
    QString podPhase;
    bool podReady = false;
    int restarts = 0;
    // CockroachDB.
    std::optional<int> nodeId;
    QString address;
    CrdbLiveness liveness = CrdbLiveness::Unknown;
    bool hasLiveness = false; // the node is in the last /api/v2/nodes/ answer
    QString matchedBy; // "node id and address", "address", or empty (not matched)
    QString mismatch; // why the pod's own node id and the cluster's address disagree, if they do
    NodeEndpoint::Health endpoint = NodeEndpoint::Health::Unknown;
    QString endpointError;
    qint64 endpointSinceMs = 0;
    // The pod's store gauges (absent when unknown or stale: a node that does not answer has none).
    std::optional<double> ranges, replicas, leaseholders, underReplicated, unavailable;
    std::optional<qint64> uptimeS;
    State state = State::Unknown;
    QString stateText; // "live", "DOWN: connection refused (...) (3 s); CockroachDB still says live ..."
    QString shortState; // the same in a few words, for the kiosk: "DOWN: refused · 3 s", "live"
};

struct ClusterSummary
{
    int liveNodes = 0; // rows Up
    int nodes = 0; // rows with a pod or a CockroachDB node
    int reporting = 0; // rows whose range gauges are fresh
    std::optional<double> unavailableRanges, underReplicatedRanges;
    bool clusterViewKnown = false; // /api/v2/nodes/ answered at least once
};

namespace nodeview {

// Range gauges older than this are not shown (stores sample every 10 s; the client reads every 5 s).
inline constexpr qint64 kVarsStaleMs = 25000;

// True when `address` (host:port as CockroachDB reports it) names pod `pod`: its host's first DNS
// label is exactly the pod name (crdb-2.crdb.crdb-evolution.svc.cluster.local:26257 for crdb-2;
// the StatefulSet's --advertise-host=$(hostname -f), k8s/crdb-cluster.yaml).
bool addressNamesPod(const QString &address, const QString &pod);

// Joins pods and CockroachDB's nodes. A pod's node is the node id the pod itself reports
// (/_status/vars node_id) when the cluster's address for that id names the pod ("node id and
// address"); else the cluster's node whose address names the pod ("address"). A node id whose
// address names another pod is a mismatch (shown, never joined). Nodes no pod matches get a row of
// their own. Rows follow the pods' order, then unmatched nodes by id.
QList<NodeRow> buildRows(const QList<ClusterDriver::PodStatus> &pods, const NodeStatusSnapshot &status, qint64 nowMs);

ClusterSummary summarize(const QList<NodeRow> &rows, const NodeStatusSnapshot &status);

// Would taking one more node down lose a majority of a range's replicas? `down`: nodes down now.
bool losesMajority(int replicationFactor, int down);

QString formatDuration(qint64 ms); // "14 s", "3 min 05 s", "2 h 10 min"

} // namespace nodeview
