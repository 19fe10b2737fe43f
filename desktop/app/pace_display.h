#pragma once

#include "model/talk_pace.h"

#include <QLabel>

class QTimer;

namespace presenter {

class PresenterSession;

// The talk's pace on the presenter's window, never the kiosk (desktop/docs/PACE.md): one line,
// "12:04 elapsed · 19:56 left · 1:10 behind · beat 1:20 of 2:00", red when behind, blue when
// ahead, green on time; the elapsed time only when the plan has no budgets. A TalkPace fed by the
// session's beat runs and read at the session's clock once a second (a replay's clock in a replay).
//
// Threading: GUI thread.
class PaceDisplay : public QLabel
{
    Q_OBJECT
public:
    explicit PaceDisplay(PresenterSession *session, QWidget *parent = nullptr);
    const TalkPace &pace() const { return m_pace; }
    void refresh();

private:
    PresenterSession *m_session;
    TalkPace m_pace;
    QTimer *m_timer;
};

} // namespace presenter
