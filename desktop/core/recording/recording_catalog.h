#pragma once

#include "recording.h"

#include "model/talk_pace.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace presenter {

// The recordings folder as a presenter manages it (desktop/docs/RECORDING.md "Managing the
// folder"): what each file is (date, length, complete or cut, talk or rehearsal, the rehearsal's
// verdict, kept), which rehearsal `--fallback latest` means, and which files retention deletes.
//
// A recording is marked kept by a sidecar file next to it, FILE.keep (`presenter --keep-recording
// FILE`); retention never deletes a kept recording, the one named by --fallback, the session's own,
// or a file that is not a recording at all.
//
// Threading: any thread; every call reads or changes the files it is given there and then.
namespace recording {

struct CatalogEntry
{
    enum class Verdict {
        None, // nothing was judged (no verdict, no action outcome recorded)
        Pass, // verdicts and actions recorded, none failed
        Fail, // a verdict or an action failed
    };

    QString path;
    qint64 sizeBytes = 0;
    bool isRecording = false; // false: not a recording, another version, unreadable (`problem` says)
    bool headerOnly = false; // only the header was read: length, complete, verdict unknown
    QString problem; // why not a recording, or where a cut recording stops
    qint64 startedMs = 0;
    qint64 lengthMs = 0; // from the header's start to the last record
    bool complete = false; // it ends with its end record (RecordingReader's `complete`)
    QString purpose; // "talk" or "rehearsal"
    Verdict verdict = Verdict::None;
    int verdictsPassed = 0;
    QStringList failures; // each failed verdict or action: "heal: FAIL healed within 90 s: ..."
    bool kept = false; // FILE.keep exists
    QList<BeatRun> beatRuns; // its "beat_run" records, in order (the report's rehearsal times)

    bool isRehearsal() const { return purpose == u"rehearsal"; }
    // What --fallback latest may pick: a complete rehearsal in which nothing failed.
    bool isGoodRehearsal() const { return isRecording && complete && isRehearsal() && verdict != Verdict::Fail; }
    QString fileName() const;
};

// How many recordings the folder keeps: the newest `keepNewest` (protected ones among them count),
// and beyond them only protected ones; then the oldest unprotected ones go until the folder holds at
// most `maxBytes` (protected ones count, they are never deleted). 0 = no such limit.
struct RetentionPolicy
{
    static constexpr int kDefaultKeepNewest = 20;
    static constexpr qint64 kDefaultMaxMb = 500;
    static constexpr qint64 kBytesPerMb = qint64(1024) * 1024;
    int keepNewest = kDefaultKeepNewest;
    qint64 maxBytes = kDefaultMaxMb * kBytesPerMb;
};

class RecordingCatalog
{
public:
    // One file, read whole (tolerantly: a cut file is listed with where it stops).
    static CatalogEntry inspect(const QString &path);
    // Its header only, from the file's first kHeaderBytes (what retention needs: a 15-minute talk
    // inflates to about 12 MB of text, read whole in about 0.1 s of CPU).
    static CatalogEntry inspectHeader(const QString &path);
    static constexpr qint64 kHeaderBytes = 8 * 1024;
    enum class Depth { Whole, HeaderOnly };
    // Every *.jsonl.gz and *.jsonl in `directory`, newest first (by the header's start; files that
    // are not recordings last, by name). An absent folder is an empty list.
    static QList<CatalogEntry> scan(const QString &directory, Depth depth = Depth::Whole);
    // The newest good rehearsal of `newestFirst` (scan()'s order), if any.
    static std::optional<CatalogEntry> latestRehearsal(const QList<CatalogEntry> &newestFirst);
    // The same for a folder: its headers, then the rehearsals read whole, newest first, until a good one.
    static std::optional<CatalogEntry> latestRehearsal(const QString &directory);

    static QString keepMarkerPath(const QString &recordingPath) { return recordingPath + u".keep"; }
    // Writes FILE.keep (once FILE reads as a recording); false with a sentence.
    static bool markKept(const QString &recordingPath, QString *error);

    // Pure: which of `newestFirst` retention deletes under `policy`; `protectedPaths` (the fallback,
    // the session just recorded) and kept recordings never, files that are not recordings never.
    static QStringList toDelete(
        const QList<CatalogEntry> &newestFirst, const RetentionPolicy &policy, const QStringList &protectedPaths);
    // scan(), toDelete(), then removes them; the paths removed. *error names the first file that
    // could not be removed.
    static QStringList applyRetention(const QString &directory, const RetentionPolicy &policy,
        const QStringList &protectedPaths, QString *error = nullptr);

    // The folder as a table, one recording a line (newest first), a cut one's reason under it.
    static QString listing(const QList<CatalogEntry> &newestFirst);
};

} // namespace recording

} // namespace presenter
