#include "retry_policy.h"

#include <algorithm>

namespace pgkit {

RetryPolicy::Duration RetryPolicy::backoff(int attempt, double random01) const
{
    const int doublings = std::clamp(attempt - 1, 0, 20);
    const auto base = std::min(Duration(initialBackoff.count() << doublings), maxBackoff);
    const double jitter = std::clamp(random01, 0.0, 1.0) * double(base.count()) / 2.0;
    return base + Duration(static_cast<long long>(jitter));
}

bool RetryPolicy::mayRetry(int attempt, Duration elapsed, Duration nextDelay) const
{
    return attempt < maxAttempts && elapsed + nextDelay < budget;
}

} // namespace pgkit
