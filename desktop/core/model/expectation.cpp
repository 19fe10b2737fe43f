#include "expectation.h"

#include "promql_names.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

QStringList promqlCockroachMetricNames(const QString &promql)
{
    QStringList out;
    for (const QString &name : promqlMetricNames(promql)) {
        if (!name.startsWith(u"app_"_s) && name != u"up"_s && !name.startsWith(u"scrape_"_s)) {
            out << name;
        }
    }
    return out;
}

ExpectationEvaluator::ExpectationEvaluator(QObject *parent) : QObject(parent)
{
    m_pollTimer.setInterval(2000);
    connect(&m_pollTimer, &QTimer::timeout, this, &ExpectationEvaluator::pollPrometheus);
    m_deadlineTimer.setInterval(1000);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] { checkDeadlines(nowMs()); });
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
        const qint64 atMs = nowMs();
        Q_EMIT promAnswered(index, series, {}, atMs);
        onPromResult(index, series, atMs);
    });
    connect(client, &PrometheusClient::queryFailed, this, [this](int id, const QString &error) {
        const auto it = m_requestToIndex.constFind(id);
        if (it == m_requestToIndex.cend()) {
            return;
        }
        const int index = *it;
        m_requestToIndex.erase(it);
        const qint64 atMs = nowMs();
        Q_EMIT promAnswered(index, {}, error, atMs);
        onPromError(index, error, atMs);
    });
}

void ExpectationEvaluator::prepare(const QString &beatId, const QList<PlanExpectation> &expectations)
{
    // What the previous beat's windows settled before now is its verdict, whether or not the
    // once-a-second check ran yet: a replay, which has no such timer between records, shows the same.
    if (m_judging) {
        checkDeadlines(nowMs());
    }
    m_beatId = beatId;
    m_states.clear();
    m_judging = false;
    // Answers to the previous beat's queries must not judge this beat's expectations.
    m_requestToIndex.clear();
    m_pollTimer.stop();
    m_deadlineTimer.stop();
    for (const PlanExpectation &e : expectations) {
        State s;
        s.expectation = e;
        if (!m_noCockroachDB.isEmpty() && e.kind == PlanExpectation::Kind::PromQL) {
            if (const QStringList names = promqlCockroachMetricNames(e.expr); !names.isEmpty()) {
                s.verdict = Verdict::Skipped;
                s.skipReason = u"reads CockroachDB's %1, and %2"_s.arg(names.join(u", "_s), m_noCockroachDB);
                s.skipReasonForAudience = u"needs CockroachDB, and this stack has none"_s;
            }
        }
        if (s.verdict == Verdict::Pending && e.kind == PlanExpectation::Kind::Feed && m_lastTick) {
            if (const auto value = feedFieldValue(*m_lastTick, e.field)) {
                s.truthBefore = e.holds(*value);
            }
        }
        m_states.append(s);
    }
    Q_EMIT changed();
}

void ExpectationEvaluator::skipForAction(const QString &action, const QString &why)
{
    const qint64 now = nowMs();
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        State &s = m_states[i];
        if (s.verdict == Verdict::Pending) {
            s.skipReason = u"the beat's %1 was skipped (%2): no change to judge"_s.arg(action, why);
            s.skipReasonForAudience = u"this stack could not make the change, so there is nothing to judge"_s;
            settle(static_cast<int>(i), Verdict::Skipped, Reason::None, now, now);
        }
    }
}

void ExpectationEvaluator::begin(qint64 nowMs)
{
    if (m_judging) {
        return;
    }
    m_judging = true;
    // A query sent before now would answer with the state before the change: drop its answer.
    m_requestToIndex.clear();
    bool anyPromql = false;
    for (State &s : m_states) {
        s.judging = true;
        s.startedMs = nowMs;
        if (s.expectation.mode == PlanExpectation::Mode::Recovers && s.expectation.from == u"fault") {
            s.faultMs = m_lastFaultMs;
        }
        anyPromql = anyPromql || s.expectation.kind == PlanExpectation::Kind::PromQL;
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

void ExpectationEvaluator::start(const QString &beatId, const QList<PlanExpectation> &expectations, qint64 nowMs)
{
    prepare(beatId, expectations);
    begin(nowMs);
}

void ExpectationEvaluator::clear()
{
    m_beatId.clear();
    m_states.clear();
    m_judging = false;
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

QString ExpectationEvaluator::summary() const
{
    int counts[6] = {};
    for (const State &s : m_states) {
        ++counts[static_cast<int>(s.verdict)];
    }
    QStringList parts;
    const auto add = [&](Verdict v, const QString &name) {
        if (const int n = counts[static_cast<int>(v)]) {
            parts.append(u"%1 %2"_s.arg(n).arg(name));
        }
    };
    add(Verdict::Pass, u"passed"_s);
    add(Verdict::AlreadyTrue, u"already true"_s);
    add(Verdict::NeverBroke, u"never broke"_s);
    add(Verdict::Fail, u"failed"_s);
    add(Verdict::Skipped, u"skipped"_s);
    add(Verdict::Pending, u"pending"_s);
    return parts.join(u" · "_s);
}

void ExpectationEvaluator::onFeedTick(const FeedTick &tick, qint64 nowMs)
{
    m_lastTick = tick;
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        const State &s = m_states[i];
        if (s.verdict == Verdict::Pending && s.expectation.kind == PlanExpectation::Kind::Feed) {
            const auto value = feedFieldValue(tick, s.expectation.field);
            sample(static_cast<int>(i), value ? std::optional<bool>(s.expectation.holds(*value)) : std::nullopt, value,
                nowMs);
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
    // The worst series decides: all must hold. Report the first that does not, else the first.
    // A series without a point is no data; an answer without any point is no sample.
    std::optional<double> decisive;
    std::optional<bool> truth;
    for (const PromSeries &ps : series) {
        if (ps.points.isEmpty()) {
            continue;
        }
        const double v = ps.points.constLast().y();
        if (!decisive) {
            decisive = v;
            truth = true;
        }
        if (!s.expectation.holds(v)) {
            decisive = v;
            truth = false;
            break;
        }
    }
    sample(index, truth, decisive, nowMs);
    checkDeadlines(nowMs);
}

void ExpectationEvaluator::onPromError(int index, const QString &error, qint64 nowMs)
{
    if (index < 0 || index >= m_states.size()) {
        return;
    }
    if (m_states[index].verdict == Verdict::Pending) {
        m_states[index].lastError = error;
    }
    Q_EMIT changed();
    checkDeadlines(nowMs);
}

void ExpectationEvaluator::sample(int index, std::optional<bool> truth, std::optional<double> value, qint64 nowMs)
{
    State &s = m_states[index];
    if (s.verdict != Verdict::Pending) {
        return;
    }
    // Before judging began the beat's change had not been made yet: such a sample judges nothing;
    // it only says what was true before (an "eventually" seen false, then true, is a pass).
    if (!s.judging || nowMs < s.startedMs) {
        if (truth) {
            s.truthBefore = *truth;
        }
        return;
    }
    // A sample after the window is too late even if it holds.
    if (nowMs > s.windowEndMs()) {
        checkDeadlines(nowMs);
        return;
    }
    if (!truth) {
        Q_EMIT changed();
        return;
    }
    s.longestGapMs = std::max(s.longestGapMs, nowMs - (s.lastSampleMs >= 0 ? s.lastSampleMs : s.startedMs));
    s.lastSampleMs = nowMs;
    s.lastValue = value;
    ++s.samples;
    switch (s.expectation.mode) {
    case PlanExpectation::Mode::Eventually:
        if (*truth) {
            const bool seenFalseBefore = s.truthBefore.has_value() && !*s.truthBefore;
            const bool already = s.samples == 1 && !seenFalseBefore;
            settle(index, already ? Verdict::AlreadyTrue : Verdict::Pass, Reason::None, nowMs, nowMs);
            return;
        }
        break;
    case PlanExpectation::Mode::Holds:
        if (!*truth) {
            settle(index, Verdict::Fail, Reason::Broke, nowMs, nowMs);
            return;
        }
        break;
    case PlanExpectation::Mode::Recovers:
        if (!*truth && !s.firstFalseMs) {
            s.firstFalseMs = nowMs;
        } else if (*truth && s.firstFalseMs) {
            settle(index, Verdict::Pass, Reason::None, nowMs, nowMs);
            return;
        }
        break;
    }
    Q_EMIT changed();
}

void ExpectationEvaluator::settle(int index, Verdict verdict, Reason reason, qint64 atMs, qint64 nowMs)
{
    State &s = m_states[index];
    s.verdict = verdict;
    s.reason = reason;
    s.settledMs = atMs;
    Q_EMIT settled(index, verdict, s.text(nowMs));
    Q_EMIT changed();
}

void ExpectationEvaluator::checkDeadlines(qint64 nowMs)
{
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        State &s = m_states[i];
        if (s.verdict != Verdict::Pending || !s.judging || nowMs <= s.windowEndMs()) {
            continue;
        }
        const qint64 end = s.windowEndMs();
        const int index = static_cast<int>(i);
        switch (s.expectation.mode) {
        case PlanExpectation::Mode::Eventually:
            // No sample at all (the source was down the whole window) is no data, not "not within".
            settle(index, Verdict::Fail, s.samples == 0 ? Reason::NoData : Reason::NotWithin, end, nowMs);
            break;
        case PlanExpectation::Mode::Holds:
            // The stretch from the last sample to the window's end went unobserved too.
            s.longestGapMs = std::max(s.longestGapMs, end - (s.lastSampleMs >= 0 ? s.lastSampleMs : s.startedMs));
            if (s.samples == 0) {
                settle(index, Verdict::Fail, Reason::NoData, end, nowMs);
            } else if (s.longestGapMs > kMaxGapMs) {
                settle(index, Verdict::Fail, Reason::Gap, end, nowMs);
            } else {
                settle(index, Verdict::Pass, Reason::None, end, nowMs);
            }
            break;
        case PlanExpectation::Mode::Recovers:
            if (s.samples == 0) {
                settle(index, Verdict::Fail, Reason::NoData, end, nowMs);
            } else if (s.firstFalseMs) {
                settle(index, Verdict::Fail, Reason::NotRecovered, end, nowMs);
            } else {
                settle(index, Verdict::NeverBroke, Reason::None, end, nowMs);
            }
            break;
        }
    }
    if (m_judging && allSettled()) {
        m_pollTimer.stop();
        m_deadlineTimer.stop();
    }
}

void ExpectationEvaluator::pollPrometheus()
{
    if (!m_prom || !m_judging) {
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

} // namespace presenter
