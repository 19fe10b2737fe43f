#pragma once

#include "sources/feed_messages.h"

#include <QString>

#include <optional>

namespace presenter {

// The app's experience over a window of time (a fault, a beat), from the sample app's feed ticks:
// requests counted by routes.login / routes.search (every operation of the tick's interval, HTTP
// and internal load alike; errors are the failed ones: sampleapp/PROTOCOL.md, "Timeline feed").
// A tick covers (ts_ms - interval_ms, ts_ms]; it counts when its midpoint lies inside the window.
// The feed carries no retry count (retries are the Prometheus counter app_db_retries_total, per
// pool), so this tally has none: a retried request that then succeeded counts as succeeded.
//
// Pure: ticks and times come from the caller.
class RequestTally
{
public:
    // Starts a new window (forgetting the previous one). `what`: how the text names the window,
    // e.g. "while crdb-2 was down", "during this beat".
    void begin(const QString &what, qint64 atMs);
    void end(qint64 atMs); // the window closes; ticks after it no longer count
    void addTick(const FeedTick &tick);

    bool isOpen() const { return m_open; }
    bool hasWindow() const { return m_beginMs > 0; }
    qint64 succeeded() const { return m_total - m_failed; }
    qint64 failed() const { return m_failed; }
    qint64 total() const { return m_total; }
    int ticks() const { return m_ticks; }
    std::optional<double> successPercent() const; // nothing until a request was counted
    // "99.98 % of requests succeeded while crdb-2 was down (12034 of 12036; 2 failed)"
    QString text() const;
    // "99.98 %" / "–" for a big tile.
    QString percentText() const;

private:
    QString m_what;
    qint64 m_beginMs = 0;
    qint64 m_endMs = 0;
    bool m_open = false;
    qint64 m_total = 0;
    qint64 m_failed = 0;
    int m_ticks = 0;
};

} // namespace presenter
