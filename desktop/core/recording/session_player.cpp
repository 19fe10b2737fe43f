#include "session_player.h"

#include "record_codec.h"

#include "session/presenter_session.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

SessionPlayer::SessionPlayer(PresenterSession *session, QObject *parent) : QObject(parent), m_session(session)
{
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
    m_session->clock().setReplayTime(m_nowMs);
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
    m_session->clock().setReplayTime(m_nowMs);
    m_session->evaluator()->checkDeadlines(m_nowMs);
    Q_EMIT positionChanged();
}

void SessionPlayer::seekToRecord(qsizetype index)
{
    index = std::clamp<qsizetype>(index, 0, m_records.size());
    if (index < m_next) {
        m_next = 0;
        m_nowMs = startMs();
        m_session->clock().setReplayTime(m_nowMs); // what starts over starts at the recording's start
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

void SessionPlayer::deliver(const recording::Record &r)
{
    using namespace recordcodec;
    PresenterSession *s = m_session;
    const QJsonObject &d = r.data;
    s->clock().setReplayTime(r.tMs);
    const QString &k = r.kind;
    if (k == "feed"_L1) {
        s->feed()->replayMessage(d.value("text"_L1).toString(), r.tMs);
    } else if (k == "feed_connected"_L1) {
        s->feed()->replayConnected(d.value("connected"_L1).toBool());
    } else if (k == "prom_poll"_L1) {
        const QString name = d.value("name"_L1).toString();
        if (d.contains("error"_L1)) {
            s->prometheus()->replayPollFailed(name, d.value("error"_L1).toString());
        } else {
            s->prometheus()->replayPoll(name, seriesFromJson(d.value("series"_L1).toArray()));
        }
    } else if (k == "prom_query"_L1) {
        ExpectationEvaluator *ev = s->evaluator();
        const int index = d.value("index"_L1).toInt(-1);
        if (d.value("beat"_L1).toString() != ev->beatId() || index < 0 || index >= ev->states().size()) {
            return; // an answer for another beat's expectations (live dropped it the same way)
        }
        if (d.contains("error"_L1)) {
            ev->onPromError(index, d.value("error"_L1).toString(), r.tMs);
        } else {
            ev->onPromResult(index, seriesFromJson(d.value("series"_L1).toArray()), r.tMs);
        }
    } else if (k == "cluster_status"_L1) {
        s->cluster()->replayStatus(clusterStatusFromJson(d));
    } else if (k == "fault"_L1) {
        if (const auto fault = faultFromKey(d.value("fault"_L1).toString())) {
            s->cluster()->replayFault(d.value("event"_L1).toString() == "started"_L1, d.value("ordinal"_L1).toInt(),
                d.value("pod"_L1).toString(), *fault);
        }
    } else if (k == "cluster_op"_L1) {
        s->cluster()->replayOperationFinished(d.value("ok"_L1).toBool(), d.value("summary"_L1).toString());
    } else if (k == "node_status"_L1) {
        s->nodeStatus()->replaySnapshot(nodeSnapshotFromJson(d));
    } else if (k == "app_state"_L1) {
        s->control()->replayState(d.value("load"_L1).toObject());
    } else if (k == "app_command"_L1) {
        if (const auto command = commandFromKey(d.value("command"_L1).toString())) {
            s->control()->replayCommandFinished(*command, d.value("ok"_L1).toBool(), d.value("message"_L1).toString());
        }
    } else if (k == "sql"_L1) {
        s->sql()->replayFinished(d.value("ok"_L1).toBool(), d.value("summary"_L1).toString());
    } else if (k == "story"_L1) {
        s->story()->replaySnapshot(storyFromJson(d));
    } else if (k == "beat_run"_L1) {
        s->replayBeatRun(d.value("index"_L1).toInt(-1));
    } else if (k == "action_outcome"_L1) {
        if (const auto outcome = actionOutcomeFromJson(d)) {
            s->replayActionOutcome(d.value("index"_L1).toInt(-1), *outcome);
        }
    } else if (k == "action"_L1) {
        s->replayActionCompleted(d.value("index"_L1).toInt(-1), r.tMs);
    } else if (k == "beat_finished"_L1) {
        s->replayBeatFinished(r.tMs, d.value("ok"_L1).toBool(), d.value("summary"_L1).toString());
    } else if (k == "marker"_L1) {
        s->store().addMarker(EventMarker {d.value("x"_L1).toInteger(),
            markerKindFromName(d.value("kind"_L1).toString()), d.value("text"_L1).toString()});
    }
    // "plan", "user" and kinds this presenter does not know: nothing to feed.
}
