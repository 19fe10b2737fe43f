#pragma once
// The head samplers OTEL_TRACES_SAMPLER names (OpenTelemetry SDK environment variables:
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration,
// semantics in https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers). Pure.

#include "otel/trace_context.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace otel {

struct Sampler
{
    enum class Kind {
        AlwaysOn,
        AlwaysOff,
        TraceIdRatio,
        ParentBasedAlwaysOn,
        ParentBasedAlwaysOff,
        ParentBasedTraceIdRatio
    };

    Kind kind = Kind::ParentBasedAlwaysOn; // the specification's default
    double ratio = 1.0; // TraceIdRatio and ParentBasedTraceIdRatio: [0, 1]

    // Whether a new span with this trace id and parent (nullptr: a root span) is recorded and sent.
    // ParentBased: a valid parent's sampled flag decides; a root goes to the root sampler.
    // TraceIdRatio ignores the parent and keeps a trace when its randomness (the trace id's
    // rightmost 7 bytes, W3C Trace Context Level 2) is at or above the rejection threshold
    // (1 - ratio) * 2^56: the algorithm the specification gives its ProbabilitySampler
    // (https://opentelemetry.io/docs/specs/otel/trace/sdk/#probabilitysampler), deterministic by
    // trace id, and every trace a lower ratio keeps a higher ratio keeps too.
    bool shouldSample(const SpanContext *parent, const TraceId &traceId) const;

    static std::uint64_t rejectionThreshold(double ratio); // 2^56 for 0, 0 for 1
    // OTEL_TRACES_SAMPLER's value (case-insensitive); nullopt if unknown.
    static std::optional<Kind> kindFromName(const QString &name);
    static bool takesRatio(Kind kind);
    QString description() const; // "ParentBased{root=TraceIdRatioBased{0.25}}", as the SDKs say it
};

} // namespace otel
