// The open-loop scheduler with in-process operations (the database side is covered by the
// integration tests; here the operation is a real function whose duration the test controls).
#include "core/load_engine.h"

#include <QTest>

#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;

class TestLoadEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void spikeHitsItsRate();
    void openLoopDropsInsteadOfWaiting();
    void mixAndSwitches();
    void spikeRefusedWhileRunning();
};

namespace {
struct Recorder
{
    std::mutex mutex;
    QList<LoadEngine::Event> events;
    void operator()(const LoadEngine::Event &e)
    {
        std::lock_guard lock(mutex);
        events.append(e);
    }
    std::optional<LoadEngine::Event> find(const QString &kind)
    {
        std::lock_guard lock(mutex);
        for (const auto &e : events) {
            if (e.kind == kind) {
                return e;
            }
        }
        return std::nullopt;
    }
};
// An engine whose operations only count themselves, with its events recorded.
struct CountingEngine
{
    Telemetry telemetry;
    std::atomic<int> logins {0};
    std::atomic<int> searches {0};
    Recorder rec;
    LoadEngine engine {Guardrails {1000, 300, 64, 65536},
        [this](Op op) {
            (op == Op::Login ? logins : searches).fetch_add(1);
            return true;
        },
        telemetry};
    CountingEngine() { engine.setEventCallback(std::ref(rec)); }
};
} // namespace

void TestLoadEngine::spikeHitsItsRate()
{
    CountingEngine counting;
    LoadEngine &engine = counting.engine;
    std::atomic<int> &logins = counting.logins;
    std::atomic<int> &searches = counting.searches;
    Recorder &rec = counting.rec;
    QVERIFY(!engine.startSpike(SpikeRequest {2.0, 500, LoadMix {0.2, 0.8}}));
    QTRY_VERIFY_WITH_TIMEOUT(rec.find(u"spike_ended"_s).has_value(), 5000);
    const auto ended = *rec.find(u"spike_ended"_s);
    const double completed = ended.detail.value(u"completed").toDouble();
    // 2 s at 500/s is 1000 operations; the schedule is exact, so allow only the boundary one.
    QVERIFY2(std::abs(completed - 1000) <= 1, qPrintable(QString::number(completed)));
    QCOMPARE(ended.detail.value(u"dropped").toDouble(), 0.0);
    QVERIFY(std::abs(ended.detail.value(u"achieved_ratio").toDouble() - 1.0) < 0.01);
    QVERIFY(std::abs(logins.load() - 200) <= 1);
    QVERIFY(std::abs(searches.load() - 800) <= 1);
    QCOMPARE(engine.spikeRps(), 0.0);
}

void TestLoadEngine::openLoopDropsInsteadOfWaiting()
{
    Telemetry telemetry;
    // Each operation takes 100 ms and only 2 may run: at 50/s, most scheduled operations find no
    // free slot. A closed-loop generator would slow down to 20/s and report low latency.
    LoadEngine engine(
        Guardrails {1000, 300, 2, 65536},
        [](Op) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            return true;
        },
        telemetry);
    engine.startLoad(LoadRequest {50, LoadMix {0, 1}});
    QTest::qWait(1500);
    const QJsonObject state = engine.sampleInterval(1.5);
    engine.stopLoad();
    const double dropped = state.value(u"dropped_total").toDouble();
    const double sent = state.value(u"sent_total").toDouble();
    QVERIFY2(dropped > 30, qPrintable(QString::number(dropped)));
    // At most 2 x 1.5 s / 100 ms = 30 can have started (fewer on a busy machine, never more).
    QVERIFY2(sent >= 8 && sent <= 32, qPrintable(QString::number(sent)));
    QCOMPARE(state.value(u"target_rps").toDouble(), 50.0);
    const auto intended = state.value(u"latency_ms").toObject().value(u"intended").toObject();
    const auto actual = state.value(u"latency_ms").toObject().value(u"actual").toObject();
    QVERIFY(intended.value(u"p50").toDouble() >= actual.value(u"p50").toDouble());
    QVERIFY(actual.value(u"p50").toDouble() >= 100.0);
}

void TestLoadEngine::mixAndSwitches()
{
    CountingEngine counting;
    LoadEngine &engine = counting.engine;
    std::atomic<int> &logins = counting.logins;
    std::atomic<int> &searches = counting.searches;
    Recorder &rec = counting.rec;
    engine.startLoad(LoadRequest {200, LoadMix {0.5, 0.5}});
    engine.setReaders(false);
    QCOMPARE(engine.state().value(u"target_rps").toDouble(), 100.0);
    QTest::qWait(500);
    const int searchesWhileOff = searches.load();
    QVERIFY(searchesWhileOff <= 1);
    QVERIFY(logins.load() >= 40);
    engine.setWriters(false);
    QCOMPARE(engine.state().value(u"running").toBool(), false);
    engine.setReaders(true);
    QTest::qWait(300);
    QVERIFY(searches.load() > searchesWhileOff + 10);
    engine.stopLoad();
    for (const char *kind : {"load_started", "readers_stopped", "writers_stopped", "readers_started", "load_stopped"}) {
        QVERIFY2(rec.find(QString::fromLatin1(kind)), kind);
    }
}

void TestLoadEngine::spikeRefusedWhileRunning()
{
    Telemetry telemetry;
    LoadEngine engine(
        Guardrails {1000, 300, 64, 65536}, [](Op) { return true; }, telemetry);
    QVERIFY(!engine.startSpike(SpikeRequest {10, 10, {}}));
    const auto busy = engine.startSpike(SpikeRequest {10, 10, {}});
    QVERIFY(busy && busy->contains(u"already running"_s));
    engine.stopSpike();
    QTRY_COMPARE_WITH_TIMEOUT(engine.spikeRps(), 0.0, 2000);
    QVERIFY(!engine.startSpike(SpikeRequest {1, 10, {}}));
}

QTEST_GUILESS_MAIN(TestLoadEngine)
#include "tst_load_engine.moc"
