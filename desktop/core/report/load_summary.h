#pragma once

#include "sources/feed_messages.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>
#include <vector>

namespace presenter {

// The load over a whole session, from the sample app's feed ticks (sampleapp/PROTOCOL.md,
// "Timeline feed"). Kept apart from the charts' TimeSeriesStore on purpose: the store only keeps
// the charts' window (10 minutes by default), so a "mean over the session" read from it at the end
// of a 40-minute talk would silently describe the last 10 minutes.
//
// What the numbers are, honestly:
//  - target / achieved: the means of the ticks' load.target_rps / load.achieved_rps over the ticks
//    where a target was set (load running); idle time is not averaged in.
//  - dropped: operations the load generator could not start (load.dropped_total), summed over the
//    increases between consecutive ticks (a restarted app resets its counter: never negative).
//  - requests and failures: every route's count and errors per tick (HTTP and internal load alike),
//    as RequestTally counts them.
//  - latency: the feed carries one p50 / p95 / p99 per route and tick interval (1 s by default,
//    APP_TICK_MS): percentiles *of each interval*, not of the session's requests. The summary gives
//    the median of the per-interval p50 and p95, and the 95th percentile and the maximum of the
//    per-interval p99; an interval without requests has no percentile and is skipped.
//
// Pure: ticks come from the caller.
class LoadAccumulator
{
public:
    void addTick(const FeedTick &tick);

    int ticks() const { return m_ticks; }
    qint64 firstMs() const { return m_firstMs; }
    qint64 lastMs() const { return m_lastMs; }
    int tickIntervalMs() const { return m_intervalMs; } // the latest tick's interval
    int loadTicks() const { return m_loadTicks; } // ticks with a target set
    qint64 loadMs() const { return m_loadMs; } // their intervals summed
    std::optional<double> meanTargetRps() const;
    std::optional<double> meanAchievedRps() const;
    qint64 dropped() const { return m_dropped; }
    qint64 requests() const { return m_requests; }
    qint64 failed() const { return m_failed; }
    std::optional<double> successPercent() const;

    struct RouteLatency
    {
        QString route;
        int intervals = 0; // intervals with a p99
        std::optional<double> medianP50Ms, medianP95Ms, p95OfP99Ms, maxP99Ms;
    };
    QList<RouteLatency> routeLatencies() const; // by route name

private:
    struct Route
    {
        std::vector<double> p50, p95, p99;
    };
    int m_ticks = 0;
    qint64 m_firstMs = 0, m_lastMs = 0;
    int m_intervalMs = 0;
    int m_loadTicks = 0;
    qint64 m_loadMs = 0;
    double m_targetSum = 0, m_achievedSum = 0;
    qint64 m_lastDroppedTotal = -1;
    qint64 m_dropped = 0;
    qint64 m_requests = 0, m_failed = 0;
    QMap<QString, Route> m_routes;
};

// The value at quantile q (0..1) of `values` by the nearest-rank rule (the smallest value with at
// least q of the values at or below it); nothing for an empty list.
std::optional<double> nearestRank(std::vector<double> values, double q);

} // namespace presenter
