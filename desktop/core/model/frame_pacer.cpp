#include "frame_pacer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace presenter {

namespace framepacer {

qint64 pixelPeriodMs(qint64 windowMs, int plotWidthPx, qint64 minMs, qint64 maxMs)
{
    if (plotWidthPx <= 0 || windowMs <= 0) {
        return minMs;
    }
    return std::clamp(windowMs / plotWidthPx, minMs, std::max(minMs, maxMs));
}

QList<int> dueCharts(const QList<ChartState> &charts, qint64 nowMs)
{
    struct Due
    {
        int index;
        qint64 overdueMs;
    };
    QList<Due> due;
    for (int i = 0; i < charts.size(); ++i) {
        const ChartState &c = charts[i];
        if (c.lastDrawnMs < 0) {
            due.append({i, std::numeric_limits<qint64>::max()});
            continue;
        }
        if (c.urgent) {
            due.append({i, std::numeric_limits<qint64>::max() - 1});
            continue;
        }
        const qint64 overdue = nowMs - c.lastDrawnMs - c.periodMs;
        if (overdue >= 0 && (c.changed || c.moving)) {
            due.append({i, overdue});
        }
    }
    std::stable_sort(due.begin(), due.end(), [](const Due &a, const Due &b) { return a.overdueMs > b.overdueMs; });
    QList<int> out;
    out.reserve(due.size());
    for (const Due &d : std::as_const(due)) {
        out.append(d.index);
    }
    return out;
}

int chartsPerFrame(double budgetMs, double averageChartMs)
{
    if (!(averageChartMs > 0) || !std::isfinite(averageChartMs) || !(budgetMs > 0)) {
        return 1;
    }
    return std::max(1, int(std::floor(budgetMs / averageChartMs)));
}

} // namespace framepacer

} // namespace presenter
