#pragma once

#include "recording_writer.h"
#include "session_recorder.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace presenter {

class PresenterSession;

// A session recorded to one file from start() to finish(): the writer, the recorder connected to
// the session, the plan as its first record. The live talk and the rehearsal both use it; they
// differ only in the file's purpose ("talk", "rehearsal") and what they print.
//
// Threading: GUI thread (the recorder's signals); the writer compresses on its own thread.
class SessionRecording
{
public:
    // Opens `path` (empty: RecordingWriter::defaultPath) with the session's header and `purpose`;
    // false with *error when the file cannot be written (the session then runs unrecorded).
    bool start(PresenterSession &session, const QString &path, const QString &purpose, const QByteArray &planJson,
        QString *error);

    struct Finished
    {
        QString path; // empty when nothing was recorded
        qint64 records = 0;
        qint64 compressedBytes = 0;
    };
    // Closes the file with its end record (the recording is then complete).
    Finished finish(PresenterSession &session);

    QString path() const { return m_path; }

private:
    QString m_path;
    recording::RecordingWriter m_writer;
    std::unique_ptr<SessionRecorder> m_recorder;
};

} // namespace presenter
