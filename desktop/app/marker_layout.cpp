#include "marker_layout.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace markerlayout {

QString elide(const QString &text, double maxWidth, const TextWidth &width)
{
    if (width(text) <= maxWidth) {
        return text;
    }
    // Binary search on the kept prefix: widths grow with the prefix.
    qsizetype lo = 0;
    qsizetype hi = text.size();
    while (lo < hi) {
        const qsizetype mid = (lo + hi + 1) / 2;
        if (width(text.left(mid).trimmed() + u"…"_s) <= maxWidth) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo == 0 ? QString() : text.left(lo).trimmed() + u"…"_s;
}

QList<Label> layout(const QRectF &plot, const QList<Marker> &markers, const TextWidth &width, const Style &style)
{
    QList<Label> placed;
    if (plot.width() <= 0 || plot.height() <= 0) {
        return placed;
    }
    const int rows = std::min(style.maxRows, static_cast<int>(plot.height() / std::max(1.0, style.rowHeight)));
    const double widest = plot.width() * style.maxWidthShare;
    auto fits = [&](const QRectF &r) {
        if (r.left() < plot.left() || r.right() > plot.right() || r.top() < plot.top() || r.bottom() > plot.bottom()) {
            return false;
        }
        const QRectF padded = r.adjusted(-style.gap / 2, 0, style.gap / 2, 0);
        return std::none_of(placed.cbegin(), placed.cend(), [&](const Label &l) { return l.rect.intersects(padded); });
    };
    for (qsizetype i = markers.size() - 1; i >= 0; --i) {
        const Marker &m = markers[i];
        if (m.x < plot.left() || m.x > plot.right()) {
            continue;
        }
        QStringList candidates;
        for (double share : {1.0, 0.6, 0.35}) {
            const QString t = elide(m.text, widest * share, width);
            if (!t.isEmpty() && !candidates.contains(t)) {
                candidates.append(t);
            }
        }
        bool done = false;
        for (const QString &text : std::as_const(candidates)) {
            const double w = width(text) + 2 * style.padding;
            for (int row = 0; row < rows && !done; ++row) {
                const double top = plot.top() + 1 + row * style.rowHeight;
                // Beside its line (right, then left), and only then pushed inside the plot.
                const double right = m.x + 1;
                const double left = m.x - 1 - w;
                const double inside = std::clamp(right, plot.left(), plot.right() - w);
                for (const double x : {right, left, inside}) {
                    const QRectF r(x, top, w, style.rowHeight - 1);
                    if (fits(r)) {
                        placed.append({i, r, text});
                        done = true;
                        break;
                    }
                }
            }
            if (done) {
                break;
            }
        }
    }
    return placed;
}

} // namespace markerlayout

} // namespace presenter
