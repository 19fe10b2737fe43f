// Decimation (model/decimation.h): whatever the signal and the plot's width, the minimum and the
// maximum of every pixel column survive, the output is at most two points per column and every
// point is one of the input's. The checker itself is shown to reject a naive decimation (every
// n-th point), which loses spikes.
#include "model/decimation.h"

#include <QHash>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;
using namespace presenter;

namespace {

using Decimator = std::function<QList<QPointF>(const QList<QPointF> &, double, double, int)>;

// Keeps every n-th point so that at most two per column remain: the mistake min/max avoids.
QList<QPointF> naiveStride(const QList<QPointF> &in, double, double, int columns)
{
    const qsizetype stride = std::max<qsizetype>(1, in.size() / (2 * std::max(1, columns)));
    QList<QPointF> out;
    for (qsizetype i = 0; i < in.size(); i += stride) {
        out.append(in[i]);
    }
    return out;
}

// A signal with rare one-sample spikes up and down, on a random walk.
QList<QPointF> spiky(int n, quint32 seed)
{
    QRandomGenerator rng(seed);
    QList<QPointF> in;
    double y = 0;
    for (int i = 0; i < n; ++i) {
        y += rng.bounded(2.0) - 1.0;
        const int r = static_cast<int>(rng.bounded(500));
        const double spike = r == 0 ? 1000 : (r == 1 ? -1000 : 0);
        in.append(QPointF(i * 100.0, y + spike));
    }
    return in;
}

// Empty when every column's extremes survived within at most two points a column; otherwise the
// first column that lost one, in words.
QString checkExtremes(const Decimator &decimate, const QList<QPointF> &in, double t0, double t1, int columns)
{
    const auto out = decimate(in, t0, t1, columns);
    const double scale = columns / (t1 - t0);
    auto col = [&](const QPointF &p) { return std::min(columns - 1, static_cast<int>((p.x() - t0) * scale)); };
    QHash<int, std::pair<double, double>> want;
    for (const QPointF &p : in) {
        auto it = want.find(col(p));
        if (it == want.end()) {
            want.insert(col(p), {p.y(), p.y()});
        } else {
            it->first = std::min(it->first, p.y());
            it->second = std::max(it->second, p.y());
        }
    }
    QHash<int, QList<double>> got;
    for (const QPointF &p : out) {
        if (!in.contains(p)) {
            return u"invented point (%1, %2)"_s.arg(p.x()).arg(p.y());
        }
        got[col(p)].append(p.y());
    }
    for (auto it = want.cbegin(); it != want.cend(); ++it) {
        const QList<double> ys = got.value(it.key());
        if (ys.size() > 2) {
            return u"column %1 has %2 points"_s.arg(it.key()).arg(ys.size());
        }
        if (!ys.contains(it->first) || !ys.contains(it->second)) {
            return u"column %1 lost its min %2 or max %3"_s.arg(it.key()).arg(it->first).arg(it->second);
        }
    }
    return {};
}

} // namespace

class TestDecimation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void extremesSurvive_data();
    void extremesSurvive();
    void checkerRejectsNaiveStride();
    void oneColumnKeepsTimeOrder();
};

void TestDecimation::extremesSurvive_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("columns");
    QTest::addColumn<quint32>("seed");
    // A 10-minute window at 100 ms ticks (6000 points) on a kiosk plot, a small chart, a narrow one.
    QTest::addRow("6000 points, 1800 columns") << 6000 << 1800 << 1u;
    QTest::addRow("6000 points, 300 columns") << 6000 << 300 << 2u;
    QTest::addRow("60000 points, 97 columns") << 60000 << 97 << 3u;
    QTest::addRow("fewer points than columns") << 200 << 1800 << 4u;
}

void TestDecimation::extremesSurvive()
{
    QFETCH(int, points);
    QFETCH(int, columns);
    QFETCH(quint32, seed);
    const auto in = spiky(points, seed);
    const double t1 = in.constLast().x();
    QCOMPARE(checkExtremes(reduceMinMax, in, 0, t1, columns), QString());
    QVERIFY(reduceMinMax(in, 0, t1, columns).size() <= 2 * columns);
}

void TestDecimation::checkerRejectsNaiveStride()
{
    // The same check against every-n-th-point decimation: spikes fall between the kept points.
    const auto in = spiky(6000, 1);
    const QString failure = checkExtremes(naiveStride, in, 0, in.constLast().x(), 300);
    QVERIFY2(failure.contains(u"lost"_s), qPrintable(failure));
}

void TestDecimation::oneColumnKeepsTimeOrder()
{
    // Max before min in time: drawn in that order, or the line would go back in time.
    const QList<QPointF> in {{1, 0}, {2, 9}, {3, -4}, {4, 1}};
    QCOMPARE(reduceMinMax(in, 0, 10, 1), (QList<QPointF> {{2, 9}, {3, -4}}));
}

QTEST_APPLESS_MAIN(TestDecimation)
#include "tst_decimation.moc"
