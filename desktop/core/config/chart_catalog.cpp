#include "chart_catalog.h"

using namespace Qt::StringLiterals;

namespace presenter {

namespace chartcatalog {

const QList<ChartInfo> &charts()
{
    using S = ChartInfo::Source;
    static const QList<ChartInfo> rows {
        {u"requests"_s, u"App requests/s by route"_s, u"req/s"_s, S::AppFeed},
        {u"latency"_s, u"App latency by route"_s, u"ms"_s, S::AppFeed},
        {u"errors"_s, u"Errors by route"_s, u"errors/tick"_s, S::AppFeed},
        {u"db-latency"_s, u"DB latency: writer vs reader"_s, u"ms"_s, S::AppFeed},
        {u"load"_s, u"Load: target vs achieved"_s, u"ops/s"_s, S::AppFeed},
        {u"live-nodes"_s, u"Live nodes"_s, u"nodes"_s, S::CockroachMetrics},
        {u"ranges"_s, u"Ranges under-replicated / unavailable"_s, u"ranges"_s, S::CockroachMetrics},
        {u"replicas"_s, u"Replicas per node"_s, u"replicas"_s, S::CockroachMetrics},
        {u"leaseholders"_s, u"Leaseholders per node"_s, u"leases"_s, S::CockroachMetrics},
        {u"sql-qps"_s, u"SQL queries/s"_s, u"queries/s"_s, S::CockroachMetrics},
        {u"sql-p99"_s, u"SQL p99 latency"_s, u"ms"_s, S::CockroachMetrics},
        // The feed's p99 per tick jumps from tick to tick: raw, it is a band on a projector. The
        // audience sees its trailing mean, and the title says which window; the presenter's
        // latency chart keeps the raw series.
        {u"p99"_s, u"p99, %1 s rolling mean"_s.arg(kKioskP99WindowMs / 1000), u"ms"_s, S::AppFeed, false},
    };
    return rows;
}

const ChartInfo &chart(const QString &id)
{
    static const ChartInfo none;
    for (const ChartInfo &c : charts()) {
        if (c.id == id) {
            return c;
        }
    }
    return none;
}

QStringList presenterIds()
{
    QStringList ids;
    for (const ChartInfo &c : charts()) {
        if (c.onPresenter) {
            ids.append(c.id);
        }
    }
    return ids;
}

QStringList defaultFocus()
{
    return {u"requests"_s, u"latency"_s};
}

} // namespace chartcatalog

} // namespace presenter
