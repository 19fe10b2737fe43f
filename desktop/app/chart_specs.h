#pragma once

#include "time_chart.h"

// The presenter's charts, by store series name (FeedIngest and ClusterMetrics name them).
namespace chartspecs {
QList<ChartSpec> appCharts(); // requests/s, latency, errors, DB latency, load
QList<ChartSpec> clusterCharts(); // live nodes, ranges, replicas, leaseholders, SQL qps, SQL p99
QList<ChartSpec> kioskCharts(); // the few the audience needs
} // namespace chartspecs
