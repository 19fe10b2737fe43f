#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSslError>
#include <QString>
#include <QUrl>

#include <optional>

namespace presenter {

// What CockroachDB's HTTP port answers, as values, and the pure functions that read them: the
// nodes list (/api/v2/nodes/), a pod's own gauges (/_status/vars), a failed readiness answer
// (/health?ready=1), a refused certificate. NodeStatusClient (node_status_client.h) asks and
// keeps them (a recording replays its snapshots); the pre-flight reads the nodes list too.

// livenesspb.NodeLivenessStatus (pkg/kv/kvserver/liveness/livenesspb/liveness.proto); the JSON
// carries the enum's number. DB Console shows UNAVAILABLE as "suspect".
enum class CrdbLiveness {
    Unknown = 0,
    Dead = 1,
    Suspect = 2, // NODE_STATUS_UNAVAILABLE
    Live = 3,
    Decommissioning = 4,
    Decommissioned = 5,
    Draining = 6,
    Starting = 7,
};
QString livenessName(CrdbLiveness liveness); // "live", "suspect", "dead", ...

// One element of nodesResponse.nodes.
struct CrdbNode
{
    int nodeId = 0;
    QString address; // address.address_field, e.g. crdb-2.crdb.crdb-evolution.svc.cluster.local:26257
    QString sqlAddress;
    CrdbLiveness liveness = CrdbLiveness::Unknown;
    bool livenessKnown = false; // liveness_status present in the answer
    qint64 startedAtNs = 0; // 0 = not given
    qint64 updatedAtNs = 0;
};

// Parses /api/v2/nodes/. Nothing (and *error naming the problem) unless the answer is an object
// with a "nodes" array whose every element has a positive node_id and an address.address_field.
// An empty or missing liveness_status is kept as Unknown (livenessKnown false).
std::optional<QList<CrdbNode>> parseNodesResponse(const QByteArray &json, QString *error = nullptr);

// What a pod's /_status/vars says about itself (each value absent when the gauge is missing).
struct NodeVars
{
    std::optional<int> nodeId;
    QString advertiseAddress; // node_id's advertise_addr label
    std::optional<double> ranges, replicas, leaseholders, underReplicated, unavailable, uptimeS;
};
// Store gauges are summed over the node's stores (label store="N").
NodeVars parseStatusVars(const QByteArray &text);

// Why a node's HTTPS certificate was refused, in words for the presenter (Qt's own texts are
// OpenSSL's: "The issuer certificate of a locally looked up certificate could not be found"): the
// first error that explains the failure, e.g. "the node's certificate (issued by CN) is not signed by
// the cluster's CA (ca.crt)", "... does not name 127.0.0.1 (it names other.example)", "... has
// expired (valid until 2021-01-01 00:00 UTC)", followed by Qt's text in parentheses.
QString describeTlsErrors(const QList<QSslError> &errors, const QString &host, const QString &caFile);

struct NodeEndpoint
{
    Q_GADGET
public:
    enum class Health { Unknown, Ready, NotReady, Unreachable };
    Q_ENUM(Health)
    QString pod;
    QUrl baseUrl; // http://127.0.0.1:18082 (the pod's port-forward)
    Health health = Health::Unknown;
    QString error; // why NotReady / Unreachable, one sentence
    qint64 sinceMs = 0; // when health last changed (local clock, ms since epoch)
    qint64 lastAnswerMs = 0;
    NodeVars vars;
    qint64 varsAtMs = 0; // 0 = never read
};
QString endpointHealthName(NodeEndpoint::Health health);

// Why a node that answers says it is not ready: the sentence CockroachDB puts in the body of a
// failed /health?ready=1 (pkg/server/admin.go, checkReadinessForHealthCheck: "node is shutting
// down" while the server drains (grpc serve mode draining, set by drainClients in
// pkg/server/drain.go, before server.shutdown.initial_wait starts); "node is not healthy" when
// its own liveness record is not live, "liveness record not found" when it has none; "node is
// not accepting SQL clients" while SQL is not ready; "node is waiting for cluster
// initialization" before `cockroach init`). Read from NodeEndpoint::error, which quotes the body.
enum class ReadinessFailure {
    None, // not a failed readiness answer
    Draining, // "node is shutting down": the process runs, SIGTERM'd, still serving for initial_wait
    NotLive, // "node is not healthy" / "liveness record not found": it cannot prove its liveness
    NotAcceptingSql, // "node is not accepting SQL clients"
    WaitingForInit, // "node is waiting for cluster initialization"
    Other, // any other failure
};
ReadinessFailure classifyReadinessFailure(const QString &text);

struct NodeStatusSnapshot
{
    QList<NodeEndpoint> endpoints;
    QList<CrdbNode> nodes;
    qint64 nodesAtMs = 0; // when the nodes list was read; 0 = never
    QString nodesError; // the last failure reading it, empty after a success
};

} // namespace presenter

Q_DECLARE_METATYPE(presenter::NodeStatusSnapshot)
