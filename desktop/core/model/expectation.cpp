#include "expectation.h"

#include <QDateTime>

#include <cmath>

using namespace Qt::StringLiterals;

std::optional<double> feedFieldValue(const FeedTick &tick, const QString &field)
{
    const QStringList parts = field.split(u'.');
    auto stats = [&](const LatencyStats &s, const QString &f) -> std::optional<double> {
        if (f == u"rps") {
            return s.rps;
        }
        if (f == u"count") {
            return s.count;
        }
        if (f == u"errors") {
            return s.errors;
        }
        if (f == u"p50_ms") {
            return s.p50Ms;
        }
        if (f == u"p95_ms") {
            return s.p95Ms;
        }
        if (f == u"p99_ms") {
            return s.p99Ms;
        }
        return std::nullopt;
    };
    if (field == u"ready") {
        return tick.ready ? 1.0 : 0.0;
    }
    if (parts.size() == 2 && parts[0] == u"load") {
        const LoadState &l = tick.load;
        const QString &f = parts[1];
        if (f == u"running") {
            return l.running ? 1.0 : 0.0;
        }
        if (f == u"target_rps") {
            return l.targetRps;
        }
        if (f == u"achieved_rps") {
            return l.achievedRps;
        }
        if (f == u"in_flight") {
            return l.inFlight;
        }
        if (f == u"dropped_total") {
            return static_cast<double>(l.droppedTotal);
        }
        if (f == u"errors_total") {
            return static_cast<double>(l.errorsTotal);
        }
        if (f == u"spike_active") {
            return l.spikeActive ? 1.0 : 0.0;
        }
        if (f == u"actual_p99_ms") {
            return l.actualP99Ms;
        }
        if (f == u"intended_p99_ms") {
            return l.intendedP99Ms;
        }
        return std::nullopt;
    }
    if (parts.size() == 3 && parts[0] == u"routes") {
        auto it = tick.routes.constFind(parts[1]);
        if (it == tick.routes.cend()) {
            return std::nullopt;
        }
        return stats(*it, parts[2]);
    }
    if (parts.size() == 3 && parts[0] == u"db") {
        if (parts[1] == u"writer") {
            return stats(tick.writer, parts[2]);
        }
        if (parts[1] == u"reader") {
            return stats(tick.reader, parts[2]);
        }
    }
    return std::nullopt;
}

QString ExpectationEvaluator::State::text(qint64 nowMs) const
{
    const qint64 s = (elapsedMs(nowMs) + 500) / 1000;
    const QString what = expectation.label.isEmpty() ? expectation.condition() : expectation.label;
    QString observed;
    if (!lastError.isEmpty()) {
        observed = u" (query error: %1)"_s.arg(lastError);
    } else if (lastValue) {
        observed = u" (now %1)"_s.arg(*lastValue, 0, 'g', 4);
    }
    switch (verdict) {
    case Verdict::Pass:
        return u"PASS %1 in %2 s"_s.arg(what).arg(s);
    case Verdict::Fail:
        return u"FAIL %1 not within %2 s"_s.arg(what).arg(expectation.withinS) + observed;
    case Verdict::Pending:
        break;
    }
    return u"… %1: %2 s of %3 s"_s.arg(what).arg(s).arg(expectation.withinS) + observed;
}

ExpectationEvaluator::ExpectationEvaluator(QObject *parent) : QObject(parent)
{
    m_pollTimer.setInterval(2000);
    connect(&m_pollTimer, &QTimer::timeout, this, &ExpectationEvaluator::pollPrometheus);
    m_deadlineTimer.setInterval(1000);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] { checkDeadlines(QDateTime::currentMSecsSinceEpoch()); });
}

void ExpectationEvaluator::attachPrometheus(PrometheusClient *client)
{
    if (m_prom) {
        disconnect(m_prom, nullptr, this, nullptr);
    }
    m_prom = client;
    if (!client) {
        return;
    }
    connect(client, &PrometheusClient::result, this, [this](int id, const QList<PromSeries> &series) {
        const auto it = m_requestToIndex.constFind(id);
        if (it == m_requestToIndex.cend()) {
            return;
        }
        const int index = *it;
        m_requestToIndex.erase(it);
        onPromResult(index, series, QDateTime::currentMSecsSinceEpoch());
    });
    connect(client, &PrometheusClient::queryFailed, this, [this](int id, const QString &error) {
        const auto it = m_requestToIndex.constFind(id);
        if (it == m_requestToIndex.cend()) {
            return;
        }
        const int index = *it;
        m_requestToIndex.erase(it);
        onPromError(index, error, QDateTime::currentMSecsSinceEpoch());
    });
}

void ExpectationEvaluator::start(const QString &beatId, const QList<PlanExpectation> &expectations, qint64 nowMs)
{
    m_beatId = beatId;
    m_states.clear();
    // Answers to the previous beat's queries must not judge this beat's expectations.
    m_requestToIndex.clear();
    bool anyPromql = false;
    for (const PlanExpectation &e : expectations) {
        State s;
        s.expectation = e;
        s.startedMs = nowMs;
        m_states.append(s);
        anyPromql = anyPromql || e.kind == PlanExpectation::Kind::PromQL;
    }
    if (!m_states.isEmpty()) {
        m_deadlineTimer.start();
    }
    if (anyPromql && m_prom) {
        m_pollTimer.start();
        pollPrometheus();
    }
    Q_EMIT changed();
}

void ExpectationEvaluator::clear()
{
    m_beatId.clear();
    m_states.clear();
    m_requestToIndex.clear();
    m_pollTimer.stop();
    m_deadlineTimer.stop();
    Q_EMIT changed();
}

bool ExpectationEvaluator::allSettled() const
{
    for (const State &s : m_states) {
        if (s.verdict == Verdict::Pending) {
            return false;
        }
    }
    return true;
}

void ExpectationEvaluator::onFeedTick(const FeedTick &tick, qint64 nowMs)
{
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        if (m_states[i].verdict == Verdict::Pending && m_states[i].expectation.kind == PlanExpectation::Kind::Feed) {
            observe(static_cast<int>(i), feedFieldValue(tick, m_states[i].expectation.field), nowMs);
        }
    }
    checkDeadlines(nowMs);
}

void ExpectationEvaluator::onPromResult(int index, const QList<PromSeries> &series, qint64 nowMs)
{
    if (index < 0 || index >= m_states.size()) {
        return;
    }
    State &s = m_states[index];
    s.lastError.clear();
    if (s.verdict != Verdict::Pending) {
        return;
    }
    // The worst series decides: all must hold. Report the first that does not, else the first.
    std::optional<double> decisive;
    bool all = !series.isEmpty();
    for (const PromSeries &ps : series) {
        if (ps.points.isEmpty()) {
            all = false;
            continue;
        }
        const double v = ps.points.constLast().y();
        if (!decisive) {
            decisive = v;
        }
        if (!s.expectation.holds(v)) {
            all = false;
            decisive = v;
            break;
        }
    }
    if (!all) {
        if (decisive) {
            s.lastValue = decisive;
        }
        Q_EMIT changed();
        checkDeadlines(nowMs);
        return;
    }
    observe(index, decisive, nowMs);
    checkDeadlines(nowMs);
}

void ExpectationEvaluator::onPromError(int index, const QString &error, qint64 nowMs)
{
    if (index < 0 || index >= m_states.size()) {
        return;
    }
    m_states[index].lastError = error;
    Q_EMIT changed();
    checkDeadlines(nowMs);
}

void ExpectationEvaluator::observe(int index, std::optional<double> value, qint64 nowMs)
{
    State &s = m_states[index];
    if (s.verdict != Verdict::Pending) {
        return;
    }
    if (value) {
        s.lastValue = value;
    }
    // An observation after the deadline is too late even if it holds.
    if (nowMs - s.startedMs > qint64(s.expectation.withinS) * 1000) {
        checkDeadlines(nowMs);
        return;
    }
    if (value && s.expectation.holds(*value)) {
        s.verdict = Verdict::Pass;
        s.settledMs = nowMs;
        Q_EMIT settled(index, s.verdict, s.text(nowMs));
    }
    Q_EMIT changed();
}

void ExpectationEvaluator::checkDeadlines(qint64 nowMs)
{
    bool any = false;
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        State &s = m_states[i];
        if (s.verdict == Verdict::Pending && nowMs - s.startedMs > qint64(s.expectation.withinS) * 1000) {
            s.verdict = Verdict::Fail;
            s.settledMs = s.startedMs + qint64(s.expectation.withinS) * 1000;
            any = true;
            Q_EMIT settled(static_cast<int>(i), s.verdict, s.text(nowMs));
        }
    }
    if (allSettled()) {
        m_pollTimer.stop();
        m_deadlineTimer.stop();
    }
    if (any) {
        Q_EMIT changed();
    }
}

void ExpectationEvaluator::pollPrometheus()
{
    if (!m_prom) {
        return;
    }
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        const State &s = m_states[i];
        if (s.verdict != Verdict::Pending || s.expectation.kind != PlanExpectation::Kind::PromQL) {
            continue;
        }
        // One query per expectation in flight: a slow Prometheus must not pile requests up.
        bool inFlight = false;
        for (auto it = m_requestToIndex.cbegin(); it != m_requestToIndex.cend(); ++it) {
            inFlight = inFlight || it.value() == i;
        }
        if (!inFlight) {
            m_requestToIndex.insert(m_prom->instantQuery(s.expectation.expr), static_cast<int>(i));
        }
    }
}
