#include "config/time_scale.h"
#include "test_env.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

// The plan's windows scaled for a rehearsal (config/time_scale.h): each kind of value, the floor,
// the order kept, and the JSON and DemoPlan versions agreeing on the real demo/plan.json.
class TestTimeScale : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void withinS_data();
    void withinS();
    void seconds_data();
    void seconds();
    void validFactors();
    void realPlanBothWays_data();
    void realPlanBothWays();
};

void TestTimeScale::withinS_data()
{
    QTest::addColumn<int>("within");
    QTest::addColumn<double>("factor");
    QTest::addColumn<int>("expected");
    QTest::addRow("unchanged at 1") << 120 << 1.0 << 120;
    QTest::addRow("a tenth") << 120 << 0.1 << 12;
    QTest::addRow("rounded up, never shorter") << 30 << 0.15 << 5; // 4.5
    QTest::addRow("floor: two feed ticks") << 10 << 0.1 << 2;
    QTest::addRow("floor for the shortest") << 1 << 0.5 << 2;
    QTest::addRow("exact product stays") << 60 << 0.2 << 12;
}

void TestTimeScale::withinS()
{
    QFETCH(int, within);
    QFETCH(double, factor);
    QFETCH(int, expected);
    QCOMPARE(timescale::scaledWithinS(within, factor), expected);
}

void TestTimeScale::seconds_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("expected");
    QTest::addRow("a spike") << 60.0 << 0.2 << 12.0;
    QTest::addRow("floor") << 5.0 << 0.1 << 2.0;
    QTest::addRow("no budget stays none") << 0.0 << 0.1 << 0.0;
}

void TestTimeScale::seconds()
{
    QFETCH(double, seconds);
    QFETCH(double, factor);
    QFETCH(double, expected);
    QCOMPARE(timescale::scaledSeconds(seconds, factor), expected);
}

void TestTimeScale::validFactors()
{
    QVERIFY(timescale::isValid(1.0));
    QVERIFY(timescale::isValid(0.01));
    QVERIFY(!timescale::isValid(0.0));
    QVERIFY(!timescale::isValid(-0.5));
    QVERIFY(!timescale::isValid(1.5)); // a rehearsal is never longer than the talk
}

void TestTimeScale::realPlanBothWays_data()
{
    QTest::addColumn<double>("factor");
    QTest::addRow("1") << 1.0;
    QTest::addRow("0.5") << 0.5;
    QTest::addRow("0.2") << 0.2;
    QTest::addRow("0.01") << 0.01;
}

// The session runs scaled(DemoPlan), the recording keeps scaledJson(): the same windows, both
// valid plans; every window scaled, none below the floor, the order of a beat's windows kept.
void TestTimeScale::realPlanBothWays()
{
    QFETCH(double, factor);
    QFile file(testenv::sourceDir() + u"/demo/plan.json"_s);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray json = file.readAll();
    QStringList errors;
    const auto original = DemoPlan::fromJson(json, &errors);
    QVERIFY(original);
    const DemoPlan scaled = timescale::scaled(*original, factor);
    const auto scaledJson = timescale::scaledJson(json, factor);
    QVERIFY(scaledJson);
    const auto reparsed = DemoPlan::fromJson(*scaledJson, &errors);
    QVERIFY2(reparsed, qPrintable(errors.join(u'\n')));
    QCOMPARE(reparsed->beats.size(), original->beats.size());
    QCOMPARE(reparsed->talkMinutes, scaled.talkMinutes);
    for (qsizetype b = 0; b < original->beats.size(); ++b) {
        const Beat &o = original->beats.at(b);
        const Beat &s = scaled.beats.at(b);
        const Beat &r = reparsed->beats.at(b);
        QCOMPARE(r.budgetS, s.budgetS);
        QCOMPARE(s.budgetS, o.budgetS > 0 ? std::max(timescale::kFloorS, o.budgetS * factor) : 0.0);
        for (qsizetype a = 0; a < o.actions.size(); ++a) {
            QCOMPARE(r.actions.at(a).seconds, s.actions.at(a).seconds);
            if (o.actions.at(a).type == PlanAction::Type::Spike) {
                QCOMPARE(s.actions.at(a).seconds, std::max(timescale::kFloorS, o.actions.at(a).seconds * factor));
            }
        }
        for (qsizetype e = 0; e < o.expectations.size(); ++e) {
            const int within = s.expectations.at(e).withinS;
            QCOMPARE(r.expectations.at(e).withinS, within);
            QVERIFY(within >= timescale::kFloorS);
            QVERIFY(within <= o.expectations.at(e).withinS);
            QVERIFY(within >= o.expectations.at(e).withinS * factor);
            for (qsizetype f = 0; f < o.expectations.size(); ++f) {
                if (o.expectations.at(e).withinS <= o.expectations.at(f).withinS) {
                    QVERIFY(within <= s.expectations.at(f).withinS); // order kept
                }
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestTimeScale)
#include "tst_time_scale.moc"
