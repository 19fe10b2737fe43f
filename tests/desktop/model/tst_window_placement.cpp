// Where a window opens: a first run at most the available area, centred; a restored geometry
// clamped to the screen it lands on (saved on 1920x1080, opened on 1024x768), moved the least.
#include "model/window_placement.h"

#include <QTest>

using namespace presenter;

class TestWindowPlacement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initial_data();
    void initial();
    void fit_data();
    void fit();
};

void TestWindowPlacement::initial_data()
{
    QTest::addColumn<QRect>("available");
    QTest::addColumn<QSize>("preferred");
    QTest::addColumn<QRect>("expected");
    QTest::newRow("1920x1080: the preferred size, centred")
        << QRect(0, 0, 1920, 1080) << QSize(1600, 900) << QRect(160, 90, 1600, 900);
    QTest::newRow("1280x720: the whole screen") << QRect(0, 0, 1280, 720) << QSize(1600, 900) << QRect(0, 0, 1280, 720);
    QTest::newRow("1024x768: the width shrinks, the height is centred")
        << QRect(0, 0, 1024, 768) << QSize(1600, 900) << QRect(0, 0, 1024, 768);
    QTest::newRow("1366x768 with a 32 px panel on top")
        << QRect(0, 32, 1366, 736) << QSize(1600, 900) << QRect(0, 32, 1366, 736);
    QTest::newRow("second screen to the right")
        << QRect(1920, 0, 1280, 1024) << QSize(1280, 720) << QRect(1920, 152, 1280, 720);
}

void TestWindowPlacement::initial()
{
    QFETCH(QRect, available);
    QFETCH(QSize, preferred);
    QFETCH(QRect, expected);
    QCOMPARE(windowplacement::initial(available, preferred), expected);
    QVERIFY(available.contains(windowplacement::initial(available, preferred)));
}

void TestWindowPlacement::fit_data()
{
    QTest::addColumn<QRect>("saved");
    QTest::addColumn<QRect>("available");
    QTest::addColumn<QRect>("expected");
    QTest::newRow("fits: unchanged") << QRect(24, 16, 1216, 672) << QRect(0, 0, 1280, 720) << QRect(24, 16, 1216, 672);
    QTest::newRow("saved on 1920x1080, opened on 1024x768")
        << QRect(100, 60, 1800, 1000) << QRect(0, 0, 1024, 768) << QRect(0, 0, 1024, 768);
    QTest::newRow("right size, too far right and down: moved back")
        << QRect(700, 400, 640, 480) << QRect(0, 0, 1024, 768) << QRect(384, 288, 640, 480);
    QTest::newRow("above and left of the screen: moved in")
        << QRect(-50, -20, 800, 600) << QRect(0, 0, 1024, 768) << QRect(0, 0, 800, 600);
    QTest::newRow("too wide only: keeps its height and top")
        << QRect(10, 100, 1500, 400) << QRect(0, 0, 1024, 768) << QRect(0, 100, 1024, 400);
    QTest::newRow("on a screen that is gone (x 2000): onto this one")
        << QRect(2000, 100, 1200, 700) << QRect(0, 0, 1280, 720) << QRect(80, 20, 1200, 700);
    QTest::newRow("available area not at the origin")
        << QRect(0, 0, 1366, 768) << QRect(0, 32, 1366, 736) << QRect(0, 32, 1366, 736);
}

void TestWindowPlacement::fit()
{
    QFETCH(QRect, saved);
    QFETCH(QRect, available);
    QFETCH(QRect, expected);
    const QRect r = windowplacement::fit(saved, available);
    QCOMPARE(r, expected);
    QVERIFY(available.contains(r));
}

QTEST_GUILESS_MAIN(TestWindowPlacement)
#include "tst_window_placement.moc"
