#include "feed_schema.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace presenter {

namespace feedschema {

const QList<StatsField> &statsFields()
{
    using S = LatencyStats;
    static const QList<StatsField> fields {
        {u"rps"_s, &S::rps, true},
        {u"count"_s, &S::count},
        {u"errors"_s, &S::errors},
        {u"p50_ms"_s, &S::p50Ms},
        {u"p95_ms"_s, &S::p95Ms},
        {u"p99_ms"_s, &S::p99Ms},
    };
    return fields;
}

const QList<LoadField> &loadFields()
{
    using L = LoadState;
    static const QList<LoadField> fields {
        {u"running"_s, &L::running, u"running"_s},
        {u"readers"_s, &L::readers, {}},
        {u"writers"_s, &L::writers, {}},
        {u"target_rps"_s, &L::targetRps, u"target_rps"_s},
        {u"achieved_rps"_s, &L::achievedRps, u"achieved_rps"_s},
        {u"in_flight"_s, &L::inFlight, u"in_flight"_s},
        {u"active_workers"_s, &L::activeWorkers, {}},
        {u"sent_total"_s, &L::sentTotal, {}},
        {u"dropped_total"_s, &L::droppedTotal, u"dropped_total"_s},
        {u"errors_total"_s, &L::errorsTotal, u"errors_total"_s},
        {u"spike"_s, Present {&L::spikeActive}, u"spike_active"_s},
        {u"spike.rps"_s, &L::spikeRps, {}},
        {u"spike.remaining_s"_s, &L::spikeRemainingS, {}},
        {u"latency_ms.actual.p99"_s, &L::actualP99Ms, u"actual_p99_ms"_s},
        {u"latency_ms.intended.p99"_s, &L::intendedP99Ms, u"intended_p99_ms"_s},
        {u"limits.max_rps"_s, &L::maxRps, {}},
        {u"limits.max_seconds"_s, &L::maxSeconds, {}},
        {u"limits.max_concurrency"_s, &L::maxConcurrency, {}},
        {u"auth_required"_s, &L::authRequired, {}},
    };
    return fields;
}

QStringList routeNames()
{
    return {u"login"_s, u"search"_s};
}

const QList<PoolField> &pools()
{
    static const QList<PoolField> fields {{u"writer"_s, &FeedTick::writer}, {u"reader"_s, &FeedTick::reader}};
    return fields;
}

namespace {

// A number of the tick as the expectations compare it: booleans 1 / 0.
struct AsNumber
{
    std::optional<double> operator()(bool v) const { return v ? 1.0 : 0.0; }
    std::optional<double> operator()(int v) const { return double(v); }
    std::optional<double> operator()(qint64 v) const { return double(v); }
    std::optional<double> operator()(double v) const { return v; }
    std::optional<double> operator()(const std::optional<double> &v) const { return v; }
};

std::optional<double> statsValue(const LatencyStats &stats, const StatsField &field)
{
    return std::visit([&](auto member) { return AsNumber {}(stats.*member); }, field.member);
}

std::optional<double> loadValue(const LoadState &load, const LoadField &field)
{
    return std::visit(
        [&](auto member) -> std::optional<double> {
            if constexpr (std::is_same_v<decltype(member), Present>) {
                return AsNumber {}(load.*(member.member));
            } else {
                return AsNumber {}(load.*member);
            }
        },
        field.member);
}

QList<TickField> buildTickFields()
{
    QList<TickField> out;
    out.append({u"ready"_s, u"ready"_s, [](const FeedTick &t) { return AsNumber {}(t.ready); }});
    for (const LoadField &f : loadFields()) {
        if (!f.planName.isEmpty()) {
            out.append({u"load."_s + f.planName, u"load."_s + f.path,
                [f](const FeedTick &t) { return loadValue(t.load, f); }});
        }
    }
    for (const QString &route : routeNames()) {
        for (const StatsField &f : statsFields()) {
            const QString path = u"routes.%1.%2"_s.arg(route, f.key);
            out.append({path, path, [route, f](const FeedTick &t) -> std::optional<double> {
                            const auto it = t.routes.constFind(route);
                            return it == t.routes.cend() ? std::nullopt : statsValue(*it, f);
                        }});
        }
    }
    for (const PoolField &pool : pools()) {
        const auto stats = pool.member;
        for (const StatsField &f : statsFields()) {
            if (!f.routesOnly) {
                const QString path = u"db.%1.%2"_s.arg(pool.name, f.key);
                out.append({path, path, [stats, f](const FeedTick &t) { return statsValue(t.*stats, f); }});
            }
        }
    }
    return out;
}

} // namespace

const QList<TickField> &tickFields()
{
    static const QList<TickField> fields = buildTickFields();
    return fields;
}

QStringList fieldNames()
{
    QStringList names;
    for (const TickField &f : tickFields()) {
        names.append(f.name);
    }
    return names;
}

} // namespace feedschema

std::optional<double> feedFieldValue(const FeedTick &tick, const QString &field)
{
    static const QHash<QString, qsizetype> index = [] {
        QHash<QString, qsizetype> out;
        const auto &fields = feedschema::tickFields();
        for (qsizetype i = 0; i < fields.size(); ++i) {
            out.insert(fields[i].name, i);
        }
        return out;
    }();
    const auto it = index.constFind(field);
    return it == index.cend() ? std::nullopt : feedschema::tickFields().at(*it).value(tick);
}

} // namespace presenter
