// TimeChart's event markers: the dashed lines and their labels painted over the plot, and the
// tool tip with their full text (the rest of the class: time_chart.cpp).
#include "time_chart.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <QValueAxis>

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {
QColor markerColor(EventMarker::Kind kind, bool highContrast)
{
    if (highContrast && (kind == EventMarker::Kind::Load || kind == EventMarker::Kind::Other)) {
        return Qt::black;
    }
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

void TimeChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (!m_unavailableReason.isEmpty()) {
        QRectF area;
        bool fits = false;
        const QFont f = unavailableNoteFont(&area, &fits);
        painter->save();
        painter->setFont(f);
        // On the chart's own background, so the axis' numbers under a note wider than the plot
        // never mix with its words.
        const QRectF box = QFontMetricsF(f)
                               .boundingRect(area, Qt::AlignCenter | Qt::TextWordWrap, m_unavailableReason)
                               .adjusted(-3, -1, 3, 1);
        painter->fillRect(box, chart()->backgroundBrush());
        painter->setPen(QColor(90, 90, 90));
        painter->drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_unavailableReason);
        painter->restore();
    }
    if (m_markers.isEmpty()) {
        return;
    }
    const QRectF plot = chart()->plotArea();
    painter->save();
    for (const EventMarker &m : std::as_const(m_markers)) {
        const double x = markerX(m, plot);
        if (x < plot.left() || x > plot.right()) {
            continue;
        }
        painter->setPen(QPen(markerColor(m.kind, m_highContrast), m_big ? 2 : 1, Qt::DashLine));
        painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    painter->setFont(markerFont());
    for (const markerlayout::Label &l : markerLabels()) {
        painter->fillRect(l.rect, m_highContrast ? QColor(Qt::white) : QColor(255, 255, 255, 215));
        painter->setPen(markerColor(m_markers[l.marker].kind, m_highContrast));
        painter->drawText(l.rect.adjusted(2, 0, -1, 0), Qt::AlignVCenter | Qt::AlignLeft, l.text);
    }
    painter->restore();
}

QFont TimeChart::markerFont() const
{
    QFont f = font();
    f.setPointSizeF(m_big ? 13 : 8);
    f.setBold(m_big || m_highContrast);
    return f;
}

double TimeChart::markerX(const EventMarker &m, const QRectF &plot) const
{
    // Mapped by hand: QChart::mapToPosition needs a series, and per-node charts may have none yet.
    const double xs = double(m.tsMs - m_nowMs) / 1000.0;
    const double span = m_x->max() - m_x->min();
    return plot.left() + (xs - m_x->min()) / (span > 0 ? span : 1) * plot.width();
}

QList<markerlayout::Label> TimeChart::markerLabels() const
{
    const QRectF plot = chart()->plotArea();
    const QFont font = markerFont();
    QList<markerlayout::Marker> in;
    in.reserve(m_markers.size());
    for (const EventMarker &m : m_markers) {
        in.append({markerX(m, plot), m.text});
    }
    markerlayout::Style style;
    style.rowHeight = labelRowHeight();
    style.maxRows = labelRows();
    return markerlayout::layout(
        plot, in, [this, &font](const QString &t) { return labelWidth(font, t); }, style);
}

double TimeChart::labelWidth(const QFont &font, const QString &text) const
{
    if (font != m_labelWidthsFont || m_labelWidths.size() > 4096) {
        m_labelWidths.clear();
        m_labelWidthsFont = font;
    }
    auto it = m_labelWidths.constFind(text);
    if (it == m_labelWidths.cend()) {
        it = m_labelWidths.insert(text, QFontMetricsF(font).horizontalAdvance(text));
    }
    return *it;
}

QStringList TimeChart::markerTexts() const
{
    QStringList out;
    for (const EventMarker &m : m_markers) {
        out << QDateTime::fromMSecsSinceEpoch(m.tsMs).toString(u"HH:mm:ss"_s) + u"  "_s + m.text;
    }
    return out;
}

bool TimeChart::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QRectF plot = chart()->plotArea();
        QStringList near;
        for (const EventMarker &m : std::as_const(m_markers)) {
            if (std::abs(markerX(m, plot) - help->pos().x()) <= 6) {
                near << QDateTime::fromMSecsSinceEpoch(m.tsMs).toString(u"HH:mm:ss"_s) + u"  "_s + m.text;
            }
        }
        if (near.isEmpty()) {
            QToolTip::hideText();
        } else {
            QToolTip::showText(help->globalPos(), near.join(u'\n'), this);
        }
        return true;
    }
    return QChartView::viewportEvent(event);
}

} // namespace presenter
