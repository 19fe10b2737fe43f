#pragma once
// Tracing's configuration, from the standard OpenTelemetry variables only:
//   https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
//   https://opentelemetry.io/docs/specs/otel/protocol/exporter/
// Tracing is on only when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is
// set (the specification would default to http://localhost:4318; this app sends nothing unless
// asked), and off again with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. As the
// specification asks, a value that cannot be used is named in a warning and ignored (the default
// applies); it never stops the app. Header values are never put in a warning.

#include "otel/sampler.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace otel {

struct Config
{
    bool enabled = false;
    // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is (the root path if it has none), else
    // OTEL_EXPORTER_OTLP_ENDPOINT + "v1/traces" relative to it.
    QUrl tracesUrl;
    QList<QPair<QByteArray, QByteArray>> headers; // OTEL_EXPORTER_OTLP_(TRACES_)HEADERS
    QString serviceName = QStringLiteral("unknown_service:sampleapp"); // OTEL_SERVICE_NAME
    QList<QPair<QString, QString>> resourceAttributes; // OTEL_RESOURCE_ATTRIBUTES
    Sampler sampler; // OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG
    int maxQueueSize = 2048; // OTEL_BSP_MAX_QUEUE_SIZE
    int maxExportBatchSize = 512; // OTEL_BSP_MAX_EXPORT_BATCH_SIZE (at most the queue size)
    int scheduleDelayMs = 5000; // OTEL_BSP_SCHEDULE_DELAY
    int exportTimeoutMs = 10000; // OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT: one export, its retries included
    QStringList warnings; // one sentence per ignored value

    static Config fromEnvironment(const QProcessEnvironment &env);
    // "key1=value1,key2=value2" (W3C Baggage's list form, values percent-decoded): the format of
    // OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES. False on a malformed member.
    static bool parseKeyValueList(const QString &text, QList<QPair<QString, QString>> *out);
};

} // namespace otel
