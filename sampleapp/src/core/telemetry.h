#pragma once

#include "db_types.h"
#include "latency_histogram.h"

#include <QString>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <string>

enum class Op { Login = 0, Search = 1 };
enum class Origin { Http = 0, Load = 1 };

const char *opName(Op op);

// Everything the app measures: the Prometheus registry behind GET /metrics, and the per-interval
// histograms behind the feed's ticks. Thread-safe; the record functions are on the request path
// and take no lock of their own (prometheus-cpp locks inside Family::Add only on first use of a
// label set, which is cached per thread).
class Telemetry : public DbObserver
{
public:
    Telemetry();
    ~Telemetry() override;
    Telemetry(const Telemetry &) = delete;
    Telemetry &operator=(const Telemetry &) = delete;

    prometheus::Registry &registry() { return *m_registry; }
    std::string exposition() const; // Prometheus text format

    void httpRequest(const std::string &route, const std::string &method, int status, double seconds);
    void operation(Op op, Origin origin, bool ok, double seconds);
    // DbObserver: the database paths report here.
    void dbQuery(PoolId pool, double seconds, bool ok) override;
    void dbError(PoolId pool, DbErrorKind kind) override;
    void dbRetry(PoolId pool) override;
    void dbConnectionRecycled(PoolId pool) override; // closed for age (APP_DB_MAX_CONN_LIFETIME_S), replaced
    void setPoolConnections(PoolId pool, int idle, int busy);

    // Load generator.
    void loadSent(Op op);
    void loadDropped();
    void loadLatency(Op op, double intendedSeconds, double actualSeconds, bool ok);
    void setLoadGauges(int activeWorkers, double targetRps, double achievedRps, int inFlight);
    void setSpikeActive(bool active);
    void setReady(bool ready);
    void setBuildInfo(const QString &version, const QString &dialect);

    // Per-interval views for the feed (read and reset by the tick).
    LatencyHistogram &opWindow(Op op) { return m_opWindow[size_t(op)]; }
    LatencyHistogram &dbWindow(PoolId pool) { return m_dbWindow[size_t(pool)]; }
    LatencyHistogram &loadIntendedWindow() { return m_loadIntended; }
    LatencyHistogram &loadActualWindow() { return m_loadActual; }

private:
    prometheus::Counter &httpCounter(const std::string &route, const std::string &method, int status);
    prometheus::Histogram &httpHistogram(const std::string &route);

    std::shared_ptr<prometheus::Registry> m_registry;
    const std::uint64_t m_generation; // distinguishes instances in the per-thread caches

    prometheus::Family<prometheus::Counter> &m_httpRequests;
    prometheus::Family<prometheus::Histogram> &m_httpDuration;
    prometheus::Family<prometheus::Counter> &m_operations;
    prometheus::Family<prometheus::Histogram> &m_operationDuration;
    prometheus::Family<prometheus::Histogram> &m_dbDuration;
    prometheus::Family<prometheus::Counter> &m_dbErrors;
    prometheus::Family<prometheus::Counter> &m_dbRetries;
    prometheus::Family<prometheus::Counter> &m_dbRecycled;
    prometheus::Family<prometheus::Gauge> &m_poolConnections;
    prometheus::Family<prometheus::Counter> &m_loadSent;
    prometheus::Family<prometheus::Histogram> &m_loadLatency;
    prometheus::Family<prometheus::Gauge> &m_buildInfo;

    // Fixed label sets, created up front so the hot path is a pointer dereference.
    std::array<std::array<std::array<prometheus::Counter *, 2>, 2>, 2> m_opCount {}; // [op][origin][ok]
    std::array<std::array<prometheus::Histogram *, 2>, 2> m_opDuration {}; // [op][origin]
    std::array<prometheus::Histogram *, 2> m_dbHistogram {};
    std::array<std::array<prometheus::Counter *, 4>, 2> m_dbErrorCounters {};
    std::array<prometheus::Counter *, 2> m_dbRetryCounters {};
    std::array<prometheus::Counter *, 2> m_dbRecycledCounters {};
    std::array<std::array<prometheus::Gauge *, 2>, 2> m_poolGauges {}; // [pool][idle,busy]
    std::array<prometheus::Counter *, 2> m_loadSentCounters {};
    std::array<std::array<prometheus::Histogram *, 2>, 2> m_loadLatencyHistograms {}; // [op][intended,actual]
    prometheus::Gauge *m_activeWorkers = nullptr;
    prometheus::Gauge *m_targetRps = nullptr;
    prometheus::Gauge *m_achievedRps = nullptr;
    prometheus::Gauge *m_inFlight = nullptr;
    prometheus::Counter *m_dropped = nullptr;
    prometheus::Gauge *m_spikeActive = nullptr;
    prometheus::Gauge *m_ready = nullptr;
    prometheus::Gauge *m_buildInfoGauge = nullptr;

    std::array<LatencyHistogram, 2> m_opWindow;
    std::array<LatencyHistogram, 2> m_dbWindow;
    LatencyHistogram m_loadIntended;
    LatencyHistogram m_loadActual;
};
