#pragma once

#include "marker_layout.h"
#include "model/time_series_store.h"

#include <QChartView>
#include <QHash>
#include <QList>
#include <QString>

class QLineSeries;
class QValueAxis;

namespace presenter {

// One line of a chart: a store series, or every series under a prefix (one line per node).
struct ChartLine
{
    QString key; // "app.p99.search", or a prefix ending in '.' when perSeries
    QString label; // legend text; for perSeries the suffix of each series is appended
    bool perSeries = false;
    // > 0: drawn as the trailing mean over this window (rollingwindow::trailingMean), for the
    // kiosk's per-tick p99; the chart's title says so. The store keeps the raw series.
    qint64 smoothMs = 0;
};

struct ChartSpec
{
    QString id; // stable id, one of DemoPlan::chartIds() (a beat's "focus" names charts by it)
    QString title;
    QString unit; // y axis title
    QList<ChartLine> lines;

    // Every line is a CockroachDB metric (store series "crdb.*", from Prometheus): nothing to show
    // where no CockroachDB runs (the local stack).
    bool needsCockroachDB() const;
};

// A Qt Charts view of store series over the last window, x in seconds before now.
//
// refresh() pulls each line's points from the store, reduces them to min/max per pixel column
// (reduceMinMax; a line with smoothMs is first averaged over its trailing window), splits them at gaps (one QLineSeries
// per unbroken segment: Qt Charts cannot break a line) and hands each QLineSeries its points with one replace(). Event
// markers are painted as labelled vertical lines over the plot. No QLineSeries is touched outside refresh().
//
// Threading: GUI thread; the store is read under its own lock.
class TimeChart : public QChartView
{
    Q_OBJECT
public:
    TimeChart(const ChartSpec &spec, const TimeSeriesStore *store, QWidget *parent = nullptr);

    void setBigType(bool big); // kiosk: larger fonts and thicker lines
    // A small chart beside the beat's focus charts: no legend, no axis titles, a smaller title.
    void setCompact(bool compact);
    bool isCompact() const { return m_compact; }
    // Black background, white text, bright lines and markers (--theme high-contrast).
    void setHighContrast(bool on);
    // The event-marker labels as drawn now (viewport coordinates), and the plot they must stay in.
    QList<markerlayout::Label> markerLabels() const;
    QRectF plotRect() const;
    // Every marker in the window, oldest first, as "12:03:04  text" (the full text of elided labels).
    QStringList markerTexts() const;
    // Why this chart cannot have data here, written inside the plot instead of leaving empty axes
    // ("needs CockroachDB: not on the local stack"); empty = it can.
    void setUnavailableReason(const QString &why);
    QString unavailableReason() const { return m_unavailableReason; }
    // Where the note goes and in which font: from the chart's left edge over the empty axis to the
    // plot's right edge (never over a legend),
    // its type stepped down until every word fits; *fits is false only when even the smallest
    // type cuts it (tests: a small chart at 1024x768 must not show "ockroachDB").
    QFont unavailableNoteFont(QRectF *area, bool *fits) const;
    // Hands Qt Charts the points for time nowMs (the caller repaints); returns how many.
    qsizetype refresh(qint64 nowMs);
    // For the frame pacer (frame_pacer.h): what it drew last, and what there is to draw now.
    qint64 drawnAtMs() const { return m_drawnAtMs; } // -1 before the first refresh
    bool changedSinceDrawn() const { return contentRevision() != m_drawnRevision; }
    bool markersChangedSinceDrawn() const { return m_store->markersRevision() != m_drawnMarkersRevision; }
    bool showsMovingContent() const { return m_shownPoints > 0 || !m_markers.isEmpty(); }
    int plotWidthPx() const;
    const ChartSpec &spec() const { return m_spec; }
    // Points currently shown per store series (gaps split into segments), for tests.
    QList<QList<QPointF>> shownSegments(const QString &seriesKey) const;

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override; // tool tip: the full text of the markers under the mouse

private:
    struct Line
    {
        QString label;
        QList<QLineSeries *> segments; // first one carries the legend entry
        QColor color;
    };
    Line &lineFor(const QString &seriesKey, const QString &label);
    quint64 contentRevision() const;
    void applyFonts();
    void fitTicks();
    QFont markerFont() const;
    int labelRows() const;
    double labelRowHeight() const;
    double markerX(const EventMarker &m, const QRectF &plot) const;
    double labelWidth(const QFont &font, const QString &text) const;

    ChartSpec m_spec;
    const TimeSeriesStore *m_store;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QHash<QString, Line> m_lines;
    QList<EventMarker> m_markers;
    qint64 m_nowMs = 0;
    double m_yMax = -1;
    quint64 m_drawnRevision = 0;
    quint64 m_drawnMarkersRevision = 0;
    qint64 m_drawnAtMs = -1;
    qsizetype m_shownPoints = 0;
    bool m_big = false;
    bool m_compact = false;
    bool m_highContrast = false;
    QString m_unavailableReason;
    // Text widths are shaped by HarfBuzz: measured once per text and font, not in every paint
    // (the marker labels' eliding measures each label many times a frame).
    mutable QHash<QString, double> m_labelWidths;
    mutable QFont m_labelWidthsFont;
    double m_tickLabelNeed = -1; // fitTicks(): the width an x label needs, -1 = measure again
};

} // namespace presenter
