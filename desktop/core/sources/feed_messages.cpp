#include "feed_messages.h"

#include <QJsonValue>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

// Collects the first problem so that a rejected message says which field was wrong.
class Reader
{
public:
    explicit Reader(QString *error) : m_error(error) { }

    bool ok() const { return m_ok; }

    void fail(const QString &why)
    {
        if (m_ok && m_error) {
            *m_error = why;
        }
        m_ok = false;
    }

    double number(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            fail(u"missing field %1"_s.arg(path + key));
            return 0;
        }
        if (!v.isDouble()) {
            fail(u"field %1 is not a number"_s.arg(path + key));
            return 0;
        }
        return v.toDouble();
    }

    qint64 integer(const QJsonObject &o, const QString &key, const QString &path)
    {
        const double d = number(o, key, path);
        // Checked even after an earlier problem: converting a double beyond qint64 is undefined.
        if (d != std::floor(d) || std::fabs(d) > 9007199254740992.0) {
            fail(u"field %1 is not an integer"_s.arg(path + key));
            return 0;
        }
        return qint64(d);
    }

    // An integer the struct keeps as int (counts, intervals).
    int intField(const QJsonObject &o, const QString &key, const QString &path)
    {
        const qint64 n = integer(o, key, path);
        if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
            fail(u"field %1 is out of range"_s.arg(path + key));
            return 0;
        }
        return int(n);
    }

    std::optional<double> nullableNumber(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isNull()) {
            return std::nullopt;
        }
        return number(o, key, path);
    }

    QString string(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            fail(u"missing field %1"_s.arg(path + key));
            return {};
        }
        if (!v.isString()) {
            fail(u"field %1 is not a string"_s.arg(path + key));
            return {};
        }
        return v.toString();
    }

    bool boolean(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            fail(u"missing field %1"_s.arg(path + key));
            return false;
        }
        if (!v.isBool()) {
            fail(u"field %1 is not a boolean"_s.arg(path + key));
            return false;
        }
        return v.toBool();
    }

    QJsonObject object(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            fail(u"missing field %1"_s.arg(path + key));
            return {};
        }
        if (!v.isObject()) {
            fail(u"field %1 is not an object"_s.arg(path + key));
            return {};
        }
        return v.toObject();
    }

    // v, type, seq, ts_ms: the envelope every message carries.
    bool envelope(const QJsonObject &m, const QString &type, qint64 *seq, qint64 *tsMs)
    {
        const QJsonValue v = m.value("v"_L1);
        if (v.isUndefined()) {
            fail(u"missing field v (protocol version)"_s);
            return false;
        }
        if (!v.isDouble() || v.toDouble() != kFeedProtocolVersion) {
            fail(u"unsupported protocol version %1 (expected %2)"_s.arg(v.toVariant().toString())
                     .arg(kFeedProtocolVersion));
            return false;
        }
        const QString actualType = string(m, u"type"_s, {});
        if (ok() && actualType != type) {
            fail(u"message type is %1, not %2"_s.arg(actualType, type));
        }
        *seq = integer(m, u"seq"_s, {});
        *tsMs = integer(m, u"ts_ms"_s, {});
        return ok();
    }

    LatencyStats stats(const QJsonObject &o, const QString &path, bool hasRps)
    {
        LatencyStats s;
        s.count = intField(o, u"count"_s, path);
        s.errors = intField(o, u"errors"_s, path);
        if (hasRps) {
            s.rps = number(o, u"rps"_s, path);
        }
        s.p50Ms = nullableNumber(o, u"p50_ms"_s, path);
        s.p95Ms = nullableNumber(o, u"p95_ms"_s, path);
        s.p99Ms = nullableNumber(o, u"p99_ms"_s, path);
        return s;
    }

private:
    QString *m_error;
    bool m_ok = true;
};

double numberOr(const QJsonObject &o, QLatin1StringView key, double fallback)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toDouble() : fallback;
}

// Display-only counts: a value beyond the type's range is clamped to it (converting it as it is
// would be undefined behaviour).
template<typename Int> Int clampedOr(const QJsonObject &o, QLatin1StringView key, Int fallback)
{
    const QJsonValue v = o.value(key);
    if (!v.isDouble()) {
        return fallback;
    }
    const double d = v.toDouble();
    // 2^63 is exactly representable; every double below it converts.
    if (d >= double(std::numeric_limits<Int>::max())) {
        return std::numeric_limits<Int>::max();
    }
    if (d <= double(std::numeric_limits<Int>::min())) {
        return std::numeric_limits<Int>::min();
    }
    return Int(d);
}

bool boolOr(const QJsonObject &o, QLatin1StringView key, bool fallback)
{
    const QJsonValue v = o.value(key);
    return v.isBool() ? v.toBool() : fallback;
}

std::optional<double> optionalNumber(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

} // namespace

LoadState parseLoadState(const QJsonObject &load)
{
    LoadState s;
    s.running = boolOr(load, "running"_L1, s.running);
    s.readers = boolOr(load, "readers"_L1, s.readers);
    s.writers = boolOr(load, "writers"_L1, s.writers);
    s.targetRps = numberOr(load, "target_rps"_L1, 0);
    s.achievedRps = numberOr(load, "achieved_rps"_L1, 0);
    s.inFlight = clampedOr<int>(load, "in_flight"_L1, 0);
    s.activeWorkers = clampedOr<int>(load, "active_workers"_L1, 0);
    s.sentTotal = clampedOr<qint64>(load, "sent_total"_L1, 0);
    s.droppedTotal = clampedOr<qint64>(load, "dropped_total"_L1, 0);
    s.errorsTotal = clampedOr<qint64>(load, "errors_total"_L1, 0);
    const QJsonValue spike = load.value("spike"_L1);
    s.spikeActive = spike.isObject();
    if (s.spikeActive) {
        const QJsonObject o = spike.toObject();
        s.spikeRps = numberOr(o, "rps"_L1, 0);
        s.spikeRemainingS = numberOr(o, "remaining_s"_L1, 0);
    }
    const QJsonObject latency = load.value("latency_ms"_L1).toObject();
    s.intendedP99Ms = optionalNumber(latency.value("intended"_L1).toObject(), "p99"_L1);
    s.actualP99Ms = optionalNumber(latency.value("actual"_L1).toObject(), "p99"_L1);
    const QJsonObject limits = load.value("limits"_L1).toObject();
    s.maxRps = clampedOr<int>(limits, "max_rps"_L1, 0);
    s.maxSeconds = clampedOr<int>(limits, "max_seconds"_L1, 0);
    s.maxConcurrency = clampedOr<int>(limits, "max_concurrency"_L1, 0);
    s.authRequired = boolOr(load, "auth_required"_L1, false);
    return s;
}

std::optional<FeedTick> parseTick(const QJsonObject &message, QString *error)
{
    Reader r(error);
    FeedTick t;
    if (!r.envelope(message, u"tick"_s, &t.seq, &t.tsMs)) {
        return std::nullopt;
    }
    t.intervalMs = r.intField(message, u"interval_ms"_s, {});
    const QJsonObject routes = r.object(message, u"routes"_s, {});
    for (auto it = routes.begin(); r.ok() && it != routes.end(); ++it) {
        if (!it.value().isObject()) {
            r.fail(u"field routes.%1 is not an object"_s.arg(it.key()));
            break;
        }
        t.routes.insert(it.key(), r.stats(it.value().toObject(), u"routes.%1."_s.arg(it.key()), true));
    }
    const QJsonObject db = r.object(message, u"db"_s, {});
    if (r.ok()) {
        t.writer = r.stats(r.object(db, u"writer"_s, u"db."_s), u"db.writer."_s, false);
    }
    if (r.ok()) {
        t.reader = r.stats(r.object(db, u"reader"_s, u"db."_s), u"db.reader."_s, false);
    }
    const QJsonObject load = r.object(message, u"load"_s, {});
    t.load = parseLoadState(load);
    t.ready = r.boolean(message, u"ready"_s, {});
    if (!r.ok()) {
        return std::nullopt;
    }
    return t;
}

std::optional<FeedEvent> parseEvent(const QJsonObject &message, QString *error)
{
    Reader r(error);
    FeedEvent e;
    if (!r.envelope(message, u"event"_s, &e.seq, &e.tsMs)) {
        return std::nullopt;
    }
    e.kind = r.string(message, u"kind"_s, {});
    e.text = r.string(message, u"text"_s, {});
    // detail is optional for kinds without one, but when present it must be an object.
    const QJsonValue detail = message.value("detail"_L1);
    if (!detail.isUndefined() && !detail.isNull()) {
        e.detail = r.object(message, u"detail"_s, {});
    }
    if (r.ok() && e.kind.isEmpty()) {
        r.fail(u"field kind is empty"_s);
    }
    if (!r.ok()) {
        return std::nullopt;
    }
    return e;
}

std::optional<FeedHello> parseHello(const QJsonObject &message, QString *error)
{
    Reader r(error);
    FeedHello h;
    if (!r.envelope(message, u"hello"_s, &h.seq, &h.tsMs)) {
        return std::nullopt;
    }
    h.tickMs = r.intField(message, u"tick_ms"_s, {});
    h.version = r.string(message, u"version"_s, {});
    h.dialect = r.string(message, u"dialect"_s, {});
    h.load = parseLoadState(r.object(message, u"load"_s, {}));
    h.ready = r.boolean(message, u"ready"_s, {});
    if (!r.ok()) {
        return std::nullopt;
    }
    return h;
}
