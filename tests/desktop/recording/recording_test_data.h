#pragma once

// Records shaped like the ones the presenter writes (desktop/docs/RECORDING.md), for the
// recording tests: a feed tick as the sample app sends it (sampleapp/PROTOCOL.md), a Prometheus
// poll, a node status, a beat change. Test-only.
#include "recording/recording.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

using namespace presenter;

namespace recordingtest {

inline recording::Header header()
{
    recording::Header h;
    h.startedMs = 1763800000000;
    h.plan = QStringLiteral("demo/plan.json");
    h.planTitle = QStringLiteral("From one node to a cluster that heals");
    h.profile = QJsonObject {
        {QStringLiteral("name"), QStringLiteral("local")}, {QStringLiteral("cluster_kind"), QStringLiteral("none")}};
    h.presenterVersion = QStringLiteral("0.1.0");
    h.purpose = QStringLiteral("rehearsal");
    return h;
}

// The i-th of a varied series: every kind of payload the format carries (strings with quotes,
// newlines and non-ASCII text, numbers, nested arrays, empty objects).
inline recording::Record record(int i)
{
    const qint64 t = 1763800000000 + 100LL * i;
    switch (i % 5) {
    case 0:
        return {t, QStringLiteral("feed"),
            {{QStringLiteral("text"),
                QStringLiteral("{\"v\":1,\"type\":\"tick\",\"seq\":%1,\"ts_ms\":%2,\"interval_ms\":100,"
                               "\"routes\":{\"login\":{\"rps\":40.0,\"count\":4,\"errors\":0,\"p50_ms\":1.1,"
                               "\"p95_ms\":2.0,\"p99_ms\":null}},\"ready\":true}")
                    .arg(i)
                    .arg(t)}}};
    case 1:
        return {t, QStringLiteral("prom_poll"),
            {{QStringLiteral("name"), QStringLiteral("crdb.replicas")},
                {QStringLiteral("series"),
                    QJsonArray {
                        QJsonObject {{QStringLiteral("labels"),
                                         QJsonObject {{QStringLiteral("pod"), QStringLiteral("crdb-%1").arg(i % 3)}}},
                            {QStringLiteral("points"), QJsonArray {QJsonArray {t, QStringLiteral("NaN")}}}}}}}};
    case 2:
        return {t, QStringLiteral("story"),
            {{QStringLiteral("index"), i % 13}, {QStringLiteral("beat"), QStringLiteral("failure")},
                {QStringLiteral("stage"), QStringLiteral("running")}}};
    case 3:
        return {t, QStringLiteral("marker"),
            {{QStringLiteral("x"), static_cast<double>(t)}, {QStringLiteral("kind"), QStringLiteral("fault")},
                {QStringLiteral("text"), QStringLiteral("crdb-2 down (keep down) \u2014 \"quoted\"\nsecond line")}}};
    default:
        return {t, QStringLiteral("user"), {}};
    }
}

inline QList<recording::Record> records(int n)
{
    QList<recording::Record> out;
    for (int i = 0; i < n; ++i) {
        out.append(record(i));
    }
    return out;
}

} // namespace recordingtest
