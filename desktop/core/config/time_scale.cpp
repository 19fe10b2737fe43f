#include "time_scale.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace presenter::timescale {

namespace {

// A number field of a JSON object scaled in place, when present.
template<typename F> void scaleField(QJsonObject &o, const QString &key, F scale)
{
    if (o.contains(key)) {
        o.insert(key, scale(o.value(key).toDouble()));
    }
}

QJsonArray scaledEach(const QJsonArray &array, const std::function<void(QJsonObject &)> &scale)
{
    QJsonArray out;
    for (const QJsonValue &v : array) {
        QJsonObject o = v.toObject();
        scale(o);
        out.append(o);
    }
    return out;
}

} // namespace

bool isValid(double factor)
{
    return factor > 0 && factor <= 1;
}

int scaledWithinS(int withinS, double factor)
{
    const double s = std::ceil(double(withinS) * factor - 1e-9);
    return std::max(int(kFloorS), int(s));
}

double scaledTalkMinutes(double minutes, double factor)
{
    return minutes <= 0 ? minutes : std::max(kFloorTalkMinutes, minutes * factor);
}

double scaledSeconds(double seconds, double factor)
{
    if (seconds <= 0) {
        return seconds;
    }
    return std::max(kFloorS, seconds * factor);
}

DemoPlan scaled(const DemoPlan &plan, double factor)
{
    if (factor == 1.0) {
        return plan;
    }
    DemoPlan out = plan;
    out.talkMinutes = scaledTalkMinutes(plan.talkMinutes, factor);
    for (Beat &beat : out.beats) {
        beat.budgetS = scaledSeconds(beat.budgetS, factor);
        for (PlanAction &a : beat.actions) {
            if (a.type == PlanAction::Type::Spike) {
                a.seconds = scaledSeconds(a.seconds, factor);
            }
        }
        for (PlanExpectation &e : beat.expectations) {
            e.withinS = scaledWithinS(e.withinS, factor);
        }
    }
    return out;
}

std::optional<QByteArray> scaledJson(const QByteArray &json, double factor)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject()) {
        return std::nullopt;
    }
    if (factor == 1.0) {
        return json;
    }
    QJsonObject plan = doc.object();
    scaleField(plan, u"talk_minutes"_s, [factor](double v) { return scaledTalkMinutes(v, factor); });
    const auto seconds = [factor](double v) { return scaledSeconds(v, factor); };
    plan.insert(u"beats"_s, scaledEach(plan.value(u"beats"_s).toArray(), [&](QJsonObject &beat) {
        scaleField(beat, u"budget_s"_s, seconds);
        beat.insert(u"actions"_s, scaledEach(beat.value(u"actions"_s).toArray(), [&](QJsonObject &a) {
            if (a.value(u"type"_s).toString() == u"spike") {
                scaleField(a, u"seconds"_s, seconds);
            }
        }));
        beat.insert(u"expectations"_s, scaledEach(beat.value(u"expectations"_s).toArray(), [&](QJsonObject &e) {
            scaleField(e, u"within_s"_s, [factor](double v) { return scaledWithinS(int(v), factor); });
        }));
    }));
    return QJsonDocument(plan).toJson(QJsonDocument::Compact);
}

} // namespace presenter::timescale
