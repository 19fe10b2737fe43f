#include "feed_ingest.h"

#include "sources/feed_client.h"

#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

FeedIngest::FeedIngest(TimeSeriesStore *store, QObject *parent) : QObject(parent), m_store(store)
{
    m_latencies.reserve(kLatencySamples);
}

void FeedIngest::attach(FeedClient *client)
{
    connect(client, &FeedClient::tickReceived, this, &FeedIngest::ingestTick);
    connect(client, &FeedClient::eventReceived, this, &FeedIngest::ingestEvent);
    connect(client, &FeedClient::gap, this, &FeedIngest::ingestGap);
}

void FeedIngest::ingestTick(const FeedTick &tick)
{
    const qint64 t = tick.tsMs;
    auto putStats = [&](const QString &prefix, const QString &name, const LatencyStats &s, bool full) {
        if (full) {
            m_store->append(u"%1.rps.%2"_s.arg(prefix, name), t, s.rps);
            m_store->append(u"%1.errors.%2"_s.arg(prefix, name), t, s.errors);
            if (s.p95Ms) {
                m_store->append(u"%1.p95.%2"_s.arg(prefix, name), t, *s.p95Ms);
            }
        }
        if (s.p50Ms) {
            m_store->append(u"%1.p50.%2"_s.arg(prefix, name), t, *s.p50Ms);
        }
        if (s.p99Ms) {
            m_store->append(u"%1.p99.%2"_s.arg(prefix, name), t, *s.p99Ms);
        }
    };
    for (auto it = tick.routes.cbegin(); it != tick.routes.cend(); ++it) {
        putStats(u"app"_s, it.key(), it.value(), true);
    }
    putStats(u"db"_s, u"writer"_s, tick.writer, false);
    putStats(u"db"_s, u"reader"_s, tick.reader, false);
    m_store->append(u"load.target"_s, t, tick.load.targetRps);
    m_store->append(u"load.achieved"_s, t, tick.load.achievedRps);
    if (m_lastDropped >= 0 && tick.intervalMs > 0 && tick.load.droppedTotal >= m_lastDropped) {
        m_store->append(u"load.dropped"_s, t,
            static_cast<double>(tick.load.droppedTotal - m_lastDropped) * 1000.0 / tick.intervalMs);
    }
    m_lastDropped = tick.load.droppedTotal;

    const double latency = static_cast<double>(QDateTime::currentMSecsSinceEpoch() - tick.tsMs);
    if (m_latencies.size() < kLatencySamples) {
        m_latencies.push_back(latency);
    } else {
        m_latencies[m_latencyNext] = latency;
    }
    m_latencyNext = (m_latencyNext + 1) % kLatencySamples;
    Q_EMIT tickStored(tick, latency);
}

void FeedIngest::ingestEvent(const FeedEvent &event)
{
    if (auto kind = eventMarkerKindForFeed(event.kind)) {
        m_store->addMarker(EventMarker {event.tsMs, *kind, event.text});
    }
}

void FeedIngest::ingestGap(qint64 fromMs, qint64 toMs)
{
    Q_UNUSED(toMs)
    // The gap starts right after the last message we had.
    for (const char *prefix : {"app.", "db.", "load."}) {
        m_store->appendGapAll(QString::fromLatin1(prefix), fromMs + 1);
    }
    // A counter delta across a hole would be a lie.
    m_lastDropped = -1;
}

std::vector<double> FeedIngest::storeLatencies() const
{
    if (m_latencies.size() < kLatencySamples) {
        return m_latencies;
    }
    std::vector<double> ordered(m_latencies.begin() + static_cast<std::ptrdiff_t>(m_latencyNext), m_latencies.end());
    ordered.insert(
        ordered.end(), m_latencies.begin(), m_latencies.begin() + static_cast<std::ptrdiff_t>(m_latencyNext));
    return ordered;
}

double FeedIngest::medianStoreLatencyMs() const
{
    std::vector<double> v = m_latencies;
    if (v.empty()) {
        return 0;
    }
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

} // namespace presenter
