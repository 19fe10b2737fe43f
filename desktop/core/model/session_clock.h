#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QObject>
#include <QtGlobal>

namespace presenter {

// The presenter's "now" for one session: the wall clock when live, the recording's time when a
// recording plays back (SessionPlayer sets it as it goes). Everything that stamps or judges by
// time (markers, expectations, the stopwatch, the charts' right edge, the recorder) asks the
// session's clock, so a replay shows what the live talk showed at that moment, and a live session
// and a fallback replay can run side by side in one process.
//
// Live, "now" is pinned for the handling of one event: the first read takes the wall clock and
// every later read returns that instant until control returns to the event loop. So everything one
// input causes (the recorder's stamp, the evaluator's sample time, a chart gap) carries one time,
// the time a replay then sets for that record; two reads a millisecond apart would make a replay
// differ from the live talk by that millisecond.
//
// Threading: GUI thread only.
class SessionClock
{
public:
    qint64 nowMs() const
    {
        if (m_set) {
            return m_setMs;
        }
        if (!m_pinned) {
            m_pinnedMs = QDateTime::currentMSecsSinceEpoch();
            if (!QCoreApplication::instance()) {
                return m_pinnedMs; // no event loop to unpin it: never pin
            }
            m_pinned = true;
            // Runs once the current event is handled (discarded with the clock: m_unpin's context).
            QMetaObject::invokeMethod(
                &m_unpin, [this] { m_pinned = false; }, Qt::QueuedConnection);
        }
        return m_pinnedMs;
    }
    bool followsWallClock() const { return !m_set; }
    // Switches to a time set from outside, and stays there: a recording's, which the player
    // advances record by record.
    void setTime(qint64 ms)
    {
        m_set = true;
        m_setMs = ms;
    }

private:
    bool m_set = false;
    qint64 m_setMs = 0;
    mutable bool m_pinned = false;
    mutable qint64 m_pinnedMs = 0;
    mutable QObject m_unpin;
};

} // namespace presenter
