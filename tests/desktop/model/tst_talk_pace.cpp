// The talk's pace (model/talk_pace.h): elapsed, left and ahead/behind against the budgets of the
// beats done plus the current beat's (capped at its budget); elapsed only without budgets.
#include "model/talk_pace.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

Q_DECLARE_METATYPE(TalkPace::Status)

namespace {

// Beats a..d with budgets 60, 120, 0, 300 s; 10 minutes.
DemoPlan plan(bool budgets, double talkMinutes)
{
    DemoPlan p;
    p.title = u"pace"_s;
    const QList<double> seconds {60, 120, 0, 300};
    for (int i = 0; i < seconds.size(); ++i) {
        Beat b;
        b.id = QString(QChar(u'a' + i));
        b.budgetS = budgets ? seconds.at(i) : 0;
        p.beats.append(b);
    }
    p.talkMinutes = talkMinutes;
    return p;
}

// "index@seconds;..." beat runs, times in s from 1000 s.
void feed(TalkPace &pace, const QString &runs)
{
    for (const QString &run : runs.split(u';', Qt::SkipEmptyParts)) {
        const QStringList parts = run.split(u'@');
        pace.beatStarted(parts.at(0).toInt(), (1000 + parts.at(1).toLongLong()) * 1000);
    }
}

} // namespace

class TestTalkPace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readings_data();
    void readings();
    void startedMidPlanCountsFromThere();
    void beatTimesRunToTheNextRun();
    void clockFormat();
};

void TestTalkPace::readings_data()
{
    QTest::addColumn<bool>("budgets");
    QTest::addColumn<double>("talkMinutes");
    QTest::addColumn<QString>("runs");
    QTest::addColumn<int>("nowS");
    QTest::addColumn<TalkPace::Status>("status");
    QTest::addColumn<int>("behindS");
    QTest::addColumn<QString>("text");
    QTest::addRow("not started") << true << 10.0 << QString() << 5 << TalkPace::Status::NotStarted << 0
                                 << u"not started · 10:00 planned"_s;
    QTest::addRow("inside the first beat's budget") << true << 10.0 << u"0@0"_s << 45 << TalkPace::Status::OnTime << 0
                                                    << u"0:45 elapsed · 9:15 left · on time · beat 0:45 of 1:00"_s;
    QTest::addRow("first beat overran by 50 s") << true << 10.0 << u"0@0"_s << 110 << TalkPace::Status::Behind << 50
                                                << u"1:50 elapsed · 8:10 left · 0:50 behind · beat 1:50 of 1:00"_s;
    QTest::addRow("second beat started early: 40 s ahead")
        << true << 10.0 << u"0@0;1@20"_s << 30 << TalkPace::Status::Ahead << -40
        << u"0:30 elapsed · 9:30 left · 0:40 ahead · beat 0:10 of 2:00"_s;
    QTest::addRow("late into beat b, then b overruns")
        << true << 10.0 << u"0@0;1@90"_s << 240 << TalkPace::Status::Behind << 60
        << u"4:00 elapsed · 6:00 left · 1:00 behind · beat 2:30 of 2:00"_s;
    QTest::addRow("a beat without budget counts its whole time")
        << true << 10.0 << u"0@0;1@60;2@180"_s << 200 << TalkPace::Status::Behind << 20
        << u"3:20 elapsed · 6:40 left · 0:20 behind · beat 0:20, no budget"_s;
    QTest::addRow("within 10 s is on time") << true << 10.0 << u"0@0;1@69"_s << 70 << TalkPace::Status::OnTime << 9
                                            << u"1:10 elapsed · 8:50 left · on time · beat 0:01 of 2:00"_s;
    QTest::addRow("past the talk's length")
        << true << 10.0 << u"0@0;1@60;2@180;3@200"_s << 700 << TalkPace::Status::Behind << 220
        << u"11:40 elapsed · 1:40 over · 3:40 behind · beat 8:20 of 5:00"_s;
    QTest::addRow("no talk_minutes: the budgets' sum is the length")
        << true << 0.0 << u"0@0"_s << 30 << TalkPace::Status::OnTime << 0
        << u"0:30 elapsed · 7:30 left · on time · beat 0:30 of 1:00"_s;
    QTest::addRow("no budgets, a length") << false << 10.0 << u"0@0"_s << 30 << TalkPace::Status::ElapsedOnly << 0
                                          << u"0:30 elapsed · 9:30 left · no budgets in the plan"_s;
    QTest::addRow("no budgets, no length") << false << 0.0 << u"0@0;1@20"_s << 75 << TalkPace::Status::ElapsedOnly << 0
                                           << u"1:15 elapsed · no budgets in the plan"_s;
    QTest::addRow("no budgets, not started")
        << false << 0.0 << QString() << 75 << TalkPace::Status::NotStarted << 0 << u"not started"_s;
    QTest::addRow("a beat outside the plan is ignored")
        << true << 10.0 << u"9@0"_s << 5 << TalkPace::Status::NotStarted << 0 << u"not started · 10:00 planned"_s;
}

void TestTalkPace::readings()
{
    QFETCH(bool, budgets);
    QFETCH(double, talkMinutes);
    QFETCH(QString, runs);
    QFETCH(int, nowS);
    QFETCH(TalkPace::Status, status);
    QFETCH(int, behindS);
    QFETCH(QString, text);
    TalkPace pace(plan(budgets, talkMinutes));
    feed(pace, runs);
    const qint64 now = (1000 + nowS) * 1000LL;
    const TalkPace::Reading r = pace.at(now);
    QCOMPARE(r.status, status);
    QCOMPARE(r.behindMs, behindS * 1000LL);
    QCOMPARE(pace.text(now), text);
}

// A rehearsal from beat b: the budgets before b are not owed.
void TestTalkPace::startedMidPlanCountsFromThere()
{
    TalkPace pace(plan(true, 10));
    feed(pace, u"1@0;3@120"_s);
    const TalkPace::Reading r = pace.at((1000 + 150) * 1000LL);
    QCOMPARE(r.behindMs, 0LL); // b used its 120 s, c has none, 30 s into d
    QCOMPARE(r.status, TalkPace::Status::OnTime);
    QCOMPARE(r.currentIndex, 3);
}

void TestTalkPace::beatTimesRunToTheNextRun()
{
    TalkPace pace(plan(true, 10));
    feed(pace, u"0@0;1@70;1@100;3@400"_s);
    const QList<BeatTime> times = pace.beatTimes((1000 + 450) * 1000LL);
    QCOMPARE(times.size(), 4);
    QCOMPARE(times.at(0).beatId, u"a"_s);
    QCOMPARE(times.at(0).durationMs(), 70'000);
    QCOMPARE(times.at(1).durationMs(), 30'000);
    QCOMPARE(times.at(2).durationMs(), 300'000);
    QCOMPARE(times.at(2).budgetS, 120.0);
    QCOMPARE(times.at(3).durationMs(), 50'000);
    QCOMPARE(times.at(3).budgetS, 300.0);
    pace.reset();
    QVERIFY(pace.beatTimes(0).isEmpty());
}

void TestTalkPace::clockFormat()
{
    QCOMPARE(TalkPace::clock(0), u"0:00"_s);
    QCOMPARE(TalkPace::clock(59'999), u"0:59"_s);
    QCOMPARE(TalkPace::clock(4'500'000), u"75:00"_s);
    QCOMPARE(TalkPace::clock(-5'000), u"-0:05"_s);
    QCOMPARE(TalkPace::clock(-500), u"0:00"_s);
}

QTEST_GUILESS_MAIN(TestTalkPace)
#include "tst_talk_pace.moc"
