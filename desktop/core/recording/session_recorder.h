#pragma once

#include "recording.h"

#include <QObject>

#include <functional>

namespace presenter {

class PresenterSession;

// Records every input a live PresenterSession receives, at the sources' boundary, as it arrives
// (desktop/docs/RECORDING.md "Kinds"): raw feed messages, Prometheus poll answers, the
// expectations' PromQL answers, cluster and node status, fault events, cluster/SQL/sample-app
// results, story changes, beat runs and their actions, and the markers not derived from the feed.
// Each becomes one Record handed to the sink (a RecordingWriter's append(): it never blocks).
// SessionPlayer feeds them back through the same code paths.
//
// Secrets are never recorded: the header's profile is recordcodec::profileToJson (no token, no
// conninfo), and no source signal carries one.
//
// Threading: GUI thread (the session's).
class SessionRecorder : public QObject
{
    Q_OBJECT
public:
    using Sink = std::function<void(const recording::Record &)>;

    SessionRecorder(PresenterSession *session, Sink sink, QObject *parent = nullptr);

    // The file's header for this session (no secrets).
    static recording::Header header(const PresenterSession &session, qint64 startedMs);
    // The plan as loaded (the "plan" record): a replay shows the beats as they were, even if
    // demo/plan.json changed since.
    void recordPlan(const QByteArray &planJson);
    // A presenter action that changed nothing recorded otherwise (a key, a button), for the log.
    void recordUser(const QString &what);
    qint64 records() const { return m_records; }

private:
    void emitRecord(const QString &kind, const QJsonObject &data, qint64 tMs = -1);

    PresenterSession *m_session;
    Sink m_sink;
    qint64 m_records = 0;
    QJsonObject m_lastStory;
};

} // namespace presenter
