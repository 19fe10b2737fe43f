#include "pace_display.h"

#include "session/presenter_session.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

QString colourFor(TalkPace::Status status)
{
    switch (status) {
    case TalkPace::Status::Behind:
        return u"#b00020"_s;
    case TalkPace::Status::Ahead:
        return u"#1565c0"_s;
    case TalkPace::Status::OnTime:
        return u"#2e7d32"_s;
    case TalkPace::Status::NotStarted:
    case TalkPace::Status::ElapsedOnly:
        break;
    }
    return {};
}

} // namespace

PaceDisplay::PaceDisplay(PresenterSession *session, QWidget *parent)
    : QLabel(parent), m_session(session), m_pace(session->story()->plan()), m_timer(new QTimer(this))
{
    setObjectName(u"paceDisplay"_s);
    setWordWrap(true);
    QFont f = font();
    f.setBold(true);
    setFont(f);
    setToolTip(u"Time since the first beat ran, time left of the talk (talk_minutes), and ahead or behind the "
               u"beats' budgets (budget_s in the plan): desktop/docs/PACE.md"_s);
    connect(session, &PresenterSession::beatRunStarted, this, [this](int index, const QString &) {
        m_pace.beatStarted(index, m_session->clock().nowMs());
        refresh();
    });
    connect(session, &PresenterSession::replayRestarted, this, [this] {
        m_pace.setPlan(m_session->story()->plan());
        refresh();
    });
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &PaceDisplay::refresh);
    m_timer->start();
    refresh();
}

void PaceDisplay::refresh()
{
    const TalkPace::Reading reading = m_pace.at(m_session->clock().nowMs());
    const QString beat = TalkPace::beatText(reading);
    setText(u"Pace: "_s + TalkPace::talkText(reading, m_pace.talkLengthMs())
        + (beat.isEmpty() ? QString() : u"\n"_s + beat[0].toUpper() + beat.mid(1)));
    const QString colour = colourFor(reading.status);
    setStyleSheet(colour.isEmpty() ? QString() : u"color: %1;"_s.arg(colour));
}

} // namespace presenter
