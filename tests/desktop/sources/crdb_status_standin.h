#pragma once

#include <span>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QUrl>

#include "tls_tcp_server.h"

class QTcpSocket;

// A STAND-IN for one CockroachDB node's HTTP port (8080): no CockroachDB runs on these machines.
// A real TCP server on loopback answering the three endpoints the presenter's fast path reads,
// with the shapes CockroachDB defines:
//  - GET /health?ready=1: 200 "{}" (serverpb.HealthResponse is empty), 503 when not ready
//    (pkg/server/api_v2.go, apiV2Server.health: apiV2InternalError when checkReadinessForHealthCheck
//    fails);
//  - GET /api/v2/nodes/: nodesResponse {"nodes": [nodeStatus...]} (pkg/server/api_v2_ranges.go:
//    node_id, address {network_field, address_field} (util.UnresolvedAddr), sql_address,
//    started_at / updated_at in ns, liveness_status as livenesspb.NodeLivenessStatus's number);
//  - POST /api/v2/login/ (form username, password) -> {"session": "..."}, and 401 on
//    /api/v2/nodes/ without header X-Cockroach-API-Session when a session is required
//    (pkg/server/authserver/api_v2_auth.go); 403 for a session of a user that is not admin:
//    /api/v2/nodes/ is registered for the admin role (pkg/server/api_v2.go, registerRoutes);
//  - GET /_status/throttling: the licence enforcer's state (serverpb.GetThrottlingMetadataResponse,
//    pkg/server/apiinternal/api_internal_status.go), the JSON given to setThrottling(); 404 unset;
//  - GET /_status/vars: Prometheus text (node_id{advertise_addr=...} and the store gauges).
// useTls() makes it a secure node's HTTPS port (url() then says https) with the given certificate.
// Modes make it behave like a node under a fault: Closed stops listening (connection refused, as
// a killed process), Hung accepts and never answers (as a SIGSTOPped process), NotReady answers
// readiness 503 "node is not accepting SQL clients" (starting). Two modes for a process that runs
// but does not serve, with the sentence pkg/server/admin.go (checkReadinessForHealthCheck) puts in
// the 503 (the gateway's JSON error body: error, code 14 = Unavailable, message, details):
//  - Draining: SIGTERM'd and inside server.shutdown.initial_wait (pkg/server/drain.go,
//    drainClients): "node is shutting down"; everything else still served.
//  - NotLive: its own liveness record is not live (two of three nodes down: the liveness range has
//    no quorum): "node is not healthy"; /_status/vars still served (the process's own registry),
//    /api/v2/nodes/ never answers (a MODEL: it reads node statuses from KV, unavailable then;
//    unverified on a real cluster).
class CrdbStatusStandIn : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Serving, NotReady, Hung, Closed, Draining, NotLive };
    struct Node
    {
        int id = 0;
        QString address; // host:port
        int liveness = 3; // NODE_STATUS_LIVE
        qint64 startedAtNs = 0;
    };

    explicit CrdbStatusStandIn(QObject *parent = nullptr);
    ~CrdbStatusStandIn() override;
    bool listen(); // on 127.0.0.1, a free port (kept across Closed -> Serving)
    QUrl url() const;
    // Serve HTTPS with this certificate and key (PEM files); call before listen(). False if they
    // do not load.
    bool useTls(const QString &certificateFile, const QString &keyFile);
    const TlsTcpServer &server() const { return m_server; }
    void setMode(Mode mode);
    void setNodes(const QList<Node> &nodes) { m_nodes = nodes; }
    void setVars(int nodeId, const QString &advertiseAddress, double ranges, double replicas, double leaseholders,
        double underReplicated, double unavailable, double uptimeS);
    // Sessions are required from now on; `user` logs in as an admin.
    void requireLogin(const QString &user, const QString &password);
    // Another user that can log in; not admin unless `admin`.
    void addUser(const QString &user, const QString &password, bool admin);
    void setThrottling(const QByteArray &json) { m_throttling = json; }
    int requestCount(const QString &path) const;

    static QByteArray nodesJson(const QList<Node> &nodes);

private:
    void onConnection();
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body);

    TlsTcpServer m_server;
    quint16 m_port = 0;
    Mode m_mode = Mode::Serving;
    QList<Node> m_nodes;
    QByteArray m_vars;
    struct User
    {
        QString password;
        bool admin = false;
    };
    QMap<QString, User> m_users; // empty: no login required
    QByteArray m_throttling;
    QList<QTcpSocket *> m_hung;
    QMap<QString, int> m_requests;
};

// A healthy three-node cluster as the StatefulSet advertises it (crdb-N.crdb.crdb-evolution.svc...
// :26257, node ids 1..3, up for about an hour, 24 ranges each): each stand-in listens, knows every
// node and serves its own node's gauges. Returns the nodes, or nothing when one cannot listen.
QList<CrdbStatusStandIn::Node> startHealthyCluster(std::span<CrdbStatusStandIn, 3> nodes);
