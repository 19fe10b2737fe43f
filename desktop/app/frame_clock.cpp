#include "frame_clock.h"

#include "time_chart.h"

#include "model/frame_pacer.h"

#include <QDateTime>
#include <QHash>
#include <QRegion>

namespace presenter {

FrameClock::FrameClock(const TimeSeriesStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    setMaxFps(15);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &FrameClock::tick);
}

void FrameClock::addChart(TimeChart *chart)
{
    m_charts.append(chart);
}

void FrameClock::setMaxFps(int fps)
{
    m_timer.setInterval(1000 / std::clamp(fps, 1, 60));
}

void FrameClock::setPerfLog(const QString &path)
{
    m_log.setFileName(path);
    if (!m_log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        qWarning("cannot open perf log %s", qPrintable(path));
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
    QList<TimeChart *> visible;
    QList<framepacer::ChartState> states;
    for (const auto &c : std::as_const(m_charts)) {
        if (c && c->isVisible()) {
            visible.append(c);
            states.append({c->drawnAtMs(),
                framepacer::pixelPeriodMs(m_store->windowMs(), c->plotWidthPx(), m_timer.interval(), 1000),
                c->changedSinceDrawn(), c->showsMovingContent(), c->markersChangedSinceDrawn()});
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
    for (auto it = dirty.cbegin(); it != dirty.cend(); ++it) {
        it.key()->repaint(it.value());
    }
    m_lastFrameMs = double(t.nsecsElapsed()) / 1e6;
    m_averageChartMs = 0.8 * m_averageChartMs + 0.2 * (m_lastFrameMs / double(order.size()));
    ++m_frames;
    if (m_log.isOpen()) {
        logLine("frame " + QByteArray::number(m_lastFrameMs, 'f', 3) + ' ' + QByteArray::number(points) + ' '
            + QByteArray::number(order.size()));
    }
}

} // namespace presenter
