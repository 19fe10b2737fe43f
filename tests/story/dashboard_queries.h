#pragma once
// What the story tests need to know about the Grafana dashboards and the metric catalogues:
// every PromQL expression a dashboard runs, made runnable outside Grafana, and the metric names it
// reads. Pure functions over files; no servers.

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace story {

struct DashboardQuery
{
    QString dashboard; // file name, e.g. sample-app.json
    QString where; // "panel 'Live nodes' A" or "variable pod"
    QString expr; // as written in the dashboard
    bool isVariable = false; // a templating query (label_values(...) reduced to its selector)
};

// Every expression of a dashboard: panel targets (rows included) and query variables. Variable
// queries in Grafana syntax (label_values(sel, label), query_result(expr)) are reduced to the
// PromQL inside them. Returns an empty list and sets *error when the file is not a dashboard.
QList<DashboardQuery> loadDashboardQueries(const QString &path, QString *error);

// Replaces Grafana's variables with values a plain Prometheus accepts: $__rate_interval and
// $__interval with `rateInterval`, $__range with 5m, every other $var / ${var} with ".*" (all
// dashboard variables are used in =~ matchers, where ".*" also matches a missing label).
QString substituteGrafanaVariables(const QString &expr, const QString &rateInterval = QStringLiteral("1m"));

// The metric names a PromQL expression reads (identifiers that are not functions, aggregations,
// keywords, label names in by/without/on/ignoring/group_* lists or inside {} matchers).
QStringList metricNames(const QString &expr);

// A catalogue of metric names as Prometheus exposes them: histograms and summaries contribute
// _bucket/_sum/_count too.
class MetricCatalogue
{
public:
    void add(const QString &name, const QString &type); // type: counter/gauge/histogram (any case)
    bool contains(const QString &name) const { return m_names.contains(name); }
    // The metric's one-line description (cockroach-metrics.tsv only; empty otherwise).
    QString description(const QString &name) const { return m_descriptions.value(name); }
    int size() const { return int(m_names.size()); }

    // tests/reference/cockroach-metrics.tsv (prometheus_name<TAB>type<TAB>...).
    static MetricCatalogue fromCockroachTsv(const QString &path, QString *error);
    // The metrics table of sampleapp/PROTOCOL.md ("| `name` | type | labels |").
    static MetricCatalogue fromProtocolMd(const QString &path, QString *error);
    // A Prometheus text exposition (# TYPE lines and sample names).
    static MetricCatalogue fromExposition(const QByteArray &text);

private:
    QSet<QString> m_names;
    QHash<QString, QString> m_descriptions;
};

// Every panel of a dashboard file, rows flattened (empty on error).
QList<QJsonObject> loadPanels(const QString &path);

// Why a panel's CockroachDB metrics do not measure what its title and description say about
// rebalancing (empty when they do):
//  - a metric CockroachDB describes as "motivated by store-level load imbalances"
//    (rebalancing_range_rebalances, rebalancing_lease_transfers: the store rebalancer,
//    cockroachdb/cockroach pkg/kv/kvserver/store_rebalancer.go) counts only load-based moves, not the
//    replicate queue's up-replication and rebalancing after a scale or RF change
//    (queue_replicate_*); such a panel must say "load-based";
//  - rebalancing_queriespersecond shown as the rebalancer's signal: the load-based objective is CPU
//    by default (kv.allocator.load_based_rebalancing.objective = cpu,
//    cockroachdb/cockroach pkg/kv/kvserver/rebalance_objective.go, LoadBasedRebalancingObjective;
//    older releases defaulted to "qps"), so the signal is rebalancing_cpunanospersecond.
QStringList rebalancingMisreads(const QJsonObject &panel, const MetricCatalogue &cockroach);

// Why a dashboard (its whole JSON) does not show the talk's annotations, the ones the presenter
// posts tagged `tag` plus the marker's kind (desktop/core/sources/grafana_annotations.h); empty
// when it does. It does when one entry of "annotations": {"list": [...]} is enabled, asks the
// built-in Grafana data source ({"type": "grafana", "uid": "-- Grafana --"}, as Grafana writes it,
// https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/annotate-visualizations/) for
// annotations by tags ("target": {"type": "tags", "tags": [tag]}: public/app/plugins/datasource/
// grafana/types.ts in grafana/grafana, GrafanaAnnotationQuery) and filters on `tag` alone (Grafana
// shows an annotation only when it carries all of the query's tags unless matchAny, so a second tag
// would hide every other kind).
QString talkAnnotationsProblem(const QJsonObject &dashboard, const QString &tag);

} // namespace story
