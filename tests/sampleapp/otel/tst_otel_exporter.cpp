// The batching exporter against a real HTTP receiver on loopback (its own thread, like a
// collector): spans arrive in batches as OTLP JSON, a full queue drops and counts, retryable
// answers are retried and others are not, what is queued is sent when the exporter stops, and
// with tracing off there is no tracer, no thread and no span. The JSON's conformance to the
// protobuf definitions is checked by an independent decoder in otlp_check.mjs.
#include "otel/instrument.h"
#include "otel/tracer.h"

#include <QDir>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSemaphore>
#include <QTest>
#include <QThread>

using namespace otel;
using namespace Qt::StringLiterals;

namespace {

// An OTLP/HTTP receiver on its own thread: answers each POST with the next scripted status (200
// when the script is empty) and keeps every body.
class Receiver : public QThread
{
public:
    explicit Receiver(QList<int> script = {}) : m_script(std::move(script))
    {
        start();
        m_ready.acquire();
    }
    ~Receiver() override
    {
        quit();
        wait();
    }
    quint16 port() const { return m_port; }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/v1/traces"_s.arg(m_port)); }
    QList<QByteArray> bodies() const
    {
        QMutexLocker lock(&m_mutex);
        return m_bodies;
    }
    int posts() const { return int(bodies().size()); }
    // Every span of every body, as JSON objects.
    QList<QJsonObject> spans() const
    {
        QList<QJsonObject> out;
        for (const QByteArray &body : bodies()) {
            const auto rs = QJsonDocument::fromJson(body).object()[u"resourceSpans"_s].toArray();
            for (const auto &r : rs) {
                for (const auto &ss : r.toObject()[u"scopeSpans"_s].toArray()) {
                    for (const auto &s : ss.toObject()[u"spans"_s].toArray()) {
                        out.append(s.toObject());
                    }
                }
            }
        }
        return out;
    }

protected:
    void run() override
    {
        QHttpServer server;
        server.route(u"/v1/traces"_s, [this](const QHttpServerRequest &request) {
            QMutexLocker lock(&m_mutex);
            m_bodies.append(request.body());
            const int status = m_script.isEmpty() ? 200 : m_script.takeFirst();
            return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral("{}"),
                QHttpServerResponse::StatusCode(status));
        });
        m_port = server.listen(QHostAddress::LocalHost, 0);
        m_ready.release();
        exec();
    }

private:
    mutable QMutex m_mutex;
    QList<int> m_script;
    QList<QByteArray> m_bodies;
    QSemaphore m_ready;
    quint16 m_port = 0;
};

Config configFor(const QUrl &url, int scheduleDelayMs = 20)
{
    Config c;
    c.enabled = true;
    c.tracesUrl = url;
    c.serviceName = u"exporter-test"_s;
    c.scheduleDelayMs = scheduleDelayMs;
    c.exportTimeoutMs = 5000;
    return c;
}

int threadCount()
{
    return int(QDir(u"/proc/self/task"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

bool hasExportThread()
{
    const QDir tasks(u"/proc/self/task"_s);
    for (const QString &t : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(t + u"/comm"_s));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "otel-export") {
            return true;
        }
    }
    return false;
}

void endSpans(Tracer &tracer, int n)
{
    for (int i = 0; i < n; ++i) {
        Span s = tracer.startSpan("work", SpanKind::Internal, nullptr);
        s.end();
    }
}

} // namespace

class TestOtelExporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void offMeansNothing()
    {
        const int before = threadCount();
        prometheus::Registry registry;
        {
            Tracing tracing(Config {}, u"1"_s, registry);
            QVERIFY(tracing.tracer() == nullptr);
            QVERIFY(Tracer::active() == nullptr);
            QCOMPARE(threadCount(), before);
            QVERIFY(!hasExportThread());
            Span s = startDbSpan({}, {"SELECT", "search_terms", PoolId::Reader});
            QVERIFY(!s.recording());
            QVERIFY(!s.context().valid());
        }
        QVERIFY(registry.Collect().empty()); // no tracing metrics either
    }

    void batchesArriveAsOtlpJson()
    {
        Receiver receiver;
        prometheus::Registry registry;
        Tracing tracing(configFor(receiver.url()), u"9.9.9"_s, registry);
        QVERIFY(Tracer::active() == tracing.tracer());
        QVERIFY(hasExportThread());
        const auto remote = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Span server = tracing.tracer()->startSpan("GET /search", SpanKind::Server, &*remote);
        Span db = startDbSpan(server.context(), {"SELECT", "search_terms", PoolId::Reader});
        endDbSpan(db, nullptr, 3);
        server.end();
        server.end(); // a second end sends nothing
        QTRY_COMPARE(receiver.spans().size(), 2);
        QTRY_COMPARE(tracing.tracer()->exporter().exported(), 2.0);
        const QJsonObject d = receiver.spans()[0];
        const QJsonObject s = receiver.spans()[1];
        QCOMPARE(s[u"traceId"_s].toString(), u"4bf92f3577b34da6a3ce929d0e0e4736"_s);
        QCOMPARE(s[u"parentSpanId"_s].toString(), u"00f067aa0ba902b7"_s);
        QCOMPARE(s[u"kind"_s].toInt(), 2);
        QCOMPARE(s[u"flags"_s].toInt(), 0x301);
        QCOMPARE(d[u"parentSpanId"_s].toString(), s[u"spanId"_s].toString());
        QCOMPARE(d[u"kind"_s].toInt(), 3);
        QCOMPARE(d[u"flags"_s].toInt(), 0x101);
        QVERIFY(d[u"startTimeUnixNano"_s].isString()); // int64 as a decimal string
        QVERIFY(d[u"startTimeUnixNano"_s].toString().toLongLong() <= d[u"endTimeUnixNano"_s].toString().toLongLong());
        QVERIFY(QRegularExpression(u"^[0-9a-f]{16}$"_s).match(d[u"spanId"_s].toString()).hasMatch());
        const QJsonArray attrs = d[u"attributes"_s].toArray();
        QVERIFY(attrs.contains(QJsonObject {
            {u"key"_s, u"db.response.returned_rows"_s}, {u"value"_s, QJsonObject {{u"intValue"_s, u"3"_s}}}}));
    }

    // The hand-written encoder: strings escaped, invalid UTF-8 replaced, numbers as OTLP wants them.
    void encoderEscapes()
    {
        SpanData span;
        span.context.traceId = newTraceId();
        span.context.spanId = newSpanId();
        span.name = "quote\" backslash\\ newline\n tab\t";
        span.attributes.push_back({"bad.utf8", QByteArray("a\xff\xfe b")});
        span.attributes.push_back({"unicode", QByteArray("caf\xc3\xa9 \xe2\x9c\x93")});
        span.attributes.push_back({"ratio", 0.25});
        span.attributes.push_back({"flag", true});
        span.attributes.push_back({"big", std::int64_t(9007199254740993)}); // above 2^53: exact only as a string
        Resource resource;
        resource.attributes = {{u"service.name"_s, u"sa\"mple"_s}};
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(encodeTraces(resource, {span}), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject rs = doc.object()[u"resourceSpans"_s].toArray()[0].toObject();
        QCOMPARE(rs[u"resource"_s]
                     .toObject()[u"attributes"_s]
                     .toArray()[0]
                     .toObject()[u"value"_s]
                     .toObject()[u"stringValue"_s]
                     .toString(),
            u"sa\"mple"_s);
        const QJsonObject s = rs[u"scopeSpans"_s].toArray()[0].toObject()[u"spans"_s].toArray()[0].toObject();
        QCOMPARE(s[u"name"_s].toString(), u"quote\" backslash\\ newline\n tab\t"_s);
        const QJsonArray a = s[u"attributes"_s].toArray();
        QCOMPARE(a[0].toObject()[u"value"_s].toObject()[u"stringValue"_s].toString(), u"a\ufffd\ufffd b"_s);
        QCOMPARE(a[1].toObject()[u"value"_s].toObject()[u"stringValue"_s].toString(), u"caf\u00e9 \u2713"_s);
        QCOMPARE(a[2].toObject()[u"value"_s].toObject()[u"doubleValue"_s].toDouble(), 0.25);
        QCOMPARE(a[3].toObject()[u"value"_s].toObject()[u"boolValue"_s].toBool(), true);
        QCOMPARE(a[4].toObject()[u"value"_s].toObject()[u"intValue"_s].toString(), u"9007199254740993"_s);
        QCOMPARE(s[u"kind"_s].toInt(), 1);
        QVERIFY(!s.contains(u"parentSpanId"_s)); // a root
        QCOMPARE(s[u"flags"_s].toInt(), 0);
    }

    void sampledOutSpansAreNotSent()
    {
        Receiver receiver;
        prometheus::Registry registry;
        Config c = configFor(receiver.url());
        c.sampler.kind = Sampler::Kind::AlwaysOff;
        Tracing tracing(c, u"1"_s, registry);
        Span s = tracing.tracer()->startSpan("x", SpanKind::Server, nullptr);
        QVERIFY(!s.recording());
        QVERIFY(s.context().valid()); // its children still learn "not sampled"
        QVERIFY(!s.context().sampled());
        s.end();
        QTest::qWait(200);
        QCOMPARE(receiver.posts(), 0);
    }

    // A full batch goes out at once; what is left queued goes out when the exporter stops.
    void fullBatchesAtOnceTheRestAtStop()
    {
        Receiver receiver;
        prometheus::Registry registry;
        Config c = configFor(receiver.url(), 60000); // the schedule never fires during the test
        c.maxExportBatchSize = 3;
        {
            Tracing tracing(c, u"1"_s, registry);
            endSpans(*tracing.tracer(), 3);
            QTRY_COMPARE(tracing.tracer()->exporter().exported(), 3.0);
            endSpans(*tracing.tracer(), 2);
            QTest::qWait(200);
            QCOMPARE(receiver.spans().size(), 3);
        }
        QCOMPARE(receiver.spans().size(), 5);
    }

    // A full queue drops the new span and counts it (nothing leaves before a batch of 100 or 60 s).
    void queueFullIsCounted()
    {
        prometheus::Registry registry;
        BatchExporter::Options options;
        options.url = QUrl(u"http://127.0.0.1:9/v1/traces"_s);
        options.maxQueueSize = 3;
        options.maxExportBatchSize = 100;
        options.scheduleDelayMs = 60000;
        BatchExporter exporter(options, registry);
        for (int i = 0; i < 5; ++i) {
            SpanData span;
            span.context.traceId = newTraceId();
            span.context.spanId = newSpanId();
            span.name = "q";
            exporter.enqueue(std::move(span));
        }
        QCOMPARE(exporter.droppedQueueFull(), 2.0);
        QCOMPARE(exporter.exported(), 0.0);
    }

    void retryableAnswersAreRetried()
    {
        Receiver receiver({503, 429, 200});
        prometheus::Registry registry;
        Tracing tracing(configFor(receiver.url()), u"1"_s, registry);
        endSpans(*tracing.tracer(), 4);
        QTRY_COMPARE(tracing.tracer()->exporter().exported(), 4.0);
        QCOMPARE(receiver.posts(), 3);
        QCOMPARE(tracing.tracer()->exporter().droppedExportFailed(), 0.0);
    }

    void otherAnswersAreNotRetried()
    {
        Receiver receiver({400});
        prometheus::Registry registry;
        QStringList warnings;
        QMutex warningsMutex;
        Tracing tracing(configFor(receiver.url()), u"1"_s, registry, [&](const QString &w) {
            QMutexLocker lock(&warningsMutex);
            warnings << w;
        });
        endSpans(*tracing.tracer(), 2);
        QTRY_COMPARE(tracing.tracer()->exporter().droppedExportFailed(), 2.0);
        QTest::qWait(300);
        QCOMPARE(receiver.posts(), 1);
        QMutexLocker lock(&warningsMutex);
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings[0].contains(u"HTTP 400"_s));
    }
};

QTEST_GUILESS_MAIN(TestOtelExporter)
#include "tst_otel_exporter.moc"
