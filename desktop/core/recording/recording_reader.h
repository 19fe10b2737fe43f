#pragma once

#include "recording.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace presenter {

// Reads a recording back. Tolerant by design: a truncated or corrupted file yields every valid
// record up to the first problem and says where it stopped; only a file that is not a recording
// at all, or one of an unknown format version, is refused. Never crashes on any input
// (fuzz target: tests/desktop/recording/fuzz_recording_reader.cpp).
namespace recording {

struct ReadResult
{
    Header header;
    QList<Record> records; // in file order, the "end" record excluded
    bool complete = false; // the "end" record was read and the file ended cleanly after it
    // Where and why reading stopped early, for the presenter to show ("line 1234: not JSON",
    // "the file ends inside line 1200 (truncated)", "gzip data corrupted after 812 KB"); empty when
    // complete.
    QString stoppedReason;
    qint64 stoppedAtLine = 0; // 1-based line of the problem (0 when complete)
};

// Reads a file: gzip (by its magic bytes) or plain JSON lines. nullopt with *error for a file that
// cannot be opened, is not a recording (first line is not our header), or has a version other
// than kFormatVersion ("recording format version 7 is not supported: this presenter reads
// version 1").
std::optional<ReadResult> readRecordingFile(const QString &path, QString *error);
// The same on bytes already in memory (gzip or plain); the fuzz target's entry point.
std::optional<ReadResult> readRecordingBytes(const QByteArray &bytes, QString *error);

// One record as its line (no newline), and back (nullopt for a malformed line).
QByteArray encodeRecord(const Record &record);
std::optional<Record> decodeRecord(const QByteArray &line);
QByteArray encodeHeader(const Header &header);

} // namespace recording

} // namespace presenter
