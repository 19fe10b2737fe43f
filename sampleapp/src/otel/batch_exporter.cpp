#include "otel/batch_exporter.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QTimer>

#include <prometheus/family.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace otel {

namespace {

prometheus::Family<prometheus::Counter> &droppedFamily(prometheus::Registry &registry)
{
    return prometheus::BuildCounter()
        .Name("app_otel_spans_dropped_total")
        .Help("Spans not delivered to the OTLP endpoint: queue_full (the bounded queue was full when the span "
              "ended) or export_failed (the endpoint refused the batch or did not take it in time)")
        .Register(registry);
}

bool retryable(int status, QNetworkReply::NetworkError error)
{
    if (status == 0) {
        return error != QNetworkReply::OperationCanceledError; // no answer: connection refused, reset, timeout
    }
    return status == 429 || status == 502 || status == 503 || status == 504;
}

} // namespace

// Lives on the exporter's thread: owns the network access and the schedule timer.
class ExportWorker : public QObject
{
public:
    explicit ExportWorker(BatchExporter &owner) : m_owner(owner)
    {
        m_timer.setInterval(std::max(1, owner.m_options.scheduleDelayMs));
        connect(&m_timer, &QTimer::timeout, this, &ExportWorker::pump);
        m_timer.start();
        m_nam.setAutoDeleteReplies(true);
    }

    // Exports the next batch unless one is on its way.
    void pump()
    {
        m_owner.m_wakePosted.store(false);
        if (m_reply || m_retryPending) {
            return;
        }
        m_batch = m_owner.take(m_owner.m_options.maxExportBatchSize);
        if (m_batch.empty()) {
            if (m_stopping) {
                QThread::currentThread()->quit();
            }
            return;
        }
        m_body = encodeTraces(m_owner.m_options.resource, m_batch);
        m_attempt = 0;
        m_sinceStart.start();
        post();
    }

    void stop()
    {
        m_stopping = true;
        pump();
    }

    void abort()
    {
        if (m_reply) {
            m_reply->abort();
        }
        QThread::currentThread()->quit();
    }

private:
    void post()
    {
        ++m_attempt;
        m_retryPending = false;
        QNetworkRequest request(m_owner.m_options.url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("crdb-live-evolution-sampleapp-otlp"));
        for (const auto &[name, value] : m_owner.m_options.headers) {
            request.setRawHeader(name, value);
        }
        const qint64 left = m_owner.m_options.exportTimeoutMs - m_sinceStart.elapsed();
        request.setTransferTimeout(int(std::max<qint64>(1, left)));
        m_reply = m_nam.post(request, m_body);
        connect(m_reply, &QNetworkReply::finished, this, &ExportWorker::onFinished);
    }

    void onFinished()
    {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            m_owner.m_exported.Increment(double(m_batch.size()));
            m_lastWarning.clear();
            return next();
        }
        const qint64 delay = retryDelayMs(reply->rawHeader("Retry-After"));
        if (!m_stopping && retryable(status, reply->error())
            && m_sinceStart.elapsed() + delay < m_owner.m_options.exportTimeoutMs) {
            m_retryPending = true;
            QTimer::singleShot(int(delay), this, &ExportWorker::post);
            return;
        }
        m_owner.m_droppedFailed.Increment(double(m_batch.size()));
        const QString why = status ? u"HTTP %1"_s.arg(status) : reply->errorString();
        if (why != m_lastWarning && m_owner.m_options.warn) {
            m_owner.m_options.warn(u"tracing: %1 spans not exported to %2 (%3)"_s.arg(m_batch.size())
                                       .arg(m_owner.m_options.url.toString(QUrl::RemoveUserInfo), why));
        }
        m_lastWarning = why;
        next();
    }

    // Another export at once only for a full batch (or to empty the queue when stopping); a part
    // batch waits for the schedule, as the batch span processor does.
    void next()
    {
        m_batch.clear();
        if (m_stopping || m_owner.queued() >= size_t(m_owner.m_options.maxExportBatchSize)) {
            pump();
        }
    }

    // Retry-After in seconds when the server gave one (capped by the timeout's check), else
    // exponential backoff from 100 ms with up to 50 % jitter.
    qint64 retryDelayMs(const QByteArray &retryAfter) const
    {
        bool ok = false;
        const qint64 seconds = retryAfter.trimmed().toLongLong(&ok);
        if (ok && seconds >= 0) {
            return seconds * 1000;
        }
        const qint64 base = 100LL << std::min(m_attempt - 1, 5);
        return base + qint64(QRandomGenerator::global()->bounded(double(base) / 2));
    }

    BatchExporter &m_owner;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    QPointer<QNetworkReply> m_reply;
    std::vector<SpanData> m_batch;
    QByteArray m_body;
    QElapsedTimer m_sinceStart;
    QString m_lastWarning;
    int m_attempt = 0;
    bool m_retryPending = false;
    bool m_stopping = false;
};

namespace {

class ExportThread : public QThread
{
public:
    ExportThread(BatchExporter &owner, std::atomic<ExportWorker *> &worker, QSemaphore &ready)
        : m_owner(owner), m_worker(worker), m_ready(ready)
    { }

protected:
    void run() override
    {
        ExportWorker worker(m_owner);
        m_worker.store(&worker);
        m_ready.release();
        exec();
        m_worker.store(nullptr);
    }

private:
    BatchExporter &m_owner;
    std::atomic<ExportWorker *> &m_worker;
    QSemaphore &m_ready;
};

} // namespace

BatchExporter::BatchExporter(Options options, prometheus::Registry &registry)
    : m_options(std::move(options))
    , m_exported(prometheus::BuildCounter()
                     .Name("app_otel_spans_exported_total")
                     .Help("Spans the OTLP endpoint accepted")
                     .Register(registry)
                     .Add({}))
    , m_droppedFull(droppedFamily(registry).Add({{"reason", "queue_full"}}))
    , m_droppedFailed(droppedFamily(registry).Add({{"reason", "export_failed"}}))
{
    m_queue.reserve(size_t(m_options.maxExportBatchSize));
    QSemaphore ready;
    m_thread = std::make_unique<ExportThread>(*this, m_worker, ready);
    m_thread->setObjectName(u"otel-export"_s); // the thread's name in /proc and debuggers
    m_thread->start();
    ready.acquire();
}

BatchExporter::~BatchExporter()
{
    if (ExportWorker *worker = m_worker.load()) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->stop(); }, Qt::QueuedConnection);
    }
    if (!m_thread->wait(QDeadlineTimer(kShutdownFlushMs))) {
        if (ExportWorker *worker = m_worker.load()) {
            QMetaObject::invokeMethod(
                worker, [worker] { worker->abort(); }, Qt::QueuedConnection);
        }
        m_thread->wait();
    }
}

void BatchExporter::enqueue(SpanData &&span)
{
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_queue.size() >= size_t(m_options.maxQueueSize)) {
            m_droppedFull.Increment();
            return;
        }
        m_queue.push_back(std::move(span));
        wake = m_queue.size() >= size_t(m_options.maxExportBatchSize);
    }
    if (wake && !m_wakePosted.exchange(true)) {
        wakeWorker();
    }
}

void BatchExporter::wakeWorker()
{
    if (ExportWorker *worker = m_worker.load()) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->pump(); }, Qt::QueuedConnection);
    }
}

size_t BatchExporter::queued()
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

std::vector<SpanData> BatchExporter::take(int max)
{
    std::lock_guard lock(m_mutex);
    std::vector<SpanData> out;
    const size_t n = std::min(m_queue.size(), size_t(max));
    out.reserve(n);
    std::move(m_queue.begin(), m_queue.begin() + qsizetype(n), std::back_inserter(out));
    m_queue.erase(m_queue.begin(), m_queue.begin() + qsizetype(n));
    return out;
}

} // namespace otel
