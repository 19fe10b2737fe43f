#include "session_player.h"

#include "recorded_inputs.h"

#include "session/presenter_session.h"

#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

SessionPlayer::SessionPlayer(PresenterSession *session, QObject *parent) : QObject(parent), m_session(session)
{
    recordedinputs::registerHandlers(*this, *session);
    m_timer.setInterval(40);
    connect(&m_timer, &QTimer::timeout, this, &SessionPlayer::step);
}

QByteArray SessionPlayer::recordedPlan(const QList<recording::Record> &records)
{
    for (const auto &r : records) {
        if (r.kind == "plan"_L1) {
            return QJsonDocument(r.data.value("document"_L1).toObject()).toJson(QJsonDocument::Compact);
        }
    }
    return {};
}

void SessionPlayer::load(const QList<recording::Record> &records)
{
    pause();
    m_records = records;
    m_beats.clear();
    for (qsizetype i = 0; i < m_records.size(); ++i) {
        const auto &r = m_records.at(i);
        if (r.kind == "beat_run"_L1) {
            m_beats.append({r.data.value("index"_L1).toInt(-1), r.data.value("beat"_L1).toString(), r.tMs, i});
        }
    }
    m_next = 0;
    m_nowMs = startMs();
    m_session->clock().setTime(m_nowMs);
    Q_EMIT positionChanged();
}

qint64 SessionPlayer::startMs() const
{
    return m_records.isEmpty() ? 0 : m_records.constFirst().tMs;
}

qint64 SessionPlayer::endMs() const
{
    return m_records.isEmpty() ? 0 : m_records.constLast().tMs;
}

void SessionPlayer::play()
{
    if (atEnd() || m_timer.isActive()) {
        return;
    }
    m_wall.start();
    m_timer.start();
    Q_EMIT playingChanged(true);
}

void SessionPlayer::pause()
{
    if (!m_timer.isActive()) {
        return;
    }
    m_timer.stop();
    Q_EMIT playingChanged(false);
}

void SessionPlayer::setSpeed(double speed)
{
    m_speed = std::clamp(speed, 0.25, 64.0);
    Q_EMIT positionChanged();
}

void SessionPlayer::step()
{
    const qint64 wallMs = m_wall.restart();
    advanceTo(m_nowMs + qint64(double(wallMs) * m_speed));
    if (atEnd()) {
        pause();
        Q_EMIT finished();
    }
}

void SessionPlayer::advanceTo(qint64 ms)
{
    while (m_next < m_records.size() && m_records.at(m_next).tMs <= ms) {
        deliver(m_records.at(m_next));
        ++m_next;
    }
    m_nowMs = std::max(m_nowMs, ms);
    showPosition();
}

void SessionPlayer::showPosition()
{
    m_session->clock().setTime(m_nowMs);
    m_session->evaluator()->checkDeadlines(m_nowMs);
    Q_EMIT positionChanged();
}

void SessionPlayer::seekToRecord(qsizetype index)
{
    index = std::clamp<qsizetype>(index, 0, m_records.size());
    if (index < m_next) {
        m_next = 0;
        m_nowMs = startMs();
        m_session->clock().setTime(m_nowMs); // what starts over starts at the recording's start
        m_session->resetForReplay();
    }
    while (m_next < index) {
        const auto &r = m_records.at(m_next);
        m_nowMs = std::max(m_nowMs, r.tMs);
        deliver(r);
        ++m_next;
    }
    m_wall.restart();
    showPosition();
}

bool SessionPlayer::seekToBeat(int beatIndex)
{
    for (const BeatMark &b : std::as_const(m_beats)) {
        if (b.beatIndex == beatIndex) {
            seekToRecord(b.recordIndex + 1); // the beat has just been run, as on stage
            return true;
        }
    }
    if (!m_beats.isEmpty() && beatIndex > m_beats.constLast().beatIndex) {
        seekToRecord(m_records.size());
    }
    return false;
}

void SessionPlayer::seekNextBeat()
{
    for (const BeatMark &b : std::as_const(m_beats)) {
        if (b.recordIndex >= m_next) {
            seekToRecord(b.recordIndex + 1);
            return;
        }
    }
}

void SessionPlayer::seekPreviousBeat()
{
    // The beat before the one shown now (the latest run before the position).
    const BeatMark *current = nullptr;
    const BeatMark *previous = nullptr;
    for (const BeatMark &b : std::as_const(m_beats)) {
        if (b.recordIndex < m_next) {
            previous = current;
            current = &b;
        }
    }
    if (previous) {
        seekToRecord(previous->recordIndex + 1);
    } else {
        seekToRecord(0);
    }
}

bool SessionPlayer::handleKey(int key)
{
    switch (key) {
    case Qt::Key_Space:
        togglePause();
        return true;
    case Qt::Key_PageDown:
    case Qt::Key_Right:
        seekNextBeat();
        return true;
    case Qt::Key_PageUp:
    case Qt::Key_Left:
        seekPreviousBeat();
        return true;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        setSpeed(m_speed * 2);
        return true;
    case Qt::Key_Minus:
        setSpeed(m_speed / 2);
        return true;
    case Qt::Key_Home:
        seekToRecord(0);
        return true;
    default:
        return false;
    }
}

bool SessionPlayer::setHandler(const QString &kind, Handler handler)
{
    if (m_handlers.contains(kind)) {
        return false;
    }
    m_handlers.insert(kind, std::move(handler));
    return true;
}

void SessionPlayer::deliver(const recording::Record &r)
{
    m_session->clock().setTime(r.tMs);
    // "plan", "user" and kinds this presenter does not know: nothing to feed.
    if (const auto handler = m_handlers.constFind(r.kind); handler != m_handlers.cend()) {
        (*handler)(r);
    }
}

} // namespace presenter
