#include "frame_clock.h"

#include "time_chart.h"

#include "model/frame_pacer.h"

#include <QDateTime>
#include <QHash>
#include <QRegion>

#include <ctime>

namespace presenter {

namespace {
constexpr int kHeartbeatMs = 50;

double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

QByteArray windowTag(const QWidget *window)
{
    return window->objectName().isEmpty() ? QByteArray("main") : window->objectName().toUtf8();
}
} // namespace

FrameClock::FrameClock(const TimeSeriesStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    setMaxFps(15);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &FrameClock::tick);
}

void FrameClock::addChart(TimeChart *chart)
{
    m_charts.append(chart);
}

void FrameClock::setMaxFps(int fps)
{
    // Rounded up and precise: a coarse timer may fire up to 5 % early, and 1000 / 15 = 66 ms is
    // 15.15 frames a second; the cap is a ceiling.
    const int f = std::clamp(fps, 1, 60);
    m_timer.setInterval((1000 + f - 1) / f);
}

void FrameClock::setPerfLog(const QString &path)
{
    m_log.setFileName(path);
    if (!m_log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        qWarning("cannot open perf log %s", qPrintable(path));
        return;
    }
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    m_heartbeat.setInterval(kHeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &FrameClock::heartbeat, Qt::UniqueConnection);
    m_sinceBeat.start();
    m_beatCpuMs = threadCpuMs();
    m_sinceStallLine.start();
    m_heartbeat.start();
}

void FrameClock::heartbeat()
{
    // Late by the wall clock, and how much of that the GUI thread itself spent running (its CPU
    // time): on a loaded machine a beat is also late when the thread merely waited for a core.
    const double cpuMs = threadCpuMs();
    const double lateMs = double(m_sinceBeat.nsecsElapsed()) / 1e6 - kHeartbeatMs;
    if (lateMs > m_worstLateMs) {
        m_worstLateMs = lateMs;
        m_worstLateCpuMs = cpuMs - m_beatCpuMs;
    }
    m_beatCpuMs = cpuMs;
    m_sinceBeat.restart();
    if (m_sinceStallLine.elapsed() >= 1000) {
        logLine(
            "stall " + QByteArray::number(m_worstLateMs, 'f', 2) + ' ' + QByteArray::number(m_worstLateCpuMs, 'f', 2));
        m_worstLateMs = 0;
        m_worstLateCpuMs = 0;
        m_sinceStallLine.restart();
    }
}

void FrameClock::logLine(const QByteArray &line)
{
    if (m_log.isOpen()) {
        m_log.write(line + '\n');
        m_log.flush();
    }
}

void FrameClock::start()
{
    m_timer.start();
}

void FrameClock::stop()
{
    m_timer.stop();
}

void FrameClock::tick()
{
    frame();
}

void FrameClock::frame(bool force)
{
    QElapsedTimer t;
    t.start();
    const qint64 now = m_now();
    const qint64 windowMs = m_store->windowMs();
    QList<TimeChart *> visible;
    QList<framepacer::ChartState> states;
    for (const auto &c : std::as_const(m_charts)) {
        if (c && c->isVisible()) {
            visible.append(c);
            framepacer::ChartState st;
            st.lastDrawnMs = c->drawnAtMs();
            st.periodMs = framepacer::pixelPeriodMs(windowMs, c->plotWidthPx(), m_timer.interval(), 1000);
            st.moving = c->showsMovingContent();
            st.urgent = c->markersChangedSinceDrawn();
            // Asking the store what changed scans its series: only where the answer decides (a chart
            // that does not move, whose period has passed).
            st.changed
                = !st.moving && st.lastDrawnMs >= 0 && now - st.lastDrawnMs >= st.periodMs && c->changedSinceDrawn();
            states.append(st);
        }
    }
    QList<int> order;
    if (force) {
        for (int i = 0; i < visible.size(); ++i) {
            order.append(i);
        }
    } else {
        order = framepacer::dueCharts(states, now);
        order = order.mid(0, framepacer::chartsPerFrame(m_budgetMs, m_averageChartMs));
    }
    if (order.isEmpty()) {
        return;
    }
    qsizetype points = 0;
    QHash<QWidget *, QRegion> dirty;
    for (int i : std::as_const(order)) {
        TimeChart *c = visible[i];
        points += c->refresh(now);
        QWidget *vp = c->viewport();
        dirty[vp->window()] += QRect(vp->mapTo(vp->window(), QPoint(0, 0)), vp->size());
    }
    QByteArray windows;
    for (auto it = dirty.cbegin(); it != dirty.cend(); ++it) {
        it.key()->repaint(it.value());
        windows += (windows.isEmpty() ? "" : ",") + windowTag(it.key());
    }
    m_lastFrameMs = double(t.nsecsElapsed()) / 1e6;
    m_averageChartMs = 0.8 * m_averageChartMs + 0.2 * (m_lastFrameMs / double(order.size()));
    ++m_frames;
    if (m_log.isOpen()) {
        logLine("frame " + QByteArray::number(m_lastFrameMs, 'f', 3) + ' ' + QByteArray::number(points) + ' '
            + QByteArray::number(order.size()) + ' ' + windows);
    }
}

} // namespace presenter
