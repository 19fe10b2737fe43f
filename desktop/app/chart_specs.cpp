#include "chart_specs.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace presenter {

namespace chartspecs {

namespace {

// Each chart's lines: the store series it draws, by chart id.
QList<ChartLine> linesOf(const QString &id)
{
    const qint64 w = kioskP99WindowMs;
    static const QHash<QString, QList<ChartLine>> lines {
        {u"requests"_s, {{u"app.rps.login"_s, u"login"_s}, {u"app.rps.search"_s, u"search"_s}}},
        {u"latency"_s,
            {{u"app.p50.login"_s, u"login p50"_s}, {u"app.p95.login"_s, u"login p95"_s},
                {u"app.p99.login"_s, u"login p99"_s}, {u"app.p50.search"_s, u"search p50"_s},
                {u"app.p95.search"_s, u"search p95"_s}, {u"app.p99.search"_s, u"search p99"_s}}},
        {u"errors"_s, {{u"app.errors.login"_s, u"login"_s}, {u"app.errors.search"_s, u"search"_s}}},
        {u"db-latency"_s,
            {{u"db.p50.writer"_s, u"writer p50"_s}, {u"db.p99.writer"_s, u"writer p99"_s},
                {u"db.p50.reader"_s, u"reader p50"_s}, {u"db.p99.reader"_s, u"reader p99"_s}}},
        {u"load"_s,
            {{u"load.target"_s, u"target"_s}, {u"load.achieved"_s, u"achieved"_s}, {u"load.dropped"_s, u"dropped"_s}}},
        {u"live-nodes"_s, {{u"crdb.live_nodes"_s, u"live nodes"_s}}},
        {u"ranges"_s,
            {{u"crdb.ranges_underreplicated"_s, u"under-replicated"_s},
                {u"crdb.ranges_unavailable"_s, u"unavailable"_s}}},
        {u"replicas"_s, {{u"crdb.replicas."_s, u""_s, true}}},
        {u"leaseholders"_s, {{u"crdb.leaseholders."_s, u""_s, true}}},
        {u"sql-qps"_s, {{u"crdb.sql_qps"_s, u"sql_query_count rate"_s}}},
        {u"sql-p99"_s, {{u"crdb.sql_p99_ms"_s, u"sql_service_latency p99"_s}}},
        {u"p99"_s, {{u"app.p99.login"_s, u"login"_s, false, w}, {u"app.p99.search"_s, u"search"_s, false, w}}},
    };
    return lines.value(id);
}

ChartSpec specOf(const ChartInfo &chart)
{
    return {chart.id, chart.title, chart.unit, linesOf(chart.id)};
}

QList<ChartSpec> presenterCharts(ChartInfo::Source source)
{
    QList<ChartSpec> out;
    for (const ChartInfo &chart : chartcatalog::charts()) {
        if (chart.onPresenter && chart.source == source) {
            out.append(specOf(chart));
        }
    }
    return out;
}

} // namespace

QList<ChartSpec> appCharts()
{
    return presenterCharts(ChartInfo::Source::AppFeed);
}

QList<ChartSpec> clusterCharts()
{
    return presenterCharts(ChartInfo::Source::CockroachMetrics);
}

QList<ChartSpec> kioskCharts()
{
    QList<ChartSpec> out;
    for (const QString &id : {u"requests"_s, u"p99"_s, u"live-nodes"_s, u"ranges"_s}) {
        out.append(specOf(chartcatalog::chart(id)));
    }
    return out;
}

QString unavailableReason(const ChartSpec &spec, ClusterKind kind)
{
    return kind == ClusterKind::None && chartcatalog::chart(spec.id).needsCockroachDB()
        ? u"needs CockroachDB: not on the local stack"_s
        : QString();
}

} // namespace chartspecs

} // namespace presenter
