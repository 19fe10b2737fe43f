#pragma once

#include "data_source.h"
#include "node_status_answers.h"

#include <QHash>
#include <QList>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace presenter {

// CockroachDB's own view of each node, read by the presenter itself every 1-2 s (the fast path;
// Prometheus scrapes every 15 s). Three HTTP endpoints of CockroachDB's HTTP port (8080), each
// asked of every pod through its own port-forward:
//  - GET /health?ready=1 (Cluster API v2 "health"; pkg/server/api_v2.go, apiV2Server.health):
//    200 when the node accepts SQL, an error status when it is not ready (draining, not live).
//    A killed node refuses the connection at once and a paused one never answers (timeout): the
//    fast path sees both long before CockroachDB's liveness record expires.
//  - GET /api/v2/nodes/ (Cluster API v2 "listNodes", supported; pkg/server/api_v2_ranges.go,
//    nodesResponse / nodeStatus): every node's id, address, liveness_status, started_at, asked of
//    one pod that answers. Requires a session on a secure cluster (see setCredentials()).
//  - GET /_status/vars (the Prometheus endpoint the project's Prometheus scrapes): the pod's own
//    node id (gauge node_id, labelled with its advertise address) and its store gauges ranges,
//    replicas, replicas_leaseholders, ranges_underreplicated, ranges_unavailable, sys_uptime.
//    /api/v2/nodes/ cannot give these: its metrics map is the node-level registry only; the range
//    gauges live in each store's registry (pkg/server/status/recorder.go, GenerateNodeStatus
//    fills NodeStatus.Metrics from the node registry and StoreStatuses from the stores').
//
// Requests never pile up: an endpoint's request is not sent again while the previous one is out.
// Health: failed() when no pod answers and the nodes list cannot be read; recovered() when one
// answers again. A node being down is data (updated()), not the source failing.
//
// Threading: GUI thread only; every signal is emitted there. Nothing blocks.

class NodeStatusClient : public DataSource
{
    Q_OBJECT
public:
    explicit NodeStatusClient(QObject *parent = nullptr);
    ~NodeStatusClient() override;

    // The pods to ask and where each answers; replaces the list (kept state for pods still there).
    void setEndpoints(const QList<std::pair<QString, QUrl>> &podUrls);
    void setIntervalMs(int ms); // health + nodes list, default 1500
    void setVarsIntervalMs(int ms) { m_varsIntervalMs = ms; } // default 5000 (stores sample every 10 s)
    void setTimeoutMs(int ms) { m_timeoutMs = ms; } // per request, default 1000
    // Secure clusters: POST /api/v2/login/ (form username, password; pkg/server/authserver/
    // api_v2_auth.go, login) gives {"session": ...}, sent as header X-Cockroach-API-Session on
    // /api/v2/nodes/ (the user needs admin or VIEWCLUSTERMETADATA). Insecure clusters need none.
    void setCredentials(const QString &user, const QString &password);
    // For https base URLs: the CA that signed the nodes' certificates (the secure variant's ca.crt),
    // trusted alone (not the system's CAs). False (and *error) when the file holds no certificate:
    // then nothing is trusted and every https read says so.
    bool setCaCertificateFile(const QString &path, QString *error = nullptr);

    NodeStatusSnapshot snapshot() const;

    void start() override; // first round now, then every interval
    // An extra round now (requests already in flight are not sent twice): the presenter just
    // injected or ended a fault and should not wait up to one interval to show it.
    void pollNow() { poll(); }
    // A snapshot observed elsewhere (a recording) becomes the client's state and is emitted like a
    // live update. Never call it on a started client.
    void applySnapshot(const NodeStatusSnapshot &snapshot);
    void stop() override;

Q_SIGNALS:
    void updated(const NodeStatusSnapshot &snapshot);
    void endpointHealthChanged(const QString &pod, NodeEndpoint::Health health, const QString &error);

private:
    enum class Kind { Health, Vars, Nodes, Login };
    void poll();
    void pollEndpoints(); // health of every pod, and the vars of the ready ones when due
    std::optional<QUrl> nodesBaseUrl(); // the pod to ask the nodes list of, round-robin
    void login(const QUrl &base);
    QNetworkReply *get(const QUrl &base, const QString &pathAndQuery, bool withSession);
    QNetworkReply *watchTls(QNetworkReply *reply);
    void onHealth(QNetworkReply *reply, const QString &pod, const QUrl &base);
    void onVars(QNetworkReply *reply, const QString &pod, const QUrl &base);
    void onNodes(QNetworkReply *reply);
    void onLogin(QNetworkReply *reply);
    void setHealth(NodeEndpoint &e, NodeEndpoint::Health health, const QString &error);
    void updateSourceHealth();
    NodeEndpoint *endpoint(const QString &pod, const QUrl &base);

    QNetworkAccessManager *m_nam;
    QTimer *m_timer;
    QList<NodeEndpoint> m_endpoints;
    QHash<QString, QNetworkReply *> m_healthInFlight, m_varsInFlight; // by pod
    QNetworkReply *m_nodesInFlight = nullptr;
    QNetworkReply *m_loginInFlight = nullptr;
    QList<CrdbNode> m_nodes;
    qint64 m_nodesAtMs = 0;
    QString m_nodesError;
    int m_nodesFrom = 0; // round-robin start among ready pods
    int m_timeoutMs = 1000;
    int m_varsIntervalMs = 5000;
    QString m_user, m_password;
    QByteArray m_session;
    std::optional<QSslConfiguration> m_ssl;
    QString m_caFile; // for the words of a refused certificate
};

} // namespace presenter
