#include "heal_stopwatch.h"

#include "node_view.h"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

void HealStopwatch::faultStarted(const QString &pod, qint64 atMs)
{
    if (!isRunning()) {
        m_pods.clear();
        m_startMs = atMs;
        m_stopMs = 0;
        m_sawUnder = false;
        m_maxUnder = 0;
        m_lastUnder.reset();
    }
    m_pods.insert(pod);
    m_backMs = 0;
    m_phase = Phase::NodeDown;
}

void HealStopwatch::observe(qint64 atMs, const QSet<QString> &livePods, std::optional<double> underReplicated)
{
    if (!isRunning() || atMs < m_startMs) {
        return;
    }
    if (underReplicated) {
        m_lastUnder = underReplicated;
        if (*underReplicated > 0) {
            m_sawUnder = true;
            m_maxUnder = std::max(m_maxUnder, *underReplicated);
        }
    }
    bool allBack = true;
    for (const QString &pod : std::as_const(m_pods)) {
        allBack = allBack && livePods.contains(pod);
    }
    if (!allBack) {
        m_backMs = 0; // down (again): the wait for ranges starts when it is back
        m_phase = Phase::NodeDown;
        return;
    }
    if (m_backMs == 0) {
        m_backMs = atMs;
    }
    m_phase = Phase::WaitingForRanges;
    if (!underReplicated || *underReplicated > 0) {
        return;
    }
    if (m_sawUnder) {
        m_phase = Phase::Healed;
        m_stopMs = atMs;
    } else if (atMs - m_backMs >= m_settleMs) {
        m_phase = Phase::BackWithoutUnderReplication;
        m_stopMs = m_backMs;
    }
}

qint64 HealStopwatch::elapsedMs(qint64 nowMs) const
{
    if (m_phase == Phase::Idle) {
        return 0;
    }
    return std::max<qint64>(0, (isRunning() ? nowMs : m_stopMs) - m_startMs);
}

std::optional<qint64> HealStopwatch::nodeBackAfterMs() const
{
    if (m_backMs == 0) {
        return std::nullopt;
    }
    return m_backMs - m_startMs;
}

QString HealStopwatch::podsText() const
{
    QStringList pods(m_pods.begin(), m_pods.end());
    pods.sort();
    return pods.join(u", "_s);
}

QString HealStopwatch::text(qint64 nowMs) const
{
    const QString pods = podsText();
    const QString back = m_backMs > 0 ? nodeview::formatDuration(m_backMs - m_startMs) : QString();
    switch (m_phase) {
    case Phase::Idle:
        return u"no fault yet"_s;
    case Phase::NodeDown:
        return u"%1 down: %2"_s.arg(pods, nodeview::formatDuration(elapsedMs(nowMs)));
    case Phase::WaitingForRanges:
        if (m_lastUnder && *m_lastUnder > 0) {
            return u"%1 back after %2; %3 ranges under-replicated: %4"_s.arg(pods, back)
                .arg(*m_lastUnder, 0, 'f', 0)
                .arg(nodeview::formatDuration(elapsedMs(nowMs)));
        }
        return u"%1 back after %2; watching under-replicated ranges: %3"_s.arg(
            pods, back, nodeview::formatDuration(elapsedMs(nowMs)));
    case Phase::Healed:
        return u"healed in %1 (%2 back after %3; up to %4 ranges were under-replicated)"_s
            .arg(nodeview::formatDuration(elapsedMs(nowMs)), pods, back)
            .arg(m_maxUnder, 0, 'f', 0);
    case Phase::BackWithoutUnderReplication:
        return u"%1 back after %2; no range was under-replicated"_s.arg(pods, back);
    }
    return {};
}

} // namespace presenter
