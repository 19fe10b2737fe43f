#include "time_chart.h"

#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
// A round upper bound for the y axis, so it does not jitter with every new maximum.
double niceCeiling(double v)
{
    if (!(v > 0)) {
        return 1;
    }
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (v <= m * p) {
            return m * p;
        }
    }
    return 10 * p;
}

QColor markerColor(EventMarker::Kind kind)
{
    switch (kind) {
    case EventMarker::Kind::Phase:
        return QColor(0x6933ff); // CockroachDB purple
    case EventMarker::Kind::Scale:
        return QColor(0x0055ff);
    case EventMarker::Kind::Sql:
        return QColor(0x008866);
    case EventMarker::Kind::SpikeStart:
    case EventMarker::Kind::SpikeEnd:
        return QColor(0xdd7700);
    case EventMarker::Kind::Failure:
        return QColor(0xcc0022);
    case EventMarker::Kind::Recovery:
        return QColor(0x00a35c);
    case EventMarker::Kind::Load:
    case EventMarker::Kind::Other:
        break;
    }
    return QColor(0x666666);
}
} // namespace

TimeChart::TimeChart(const ChartSpec &spec, const TimeSeriesStore *store, QWidget *parent)
    : QChartView(parent), m_spec(spec), m_store(store), m_x(new QValueAxis), m_y(new QValueAxis)
{
    auto *c = new QChart;
    c->setTitle(spec.title);
    c->setAnimationOptions(QChart::NoAnimation);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setMargins(QMargins(4, 4, 4, 4));
    c->layout()->setContentsMargins(0, 0, 0, 0);
    m_x->setLabelFormat(u"%d"_s);
    m_x->setTitleText(u"seconds ago"_s);
    m_x->setTickCount(7);
    m_y->setLabelFormat(u"%.4g"_s);
    m_y->setTitleText(spec.unit);
    m_y->setRange(0, 1);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);
    setChart(c);
    setRenderHint(QPainter::Antialiasing, false);
    // Items are redrawn every frame anyway; skipping the per-item painter save/restore and the
    // antialiasing margins is measurable with a dozen charts.
    setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
    setMinimumSize(220, 160);
    // Static lines get their legend entry up front, so the legend does not jump when data arrives.
    for (const ChartLine &l : spec.lines) {
        if (!l.perSeries) {
            lineFor(l.key, l.label);
        }
    }
}

void TimeChart::setBigType(bool big)
{
    m_big = big;
    QFont f = chart()->titleFont();
    f.setPointSizeF(big ? 20 : 10);
    f.setBold(big);
    chart()->setTitleFont(f);
    QFont lf = chart()->legend()->font();
    lf.setPointSizeF(big ? 14 : 8);
    chart()->legend()->setFont(lf);
    QFont af = m_x->labelsFont();
    af.setPointSizeF(big ? 13 : 8);
    m_x->setLabelsFont(af);
    m_y->setLabelsFont(af);
    for (auto &line : m_lines) {
        for (QLineSeries *s : line.segments) {
            QPen p = s->pen();
            p.setWidthF(big ? 3 : 1);
            s->setPen(p);
        }
    }
}

TimeChart::Line &TimeChart::lineFor(const QString &seriesKey, const QString &label)
{
    auto it = m_lines.find(seriesKey);
    if (it != m_lines.end()) {
        return *it;
    }
    Line line;
    line.label = label;
    auto *s = new QLineSeries;
    s->setName(label);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    QPen p = s->pen();
    // 1 px lines take the raster engine's fast path; wider pens are stroked (kiosk only).
    p.setWidthF(m_big ? 3 : 1);
    s->setPen(p);
    line.color = p.color();
    line.segments.append(s);
    return *m_lines.insert(seriesKey, line);
}

quint64 TimeChart::contentRevision() const
{
    quint64 revision = m_store->markersRevision();
    for (const ChartLine &l : m_spec.lines) {
        revision = std::max(revision, m_store->seriesRevision(l.key));
    }
    return revision;
}

int TimeChart::plotWidthPx() const
{
    return static_cast<int>(chart()->plotArea().width());
}

qsizetype TimeChart::refresh(qint64 nowMs)
{
    m_drawnRevision = contentRevision();
    m_drawnMarkersRevision = m_store->markersRevision();
    m_drawnAtMs = nowMs;
    m_nowMs = nowMs;
    const qint64 window = m_store->windowMs();
    const qint64 t0 = nowMs - window;
    const int columns = std::max(1, plotWidthPx());
    qsizetype shown = 0;
    double yMax = 0;

    QList<std::pair<QString, QString>> keys;
    for (const ChartLine &l : m_spec.lines) {
        if (!l.perSeries) {
            keys.append({l.key, l.label});
            continue;
        }
        for (const QString &name : m_store->seriesNames(l.key)) {
            keys.append({name, l.label + name.mid(l.key.size())});
        }
    }
    for (const auto &[key, label] : keys) {
        Line &line = lineFor(key, label);
        const auto reduced = reduceMinMax(m_store->points(key, t0, nowMs), double(t0), double(nowMs), columns);
        auto segments = splitAtGaps(reduced);
        while (line.segments.size() < segments.size()) {
            auto *s = new QLineSeries;
            chart()->addSeries(s);
            s->attachAxis(m_x);
            s->attachAxis(m_y);
            s->setPen(line.segments.first()->pen());
            const auto markers = chart()->legend()->markers(s);
            for (QLegendMarker *m : markers) {
                m->setVisible(false);
            }
            line.segments.append(s);
        }
        for (qsizetype i = 0; i < line.segments.size(); ++i) {
            QList<QPointF> pts = i < segments.size() ? std::move(segments[i]) : QList<QPointF> {};
            for (QPointF &p : pts) {
                yMax = std::max(yMax, p.y());
                p.setX((p.x() - double(nowMs)) / 1000.0);
            }
            shown += pts.size();
            line.segments[i]->replace(pts);
        }
    }
    const double seconds = double(window) / 1000.0;
    if (m_x->min() != -seconds || m_x->max() != 0) {
        m_x->setRange(-seconds, 0);
    }
    const double top = niceCeiling(yMax * 1.1);
    if (top != m_yMax) {
        m_yMax = top;
        m_y->setRange(0, top);
    }
    m_markers = m_store->markers(t0, nowMs);
    m_shownPoints = shown;
    return shown;
}

QList<QList<QPointF>> TimeChart::shownSegments(const QString &seriesKey) const
{
    QList<QList<QPointF>> out;
    const auto it = m_lines.constFind(seriesKey);
    if (it == m_lines.cend()) {
        return out;
    }
    for (const QLineSeries *s : it->segments) {
        if (s->count() > 0) {
            out.append(s->points());
        }
    }
    return out;
}

bool ChartSpec::needsCockroachDB() const
{
    return !lines.isEmpty()
        && std::all_of(lines.cbegin(), lines.cend(), [](const ChartLine &l) { return l.key.startsWith(u"crdb."); });
}

void TimeChart::setUnavailableReason(const QString &why)
{
    m_unavailableReason = why;
    viewport()->update();
}

void TimeChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (!m_unavailableReason.isEmpty()) {
        const QRectF plot = chart()->plotArea();
        painter->save();
        QFont f = font();
        f.setPointSizeF(m_big ? 16 : 9);
        painter->setFont(f);
        painter->setPen(QColor(90, 90, 90));
        painter->drawText(plot.adjusted(6, 6, -6, -6), Qt::AlignCenter | Qt::TextWordWrap, m_unavailableReason);
        painter->restore();
    }
    if (m_markers.isEmpty()) {
        return;
    }
    const QRectF plot = chart()->plotArea();
    painter->save();
    QFont f = font();
    f.setPointSizeF(m_big ? 13 : 7.5);
    painter->setFont(f);
    const QFontMetricsF fm(f);
    double lastLabelLeft = -1e9;
    int row = 0;
    for (const EventMarker &m : m_markers) {
        // Mapped by hand: QChart::mapToPosition needs a series, and per-node charts may have none yet.
        const double xs = double(m.tsMs - m_nowMs) / 1000.0;
        const double span = m_x->max() - m_x->min();
        const double x = plot.left() + (xs - m_x->min()) / (span > 0 ? span : 1) * plot.width();
        if (x < plot.left() || x > plot.right()) {
            continue;
        }
        const QColor c = markerColor(m.kind);
        painter->setPen(QPen(c, m_big ? 2 : 1, Qt::DashLine));
        painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        // Labels that would overlap the previous one move down a row.
        const QString text = m.text.left(40);
        const double w = fm.horizontalAdvance(text);
        // Near the right edge (now), the label goes to the left of its line.
        const double left = x + w + 6 > plot.right() ? x - w - 6 : x + 2;
        row = std::abs(left - lastLabelLeft) < w + 6 ? (row + 1) % 3 : 0;
        const QRectF box(left, plot.top() + 2 + row * (fm.height() + 1), w + 4, fm.height());
        painter->fillRect(box, QColor(255, 255, 255, 200));
        painter->setPen(c);
        painter->drawText(box.adjusted(2, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
        lastLabelLeft = box.left();
    }
    painter->restore();
}
