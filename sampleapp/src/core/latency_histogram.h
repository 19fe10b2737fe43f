#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

// A lock-free latency histogram for the feed's per-interval percentiles: log-spaced buckets
// (8 % wide, 1 µs .. ~60 s), atomic counters, so recording on the request path never takes a lock.
// takeSnapshot() reads and resets; a sample recorded concurrently lands in this or the next interval.
class LatencyHistogram
{
public:
    struct Snapshot
    {
        std::uint64_t count = 0;
        std::uint64_t errors = 0;
        std::optional<double> p50Ms, p95Ms, p99Ms, maxMs;
        // Percentile q in (0,1] from the bucket counts (upper bound of the bucket, capped by max).
    };

    void record(double seconds, bool ok);
    void recordError(); // an error without a latency sample (e.g. no connection)
    Snapshot takeSnapshot();

    static constexpr int kBuckets = 240;
    static int bucketFor(double micros);
    static double bucketUpperMicros(int bucket);

private:
    std::array<std::atomic<std::uint64_t>, kBuckets> m_buckets {};
    std::atomic<std::uint64_t> m_errors {0};
    std::atomic<std::uint64_t> m_maxNanos {0};
};
