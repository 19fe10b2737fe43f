#pragma once

#include "sources/feed_messages.h"
#include "time_series_store.h"

#include <QObject>

#include <vector>

namespace presenter {

class FeedClient;

// Turns feed messages into store series and markers. Series names (x = the tick's ts_ms):
//   app.rps.<route>, app.errors.<route>, app.p50|p95|p99.<route>   (route: login, search)
//   db.p50|p99.<writer|reader>
//   load.target, load.achieved, load.dropped (dropped operations per second over the tick)
// A missing percentile (no sample in the interval) is simply not appended: it is not zero. A feed
// gap becomes a gap in every app./db./load. series. Feed events become markers.
//
// It also measures how long a message took from the sample app's clock (ts_ms) to being stored,
// the benchmark's "feed message to store" latency.
//
// Threading: GUI thread (the FeedClient's); the store itself may be read from anywhere.
class FeedIngest : public QObject
{
    Q_OBJECT
public:
    explicit FeedIngest(TimeSeriesStore *store, QObject *parent = nullptr);

    void attach(FeedClient *client);

    void ingestTick(const FeedTick &tick);
    void ingestEvent(const FeedEvent &event);
    void ingestGap(qint64 fromMs, qint64 toMs);
    // Forgets the previous tick (a replay starting over): the next tick starts a new delta.
    void reset() { m_lastDropped = -1; }

    // Message-to-store latencies (ms) of the last ticks, newest last, at most kLatencySamples.
    std::vector<double> storeLatencies() const;
    double medianStoreLatencyMs() const;
    static constexpr size_t kLatencySamples = 1024;

Q_SIGNALS:
    void tickStored(const FeedTick &tick, double storeLatencyMs);

private:
    TimeSeriesStore *m_store;
    std::vector<double> m_latencies;
    size_t m_latencyNext = 0;
    qint64 m_lastDropped = -1;
};

} // namespace presenter
