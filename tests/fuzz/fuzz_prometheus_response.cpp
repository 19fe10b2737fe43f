// libFuzzer target over the Prometheus HTTP API answer parser (parsePrometheusResponse,
// desktop/core/sources/prometheus_client.h): /api/v1/query and /api/v1/query_range bodies.
// Promises: never a crash or undefined behaviour; a refusal always says something (Prometheus's
// own "<errorType>: <error>" for its error answers, a sentence otherwise); and what was accepted,
// written back as an answer, parses to the same labels and values.
#include "fuzz_support.h"
#include "sources/prometheus_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstring>

using namespace presenter;

namespace {

QString valueText(double v)
{
    if (std::isnan(v)) {
        return QStringLiteral("NaN");
    }
    if (std::isinf(v)) {
        return v > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    }
    return QString::number(v, 'g', 17);
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

// A matrix answer carrying the same series (timestamps back in seconds).
QByteArray asMatrix(const QList<PromSeries> &series)
{
    QJsonArray result;
    for (const PromSeries &s : series) {
        QJsonObject metric;
        for (auto it = s.labels.begin(); it != s.labels.end(); ++it) {
            metric.insert(it.key(), it.value());
        }
        QJsonArray values;
        for (const QPointF &p : s.points) {
            values.append(QJsonArray {p.x() / 1000.0, valueText(p.y())});
        }
        result.append(QJsonObject {{QStringLiteral("metric"), metric}, {QStringLiteral("values"), values}});
    }
    const QJsonObject data {
        {QStringLiteral("resultType"), QStringLiteral("matrix")}, {QStringLiteral("result"), result}};
    return QJsonDocument(
        QJsonObject {{QStringLiteral("status"), QStringLiteral("success")}, {QStringLiteral("data"), data}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QByteArray body = fuzzBytes(data, size);
    QString error;
    const auto series = parsePrometheusResponse(body, &error);
    if (!series) {
        const bool prometheusError
            = QJsonDocument::fromJson(body).object().value(QLatin1String("status")) == QLatin1String("error");
        FUZZ_PROMISE(prometheusError ? error.contains(QLatin1String(": ")) : isSentence(error));
        return 0;
    }
    QString againError;
    const auto again = parsePrometheusResponse(asMatrix(*series), &againError);
    FUZZ_PROMISE(again && again->size() == series->size());
    for (qsizetype i = 0; i < series->size(); ++i) {
        const PromSeries &a = series->at(i);
        const PromSeries &b = again->at(i);
        FUZZ_PROMISE(a.labels == b.labels && a.points.size() == b.points.size());
        for (qsizetype j = 0; j < a.points.size(); ++j) {
            FUZZ_PROMISE(sameValue(a.points.at(j).y(), b.points.at(j).y()));
        }
#ifdef FUZZ_PLANTED_BUG
        // Planted (tests/fuzz.sh --planted): a label value holding a '~' is copied to a buffer of
        // its own length and read one byte past it.
        for (const QString &value : a.labels) {
            const QByteArray bytes = value.toUtf8();
            if (bytes.contains('~')) {
                char *copy = new char[bytes.size()];
                std::memcpy(copy, bytes.constData(), bytes.size());
                volatile char past = copy[bytes.size()];
                (void)past;
                delete[] copy;
            }
        }
#endif
    }
    return 0;
}
