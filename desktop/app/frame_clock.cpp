#include "frame_clock.h"

#include "time_chart.h"

#include <QDateTime>

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
    const qint64 now = m_now();
    const quint64 revision = m_store->revision();
    if (revision == m_lastRevision && now - m_lastFrameAtMs < 1000) {
        return;
    }
    m_lastRevision = revision;
    m_lastFrameAtMs = now;
    frame();
}

void FrameClock::frame(bool force)
{
    QElapsedTimer t;
    t.start();
    const qint64 now = m_now();
    qsizetype points = 0;
    for (const auto &c : std::as_const(m_charts)) {
        if (c && c->isVisible()) {
            const qsizetype shown = c->refresh(now, force);
            if (shown >= 0) {
                points += shown;
                c->viewport()->repaint();
            }
        }
    }
    m_lastFrameMs = double(t.nsecsElapsed()) / 1e6;
    ++m_frames;
    if (m_log.isOpen()) {
        logLine("frame " + QByteArray::number(m_lastFrameMs, 'f', 3) + ' ' + QByteArray::number(points));
    }
}
