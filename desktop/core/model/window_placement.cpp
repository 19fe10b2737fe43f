#include "window_placement.h"

#include <algorithm>

namespace presenter {

namespace windowplacement {

QRect initial(const QRect &available, const QSize &preferred)
{
    const QSize size = preferred.boundedTo(available.size());
    QRect r(QPoint(0, 0), size);
    r.moveCenter(available.center());
    return fit(r, available);
}

QRect fit(const QRect &saved, const QRect &available)
{
    QRect r(saved.topLeft(), saved.size().boundedTo(available.size()));
    r.moveLeft(std::clamp(r.left(), available.left(), available.left() + available.width() - r.width()));
    r.moveTop(std::clamp(r.top(), available.top(), available.top() + available.height() - r.height()));
    return r;
}

} // namespace windowplacement

} // namespace presenter
