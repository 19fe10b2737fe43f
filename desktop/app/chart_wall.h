#pragma once

#include "time_chart.h"

#include "config/cluster_kind.h"

#include <QWidget>

#include <functional>

class QGridLayout;

namespace presenter {

class FrameClock;

// The presenter window's charts: the beat's focus charts big in a row on top, the others small
// below (demo/PLAN.md "focus"), arranged again when the focus or the width changes. Built from the
// store, the chart specs and the frame clock that draws them. GUI thread only.
class ChartWall : public QWidget
{
    Q_OBJECT
public:
    // kind: a chart of CockroachDB metrics says so on the local stack (chartspecs::unavailableReason).
    ChartWall(const QList<ChartSpec> &specs, const TimeSeriesStore *store, FrameClock *clock, ClusterKind kind,
        QWidget *parent = nullptr);

    // The ids of the charts to show big now; the width the charts have (a splitter's pane is sized
    // before its layout gives this widget that width). Both are asked at every arrangement.
    void setFocusSource(std::function<QStringList()> focus) { m_focusSource = std::move(focus); }
    void setWidthSource(std::function<int()> width) { m_widthSource = std::move(width); }
    void arrange();

    const QList<TimeChart *> &charts() const { return m_charts; }
    QStringList focusChartIds() const { return m_focus; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void placeOthers(const QList<TimeChart *> &others, int fit);

    QList<TimeChart *> m_charts;
    std::function<QStringList()> m_focusSource;
    std::function<int()> m_widthSource;
    QGridLayout *m_focusRow;
    QGridLayout *m_otherGrid;
    int m_focusColumns = 0;
    int m_otherFit = 0; // small-chart columns the width held at the last arrangement
    QStringList m_focus;
};

} // namespace presenter
