#include "load_summary.h"

#include <algorithm>
#include <cmath>

namespace presenter {

void LoadAccumulator::addTick(const FeedTick &tick)
{
    if (m_ticks == 0) {
        m_firstMs = tick.tsMs;
    }
    ++m_ticks;
    m_lastMs = std::max(m_lastMs, tick.tsMs);
    m_intervalMs = tick.intervalMs;
    if (tick.load.targetRps > 0) {
        ++m_loadTicks;
        m_loadMs += tick.intervalMs;
        m_targetSum += tick.load.targetRps;
        m_achievedSum += tick.load.achievedRps;
    }
    if (m_lastDroppedTotal >= 0 && tick.load.droppedTotal > m_lastDroppedTotal) {
        m_dropped += tick.load.droppedTotal - m_lastDroppedTotal;
    }
    m_lastDroppedTotal = tick.load.droppedTotal;
    for (auto it = tick.routes.cbegin(); it != tick.routes.cend(); ++it) {
        m_requests += it.value().count;
        m_failed += it.value().errors;
        Route &r = m_routes[it.key()];
        if (it.value().p50Ms) {
            r.p50.push_back(*it.value().p50Ms);
        }
        if (it.value().p95Ms) {
            r.p95.push_back(*it.value().p95Ms);
        }
        if (it.value().p99Ms) {
            r.p99.push_back(*it.value().p99Ms);
        }
    }
}

std::optional<double> LoadAccumulator::meanTargetRps() const
{
    if (m_loadTicks == 0) {
        return std::nullopt;
    }
    return m_targetSum / m_loadTicks;
}

std::optional<double> LoadAccumulator::meanAchievedRps() const
{
    if (m_loadTicks == 0) {
        return std::nullopt;
    }
    return m_achievedSum / m_loadTicks;
}

std::optional<double> LoadAccumulator::successPercent() const
{
    if (m_requests <= 0) {
        return std::nullopt;
    }
    return 100.0 * double(m_requests - m_failed) / double(m_requests);
}

QList<LoadAccumulator::RouteLatency> LoadAccumulator::routeLatencies() const
{
    QList<RouteLatency> out;
    for (auto it = m_routes.cbegin(); it != m_routes.cend(); ++it) {
        RouteLatency r;
        r.route = it.key();
        r.intervals = int(it.value().p99.size());
        r.medianP50Ms = nearestRank(it.value().p50, 0.5);
        r.medianP95Ms = nearestRank(it.value().p95, 0.5);
        r.p95OfP99Ms = nearestRank(it.value().p99, 0.95);
        r.maxP99Ms = nearestRank(it.value().p99, 1.0);
        out.append(r);
    }
    return out;
}

std::optional<double> nearestRank(std::vector<double> values, double q)
{
    if (values.empty()) {
        return std::nullopt;
    }
    const auto n = values.size();
    const auto rank = std::clamp<size_t>(static_cast<size_t>(std::ceil(q * double(n))), 1, n);
    const auto at = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(values.begin(), at, values.end());
    return *at;
}

} // namespace presenter
