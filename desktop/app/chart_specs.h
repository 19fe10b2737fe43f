#pragma once

#include "time_chart.h"

#include "config/chart_catalog.h"
#include "sources/cluster_driver.h"

namespace presenter {

// The presenter's charts as widgets: each chart of the catalog (config/chart_catalog.h: id, title,
// unit, source) with its lines, by store series name (FeedIngest and ClusterMetrics name them).
namespace chartspecs {
QList<ChartSpec> appCharts(); // the catalog's app-feed charts: requests/s, latency, errors, DB latency, load
QList<ChartSpec>
clusterCharts(); // its CockroachDB charts: live nodes, ranges, replicas, leaseholders, SQL qps, SQL p99
QList<ChartSpec> kioskCharts(); // the few the audience needs
// The kiosk's p99 lines are the trailing mean over this window (ChartLine::smoothMs).
inline constexpr qint64 kioskP99WindowMs = chartcatalog::kKioskP99WindowMs;
// Why this chart can have no data with this kind of cluster ("needs CockroachDB: not on the local
// stack" for CockroachDB metrics on the local stack), or empty: TimeChart::setUnavailableReason.
QString unavailableReason(const ChartSpec &spec, ClusterKind kind);
} // namespace chartspecs

} // namespace presenter
