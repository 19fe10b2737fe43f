#include "session_recording.h"

#include "session/presenter_session.h"

namespace presenter {

bool SessionRecording::start(
    PresenterSession &session, const QString &path, const QString &purpose, const QByteArray &planJson, QString *error)
{
    const qint64 startedMs = session.clock().nowMs();
    m_path = path.isEmpty() ? recording::RecordingWriter::defaultPath(startedMs) : path;
    recording::Header header = SessionRecorder::header(session, startedMs);
    header.purpose = purpose;
    if (!m_writer.open(m_path, header, error)) {
        m_path.clear();
        return false;
    }
    m_recorder
        = std::make_unique<SessionRecorder>(&session, [this](const recording::Record &r) { m_writer.append(r); });
    m_recorder->recordPlan(planJson);
    return true;
}

SessionRecording::Finished SessionRecording::finish(PresenterSession &session)
{
    m_recorder.reset();
    if (!m_writer.isOpen()) {
        return {};
    }
    m_writer.close(session.clock().nowMs());
    return {m_path, m_writer.recordsAppended(), m_writer.compressedBytes()};
}

} // namespace presenter
