#include "standins_follow_fake.h"

#include "fake_kube_api.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace {
constexpr int kRanges = 24; // RF 3 on 3 nodes: every node holds a replica of every range
constexpr int kLive = 3; // livenesspb NODE_STATUS_LIVE
constexpr int kSuspect = 2; // NODE_STATUS_UNAVAILABLE ("suspect" in DB Console)
} // namespace

QString StandInsFollowFake::advertiseAddress(int ordinal)
{
    return u"crdb-%1.crdb.crdb-evolution.svc.cluster.local:26257"_s.arg(ordinal);
}

StandInsFollowFake::StandInsFollowFake(FakeKubeApi *api, int nodes, const Options &options, QObject *parent)
    : QObject(parent), m_api(api), m_options(options)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < nodes; ++i) {
        m_standIns.append(new CrdbStatusStandIn(this));
        Node n;
        n.upSinceMs = now - 3'600'000; // a cluster that has run for an hour
        m_nodes.append(n);
    }
    m_timer.setInterval(m_options.pollMs);
    connect(&m_timer, &QTimer::timeout, this, &StandInsFollowFake::follow);
}

StandInsFollowFake::~StandInsFollowFake() = default;

bool StandInsFollowFake::listen()
{
    for (CrdbStatusStandIn *s : std::as_const(m_standIns)) {
        if (!s->listen()) {
            return false;
        }
    }
    return true;
}

void StandInsFollowFake::start()
{
    follow();
    publish();
    m_timer.start();
}

QList<std::pair<QString, QUrl>> StandInsFollowFake::endpoints() const
{
    QList<std::pair<QString, QUrl>> list;
    for (qsizetype i = 0; i < m_standIns.size(); ++i) {
        list.append({u"crdb-%1"_s.arg(i), m_standIns[i]->url()});
    }
    return list;
}

CrdbStatusStandIn::Mode StandInsFollowFake::mode(int ordinal) const
{
    return m_nodes.value(ordinal).mode;
}

qint64 StandInsFollowFake::suspectSinceMs(int ordinal) const
{
    return m_nodes.value(ordinal).suspectSinceMs;
}

void StandInsFollowFake::follow()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool changed = false;
    for (int i = 0; i < m_nodes.size(); ++i) {
        Node &n = m_nodes[i];
        const QString process = m_api->processState(i); // running, draining, stopped, held, restarting
        // A draining process still runs and heartbeats (its liveness stays live until it exits).
        const bool running = process == u"running"_s || process == u"draining"_s;
        using Mode = CrdbStatusStandIn::Mode;
        const Mode mode = process == u"stopped"_s ? Mode::Hung
            : !running                            ? Mode::Closed
            : process == u"draining"_s            ? Mode::Draining
            : m_api->ready(i)                     ? Mode::Serving
                                                  : Mode::NotReady;
        if (!running && n.notRunningSinceMs == 0) {
            n.notRunningSinceMs = now;
        } else if (running && n.notRunningSinceMs != 0) {
            n.notRunningSinceMs = 0;
            if (n.process != u"stopped"_s) {
                n.upSinceMs = now; // a new process; a continued one keeps its uptime
            }
        }
        n.process = process;
        if (mode != n.mode) {
            n.mode = mode;
            m_standIns[i]->setMode(mode);
            changed = true;
            Q_EMIT modeChanged(i, mode, now);
        }
        const int liveness
            = n.notRunningSinceMs != 0 && now - n.notRunningSinceMs >= m_options.suspectAfterMs ? kSuspect : kLive;
        if (liveness != n.liveness) {
            n.liveness = liveness;
            if (liveness == kSuspect) {
                n.suspectSinceMs = now;
            } else {
                n.suspectSinceMs = 0;
                n.liveAgainMs = now;
            }
            changed = true;
            Q_EMIT livenessChanged(i, liveness, now);
        }
    }
    // Catch-up ends without a state change of its own: publish while any node is catching up.
    for (const Node &n : std::as_const(m_nodes)) {
        if (n.liveAgainMs != 0 && now - n.liveAgainMs <= m_options.catchUpMs + m_options.pollMs) {
            changed = true;
        }
    }
    if (changed || now - m_publishedMs >= 1000) { // uptime moves on
        publish();
    }
}

void StandInsFollowFake::publish()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_publishedMs = now;
    QList<CrdbStatusStandIn::Node> nodes;
    int live = 0;
    int holders = 0; // live and caught up: the nodes holding the leases
    bool catchingUp = false;
    auto caughtUp = [&](const Node &n) { return n.liveAgainMs == 0 || now - n.liveAgainMs >= m_options.catchUpMs; };
    for (int i = 0; i < m_nodes.size(); ++i) {
        const Node &n = m_nodes[i];
        nodes.append({i + 1, advertiseAddress(i), n.liveness, n.upSinceMs * 1'000'000});
        live += n.liveness == kLive ? 1 : 0;
        holders += n.liveness == kLive && caughtUp(n) ? 1 : 0;
        catchingUp = catchingUp || (n.liveness == kLive && !caughtUp(n));
    }
    // Ranges lacking a live replica: all of them while any node is suspect (each node holds one
    // of every range), and until the returned node has caught up. Unavailable when the live
    // replicas are no majority. Each range is counted once, by its leaseholder's store; a returned
    // node gets its leases back only once caught up, so the per-node gauges never sum to more
    // than the ranges there are.
    const int total = static_cast<int>(m_nodes.size());
    const bool under = live < total || catchingUp;
    const bool unavailable = live * 2 <= total;
    for (int i = 0; i < total; ++i) {
        const Node &n = m_nodes[i];
        m_standIns[i]->setNodes(nodes);
        if (n.liveness != kLive) {
            continue; // not answering; what it served last no longer matters
        }
        const double share = caughtUp(n) && holders > 0 ? double(kRanges) / holders : 0;
        m_standIns[i]->setVars(i + 1, advertiseAddress(i), kRanges, kRanges, share, under ? share : 0,
            unavailable ? share : 0, double(now - n.upSinceMs) / 1000);
    }
}
