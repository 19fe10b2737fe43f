#pragma once

#include <QList>
#include <QtGlobal>

namespace presenter {

// Which charts a frame redraws, and in what order.
//
// A chart shows its window across its plot's pixel columns, so its picture can only change by
// whole columns: redrawing it more often than once per column's worth of time (window / plot
// width) draws the same picture again. Each chart therefore has its own period, clamped between
// the frame interval (short windows on wide plots) and one second. A chart that shows nothing that
// moves (no points, no markers) and got no new data is not redrawn at all.
//
// Charts whose period has passed are due, and so is a chart with a new event marker (the presenter
// just pressed a key and expects to see it); never-drawn and urgent charts come first, then the
// most overdue, and a frame takes as many
// as its time budget allows (at least one), so redraws spread over frames instead of piling up in
// one. A chart left out is the most overdue in the next frame.
//
// Pure functions; unit-tested in tests/desktop/model/tst_frame_pacer.cpp.
namespace framepacer {

struct ChartState
{
    qint64 lastDrawnMs = -1; // -1: never drawn
    qint64 periodMs = 0;
    bool changed = false; // new data or markers since the last draw
    bool moving = false; // shows points or markers, which scroll with time
    bool urgent = false; // an event marker arrived: shown in the next frame, whatever the period
};

// window / plot width, clamped to [minMs, maxMs]; a plot not laid out yet (width <= 0) gets minMs.
qint64 pixelPeriodMs(qint64 windowMs, int plotWidthPx, qint64 minMs, qint64 maxMs);

// Indices of the due charts: never drawn, then urgent, then the most overdue first.
QList<int> dueCharts(const QList<ChartState> &charts, qint64 nowMs);

// How many charts fit in a frame's budget, given the measured average cost of one (at least 1).
int chartsPerFrame(double budgetMs, double averageChartMs);

} // namespace framepacer

} // namespace presenter
