#include "core/latency_histogram.h"

#include <QTest>

class TestLatencyHistogram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void empty();
    void percentilesWithinBucketPrecision();
    void snapshotResets();
    void errorsCounted();
};

void TestLatencyHistogram::empty()
{
    LatencyHistogram h;
    const auto s = h.takeSnapshot();
    QCOMPARE(s.count, 0u);
    QVERIFY(!s.p50Ms && !s.p99Ms);
}

void TestLatencyHistogram::percentilesWithinBucketPrecision()
{
    LatencyHistogram h;
    // 1..1000 ms, one sample each: p50 = 500 ms, p95 = 950 ms, p99 = 990 ms.
    for (int i = 1; i <= 1000; ++i) {
        h.record(i / 1000.0, true);
    }
    const auto s = h.takeSnapshot();
    QCOMPARE(s.count, 1000u);
    auto near = [](double got, double want) { return got >= want && got <= want * 1.081; }; // 8 % buckets
    QVERIFY2(near(*s.p50Ms, 500), qPrintable(QString::number(*s.p50Ms)));
    QVERIFY2(near(*s.p95Ms, 950), qPrintable(QString::number(*s.p95Ms)));
    QVERIFY2(*s.p99Ms >= 990 && *s.p99Ms <= 1000, qPrintable(QString::number(*s.p99Ms))); // capped by max
    QCOMPARE(*s.maxMs, 1000.0);
}

void TestLatencyHistogram::snapshotResets()
{
    LatencyHistogram h;
    h.record(0.002, true);
    QCOMPARE(h.takeSnapshot().count, 1u);
    QCOMPARE(h.takeSnapshot().count, 0u);
}

void TestLatencyHistogram::errorsCounted()
{
    LatencyHistogram h;
    h.record(0.001, false);
    h.record(0.001, true);
    h.recordError();
    const auto s = h.takeSnapshot();
    QCOMPARE(s.count, 2u);
    QCOMPARE(s.errors, 2u);
}

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latency_histogram.moc"
