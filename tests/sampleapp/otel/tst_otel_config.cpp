// Tracing's configuration from the standard variables: the endpoint rules of the OTLP exporter
// specification (its examples 1 to 3), off unless an endpoint is set, and every unusable value
// named in a warning and ignored rather than stopping the app.
#include "otel/config.h"

#include <QTest>

using namespace otel;

namespace {

Config configOf(std::initializer_list<std::pair<const char *, const char *>> vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars) {
        env.insert(QString::fromLatin1(k), QString::fromLatin1(v));
    }
    return Config::fromEnvironment(env);
}

} // namespace

class TestOtelConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endpoint_data()
    {
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("traces");
        QTest::addColumn<QString>("url");
        QTest::addRow("example 1") << QByteArray("http://collector:4318") << QByteArray()
                                   << "http://collector:4318/v1/traces";
        QTest::addRow("example 2: signal URL without path")
            << QByteArray() << QByteArray("http://collector:4318") << "http://collector:4318/";
        QTest::addRow("example 3: base with a path") << QByteArray("http://collector:4318/mycollector/") << QByteArray()
                                                     << "http://collector:4318/mycollector/v1/traces";
        QTest::addRow("base path without slash")
            << QByteArray("https://c.example/otlp") << QByteArray() << "https://c.example/otlp/v1/traces";
        QTest::addRow("signal URL wins, as it is")
            << QByteArray("http://a:4318") << QByteArray("http://b:9/x/traces") << "http://b:9/x/traces";
        QTest::addRow("bad signal URL falls back to base")
            << QByteArray("http://a:4318") << QByteArray("grpc://b") << "http://a:4318/v1/traces";
    }
    void endpoint()
    {
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, traces);
        QFETCH(QString, url);
        QProcessEnvironment env;
        if (!base.isEmpty()) {
            env.insert(QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT"), QString::fromLatin1(base));
        }
        if (!traces.isEmpty()) {
            env.insert(QStringLiteral("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), QString::fromLatin1(traces));
        }
        const Config c = Config::fromEnvironment(env);
        QVERIFY(c.enabled);
        QCOMPARE(c.tracesUrl.toString(), url);
    }

    void offUnlessAnEndpoint()
    {
        QVERIFY(!configOf({}).enabled);
        QVERIFY(!configOf({{"OTEL_SERVICE_NAME", "x"}, {"OTEL_TRACES_SAMPLER", "always_on"}}).enabled);
        QVERIFY(!configOf({{"OTEL_EXPORTER_OTLP_ENDPOINT", "  "}}).enabled); // empty = unset
        QVERIFY(!configOf({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_SDK_DISABLED", "TRUE"}}).enabled);
        QVERIFY(
            !configOf({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_TRACES_EXPORTER", "none"}}).enabled);
        const Config bad = configOf({{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"}});
        QVERIFY(!bad.enabled);
        QCOMPARE(bad.warnings.size(), 1);
        QVERIFY(bad.warnings[0].contains(QLatin1String("OTEL_EXPORTER_OTLP_ENDPOINT")));
    }

    void sampler_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("arg");
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("ratio");
        QTest::addColumn<int>("warnings");
        using K = Sampler::Kind;
        QTest::addRow("default") << QByteArray() << QByteArray("0.5") << int(K::ParentBasedAlwaysOn) << 1.0 << 0;
        QTest::addRow("always_off") << QByteArray("always_off") << QByteArray() << int(K::AlwaysOff) << 1.0 << 0;
        QTest::addRow("traceidratio") << QByteArray("traceidratio") << QByteArray("0.25") << int(K::TraceIdRatio)
                                      << 0.25 << 0;
        QTest::addRow("ratio without arg")
            << QByteArray("parentbased_traceidratio") << QByteArray() << int(K::ParentBasedTraceIdRatio) << 1.0 << 0;
        QTest::addRow("ratio out of range")
            << QByteArray("traceidratio") << QByteArray("1.5") << int(K::TraceIdRatio) << 1.0 << 1;
        QTest::addRow("ratio not a number")
            << QByteArray("traceidratio") << QByteArray("half") << int(K::TraceIdRatio) << 1.0 << 1;
        QTest::addRow("unknown sampler") << QByteArray("jaeger_remote") << QByteArray() << int(K::ParentBasedAlwaysOn)
                                         << 1.0 << 1;
        QTest::addRow("case-insensitive") << QByteArray("ALWAYS_ON") << QByteArray() << int(K::AlwaysOn) << 1.0 << 0;
    }
    void sampler()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, arg);
        QFETCH(int, kind);
        QFETCH(double, ratio);
        QFETCH(int, warnings);
        const Config c
            = configOf({{"OTEL_TRACES_SAMPLER", name.constData()}, {"OTEL_TRACES_SAMPLER_ARG", arg.constData()}});
        QCOMPARE(int(c.sampler.kind), kind);
        QCOMPARE(c.sampler.ratio, ratio);
        QCOMPARE(c.warnings.size(), warnings);
    }

    void serviceAndResource()
    {
        QCOMPARE(configOf({}).serviceName, QStringLiteral("unknown_service:sampleapp"));
        const Config r = configOf(
            {{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,deployment.environment.name=talk%20day"}});
        QCOMPARE(r.serviceName, QStringLiteral("from-attrs"));
        QCOMPARE(r.resourceAttributes.size(), 2);
        QCOMPARE(r.resourceAttributes[1].second, QStringLiteral("talk day"));
        QCOMPARE(configOf({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=a"}, {"OTEL_SERVICE_NAME", "b"}}).serviceName,
            QStringLiteral("b"));
    }

    void headersNeverInWarnings()
    {
        const Config c = configOf({{"OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret%3D1,x-tenant=demo"}});
        QCOMPARE(c.headers.size(), 2);
        QCOMPARE(c.headers[0].second, QByteArray("secret=1"));
        const Config bad = configOf({{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "justasecret"}});
        QVERIFY(bad.headers.isEmpty());
        QCOMPARE(bad.warnings.size(), 1);
        QVERIFY(!bad.warnings[0].contains(QLatin1String("justasecret")));
    }

    void batchSettings()
    {
        const Config c = configOf({{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512"},
            {"OTEL_BSP_SCHEDULE_DELAY", "-5"}, {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"}});
        QCOMPARE(c.maxQueueSize, 100);
        QCOMPARE(c.maxExportBatchSize, 100); // at most the queue
        QCOMPARE(c.scheduleDelayMs, 5000); // negative: ignored
        QCOMPARE(c.exportTimeoutMs, 2500);
        QCOMPARE(c.warnings.size(), 2);
        QCOMPARE(configOf({{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "700"}, {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"}})
                     .exportTimeoutMs,
            700);
    }

    void protocolOtherThanJsonWarns()
    {
        QCOMPARE(configOf({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}).warnings.size(), 0);
        const Config c = configOf({{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}});
        QCOMPARE(c.warnings.size(), 1);
        QVERIFY(c.warnings[0].contains(QLatin1String("http/json")));
    }
};

QTEST_GUILESS_MAIN(TestOtelConfig)
#include "tst_otel_config.moc"
