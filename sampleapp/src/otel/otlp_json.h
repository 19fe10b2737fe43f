#pragma once
// Spans as an OTLP/HTTP JSON request body: an ExportTraceServiceRequest
// (opentelemetry-proto v1.11.0, opentelemetry/proto/collector/trace/v1/trace_service.proto) in the
// OTLP JSON encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): proto3's
// JSON mapping with lowerCamelCase keys, except that trace and span ids are hex strings (not
// base64) and enums are integers; 64-bit integers are decimal strings. Runs on the exporter's
// thread, never on the request path.

#include "otel/span.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace otel {

struct Resource
{
    QList<QPair<QString, QString>> attributes; // service.name, telemetry.sdk.*, ...
    QString scopeName; // the instrumentation scope (InstrumentationScope.name)
    QString scopeVersion;
};

QByteArray encodeTraces(const Resource &resource, const std::vector<SpanData> &spans);

} // namespace otel
