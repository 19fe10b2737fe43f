#pragma once
// One span as OTLP sends it (opentelemetry-proto, opentelemetry/proto/trace/v1/trace.proto), and
// the handle the instrumented code holds while the span runs.
//
// Threading: a Span may be started on one thread and ended on another (a database call that
// answers on the HTTP thread, a /login that runs on a worker), but not used from two at once.
// A copy shares the same span: whichever ends it first sends it; later ends do nothing.

#include "otel/trace_context.h"

#include <QByteArray>

#include <chrono>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

namespace otel {

class Tracer;

enum class SpanKind { Internal = 1, Server = 2, Client = 3 }; // Span.SpanKind's numbers
enum class StatusCode { Unset = 0, Ok = 1, Error = 2 }; // Status.StatusCode's numbers

using AttributeValue = std::variant<QByteArray, std::int64_t, double, bool>;
struct Attribute
{
    const char *key; // a literal (the semantic conventions' names, semconv.h)
    AttributeValue value;
};

struct SpanData
{
    SpanContext context;
    SpanId parentSpanId {}; // all zero: a root span
    QByteArray name;
    SpanKind kind = SpanKind::Internal;
    std::int64_t startUnixNano = 0;
    std::int64_t endUnixNano = 0;
    std::vector<Attribute> attributes;
    StatusCode status = StatusCode::Unset;
    QByteArray statusMessage;
    bool parentRemote = false; // the parent came in a traceparent header
};

class Span
{
public:
    Span() = default; // not recording, invalid context: what every hook gets while tracing is off

    bool recording() const { return m_data != nullptr; }
    // The context children take as their parent. Valid even when not recording but sampled out,
    // so the sampling decision carries to the children.
    const SpanContext &context() const { return m_context; }

    void setAttribute(const char *key, AttributeValue value);
    void setError(QByteArray message); // status ERROR with this description
    void end(); // sends it (once) to the tracer's exporter

private:
    friend class Tracer;
    using Clock = std::chrono::steady_clock;
    struct Shared
    {
        SpanData data;
        Clock::time_point started;
        Tracer *tracer = nullptr;
        bool ended = false;
    };

    SpanContext m_context;
    std::shared_ptr<Shared> m_data;
};

} // namespace otel
