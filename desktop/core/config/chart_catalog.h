#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace presenter {

// The presenter's charts as data: one row per chart with its stable id (the name a beat's "focus"
// uses, demo/PLAN.md), its title and unit, and which source feeds it. The plan's validation reads
// the ids; desktop/app/chart_specs.cpp draws each row (its lines are the widget's business).
struct ChartInfo
{
    enum class Source {
        AppFeed, // the sample app's timeline feed (FeedIngest): there on every stack
        CockroachMetrics, // CockroachDB's metrics through Prometheus (ClusterMetrics)
    };

    QString id;
    QString title;
    QString unit; // the y axis title
    Source source = Source::AppFeed;
    bool onPresenter = true; // on the presenter's window (a focus may name it); false: the kiosk's own

    // Nothing to show where no CockroachDB runs (the local stack).
    bool needsCockroachDB() const { return source == Source::CockroachMetrics; }
};

namespace chartcatalog {
// The kiosk's p99 lines are the trailing mean over this window; its chart's title says so.
inline constexpr qint64 kKioskP99WindowMs = 10000;

const QList<ChartInfo> &charts(); // every chart, the presenter's in their order on the window
// The row of `id`; an empty row (no id) for an id not in the catalog.
const ChartInfo &chart(const QString &id);
QStringList presenterIds(); // the ids a beat's "focus" may name, in order
QStringList defaultFocus(); // before any beat names its focus: requests and latency
} // namespace chartcatalog

} // namespace presenter
