#pragma once

#include "demo_plan.h"
#include "sources/feed_messages.h"
#include "sources/prometheus_client.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

// Reads one feed field (DemoPlan::feedFields()) from a tick; nothing when the tick has no value
// for it (a percentile of an interval without samples).
std::optional<double> feedFieldValue(const FeedTick &tick, const QString &field);

// Evaluates a beat's expectations live and times them: "under-replicated ranges reached 0 in
// 41 s". Each expectation is Pending from start() until its condition is observed true (Pass,
// with the elapsed time) or its time limit passes first (Fail).
//
// Inputs: onFeedTick() for feed fields; for PromQL, the evaluator sends instant queries through
// the attached PrometheusClient every pollIntervalMs while something is pending, and takes the
// answers in onPromResult(). A PromQL condition holds when the answer has at least one series and
// every series' value satisfies it (so "sum(...) == 0" and per-node "replicas > 0" both read
// naturally); an empty answer is "no data yet", not a pass.
// Time: every input carries the local time it is judged at, so tests drive it with synthetic
// times through the same code path the app uses (the app passes the current time).
//
// Threading: GUI thread only.
class ExpectationEvaluator : public QObject
{
    Q_OBJECT
public:
    enum class Verdict { Pending, Pass, Fail };

    struct State
    {
        PlanExpectation expectation;
        Verdict verdict = Verdict::Pending;
        qint64 startedMs = 0;
        qint64 settledMs = 0; // when it passed or failed
        std::optional<double> lastValue; // latest observation (the worst series for PromQL)
        QString lastError; // a PromQL error answer, shown instead of a value

        qint64 elapsedMs(qint64 nowMs) const { return (verdict == Verdict::Pending ? nowMs : settledMs) - startedMs; }
        // "healed in 41 s" style line: "✓ under-replicated ranges == 0 in 41 s".
        QString text(qint64 nowMs) const;
    };

    explicit ExpectationEvaluator(QObject *parent = nullptr);

    void attachPrometheus(PrometheusClient *client); // may be null (PromQL stays pending)
    void setPollIntervalMs(int ms) { m_pollTimer.setInterval(ms); }

    // Starts judging these expectations from nowMs (replaces the previous beat's).
    void start(const QString &beatId, const QList<PlanExpectation> &expectations, qint64 nowMs);
    void clear();

    void onFeedTick(const FeedTick &tick, qint64 nowMs);
    void onPromResult(int index, const QList<PromSeries> &series, qint64 nowMs);
    void onPromError(int index, const QString &error, qint64 nowMs);
    // Fails what has run out of time; called by the app once a second and after every input.
    void checkDeadlines(qint64 nowMs);

    QString beatId() const { return m_beatId; }
    const QList<State> &states() const { return m_states; }
    bool allSettled() const;

Q_SIGNALS:
    void changed();
    void settled(int index, ExpectationEvaluator::Verdict verdict, const QString &text);

private:
    void observe(int index, std::optional<double> value, qint64 nowMs);
    void pollPrometheus();

    QString m_beatId;
    QList<State> m_states;
    QPointer<PrometheusClient> m_prom;
    QHash<int, int> m_requestToIndex;
    QTimer m_pollTimer;
    QTimer m_deadlineTimer;
};
