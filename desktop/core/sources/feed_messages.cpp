#include "feed_messages.h"

#include <QJsonValue>

#include <cmath>
#include <limits>
#include <variant>

using namespace Qt::StringLiterals;

namespace presenter {

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

    // A latency block, field by field as the schema lists them (the pools carry no rate).
    LatencyStats stats(const QJsonObject &o, const QString &path, bool hasRps)
    {
        LatencyStats s;
        for (const feedschema::StatsField &f : feedschema::statsFields()) {
            if (hasRps || !f.routesOnly) {
                std::visit([&](auto member) { read(o, f.key, path, s.*member); }, f.member);
            }
        }
        return s;
    }

private:
    void read(const QJsonObject &o, const QString &key, const QString &path, int &out) { out = intField(o, key, path); }
    void read(const QJsonObject &o, const QString &key, const QString &path, double &out)
    {
        out = number(o, key, path);
    }
    void read(const QJsonObject &o, const QString &key, const QString &path, std::optional<double> &out)
    {
        out = nullableNumber(o, key, path);
    }

    QString *m_error;
    bool m_ok = true;
};

// Display-only counts: a value beyond the type's range is clamped to it (converting it as it is
// would be undefined behaviour).
template<typename Int> Int clamped(double d)
{
    // 2^63 is exactly representable; every double below it converts.
    if (d >= double(std::numeric_limits<Int>::max())) {
        return std::numeric_limits<Int>::max();
    }
    if (d <= double(std::numeric_limits<Int>::min())) {
        return std::numeric_limits<Int>::min();
    }
    return Int(d);
}

// The value at a dotted path ("latency_ms.actual.p99"); undefined where the path does not lead.
QJsonValue valueAt(const QJsonObject &o, const QString &path)
{
    QJsonValue v = o;
    for (const QStringView part : QStringView(path).split(u'.')) {
        v = v.toObject().value(part);
    }
    return v;
}

// Sets one load field from its wire value when the value has the field's type; otherwise the
// field keeps its default.
struct LenientRead
{
    QJsonValue v;
    LoadState &s;

    void operator()(bool LoadState::*m) const
    {
        if (v.isBool()) {
            s.*m = v.toBool();
        }
    }
    template<typename Int> void operator()(Int LoadState::*m) const
    {
        if (v.isDouble()) {
            s.*m = clamped<Int>(v.toDouble());
        }
    }
    void operator()(double LoadState::*m) const
    {
        if (v.isDouble()) {
            s.*m = v.toDouble();
        }
    }
    void operator()(std::optional<double> LoadState::*m) const
    {
        s.*m = v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
    }
    void operator()(feedschema::Present p) const { s.*(p.member) = v.isObject(); }
};

} // namespace

LoadState parseLoadState(const QJsonObject &load)
{
    LoadState s;
    for (const feedschema::LoadField &f : feedschema::loadFields()) {
        std::visit(LenientRead {valueAt(load, f.path), s}, f.member);
    }
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
    for (const feedschema::PoolField &pool : feedschema::pools()) {
        if (r.ok()) {
            t.*(pool.member) = r.stats(r.object(db, pool.name, u"db."_s), u"db.%1."_s.arg(pool.name), false);
        }
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

} // namespace presenter
