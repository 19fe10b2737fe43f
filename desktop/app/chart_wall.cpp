#include "chart_wall.h"

#include "chart_specs.h"
#include "frame_clock.h"

#include <QGridLayout>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

ChartWall::ChartWall(
    const QList<ChartSpec> &specs, const TimeSeriesStore *store, FrameClock *clock, ClusterKind kind, QWidget *parent)
    : QWidget(parent), m_focusRow(new QGridLayout), m_otherGrid(new QGridLayout)
{
    setObjectName(u"charts"_s);
    auto *chartsLayout = new QVBoxLayout(this);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(2);
    m_focusRow->setSpacing(2);
    m_otherGrid->setSpacing(2);
    chartsLayout->addLayout(m_focusRow, 3);
    chartsLayout->addLayout(m_otherGrid, 2);
    for (const ChartSpec &spec : specs) {
        auto *chart = new TimeChart(spec, store, this);
        chart->setUnavailableReason(chartspecs::unavailableReason(spec, kind));
        m_charts.append(chart);
        clock->addChart(chart);
    }
    // The minimum width is that of the narrowest arrangement (two focus charts side by side), not
    // of the current one: the arrangement follows the width, so a window made narrower than the
    // current arrangement's minimum must be let through to get the narrower arrangement. It was
    // not: a window shown at 1600 px could not be resized to 960.
    setMinimumWidth(2 * m_charts.constFirst()->minimumWidth() + m_focusRow->spacing());
}

void ChartWall::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Arranged again whenever the charts' own width changes: the window's resize event comes
    // before its layout gives the charts their new width (at the first show it still saw the
    // unlaid-out default, kept two small-chart columns and made the window 575 px tall at 960x540).
    arrange();
}

void ChartWall::arrange()
{
    const QStringList focus = m_focusSource ? m_focusSource() : QStringList();
    // Side by side while each focus chart gets 260 px (its title and a two-entry legend unelided),
    // else two columns (three focus charts on a 1024-wide screen).
    const int n = static_cast<int>(std::max<qsizetype>(1, focus.size()));
    const int width = m_widthSource ? m_widthSource() : this->width();
    const int columns = width / n >= 260 ? n : std::min(n, 2);
    // How many compact charts (120 px each, TimeChart::setCompact) fit side by side in this width.
    const int spacing = std::max(0, m_otherGrid->horizontalSpacing());
    const QMargins margins = m_otherGrid->contentsMargins();
    const int otherFit = std::max(1, (width - margins.left() - margins.right() + spacing) / (120 + spacing));
    if (focus == m_focus && columns == m_focusColumns && otherFit == m_otherFit && !m_focusRow->isEmpty()) {
        return;
    }
    m_focus = focus;
    m_focusColumns = columns;
    m_otherFit = otherFit;
    for (TimeChart *c : std::as_const(m_charts)) {
        m_focusRow->removeWidget(c);
        m_otherGrid->removeWidget(c);
    }
    int placed = 0;
    for (const QString &id : focus) {
        for (TimeChart *c : std::as_const(m_charts)) {
            if (c->spec().id == id) {
                c->setCompact(false);
                m_focusRow->addWidget(c, placed / columns, placed % columns);
                ++placed;
            }
        }
    }
    for (int c = 0; c < m_focusRow->columnCount(); ++c) {
        m_focusRow->setColumnStretch(c, c < columns ? 1 : 0);
    }
    QList<TimeChart *> others;
    for (TimeChart *c : std::as_const(m_charts)) {
        if (!focus.contains(c->spec().id)) {
            others.append(c);
        }
    }
    placeOthers(others, otherFit);
}

void ChartWall::placeOthers(const QList<TimeChart *> &others, int fit)
{
    // Two rows of small charts under the focus row, or as many columns as the width holds and more
    // rows: nine small charts in five columns do not fit beside the left panel on a 1024-wide screen.
    const int otherColumns = std::min(static_cast<int>((others.size() + 1) / 2), fit);
    for (qsizetype i = 0; i < others.size(); ++i) {
        others[i]->setCompact(true);
        m_otherGrid->addWidget(others[i], static_cast<int>(i) / otherColumns, static_cast<int>(i) % otherColumns);
    }
    for (int c = 0; c < m_otherGrid->columnCount(); ++c) {
        m_otherGrid->setColumnStretch(c, c < otherColumns ? 1 : 0);
    }
    const int otherRows = static_cast<int>((others.size() + otherColumns - 1) / otherColumns);
    for (int r = 0; r < m_otherGrid->rowCount(); ++r) {
        m_otherGrid->setRowStretch(r, r < otherRows ? 1 : 0);
    }
}

} // namespace presenter
