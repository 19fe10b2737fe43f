#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace {
constexpr double kGrowth = 1.08;
const double kLogGrowth = std::log(kGrowth);
} // namespace

int LatencyHistogram::bucketFor(double micros)
{
    if (!(micros > 1.0)) { // also catches NaN
        return 0;
    }
    const int b = int(std::ceil(std::log(micros) / kLogGrowth));
    return std::clamp(b, 0, kBuckets - 1);
}

double LatencyHistogram::bucketUpperMicros(int bucket)
{
    return std::pow(kGrowth, bucket);
}

void LatencyHistogram::record(double seconds, bool ok)
{
    const double micros = seconds * 1e6;
    m_buckets[size_t(bucketFor(micros))].fetch_add(1, std::memory_order_relaxed);
    if (!ok) {
        m_errors.fetch_add(1, std::memory_order_relaxed);
    }
    const auto nanos = std::uint64_t(std::max(0.0, seconds * 1e9));
    auto prev = m_maxNanos.load(std::memory_order_relaxed);
    while (nanos > prev && !m_maxNanos.compare_exchange_weak(prev, nanos, std::memory_order_relaxed)) { }
}

void LatencyHistogram::recordError()
{
    m_errors.fetch_add(1, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::takeSnapshot()
{
    std::array<std::uint64_t, kBuckets> counts {};
    Snapshot s;
    for (int i = 0; i < kBuckets; ++i) {
        counts[size_t(i)] = m_buckets[size_t(i)].exchange(0, std::memory_order_relaxed);
        s.count += counts[size_t(i)];
    }
    s.errors = m_errors.exchange(0, std::memory_order_relaxed);
    const double maxMs = double(m_maxNanos.exchange(0, std::memory_order_relaxed)) / 1e6;
    if (s.count == 0) {
        return s;
    }
    s.maxMs = maxMs;
    auto percentile = [&](double q) {
        const auto rank = std::uint64_t(std::ceil(q * double(s.count)));
        std::uint64_t seen = 0;
        for (int i = 0; i < kBuckets; ++i) {
            seen += counts[size_t(i)];
            if (seen >= rank) {
                return std::min(bucketUpperMicros(i) / 1000.0, maxMs);
            }
        }
        return maxMs;
    };
    s.p50Ms = percentile(0.50);
    s.p95Ms = percentile(0.95);
    s.p99Ms = percentile(0.99);
    return s;
}
