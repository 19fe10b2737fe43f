#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the ids of a span and the
// `traceparent` / `tracestate` headers that carry them between services. Pure functions; the id
// generators use a per-thread generator, so every function here may run on any thread.

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <cstdint>
#include <optional>

namespace otel {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

// Where a span sits in its trace. All-zero ids are invalid (W3C: "All bytes as zero ... is
// considered an invalid value").
struct SpanContext
{
    TraceId traceId {};
    SpanId spanId {};
    std::uint8_t flags = 0; // bit 0: sampled
    QByteArray traceState; // the incoming `tracestate`, kept as it came
    bool remote = false; // parsed from a header (the parent of a server span)

    bool valid() const;
    bool sampled() const { return (flags & 0x01) != 0; }
};

// `traceparent` as the W3C Recommendation parses it ("traceparent Header Field Values" and
// "Versioning of traceparent"): version 00 is exactly 55 characters; a higher version (but not
// ff) is read by its first 55 characters, which must end the value or be followed by '-'. Hex
// is lowercase only; all-zero ids are invalid. nullopt: start a new trace, and ignore tracestate.
std::optional<SpanContext> parseTraceparent(QByteArrayView header, QByteArrayView traceState = {});
QByteArray formatTraceparent(const SpanContext &context); // "00-<trace>-<span>-<flags>"

// tracestate is propagated as it came when it is at most 512 characters (the W3C's limit that a
// vendor must propagate) and made of printable ASCII; anything else is dropped.
QByteArray acceptedTraceState(QByteArrayView header);

QByteArray toHex(const TraceId &id); // 32 lowercase hex digits (also the OTLP JSON form)
QByteArray toHex(const SpanId &id); // 16
TraceId newTraceId(); // random, never all zero
SpanId newSpanId();

// The trace id's randomness as W3C Trace Context Level 2 defines it: its rightmost 7 bytes.
std::uint64_t traceRandomness(const TraceId &id);

} // namespace otel
