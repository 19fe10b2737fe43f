#pragma once

#include "recording.h"

#include <QObject>
#include <QString>

#include <memory>

namespace presenter {

// Appends records to a gzip-compressed JSON-lines file on its own thread: append() only queues
// (it never waits for the disk), so the GUI thread can record every input as it arrives. The file
// is flushed (a gzip sync point) at least once a second, so an abrupt stop loses at most the last
// second; close() writes the "end" record and finishes the gzip stream.
//
// Threading: open(), append(), close() and the accessors from one thread (the GUI thread); the
// writing happens on a worker thread the writer owns.
namespace recording {

class RecordingWriter
{
public:
    RecordingWriter();
    ~RecordingWriter(); // close()s
    RecordingWriter(const RecordingWriter &) = delete;
    RecordingWriter &operator=(const RecordingWriter &) = delete;

    // Creates the file (and its folder) and writes the header line. False with a reason.
    bool open(const QString &path, const Header &header, QString *error);
    bool isOpen() const; // false after close() and after a write error
    QString path() const;
    void append(const Record &record);
    void append(qint64 tMs, const QString &kind, const QJsonObject &data) { append(Record {tMs, kind, data}); }
    // Writes the end record (at endMs) and waits for the worker to finish the file.
    void close(qint64 endMs);
    void close();

    qint64 recordsAppended() const;
    qint64 uncompressedBytes() const; // JSON text written so far (after the worker wrote it)
    qint64 compressedBytes() const; // the file's size so far (after the worker wrote it)
    // The first write error, if any (the recording then stops; the presenter keeps running).
    QString error() const;

    // $XDG_DATA_HOME/crdb-live-evolution/recordings (QStandardPaths::GenericDataLocation), or
    // $PRESENTER_RECORDING_DIR when set.
    static QString defaultDirectory();
    // session-YYYYMMDD-HHMMSS.jsonl.gz (UTC), in defaultDirectory().
    static QString defaultPath(qint64 startedMs);

private:
    struct Worker;
    std::unique_ptr<Worker> m_worker;
    // What the accessors answer after close() (the worker is gone by then).
    qint64 m_closedAppended = 0;
    qint64 m_closedUncompressed = 0;
    qint64 m_closedCompressed = 0;
    QString m_closedError;
};

} // namespace recording

} // namespace presenter
