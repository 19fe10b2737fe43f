#pragma once

#include "sources/cluster_driver.h"
#include "sources/node_status_client.h"

#include <QList>
#include <QString>

#include <optional>

namespace presenter {

// One row of the node grid: a CockroachDB pod (Kubernetes' view) joined with CockroachDB's view of
// the node it runs (the fast path: the pod's own endpoints and /api/v2/nodes/). Pure data.
struct NodeRow
{
    // What the audience should read first, most severe first.
    // The fast path tells a process that runs from one that does not by whether its HTTP port
    // answers at all (any HTTP status): a pod can be Running while cockroach is not (keep_down's
    // container waits on the hold file), and a process that answers is running whatever its pod
    // says. What it answers then says why it is not serving (classifyReadinessFailure).
    enum class State {
        Down, // the process does not answer (refused, closed, timed out), or CockroachDB says dead
        NotLive, // the process answers but cannot prove its liveness: /health?ready=1 says "node is
                 // not healthy", or it is not ready while CockroachDB does not call it live (two of
                 // three nodes down: the liveness range has no quorum, nobody can heartbeat)
        Draining, // the process answers, /health?ready=1 says "node is shutting down" (SIGTERM'd:
                  // still serving SQL for server.shutdown.initial_wait), and is not yet declared not live
        NotReady, // answers, not ready for another reason (starting, SQL not ready yet)
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
    // That answer is older than kNodesStaleMs (no node could list the nodes since): its liveness
    // is what CockroachDB said then, not now.
    bool livenessStale = false;
    qint64 livenessAgeMs = 0;
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
// A nodes list older than this is stale (the client asks every 1.5 s; a node that cannot prove
// its liveness may fail or hang the request).
inline constexpr qint64 kNodesStaleMs = 10000;

// True when `address` (host:port as CockroachDB reports it) names pod `pod`: its host's first DNS
// label is exactly the pod name (crdb-2.crdb.crdb-evolution.svc.cluster.local:26257 for crdb-2;
// the StatefulSet's --advertise-host=$(hostname -f), k8s/base/crdb-cluster.yaml).
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

} // namespace presenter
