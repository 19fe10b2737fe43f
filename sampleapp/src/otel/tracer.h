#pragma once
// Starts spans, samples them and hands the ended ones to the exporter. One Tracer exists while
// tracing is on; the instrumented code finds it through Tracer::active() (the SDK's global tracer
// provider), which is one atomic load and nullptr while tracing is off, so a hook then costs a
// branch and nothing else: no span, no id, no allocation, no thread.
//
// Threading: startSpan() and Span::end() from any thread. Tracing (the owner) installs the tracer
// when built and uninstalls it when destroyed; it must outlive every thread that may end a span
// (SampleApp declares it before its pools, threads and server).

#include "otel/batch_exporter.h"
#include "otel/config.h"
#include "otel/span.h"

#include <QByteArray>
#include <QString>

#include <prometheus/registry.h>

#include <memory>

namespace otel {

class Tracer
{
public:
    Tracer(const Config &config, const QString &serviceVersion, prometheus::Registry &registry,
        std::function<void(const QString &)> warn = {});
    Tracer(const Tracer &) = delete;
    Tracer &operator=(const Tracer &) = delete;

    static Tracer *active();

    // A child of `parent` when it is valid (same trace, its tracestate), else the root of a new
    // trace; recorded only when the sampler says so.
    Span startSpan(QByteArray name, SpanKind kind, const SpanContext *parent);
    void send(SpanData &&span) { m_exporter.enqueue(std::move(span)); }

    const Config &config() const { return m_config; }
    BatchExporter &exporter() { return m_exporter; }

private:
    Config m_config;
    BatchExporter m_exporter;
};

// Tracing for the app's lifetime: a Tracer when `config.enabled`, nothing at all otherwise.
class Tracing
{
public:
    Tracing(const Config &config, const QString &serviceVersion, prometheus::Registry &registry,
        std::function<void(const QString &)> warn = {});
    ~Tracing();
    Tracing(const Tracing &) = delete;
    Tracing &operator=(const Tracing &) = delete;

    Tracer *tracer() { return m_tracer.get(); }

private:
    std::unique_ptr<Tracer> m_tracer;
};

} // namespace otel
