// The report's pace section (report/pace_section.h): each beat's time in this session beside the
// rehearsal's and the budget, with totals; "no rehearsal" and why; the rehearsal chosen as --fallback
// names it, else the newest complete rehearsal in the recordings folder in which nothing failed,
// its beat times read from its "beat_run" records (real files written by RecordingWriter).
#include "recording/recording_writer.h"
#include "report/pace_section.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

constexpr qint64 kT0 = 1'765'000'000'000;

SessionRecord::BeatRun run(const QString &id, qint64 ranS, qint64 endS)
{
    SessionRecord::BeatRun b;
    b.id = id;
    b.title = u"Beat <"_s + id + u">"_s;
    b.ranMs = kT0 + ranS * 1000;
    b.endMs = endS > 0 ? kT0 + endS * 1000 : 0;
    return b;
}

// A rehearsal: beat runs "id@s" from its start, its last record at lastS.
QString writeRehearsal(const QTemporaryDir &dir, const QString &name, qint64 startMs, const QStringList &runs,
    qint64 lastS, bool failed = false)
{
    recording::Header h;
    h.startedMs = startMs;
    h.purpose = u"rehearsal"_s;
    recording::RecordingWriter writer;
    QString error;
    const QString path = dir.filePath(name);
    if (!writer.open(path, h, &error)) {
        qFatal("%s", qPrintable(error));
    }
    int index = 0;
    for (const QString &r : runs) {
        const QStringList parts = r.split(u'@');
        writer.append(startMs + parts.at(1).toLongLong() * 1000, u"beat_run"_s,
            {{u"index"_s, index++}, {u"beat"_s, parts.at(0)}});
    }
    writer.append(startMs + lastS * 1000, u"verdict"_s,
        {{u"beat"_s, u"a"_s}, {u"index"_s, 0}, {u"verdict"_s, failed ? u"fail"_s : u"pass"_s}, {u"text"_s, u"x"_s}});
    writer.close(startMs + lastS * 1000);
    return path;
}

} // namespace

class TestPaceSection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsBesideTheRehearsal();
    void sectionSaysNoRehearsal();
    void rehearsalFromTheFolderOrNamed();
};

void TestPaceSection::rowsBesideTheRehearsal()
{
    SessionRecord log;
    log.startedMs = kT0;
    log.beats << run(u"a"_s, 0, 100) << run(u"b"_s, 100, 130) << run(u"a"_s, 130, 150) << run(u"b"_s, 150, 0);
    report::Meta meta;
    meta.generatedMs = kT0 + 170'000;
    meta.beatBudgetsS = {{u"a"_s, 90}, {u"b"_s, 60}};
    meta.rehearsalFile = u"/r/rehearsal.jsonl.gz"_s;
    meta.rehearsalBeats
        = TalkPace::beatTimes({BeatRun {0, u"a"_s, kT0}, BeatRun {2, u"c"_s, kT0 + 80'000}}, kT0 + 110'000);
    const QList<report::PaceRow> rows = report::paceRows(log, meta);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].id, u"a"_s);
    QCOMPARE(rows[0].talkMs, std::optional<qint64>(120'000)); // 100 s + 20 s
    QCOMPARE(rows[0].rehearsalMs, std::optional<qint64>(80'000));
    QCOMPARE(rows[0].budgetS, 90.0);
    QCOMPARE(rows[1].talkMs, std::optional<qint64>(50'000)); // 30 s + 20 s to the export
    QVERIFY(!rows[1].rehearsalMs);
    QCOMPARE(rows[2].id, u"c"_s); // only the rehearsal ran it
    QVERIFY(!rows[2].talkMs);
    QCOMPARE(rows[2].rehearsalMs, std::optional<qint64>(30'000));

    const QString html = report::paceSection(log, meta);
    QVERIFY2(html.contains(u"Beside the rehearsal <code>/r/rehearsal.jsonl.gz</code>"_s), qPrintable(html));
    QVERIFY2(html.contains(u"<td>Beat &lt;a&gt;<br><code>a</code></td><td class=\"num\">1:30</td><td "
                           u"class=\"num\">2:00</td><td class=\"num\">1:20</td><td class=\"num\">+0:40</td>"_s),
        qPrintable(html));
    QVERIFY2(html.contains(u"<td>Total<br><code>all beats</code></td><td class=\"num\">2:30</td><td "
                           u"class=\"num\">2:50</td><td class=\"num\">1:50</td><td class=\"num\">+1:00</td>"_s),
        qPrintable(html));
}

void TestPaceSection::sectionSaysNoRehearsal()
{
    SessionRecord log;
    log.beats << run(u"a"_s, 0, 10);
    report::Meta meta;
    meta.rehearsalNote = u"none in /x is complete <with nothing failed>"_s;
    const QString html = report::paceSection(log, meta);
    QVERIFY2(html.contains(u"No rehearsal: none in /x is complete &lt;with nothing failed&gt;."_s), qPrintable(html));
    QVERIFY2(html.contains(u"<td class=\"num\">0:10</td><td class=\"num\">–</td><td class=\"num\">–</td>"_s),
        qPrintable(html));
}

void TestPaceSection::rehearsalFromTheFolderOrNamed()
{
    QTemporaryDir dir;
    const QString good = writeRehearsal(dir, u"good.jsonl.gz"_s, kT0, {u"a@1"_s, u"b@61"_s}, 100);
    const QString failed = writeRehearsal(dir, u"failed.jsonl.gz"_s, kT0 + 3'600'000, {u"a@1"_s}, 50, true);

    report::Meta latest;
    report::attachRehearsal(&latest, u"latest"_s, dir.path());
    QCOMPARE(latest.rehearsalFile, good);
    QCOMPARE(latest.rehearsalStartedMs, kT0);
    QCOMPARE(latest.rehearsalBeats.size(), 2);
    QCOMPARE(latest.rehearsalBeats[0].beatId, u"a"_s);
    QCOMPARE(latest.rehearsalBeats[0].durationMs(), 60'000);
    QCOMPARE(latest.rehearsalBeats[1].durationMs(), 39'000); // to its last record

    report::Meta unnamed;
    report::attachRehearsal(&unnamed, {}, dir.path());
    QCOMPARE(unnamed.rehearsalFile, good);

    report::Meta named; // --fallback FILE: that file, whatever its verdict
    report::attachRehearsal(&named, failed, dir.path());
    QCOMPARE(named.rehearsalFile, failed);

    report::Meta none;
    QTemporaryDir empty;
    report::attachRehearsal(&none, {}, empty.path());
    QVERIFY(none.rehearsalFile.isEmpty());
    QVERIFY2(none.rehearsalNote.contains(empty.path()), qPrintable(none.rehearsalNote));

    report::Meta missing;
    report::attachRehearsal(&missing, dir.filePath(u"gone.jsonl.gz"_s), dir.path());
    QVERIFY(missing.rehearsalFile.isEmpty());
    QVERIFY2(missing.rehearsalNote.contains(u"gone.jsonl.gz"_s), qPrintable(missing.rehearsalNote));
}

QTEST_GUILESS_MAIN(TestPaceSection)
#include "tst_pace_section.moc"
