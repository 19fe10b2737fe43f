// Recording size benchmark (tests/bench/recording_size.sh runs it): prints figures, asserts
// nothing. Writes a synthetic 15-minute session through the real RecordingWriter at the
// presenter's full data rate and prints bytes per minute (compressed and not), the 15-minute
// total and the writer's CPU time per record.
//
// What a session receives (the rates of the code that produces it):
//   feed        one tick every APP_TICK_MS (sampleapp/PROTOCOL.md: 1000 ms by default, 100 ms the
//               fastest the app allows: "full rate"), the text as the real sample app sent it
//               (captured from --feed-url; seq and ts_ms renumbered), plus its events
//   prom_poll   every ClusterMetrics::queries() poll every 5 s (ClusterMetrics::attach), the
//               per-node ones with one series per node (PromSeries: labels + [t, "value"])
//   prom_query  the expectation evaluator's instant queries: two every 5 s while a beat runs
//   node_status every 1.5 s (NodeStatusClient::setIntervalMs default): every endpoint and node
//   cluster_status every 2 s (ClusterDriver's refresh)
//   story, beat_run, action, marker, beat_finished: the 13 beats of demo/plan.json
// The payloads use the recorder's field names (recording/record_codec.cpp), so tests/bench/
// replay_cpu can play the file through the presenter.
#include "model/cluster_metrics.h"
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTimer>
#include <QWebSocket>

#include <sys/resource.h>

#include <cstdio>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

constexpr qint64 kStartMs = 1763800000000;

double cpuSeconds(int who)
{
    rusage usage {};
    getrusage(who, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Captured
{
    QList<QString> ticks;
    QList<QString> events;
};

// Real feed messages: connects to the sample app's /ws and keeps what it sends for `seconds`.
Captured capture(const QUrl &url, int seconds)
{
    Captured out;
    QWebSocket socket;
    QObject::connect(&socket, &QWebSocket::textMessageReceived, [&out](const QString &text) {
        const QString type = QJsonDocument::fromJson(text.toUtf8()).object().value(u"type"_s).toString();
        if (type == u"tick"_s) {
            out.ticks.append(text);
        } else if (type == u"event"_s) {
            out.events.append(text);
        }
    });
    socket.open(url);
    QTimer::singleShot(seconds * 1000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    socket.close();
    return out;
}

// The example tick of sampleapp/PROTOCOL.md, when no sample app is given.
const QString kProtocolTick
    = u"{\"v\":1,\"type\":\"tick\",\"seq\":42,\"ts_ms\":1763800000000,\"interval_ms\":1000,"
      "\"routes\": {\"login\":  {\"rps\": 40.0, \"count\": 40, \"errors\": 0, \"p50_ms\": 1.1, "
      "\"p95_ms\": 2.0, \"p99_ms\": 3.5},\"search\": {\"rps\": 160.0, \"count\": 160, \"errors\": 0, "
      "\"p50_ms\": 0.4, \"p95_ms\": 0.9, \"p99_ms\": 1.5}},\"db\": {\"writer\": {\"count\": 40, "
      "\"errors\": 0, \"p50_ms\": 0.9, \"p95_ms\": 1.8, \"p99_ms\": 3.0},\"reader\": {\"count\": 160, "
      "\"errors\": 0, \"p50_ms\": 0.3, \"p95_ms\": 0.7, \"p99_ms\": 1.2}},\"ready\": true}"_s;

QString renumber(QString text, qint64 seq, qint64 tsMs)
{
    static const QRegularExpression seqRe(u"\"seq\":\\d+"_s);
    static const QRegularExpression tsRe(u"\"ts_ms\":\\d+"_s);
    text.replace(seqRe, u"\"seq\":%1"_s.arg(seq));
    text.replace(tsRe, u"\"ts_ms\":%1"_s.arg(tsMs));
    return text;
}

QJsonObject promPoll(const ClusterMetrics::Query &query, qint64 t, int nodes, int round)
{
    QJsonArray series;
    const int count = query.perNode ? nodes : 1;
    for (int n = 0; n < count; ++n) {
        QJsonObject labels;
        if (query.perNode) {
            labels.insert(u"pod"_s, u"crdb-%1"_s.arg(n));
            labels.insert(u"instance"_s, u"10.244.0.%1:8080"_s.arg(11 + n));
        }
        // Values vary like real ones (rates with decimals, counts), as Prometheus's strings.
        const double value = query.perNode ? 40 + (round + n) % 7 : (round % 100) * 1.37 + 0.123456789;
        series.append(QJsonObject {
            {u"labels"_s, labels}, {u"points"_s, QJsonArray {QJsonArray {t, QString::number(value, 'g', 15)}}}});
    }
    return {{u"name"_s, query.name}, {u"series"_s, series}};
}

QJsonObject nodeStatus(qint64 t, int nodes, int round)
{
    QJsonArray endpoints;
    QJsonArray crdbNodes;
    for (int n = 0; n < nodes; ++n) {
        endpoints.append(QJsonObject {{u"pod"_s, u"crdb-%1"_s.arg(n)},
            {u"url"_s, u"http://127.0.0.1:%1"_s.arg(18080 + n)}, {u"health"_s, u"ready"_s}, {u"error"_s, QString()},
            {u"since_ms"_s, kStartMs}, {u"last_answer_ms"_s, t - 3 * n}, {u"vars_at_ms"_s, t - (round % 4) * 1500},
            {u"vars"_s,
                QJsonObject {{u"node_id"_s, n + 1},
                    {u"advertise_addr"_s, u"crdb-%1.crdb.crdb-evolution.svc.cluster.local:26257"_s.arg(n)},
                    {u"ranges"_s, 68}, {u"replicas"_s, 68}, {u"leaseholders"_s, 22 + n}, {u"under_replicated"_s, 0},
                    {u"unavailable"_s, 0}, {u"uptime_s"_s, 3600.5 + round * 1.5}}}});
        crdbNodes.append(QJsonObject {{u"node_id"_s, n + 1},
            {u"address"_s, u"crdb-%1.crdb.crdb-evolution.svc.cluster.local:26257"_s.arg(n)},
            {u"sql_address"_s, u"crdb-%1.crdb.crdb-evolution.svc.cluster.local:26257"_s.arg(n)}, {u"liveness"_s, 3},
            {u"liveness_known"_s, true}, {u"started_at_ns"_s, u"1763796400000000000"_s},
            {u"updated_at_ns"_s, QString::number(t * 1000000)}});
    }
    return {{u"endpoints"_s, endpoints}, {u"nodes"_s, crdbNodes}, {u"nodes_at_ms"_s, t}, {u"nodes_error"_s, QString()}};
}

QJsonObject clusterStatus(int nodes)
{
    QJsonArray pods;
    for (int n = 0; n < nodes; ++n) {
        pods.append(QJsonObject {
            {u"name"_s, u"crdb-%1"_s.arg(n)}, {u"phase"_s, u"Running"_s}, {u"ready"_s, true}, {u"restarts"_s, 0}});
    }
    return {{u"desired"_s, nodes}, {u"ready"_s, nodes}, {u"pods"_s, pods}, {u"valid"_s, true}};
}

struct Figures
{
    qint64 records = 0;
    qint64 compressed = 0;
    qint64 uncompressed = 0;
    double callerCpuS = 0; // append() on the calling thread (the GUI thread in the presenter)
    double totalCpuS = 0; // caller + worker (compression, writes)
    QMap<QString, qint64> bytesByKind;
    QMap<QString, qint64> recordsByKind;
};

// Every record of the session, in time order (built before the timed part: making the payloads
// is the recorder's work, not the writer's).
QList<recording::Record> session(const Captured &feed, int tickMs, int minutes, int nodes)
{
    QList<recording::Record> out;
    const auto add = [&out](qint64 t, const QString &kind, const QJsonObject &data) { out.append({t, kind, data}); };
    const QList<ClusterMetrics::Query> queries = ClusterMetrics::queries();
    const qint64 endMs = kStartMs + minutes * 60'000LL;
    // On the 100 ms grid the loop walks.
    const qint64 beatEvery = std::max<qint64>(100, (endMs - kStartMs) / 13 / 100 * 100);
    qint64 seq = 1000;
    int tickIndex = 0;
    int eventIndex = 0;
    for (qint64 t = kStartMs; t < endMs; t += 100) {
        const qint64 since = t - kStartMs;
        if (since % tickMs == 0) {
            add(t, u"feed"_s, {{u"text"_s, renumber(feed.ticks[tickIndex++ % feed.ticks.size()], ++seq, t)}});
        }
        // The feed's events (load, spike, readiness): about one a minute.
        if (since % 60'000 == 30'000 && !feed.events.isEmpty()) {
            add(t, u"feed"_s, {{u"text"_s, renumber(feed.events[eventIndex++ % feed.events.size()], ++seq, t)}});
        }
        if (since % 5000 == 0) {
            const int round = static_cast<int>(since / 5000);
            for (const ClusterMetrics::Query &q : queries) {
                add(t, u"prom_poll"_s, promPoll(q, t, nodes, round));
            }
            for (const QString &promql : {u"max(liveness_livenodes)"_s, u"sum(ranges_unavailable)"_s}) {
                add(t, u"prom_query"_s,
                    {{u"beat"_s, u"failure"_s}, {u"index"_s, 0}, {u"promql"_s, promql},
                        {u"series"_s,
                            QJsonArray {QJsonObject {
                                {u"labels"_s, QJsonObject {}}, {u"points"_s, QJsonArray {QJsonArray {t, u"3"_s}}}}}}});
            }
        }
        if (since % 1500 == 0) {
            add(t, u"node_status"_s, nodeStatus(t, nodes, static_cast<int>(since / 1500)));
        }
        if (since % 2000 == 0) {
            add(t, u"cluster_status"_s, clusterStatus(nodes));
        }
        // 13 beats over the session: the story's records and a marker each.
        if (since % beatEvery == 0 && since / beatEvery < 13) {
            const int beat = static_cast<int>(since / beatEvery);
            add(t, u"story"_s,
                {{u"shown"_s, beat}, {u"last_run"_s, beat}, {u"stage"_s, u"running"_s}, {u"blanked"_s, false},
                    {u"summary"_s, QString()}});
            add(t, u"beat_run"_s, {{u"index"_s, beat}, {u"beat"_s, u"failure"_s}});
            add(t, u"action"_s, {{u"index"_s, 0}, {u"type"_s, u"keep_down"_s}});
            add(t, u"marker"_s, {{u"x"_s, t}, {u"kind"_s, u"phase"_s}, {u"text"_s, u"A node fails"_s}});
            add(t, u"beat_finished"_s, {{u"ok"_s, true}, {u"summary"_s, u"no range unavailable: held"_s}});
        }
    }
    return out;
}

Figures writeSession(const QString &path, const QList<recording::Record> &records, qint64 endMs)
{
    Figures f;
    for (const recording::Record &r : records) {
        f.bytesByKind[r.kind] += recording::encodeRecord(r).size() + 1;
        ++f.recordsByKind[r.kind];
    }
    f.records = records.size();
    recording::RecordingWriter writer;
    recording::Header header;
    header.startedMs = kStartMs;
    header.plan = u"demo/plan.json"_s;
    header.planTitle = u"From one node to a cluster that heals"_s;
    header.profile = QJsonObject {{u"name"_s, u"kind"_s}, {u"cluster_kind"_s, u"statefulset"_s}};
    header.presenterVersion = u"bench"_s;
    QString error;
    const double caller0 = cpuSeconds(RUSAGE_THREAD);
    const double total0 = cpuSeconds(RUSAGE_SELF);
    if (!writer.open(path, header, &error)) {
        std::fprintf(stderr, "recording_size: %s\n", qPrintable(error));
        std::exit(1);
    }
    for (const recording::Record &r : records) {
        writer.append(r);
    }
    f.callerCpuS = cpuSeconds(RUSAGE_THREAD) - caller0;
    writer.close(endMs);
    f.totalCpuS = cpuSeconds(RUSAGE_SELF) - total0;
    f.compressed = QFileInfo(path).size();
    f.uncompressed = writer.uncompressedBytes();
    if (!writer.error().isEmpty()) {
        std::fprintf(stderr, "recording_size: %s\n", qPrintable(writer.error()));
        std::exit(1);
    }
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption(
        {u"feed-url"_s, u"the sample app's feed (ws://host:port/ws) to capture real messages from"_s, u"url"_s});
    parser.addOption({u"capture-s"_s, u"seconds of feed to capture (default 15)"_s, u"s"_s, u"15"_s});
    parser.addOption({u"minutes"_s, u"session length (default 15)"_s, u"min"_s, u"15"_s});
    parser.addOption({u"nodes"_s, u"CockroachDB nodes (default 3)"_s, u"n"_s, u"3"_s});
    parser.addOption({u"out"_s, u"folder for the recordings (default: a temporary one)"_s, u"dir"_s});
    parser.process(app);

    Captured feed;
    QString feedSource = u"the example tick of sampleapp/PROTOCOL.md (no --feed-url)"_s;
    if (parser.isSet(u"feed-url"_s)) {
        feed = capture(QUrl(parser.value(u"feed-url"_s)), parser.value(u"capture-s"_s).toInt());
        if (feed.ticks.isEmpty()) {
            std::fprintf(stderr, "recording_size: no tick from %s\n", qPrintable(parser.value(u"feed-url"_s)));
            return 1;
        }
        qint64 tickBytes = 0;
        for (const QString &t : std::as_const(feed.ticks)) {
            tickBytes += t.toUtf8().size();
        }
        feedSource = u"%1 ticks and %2 events captured from the real sample app (%3), tick %4 bytes on average"_s
                         .arg(feed.ticks.size())
                         .arg(feed.events.size())
                         .arg(parser.value(u"feed-url"_s))
                         .arg(tickBytes / feed.ticks.size());
    } else {
        feed.ticks = {kProtocolTick};
    }
    const int minutes = parser.value(u"minutes"_s).toInt();
    const int nodes = parser.value(u"nodes"_s).toInt();
    const QString out = parser.isSet(u"out"_s) ? parser.value(u"out"_s) : QDir::tempPath() + u"/recording-size-bench"_s;
    QDir().mkpath(out);

    std::printf("recording size: a synthetic %d-minute session through RecordingWriter, %d CockroachDB nodes\n",
        minutes, nodes);
    std::printf("  feed text: %s\n", qPrintable(feedSource));
    for (const int tickMs : {100, 1000}) {
        const QString path = u"%1/session-tick%2ms.jsonl.gz"_s.arg(out).arg(tickMs);
        const Figures f = writeSession(path, session(feed, tickMs, minutes, nodes), kStartMs + minutes * 60'000LL);
        std::printf("\n  feed tick %d ms%s: %lld records, %s\n", tickMs,
            tickMs == 100 ? " (the sample app's fastest: full rate)" : " (the default, APP_TICK_MS)",
            static_cast<long long>(f.records), qPrintable(path));
        std::printf("    per minute:  %8.1f KB compressed, %8.1f KB uncompressed (ratio %.1f:1)\n",
            f.compressed / 1024.0 / minutes, f.uncompressed / 1024.0 / minutes,
            static_cast<double>(f.uncompressed) / static_cast<double>(std::max<qint64>(1, f.compressed)));
        std::printf("    %d minutes:  %8.2f MB compressed, %8.2f MB uncompressed\n", minutes, f.compressed / 1048576.0,
            f.uncompressed / 1048576.0);
        std::printf("    writer CPU:  %.1f us per record on the caller's thread (append: encode + queue), "
                    "%.1f us per record in all (with the worker's compression and writes)\n",
            f.callerCpuS * 1e6 / static_cast<double>(f.records), f.totalCpuS * 1e6 / static_cast<double>(f.records));
        std::printf("    %.2f s of CPU for the whole session (%.3f %% of one core over %d minutes)\n", f.totalCpuS,
            f.totalCpuS * 100.0 / (minutes * 60.0), minutes);
        std::printf("    uncompressed share by kind:");
        for (auto it = f.bytesByKind.cbegin(); it != f.bytesByKind.cend(); ++it) {
            std::printf(" %s %.0f%% (%lld)", qPrintable(it.key()),
                100.0 * static_cast<double>(it.value()) / static_cast<double>(f.uncompressed),
                static_cast<long long>(f.recordsByKind.value(it.key())));
        }
        std::printf("\n");
    }
    return 0;
}
