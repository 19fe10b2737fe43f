#pragma once

#include "heal_stopwatch.h"
#include "node_view.h"
#include "request_tally.h"
#include "session_clock.h"

#include "sources/cluster_driver.h"
#include "sources/feed_messages.h"
#include "sources/node_status_client.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace presenter {

class PortForwardSupervisor;

// What the audience sees of the cluster, kept in one place for both windows: the node rows
// (Kubernetes' pods joined with CockroachDB's fast-path view), the summary numbers, the heal
// stopwatch and the app's experience during the current fault and the current beat.
//
// Inputs: ClusterDriver (statusChanged, faultStarted, faultEnded), NodeStatusClient (updated),
// feed ticks (addTick) and beat starts (beatStarted). Optionally follows the driver's pods with one
// `kubectl port-forward pod/crdb-N <base+N>:8080` each (followPodsWithForwards): a forward per pod
// because the fast path must reach each node itself (a Service would answer from any node and hide
// the one that is down), and a port per ordinal so a pod keeps its port across restarts.
//
// Threading: GUI thread only. Emits changed() after every recomputation and once a second while
// the stopwatch runs.
class ClusterView : public QObject
{
    Q_OBJECT
public:
    ClusterView(ClusterDriver *driver, NodeStatusClient *status, QObject *parent = nullptr);

    void setReplicationFactor(int rf) { m_replicationFactor = rf; }
    // The session's clock (the wall clock when none is set): the stopwatch and tallies use it.
    void setClock(const SessionClock *clock) { m_clock = clock; }
    // Forgets the fault, the stopwatch and the tallies (a replay seeking backwards); the node rows
    // follow the next status.
    void reset();
    int replicationFactor() const { return m_replicationFactor; }
    HealStopwatch &stopwatch() { return m_stopwatch; }
    // Adds a forward per pod to `forwards` as pods appear and points the status client at them.
    void followPodsWithForwards(PortForwardSupervisor *forwards, const QString &kubeNamespace, quint16 basePort);
    // "https" for a secure cluster (its HTTP port speaks TLS), "http" by default; set before following.
    void setNodeUrlScheme(const QString &scheme) { m_nodeUrlScheme = scheme; }
    QString nodeUrlScheme() const { return m_nodeUrlScheme; }

    const QList<NodeRow> &rows() const { return m_rows; }
    const ClusterSummary &summary() const { return m_summary; }
    const HealStopwatch &stopwatch() const { return m_stopwatch; }
    const RequestTally &faultTally() const { return m_faultTally; }
    const RequestTally &beatTally() const { return m_beatTally; }
    QString stopwatchText() const;
    // Nodes down now, by the fast path or an active fault: the majority rule's input.
    int nodesDown() const;
    bool wouldLoseMajority() const { return nodeview::losesMajority(m_replicationFactor, nodesDown()); }
    NodeStatusClient *statusClient() const { return m_status; }

public Q_SLOTS:
    void addTick(const FeedTick &tick);
    void beatStarted(qint64 atMs);
    void recompute();

Q_SIGNALS:
    void changed();

private:
    void askNodesSoon();
    void onStatus(const ClusterDriver::ClusterStatus &status);
    void onFaultStarted(int ordinal, const QString &pod, ClusterDriver::Fault fault);
    void onFaultEnded(int ordinal, const QString &pod, ClusterDriver::Fault fault);
    void syncForwards();

    QPointer<ClusterDriver> m_driver;
    NodeStatusClient *m_status;
    QList<ClusterDriver::PodStatus> m_pods;
    QList<NodeRow> m_rows;
    ClusterSummary m_summary;
    HealStopwatch m_stopwatch;
    RequestTally m_faultTally, m_beatTally;
    QSet<QString> m_faulted; // pods with a fault started and not ended
    int m_replicationFactor = 3;
    QTimer m_tick;
    QPointer<PortForwardSupervisor> m_forwards;
    QString m_forwardNamespace;
    quint16 m_basePort = 0;
    QString m_nodeUrlScheme {QStringLiteral("http")};
    QSet<QString> m_forwarded;
    const SessionClock *m_clock = nullptr;
    qint64 nowMs() const;
};

} // namespace presenter
