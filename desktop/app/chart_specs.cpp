#include "chart_specs.h"

using namespace Qt::StringLiterals;

namespace chartspecs {

namespace {
ChartSpec requests()
{
    return {u"requests"_s, u"App requests/s by route"_s, u"req/s"_s,
        {{u"app.rps.login"_s, u"login"_s}, {u"app.rps.search"_s, u"search"_s}}};
}
ChartSpec latency()
{
    return {u"latency"_s, u"App latency by route"_s, u"ms"_s,
        {{u"app.p50.login"_s, u"login p50"_s}, {u"app.p95.login"_s, u"login p95"_s},
            {u"app.p99.login"_s, u"login p99"_s}, {u"app.p50.search"_s, u"search p50"_s},
            {u"app.p95.search"_s, u"search p95"_s}, {u"app.p99.search"_s, u"search p99"_s}}};
}
ChartSpec liveNodes()
{
    return {u"live-nodes"_s, u"Live nodes"_s, u"nodes"_s, {{u"crdb.live_nodes"_s, u"live nodes"_s}}};
}
ChartSpec ranges()
{
    return {u"ranges"_s, u"Ranges under-replicated / unavailable"_s, u"ranges"_s,
        {{u"crdb.ranges_underreplicated"_s, u"under-replicated"_s}, {u"crdb.ranges_unavailable"_s, u"unavailable"_s}}};
}
} // namespace

QList<ChartSpec> appCharts()
{
    return {
        requests(),
        latency(),
        {u"errors"_s, u"Errors by route"_s, u"errors/tick"_s,
            {{u"app.errors.login"_s, u"login"_s}, {u"app.errors.search"_s, u"search"_s}}},
        {u"db-latency"_s, u"DB latency: writer vs reader"_s, u"ms"_s,
            {{u"db.p50.writer"_s, u"writer p50"_s}, {u"db.p99.writer"_s, u"writer p99"_s},
                {u"db.p50.reader"_s, u"reader p50"_s}, {u"db.p99.reader"_s, u"reader p99"_s}}},
        {u"load"_s, u"Load: target vs achieved"_s, u"ops/s"_s,
            {{u"load.target"_s, u"target"_s}, {u"load.achieved"_s, u"achieved"_s}, {u"load.dropped"_s, u"dropped"_s}}},
    };
}

QList<ChartSpec> clusterCharts()
{
    return {
        liveNodes(),
        ranges(),
        {u"replicas"_s, u"Replicas per node"_s, u"replicas"_s, {{u"crdb.replicas."_s, u""_s, true}}},
        {u"leaseholders"_s, u"Leaseholders per node"_s, u"leases"_s, {{u"crdb.leaseholders."_s, u""_s, true}}},
        {u"sql-qps"_s, u"SQL queries/s"_s, u"queries/s"_s, {{u"crdb.sql_qps"_s, u"sql_query_count rate"_s}}},
        {u"sql-p99"_s, u"SQL p99 latency"_s, u"ms"_s, {{u"crdb.sql_p99_ms"_s, u"sql_service_latency p99"_s}}},
    };
}

QList<ChartSpec> kioskCharts()
{
    // The feed's p99 per tick jumps from tick to tick: raw, it is a band on a projector. The
    // audience sees its trailing mean, and the title says which window; the presenter's latency
    // chart keeps the raw series.
    const qint64 w = kioskP99WindowMs;
    ChartSpec p99 {u"p99"_s, u"p99, %1 s rolling mean"_s.arg(w / 1000), u"ms"_s,
        {{u"app.p99.login"_s, u"login"_s, false, w}, {u"app.p99.search"_s, u"search"_s, false, w}}};
    return {requests(), p99, liveNodes(), ranges()};
}

QString unavailableReason(const ChartSpec &spec, ClusterKind kind)
{
    return kind == ClusterKind::None && spec.needsCockroachDB() ? u"needs CockroachDB: not on the local stack"_s
                                                                        : QString();
}

} // namespace chartspecs
