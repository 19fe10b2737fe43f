#pragma once

#include "crdb_status_standin.h"

#include "model/cluster_view.h"
#include "sources/node_status_client.h"

#include <array>
#include <memory>

namespace presenter {
class PresenterSession;
}
using namespace presenter;

// The set-up the screen tests share (tst_fault_screens_gui, tst_screens_gui): three STAND-INS of
// CockroachDB's HTTP port serving a healthy cluster (startHealthyCluster), the fast path
// (NodeStatusClient, polling every 200 ms) reading them, a ClusterView over the session's cluster
// driver at replication factor 3, and the driver's report of three Running, ready pods (kubectl
// runs nowhere: the session is never started; tst_cluster_driver covers the pods against the fake
// Kubernetes API). One per test function: each starts from a healthy cluster.
class StandInCluster
{
public:
    explicit StandInCluster(PresenterSession *session);
    ~StandInCluster();
    StandInCluster(const StandInCluster &) = delete;
    StandInCluster &operator=(const StandInCluster &) = delete;

    bool isListening() const { return !m_nodes.isEmpty(); } // false when a stand-in could not listen
    // Reports the three pods through the driver's statusChanged and starts polling.
    void start();

    CrdbStatusStandIn &standIn(int i) { return m_standIns.at(i); }
    // What every stand-in says about the cluster (liveness, addresses); change, then setNodes().
    QList<CrdbStatusStandIn::Node> &nodes() { return m_nodes; }
    NodeStatusClient *status() { return m_status.get(); }
    ClusterView *view() { return m_view.get(); }

private:
    PresenterSession *m_session;
    std::array<CrdbStatusStandIn, 3> m_standIns;
    QList<CrdbStatusStandIn::Node> m_nodes;
    std::unique_ptr<NodeStatusClient> m_status;
    std::unique_ptr<ClusterView> m_view;
};
