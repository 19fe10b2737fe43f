#include "recording_catalog.h"

#include "recording_reader.h"

#include "config/enum_names.h"
#include "model/expectation.h"
#include "model/talk_pace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter::recording {

namespace {

// What the recording says about its own run: the "verdict" records (ExpectationEvaluator's settled
// verdicts) and the "action_outcome" records (an action that failed).
void judge(const QList<Record> &records, CatalogEntry *entry)
{
    bool judged = false;
    for (const Record &r : records) {
        if (r.kind == u"verdict") {
            judged = true;
            // The key SessionRecorder writes: enumKey(verdict, KeyStyle::Snake).
            using Verdict = ExpectationEvaluator::Verdict;
            const auto verdict = enumFromKey<Verdict>(r.data.value(u"verdict"_s).toString(), KeyStyle::Snake);
            if (verdict == Verdict::Fail) {
                entry->failures.append(
                    u"%1: %2"_s.arg(r.data.value(u"beat"_s).toString(), r.data.value(u"text"_s).toString()));
            } else if (verdict == Verdict::Pass) {
                ++entry->verdictsPassed;
            }
        } else if (r.kind == u"beat_run") {
            entry->beatRuns.append(
                BeatRun {r.data.value(u"index"_s).toInt(-1), r.data.value(u"beat"_s).toString(), r.tMs});
        } else if (r.kind == u"action_outcome") {
            judged = true;
            if (r.data.value(u"outcome"_s).toString() == u"failed") {
                entry->failures.append(u"action: %1"_s.arg(r.data.value(u"text"_s).toString()));
            }
        }
    }
    if (!entry->failures.isEmpty()) {
        entry->verdict = CatalogEntry::Verdict::Fail;
    } else if (judged) {
        entry->verdict = CatalogEntry::Verdict::Pass;
    }
}

bool samePath(const QString &a, const QString &b)
{
    return QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath();
}

bool isProtected(const CatalogEntry &e, const QStringList &protectedPaths)
{
    return !e.isRecording || e.kept
        || std::any_of(protectedPaths.cbegin(), protectedPaths.cend(),
            [&e](const QString &p) { return !p.isEmpty() && samePath(p, e.path); });
}

QString verdictWord(const CatalogEntry &e)
{
    if (!e.isRehearsal()) {
        return u"-"_s;
    }
    switch (e.verdict) {
    case CatalogEntry::Verdict::Pass:
        return u"pass"_s;
    case CatalogEntry::Verdict::Fail:
        return u"FAIL"_s;
    case CatalogEntry::Verdict::None:
        break;
    }
    return u"none"_s;
}

// What every entry says before its file is read: its path, size and keep marker.
CatalogEntry fileFacts(const QString &path)
{
    CatalogEntry e;
    e.path = path;
    e.sizeBytes = QFileInfo(path).size();
    e.kept = QFileInfo::exists(RecordingCatalog::keepMarkerPath(path));
    return e;
}

// A file that read as a recording: what its header says.
void takeHeader(const Header &header, CatalogEntry *e)
{
    e->isRecording = true;
    e->startedMs = header.startedMs;
    e->purpose = header.purpose.isEmpty() ? u"talk"_s : header.purpose;
}

} // namespace

QString CatalogEntry::fileName() const
{
    return QFileInfo(path).fileName();
}

CatalogEntry RecordingCatalog::inspect(const QString &path)
{
    CatalogEntry e = fileFacts(path);
    QString error;
    const std::optional<ReadResult> read = readRecordingFile(path, &error);
    if (!read) {
        e.problem = error;
        return e;
    }
    takeHeader(read->header, &e);
    e.complete = read->complete;
    e.problem = read->stoppedReason;
    if (!read->records.isEmpty()) {
        e.lengthMs = std::max<qint64>(0, read->records.constLast().tMs - e.startedMs);
    }
    judge(read->records, &e);
    return e;
}

CatalogEntry RecordingCatalog::inspectHeader(const QString &path)
{
    CatalogEntry e = fileFacts(path);
    e.headerOnly = true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        e.problem = u"cannot open %1: %2"_s.arg(path, file.errorString());
        return e;
    }
    // The reader is tolerant: a prefix of the file is a cut recording whose header reads whole.
    QString error;
    const std::optional<ReadResult> read = readRecordingBytes(file.read(kHeaderBytes), &error);
    if (!read) {
        e.problem = error;
        return e;
    }
    takeHeader(read->header, &e);
    return e;
}

QList<CatalogEntry> RecordingCatalog::scan(const QString &directory, Depth depth)
{
    QList<CatalogEntry> entries;
    const QDir dir(directory);
    const QStringList names = dir.entryList({u"*.jsonl.gz"_s, u"*.jsonl"_s}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const QString path = dir.filePath(name);
        entries.append(depth == Depth::Whole ? inspect(path) : inspectHeader(path));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const CatalogEntry &a, const CatalogEntry &b) {
        if (a.isRecording != b.isRecording) {
            return a.isRecording;
        }
        return a.startedMs != b.startedMs ? a.startedMs > b.startedMs : a.path > b.path;
    });
    return entries;
}

std::optional<CatalogEntry> RecordingCatalog::latestRehearsal(const QList<CatalogEntry> &newestFirst)
{
    for (const CatalogEntry &e : newestFirst) {
        if (e.isGoodRehearsal()) {
            return e;
        }
    }
    return std::nullopt;
}

std::optional<CatalogEntry> RecordingCatalog::latestRehearsal(const QString &directory)
{
    for (const CatalogEntry &header : scan(directory, Depth::HeaderOnly)) {
        if (header.isRecording && header.isRehearsal()) {
            if (const CatalogEntry whole = inspect(header.path); whole.isGoodRehearsal()) {
                return whole;
            }
        }
    }
    return std::nullopt;
}

bool RecordingCatalog::markKept(const QString &recordingPath, QString *error)
{
    QString readError;
    if (!readRecordingFile(recordingPath, &readError)) {
        *error = u"%1: %2"_s.arg(recordingPath, readError);
        return false;
    }
    QFile marker(keepMarkerPath(recordingPath));
    if (!marker.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = u"cannot write %1: %2"_s.arg(marker.fileName(), marker.errorString());
        return false;
    }
    marker.write("kept: retention never deletes the recording beside this file; delete this file to release it\n");
    return true;
}

QStringList RecordingCatalog::toDelete(
    const QList<CatalogEntry> &newestFirst, const RetentionPolicy &policy, const QStringList &protectedPaths)
{
    QStringList doomed;
    QList<const CatalogEntry *> candidates; // unprotected, within the count, newest first
    qint64 total = 0;
    int rank = 0; // among all recordings, protected ones too: "the newest N" are the newest N
    for (const CatalogEntry &e : newestFirst) {
        if (!e.isRecording) {
            continue;
        }
        ++rank;
        if (isProtected(e, protectedPaths)) {
            total += e.sizeBytes;
        } else if (policy.keepNewest > 0 && rank > policy.keepNewest) {
            doomed.append(e.path);
        } else {
            total += e.sizeBytes;
            candidates.append(&e);
        }
    }
    // The size cap takes the oldest first.
    while (policy.maxBytes > 0 && total > policy.maxBytes && !candidates.isEmpty()) {
        const CatalogEntry *oldest = candidates.takeLast();
        total -= oldest->sizeBytes;
        doomed.append(oldest->path);
    }
    return doomed;
}

QStringList RecordingCatalog::applyRetention(
    const QString &directory, const RetentionPolicy &policy, const QStringList &protectedPaths, QString *error)
{
    QStringList removed;
    for (const QString &path : toDelete(scan(directory, Depth::HeaderOnly), policy, protectedPaths)) {
        if (QFile::remove(path)) {
            removed.append(path);
        } else if (error && error->isEmpty()) {
            *error = u"cannot delete %1"_s.arg(path);
        }
    }
    return removed;
}

QString RecordingCatalog::listing(const QList<CatalogEntry> &newestFirst)
{
    QString out = u"%1  %2  %3  %4  %5  %6  %7  %8\n"_s.arg(u"started (UTC)"_s, -19)
                      .arg(u"length"_s, 6)
                      .arg(u"size"_s, 7)
                      .arg(u"state"_s, -8)
                      .arg(u"purpose"_s, -9)
                      .arg(u"verdict"_s, -7)
                      .arg(u"kept"_s, -4)
                      .arg(u"file"_s);
    for (const CatalogEntry &e : newestFirst) {
        if (!e.isRecording) {
            out += u"%1  %2\n      %3\n"_s.arg(u"(not a recording)"_s, -19).arg(e.fileName(), e.problem);
            continue;
        }
        const QString started = QDateTime::fromMSecsSinceEpoch(e.startedMs, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss"_s);
        out += u"%1  %2  %3  %4  %5  %6  %7  %8\n"_s.arg(started, -19)
                   .arg(TalkPace::clock(e.lengthMs), 6)
                   .arg(u"%1 KB"_s.arg((e.sizeBytes + 1023) / 1024), 7)
                   .arg(e.complete ? u"complete"_s : u"cut"_s, -8)
                   .arg(e.purpose, -9)
                   .arg(verdictWord(e), -7)
                   .arg(e.kept ? u"kept"_s : u"-"_s, -4)
                   .arg(e.fileName());
        if (!e.complete) {
            out += u"      cut: %1\n"_s.arg(e.problem);
        }
        if (e.isRehearsal()) {
            for (const QString &failure : e.failures) {
                out += u"      failed: %1\n"_s.arg(failure);
            }
        }
    }
    return out;
}

} // namespace presenter::recording
