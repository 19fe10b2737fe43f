#include "plan_reader.h"

#include "feed_schema.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

void PlanReader::error(const QString &where, const QString &what)
{
    m_errors->append(where + u": "_s + what);
}

void PlanReader::rejectUnknown(const QJsonObject &o, const QString &where, const QStringList &known)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            error(where + u"."_s + it.key(), u"unknown field"_s);
        }
    }
}

std::optional<QString> PlanReader::string(const QJsonObject &o, const QString &where, const QString &key, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        if (required) {
            error(where + u"."_s + key, u"missing"_s);
        }
        return std::nullopt;
    }
    if (!v.isString() || v.toString().trimmed().isEmpty()) {
        error(where + u"."_s + key, u"must be a non-empty string"_s);
        return std::nullopt;
    }
    return v.toString();
}

std::optional<double> PlanReader::number(
    const QJsonObject &o, const QString &where, const QString &key, double min, double max, bool integer)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        error(where + u"."_s + key, u"missing"_s);
        return std::nullopt;
    }
    if (!v.isDouble()) {
        error(where + u"."_s + key, u"must be a number"_s);
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (integer && d != std::floor(d)) {
        error(where + u"."_s + key, u"must be an integer"_s);
        return std::nullopt;
    }
    if (d < min || d > max) {
        error(where + u"."_s + key, u"must be between %1 and %2 (got %3)"_s.arg(min).arg(max).arg(d));
        return std::nullopt;
    }
    return d;
}

std::optional<QMap<QString, double>> PlanReader::mix(const QJsonObject &o, const QString &where)
{
    const QJsonValue v = o.value(u"mix"_s);
    if (v.isUndefined()) {
        return QMap<QString, double> {};
    }
    const QString at = where + u".mix"_s;
    if (!v.isObject()) {
        error(at, u"must be an object like {\"login\": 0.2, \"search\": 0.8}"_s);
        return std::nullopt;
    }
    QMap<QString, double> out;
    double sum = 0;
    const QJsonObject m = v.toObject();
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!feedschema::routeNames().contains(it.key())) {
            error(at + u"."_s + it.key(), u"unknown route (login or search)"_s);
            return std::nullopt;
        }
        if (!it->isDouble() || it->toDouble() < 0 || it->toDouble() > 1) {
            error(at + u"."_s + it.key(), u"must be a number in [0, 1]"_s);
            return std::nullopt;
        }
        out.insert(it.key(), it->toDouble());
        sum += it->toDouble();
    }
    if (std::abs(sum - 1.0) > 0.001) {
        error(at, u"shares must sum to 1 (got %1)"_s.arg(sum));
        return std::nullopt;
    }
    return out;
}

} // namespace presenter
