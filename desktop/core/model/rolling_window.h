#pragma once

#include <QList>
#include <QPointF>
#include <QtGlobal>

namespace presenter {

// Smoothing for the audience's screen: a per-tick p99 drawn raw is a hairy band on a projector.
// The kiosk draws the trailing mean over a time window instead, and says so on the chart ("p99,
// 10 s rolling mean"); the presenter's window keeps the raw series.
//
// Pure functions; unit-tested in tests/desktop/model/tst_rolling_window.cpp.
namespace rollingwindow {

// Each real point (x = ms, time ordered) becomes the mean of the real points in (x - windowMs, x]
// that follow the last gap (a NaN y) before it: a window never reaches across a gap, so a line
// after an outage does not carry values from before it. Gaps are kept as they are, x values are
// unchanged, so the result can be reduced and split like the raw series. windowMs <= 0 returns the
// points unchanged. To smooth [t0, t1], pass the points from t0 - windowMs: the first ones then
// have a full window.
QList<QPointF> trailingMean(const QList<QPointF> &points, qint64 windowMs);

} // namespace rollingwindow

} // namespace presenter
