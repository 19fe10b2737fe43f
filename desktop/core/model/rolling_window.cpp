#include "rolling_window.h"

#include <cmath>

namespace presenter {

namespace rollingwindow {

QList<QPointF> trailingMean(const QList<QPointF> &points, qint64 windowMs)
{
    if (windowMs <= 0) {
        return points;
    }
    QList<QPointF> out;
    out.reserve(points.size());
    // A running sum over [first, i]: O(n) for any window. Restarted at each gap.
    qsizetype first = 0;
    double sum = 0;
    const double window = double(windowMs);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const QPointF &p = points[i];
        if (std::isnan(p.y())) {
            out.append(p);
            first = i + 1;
            sum = 0;
            continue;
        }
        sum += p.y();
        while (points[first].x() <= p.x() - window) {
            sum -= points[first].y();
            ++first;
        }
        out.append(QPointF(p.x(), sum / double(i - first + 1)));
    }
    return out;
}

} // namespace rollingwindow

} // namespace presenter
