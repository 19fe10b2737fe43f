#pragma once

#include "decimation.h"
#include "event_marker.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <atomic>
#include <deque>
#include <limits>
#include <optional>

namespace presenter {

// A bounded time window of named numeric series plus event markers, shared by producers (feed,
// Prometheus) and the chart frame loop.
//
// Points are (x = Unix ms, y = value). A gap is stored as a point whose y is NaN: it breaks the
// line there and is never interpolated across. Points older than `windowMs` before a series'
// newest point are dropped on append (and by trim()), so memory stays flat once the window fills.
//
// Threading: every method is thread-safe. Producers append under a short lock (no allocation
// beyond the deque's own); readers copy the span they need under the same lock and reduce it
// outside. revision() changes on every modification (trim() and clear() included), and each
// series and the markers carry the revision of their latest change, so a frame loop can skip
// unchanged frames and charts.
class TimeSeriesStore
{
public:
    static constexpr qint64 kDefaultWindowMs = qint64 {10} * 60 * 1000;

    explicit TimeSeriesStore(qint64 windowMs = kDefaultWindowMs);
    TimeSeriesStore(const TimeSeriesStore &) = delete;
    TimeSeriesStore &operator=(const TimeSeriesStore &) = delete;

    void setWindowMs(qint64 windowMs);
    qint64 windowMs() const;

    // Appends a value. A point older than the series' newest one is inserted in order.
    void append(const QString &series, qint64 tsMs, double value);
    // Marks "no data from tsMs on" in one series (until the next append).
    void appendGap(const QString &series, qint64 tsMs);
    // Marks a gap at tsMs in every existing series whose name starts with `prefix`.
    void appendGapAll(const QString &prefix, qint64 tsMs);
    void addMarker(const EventMarker &marker);

    // Drops points and markers older than nowMs - windowMs.
    void trim(qint64 nowMs);
    void clear();

    // Copies of the points with fromMs <= x <= toMs, gaps included, in time order.
    QList<QPointF> points(const QString &series, qint64 fromMs = std::numeric_limits<qint64>::min(),
        qint64 toMs = std::numeric_limits<qint64>::max()) const;
    QList<EventMarker> markers(
        qint64 fromMs = std::numeric_limits<qint64>::min(), qint64 toMs = std::numeric_limits<qint64>::max()) const;
    // The newest real (non-gap) value, if the series' newest point is not a gap.
    std::optional<double> last(const QString &series) const;
    QStringList seriesNames(const QString &prefix = {}) const; // sorted
    qsizetype pointCount() const; // all series, gaps included
    quint64 revision() const { return m_revision.load(std::memory_order_acquire); }
    // The store revision of the latest change to any series whose name starts with `prefix`
    // (0 = none), and of the markers: a chart redraws only what changed.
    quint64 seriesRevision(const QString &prefix) const;
    quint64 markersRevision() const;

private:
    struct Series
    {
        std::deque<QPointF> points;
        quint64 revision = 0;
    };
    void insertLocked(Series &s, QPointF p);
    void trimSeriesLocked(Series &s, qint64 cutoffMs);
    // With m_mutex held: the next store revision, published at once. Every modification stamps what
    // it changed with it under the same lock, so stamps are unique and increasing, and a reader
    // that saw revision() == r has seen every change stamped <= r.
    quint64 bumpLocked() { return m_revision.fetch_add(1, std::memory_order_acq_rel) + 1; }

    mutable QMutex m_mutex;
    qint64 m_windowMs;
    QHash<QString, Series> m_series;
    std::deque<EventMarker> m_markers;
    quint64 m_markersRevision = 0;
    std::atomic<quint64> m_revision {0};
};

} // namespace presenter
