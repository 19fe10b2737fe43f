#pragma once

#include "recording.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace presenter {

class PresenterSession;

// Plays a recording through a PresenterSession in replay mode (PresenterSession::setReplayMode):
// each record goes, through the handler registered for its kind, to the state entry point of the
// source or step that received it live (FeedClient::ingest, PrometheusClient::deliver,
// ClusterDriver::applyStatus, NodeStatusClient::applySnapshot, StoryController::restore, the
// session's apply*, the evaluator's onPromResult ...; the table is recordedinputs::registerHandlers,
// recorded_inputs.h), with the session's clock set to the record's time, so the charts, markers,
// node grid, verdicts and kiosk are built by the same code as live. Nothing is executed: an action
// appears as its recorded result.
//
// Time: the recording's time advances at speed() times the wall clock while playing. Seeking to a
// beat plays every record before that beat's run at once (backwards: from the start, after
// PresenterSession::resetForReplay()). A kind without a handler is skipped (RECORDING.md: a new
// kind does not change the format version).
//
// Threading: GUI thread only.
class SessionPlayer : public QObject
{
    Q_OBJECT
public:
    // Registers the handler of every kind this presenter plays (recordedinputs::registerHandlers).
    SessionPlayer(PresenterSession *session, QObject *parent = nullptr);

    // What a record of one kind feeds. One handler per kind: false (the first one kept) when the
    // kind already has one.
    using Handler = std::function<void(const recording::Record &)>;
    bool setHandler(const QString &kind, Handler handler);
    bool hasHandler(const QString &kind) const { return m_handlers.contains(kind); }

    // The plan recorded in the file (its "plan" record), if any; the session must have a plan
    // set before load() (the recorded one when there is one).
    static QByteArray recordedPlan(const QList<recording::Record> &records);

    // Takes the records (file order) and positions at the start (nothing played yet).
    void load(const QList<recording::Record> &records);
    qsizetype recordCount() const { return m_records.size(); }
    qsizetype position() const { return m_next; } // records played so far
    bool atEnd() const { return m_next >= m_records.size(); }
    qint64 startMs() const;
    qint64 endMs() const;
    qint64 nowMs() const { return m_nowMs; } // the recording's time shown now

    void play();
    void pause();
    void togglePause() { isPlaying() ? pause() : play(); }
    bool isPlaying() const { return m_timer.isActive(); }
    void setSpeed(double speed); // clamped to [0.25, 64]
    double speed() const { return m_speed; }

    // Beats the recording ran ("beat_run" records): plan index and the time it ran.
    struct BeatMark
    {
        int beatIndex = -1;
        QString beatId;
        qint64 atMs = 0;
        qsizetype recordIndex = 0;
    };
    const QList<BeatMark> &beats() const { return m_beats; }
    // Shows the recording just before beat `beatIndex` ran (false if the recording never ran it),
    // or its end when beatIndex is past every recorded beat.
    bool seekToBeat(int beatIndex);
    // Next / previous recorded beat relative to the position (clicker keys in a replay).
    void seekNextBeat();
    void seekPreviousBeat();
    // Plays every record up to (not including) record `index` at once.
    void seekToRecord(qsizetype index);
    // Plays every record with t <= ms (a test drives the replay with this, no timer).
    void advanceTo(qint64 ms);

    // Handles the replay keys: Space pause/play, PageDown/Right next beat, PageUp/Left previous,
    // +/- speed x2 / /2, Home restart. True if handled.
    bool handleKey(int key);

Q_SIGNALS:
    void positionChanged();
    void playingChanged(bool playing);
    void finished();

private:
    void step();
    // The clock at m_nowMs, deadlines judged there, positionChanged(): after any move.
    void showPosition();
    void deliver(const recording::Record &record);

    PresenterSession *m_session;
    QHash<QString, Handler> m_handlers;
    QList<recording::Record> m_records;
    QList<BeatMark> m_beats;
    qsizetype m_next = 0;
    qint64 m_nowMs = 0;
    double m_speed = 1.0;
    QTimer m_timer;
    QElapsedTimer m_wall;
};

} // namespace presenter
