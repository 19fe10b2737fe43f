#pragma once

#include <QList>
#include <QObject>
#include <QTcpServer>

class StandInsFollowFake;

// STAND-IN for the cluster-wide gauges the plan's failure, heal and encore verdicts read from
// Prometheus (liveness_livenodes, ranges_underreplicated, ranges_unavailable, raftlog_behind), for
// presenter --rehearse against the fake Kubernetes API: no CockroachDB runs here. It follows the
// node stand-ins' liveness model (StandInsFollowFake, which follows FakeKubeApi's containers) and
// serves, as one Prometheus target at /metrics, what that model implies:
//  - liveness_livenodes: the live nodes; 0 when they are no majority (the liveness range has no
//    quorum, so not even the survivor can renew its own record: demo/plan.json, "majority-loss");
//  - ranges_underreplicated: all 24 ranges while a node is not live or catching up, else 0;
//  - ranges_unavailable: all 24 while the live nodes are no majority, else 0;
//  - raftlog_behind: 500 entries while a node is away or catching up, else 0.
// Each value is served as it stood lagMs ago: a CockroachDB metric is up to one sample interval
// (10 s, pkg/base/config.go DefaultMetricsSampleInterval) old when scraped, so a verdict timed
// from a pod's readiness still sees the node's absence first, as on a real cluster. A MODEL with
// configured delays, not CockroachDB measured.
//
// Threading: GUI thread only.
class ClusterGaugesStandIn : public QObject
{
    Q_OBJECT
public:
    ClusterGaugesStandIn(StandInsFollowFake *nodes, int nodeCount, int lagMs, int catchUpMs, QObject *parent = nullptr);
    bool listen(); // 127.0.0.1, a free port
    quint16 port() const { return m_server.serverPort(); }
    QByteArray metricsAt(qint64 atMs) const; // the text served for the state at atMs

private:
    struct Change
    {
        qint64 atMs;
        int ordinal;
        bool live;
    };
    void onConnection();

    QTcpServer m_server;
    QList<Change> m_changes;
    int m_nodes;
    int m_lagMs;
    int m_catchUpMs;
};
