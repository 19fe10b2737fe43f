#pragma once

#include "model/time_series_store.h"

#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace presenter {

class TimeChart;

// The charts' frame loop, at most maxFps frames a second. Each frame asks the pacer
// (model/frame_pacer.h) which charts are due: a chart redraws once per pixel column's worth of its
// window (between one frame and one second), the most overdue first, as many as fit in the frame
// budget. The frame hands the chosen charts their points (one replace() per line segment) and
// repaints them with one repaint per window, so the measured frame time includes the rendering
// and the window system gets one update per frame.
//
// With a perf log (--perf-log FILE) it appends one line per frame for the benchmark,
// "frame <ms> <points> <charts> <windows>" (windows: the ones the frame repainted, "main,kiosk"),
// and once a second "stall <ms> <cpu ms>": the longest lateness of a 50 ms heartbeat timer over that
// second (the longest the GUI thread could not react: a frame, a layout, a blocking call, or no
// free core) and the GUI thread's own CPU time during that beat.
//
// Threading: GUI thread.
class FrameClock : public QObject
{
    Q_OBJECT
public:
    explicit FrameClock(const TimeSeriesStore *store, QObject *parent = nullptr);

    void addChart(TimeChart *chart);
    void setMaxFps(int fps);
    void setFrameBudgetMs(double ms) { m_budgetMs = ms; }
    void setPerfLog(const QString &path);
    void setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }
    void start();
    void stop();
    // Runs one frame now; force redraws every visible chart, due or not (tests, screenshots).
    void frame(bool force = false);
    qint64 frames() const { return m_frames; }
    double lastFrameMs() const { return m_lastFrameMs; }
    void logLine(const QByteArray &line);

private:
    void tick();
    void heartbeat();

    const TimeSeriesStore *m_store;
    QList<QPointer<TimeChart>> m_charts;
    QTimer m_timer;
    std::function<qint64()> m_now;
    double m_budgetMs = 5.0;
    double m_averageChartMs = 1.0; // measured: moving average of a frame's time per chart
    qint64 m_frames = 0;
    double m_lastFrameMs = 0;
    QFile m_log;
    QTimer m_heartbeat;
    QElapsedTimer m_sinceBeat;
    QElapsedTimer m_sinceStallLine;
    double m_worstLateMs = 0;
    double m_worstLateCpuMs = 0; // the GUI thread's CPU time during the latest-arriving beat
    double m_beatCpuMs = 0;
};

} // namespace presenter
