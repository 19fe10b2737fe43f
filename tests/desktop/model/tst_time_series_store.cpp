#include "model/cluster_metrics.h"
#include "model/feed_ingest.h"
#include "model/time_series_store.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QList<QPointF> pts(std::initializer_list<std::pair<double, double>> list)
{
    QList<QPointF> out;
    for (auto [x, y] : list) {
        out.append(QPointF(x, y));
    }
    return out;
}

int gapCount(const QList<QPointF> &points)
{
    return static_cast<int>(
        std::count_if(points.begin(), points.end(), [](const QPointF &p) { return std::isnan(p.y()); }));
}
} // namespace

class TestTimeSeriesStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windowTrimming_data();
    void windowTrimming();
    void trimByNowAndMarkers();
    void outOfOrderInsert();
    void gapsAreKept();
    void reduceEdgeCases_data();
    void reduceEdgeCases();
    void reduceKeepsExtremes_data();
    void reduceKeepsExtremes();
    void reduceKeepsGaps();
    void splitAtGaps();
    void concurrentAppend();
    void feedIngest();
    void revisionsPerSeries();
    void trimAndClearChangeRevisions();
    void noStampAheadOfTheStore();
    void clusterMetricsIngest();
};

void TestTimeSeriesStore::windowTrimming_data()
{
    QTest::addColumn<qint64>("windowMs");
    QTest::addColumn<int>("count"); // one point per second from t = 0
    QTest::addColumn<int>("expectedKept");
    QTest::addColumn<qint64>("expectedFirstMs");
    QTest::addRow("under the window") << qint64(10000) << 5 << 5 << qint64(0);
    QTest::addRow("exactly the window") << qint64(10000) << 11 << 11 << qint64(0);
    QTest::addRow("over the window") << qint64(10000) << 100 << 11 << qint64(89000);
    QTest::addRow("ten minutes of 1 s ticks") << qint64(600000) << 2000 << 601 << qint64(1399000);
}

void TestTimeSeriesStore::windowTrimming()
{
    QFETCH(qint64, windowMs);
    QFETCH(int, count);
    QFETCH(int, expectedKept);
    QFETCH(qint64, expectedFirstMs);
    TimeSeriesStore store(windowMs);
    for (int i = 0; i < count; ++i) {
        store.append(u"s"_s, qint64(i) * 1000, i);
    }
    const auto p = store.points(u"s"_s);
    QCOMPARE(p.size(), expectedKept);
    QCOMPARE(qint64(p.first().x()), expectedFirstMs);
    QCOMPARE(qint64(p.last().x()), qint64(count - 1) * 1000);
    QCOMPARE(store.pointCount(), expectedKept);
}

void TestTimeSeriesStore::trimByNowAndMarkers()
{
    TimeSeriesStore store(1000);
    store.append(u"a"_s, 0, 1);
    store.append(u"a"_s, 500, 2);
    store.addMarker({100, EventMarker::Kind::Phase, u"beat"_s});
    store.addMarker({900, EventMarker::Kind::Sql, u"sql"_s});
    const quint64 rev = store.revision();
    store.trim(1400);
    QVERIFY(store.revision() > rev);
    QCOMPARE(store.points(u"a"_s), pts({{500, 2}}));
    QCOMPARE(store.markers().size(), 1);
    QCOMPARE(store.markers().first().text, u"sql"_s);
    QCOMPARE(store.markers(0, 800).size(), 0);
}

void TestTimeSeriesStore::outOfOrderInsert()
{
    TimeSeriesStore store;
    store.append(u"a"_s, 100, 1);
    store.append(u"a"_s, 300, 3);
    store.append(u"a"_s, 200, 2);
    QCOMPARE(store.points(u"a"_s), pts({{100, 1}, {200, 2}, {300, 3}}));
    QCOMPARE(store.points(u"a"_s, 150, 250), pts({{200, 2}}));
    QCOMPARE(store.last(u"a"_s), std::optional<double>(3));
}

void TestTimeSeriesStore::gapsAreKept()
{
    TimeSeriesStore store;
    store.appendGap(u"a"_s, 50); // no series yet: nothing to break
    QCOMPARE(store.pointCount(), 0);
    store.append(u"a"_s, 100, 1);
    store.append(u"b"_s, 100, 1);
    store.append(u"other"_s, 100, 1);
    store.appendGap(u"a"_s, 150);
    store.appendGap(u"a"_s, 160); // a second break in a row adds nothing
    QCOMPARE(store.last(u"a"_s), std::nullopt);
    store.append(u"a"_s, 200, 2);
    const auto p = store.points(u"a"_s);
    QCOMPARE(p.size(), 3);
    QVERIFY(std::isnan(p[1].y()));
    QCOMPARE(p[2], QPointF(200, 2));
    store.appendGapAll(u"b"_s, 150);
    QCOMPARE(gapCount(store.points(u"b"_s)), 1);
    QCOMPARE(gapCount(store.points(u"other"_s)), 0);
    // A gap that slides to the front of the window is dropped with the points before it.
    TimeSeriesStore small(100);
    small.append(u"a"_s, 0, 1);
    small.appendGap(u"a"_s, 10);
    small.append(u"a"_s, 105, 2);
    QCOMPARE(small.points(u"a"_s), pts({{105, 2}}));
}

void TestTimeSeriesStore::reduceEdgeCases_data()
{
    QTest::addColumn<QList<QPointF>>("input");
    QTest::addColumn<int>("columns");
    QTest::addColumn<QList<QPointF>>("expected");
    QTest::addRow("empty") << QList<QPointF> {} << 100 << QList<QPointF> {};
    QTest::addRow("one point") << pts({{5, 7}}) << 100 << pts({{5, 7}});
    QTest::addRow("all equal in one column") << pts({{1, 3}, {2, 3}, {3, 3}, {4, 3}}) << 1 << pts({{1, 3}});
    QTest::addRow("all equal, column per point")
        << pts({{1, 3}, {2, 3}, {3, 3}}) << 10 << pts({{1, 3}, {2, 3}, {3, 3}});
    QTest::addRow("zero columns") << pts({{1, 3}}) << 0 << QList<QPointF> {};
    QTest::addRow("outside the range") << pts({{-5, 1}, {15, 2}}) << 10 << QList<QPointF> {};
    QTest::addRow("max before min keeps time order")
        << pts({{1, 0}, {2, 9}, {3, -4}, {4, 1}}) << 1 << pts({{2, 9}, {3, -4}});
    QTest::addRow("only gaps") << pts({{1, kNaN}, {2, kNaN}}) << 10 << QList<QPointF> {};
}

void TestTimeSeriesStore::reduceEdgeCases()
{
    QFETCH(QList<QPointF>, input);
    QFETCH(int, columns);
    QFETCH(QList<QPointF>, expected);
    QCOMPARE(reduceMinMax(input, 0, 10, columns), expected);
}

void TestTimeSeriesStore::reduceKeepsExtremes_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("columns");
    QTest::addRow("10 points per column") << 10000 << 1000;
    QTest::addRow("many per column") << 100000 << 37;
    QTest::addRow("fewer points than columns") << 50 << 800;
    QTest::addRow("one column") << 1000 << 1;
}

void TestTimeSeriesStore::reduceKeepsExtremes()
{
    QFETCH(int, points);
    QFETCH(int, columns);
    // A deterministic signal with spikes: each column's extremes must survive the reduction.
    QList<QPointF> in;
    for (int i = 0; i < points; ++i) {
        double y = std::sin(i * 0.013) * 10 + (i % 97 == 0 ? 50 : 0) - (i % 89 == 0 ? 40 : 0);
        in.append(QPointF(i, y));
    }
    const double t0 = 0, t1 = points;
    const auto out = reduceMinMax(in, t0, t1, columns);
    QVERIFY(out.size() <= 2 * columns);
    QVERIFY(out.size() <= in.size());
    QCOMPARE(gapCount(out), 0);
    for (qsizetype i = 1; i < out.size(); ++i) {
        QVERIFY(out[i - 1].x() <= out[i].x());
    }
    // Per column: the reduced min and max equal the input's.
    const double scale = columns / (t1 - t0);
    auto col = [&](const QPointF &p) { return std::min(columns - 1, int((p.x() - t0) * scale)); };
    QHash<int, std::pair<double, double>> inExt, outExt;
    auto acc = [&](QHash<int, std::pair<double, double>> &h, const QPointF &p) {
        auto it = h.find(col(p));
        if (it == h.end()) {
            h.insert(col(p), {p.y(), p.y()});
        } else {
            it->first = std::min(it->first, p.y());
            it->second = std::max(it->second, p.y());
        }
    };
    for (const auto &p : in) {
        acc(inExt, p);
    }
    QHash<int, int> perColumn;
    for (const auto &p : out) {
        acc(outExt, p);
        QVERIFY(in.contains(p)); // never invented
        QVERIFY(++perColumn[col(p)] <= 2);
    }
    QCOMPARE(outExt, inExt);
}

void TestTimeSeriesStore::reduceKeepsGaps()
{
    // Two segments separated by a gap, both in the same pixel column and across columns.
    const auto in = pts({{0, 1}, {1, 5}, {2, kNaN}, {3, 2}, {4, 8}, {5, 3}, {6, kNaN}, {9, 4}});
    const auto oneColumn = reduceMinMax(in, 0, 10, 1);
    QCOMPARE(gapCount(oneColumn), 2);
    const auto segs = ::splitAtGaps(oneColumn);
    QCOMPARE(segs.size(), 3);
    QCOMPARE(segs[0], pts({{0, 1}, {1, 5}}));
    QCOMPARE(segs[1], pts({{3, 2}, {4, 8}}));
    QCOMPARE(segs[2], pts({{9, 4}}));
    const auto many = reduceMinMax(in, 0, 10, 10);
    QCOMPARE(gapCount(many), 2);
    QCOMPARE(::splitAtGaps(many).size(), 3);
    // Leading and trailing gaps are not drawn as breaks.
    const auto edges = reduceMinMax(pts({{0, kNaN}, {1, 1}, {2, 2}, {3, kNaN}}), 0, 10, 10);
    QCOMPARE(edges, pts({{1, 1}, {2, 2}}));
}

void TestTimeSeriesStore::splitAtGaps()
{
    QCOMPARE(::splitAtGaps({}).size(), 0);
    QCOMPARE(::splitAtGaps(pts({{1, kNaN}})).size(), 0);
    QCOMPARE(::splitAtGaps(pts({{1, 1}, {2, 2}})), (QList<QList<QPointF>> {pts({{1, 1}, {2, 2}})}));
}

void TestTimeSeriesStore::concurrentAppend()
{
    // Producers on other threads, a reader on this one: sizes stay consistent and bounded.
    TimeSeriesStore store(5000);
    std::atomic_bool stop = false;
    std::vector<std::thread> producers;
    for (int t = 0; t < 3; ++t) {
        producers.emplace_back([&store, t] {
            for (int i = 0; i < 20000; ++i) {
                store.append(u"s%1"_s.arg(t), i, i);
            }
        });
    }
    std::thread reader([&] {
        while (!stop) {
            const auto p = store.points(u"s0"_s);
            for (qsizetype i = 1; i < p.size(); ++i) {
                QVERIFY(p[i - 1].x() <= p[i].x());
            }
        }
    });
    for (auto &p : producers) {
        p.join();
    }
    stop = true;
    reader.join();
    QCOMPARE(store.points(u"s1"_s).size(), 5001);
    QCOMPARE(store.seriesNames(), (QStringList {u"s0"_s, u"s1"_s, u"s2"_s}));
}

void TestTimeSeriesStore::feedIngest()
{
    TimeSeriesStore store;
    FeedIngest ingest(&store);
    FeedTick t;
    t.tsMs = 1000;
    t.intervalMs = 1000;
    LatencyStats login;
    login.rps = 4;
    login.errors = 1;
    login.p50Ms = 1.5;
    login.p99Ms = 9.0; // p95 missing: not appended (no sample is not zero)
    t.routes.insert(u"login"_s, login);
    t.load.targetRps = 20;
    t.load.achievedRps = 19.5;
    t.load.droppedTotal = 10;
    ingest.ingestTick(t);
    t.tsMs = 2000;
    t.load.droppedTotal = 13;
    ingest.ingestTick(t);
    QCOMPARE(store.points(u"app.rps.login"_s), pts({{1000, 4}, {2000, 4}}));
    QCOMPARE(store.points(u"app.p99.login"_s).size(), 2);
    QCOMPARE(store.points(u"app.p95.login"_s).size(), 0);
    QCOMPARE(store.points(u"load.dropped"_s), pts({{2000, 3}}));
    QCOMPARE(store.last(u"load.achieved"_s), std::optional<double>(19.5));
    QCOMPARE(ingest.storeLatencies().size(), size_t(2));
    ingest.ingestGap(2000, 5000);
    QVERIFY(!store.last(u"app.rps.login"_s));
    FeedEvent e;
    e.tsMs = 2500;
    e.kind = u"spike_started"_s;
    e.text = u"spike 200 rps"_s;
    ingest.ingestEvent(e);
    e.kind = u"something_else"_s;
    ingest.ingestEvent(e);
    QCOMPARE(store.markers(), (QList<EventMarker> {{2500, EventMarker::Kind::SpikeStart, u"spike 200 rps"_s}}));
}

void TestTimeSeriesStore::revisionsPerSeries()
{
    TimeSeriesStore store;
    QCOMPARE(store.seriesRevision(u"app."_s), quint64(0));
    store.append(u"app.rps.login"_s, 1, 1);
    const quint64 app = store.seriesRevision(u"app."_s);
    QVERIFY(app > 0);
    store.append(u"crdb.live_nodes"_s, 1, 1);
    QCOMPARE(store.seriesRevision(u"app."_s), app); // other series do not touch it
    QVERIFY(store.seriesRevision(u"crdb."_s) > app);
    const quint64 markers = store.markersRevision();
    store.addMarker({1, EventMarker::Kind::Sql, u"x"_s});
    QVERIFY(store.markersRevision() > markers);
    QCOMPARE(store.seriesRevision(u"app."_s), app);
}

// A chart skips redrawing when its series' revision has not moved: trim() and clear() change what
// it would draw, so they must move it too.
void TestTimeSeriesStore::trimAndClearChangeRevisions()
{
    TimeSeriesStore store(10'000);
    store.append(u"app.a"_s, 1'000, 1);
    store.append(u"app.a"_s, 2'000, 2);
    store.addMarker({1'500, EventMarker::Kind::Sql, u"x"_s});
    const quint64 series = store.seriesRevision(u"app."_s);
    const quint64 markers = store.markersRevision();
    const quint64 global = store.revision();
    store.trim(12'000); // drops the point at 1 s and the marker at 1.5 s
    QCOMPARE(store.points(u"app.a"_s).size(), 1);
    QVERIFY(store.seriesRevision(u"app."_s) > series);
    QVERIFY(store.markersRevision() > markers);
    QVERIFY(store.revision() > global);
    const quint64 afterTrim = store.seriesRevision(u"app."_s);
    store.trim(12'000); // nothing left to drop: nothing moves
    QCOMPARE(store.seriesRevision(u"app."_s), afterTrim);
    const quint64 beforeClear = store.markersRevision();
    store.clear();
    QVERIFY(store.markersRevision() > beforeClear);
}

// Every stamp is published with the store's revision under the same lock: a reader can never see
// a series stamped with a revision the store has not reached yet (then a frame drawn at revision r
// could miss a change stamped r). Three writers race a reader that checks exactly that.
void TestTimeSeriesStore::noStampAheadOfTheStore()
{
    TimeSeriesStore store(5000);
    std::atomic_bool stop = false;
    std::atomic<int> ahead = 0;
    std::vector<std::thread> producers;
    for (int t = 0; t < 3; ++t) {
        producers.emplace_back([&store, t] {
            for (int i = 0; i < 20000; ++i) {
                store.append(u"s%1"_s.arg(t), i, i);
            }
        });
    }
    std::thread reader([&] {
        while (!stop) {
            const quint64 stamp = store.seriesRevision(u"s"_s);
            if (stamp > store.revision()) {
                ++ahead;
            }
        }
    });
    for (auto &p : producers) {
        p.join();
    }
    stop = true;
    reader.join();
    QCOMPARE(ahead.load(), 0);
}

void TestTimeSeriesStore::clusterMetricsIngest()
{
    TimeSeriesStore store;
    ClusterMetrics metrics(&store);
    auto series = [](QMap<QString, QString> labels, double x, double y) {
        PromSeries s;
        s.labels = std::move(labels);
        s.points.append(QPointF(x, y));
        return s;
    };
    metrics.ingest(u"crdb.replicas"_s,
        {series({{u"pod"_s, u"crdb-0"_s}, {u"instance"_s, u"10.0.0.1:8080"_s}}, 1000, 40),
            series({{u"instance"_s, u"10.0.0.2:8080"_s}}, 1000, 38)});
    QCOMPARE(store.seriesNames(u"crdb.replicas."_s),
        (QStringList {u"crdb.replicas.10.0.0.2:8080"_s, u"crdb.replicas.crdb-0"_s}));
    // histogram_quantile over no traffic answers NaN: no value, not a break and not zero.
    metrics.ingest(u"crdb.sql_p99_ms"_s, {series({}, 1000, kNaN)});
    QCOMPARE(store.points(u"crdb.sql_p99_ms"_s).size(), 0);
    metrics.ingest(u"crdb.live_nodes"_s, {series({}, 1000, 3)});
    metrics.ingestFailure(u"crdb.live_nodes"_s, 2000);
    QVERIFY(!store.last(u"crdb.live_nodes"_s));
    metrics.ingest(u"not.a.query"_s, {series({}, 1000, 1)});
    QCOMPARE(store.seriesNames(u"not."_s).size(), 0);
    QCOMPARE(ClusterMetrics::queries().size(), 7);
}

QTEST_GUILESS_MAIN(TestTimeSeriesStore)
#include "tst_time_series_store.moc"
