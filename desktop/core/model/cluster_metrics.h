#pragma once

#include "session_clock.h"
#include "sources/prometheus_client.h"
#include "time_series_store.h"

#include <QList>
#include <QObject>
#include <QString>

namespace presenter {

// The cluster charts' PromQL (CockroachDB metric names from tests/reference, checked by a
// test) and the store series their answers become:
//   crdb.live_nodes, crdb.ranges_underreplicated, crdb.ranges_unavailable, crdb.sql_qps,
//   crdb.sql_p99_ms, crdb.replicas.<node>, crdb.leaseholders.<node>
// <node> is the pod label when the scrape has one, else the instance (host:port).
// A failed poll leaves a gap in that query's series, never a zero.
//
// Threading: GUI thread (the PrometheusClient's).
class ClusterMetrics : public QObject
{
    Q_OBJECT
public:
    struct Query
    {
        QString name; // poll name and series prefix ("crdb.live_nodes")
        QString promql;
        bool perNode = false; // one series per node: "<name>.<node>"
    };
    static QList<Query> queries();
    static QString nodeName(const QMap<QString, QString> &labels);

    explicit ClusterMetrics(TimeSeriesStore *store, QObject *parent = nullptr);
    // Registers the polls (every intervalMs) on the client and feeds its answers to the store.
    void attach(PrometheusClient *client, int intervalMs = 5000);

    void ingest(const QString &pollName, const QList<PromSeries> &series);
    void ingestFailure(const QString &pollName, qint64 nowMs);
    // A failed poll's gap is stamped with this clock (the session's; the wall clock when unset).
    void setClock(const SessionClock *clock) { m_clock = clock; }

private:
    TimeSeriesStore *m_store;
    const SessionClock *m_clock = nullptr;
};

} // namespace presenter
