#include "decimation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace presenter {

QList<QPointF> reduceMinMax(const QList<QPointF> &points, double t0, double t1, int pixelColumns)
{
    QList<QPointF> out;
    if (pixelColumns < 1 || !(t1 > t0)) {
        return out;
    }
    out.reserve(std::min<qsizetype>(points.size(), 2 * static_cast<qsizetype>(pixelColumns) + 8));
    const double scale = pixelColumns / (t1 - t0);

    // The column being accumulated: its first min and first max point.
    int column = -1;
    QPointF lo, hi;
    bool pendingGap = false;
    auto flush = [&] {
        if (column < 0) {
            return;
        }
        if (lo == hi) {
            out.append(lo);
        } else if (lo.x() <= hi.x()) {
            out.append(lo);
            out.append(hi);
        } else {
            out.append(hi);
            out.append(lo);
        }
        column = -1;
    };

    for (const QPointF &p : points) {
        if (p.x() < t0 || p.x() > t1) {
            continue;
        }
        if (std::isnan(p.y())) {
            flush();
            pendingGap = !out.isEmpty();
            continue;
        }
        const int c = std::min(pixelColumns - 1, static_cast<int>((p.x() - t0) * scale));
        if (c != column) {
            flush();
            if (pendingGap) {
                out.append(QPointF(p.x(), std::numeric_limits<double>::quiet_NaN()));
                pendingGap = false;
            }
            column = c;
            lo = hi = p;
            continue;
        }
        if (p.y() < lo.y()) {
            lo = p;
        }
        if (p.y() > hi.y()) {
            hi = p;
        }
    }
    flush();
    return out;
}

QList<QList<QPointF>> splitAtGaps(const QList<QPointF> &points)
{
    QList<QList<QPointF>> segments;
    QList<QPointF> current;
    for (const QPointF &p : points) {
        if (std::isnan(p.y())) {
            if (!current.isEmpty()) {
                segments.append(std::move(current));
                current = {};
            }
            continue;
        }
        current.append(p);
    }
    if (!current.isEmpty()) {
        segments.append(std::move(current));
    }
    return segments;
}

} // namespace presenter
