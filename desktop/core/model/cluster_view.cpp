#include "cluster_view.h"

#include "sources/port_forward_supervisor.h"

#include <QDateTime>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace presenter {

qint64 ClusterView::nowMs() const
{
    return m_clock ? m_clock->nowMs() : QDateTime::currentMSecsSinceEpoch();
}

ClusterView::ClusterView(ClusterDriver *driver, NodeStatusClient *status, QObject *parent)
    : QObject(parent), m_driver(driver), m_status(status)
{
    connect(driver, &ClusterDriver::statusChanged, this, &ClusterView::onStatus);
    connect(driver, &ClusterDriver::faultStarted, this, &ClusterView::onFaultStarted);
    connect(driver, &ClusterDriver::faultEnded, this, &ClusterView::onFaultEnded);
    connect(status, &NodeStatusClient::updated, this, &ClusterView::recompute);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (m_stopwatch.isRunning()) {
            Q_EMIT changed();
        }
    });
    m_tick.start();
    if (driver->status().valid) {
        m_pods = driver->status().pods;
    }
}

void ClusterView::followPodsWithForwards(
    PortForwardSupervisor *forwards, const QString &kubeNamespace, quint16 basePort)
{
    m_forwards = forwards;
    m_forwardNamespace = kubeNamespace;
    m_basePort = basePort;
    syncForwards();
}

void ClusterView::syncForwards()
{
    if (!m_forwards || m_basePort == 0) {
        return;
    }
    QList<std::pair<QString, QUrl>> endpoints;
    for (const ClusterDriver::PodStatus &pod : std::as_const(m_pods)) {
        const int ordinal = pod.name.section(u'-', -1).toInt();
        const auto port = static_cast<quint16>(m_basePort + ordinal);
        if (!m_forwarded.contains(pod.name)) {
            m_forwarded.insert(pod.name);
            m_forwards->addForward({pod.name + u"-http"_s, m_forwardNamespace, u"pod/"_s + pod.name, port, 8080});
        }
        endpoints.append({pod.name, QUrl(u"%1://127.0.0.1:%2"_s.arg(m_nodeUrlScheme).arg(port))});
    }
    m_status->setEndpoints(endpoints);
}

void ClusterView::onStatus(const ClusterDriver::ClusterStatus &status)
{
    if (!status.valid) {
        return;
    }
    m_pods = status.pods;
    syncForwards();
    recompute();
}

void ClusterView::onFaultStarted(int, const QString &pod, ClusterDriver::Fault)
{
    const qint64 now = nowMs();
    m_faulted.insert(pod);
    m_stopwatch.faultStarted(pod, now);
    if (!m_faultTally.isOpen()) {
        m_faultTally.begin(u"while %1 was down"_s.arg(pod), now);
    }
    recompute();
    askNodesSoon();
}

// The fault is known here before the next status round: ask the nodes now (a drained node answers
// not-ready at once) and again shortly (a killed process needs a moment to be gone).
void ClusterView::askNodesSoon()
{
    if (!m_status) {
        return;
    }
    m_status->pollNow();
    QTimer::singleShot(300, this, [status = QPointer<NodeStatusClient>(m_status)] {
        if (status) {
            status->pollNow();
        }
    });
}

void ClusterView::onFaultEnded(int, const QString &pod, ClusterDriver::Fault)
{
    m_faulted.remove(pod);
    if (m_faulted.isEmpty()) {
        m_faultTally.end(nowMs());
    }
    Q_EMIT changed();
    askNodesSoon();
}

void ClusterView::addTick(const FeedTick &tick)
{
    m_faultTally.addTick(tick);
    m_beatTally.addTick(tick);
    Q_EMIT changed();
}

void ClusterView::beatStarted(qint64 atMs)
{
    m_beatTally.begin(u"during this beat"_s, atMs);
    Q_EMIT changed();
}

void ClusterView::recompute()
{
    const qint64 now = nowMs();
    const NodeStatusSnapshot snap = m_status->snapshot();
    m_rows = nodeview::buildRows(m_pods, snap, now);
    m_summary = nodeview::summarize(m_rows, snap);
    QSet<QString> live;
    for (const NodeRow &row : std::as_const(m_rows)) {
        if (row.state == NodeRow::State::Up && !row.pod.isEmpty()) {
            live.insert(row.pod);
        }
    }
    m_stopwatch.observe(now, live, m_summary.underReplicatedRanges);
    Q_EMIT changed();
}

void ClusterView::reset()
{
    m_stopwatch.reset();
    m_faultTally = RequestTally {};
    m_beatTally = RequestTally {};
    m_faulted.clear();
    recompute();
}

QString ClusterView::stopwatchText() const
{
    return m_stopwatch.text(nowMs());
}

int ClusterView::nodesDown() const
{
    QSet<QString> down = m_faulted;
    if (m_driver) {
        const auto faults = m_driver->activeFaults();
        for (auto it = faults.cbegin(); it != faults.cend(); ++it) {
            down.insert(m_driver->podName(it.key()));
        }
    }
    for (const NodeRow &row : m_rows) {
        if (row.hasPod && row.state != NodeRow::State::Up) {
            down.insert(row.pod);
        }
    }
    return static_cast<int>(down.size());
}

} // namespace presenter
