// The kiosk's smoothing: each point the mean of the points in the trailing window, never across a
// gap, x values and gaps kept.
#include "model/rolling_window.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
constexpr double gap = std::numeric_limits<double>::quiet_NaN();

// "t:y t:y ..." (t in s, y "-" for a gap) as store points (x in ms).
QList<QPointF> parse(const QString &text)
{
    QList<QPointF> out;
    for (const QString &item : text.split(u' ', Qt::SkipEmptyParts)) {
        const auto parts = item.split(u':');
        out.append(QPointF(parts[0].toDouble() * 1000, parts[1] == u"-"_s ? gap : parts[1].toDouble()));
    }
    return out;
}

QString format(const QList<QPointF> &points)
{
    QStringList out;
    for (const QPointF &p : points) {
        out << QString::number(p.x() / 1000) + u':' + (std::isnan(p.y()) ? u"-"_s : QString::number(p.y(), 'g', 6));
    }
    return out.join(u' ');
}
} // namespace

class TestRollingWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trailingMean_data();
    void trailingMean();
    void aPerTickBandBecomesALine();
};

void TestRollingWindow::trailingMean_data()
{
    QTest::addColumn<QString>("points");
    QTest::addColumn<qint64>("windowMs");
    QTest::addColumn<QString>("expected");
    QTest::addRow("empty") << QString() << qint64(10000) << QString();
    QTest::addRow("no window: unchanged") << u"0:5 1:9 2:-"_s << qint64(0) << u"0:5 1:9 2:-"_s;
    QTest::addRow("one point") << u"3:7"_s << qint64(10000) << u"3:7"_s;
    QTest::addRow("the first points average what there is")
        << u"0:2 1:4 2:6 3:8"_s << qint64(10000) << u"0:2 1:3 2:4 3:5"_s;
    // (x - window, x]: a point exactly one window older has left it.
    QTest::addRow("the window slides: 2 s") << u"0:10 1:20 2:30 3:40"_s << qint64(2000) << u"0:10 1:15 2:25 3:35"_s;
    QTest::addRow("uneven ticks count by time, not by points")
        << u"0:0 0.5:10 1:20 5:30 5.5:40"_s << qint64(1000) << u"0:0 0.5:5 1:15 5:30 5.5:35"_s;
    QTest::addRow("a gap restarts the window")
        << u"0:100 1:100 2:- 3:10 4:20"_s << qint64(10000) << u"0:100 1:100 2:- 3:10 4:15"_s;
    QTest::addRow("leading and repeated gaps stay") << u"0:- 1:- 2:4 3:-"_s << qint64(5000) << u"0:- 1:- 2:4 3:-"_s;
    QTest::addRow("a spike is spread, not hidden")
        << u"0:10 1:10 2:10 3:100 4:10 5:10 6:10"_s << qint64(3000) << u"0:10 1:10 2:10 3:40 4:40 5:40 6:10"_s;
}

void TestRollingWindow::trailingMean()
{
    QFETCH(QString, points);
    QFETCH(qint64, windowMs);
    QFETCH(QString, expected);
    QCOMPARE(format(rollingwindow::trailingMean(parse(points), windowMs)), expected);
}

void TestRollingWindow::aPerTickBandBecomesALine()
{
    // A p99 alternating 40 / 60 ms every 100 ms tick (the "hairy band"): over a 10 s window every
    // point after the first window is 50 (the band is 20 ms wide raw, about 0 smoothed), and a real
    // step to 150 / 250 still shows, reaching 200 one window after the step.
    QList<QPointF> raw;
    for (int i = 0; i < 600; ++i) {
        const double base = i < 300 ? 50 : 200;
        raw.append(QPointF(i * 100.0, base + (i % 2 == 0 ? -10 : 10) * (base / 50)));
    }
    const auto smooth = rollingwindow::trailingMean(raw, 10000);
    QCOMPARE(smooth.size(), raw.size());
    double lo = 1e9, hi = -1e9;
    for (int i = 100; i < 300; ++i) {
        QCOMPARE(smooth[i].x(), raw[i].x());
        lo = std::min(lo, smooth[i].y());
        hi = std::max(hi, smooth[i].y());
    }
    QVERIFY2(hi - lo < 0.001, qPrintable(u"band %1..%2"_s.arg(lo).arg(hi)));
    QCOMPARE(smooth[399].y(), 200.0);
    QVERIFY(smooth[310].y() > 50 && smooth[310].y() < 200);
}

QTEST_GUILESS_MAIN(TestRollingWindow)
#include "tst_rolling_window.moc"
