#include "time_series_store.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace presenter {

TimeSeriesStore::TimeSeriesStore(qint64 windowMs) : m_windowMs(windowMs) { }

void TimeSeriesStore::setWindowMs(qint64 windowMs)
{
    QMutexLocker lock(&m_mutex);
    m_windowMs = windowMs;
}

qint64 TimeSeriesStore::windowMs() const
{
    QMutexLocker lock(&m_mutex);
    return m_windowMs;
}

void TimeSeriesStore::insertLocked(Series &s, QPointF p)
{
    s.revision = bumpLocked();
    if (s.points.empty() || s.points.back().x() <= p.x()) {
        s.points.push_back(p);
    } else {
        auto it = std::upper_bound(
            s.points.begin(), s.points.end(), p.x(), [](double x, const QPointF &q) { return x < q.x(); });
        s.points.insert(it, p);
    }
    trimSeriesLocked(s, static_cast<qint64>(s.points.back().x()) - m_windowMs);
}

void TimeSeriesStore::trimSeriesLocked(Series &s, qint64 cutoffMs)
{
    const auto cutoff = static_cast<double>(cutoffMs);
    while (!s.points.empty() && s.points.front().x() < cutoff) {
        s.points.pop_front();
    }
    // A gap at the front of the window breaks nothing.
    while (!s.points.empty() && std::isnan(s.points.front().y())) {
        s.points.pop_front();
    }
}

void TimeSeriesStore::append(const QString &series, qint64 tsMs, double value)
{
    {
        QMutexLocker lock(&m_mutex);
        insertLocked(m_series[series], QPointF(static_cast<double>(tsMs), value));
    }
}

void TimeSeriesStore::appendGap(const QString &series, qint64 tsMs)
{
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_series.find(series);
        if (it == m_series.end() || it->points.empty() || std::isnan(it->points.back().y())) {
            return;
        }
        insertLocked(*it, QPointF(static_cast<double>(tsMs), std::numeric_limits<double>::quiet_NaN()));
    }
}

void TimeSeriesStore::appendGapAll(const QString &prefix, qint64 tsMs)
{
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_series.begin(); it != m_series.end(); ++it) {
            if (it.key().startsWith(prefix) && !it->points.empty() && !std::isnan(it->points.back().y())) {
                insertLocked(*it, QPointF(static_cast<double>(tsMs), std::numeric_limits<double>::quiet_NaN()));
            }
        }
    }
}

void TimeSeriesStore::addMarker(const EventMarker &marker)
{
    {
        QMutexLocker lock(&m_mutex);
        auto it = std::upper_bound(
            m_markers.begin(), m_markers.end(), marker.tsMs, [](qint64 t, const EventMarker &m) { return t < m.tsMs; });
        m_markers.insert(it, marker);
        m_markersRevision = bumpLocked();
        const qint64 cutoff = m_markers.back().tsMs - m_windowMs;
        while (!m_markers.empty() && m_markers.front().tsMs < cutoff) {
            m_markers.pop_front();
        }
    }
}

void TimeSeriesStore::trim(qint64 nowMs)
{
    {
        QMutexLocker lock(&m_mutex);
        const qint64 cutoff = nowMs - m_windowMs;
        for (auto &s : m_series) {
            const auto before = s.points.size();
            trimSeriesLocked(s, cutoff);
            if (s.points.size() != before) {
                s.revision = bumpLocked();
            }
        }
        bool markersTrimmed = false;
        while (!m_markers.empty() && m_markers.front().tsMs < cutoff) {
            m_markers.pop_front();
            markersTrimmed = true;
        }
        if (markersTrimmed) {
            m_markersRevision = bumpLocked();
        }
    }
}

void TimeSeriesStore::clear()
{
    {
        QMutexLocker lock(&m_mutex);
        m_series.clear();
        m_markers.clear();
        m_markersRevision = bumpLocked();
    }
}

QList<QPointF> TimeSeriesStore::points(const QString &series, qint64 fromMs, qint64 toMs) const
{
    QMutexLocker lock(&m_mutex);
    auto it = m_series.constFind(series);
    if (it == m_series.cend()) {
        return {};
    }
    const auto &pts = it->points;
    const auto from = static_cast<double>(fromMs);
    const auto to = static_cast<double>(toMs);
    auto first = std::lower_bound(pts.begin(), pts.end(), from, [](const QPointF &q, double x) { return q.x() < x; });
    auto last = std::upper_bound(first, pts.end(), to, [](double x, const QPointF &q) { return x < q.x(); });
    QList<QPointF> out;
    out.reserve(std::distance(first, last));
    std::copy(first, last, std::back_inserter(out));
    return out;
}

QList<EventMarker> TimeSeriesStore::markers(qint64 fromMs, qint64 toMs) const
{
    QMutexLocker lock(&m_mutex);
    QList<EventMarker> out;
    for (const auto &m : m_markers) {
        if (m.tsMs >= fromMs && m.tsMs <= toMs) {
            out.append(m);
        }
    }
    return out;
}

std::optional<double> TimeSeriesStore::last(const QString &series) const
{
    QMutexLocker lock(&m_mutex);
    auto it = m_series.constFind(series);
    if (it == m_series.cend() || it->points.empty() || std::isnan(it->points.back().y())) {
        return std::nullopt;
    }
    return it->points.back().y();
}

QStringList TimeSeriesStore::seriesNames(const QString &prefix) const
{
    QMutexLocker lock(&m_mutex);
    QStringList names;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (it.key().startsWith(prefix)) {
            names.append(it.key());
        }
    }
    lock.unlock();
    names.sort();
    return names;
}

quint64 TimeSeriesStore::seriesRevision(const QString &prefix) const
{
    QMutexLocker lock(&m_mutex);
    quint64 rev = 0;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (it.key().startsWith(prefix)) {
            rev = std::max(rev, it->revision);
        }
    }
    return rev;
}

quint64 TimeSeriesStore::markersRevision() const
{
    QMutexLocker lock(&m_mutex);
    return m_markersRevision;
}

qsizetype TimeSeriesStore::pointCount() const
{
    QMutexLocker lock(&m_mutex);
    qsizetype n = 0;
    for (const auto &s : m_series) {
        n += static_cast<qsizetype>(s.points.size());
    }
    return n;
}

} // namespace presenter
