#pragma once

#include <chrono>
#include <functional>

namespace pgkit {

// How every database path of the sample app retries a transient failure (classifyFailure said
// ConnectionLost or Retry, or no connection could be opened): within a time budget and an attempt
// cap, with capped exponential backoff and jitter so retries from many requests do not align.
// Configured once (AppDatabase and AsyncQueryPool take the same value) and pure: the clock and the
// random source are the caller's, so tests can drive it.
//
// Threading: a value type; const functions are safe from any thread.
struct RetryPolicy
{
    using Duration = std::chrono::milliseconds;

    Duration budget {4000}; // from the first attempt; long enough to ride out a restart or lease move
    int maxAttempts = 12;
    Duration initialBackoff {20};
    Duration maxBackoff {500};

    // The wait after failed attempt number `attempt` (1-based) before the next one:
    // min(initialBackoff * 2^(attempt-1), maxBackoff) plus jitter in [0, that / 2], with
    // `random01` in [0, 1).
    Duration backoff(int attempt, double random01) const;

    // Whether failed attempt number `attempt`, `elapsed` after the first began, may be followed by
    // another one after `nextDelay`: attempts left, and the next one starts inside the budget.
    bool mayRetry(int attempt, Duration elapsed, Duration nextDelay) const;

    // The policy of the sample app: both database paths use it.
    static RetryPolicy sampleApp() { return {}; }
};

} // namespace pgkit
