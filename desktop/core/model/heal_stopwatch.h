#pragma once

#include <QSet>
#include <QString>

#include <optional>

namespace presenter {

// The heal stopwatch on both windows: from a fault (ClusterDriver::faultStarted) until every
// faulted node is live again AND the cluster's under-replicated ranges are back to 0 after having
// been above 0. If they never rose above 0, it stops once the nodes have been back for settleMs
// with under-replicated at 0 (store gauges are sampled every 10 s: a rise can show up late) and
// says so honestly: "crdb-2 back after 9 s; no range was under-replicated".
//
// Pure: the caller feeds observations with their time; nothing here reads a clock.
class HealStopwatch
{
public:
    enum class Phase {
        Idle, // no fault yet
        NodeDown, // a faulted node is not live
        WaitingForRanges, // nodes back, under-replicated ranges not back to 0 yet
        Healed, // nodes back and under-replicated back to 0 after > 0
        BackWithoutUnderReplication, // nodes back; no range was ever under-replicated
    };

    void setSettleMs(qint64 ms) { m_settleMs = ms; }
    // Back to Idle (no fault yet), keeping its settings (a replay starting over).
    void reset()
    {
        const qint64 settleMs = m_settleMs;
        *this = HealStopwatch {};
        m_settleMs = settleMs;
    }
    // A fault started on `pod`. While a heal is in progress the stopwatch keeps running (one heal
    // for every node down); after a finished heal it starts again.
    void faultStarted(const QString &pod, qint64 atMs);
    // liveFaultedPods: the faulted pods that are live now (answering ready and CockroachDB says
    // live). underReplicated: the cluster's total, or nothing when no node reports it.
    void observe(qint64 atMs, const QSet<QString> &livePods, std::optional<double> underReplicated);

    Phase phase() const { return m_phase; }
    bool isRunning() const { return m_phase == Phase::NodeDown || m_phase == Phase::WaitingForRanges; }
    qint64 elapsedMs(qint64 nowMs) const; // since the fault; frozen once stopped
    std::optional<qint64> nodeBackAfterMs() const; // fault to nodes back, once they are
    double maxUnderReplicated() const { return m_maxUnder; }
    QString podsText() const; // "crdb-2" or "crdb-1, crdb-2"
    // One line for the screens, which put "Heal: " before it (so no "heal" here when idle): "no
    // fault yet", "crdb-2 down: 12 s", "healed in 41 s (...)", ...
    QString text(qint64 nowMs) const;

private:
    Phase m_phase = Phase::Idle;
    qint64 m_startMs = 0;
    qint64 m_stopMs = 0;
    qint64 m_backMs = 0; // 0 = not back
    qint64 m_settleMs = 20000;
    QSet<QString> m_pods;
    bool m_sawUnder = false;
    double m_maxUnder = 0;
    std::optional<double> m_lastUnder;
};

} // namespace presenter
