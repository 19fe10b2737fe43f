// The recordings folder as a presenter manages it (recording/recording_catalog.h): each file
// classified (complete or cut, talk or rehearsal, the rehearsal's verdict, kept), the rehearsal
// `--fallback latest` picks among several, and retention (the newest N, a size cap; kept, the
// fallback and files that are not recordings never deleted). Real files written by RecordingWriter.
#include "recording/recording_catalog.h"
#include "recording/recording_writer.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using namespace presenter::recording;

namespace {

constexpr qint64 kDay = 1'765'000'000'000; // 2025-12-06
constexpr qint64 kMinute = 60'000;

Record verdict(qint64 t, const QString &beat, const QString &v)
{
    return {
        t, u"verdict"_s, {{u"beat"_s, beat}, {u"index"_s, 0}, {u"verdict"_s, v}, {u"text"_s, QString(v + u" text"_s)}}};
}

Record outcome(qint64 t, const QString &o)
{
    return {t, u"action_outcome"_s, {{u"index"_s, 0}, {u"outcome"_s, o}, {u"text"_s, QString(u"scale: "_s + o)}}};
}

// A recording at `dir/name` started at kDay + startMin minutes, lasting lengthMin; `cut`: the last
// bytes dropped (no end record, as when the presenter was killed).
QString write(const QTemporaryDir &dir, const QString &name, int startMin, const QString &purpose,
    QList<Record> records = {}, bool cut = false, int lengthMin = 5)
{
    const QString path = dir.filePath(name);
    Header h;
    h.startedMs = kDay + startMin * kMinute;
    h.purpose = purpose;
    RecordingWriter writer;
    QString error;
    if (!writer.open(path, h, &error)) {
        qFatal("%s", qPrintable(error));
    }
    records.prepend(Record {h.startedMs + 1000, u"beat_run"_s, {{u"index"_s, 0}, {u"beat"_s, u"baseline"_s}}});
    records.append(Record {h.startedMs + lengthMin * kMinute, u"user"_s, {}});
    for (Record &r : records) {
        r.tMs = std::max(r.tMs, h.startedMs); // the helpers' records are stamped relative to 0
        writer.append(r);
    }
    writer.close(h.startedMs + lengthMin * kMinute);
    if (cut) {
        QFile f(path);
        f.resize(f.size() - 12);
    }
    return path;
}

QStringList names(const QStringList &paths)
{
    QStringList out;
    for (const QString &p : paths) {
        out.append(QFileInfo(p).fileName());
    }
    out.sort();
    return out;
}

} // namespace

class TestRecordingCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifiesEachFile();
    void latestPicksTheNewestGoodRehearsal();
    void latestFindsNoneWhenNoGoodRehearsal();
    void keepsTheNewestN();
    void sizeCapTakesTheOldestFirst();
    void keptAndFallbackAndForeignFilesSurvive();
    void markKeptRefusesWhatIsNotARecording();
    void listingSaysWhatIsThere();
};

void TestRecordingCatalog::classifiesEachFile()
{
    QTemporaryDir dir;
    const QString good = write(dir, u"good.jsonl.gz"_s, 0, u"rehearsal"_s,
        {verdict(0, u"baseline"_s, u"pass"_s), outcome(0, u"applied"_s), verdict(0, u"spike"_s, u"skipped"_s)}, false,
        31);
    const QString failed = write(
        dir, u"failed.jsonl.gz"_s, 1, u"rehearsal"_s, {verdict(0, u"heal"_s, u"fail"_s), outcome(0, u"applied"_s)});
    const QString actionFailed = write(dir, u"action.jsonl.gz"_s, 2, u"rehearsal"_s, {outcome(0, u"failed"_s)});
    const QString cut = write(dir, u"cut.jsonl.gz"_s, 3, u"rehearsal"_s, {verdict(0, u"baseline"_s, u"pass"_s)}, true);
    const QString talk = write(dir, u"talk.jsonl.gz"_s, 4, u"talk"_s);

    const CatalogEntry g = RecordingCatalog::inspect(good);
    QVERIFY(g.isRecording);
    QVERIFY(g.complete);
    QCOMPARE(g.purpose, u"rehearsal"_s);
    QCOMPARE(g.verdict, CatalogEntry::Verdict::Pass);
    QCOMPARE(g.verdictsPassed, 1);
    QCOMPARE(g.lengthMs, 31 * kMinute);
    QCOMPARE(g.startedMs, kDay);
    QVERIFY(g.isGoodRehearsal());

    const CatalogEntry f = RecordingCatalog::inspect(failed);
    QCOMPARE(f.verdict, CatalogEntry::Verdict::Fail);
    QCOMPARE(f.failures, QStringList {u"heal: fail text"_s});
    QVERIFY(!f.isGoodRehearsal());

    const CatalogEntry a = RecordingCatalog::inspect(actionFailed);
    QCOMPARE(a.verdict, CatalogEntry::Verdict::Fail);
    QCOMPARE(a.failures, QStringList {u"action: scale: failed"_s});

    const CatalogEntry c = RecordingCatalog::inspect(cut);
    QVERIFY(c.isRecording);
    QVERIFY(!c.complete);
    QVERIFY2(!c.problem.isEmpty(), "a cut file says where it stops");
    QVERIFY(!c.isGoodRehearsal());

    const CatalogEntry t = RecordingCatalog::inspect(talk);
    QCOMPARE(t.purpose, u"talk"_s);
    QCOMPARE(t.verdict, CatalogEntry::Verdict::None);
    QVERIFY(!t.isGoodRehearsal());

    // The header alone (retention): what it says, nothing judged.
    const CatalogEntry h = RecordingCatalog::inspectHeader(cut);
    QVERIFY(h.isRecording);
    QVERIFY(h.headerOnly);
    QCOMPARE(h.startedMs, kDay + 3 * kMinute);
    QCOMPARE(h.purpose, u"rehearsal"_s);
    QVERIFY(!h.complete);
    QVERIFY(!h.isGoodRehearsal());
    QVERIFY(!RecordingCatalog::inspectHeader(dir.filePath(u"absent.jsonl.gz"_s)).isRecording);
}

void TestRecordingCatalog::latestPicksTheNewestGoodRehearsal()
{
    QTemporaryDir dir;
    write(dir, u"a-old-good.jsonl.gz"_s, 0, u"rehearsal"_s, {verdict(0, u"baseline"_s, u"pass"_s)});
    const QString expected = write(dir, u"b-good.jsonl.gz"_s, 10, u"rehearsal"_s, {verdict(0, u"b"_s, u"pass"_s)});
    write(dir, u"c-failed.jsonl.gz"_s, 20, u"rehearsal"_s, {verdict(0, u"heal"_s, u"fail"_s)});
    write(dir, u"d-cut.jsonl.gz"_s, 30, u"rehearsal"_s, {verdict(0, u"b"_s, u"pass"_s)}, true);
    write(dir, u"e-talk.jsonl.gz"_s, 40, u"talk"_s);
    QFile foreign(dir.filePath(u"f-notes.jsonl"_s));
    QVERIFY(foreign.open(QIODevice::WriteOnly));
    foreign.write("{\"not\":\"a recording\"}\n");
    foreign.close();

    const QList<CatalogEntry> all = RecordingCatalog::scan(dir.path());
    QCOMPARE(all.size(), 6);
    QCOMPARE(all.constFirst().fileName(), u"e-talk.jsonl.gz"_s); // newest first
    QCOMPARE(all.constLast().fileName(), u"f-notes.jsonl"_s); // not a recording: last
    const std::optional<CatalogEntry> latest = RecordingCatalog::latestRehearsal(all);
    QVERIFY(latest);
    QCOMPARE(latest->path, expected);
    // From the folder: the headers, then the rehearsals read whole newest first.
    const std::optional<CatalogEntry> fromFolder = RecordingCatalog::latestRehearsal(dir.path());
    QVERIFY(fromFolder);
    QCOMPARE(fromFolder->path, expected);
    QVERIFY(!fromFolder->headerOnly);
}

void TestRecordingCatalog::latestFindsNoneWhenNoGoodRehearsal()
{
    QTemporaryDir dir;
    write(dir, u"talk.jsonl.gz"_s, 0, u"talk"_s);
    write(dir, u"failed.jsonl.gz"_s, 1, u"rehearsal"_s, {verdict(0, u"heal"_s, u"fail"_s)});
    QVERIFY(!RecordingCatalog::latestRehearsal(RecordingCatalog::scan(dir.path())));
    QVERIFY(!RecordingCatalog::latestRehearsal(RecordingCatalog::scan(dir.filePath(u"absent"_s))));
}

void TestRecordingCatalog::keepsTheNewestN()
{
    QTemporaryDir dir;
    for (int i = 0; i < 6; ++i) {
        write(dir, u"talk-%1.jsonl.gz"_s.arg(i), i, u"talk"_s);
    }
    RetentionPolicy policy;
    policy.keepNewest = 3;
    policy.maxBytes = 0;
    const QStringList removed = RecordingCatalog::applyRetention(dir.path(), policy, {});
    QCOMPARE(names(removed), (QStringList {u"talk-0.jsonl.gz"_s, u"talk-1.jsonl.gz"_s, u"talk-2.jsonl.gz"_s}));
    QCOMPARE(RecordingCatalog::scan(dir.path()).size(), 3);
    QVERIFY(RecordingCatalog::applyRetention(dir.path(), policy, {}).isEmpty()); // idempotent
    // The session just recorded is protected and counts among the newest.
    const QString current = write(dir, u"talk-6.jsonl.gz"_s, 6, u"talk"_s);
    QCOMPARE(
        names(RecordingCatalog::applyRetention(dir.path(), policy, {current})), QStringList {u"talk-3.jsonl.gz"_s});
}

void TestRecordingCatalog::sizeCapTakesTheOldestFirst()
{
    QTemporaryDir dir;
    for (int i = 0; i < 5; ++i) {
        write(dir, u"talk-%1.jsonl.gz"_s.arg(i), i, u"talk"_s);
    }
    const QList<CatalogEntry> all = RecordingCatalog::scan(dir.path());
    qint64 newestTwo = all.at(0).sizeBytes + all.at(1).sizeBytes;
    RetentionPolicy policy;
    policy.keepNewest = 0;
    policy.maxBytes = newestTwo + all.at(2).sizeBytes - 1; // room for two and a bit
    QCOMPARE(names(RecordingCatalog::toDelete(all, policy, {})),
        (QStringList {u"talk-0.jsonl.gz"_s, u"talk-1.jsonl.gz"_s, u"talk-2.jsonl.gz"_s}));
    policy.maxBytes = newestTwo + all.at(2).sizeBytes; // exactly three fit
    QCOMPARE(
        names(RecordingCatalog::toDelete(all, policy, {})), (QStringList {u"talk-0.jsonl.gz"_s, u"talk-1.jsonl.gz"_s}));
}

void TestRecordingCatalog::keptAndFallbackAndForeignFilesSurvive()
{
    QTemporaryDir dir;
    const QString kept = write(dir, u"old-kept.jsonl.gz"_s, 0, u"rehearsal"_s, {verdict(0, u"b"_s, u"pass"_s)});
    const QString fallback = write(dir, u"old-fallback.jsonl.gz"_s, 1, u"rehearsal"_s);
    write(dir, u"old-talk.jsonl.gz"_s, 2, u"talk"_s);
    const QString current = write(dir, u"current.jsonl.gz"_s, -5, u"talk"_s); // an odd clock: oldest by start
    for (int i = 0; i < 3; ++i) {
        write(dir, u"new-%1.jsonl.gz"_s.arg(i), 10 + i, u"talk"_s);
    }
    QFile foreign(dir.filePath(u"notes.jsonl"_s));
    QVERIFY(foreign.open(QIODevice::WriteOnly));
    foreign.write("hello\n");
    foreign.close();
    QString error;
    QVERIFY2(RecordingCatalog::markKept(kept, &error), qPrintable(error));
    QVERIFY(QFileInfo::exists(kept + u".keep"_s));
    QVERIFY(RecordingCatalog::inspect(kept).kept);

    RetentionPolicy policy;
    policy.keepNewest = 1;
    policy.maxBytes = 1; // everything unprotected must go, even the newest
    const QStringList removed = RecordingCatalog::applyRetention(dir.path(), policy, {fallback, current}, &error);
    QCOMPARE(names(removed),
        (QStringList {u"new-0.jsonl.gz"_s, u"new-1.jsonl.gz"_s, u"new-2.jsonl.gz"_s, u"old-talk.jsonl.gz"_s}));
    QVERIFY(error.isEmpty());
    QVERIFY(QFileInfo::exists(kept));
    QVERIFY(QFileInfo::exists(fallback));
    QVERIFY(QFileInfo::exists(current));
    QVERIFY(QFileInfo::exists(foreign.fileName()));
}

void TestRecordingCatalog::markKeptRefusesWhatIsNotARecording()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!RecordingCatalog::markKept(dir.filePath(u"absent.jsonl.gz"_s), &error));
    QVERIFY2(error.contains(u"absent.jsonl.gz"_s), qPrintable(error));
    QVERIFY(!QFileInfo::exists(dir.filePath(u"absent.jsonl.gz.keep"_s)));
}

void TestRecordingCatalog::listingSaysWhatIsThere()
{
    QTemporaryDir dir;
    const QString kept
        = write(dir, u"session-good.jsonl.gz"_s, 0, u"rehearsal"_s, {verdict(0, u"baseline"_s, u"pass"_s)}, false, 31);
    write(dir, u"session-failed.jsonl.gz"_s, 60, u"rehearsal"_s, {verdict(0, u"heal"_s, u"fail"_s)});
    write(dir, u"session-cut.jsonl.gz"_s, 120, u"talk"_s, {}, true);
    QString error;
    QVERIFY(RecordingCatalog::markKept(kept, &error));
    const QString text = RecordingCatalog::listing(RecordingCatalog::scan(dir.path()));
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() == 6, qPrintable(text));
    QVERIFY2(lines.at(0).startsWith(u"started (UTC)"_s), qPrintable(text));
    QVERIFY2(
        lines.at(1).contains(u"cut       talk"_s) && lines.at(1).contains(u"session-cut.jsonl.gz"_s), qPrintable(text));
    QVERIFY2(lines.at(2).trimmed().startsWith(u"cut: "_s), qPrintable(text));
    QVERIFY2(lines.at(3).contains(u"complete  rehearsal  FAIL"_s), qPrintable(text));
    QVERIFY2(lines.at(4).contains(u"failed: heal: fail text"_s), qPrintable(text));
    QVERIFY2(lines.at(5).startsWith(u"2025-12-06 05:46:40   31:00"_s) && lines.at(5).contains(u"pass     kept"_s),
        qPrintable(text));
}

QTEST_GUILESS_MAIN(TestRecordingCatalog)
#include "tst_recording_catalog.moc"
