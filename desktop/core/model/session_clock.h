#pragma once

#include <QDateTime>
#include <QtGlobal>

// The presenter's "now" for one session: the wall clock when live, the recording's time when a
// recording plays back (SessionPlayer sets it as it goes). Everything that stamps or judges by
// time (markers, expectations, the stopwatch, the charts' right edge) asks the session's clock, so
// a replay shows what the live talk showed at that moment, and a live session and a fallback
// replay can run side by side in one process.
//
// Threading: GUI thread only.
class SessionClock
{
public:
    qint64 nowMs() const { return m_replay ? m_replayMs : QDateTime::currentMSecsSinceEpoch(); }
    bool isReplay() const { return m_replay; }
    // Switches to recorded time (and stays there): the player advances it record by record.
    void setReplayTime(qint64 ms)
    {
        m_replay = true;
        m_replayMs = ms;
    }

private:
    bool m_replay = false;
    qint64 m_replayMs = 0;
};
