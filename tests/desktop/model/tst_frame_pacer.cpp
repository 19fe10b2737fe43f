// The frame pacer: a chart's period follows its pixel columns, due charts come most overdue
// first, a new event marker is shown at once, still charts are left alone, and a frame's budget
// spreads redraws over frames.
#include "model/frame_pacer.h"

#include <QTest>

#include <limits>

using namespace presenter;

using framepacer::ChartState;

class TestFramePacer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void periodFollowsPixelColumns_data();
    void periodFollowsPixelColumns();
    void dueChartsMostOverdueFirst();
    void stillChartsAreNotRedrawn();
    void neverDrawnChartsComeFirst();
    void newMarkerIsDueAtOnce();
    void budgetSpreadsRedraws_data();
    void budgetSpreadsRedraws();
    void elevenChartsSpreadOverFrames();
};

void TestFramePacer::periodFollowsPixelColumns_data()
{
    QTest::addColumn<qint64>("windowMs");
    QTest::addColumn<int>("width");
    QTest::addColumn<qint64>("expected");
    // 5 minutes over 400 columns: one column is 750 ms of data.
    QTest::newRow("5 min, 400 px") << qint64(300000) << 400 << qint64(750);
    // 1 minute over 1600 px would be 37 ms: no faster than a frame (66 ms at 15 fps).
    QTest::newRow("short window, wide plot") << qint64(60000) << 1600 << qint64(66);
    // 30 minutes over 300 px would be 6 s: still at least once a second.
    QTest::newRow("long window, narrow plot") << qint64(1800000) << 300 << qint64(1000);
    QTest::newRow("not laid out yet") << qint64(300000) << 0 << qint64(66);
    QTest::newRow("negative width") << qint64(300000) << -5 << qint64(66);
}

void TestFramePacer::periodFollowsPixelColumns()
{
    QFETCH(qint64, windowMs);
    QFETCH(int, width);
    QFETCH(qint64, expected);
    QCOMPARE(framepacer::pixelPeriodMs(windowMs, width, 66, 1000), expected);
}

void TestFramePacer::dueChartsMostOverdueFirst()
{
    const QList<ChartState> charts {
        {1000, 500, true, true}, // due at 1500: 500 overdue at 2000
        {1700, 500, true, true}, // due at 2200: not yet
        {1200, 300, false, true}, // due at 1500: 500 overdue, no new data but scrolling
        {900, 750, true, false}, // due at 1650: 350 overdue, new data
        {100, 1000, true, true}, // due at 1100: 900 overdue
    };
    QCOMPARE(framepacer::dueCharts(charts, 2000), (QList<int> {4, 0, 2, 3}));
    QCOMPARE(framepacer::dueCharts(charts, 1000), (QList<int> {}));
}

void TestFramePacer::stillChartsAreNotRedrawn()
{
    // Nothing to show and nothing new: redrawing would paint the same empty chart.
    const QList<ChartState> charts {{0, 100, false, false}, {0, 100, true, false}};
    QCOMPARE(framepacer::dueCharts(charts, 10000), (QList<int> {1}));
}

void TestFramePacer::neverDrawnChartsComeFirst()
{
    const QList<ChartState> charts {{0, 100, true, true}, {-1, 100, false, false}};
    QCOMPARE(framepacer::dueCharts(charts, 100000), (QList<int> {1, 0}));
}

void TestFramePacer::newMarkerIsDueAtOnce()
{
    // Drawn 10 ms ago with a 1 s period, but a marker arrived: it goes first among drawn charts.
    const QList<ChartState> charts {{0, 100, true, true}, {990, 1000, true, true, true}, {-1, 100, false, false}};
    QCOMPARE(framepacer::dueCharts(charts, 1000), (QList<int> {2, 1, 0}));
}

void TestFramePacer::budgetSpreadsRedraws_data()
{
    QTest::addColumn<double>("budget");
    QTest::addColumn<double>("average");
    QTest::addColumn<int>("expected");
    QTest::newRow("5 ms of 0.9 ms charts") << 5.0 << 0.9 << 5;
    QTest::newRow("slower than the budget: still one") << 5.0 << 12.0 << 1;
    QTest::newRow("no measurement yet") << 5.0 << 0.0 << 1;
    QTest::newRow("nan") << 5.0 << std::numeric_limits<double>::quiet_NaN() << 1;
    QTest::newRow("no budget") << 0.0 << 1.0 << 1;
}

void TestFramePacer::budgetSpreadsRedraws()
{
    QFETCH(double, budget);
    QFETCH(double, average);
    QFETCH(int, expected);
    QCOMPARE(framepacer::chartsPerFrame(budget, average), expected);
}

void TestFramePacer::elevenChartsSpreadOverFrames()
{
    // Eleven live charts, 750 ms period, 66 ms frames, 4 charts per frame: after the first draw,
    // they settle into different frames and every chart is still redrawn about once per period.
    QList<ChartState> charts(11, ChartState {-1, 750, true, true});
    QList<int> draws(11, 0);
    int busiestFrame = 0;
    for (qint64 now = 0; now < 30000; now += 66) {
        QList<int> due = framepacer::dueCharts(charts, now).mid(0, 4);
        busiestFrame = std::max(busiestFrame, int(due.size()));
        for (int i : due) {
            charts[i].lastDrawnMs = now;
            ++draws[i];
        }
    }
    QCOMPARE(busiestFrame, 4);
    for (int n : std::as_const(draws)) {
        // 30 s / 750 ms = 40 periods; a redraw may slip by up to a frame or two.
        QVERIFY2(n >= 35 && n <= 41, qPrintable(QString::number(n)));
    }
}

QTEST_APPLESS_MAIN(TestFramePacer)
#include "tst_frame_pacer.moc"
