#include "time_chart.h"

#include "model/rolling_window.h"

#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

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

} // namespace

TimeChart::TimeChart(const ChartSpec &spec, const TimeSeriesStore *store, QWidget *parent)
    : QChartView(parent), m_spec(spec), m_store(store), m_x(new QValueAxis), m_y(new QValueAxis)
{
    auto *c = new QChart;
    c->setTitle(spec.title);
    c->setAnimationOptions(QChart::NoAnimation);
    // Many lines (latency: six) get a legend column on the right: a bottom row would elide them
    // ("search ...") on a laptop screen.
    c->legend()->setAlignment(spec.lines.size() >= 4 ? Qt::AlignRight : Qt::AlignBottom);
    c->setMargins(QMargins(4, 4, 4, 4));
    // A rounded background is an antialiased path fill on every repaint; a square one is a blit.
    c->setBackgroundRoundness(0);
    c->layout()->setContentsMargins(0, 0, 0, 0);
    m_x->setLabelFormat(u"%d"_s);
    m_x->setTitleText(u"seconds ago"_s);
    m_x->setTickCount(7); // fitTicks() lowers it to what the plot's width can label
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
    // The frame clock repaints a chart after refresh(); left to itself the view would also queue an
    // update for every scene change refresh() makes, and paint the chart a second time.
    setViewportUpdateMode(QGraphicsView::NoViewportUpdate);
    setMinimumSize(160, 110);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
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
    // The kiosk's charts are short and wide: the legend goes beside the plot, not under it.
    chart()->legend()->setAlignment(big || m_spec.lines.size() >= 4 ? Qt::AlignRight : Qt::AlignBottom);
    applyFonts();
}

void TimeChart::setCompact(bool compact)
{
    if (compact == m_compact) {
        return;
    }
    m_compact = compact;
    chart()->legend()->setVisible(!compact || (width() >= 330 && height() >= 200));
    m_x->setTitleVisible(!compact && height() >= 220);
    m_y->setTitleVisible(!compact);
    setMinimumSize(compact ? QSize(120, 90) : QSize(160, 110));
    m_y->setTickCount(compact || height() < 200 ? 3 : 5); // "0 / 25 / 50": no "18.75" on a small chart
    applyFonts();
    fitTicks();
}

void TimeChart::setHighContrast(bool on)
{
    // A projector washes out greys and thin lines: pure white, black text and axes, a darker grid,
    // thick lines in saturated colours, opaque marker labels. (Light rather than dark: a projected
    // black background turns grey in a lit room.)
    m_highContrast = on;
    chart()->setBackgroundBrush(on ? QBrush(Qt::white) : QBrush(QColor(0xffffff)));
    chart()->setTitleBrush(on ? QBrush(Qt::black) : chart()->titleBrush());
    chart()->legend()->setLabelColor(on ? QColor(Qt::black) : chart()->legend()->labelColor());
    for (QValueAxis *a : {m_x, m_y}) {
        if (on) {
            a->setLabelsColor(Qt::black);
            a->setTitleBrush(Qt::black);
            a->setGridLineColor(QColor(150, 150, 150));
            a->setLinePenColor(Qt::black);
        }
    }
    static const QColor strong[]
        = {QColor(0x0044cc), QColor(0xd40000), QColor(0x007a00), QColor(Qt::black), QColor(0xaa00aa), QColor(0xcc6600)};
    int i = 0;
    for (auto &line : m_lines) {
        const QColor c = on ? strong[i++ % 6] : line.color;
        for (QLineSeries *seg : line.segments) {
            QPen p = seg->pen();
            p.setColor(c);
            seg->setPen(p);
        }
    }
    applyFonts();
    viewport()->update();
}

void TimeChart::applyFonts()
{
    // Point sizes: the kiosk's are read from the back of a room on a 1280x720 projector; Qt scales
    // them with the screen's DPI and QT_SCALE_FACTOR.
    QFont f = chart()->titleFont();
    f.setPointSizeF(m_big ? 20 : (m_compact ? 8.5 : 10));
    f.setBold(m_big || !m_compact);
    chart()->setTitleFont(f);
    QFont lf = chart()->legend()->font();
    lf.setPointSizeF(m_big ? 14 : 8.5);
    chart()->legend()->setFont(lf);
    QFont af = m_x->labelsFont();
    af.setPointSizeF(m_big ? 13 : 8);
    m_x->setLabelsFont(af);
    m_y->setLabelsFont(af);
    m_tickLabelNeed = -1;
    QFont tf = m_x->titleFont();
    tf.setPointSizeF(m_big ? 12 : 8);
    m_x->setTitleFont(tf);
    m_y->setTitleFont(tf);
    for (auto &line : m_lines) {
        for (QLineSeries *s : line.segments) {
            QPen p = s->pen();
            p.setWidthF(m_big || m_highContrast ? 3 : 1);
            s->setPen(p);
        }
    }
}

void TimeChart::fitTicks()
{
    // The x labels ("-600") need their width plus a gap each, or Qt Charts elides them to "-...":
    // fewer ticks on a narrow plot. Tick counts that divide a whole-minute window evenly.
    if (m_tickLabelNeed < 0) {
        m_tickLabelNeed = QFontMetricsF(m_x->labelsFont()).horizontalAdvance(u"-6000"_s) * 1.3;
    }
    const double need = m_tickLabelNeed;
    const double width = chart()->plotArea().width() > 0 ? chart()->plotArea().width() : double(this->width()) * 0.8;
    int ticks = 2;
    for (int n : {7, 6, 5, 4, 3}) {
        if (width / (n - 1) >= need) {
            ticks = n;
            break;
        }
    }
    if (m_x->tickCount() != ticks) {
        m_x->setTickCount(ticks);
    }
}

void TimeChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    // A short chart gives its height to the plot: Qt Charts elides axis labels to "..." when they
    // lack height, so the x title ("seconds ago") goes first.
    m_x->setTitleVisible(!m_compact && height() >= (m_big ? 300 : 220));
    // A small chart with room (1920x1080) keeps its legend: four unlabelled lines say nothing.
    chart()->legend()->setVisible(!m_compact || (width() >= 330 && height() >= 200));
    // Three y ticks ("0 / 12.5 / 25") on a short plot, not "6.25" and "18.75" in a crowd.
    m_y->setTickCount(m_compact || height() < (m_big ? 300 : 200) ? 3 : 5);
    fitTicks();
}

int TimeChart::labelRows() const
{
    // A small chart keeps one row, and no chart gives its labels more than a third of its plot
    // (the event list has every text).
    const double plotH = chart()->plotArea().height();
    const int fit = plotH > 0 ? static_cast<int>(plotH / 3 / labelRowHeight()) : 1;
    return std::clamp(fit, 1, m_compact ? 1 : 3);
}

double TimeChart::labelRowHeight() const
{
    return QFontMetricsF(markerFont()).height() + 2;
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
    p.setWidthF(m_big || m_highContrast ? 3 : 1);
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

    struct Shown
    {
        QString key;
        QString label;
        qint64 smoothMs;
    };
    QList<Shown> keys;
    for (const ChartLine &l : m_spec.lines) {
        if (!l.perSeries) {
            keys.append({l.key, l.label, l.smoothMs});
            continue;
        }
        for (const QString &name : m_store->seriesNames(l.key)) {
            keys.append({name, l.label + name.mid(l.key.size()), l.smoothMs});
        }
    }
    for (const auto &[key, label, smoothMs] : keys) {
        Line &line = lineFor(key, label);
        // A smoothed line reads one window further back, so its first points have a full window
        // when the store still holds them (reduceMinMax drops what is before t0).
        const auto points = smoothMs > 0
            ? rollingwindow::trailingMean(m_store->points(key, t0 - smoothMs, nowMs), smoothMs)
            : m_store->points(key, t0, nowMs);
        const auto reduced = reduceMinMax(points, double(t0), double(nowMs), columns);
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
    // Headroom for the marker labels' rows at the top of the plot, so they sit above the lines
    // instead of over them ("the marker labels cover the data").
    const double plotH = chart()->plotArea().height();
    const double band = plotH > 0 ? std::min(0.5, labelRows() * labelRowHeight() / plotH) : 0.3;
    const double top = niceCeiling(yMax * 1.05 / (1.0 - band));
    if (top != m_yMax) {
        m_yMax = top;
        m_y->setRange(0, top);
    }
    m_markers = m_store->markers(t0, nowMs);
    m_shownPoints = shown;
    fitTicks();
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

QFont TimeChart::unavailableNoteFont(QRectF *area, bool *fits) const
{
    const QRectF plot = chart()->plotArea();
    const QRectF whole = chart()->geometry();
    // From the chart's left edge (over the empty axis' numbers) to the plot's right edge: never over
    // a legend beside the plot.
    *area = QRectF(whole.left() + 4, plot.top() + 4, plot.right() - whole.left() - 8, plot.height() - 8);
    QFont f = font();
    for (double pt = m_big ? 16 : 9; pt >= 6; pt -= 0.5) {
        f.setPointSizeF(pt);
        const QFontMetricsF fm(f);
        const QRectF needed = fm.boundingRect(*area, Qt::AlignCenter | Qt::TextWordWrap, m_unavailableReason);
        bool wordsFit = true;
        for (const QString &word : m_unavailableReason.split(u' ', Qt::SkipEmptyParts)) {
            wordsFit = wordsFit && fm.horizontalAdvance(word) <= area->width();
        }
        if (wordsFit && needed.height() <= area->height() && needed.width() <= area->width()) {
            *fits = true;
            return f;
        }
    }
    *fits = false;
    return f;
}

QRectF TimeChart::plotRect() const
{
    return chart()->plotArea();
}

} // namespace presenter
