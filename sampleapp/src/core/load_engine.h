#pragma once

#include "requests.h"
#include "telemetry.h"

#include <QJsonObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

// The open-loop load generator (constant arrival rate, like wrk2 / k6 arrival-rate): operations
// are scheduled by the clock, never by the completion of earlier ones. A baseline load and a
// spike can run together; readers/writers switch the search/login shares on and off. When the
// concurrency guardrail is reached, a due operation is dropped and counted, not delayed.
// Latency is measured from the scheduled time (intended: corrected for coordinated omission) and
// from the real start (actual).
//
// Threading: commands and state() are thread-safe. One scheduler thread; operations run on a
// QThreadPool of max_concurrency threads. Events are delivered through the callback from the
// calling or scheduler thread: the receiver must marshal them to its own thread.
class LoadEngine
{
public:
    using Clock = std::chrono::steady_clock;
    using Executor = std::function<bool(Op op)>; // runs one operation, returns success
    struct Event
    {
        QString kind; // spike_started, spike_ended, load_started, ...
        QString text;
        QJsonObject detail;
    };

    LoadEngine(const Guardrails &limits, Executor executor, Telemetry &telemetry);
    ~LoadEngine();
    LoadEngine(const LoadEngine &) = delete;
    LoadEngine &operator=(const LoadEngine &) = delete;

    void setEventCallback(std::function<void(const Event &)> callback);

    void startLoad(const LoadRequest &request);
    void stopLoad();
    // Returns an error sentence if a spike is already running.
    std::optional<QString> startSpike(const SpikeRequest &request);
    void stopSpike();
    void setReaders(bool on);
    void setWriters(bool on);

    double baseRps() const; // configured rates (0 when off), for the guardrail on the total
    double spikeRps() const;

    // Called once per feed tick: computes the achieved rate of the last interval and the
    // intended/actual latency percentiles, updates the gauges. Returns the load state JSON.
    QJsonObject sampleInterval(double intervalSeconds);
    // The state JSON with the figures of the last sampled interval (cheap; for GET /load).
    QJsonObject state() const;

    // Stops scheduling new operations without waiting (the app's asynchronous shutdown). Idempotent.
    void stopScheduling();
    // Operations running now (any thread).
    int inFlight() const { return m_inFlight.load(); }
    // Stops scheduling and waits (up to timeout) for in-flight operations. Idempotent.
    void shutdown(std::chrono::milliseconds timeout);

    const Guardrails &limits() const { return m_limits; }

private:
    struct Stream
    {
        Op op = Op::Search;
        bool spike = false;
        double rate = 0; // operations per second; 0 = idle
        Clock::time_point origin;
        std::uint64_t issued = 0;
        Clock::time_point due() const
        {
            return origin
                + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(issued) / rate));
        }
    };
    struct SpikeRun
    {
        SpikeRequest request;
        Clock::time_point start;
        Clock::time_point end;
        std::uint64_t scheduled = 0, dropped = 0;
        std::atomic<std::uint64_t> completed {0}, errors {0}, inFlight {0};
        bool ended = false;
    };

    void run(); // scheduler thread
    void recomputeRatesLocked(Clock::time_point now);
    void dispatch(Stream &s, const std::shared_ptr<SpikeRun> &spike);
    void finishSpikeLocked(std::unique_lock<std::mutex> &lock, bool stoppedEarly);
    QJsonObject stateLocked() const;
    void emitEvent(const Event &e);

    const Guardrails m_limits;
    Executor m_executor;
    Telemetry &m_telemetry;
    QThreadPool m_workers;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_readers = true;
    bool m_writers = true;
    std::optional<LoadRequest> m_base;
    std::shared_ptr<SpikeRun> m_spike;
    Stream m_streams[4]; // base login, base search, spike login, spike search
    std::function<void(const Event &)> m_onEvent;

    std::atomic<int> m_inFlight {0};
    std::atomic<std::uint64_t> m_sentTotal {0}, m_droppedTotal {0}, m_completedTotal {0}, m_errorsTotal {0};

    // Figures of the last sampled interval (guarded by m_mutex).
    std::uint64_t m_lastCompleted = 0;
    double m_achievedRps = 0;
    LatencyHistogram::Snapshot m_lastIntended, m_lastActual;
    QJsonObject m_lastSpike; // the summary of the last finished spike (spike_ended detail)

    std::thread m_thread;
};
