#include "load_engine.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace {

double seconds(LoadEngine::Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

QJsonValue optionalMs(const std::optional<double> &v)
{
    return v ? QJsonValue(std::round(*v * 1000.0) / 1000.0) : QJsonValue(QJsonValue::Null);
}

QJsonObject percentiles(const LatencyHistogram::Snapshot &s)
{
    return QJsonObject {
        {u"p50"_s, optionalMs(s.p50Ms)}, {u"p95"_s, optionalMs(s.p95Ms)}, {u"p99"_s, optionalMs(s.p99Ms)}};
}

} // namespace

LoadEngine::LoadEngine(const Guardrails &limits, Executor executor, Telemetry &telemetry)
    : m_limits(limits), m_executor(std::move(executor)), m_telemetry(telemetry)
{
    m_workers.setMaxThreadCount(m_limits.maxConcurrency);
    m_workers.setExpiryTimeout(30000);
    m_streams[0] = Stream {Op::Login, false, 0, {}, 0};
    m_streams[1] = Stream {Op::Search, false, 0, {}, 0};
    m_streams[2] = Stream {Op::Login, true, 0, {}, 0};
    m_streams[3] = Stream {Op::Search, true, 0, {}, 0};
    m_thread = std::thread([this] { run(); });
}

LoadEngine::~LoadEngine()
{
    shutdown(std::chrono::milliseconds(10000));
}

void LoadEngine::setEventCallback(std::function<void(const Event &)> callback)
{
    std::lock_guard lock(m_mutex);
    m_onEvent = std::move(callback);
}

void LoadEngine::emitEvent(const Event &e)
{
    std::function<void(const Event &)> cb;
    {
        std::lock_guard lock(m_mutex);
        cb = m_onEvent;
    }
    if (cb) {
        cb(e);
    }
}

void LoadEngine::recomputeRatesLocked(Clock::time_point now)
{
    const double login = m_writers ? 1.0 : 0.0;
    const double search = m_readers ? 1.0 : 0.0;
    const double base = m_base ? m_base->rps : 0.0;
    const bool spikeOn = m_spike && !m_spike->ended && !m_stopping;
    const double spike = spikeOn ? m_spike->request.rps : 0.0;
    const double rates[4] = {
        base * (m_base ? m_base->mix.login : 0) * login,
        base * (m_base ? m_base->mix.search : 0) * search,
        spike * (spikeOn ? m_spike->request.mix.login : 0) * login,
        spike * (spikeOn ? m_spike->request.mix.search : 0) * search,
    };
    for (int i = 0; i < 4; ++i) {
        Stream &s = m_streams[i];
        const double r = m_stopping ? 0.0 : rates[i];
        if (r != s.rate) {
            // A new schedule starts now; the first operation is due immediately.
            s.rate = r;
            s.origin = now;
            s.issued = 0;
        }
    }
    m_wake.notify_all();
}

void LoadEngine::startLoad(const LoadRequest &request)
{
    {
        std::lock_guard lock(m_mutex);
        m_base = request;
        recomputeRatesLocked(Clock::now());
    }
    emitEvent({QStringLiteral("load_started"), QStringLiteral("Load started at %1 rps").arg(request.rps),
        QJsonObject {{u"rps"_s, request.rps}, {u"mix"_s, request.mix.toJson()}}});
}

void LoadEngine::stopLoad()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_base) {
            return;
        }
        m_base.reset();
        recomputeRatesLocked(Clock::now());
    }
    emitEvent({QStringLiteral("load_stopped"), QStringLiteral("Load stopped"), {}});
}

std::optional<QString> LoadEngine::startSpike(const SpikeRequest &request)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_spike && !m_spike->ended) {
            return QStringLiteral("a spike is already running (%1 s left); stop it first")
                .arg(std::max(0.0, seconds(m_spike->end - Clock::now())), 0, 'f', 1);
        }
        auto run = std::make_shared<SpikeRun>();
        run->request = request;
        run->start = Clock::now();
        run->end
            = run->start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.seconds));
        m_spike = run;
        recomputeRatesLocked(run->start);
        m_telemetry.setSpikeActive(true);
    }
    emitEvent({QStringLiteral("spike_started"),
        QStringLiteral("Spike: %1 rps for %2 s").arg(request.rps).arg(request.seconds),
        QJsonObject {{u"rps"_s, request.rps}, {u"seconds"_s, request.seconds}, {u"mix"_s, request.mix.toJson()}}});
    return std::nullopt;
}

void LoadEngine::stopSpike()
{
    std::unique_lock lock(m_mutex);
    if (m_spike && !m_spike->ended) {
        m_spike->end = Clock::now(); // the scheduler ends it and reports when its operations finish
        m_wake.notify_all();
    }
}

void LoadEngine::setReaders(bool on)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_readers == on) {
            return;
        }
        m_readers = on;
        recomputeRatesLocked(Clock::now());
    }
    emitEvent({on ? QStringLiteral("readers_started") : QStringLiteral("readers_stopped"),
        on ? QStringLiteral("Readers (search) on") : QStringLiteral("Readers (search) off"), {}});
}

void LoadEngine::setWriters(bool on)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_writers == on) {
            return;
        }
        m_writers = on;
        recomputeRatesLocked(Clock::now());
    }
    emitEvent({on ? QStringLiteral("writers_started") : QStringLiteral("writers_stopped"),
        on ? QStringLiteral("Writers (login) on") : QStringLiteral("Writers (login) off"), {}});
}

double LoadEngine::baseRps() const
{
    std::lock_guard lock(m_mutex);
    return m_base ? m_base->rps : 0.0;
}

double LoadEngine::spikeRps() const
{
    std::lock_guard lock(m_mutex);
    return m_spike && !m_spike->ended ? m_spike->request.rps : 0.0;
}

void LoadEngine::dispatch(Stream &s, const std::shared_ptr<SpikeRun> &spike)
{
    const Clock::time_point due = s.due();
    ++s.issued;
    if (spike) {
        ++spike->scheduled;
    }
    if (m_inFlight.load() >= m_limits.maxConcurrency) {
        // Open loop: a late start would hide the overload; count it instead.
        m_droppedTotal.fetch_add(1);
        m_telemetry.loadDropped();
        if (spike) {
            ++spike->dropped;
        }
        return;
    }
    m_inFlight.fetch_add(1);
    m_sentTotal.fetch_add(1);
    m_telemetry.loadSent(s.op);
    if (spike) {
        spike->inFlight.fetch_add(1);
    }
    const Op op = s.op;
    m_workers.start([this, op, due, spike] {
        const auto started = Clock::now();
        const bool ok = m_executor(op);
        const auto done = Clock::now();
        m_telemetry.loadLatency(op, seconds(done - due), seconds(done - started), ok);
        m_telemetry.operation(op, Origin::Load, ok, seconds(done - started));
        m_completedTotal.fetch_add(1);
        if (!ok) {
            m_errorsTotal.fetch_add(1);
        }
        if (spike) {
            spike->completed.fetch_add(1);
            if (!ok) {
                spike->errors.fetch_add(1);
            }
            spike->inFlight.fetch_sub(1);
        }
        m_inFlight.fetch_sub(1);
    });
}

void LoadEngine::finishSpikeLocked(std::unique_lock<std::mutex> &lock, bool stoppedEarly)
{
    auto spike = m_spike;
    spike->ended = true;
    const double duration = std::max(1e-9, seconds(spike->end - spike->start));
    const double completed = double(spike->completed.load());
    const double target = spike->request.rps;
    const double achieved = completed / duration;
    const QJsonObject detail {
        {u"target_rps"_s, target},
        {u"seconds"_s, duration},
        {u"scheduled"_s, double(spike->scheduled)},
        {u"completed"_s, completed},
        {u"dropped"_s, double(spike->dropped)},
        {u"errors"_s, double(spike->errors.load())},
        {u"achieved_rps"_s, achieved},
        {u"achieved_ratio"_s, target > 0 ? achieved / target : 0.0},
        {u"stopped_early"_s, stoppedEarly},
    };
    m_telemetry.setSpikeActive(false);
    m_lastSpike = detail;
    lock.unlock();
    emitEvent({QStringLiteral("spike_ended"),
        QStringLiteral("Spike ended: %1 of %2 rps achieved over %3 s (%4 dropped, %5 errors)")
            .arg(achieved, 0, 'f', 1)
            .arg(target)
            .arg(duration, 0, 'f', 1)
            .arg(spike->dropped)
            .arg(spike->errors.load()),
        detail});
    lock.lock();
}

void LoadEngine::run()
{
    std::unique_lock lock(m_mutex);
    bool spikeDraining = false;
    while (!m_stopping) {
        const auto now = Clock::now();
        auto next = now + std::chrono::seconds(1);
        if (m_spike && !m_spike->ended && !spikeDraining && now >= m_spike->end) {
            // Stop scheduling spike operations; report once the ones in flight are done.
            spikeDraining = true;
            m_streams[2].rate = 0;
            m_streams[3].rate = 0;
        }
        if (spikeDraining) {
            if (m_spike->inFlight.load() == 0) {
                spikeDraining = false;
                const bool early = seconds(m_spike->end - m_spike->start) + 1e-3 < m_spike->request.seconds;
                finishSpikeLocked(lock, early);
                continue;
            }
            next = std::min(next, now + std::chrono::milliseconds(5));
        }
        const auto spike = m_spike && !m_spike->ended && !spikeDraining ? m_spike : nullptr;
        for (Stream &s : m_streams) {
            if (s.rate <= 0) {
                continue;
            }
            while (s.due() <= now) {
                dispatch(s, s.spike ? spike : nullptr);
            }
            next = std::min(next, s.due());
        }
        if (spike) {
            next = std::min(next, spike->end);
        }
        m_wake.wait_until(lock, next);
    }
}

QJsonObject LoadEngine::stateLocked() const
{
    QJsonValue base = QJsonValue::Null;
    if (m_base) {
        base = QJsonObject {{u"rps"_s, m_base->rps}, {u"mix"_s, m_base->mix.toJson()}};
    }
    QJsonValue spike = QJsonValue::Null;
    if (m_spike && !m_spike->ended) {
        spike = QJsonObject {{u"rps"_s, m_spike->request.rps}, {u"seconds"_s, m_spike->request.seconds},
            {u"remaining_s"_s, std::max(0.0, seconds(m_spike->end - Clock::now()))},
            {u"mix"_s, m_spike->request.mix.toJson()}};
    }
    double target = 0;
    for (const Stream &s : m_streams) {
        target += s.rate;
    }
    return QJsonObject {
        {u"running"_s, target > 0},
        {u"readers"_s, m_readers},
        {u"writers"_s, m_writers},
        {u"base"_s, base},
        {u"spike"_s, spike},
        {u"last_spike"_s, m_lastSpike.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m_lastSpike)},
        {u"target_rps"_s, target},
        {u"achieved_rps"_s, std::round(m_achievedRps * 10.0) / 10.0},
        {u"in_flight"_s, m_inFlight.load()},
        {u"active_workers"_s, m_workers.activeThreadCount()},
        {u"sent_total"_s, double(m_sentTotal.load())},
        {u"dropped_total"_s, double(m_droppedTotal.load())},
        {u"errors_total"_s, double(m_errorsTotal.load())},
        {u"latency_ms"_s,
            QJsonObject {{u"intended"_s, percentiles(m_lastIntended)}, {u"actual"_s, percentiles(m_lastActual)}}},
        {u"limits"_s,
            QJsonObject {{u"max_rps"_s, m_limits.maxRps}, {u"max_seconds"_s, m_limits.maxSeconds},
                {u"max_concurrency"_s, m_limits.maxConcurrency}}},
    };
}

QJsonObject LoadEngine::state() const
{
    std::lock_guard lock(m_mutex);
    return stateLocked();
}

QJsonObject LoadEngine::sampleInterval(double intervalSeconds)
{
    std::lock_guard lock(m_mutex);
    const std::uint64_t completed = m_completedTotal.load();
    m_achievedRps = intervalSeconds > 0 ? double(completed - m_lastCompleted) / intervalSeconds : 0.0;
    m_lastCompleted = completed;
    m_lastIntended = m_telemetry.loadIntendedWindow().takeSnapshot();
    m_lastActual = m_telemetry.loadActualWindow().takeSnapshot();
    QJsonObject s = stateLocked();
    m_telemetry.setLoadGauges(
        m_workers.activeThreadCount(), s.value(u"target_rps").toDouble(), m_achievedRps, m_inFlight.load());
    return s;
}

void LoadEngine::stopScheduling()
{
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_wake.notify_all();
}

void LoadEngine::shutdown(std::chrono::milliseconds timeout)
{
    stopScheduling();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    m_workers.waitForDone(int(timeout.count()));
}
