#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace presenter {

// Reads a plan's JSON values and collects one sentence per problem, each with the path of the value
// being read ("beat 'heal'.actions[1].nodes: missing"). Each read returns nothing when the value is
// missing or wrong, after saying why.
class PlanReader
{
public:
    explicit PlanReader(QStringList *errors) : m_errors(errors) { }
    void error(const QString &where, const QString &what);
    bool ok() const { return m_errors->isEmpty(); }

    // Unknown keys are errors: a typo in a plan must not silently drop an action or expectation.
    void rejectUnknown(const QJsonObject &o, const QString &where, const QStringList &known);
    std::optional<QString> string(const QJsonObject &o, const QString &where, const QString &key, bool required = true);
    std::optional<double> number(
        const QJsonObject &o, const QString &where, const QString &key, double min, double max, bool integer = false);
    // A load mix: {"login": 0.2, "search": 0.8}, the feed's routes, shares summing to 1. Absent: empty.
    std::optional<QMap<QString, double>> mix(const QJsonObject &o, const QString &where);

private:
    QStringList *m_errors;
};

} // namespace presenter
