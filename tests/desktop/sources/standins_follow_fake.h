#pragma once

#include "crdb_status_standin.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

class FakeKubeApi;

// TEST-ONLY COUPLING of the two stand-ins: each CockroachDB node's HTTP port (CrdbStatusStandIn)
// answers the way the process in FakeKubeApi's container model would, so that a fault injected
// through the real kubectl reaches the presenter's fast path as it would on a real cluster:
//  - the container restarting (killed, stopped) or held (keep_down: the command waits on the hold
//    file, cockroach is not running): nothing listens on 8080, connections are REFUSED (Closed);
//  - SIGSTOPped (pause_node): the kernel still accepts connections, nobody answers (Hung);
//  - SIGTERM'd and draining (FakeKubeApi::setDrainMs): /health?ready=1 answers 503 "node is
//    shutting down", everything else is served, liveness stays live (Draining);
//  - running but not Ready yet (just started): /health?ready=1 answers 503 (NotReady);
//  - Ready: serving.
// And CockroachDB's cluster-wide view, served by every node that answers, as a model with
// configured delays (NOT CockroachDB's behaviour measured; the defaults follow its design):
//  - liveness: a node whose process is not running stops heartbeating; the others call it suspect
//    (livenesspb NODE_STATUS_UNAVAILABLE) suspectAfterMs later. CockroachDB's liveness record
//    lasts 6 s and is heartbeated every 3 s, so expiry comes 3-6 s after the process stopped
//    (pkg/base/config.go, the latency table above defaultRangeLeaseDuration: "Node Liveness
//    record expiration (constant) 6.00s", "heartbeat offset (0-1 heartbeat interval) -3.00s");
//    default 6000 ms, the worst case. Live again as soon as its process runs.
//  - ranges: 24 ranges at RF 3 on 3 nodes, every node holding a replica of each; leases spread
//    evenly over the live nodes that have caught up. While a node is suspect its ranges are
//    under-replicated, counted once each by the leaseholder's store
//    (pkg/kv/kvserver/replica_metrics.go, calcRangeCounter), so the live nodes'
//    ranges_underreplicated sum to 24; back to 0 catchUpMs after the node is live again.
// The coupling polls the fake every pollMs (10 ms by default), so a stand-in follows its pod
// within that time.
//
// Threading: GUI thread only.
class StandInsFollowFake : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int pollMs = 10;
        int suspectAfterMs = 6000;
        int catchUpMs = 1000;
    };
    static QString advertiseAddress(int ordinal); // crdb-N.crdb.crdb-evolution.svc.cluster.local:26257

    StandInsFollowFake(FakeKubeApi *api, int nodes, const Options &options, QObject *parent = nullptr);
    ~StandInsFollowFake() override;

    bool listen(); // every stand-in on 127.0.0.1, a free port each
    void start(); // follow now and every pollMs
    QList<std::pair<QString, QUrl>> endpoints() const; // ("crdb-N", its stand-in's URL)
    CrdbStatusStandIn *standIn(int ordinal) const { return m_standIns.value(ordinal); }
    CrdbStatusStandIn::Mode mode(int ordinal) const;
    // When the stand-ins' liveness for this node last turned suspect (ms since epoch), 0 when live.
    qint64 suspectSinceMs(int ordinal) const;

Q_SIGNALS:
    // Every change of what a node answers, and of the liveness the stand-ins report for it.
    void modeChanged(int ordinal, CrdbStatusStandIn::Mode mode, qint64 atMs);
    void livenessChanged(int ordinal, int liveness, qint64 atMs);

private:
    struct Node
    {
        CrdbStatusStandIn::Mode mode = CrdbStatusStandIn::Mode::Serving;
        qint64 notRunningSinceMs = 0; // 0 = the process runs (heartbeats)
        qint64 upSinceMs = 0; // the process started (uptime, started_at)
        qint64 suspectSinceMs = 0;
        qint64 liveAgainMs = 0; // when it was last seen live again after being suspect
        int liveness = 3;
        QString process = QStringLiteral("running");
    };
    void follow();
    void publish();

    FakeKubeApi *m_api;
    Options m_options;
    QList<CrdbStatusStandIn *> m_standIns;
    QList<Node> m_nodes;
    QTimer m_timer;
    qint64 m_publishedMs = 0;
};
