#include "telemetry.h"

#include <prometheus/text_serializer.h>

#include <atomic>
#include <tuple>
#include <unordered_map>

namespace {

std::atomic<std::uint64_t> g_generation {0};

// Request durations: 0.5 ms .. 10 s. DB queries are faster, so start lower.
prometheus::Histogram::BucketBoundaries requestBuckets()
{
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

prometheus::Histogram::BucketBoundaries queryBuckets()
{
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

} // namespace

const char *opName(Op op)
{
    return op == Op::Login ? "login" : "search";
}

Telemetry::Telemetry()
    : m_registry(std::make_shared<prometheus::Registry>())
    , m_generation(++g_generation)
    , m_httpRequests(prometheus::BuildCounter()
                         .Name("app_http_requests_total")
                         .Help("HTTP requests answered, by route, method and status")
                         .Register(*m_registry))
    , m_httpDuration(prometheus::BuildHistogram()
                         .Name("app_http_request_duration_seconds")
                         .Help("HTTP request duration from routing to response, by route")
                         .Register(*m_registry))
    , m_operations(prometheus::BuildCounter()
                       .Name("app_operations_total")
                       .Help("Login and search operations, from HTTP and from the internal load generator")
                       .Register(*m_registry))
    , m_operationDuration(prometheus::BuildHistogram()
                              .Name("app_operation_duration_seconds")
                              .Help("Duration of login and search operations")
                              .Register(*m_registry))
    , m_dbDuration(prometheus::BuildHistogram()
                       .Name("app_db_query_duration_seconds")
                       .Help("Database query duration including retries, writer vs reader pool")
                       .Register(*m_registry))
    , m_dbErrors(prometheus::BuildCounter()
                     .Name("app_db_errors_total")
                     .Help("Database errors by pool and kind (transient, permanent, connect, acquire_timeout)")
                     .Register(*m_registry))
    , m_dbRetries(prometheus::BuildCounter()
                      .Name("app_db_retries_total")
                      .Help("Retried database attempts after a transient error")
                      .Register(*m_registry))
    , m_dbRecycled(prometheus::BuildCounter()
                       .Name("app_db_connections_recycled_total")
                       .Help("Pooled connections closed past their maximum lifetime (APP_DB_MAX_CONN_LIFETIME_S) "
                             "and replaced between requests")
                       .Register(*m_registry))
    , m_poolConnections(prometheus::BuildGauge()
                            .Name("app_db_pool_connections")
                            .Help("Open pooled connections by pool and state")
                            .Register(*m_registry))
    , m_loadSent(prometheus::BuildCounter()
                     .Name("app_load_sent_total")
                     .Help("Operations started by the open-loop load generator")
                     .Register(*m_registry))
    , m_loadLatency(prometheus::BuildHistogram()
                        .Name("app_load_latency_seconds")
                        .Help("Load generator latency: from the scheduled start (intended) or the real start (actual)")
                        .Register(*m_registry))
    , m_buildInfo(prometheus::BuildGauge()
                      .Name("app_build_info")
                      .Help("Build version and detected database dialect (value is always 1)")
                      .Register(*m_registry))
{
    for (Op op : {Op::Login, Op::Search}) {
        for (Origin origin : {Origin::Http, Origin::Load}) {
            const std::string o = origin == Origin::Http ? "http" : "load";
            for (bool ok : {false, true}) {
                m_opCount[size_t(op)][size_t(origin)][ok]
                    = &m_operations.Add({{"op", opName(op)}, {"origin", o}, {"outcome", ok ? "ok" : "error"}});
            }
            m_opDuration[size_t(op)][size_t(origin)]
                = &m_operationDuration.Add({{"op", opName(op)}, {"origin", o}}, requestBuckets());
        }
        m_loadSentCounters[size_t(op)] = &m_loadSent.Add({{"op", opName(op)}});
        m_loadLatencyHistograms[size_t(op)][0]
            = &m_loadLatency.Add({{"op", opName(op)}, {"basis", "intended"}}, requestBuckets());
        m_loadLatencyHistograms[size_t(op)][1]
            = &m_loadLatency.Add({{"op", opName(op)}, {"basis", "actual"}}, requestBuckets());
    }
    for (PoolId pool : {PoolId::Writer, PoolId::Reader}) {
        const auto p = size_t(pool);
        m_dbHistogram[p] = &m_dbDuration.Add({{"pool", poolName(pool)}}, queryBuckets());
        for (DbErrorKind kind :
            {DbErrorKind::Transient, DbErrorKind::Permanent, DbErrorKind::Connect, DbErrorKind::AcquireTimeout}) {
            m_dbErrorCounters[p][size_t(kind)]
                = &m_dbErrors.Add({{"pool", poolName(pool)}, {"kind", errorKindName(kind)}});
        }
        m_dbRetryCounters[p] = &m_dbRetries.Add({{"pool", poolName(pool)}});
        m_dbRecycledCounters[p] = &m_dbRecycled.Add({{"pool", poolName(pool)}});
        m_poolGauges[p][0] = &m_poolConnections.Add({{"pool", poolName(pool)}, {"state", "idle"}});
        m_poolGauges[p][1] = &m_poolConnections.Add({{"pool", poolName(pool)}, {"state", "busy"}});
    }
    auto gauge = [this](const char *name, const char *help) -> prometheus::Gauge * {
        return &prometheus::BuildGauge().Name(name).Help(help).Register(*m_registry).Add({});
    };
    m_activeWorkers = gauge("app_load_active_workers", "Load generator workers (concurrency limit in use)");
    m_targetRps = gauge("app_load_target_rps", "Load generator target rate (load + spike), operations per second");
    m_achievedRps = gauge("app_load_achieved_rps", "Load generator completed operations per second, last interval");
    m_inFlight = gauge("app_load_in_flight", "Load generator operations in flight");
    m_spikeActive = gauge("app_spike_active", "1 while a spike runs");
    m_ready = gauge("app_ready", "1 when /readyz passes (writer ok, reader ok, reader cannot write or create)");
    m_dropped = &prometheus::BuildCounter()
                     .Name("app_load_dropped_total")
                     .Help("Scheduled load operations not started because the concurrency limit was reached")
                     .Register(*m_registry)
                     .Add({});
}

Telemetry::~Telemetry() = default;

std::string Telemetry::exposition() const
{
    return prometheus::TextSerializer().Serialize(m_registry->Collect());
}

prometheus::Counter &Telemetry::httpCounter(const std::string &route, const std::string &method, int status)
{
    // Per-thread cache: Family::Add locks and hashes the labels; this is a map lookup without a lock.
    using Key = std::tuple<std::uint64_t, std::string, std::string, int>;
    struct KeyHash
    {
        size_t operator()(const Key &k) const
        {
            return std::hash<std::string>()(std::get<1>(k)) ^ (std::hash<int>()(std::get<3>(k)) << 1)
                ^ (std::hash<std::uint64_t>()(std::get<0>(k)) << 2) ^ std::hash<std::string>()(std::get<2>(k));
        }
    };
    thread_local std::unordered_map<Key, prometheus::Counter *, KeyHash> cache;
    Key key {m_generation, route, method, status};
    auto it = cache.find(key);
    if (it == cache.end()) {
        auto *c = &m_httpRequests.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}});
        it = cache.emplace(std::move(key), c).first;
    }
    return *it->second;
}

prometheus::Histogram &Telemetry::httpHistogram(const std::string &route)
{
    thread_local std::unordered_map<std::string, std::pair<std::uint64_t, prometheus::Histogram *>> cache;
    auto it = cache.find(route);
    if (it == cache.end() || it->second.first != m_generation) {
        auto *h = &m_httpDuration.Add({{"route", route}}, requestBuckets());
        it = cache.insert_or_assign(route, std::make_pair(m_generation, h)).first;
    }
    return *it->second.second;
}

void Telemetry::httpRequest(const std::string &route, const std::string &method, int status, double seconds)
{
    httpCounter(route, method, status).Increment();
    httpHistogram(route).Observe(seconds);
}

void Telemetry::operation(Op op, Origin origin, bool ok, double seconds)
{
    m_opCount[size_t(op)][size_t(origin)][ok]->Increment();
    m_opDuration[size_t(op)][size_t(origin)]->Observe(seconds);
    m_opWindow[size_t(op)].record(seconds, ok);
}

void Telemetry::dbQuery(PoolId pool, double seconds, bool ok)
{
    m_dbHistogram[size_t(pool)]->Observe(seconds);
    m_dbWindow[size_t(pool)].record(seconds, ok);
}

void Telemetry::dbError(PoolId pool, DbErrorKind kind)
{
    m_dbErrorCounters[size_t(pool)][size_t(kind)]->Increment();
}

void Telemetry::dbRetry(PoolId pool)
{
    m_dbRetryCounters[size_t(pool)]->Increment();
}

void Telemetry::dbConnectionRecycled(PoolId pool)
{
    m_dbRecycledCounters[size_t(pool)]->Increment();
}

void Telemetry::setPoolConnections(PoolId pool, int idle, int busy)
{
    m_poolGauges[size_t(pool)][0]->Set(idle);
    m_poolGauges[size_t(pool)][1]->Set(busy);
}

void Telemetry::loadSent(Op op)
{
    m_loadSentCounters[size_t(op)]->Increment();
}

void Telemetry::loadDropped()
{
    m_dropped->Increment();
}

void Telemetry::loadLatency(Op op, double intendedSeconds, double actualSeconds, bool ok)
{
    m_loadLatencyHistograms[size_t(op)][0]->Observe(intendedSeconds);
    m_loadLatencyHistograms[size_t(op)][1]->Observe(actualSeconds);
    m_loadIntended.record(intendedSeconds, ok);
    m_loadActual.record(actualSeconds, ok);
}

void Telemetry::setLoadGauges(int activeWorkers, double targetRps, double achievedRps, int inFlight)
{
    m_activeWorkers->Set(activeWorkers);
    m_targetRps->Set(targetRps);
    m_achievedRps->Set(achievedRps);
    m_inFlight->Set(inFlight);
}

void Telemetry::setSpikeActive(bool active)
{
    m_spikeActive->Set(active ? 1 : 0);
}

void Telemetry::setReady(bool ready)
{
    m_ready->Set(ready ? 1 : 0);
}

void Telemetry::setBuildInfo(const QString &version, const QString &dialect)
{
    if (m_buildInfoGauge) {
        m_buildInfo.Remove(m_buildInfoGauge);
    }
    m_buildInfoGauge = &m_buildInfo.Add({{"version", version.toStdString()}, {"dialect", dialect.toStdString()}});
    m_buildInfoGauge->Set(1);
}
