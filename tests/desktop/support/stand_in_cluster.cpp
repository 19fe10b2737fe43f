#include "stand_in_cluster.h"

#include "session/presenter_session.h"

using namespace Qt::StringLiterals;

using namespace presenter;

StandInCluster::StandInCluster(PresenterSession *session) : m_session(session)
{
    m_nodes = startHealthyCluster(m_standIns);
    m_status = std::make_unique<NodeStatusClient>();
    m_status->setIntervalMs(200);
    m_status->setVarsIntervalMs(200);
    m_status->setTimeoutMs(500);
    m_status->setEndpoints(
        {{u"crdb-0"_s, m_standIns[0].url()}, {u"crdb-1"_s, m_standIns[1].url()}, {u"crdb-2"_s, m_standIns[2].url()}});
    m_view = std::make_unique<ClusterView>(m_session->cluster(), m_status.get());
    m_view->setReplicationFactor(3);
}

StandInCluster::~StandInCluster()
{
    m_status->stop();
}

void StandInCluster::start()
{
    ClusterDriver::ClusterStatus pods;
    pods.valid = true;
    pods.desiredNodes = pods.readyNodes = 3;
    for (int i = 0; i < 3; ++i) {
        pods.pods.append({u"crdb-%1"_s.arg(i), u"Running"_s, true, 0});
    }
    Q_EMIT m_session->cluster()->statusChanged(pods);
    m_status->start();
}
