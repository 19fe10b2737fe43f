#include "sources/feed_messages.h"
#include "test_env.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

#include <limits>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

// The tick example of sampleapp/PROTOCOL.md, with a load state.
const char *kTick = R"({"v":1,"type":"tick","seq":42,"ts_ms":1763800000000,"interval_ms":1000,
 "routes": {"login":  {"rps": 40.0, "count": 40, "errors": 0, "p50_ms": 1.1, "p95_ms": 2.0, "p99_ms": 3.5},
            "search": {"rps": 160.0, "count": 160, "errors": 2, "p50_ms": null, "p95_ms": null, "p99_ms": null}},
 "db": {"writer": {"count": 40, "errors": 0, "p50_ms": 0.9, "p95_ms": 1.8, "p99_ms": 3.0},
        "reader": {"count": 160, "errors": 1, "p50_ms": 0.3, "p95_ms": 0.7, "p99_ms": 1.2}},
 "load": {"running": true, "readers": true, "writers": false,
  "base":  {"rps": 20, "mix": {"login": 0.2, "search": 0.8}},
  "spike": {"rps": 200, "seconds": 30, "remaining_s": 12.4, "mix": {"login": 0.2, "search": 0.8}},
  "target_rps": 220, "achieved_rps": 219.7,
  "in_flight": 3, "active_workers": 8, "sent_total": 12345, "dropped_total": 7, "errors_total": 1,
  "latency_ms": {"intended": {"p50": 1.2, "p95": 3.4, "p99": 9.9},
                 "actual":   {"p50": 1.1, "p95": 3.0, "p99": 8.0}},
  "limits": {"max_rps": 1000, "max_seconds": 300, "max_concurrency": 64},
  "auth_required": true},
 "ready": false})";

// The tick example of sampleapp/PROTOCOL.md with its "Load state" example in place of
// `<load state>`: the protocol's own field list, read from the document.
QJsonObject protocolTick()
{
    QFile f(testenv::sourceDir() + u"/sampleapp/PROTOCOL.md"_s);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QString md = QString::fromUtf8(f.readAll());
    const auto jsonBlockAfter = [&](const QString &heading) {
        const qsizetype at = md.indexOf(heading);
        const qsizetype start = at < 0 ? -1 : md.indexOf(u"```json\n"_s, at);
        const qsizetype end = start < 0 ? -1 : md.indexOf(u"\n```"_s, start + 8);
        return end < 0 ? QString() : md.mid(start + 8, end - start - 8);
    };
    QString tick = jsonBlockAfter(u"- `tick`, every `tick_ms`:"_s);
    tick.replace(u"<load state>"_s, jsonBlockAfter(u"### Load state (JSON)"_s));
    return QJsonDocument::fromJson(tick.toUtf8()).object();
}

QJsonValue valueAt(const QJsonObject &o, const QString &path)
{
    QJsonValue v = o;
    for (const QString &part : path.split(u'.')) {
        v = v.toObject().value(part);
    }
    return v;
}

QStringList sorted(QStringList list)
{
    std::sort(list.begin(), list.end());
    return list;
}

QStringList statsKeys(bool routes)
{
    QStringList keys;
    for (const feedschema::StatsField &f : feedschema::statsFields()) {
        if (routes || !f.routesOnly) {
            keys << f.key;
        }
    }
    return sorted(keys);
}
} // namespace

class TestFeedMessages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validTick()
    {
        QString error;
        const auto tick = parseTick(json(kTick), &error);
        QVERIFY2(tick, qPrintable(error));
        QCOMPARE(tick->seq, 42);
        QCOMPARE(tick->tsMs, 1763800000000);
        QCOMPARE(tick->intervalMs, 1000);
        QCOMPARE(tick->routes.keys(), (QStringList {u"login"_s, u"search"_s}));
        const LatencyStats login = tick->routes.value(u"login"_s);
        QCOMPARE(login.count, 40);
        QCOMPARE(login.rps, 40.0);
        QCOMPARE(login.p99Ms, std::optional<double>(3.5));
        const LatencyStats search = tick->routes.value(u"search"_s);
        QCOMPARE(search.errors, 2);
        QVERIFY(!search.p50Ms && !search.p95Ms && !search.p99Ms); // null = no sample, not zero
        QCOMPARE(tick->writer.count, 40);
        QCOMPARE(tick->writer.p95Ms, std::optional<double>(1.8));
        QCOMPARE(tick->reader.errors, 1);
        QCOMPARE(tick->ready, false);
        const LoadState &load = tick->load;
        QVERIFY(load.running);
        QVERIFY(!load.writers);
        QCOMPARE(load.targetRps, 220.0);
        QCOMPARE(load.achievedRps, 219.7);
        QCOMPARE(load.inFlight, 3);
        QCOMPARE(load.activeWorkers, 8);
        QCOMPARE(load.sentTotal, 12345);
        QCOMPARE(load.droppedTotal, 7);
        QVERIFY(load.spikeActive);
        QCOMPARE(load.spikeRps, 200.0);
        QCOMPARE(load.spikeRemainingS, 12.4);
        QCOMPARE(load.intendedP99Ms, std::optional<double>(9.9));
        QCOMPARE(load.actualP99Ms, std::optional<double>(8.0));
        QCOMPARE(load.maxRps, 1000);
        QCOMPARE(load.maxSeconds, 300);
        QCOMPARE(load.maxConcurrency, 64);
        QVERIFY(load.authRequired);
    }

    void idleLoadState()
    {
        const LoadState s = parseLoadState(json(R"({"running":false,"readers":true,"writers":true,"base":null,
            "spike":null,"target_rps":0,"achieved_rps":0,"in_flight":0,"active_workers":0,"sent_total":0,
            "dropped_total":0,"errors_total":0,"latency_ms":{"intended":{"p50":null,"p95":null,"p99":null},
            "actual":{"p50":null,"p95":null,"p99":null}},"limits":{"max_rps":500,"max_seconds":60,"max_concurrency":8},
            "auth_required":false})"));
        QVERIFY(!s.running);
        QVERIFY(!s.spikeActive);
        QVERIFY(!s.intendedP99Ms);
        QCOMPARE(s.maxRps, 500);
        QCOMPARE(s.maxConcurrency, 8);
    }

    void validEvent()
    {
        QString error;
        const auto e
            = parseEvent(json(R"({"v":1,"type":"event","seq":7,"ts_ms":1763800000123,"kind":"readiness_changed",
                                           "text":"reader pool down","detail":{"ready":false,"reason":"reader: timeout"}})"),
                &error);
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->seq, 7);
        QCOMPARE(e->tsMs, 1763800000123);
        QCOMPARE(e->kind, u"readiness_changed"_s);
        QCOMPARE(e->text, u"reader pool down"_s);
        QCOMPARE(e->detail.value("ready"_L1).toBool(true), false);
        // Kinds without detail.
        QVERIFY(parseEvent(
            json(R"({"v":1,"type":"event","seq":8,"ts_ms":1,"kind":"load_started","text":"load started"})")));
    }

    void validHello()
    {
        QString error;
        const auto h = parseHello(json(R"({"v":1,"type":"hello","seq":1,"ts_ms":1763800000000,"tick_ms":500,
            "version":"0.1.0","dialect":"postgresql","load":{"running":false},"ready":true})"),
            &error);
        QVERIFY2(h, qPrintable(error));
        QCOMPARE(h->tickMs, 500);
        QCOMPARE(h->dialect, u"postgresql"_s);
        QVERIFY(h->ready);
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("expectedError");
        QByteArray tick(kTick);
        auto edit = [&](const char *from, const char *to) { return QByteArray(tick).replace(from, to); };
        QTest::addRow("version 2") << edit(R"("v":1)", R"("v":2)") << u"unsupported protocol version 2"_s;
        QTest::addRow("version missing") << edit(R"("v":1,)", "") << u"missing field v"_s;
        QTest::addRow("version as string") << edit(R"("v":1)", R"("v":"1")") << u"unsupported protocol version 1"_s;
        QTest::addRow("seq missing") << edit(R"("seq":42,)", "") << u"missing field seq"_s;
        QTest::addRow("seq as string") << edit(R"("seq":42)", R"("seq":"42")") << u"field seq is not a number"_s;
        QTest::addRow("seq fractional") << edit(R"("seq":42)", R"("seq":42.5)") << u"field seq is not an integer"_s;
        QTest::addRow("ts_ms missing") << edit(R"("ts_ms":1763800000000,)", "") << u"missing field ts_ms"_s;
        QTest::addRow("routes not object") << edit(
            R"("routes": {"login":  {"rps": 40.0, "count": 40, "errors": 0, "p50_ms": 1.1, "p95_ms": 2.0, "p99_ms": 3.5},)",
            R"("routes": [], "x": {"login": {},)")
                                           << u"field routes is not an object"_s;
        QTest::addRow("route count as string") << edit(R"("rps": 40.0, "count": 40)", R"("rps": 40.0, "count": "40")")
                                               << u"field routes.login.count is not a number"_s;
        QTest::addRow("percentile as string")
            << edit(R"("p99_ms": 3.5)", R"("p99_ms": "3.5")") << u"field routes.login.p99_ms is not a number"_s;
        QTest::addRow("db reader missing")
            << edit(R"("reader": {"count": 160, "errors": 1,)", R"("other": {"count": 160, "errors": 1,)")
            << u"missing field db.reader"_s;
        QTest::addRow("ready as number") << edit(R"("ready": false)", R"("ready": 0)")
                                         << u"field ready is not a boolean"_s;
        QTest::addRow("wrong type") << edit(R"("type":"tick")", R"("type":"event")")
                                    << u"message type is event, not tick"_s;
    }

    void rejected()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, expectedError);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(message, &parseError);
        QVERIFY2(doc.isObject(), qPrintable(parseError.errorString()));
        QString error;
        QVERIFY(!parseTick(doc.object(), &error));
        QVERIFY2(error.startsWith(expectedError), qPrintable(error));
    }

    void rejectedEvents()
    {
        QString error;
        QVERIFY(
            !parseEvent(json(R"({"v":2,"type":"event","seq":1,"ts_ms":1,"kind":"load_started","text":"x"})"), &error));
        QVERIFY(error.contains(u"version 2"_s));
        QVERIFY(!parseEvent(json(R"({"v":1,"type":"event","seq":1,"ts_ms":1,"text":"x"})"), &error));
        QCOMPARE(error, u"missing field kind"_s);
        QVERIFY(!parseEvent(
            json(R"({"v":1,"type":"event","seq":1,"ts_ms":1,"kind":"error_burst","text":"x","detail":[1]})"), &error));
        QCOMPARE(error, u"field detail is not an object"_s);
        QVERIFY(!parseHello(json(R"({"v":1,"type":"hello","seq":1,"ts_ms":1,"tick_ms":"1000","version":"0.1.0",
                                     "dialect":"postgresql","load":{},"ready":true})"),
            &error));
        QCOMPARE(error, u"field tick_ms is not a number"_s);
    }

    // Found by tests/fuzz.sh (fuzz_feed_messages, UBSan): numbers beyond the range of the field's
    // type. Converting such a double to an integer is undefined behaviour; the display-only load
    // state clamps them, and an envelope integer out of range is refused even when another field
    // was already wrong.
    void outOfRangeNumbers()
    {
        const LoadState s = parseLoadState(json(R"({"in_flight":1e300,"active_workers":-1e300,"sent_total":1e300,
            "dropped_total":-1e300,"errors_total":9.3e18,"limits":{"max_rps":1e10,"max_seconds":-1e10,
            "max_concurrency":2147483648}})"));
        QCOMPARE(s.inFlight, std::numeric_limits<int>::max());
        QCOMPARE(s.activeWorkers, std::numeric_limits<int>::min());
        QCOMPARE(s.sentTotal, std::numeric_limits<qint64>::max());
        QCOMPARE(s.droppedTotal, std::numeric_limits<qint64>::min());
        QCOMPARE(s.errorsTotal, std::numeric_limits<qint64>::max());
        QCOMPARE(s.maxRps, std::numeric_limits<int>::max());
        QCOMPARE(s.maxSeconds, std::numeric_limits<int>::min());
        QCOMPARE(s.maxConcurrency, std::numeric_limits<int>::max());

        // The fuzzer's input: a tick whose ts_ms is far beyond 2^53, read as an event.
        const QJsonObject tick = json(R"({"v":1,"type":"tick","seq":42,"ts_ms":1.7638e140,"interval_ms":1000,
            "routes":{"login":{"rps":40.0,"count":40,"errors":0,"p50_ms":1.1,"p95_ms":2.0,"p99_ms":3.5}},"rkady":true})");
        QString error;
        QVERIFY(!parseEvent(tick, &error));
        QCOMPARE(error, u"message type is tick, not event"_s);
        QVERIFY(!parseTick(tick, &error));
        QCOMPARE(error, u"field ts_ms is not an integer"_s);
        // A count beyond int: refused, not wrapped.
        QVERIFY(!parseTick(json(R"({"v":1,"type":"tick","seq":1,"ts_ms":1,"interval_ms":1e12,"routes":{},
            "db":{"writer":{"count":0,"errors":0},"reader":{"count":0,"errors":0}},"load":{},"ready":true})"),
            &error));
        QCOMPARE(error, u"field interval_ms is out of range"_s);
    }
    // The feed's table (config/feed_schema.h) against the protocol's document: the documented tick
    // parses; every field a plan may name and every load value the parser reads is where the
    // document puts it; each latency block of the document has exactly the table's numbers.
    void schemaMatchesProtocol()
    {
        const QJsonObject doc = protocolTick();
        QVERIFY2(!doc.isEmpty(), "no tick example (with its load state) in sampleapp/PROTOCOL.md");
        QString error;
        const auto tick = parseTick(doc, &error);
        QVERIFY2(tick, qPrintable(u"PROTOCOL.md's tick: "_s + error));
        for (const feedschema::TickField &f : feedschema::tickFields()) {
            QVERIFY2(!valueAt(doc, f.wirePath).isUndefined(),
                qPrintable(u"%1: no %2 in PROTOCOL.md's tick"_s.arg(f.name, f.wirePath)));
            QVERIFY2(f.value(*tick).has_value(), qPrintable(f.name + u" has no value in PROTOCOL.md's tick"_s));
        }
        const QJsonObject load = doc.value("load"_L1).toObject();
        for (const feedschema::LoadField &f : feedschema::loadFields()) {
            QVERIFY2(!valueAt(load, f.path).isUndefined(),
                qPrintable(u"load.%1 is not in PROTOCOL.md's load state"_s.arg(f.path)));
        }
        const QJsonObject routes = doc.value("routes"_L1).toObject();
        QCOMPARE(sorted(routes.keys()), sorted(feedschema::routeNames()));
        for (const QString &route : routes.keys()) {
            QCOMPARE(sorted(routes.value(route).toObject().keys()), statsKeys(true));
        }
        const QJsonObject db = doc.value("db"_L1).toObject();
        QStringList pools;
        for (const feedschema::PoolField &pool : feedschema::pools()) {
            pools << pool.name;
            QCOMPARE(sorted(db.value(pool.name).toObject().keys()), statsKeys(false));
        }
        QCOMPARE(sorted(db.keys()), sorted(pools));
    }
};

QTEST_GUILESS_MAIN(TestFeedMessages)
#include "tst_feed_messages.moc"
