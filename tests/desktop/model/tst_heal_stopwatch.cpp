// The heal stopwatch: from the fault until the node is live again AND under-replicated ranges are
// back to 0 after having been above 0; honest when they never rose.
#include "model/heal_stopwatch.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

Q_DECLARE_METATYPE(HealStopwatch::Phase)

class TestHealStopwatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequences_data();
    void sequences();
    void secondFaultWhileHealingKeepsTheClock();
    void aNewFaultAfterAHealStartsAgain();
    void resetKeepsTheSettings();
};

// A step: "t live under" (t in s; live 1/0 for crdb-2; under -1 = no data).
void TestHealStopwatch::sequences_data()
{
    QTest::addColumn<QString>("steps");
    QTest::addColumn<HealStopwatch::Phase>("phase");
    QTest::addColumn<QString>("text");
    QTest::addRow("no observation yet") << QString() << HealStopwatch::Phase::NodeDown << u"crdb-2 down: 50 s"_s;
    QTest::addRow("healed: back at 14 s, ranges 0 at 41 s")
        << u"2 0 0;12 0 6;14 1 9;30 1 3;41 1 0"_s << HealStopwatch::Phase::Healed
        << u"healed in 41 s (crdb-2 back after 14 s; up to 9 ranges were under-replicated)"_s;
    QTest::addRow("back, ranges still under-replicated")
        << u"12 0 6;14 1 9;30 1 3"_s << HealStopwatch::Phase::WaitingForRanges
        << u"crdb-2 back after 14 s; 3 ranges under-replicated: 50 s"_s;
    QTest::addRow("under-replicated 0 while down does not heal")
        << u"5 0 0;10 0 0"_s << HealStopwatch::Phase::NodeDown << u"crdb-2 down: 50 s"_s;
    QTest::addRow("never under-replicated, watched long enough")
        << u"3 0 0;9 1 0;20 1 0;29 1 0"_s << HealStopwatch::Phase::BackWithoutUnderReplication
        << u"crdb-2 back after 9 s; no range was under-replicated"_s;
    QTest::addRow("never under-replicated, not watched long enough")
        << u"9 1 0;20 1 0"_s << HealStopwatch::Phase::WaitingForRanges
        << u"crdb-2 back after 9 s; watching under-replicated ranges: 50 s"_s;
    QTest::addRow("a late rise after the node is back counts")
        << u"9 1 0;19 1 4;35 1 0"_s << HealStopwatch::Phase::Healed
        << u"healed in 35 s (crdb-2 back after 9 s; up to 4 ranges were under-replicated)"_s;
    QTest::addRow("no range data: never claims healed")
        << u"9 1 -1;40 1 -1"_s << HealStopwatch::Phase::WaitingForRanges
        << u"crdb-2 back after 9 s; watching under-replicated ranges: 50 s"_s;
    QTest::addRow("back then down again: the wait restarts")
        << u"9 1 5;12 0 5;20 1 5;25 1 0"_s << HealStopwatch::Phase::Healed
        << u"healed in 25 s (crdb-2 back after 20 s; up to 5 ranges were under-replicated)"_s;
}

void TestHealStopwatch::sequences()
{
    QFETCH(QString, steps);
    QFETCH(HealStopwatch::Phase, phase);
    QFETCH(QString, text);
    const qint64 t0 = 1'000'000;
    HealStopwatch w;
    QCOMPARE(w.phase(), HealStopwatch::Phase::Idle);
    QCOMPARE(w.text(t0), u"no fault yet"_s);
    w.faultStarted(u"crdb-2"_s, t0);
    for (const QString &step : steps.split(u';', Qt::SkipEmptyParts)) {
        const QStringList f = step.split(u' ');
        const qint64 at = t0 + f[0].toLongLong() * 1000;
        const QSet<QString> live = f[1] == u"1"_s ? QSet<QString> {u"crdb-2"_s} : QSet<QString> {};
        const double under = f[2].toDouble();
        w.observe(at, live, under < 0 ? std::nullopt : std::optional<double>(under));
    }
    QCOMPARE(w.phase(), phase);
    QCOMPARE(w.text(t0 + 50'000), text);
}

void TestHealStopwatch::secondFaultWhileHealingKeepsTheClock()
{
    HealStopwatch w;
    w.faultStarted(u"crdb-2"_s, 0);
    w.observe(5000, {}, 3);
    w.faultStarted(u"crdb-1"_s, 8000);
    w.observe(20000, {u"crdb-2"_s}, 30); // crdb-1 still down: not back
    QCOMPARE(w.phase(), HealStopwatch::Phase::NodeDown);
    QCOMPARE(w.text(21000), u"crdb-1, crdb-2 down: 21 s"_s);
    w.observe(30000, {u"crdb-1"_s, u"crdb-2"_s}, 0);
    QCOMPARE(w.phase(), HealStopwatch::Phase::Healed);
    QCOMPARE(w.elapsedMs(99000), 30000); // frozen once stopped
}

void TestHealStopwatch::aNewFaultAfterAHealStartsAgain()
{
    HealStopwatch w;
    w.faultStarted(u"crdb-2"_s, 0);
    w.observe(5000, {u"crdb-2"_s}, 2);
    w.observe(9000, {u"crdb-2"_s}, 0);
    QCOMPARE(w.phase(), HealStopwatch::Phase::Healed);
    w.faultStarted(u"crdb-0"_s, 100000);
    QCOMPARE(w.phase(), HealStopwatch::Phase::NodeDown);
    QCOMPARE(w.text(104000), u"crdb-0 down: 4 s"_s);
    w.observe(106000, {u"crdb-0"_s}, 0); // the old rise does not count for this fault
    QCOMPARE(w.phase(), HealStopwatch::Phase::WaitingForRanges);
}

void TestHealStopwatch::resetKeepsTheSettings()
{
    // With a 1 s settle, a node back without under-replication is told after 1 s, not the default 20 s.
    HealStopwatch w;
    w.setSettleMs(1000);
    const auto run = [&w] {
        w.faultStarted(u"crdb-2"_s, 0);
        w.observe(9000, {u"crdb-2"_s}, 0);
        w.observe(10500, {u"crdb-2"_s}, 0);
        return w.phase();
    };
    QCOMPARE(run(), HealStopwatch::Phase::BackWithoutUnderReplication);
    w.reset(); // a replay starting over
    QCOMPARE(w.phase(), HealStopwatch::Phase::Idle);
    QCOMPARE(w.text(0), u"no fault yet"_s);
    QCOMPARE(run(), HealStopwatch::Phase::BackWithoutUnderReplication);
}

QTEST_GUILESS_MAIN(TestHealStopwatch)
#include "tst_heal_stopwatch.moc"
