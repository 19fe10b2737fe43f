#pragma once
// The batch span processor and the OTLP/HTTP exporter in one (the SDK's BatchSpanProcessor:
// https://opentelemetry.io/docs/specs/otel/trace/sdk/#batching-processor). Ended spans go into a
// bounded queue; a thread of its own ("otel-export") posts them in batches, so the request path
// never waits for the network: enqueue() takes a short lock and never blocks on I/O. A full queue
// drops the new span and counts it (app_otel_spans_dropped_total{reason="queue_full"}); a batch
// the collector refused for good, or could not take before the export timeout (retries included),
// is counted as reason="export_failed". Retries follow the OTLP specification
// (https://opentelemetry.io/docs/specs/otlp/#retryable-response-codes): 429, 502, 503, 504 and
// connection failures, with exponential backoff and jitter, Retry-After honoured; one export at a
// time (https://opentelemetry.io/docs/specs/otlp/#otlphttp-concurrent-requests allows more; one
// is plenty here).
//
// Threading: enqueue() and the counters from any thread. Construction and destruction on one
// thread; the destructor sends what is queued for at most kShutdownFlushMs, then stops the thread.

#include "otel/otlp_json.h"
#include "otel/span.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QThread>
#include <QUrl>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace otel {

class ExportWorker;

class BatchExporter
{
public:
    struct Options
    {
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers;
        Resource resource;
        int maxQueueSize = 2048;
        int maxExportBatchSize = 512;
        int scheduleDelayMs = 5000;
        int exportTimeoutMs = 10000;
        std::function<void(const QString &)> warn; // a failed export, once per change of reason; any thread
    };
    static constexpr int kShutdownFlushMs = 2000;

    // Registers its counters in `registry` (the app's /metrics) and starts its thread.
    BatchExporter(Options options, prometheus::Registry &registry);
    ~BatchExporter();
    BatchExporter(const BatchExporter &) = delete;
    BatchExporter &operator=(const BatchExporter &) = delete;

    void enqueue(SpanData &&span);

    double exported() const { return m_exported.Value(); }
    double droppedQueueFull() const { return m_droppedFull.Value(); }
    double droppedExportFailed() const { return m_droppedFailed.Value(); }
    bool threadRunning() const { return m_thread && m_thread->isRunning(); }

private:
    friend class ExportWorker;
    std::vector<SpanData> take(int max); // for the worker
    size_t queued();
    void wakeWorker();

    Options m_options;
    prometheus::Counter &m_exported;
    prometheus::Counter &m_droppedFull;
    prometheus::Counter &m_droppedFailed;
    std::mutex m_mutex;
    std::vector<SpanData> m_queue; // guarded by m_mutex
    std::atomic<bool> m_wakePosted {false};
    std::atomic<ExportWorker *> m_worker {nullptr};
    std::unique_ptr<QThread> m_thread;
};

} // namespace otel
