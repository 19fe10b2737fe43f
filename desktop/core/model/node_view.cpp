#include "node_view.h"

#include <QScopeGuard>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace nodeview {

bool addressNamesPod(const QString &address, const QString &pod)
{
    if (pod.isEmpty()) {
        return false;
    }
    QString host = address;
    if (host.startsWith(u'[')) {
        return false; // an IPv6 literal names no pod
    }
    const qsizetype colon = host.lastIndexOf(u':');
    if (colon >= 0) {
        host.truncate(colon);
    }
    return host.section(u'.', 0, 0) == pod;
}

QString formatDuration(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 60) {
        return u"%1 s"_s.arg(s);
    }
    if (s < 3600) {
        return u"%1 min %2 s"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
    }
    return u"%1 h %2 min"_s.arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar(u'0'));
}

namespace {

void fillFromNode(NodeRow &row, const CrdbNode &node, qint64 nodesAtMs, qint64 nowMs)
{
    row.nodeId = node.nodeId;
    row.address = node.address;
    row.liveness = node.liveness;
    row.hasLiveness = true;
    row.livenessAgeMs = nodesAtMs > 0 ? std::max<qint64>(0, nowMs - nodesAtMs) : 0;
    row.livenessStale = nodesAtMs > 0 && row.livenessAgeMs > kNodesStaleMs;
    if (node.startedAtNs > 0 && !row.uptimeS) {
        row.uptimeS = std::max<qint64>(0, nowMs / 1000 - node.startedAtNs / 1000000000);
    }
}

void decideState(NodeRow &row, qint64 nowMs)
{
    const QString since
        = row.endpointSinceMs > 0 ? u" (%1)"_s.arg(formatDuration(nowMs - row.endpointSinceMs)) : QString();
    const QString crdb = row.hasLiveness ? livenessName(row.liveness) : QString();
    switch (row.endpoint) {
    case NodeEndpoint::Health::Unreachable:
        row.state = NodeRow::State::Down;
        row.stateText = u"DOWN: "_s + row.endpointError + since;
        row.shortState = row.endpointError.startsWith(u"connection refused"_s) ? u"DOWN: refused"_s
            : row.endpointError.startsWith(u"no answer"_s)                     ? u"DOWN: no answer"_s
                                                                               : u"DOWN"_s;
        if (row.endpointSinceMs > 0) {
            row.shortState += u" · "_s + formatDuration(nowMs - row.endpointSinceMs);
        }
        // CockroachDB keeps a stopped node "live" until its liveness record expires: say so; but a
        // node list nobody could refresh (no node live) says nothing about now.
        if (row.hasLiveness && row.livenessStale) {
            row.stateText += u"; CockroachDB said %1 %2 ago (no node can list the nodes now)"_s.arg(
                crdb, formatDuration(row.livenessAgeMs));
        } else if (row.hasLiveness && row.liveness == CrdbLiveness::Live) {
            row.stateText += u"; CockroachDB still says live (liveness not expired yet)"_s;
        } else if (!crdb.isEmpty()) {
            row.stateText += u"; CockroachDB says "_s + crdb;
        }
        return;
    case NodeEndpoint::Health::NotReady: {
        // The process answers: it runs. Why it is not ready decides what the audience reads.
        const ReadinessFailure why = classifyReadinessFailure(row.endpointError);
        const QString shortSince
            = row.endpointSinceMs > 0 ? u" · "_s + formatDuration(nowMs - row.endpointSinceMs) : QString();
        // What CockroachDB's node list says, and how old that word is.
        const QString crdbSays = crdb.isEmpty() ? u"; no CockroachDB node list"_s
            : row.livenessStale ? u"; CockroachDB said %1 %2 ago (no node can list the nodes now)"_s.arg(
                  crdb, formatDuration(row.livenessAgeMs))
                                : u"; CockroachDB says "_s + crdb;
        const bool listSaysLive = row.hasLiveness && !row.livenessStale
            && (row.liveness == CrdbLiveness::Live || row.liveness == CrdbLiveness::Draining
                || row.liveness == CrdbLiveness::Starting);
        const bool listSaysNotLive = row.hasLiveness && !row.livenessStale
            && (row.liveness == CrdbLiveness::Suspect || row.liveness == CrdbLiveness::Dead
                || row.liveness == CrdbLiveness::Unknown);
        if (why == ReadinessFailure::NotLive || (why != ReadinessFailure::Draining && listSaysNotLive)) {
            row.state = NodeRow::State::NotLive;
            row.stateText = u"RUNNING, NOT LIVE: the process answers but cannot prove its liveness"_s + since + u" ("_s
                + row.endpointError + u")"_s + crdbSays;
            row.shortState = u"running · not live"_s + shortSince;
            return;
        }
        if (why == ReadinessFailure::Draining
            || (row.hasLiveness && !row.livenessStale && row.liveness == CrdbLiveness::Draining)) {
            row.state = NodeRow::State::Draining;
            row.stateText = u"DRAINING: the process runs and still serves SQL, readiness fails"_s + since
                + u" (node is shutting down)"_s + (listSaysLive ? u"; CockroachDB still says "_s + crdb : crdbSays);
            row.shortState = u"draining"_s + shortSince;
            return;
        }
        row.state = NodeRow::State::NotReady;
        row.stateText = u"not ready"_s + since + (crdb.isEmpty() ? QString() : u"; CockroachDB says "_s + crdb);
        row.shortState = u"not ready"_s;
        return;
    }
    case NodeEndpoint::Health::Ready:
    case NodeEndpoint::Health::Unknown:
        break;
    }
    const auto finish = qScopeGuard([&row] {
        if (row.shortState.isEmpty()) {
            row.shortState = row.stateText;
        }
    });
    if (!row.hasLiveness) {
        row.state = row.endpoint == NodeEndpoint::Health::Ready ? NodeRow::State::Up : NodeRow::State::Unknown;
        row.stateText
            = row.endpoint == NodeEndpoint::Health::Ready ? u"ready (no cluster view yet)"_s : u"no status yet"_s;
        if (!row.hasPod) {
            row.stateText = u"no status"_s;
        }
        return;
    }
    switch (row.liveness) {
    case CrdbLiveness::Live:
        row.state
            = row.endpoint == NodeEndpoint::Health::Ready || !row.hasPod ? NodeRow::State::Up : NodeRow::State::Unknown;
        row.stateText = u"live"_s;
        return;
    case CrdbLiveness::Dead:
    case CrdbLiveness::Decommissioned:
        row.state = NodeRow::State::Down;
        row.stateText = crdb;
        return;
    case CrdbLiveness::Suspect:
    case CrdbLiveness::Draining:
    case CrdbLiveness::Decommissioning:
        row.state = NodeRow::State::Suspect;
        row.stateText = crdb;
        return;
    case CrdbLiveness::Starting:
    case CrdbLiveness::Unknown:
        row.state = NodeRow::State::NotReady;
        row.stateText = crdb;
        return;
    }
}

} // namespace

QList<NodeRow> buildRows(const QList<ClusterDriver::PodStatus> &pods, const NodeStatusSnapshot &status, qint64 nowMs)
{
    QList<NodeRow> rows;
    QList<bool> used(status.nodes.size(), false);
    auto nodeIndexById = [&](int id) {
        for (qsizetype i = 0; i < status.nodes.size(); ++i) {
            if (status.nodes[i].nodeId == id) {
                return i;
            }
        }
        return qsizetype(-1);
    };
    for (const ClusterDriver::PodStatus &pod : pods) {
        NodeRow row;
        row.pod = pod.name;
        row.ordinal = pod.name.section(u'-', -1).toInt();
        row.hasPod = true;
        row.podPhase = pod.phase;
        row.podReady = pod.ready;
        row.restarts = pod.restarts;
        const NodeEndpoint *endpoint = nullptr;
        for (const NodeEndpoint &e : status.endpoints) {
            if (e.pod == pod.name) {
                endpoint = &e;
            }
        }
        if (endpoint) {
            row.endpoint = endpoint->health;
            row.endpointError = endpoint->error;
            row.endpointSinceMs = endpoint->sinceMs;
            const bool fresh = endpoint->health == NodeEndpoint::Health::Ready && endpoint->varsAtMs > 0
                && nowMs - endpoint->varsAtMs <= kVarsStaleMs;
            if (fresh) {
                const NodeVars &v = endpoint->vars;
                row.ranges = v.ranges;
                row.replicas = v.replicas;
                row.leaseholders = v.leaseholders;
                row.underReplicated = v.underReplicated;
                row.unavailable = v.unavailable;
                if (v.uptimeS) {
                    row.uptimeS = static_cast<qint64>(*v.uptimeS);
                }
            }
            // The pod's own word on which node it is, checked against the cluster's address.
            if (endpoint->vars.nodeId) {
                const qsizetype i = nodeIndexById(*endpoint->vars.nodeId);
                if (i >= 0 && addressNamesPod(status.nodes[i].address, pod.name)) {
                    fillFromNode(row, status.nodes[i], status.nodesAtMs, nowMs);
                    row.matchedBy = u"node id and address"_s;
                    used[i] = true;
                } else if (i >= 0) {
                    row.mismatch = u"%1 says it is node %2, but CockroachDB lists node %2 at %3"_s.arg(pod.name)
                                       .arg(*endpoint->vars.nodeId)
                                       .arg(status.nodes[i].address);
                }
            }
        }
        if (row.matchedBy.isEmpty() && row.mismatch.isEmpty()) {
            for (qsizetype i = 0; i < status.nodes.size(); ++i) {
                if (!used[i] && addressNamesPod(status.nodes[i].address, pod.name)) {
                    fillFromNode(row, status.nodes[i], status.nodesAtMs, nowMs);
                    row.matchedBy = u"address"_s;
                    used[i] = true;
                    break;
                }
            }
        }
        if (row.endpoint != NodeEndpoint::Health::Ready) {
            row.uptimeS.reset(); // a node that does not answer has no uptime to show
        }
        decideState(row, nowMs);
        rows.append(row);
    }
    QList<qsizetype> rest;
    for (qsizetype i = 0; i < status.nodes.size(); ++i) {
        if (!used[i]) {
            rest.append(i);
        }
    }
    std::sort(rest.begin(), rest.end(),
        [&](qsizetype a, qsizetype b) { return status.nodes[a].nodeId < status.nodes[b].nodeId; });
    for (qsizetype i : rest) {
        NodeRow row;
        fillFromNode(row, status.nodes[i], status.nodesAtMs, nowMs);
        row.uptimeS.reset();
        decideState(row, nowMs);
        rows.append(row);
    }
    return rows;
}

ClusterSummary summarize(const QList<NodeRow> &rows, const NodeStatusSnapshot &status)
{
    ClusterSummary s;
    s.clusterViewKnown = status.nodesAtMs > 0;
    for (const NodeRow &row : rows) {
        // A decommissioned node without a pod is history, not a node of this cluster.
        if (!row.hasPod && row.liveness == CrdbLiveness::Decommissioned) {
            continue;
        }
        ++s.nodes;
        if (row.state == NodeRow::State::Up) {
            ++s.liveNodes;
        }
        if (row.underReplicated || row.unavailable) {
            ++s.reporting;
        }
        // Each range is counted by exactly one store: its leaseholder if live, else its first live
        // replica (pkg/kv/kvserver/replica_metrics.go, calcRangeCounter), so the sum is the cluster's.
        if (row.underReplicated) {
            s.underReplicatedRanges = s.underReplicatedRanges.value_or(0) + *row.underReplicated;
        }
        if (row.unavailable) {
            s.unavailableRanges = s.unavailableRanges.value_or(0) + *row.unavailable;
        }
    }
    return s;
}

bool losesMajority(int replicationFactor, int down)
{
    if (replicationFactor <= 0) {
        return true;
    }
    // A range keeps a quorum while fewer than half its replicas (rounded up) are down: RF 3 keeps
    // it with 1 down, loses it with 2; RF 5 with 2, loses it with 3.
    const int tolerated = (replicationFactor - 1) / 2;
    return down + 1 > tolerated;
}

} // namespace nodeview

} // namespace presenter
