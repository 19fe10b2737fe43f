#pragma once

#include "time_chart.h"

#include "sources/cluster_driver.h"

// The presenter's charts, by store series name (FeedIngest and ClusterMetrics name them).
namespace chartspecs {
QList<ChartSpec> appCharts(); // requests/s, latency, errors, DB latency, load
QList<ChartSpec> clusterCharts(); // live nodes, ranges, replicas, leaseholders, SQL qps, SQL p99
QList<ChartSpec> kioskCharts(); // the few the audience needs
// The kiosk's p99 lines are the trailing mean over this window (ChartLine::smoothMs).
inline constexpr qint64 kioskP99WindowMs = 10000;
// Why this chart can have no data with this kind of cluster ("needs CockroachDB: not on the local
// stack" for CockroachDB metrics on the local stack), or empty: TimeChart::setUnavailableReason.
QString unavailableReason(const ChartSpec &spec, ClusterKind kind);
} // namespace chartspecs
