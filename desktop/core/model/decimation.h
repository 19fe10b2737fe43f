#pragma once

#include <QList>
#include <QPointF>

namespace presenter {

// Decimation for the charts: Qt Charts draws every point it is given (it does no decimation), so a
// line gets no more points than its plot's pixel columns can show: two per column, its minimum and
// maximum, so a spike is never lost. Pure functions; unit-tested in tests/desktop/model/tst_decimation.cpp.

// Reduces `points` (time ordered, NaN y = gap) within [t0, t1] to at most two points per pixel
// column and per unbroken segment: the minimum and the maximum of the column, in time order, so
// spikes survive any zoom level. Gaps survive as one NaN point between segments; leading and
// trailing gaps are dropped. pixelColumns < 1 or t1 <= t0 gives an empty list.
QList<QPointF> reduceMinMax(const QList<QPointF> &points, double t0, double t1, int pixelColumns);

// Splits a point list at its NaN points into unbroken segments (empty segments dropped), one
// QLineSeries each: Qt Charts has no notion of a break inside a series.
QList<QList<QPointF>> splitAtGaps(const QList<QPointF> &points);

} // namespace presenter
