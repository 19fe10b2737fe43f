#include "otel/tracer.h"

#include "otel/semconv.h"

#include <atomic>
#include <chrono>

using namespace Qt::StringLiterals;

namespace otel {

namespace {

std::atomic<Tracer *> g_active {nullptr};

Resource resourceOf(const Config &config, const QString &serviceVersion)
{
    Resource r;
    r.attributes = config.resourceAttributes;
    r.attributes.removeIf([](const auto &kv) { return kv.first == QLatin1String(semconv::kServiceName); });
    r.attributes.prepend({QString::fromLatin1(semconv::kServiceName), config.serviceName});
    r.attributes.append({QString::fromLatin1(semconv::kServiceVersion), serviceVersion});
    r.attributes.append({QString::fromLatin1(semconv::kTelemetrySdkName), u"crdb-live-evolution-sampleapp"_s});
    r.attributes.append({QString::fromLatin1(semconv::kTelemetrySdkLanguage), u"cpp"_s});
    r.attributes.append({QString::fromLatin1(semconv::kTelemetrySdkVersion), serviceVersion});
    r.scopeName = u"crdb-live-evolution/sampleapp"_s;
    r.scopeVersion = serviceVersion;
    return r;
}

BatchExporter::Options exporterOptions(
    const Config &config, const QString &serviceVersion, std::function<void(const QString &)> warn)
{
    return {.url = config.tracesUrl,
        .headers = config.headers,
        .resource = resourceOf(config, serviceVersion),
        .maxQueueSize = config.maxQueueSize,
        .maxExportBatchSize = config.maxExportBatchSize,
        .scheduleDelayMs = config.scheduleDelayMs,
        .exportTimeoutMs = config.exportTimeoutMs,
        .warn = std::move(warn)};
}

std::int64_t unixNanoNow()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

Tracer::Tracer(const Config &config, const QString &serviceVersion, prometheus::Registry &registry,
    std::function<void(const QString &)> warn)
    : m_config(config), m_exporter(exporterOptions(config, serviceVersion, std::move(warn)), registry)
{ }

Tracer *Tracer::active()
{
    return g_active.load(std::memory_order_acquire);
}

Span Tracer::startSpan(QByteArray name, SpanKind kind, const SpanContext *parent)
{
    const bool child = parent != nullptr && parent->valid();
    Span span;
    span.m_context.traceId = child ? parent->traceId : newTraceId();
    span.m_context.spanId = newSpanId();
    span.m_context.traceState = child ? parent->traceState : QByteArray();
    const bool sampled = m_config.sampler.shouldSample(child ? parent : nullptr, span.m_context.traceId);
    span.m_context.flags = sampled ? 0x01 : 0x00;
    if (!sampled) {
        return span; // its context still carries "not sampled" to its children
    }
    auto shared = std::make_shared<Span::Shared>();
    SpanData &d = shared->data;
    d.context = span.m_context;
    if (child) {
        d.parentSpanId = parent->spanId;
        d.parentRemote = parent->remote;
    }
    d.name = std::move(name);
    d.kind = kind;
    d.startUnixNano = unixNanoNow();
    d.attributes.reserve(10);
    shared->started = Span::Clock::now();
    shared->tracer = this;
    span.m_data = std::move(shared);
    return span;
}

void Span::setAttribute(const char *key, AttributeValue value)
{
    if (m_data && !m_data->ended) {
        m_data->data.attributes.push_back({key, std::move(value)});
    }
}

void Span::setError(QByteArray message)
{
    if (m_data && !m_data->ended) {
        m_data->data.status = StatusCode::Error;
        m_data->data.statusMessage = std::move(message);
    }
}

void Span::end()
{
    if (!m_data || m_data->ended) {
        return;
    }
    m_data->ended = true;
    // The duration from the monotonic clock: a wall-clock step cannot make a span negative.
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - m_data->started);
    m_data->data.endUnixNano = m_data->data.startUnixNano + elapsed.count();
    m_data->tracer->send(std::move(m_data->data));
}

Tracing::Tracing(const Config &config, const QString &serviceVersion, prometheus::Registry &registry,
    std::function<void(const QString &)> warn)
{
    if (!config.enabled) {
        return;
    }
    m_tracer = std::make_unique<Tracer>(config, serviceVersion, registry, std::move(warn));
    g_active.store(m_tracer.get(), std::memory_order_release);
}

Tracing::~Tracing()
{
    if (m_tracer) {
        g_active.store(nullptr, std::memory_order_release);
    }
}

} // namespace otel
