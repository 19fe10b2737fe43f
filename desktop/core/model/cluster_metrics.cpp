#include "cluster_metrics.h"

#include <QDateTime>

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

QList<ClusterMetrics::Query> ClusterMetrics::queries()
{
    return {
        {u"crdb.live_nodes"_s, u"max(liveness_livenodes)"_s, false},
        {u"crdb.ranges_underreplicated"_s, u"sum(ranges_underreplicated)"_s, false},
        {u"crdb.ranges_unavailable"_s, u"sum(ranges_unavailable)"_s, false},
        {u"crdb.replicas"_s, u"sum by (pod, instance) (replicas)"_s, true},
        {u"crdb.leaseholders"_s, u"sum by (pod, instance) (replicas_leaseholders)"_s, true},
        {u"crdb.sql_qps"_s, u"sum(rate(sql_query_count[1m]))"_s, false},
        // sql_service_latency is in nanoseconds.
        {u"crdb.sql_p99_ms"_s, u"histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket[1m]))) / 1e6"_s,
            false},
    };
}

QString ClusterMetrics::nodeName(const QMap<QString, QString> &labels)
{
    for (const char *key : {"pod", "instance", "node_id"}) {
        const QString v = labels.value(QString::fromLatin1(key));
        if (!v.isEmpty()) {
            return v;
        }
    }
    return u"node"_s;
}

ClusterMetrics::ClusterMetrics(TimeSeriesStore *store, QObject *parent) : QObject(parent), m_store(store) { }

void ClusterMetrics::attach(PrometheusClient *client, int intervalMs)
{
    for (const Query &q : queries()) {
        client->addPoll(q.name, q.promql, intervalMs);
    }
    connect(client, &PrometheusClient::polled, this, &ClusterMetrics::ingest);
    connect(client, &PrometheusClient::pollFailed, this, [this](const QString &name, const QString &) {
        ingestFailure(name, m_clock ? m_clock->nowMs() : QDateTime::currentMSecsSinceEpoch());
    });
}

void ClusterMetrics::ingest(const QString &pollName, const QList<PromSeries> &series)
{
    bool perNode = false;
    bool known = false;
    for (const Query &q : queries()) {
        if (q.name == pollName) {
            known = true;
            perNode = q.perNode;
        }
    }
    if (!known) {
        return;
    }
    for (const PromSeries &s : series) {
        const QString key = perNode ? pollName + u'.' + nodeName(s.labels) : pollName;
        for (const QPointF &p : s.points) {
            // NaN answers (histogram_quantile over no traffic) are "no value", not a break.
            if (std::isfinite(p.y())) {
                m_store->append(key, static_cast<qint64>(p.x()), p.y());
            }
        }
    }
}

void ClusterMetrics::ingestFailure(const QString &pollName, qint64 nowMs)
{
    m_store->appendGapAll(pollName, nowMs);
}

} // namespace presenter
