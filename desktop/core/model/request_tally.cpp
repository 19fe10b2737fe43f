#include "request_tally.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

void RequestTally::begin(const QString &what, qint64 atMs)
{
    m_what = what;
    m_beginMs = atMs;
    m_endMs = 0;
    m_open = true;
    m_total = 0;
    m_failed = 0;
    m_ticks = 0;
}

void RequestTally::end(qint64 atMs)
{
    if (m_open) {
        m_open = false;
        m_endMs = atMs;
    }
}

void RequestTally::addTick(const FeedTick &tick)
{
    if (m_beginMs == 0) {
        return;
    }
    const qint64 mid = tick.tsMs - tick.intervalMs / 2;
    if (mid < m_beginMs || (!m_open && mid > m_endMs)) {
        return;
    }
    for (auto it = tick.routes.cbegin(); it != tick.routes.cend(); ++it) {
        m_total += it.value().count;
        m_failed += it.value().errors;
    }
    ++m_ticks;
}

std::optional<double> RequestTally::successPercent() const
{
    if (m_total <= 0) {
        return std::nullopt;
    }
    return 100.0 * double(m_total - m_failed) / double(m_total);
}

QString RequestTally::percentText() const
{
    const auto p = successPercent();
    if (!p) {
        return u"–"_s;
    }
    // Never round a failure away: 99.996 % with failures shows 99.99, not 100.
    double shown = std::floor(*p * 100.0) / 100.0;
    return u"%1 %"_s.arg(shown, 0, 'f', m_failed > 0 || shown < 100.0 ? 2 : 0);
}

QString RequestTally::text() const
{
    if (m_beginMs == 0) {
        return {};
    }
    if (m_total <= 0) {
        return u"no app request counted %1 yet"_s.arg(m_what);
    }
    return u"%1 of requests succeeded %2 (%3 of %4; %5 failed)"_s.arg(percentText(), m_what)
        .arg(succeeded())
        .arg(m_total)
        .arg(m_failed);
}

} // namespace presenter
