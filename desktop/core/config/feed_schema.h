#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <variant>

namespace presenter {

// The sample app's timeline feed (sampleapp/PROTOCOL.md, "Timeline feed", v1): its messages as
// plain structs, and the one table of the values a tick carries. The parser
// (sources/feed_messages.h), the plan's validation (a feed expectation names one of
// feedschema::fieldNames()), the expectations (feedFieldValue()) and tst_feed_messages' check
// against PROTOCOL.md all read this table, so a field is added here once.

inline constexpr int kFeedProtocolVersion = 1;

struct LatencyStats
{
    int count = 0;
    int errors = 0;
    double rps = 0;
    std::optional<double> p50Ms, p95Ms, p99Ms;
};

struct LoadState
{
    bool running = false, readers = true, writers = true;
    double targetRps = 0, achievedRps = 0;
    int inFlight = 0, activeWorkers = 0;
    qint64 sentTotal = 0, droppedTotal = 0, errorsTotal = 0;
    bool spikeActive = false;
    double spikeRps = 0, spikeRemainingS = 0;
    std::optional<double> intendedP99Ms, actualP99Ms;
    int maxRps = 0, maxSeconds = 0, maxConcurrency = 0;
    bool authRequired = false;
};

struct FeedTick
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    int intervalMs = 0;
    QMap<QString, LatencyStats> routes; // "login", "search"
    LatencyStats writer, reader;
    LoadState load;
    bool ready = true;
};

struct FeedEvent
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    QString kind;
    QString text;
    QJsonObject detail;
};

struct FeedHello
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    int tickMs = 0;
    QString version;
    QString dialect;
    LoadState load;
    bool ready = true;
};

namespace feedschema {

// One number of a latency block (`routes.<route>` and `db.<pool>`): its key on the wire and the
// member that keeps it. The member's type is the wire type: int an integer, double a number,
// optional a number or null (a percentile of an interval without samples).
struct StatsField
{
    QString key; // "p99_ms"
    std::variant<int LatencyStats::*, double LatencyStats::*, std::optional<double> LatencyStats::*> member;
    bool routesOnly = false; // rps: a route's rate; the pools carry none
};
const QList<StatsField> &statsFields(); // in the wire's order

// One value of the load state (display-only: parsed leniently, a missing value keeps its default).
struct Present
{
    bool LoadState::*member; // true while the wire has an object at the path (the running spike)
};
struct LoadField
{
    QString path; // under "load", dots for nesting: "latency_ms.actual.p99"
    std::variant<bool LoadState::*, int LoadState::*, qint64 LoadState::*, double LoadState::*,
        std::optional<double> LoadState::*, Present>
        member;
    QString planName; // what a plan names it after "load." ("actual_p99_ms"); empty: not offered
};
const QList<LoadField> &loadFields();

QStringList routeNames(); // "login", "search": the routes a tick reports and a plan may name

// A database pool of the tick's "db" block and the member that keeps its numbers.
struct PoolField
{
    QString name; // "writer"
    LatencyStats FeedTick::*member;
};
const QList<PoolField> &pools(); // writer, reader

// A value a plan's feed expectation may name, read from each tick.
struct TickField
{
    QString name; // the plan's name: "routes.search.p99_ms", "load.actual_p99_ms"
    QString wirePath; // where a tick carries it: "routes.search.p99_ms", "load.latency_ms.actual.p99"
    // Nothing when the tick has no value (a percentile without samples, a route not reported).
    // Booleans read 1 / 0.
    std::function<std::optional<double>(const FeedTick &)> value;
};
const QList<TickField> &tickFields();
QStringList fieldNames(); // the names of tickFields(), in order

} // namespace feedschema

// Reads one feed field (feedschema::fieldNames()) from a tick; nothing for a name not in the table
// or when the tick has no value for it.
std::optional<double> feedFieldValue(const FeedTick &tick, const QString &field);

} // namespace presenter

Q_DECLARE_METATYPE(presenter::FeedTick)
Q_DECLARE_METATYPE(presenter::FeedEvent)
