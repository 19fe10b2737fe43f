// W3C traceparent read and written as the Recommendation says (https://www.w3.org/TR/trace-context/),
// and the head samplers' decisions: parent-based, and the trace id ratio's threshold on the trace
// id's rightmost 56 bits (deterministic and monotone in the ratio).
#include "otel/sampler.h"
#include "otel/trace_context.h"

#include <QTest>

#include <random>

using namespace otel;

namespace {
SpanContext freshContext(std::uint8_t flags)
{
    SpanContext c;
    c.traceId = newTraceId();
    c.spanId = newSpanId();
    c.flags = flags;
    return c;
}
} // namespace

class TestOtelTraceContext : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("traceId");
        QTest::addColumn<QByteArray>("spanId");
        QTest::addColumn<bool>("sampled");
        const QByteArray t = "4bf92f3577b34da6a3ce929d0e0e4736";
        const QByteArray s = "00f067aa0ba902b7";
        QTest::addRow("sampled") << "00-" + t + "-" + s + "-01" << true << t << s << true;
        QTest::addRow("not sampled") << "00-" + t + "-" + s + "-00" << true << t << s << false;
        QTest::addRow("other flags kept, sampled bit read") << "00-" + t + "-" + s + "-09" << true << t << s << true;
        QTest::addRow("surrounding spaces") << " 00-" + t + "-" + s + "-01 " << true << t << s << true;
        QTest::addRow("future version, extra field")
            << "cc-" + t + "-" + s + "-01-what-the-future" << true << t << s << true;
        QTest::addRow("future version, exact length") << "01-" + t + "-" + s + "-01" << true << t << s << true;
        QTest::addRow("version 00 with extra field") << "00-" + t + "-" + s + "-01-extra" << false << t << s << true;
        QTest::addRow("future version, no dash after") << "01-" + t + "-" + s + "-01x" << false << t << s << true;
        QTest::addRow("version ff") << "ff-" + t + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("uppercase trace id") << "00-" + t.toUpper() + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("uppercase version") << "0A-" + t + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("zero trace id") << "00-" + QByteArray(32, '0') + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("zero span id") << "00-" + t + "-" + QByteArray(16, '0') + "-01" << false << t << s << true;
        QTest::addRow("short trace id") << "00-" + t.left(31) + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("wrong separator") << "00_" + t + "-" + s + "-01" << false << t << s << true;
        QTest::addRow("not hex") << "00-" + t.left(31) + "g-" + s + "-01" << false << t << s << true;
        QTest::addRow("empty") << QByteArray() << false << t << s << true;
    }
    void parse()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, valid);
        const auto c = parseTraceparent(header, "rojo=00f067aa0ba902b7");
        QCOMPARE(c.has_value(), valid);
        if (!valid) {
            return;
        }
        QFETCH(QByteArray, traceId);
        QFETCH(QByteArray, spanId);
        QFETCH(bool, sampled);
        QCOMPARE(toHex(c->traceId), traceId);
        QCOMPARE(toHex(c->spanId), spanId);
        QCOMPARE(c->sampled(), sampled);
        QVERIFY(c->remote);
        QCOMPARE(c->traceState, QByteArray("rojo=00f067aa0ba902b7"));
    }

    void formatRoundTrip()
    {
        SpanContext c;
        c.traceId = newTraceId();
        c.spanId = newSpanId();
        c.flags = 0x01;
        const QByteArray header = formatTraceparent(c);
        QCOMPARE(header.size(), 55);
        QVERIFY(header.startsWith("00-"));
        QVERIFY(header.endsWith("-01"));
        const auto back = parseTraceparent(header);
        QVERIFY(back);
        QCOMPARE(back->traceId, c.traceId);
        QCOMPARE(back->spanId, c.spanId);
    }

    void traceState()
    {
        QCOMPARE(acceptedTraceState(" congo=t61rcWkgMzE "), QByteArray("congo=t61rcWkgMzE"));
        QCOMPARE(acceptedTraceState(QByteArray(513, 'a')), QByteArray());
        QCOMPARE(acceptedTraceState("a=\x01"), QByteArray());
        // An invalid traceparent means the tracestate is not read either.
        QVERIFY(!parseTraceparent("garbage", "congo=t61rcWkgMzE"));
    }

    void newIdsDiffer()
    {
        QVERIFY(newTraceId() != newTraceId());
        QVERIFY(newSpanId() != newSpanId());
        QVERIFY(freshContext(0).valid());
    }

    void parentBased_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("parent"); // 0 none, 1 sampled, 2 not sampled
        QTest::addColumn<bool>("expected");
        using K = Sampler::Kind;
        QTest::addRow("always_on, no parent") << int(K::AlwaysOn) << 0 << true;
        QTest::addRow("always_on ignores a parent's no") << int(K::AlwaysOn) << 2 << true;
        QTest::addRow("always_off ignores a parent's yes") << int(K::AlwaysOff) << 1 << false;
        QTest::addRow("parentbased_always_on, root") << int(K::ParentBasedAlwaysOn) << 0 << true;
        QTest::addRow("parentbased_always_on follows no") << int(K::ParentBasedAlwaysOn) << 2 << false;
        QTest::addRow("parentbased_always_off follows yes") << int(K::ParentBasedAlwaysOff) << 1 << true;
        QTest::addRow("parentbased_always_off, root") << int(K::ParentBasedAlwaysOff) << 0 << false;
        QTest::addRow("parentbased_traceidratio 0 follows yes") << int(K::ParentBasedTraceIdRatio) << 1 << true;
        QTest::addRow("traceidratio 0 ignores a parent's yes") << int(K::TraceIdRatio) << 1 << false;
    }
    void parentBased()
    {
        QFETCH(int, kind);
        QFETCH(int, parent);
        QFETCH(bool, expected);
        const Sampler sampler {Sampler::Kind(kind), 0.0};
        SpanContext p = freshContext(parent == 1 ? 1 : 0);
        QCOMPARE(sampler.shouldSample(parent ? &p : nullptr, p.traceId), expected);
    }

    void ratioThreshold()
    {
        QCOMPARE(Sampler::rejectionThreshold(1.0), std::uint64_t(0));
        QCOMPARE(Sampler::rejectionThreshold(0.0), std::uint64_t(1) << 56);
        QCOMPARE(Sampler::rejectionThreshold(0.5), std::uint64_t(1) << 55);
        // The rightmost 7 bytes decide, the first 9 do not.
        TraceId id {};
        id.fill(0xff);
        for (size_t i = 9; i < 16; ++i) {
            id[i] = 0;
        }
        id[9] = 0x80; // randomness exactly 2^55
        const Sampler half {Sampler::Kind::TraceIdRatio, 0.5};
        QVERIFY(half.shouldSample(nullptr, id)); // R >= T
        id[9] = 0x7f;
        id[15] = 0xff;
        QVERIFY(!half.shouldSample(nullptr, id));
    }

    // Over many trace ids: about the ratio, and every trace a lower ratio keeps a higher one keeps.
    void ratioProportionAndMonotone()
    {
        std::mt19937_64 gen(42); // fixed ids: the same counts on every run
        int kept10 = 0;
        int kept50 = 0;
        const int n = 20000;
        for (int i = 0; i < n; ++i) {
            TraceId id;
            for (auto &b : id) {
                b = std::uint8_t(gen());
            }
            const bool a = Sampler {Sampler::Kind::TraceIdRatio, 0.1}.shouldSample(nullptr, id);
            const bool b = Sampler {Sampler::Kind::TraceIdRatio, 0.5}.shouldSample(nullptr, id);
            QVERIFY(!a || b);
            kept10 += a;
            kept50 += b;
        }
        QVERIFY2(kept10 > n * 0.09 && kept10 < n * 0.11, qPrintable(QString::number(kept10)));
        QVERIFY2(kept50 > n * 0.48 && kept50 < n * 0.52, qPrintable(QString::number(kept50)));
    }

    void names()
    {
        QCOMPARE(Sampler::kindFromName(QStringLiteral("ParentBased_TraceIdRatio")),
            std::optional(Sampler::Kind::ParentBasedTraceIdRatio));
        QCOMPARE(Sampler::kindFromName(QStringLiteral("jaeger_remote")), std::nullopt);
        QCOMPARE((Sampler {Sampler::Kind::ParentBasedTraceIdRatio, 0.25}.description()),
            QStringLiteral("ParentBased{root=TraceIdRatioBased{0.25}}"));
    }
};

QTEST_GUILESS_MAIN(TestOtelTraceContext)
#include "tst_otel_trace_context.moc"
