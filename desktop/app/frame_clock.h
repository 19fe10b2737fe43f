#pragma once

#include "model/time_series_store.h"

#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class TimeChart;

// The charts' frame loop: at most maxFps frames a second, and only when the store changed or a
// second passed (so the time axis still scrolls). A frame refreshes every visible chart (one
// replace() per line segment) and repaints it at once, so the measured frame time includes the
// rendering.
//
// With a perf log (--perf-log FILE) it appends one line per frame, "frame <ms> <points>", for
// the benchmark.
//
// Threading: GUI thread.
class FrameClock : public QObject
{
    Q_OBJECT
public:
    explicit FrameClock(const TimeSeriesStore *store, QObject *parent = nullptr);

    void addChart(TimeChart *chart);
    void setMaxFps(int fps);
    void setPerfLog(const QString &path);
    void setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }
    void start();
    void stop();
    // Runs one frame now; force redraws every chart even if unchanged (tests, screenshots).
    void frame(bool force = false);
    qint64 frames() const { return m_frames; }
    double lastFrameMs() const { return m_lastFrameMs; }
    void logLine(const QByteArray &line);

private:
    void tick();

    const TimeSeriesStore *m_store;
    QList<QPointer<TimeChart>> m_charts;
    QTimer m_timer;
    std::function<qint64()> m_now;
    quint64 m_lastRevision = ~quint64(0);
    qint64 m_lastFrameAtMs = 0;
    qint64 m_frames = 0;
    double m_lastFrameMs = 0;
    QFile m_log;
};
