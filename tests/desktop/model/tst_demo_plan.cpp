#include "config/chart_catalog.h"
#include "config/demo_plan.h"
#include "config/feed_schema.h"
#include "model/cluster_metrics.h"
#include "model/promql_names.h"
#include "test_env.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
// The beat ids of the story, in order (the shared list both DEMO.md and plan.json follow).
const QStringList kStoryBeats
    = {u"baseline"_s, u"fragility"_s, u"spike"_s, u"backup-0"_s, u"phase1-scale"_s, u"phase1-reader"_s, u"backup-1"_s,
        u"phase2-scale"_s, u"boring"_s, u"failure"_s, u"heal"_s, u"phase3"_s, u"majority-loss"_s, u"majority-heal"_s};

QString planPath()
{
    return testenv::sourceDir() + u"/demo/plan.json"_s;
}

// name -> type, from a file of "name<TAB>type" lines (# comments); the tsv adds more columns.
QHash<QString, QString> readNames(const QString &path, bool skipHeader)
{
    QHash<QString, QString> names;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return names;
    }
    bool first = true;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || (first && skipHeader)) {
            first = false;
            continue;
        }
        first = false;
        const QStringList cols = line.split(u'\t');
        names.insert(cols.value(0), cols.value(1));
    }
    return names;
}

QByteArray minimalPlan(const QString &beatsJson)
{
    return (u"{\"version\": 1, \"title\": \"t\", \"beats\": ["_s + beatsJson + u"]}"_s).toUtf8();
}

// `a.<b|c>.<d|e>` expanded in order: a.b.d, a.b.e, a.c.d, a.c.e.
QStringList expandChoices(const QString &name)
{
    static const QRegularExpression choice(u"<([^>]+)>"_s);
    const QRegularExpressionMatch m = choice.match(name);
    if (!m.hasMatch()) {
        return {name};
    }
    QStringList out;
    for (const QString &option : m.captured(1).split(u'|')) {
        out << expandChoices(QString(name).replace(m.capturedStart(), m.capturedLength(), option));
    }
    return out;
}

// The backticked names of one sentence of demo/PLAN.md (from `start` to `end`), choices expanded.
QStringList planMarkdownNames(const QString &start, const QString &end)
{
    QFile f(testenv::sourceDir() + u"/demo/PLAN.md"_s);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QString md = QString::fromUtf8(f.readAll());
    const qsizetype from = md.indexOf(start);
    const qsizetype to = from < 0 ? -1 : md.indexOf(end, from);
    static const QRegularExpression code(u"`([^`]+)`"_s);
    QStringList names;
    auto it = code.globalMatch(md.mid(from, to - from));
    while (from >= 0 && to >= 0 && it.hasNext()) {
        names << expandChoices(it.next().captured(1));
    }
    return names;
}
} // namespace

class TestDemoPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesEveryActionAndExpectation();
    void validationErrors_data();
    void validationErrors();
    void expectationHolds_data();
    void expectationHolds();
    void promqlMetricNames_data();
    void promqlMetricNames();
    void positionBetweenBeats();
    void faultsAndModes();
    void realPlanValidates();
    void realPlanSqlFilesExist();
    void realPlanMetricsExist();
    void metricListMatchesReference();
    void demoMarkdownMatchesPlan();
    void planMarkdownListsTheTables();
    void chartCatalog();
};

void TestDemoPlan::parsesEveryActionAndExpectation()
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(minimalPlan(uR"j({"id": "one", "title": "One", "narration": "Say it.",
        "actions": [{"type": "scale", "nodes": 3},
                    {"type": "run_sql", "file": "sql/20-phase2-rf3.sql", "replication_factor": 3},
                    {"type": "load_start", "rps": 20, "mix": {"login": 0.2, "search": 0.8}},
                    {"type": "load_stop"},
                    {"type": "spike", "seconds": 30, "rps": 200},
                    {"type": "backup"},
                    {"type": "stop_node", "ordinal": 2}],
        "expectations": [{"kind": "promql", "expr": "sum(ranges_underreplicated)", "op": "==", "value": 0, "within_s": 180
},
                         {"kind": "feed", "field": "load.achieved_rps", "op": ">=", "value": 15, "within_s": 30, "label": "load up"}]
},
        {"id": "two", "title": "Two", "narration": "Nothing.", "focus": ["live-nodes", "ranges"], "budget_s": 45})j"_s),
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QCOMPARE(plan->beatIds(), (QStringList {u"one"_s, u"two"_s}));
    const Beat &b = plan->beats[0];
    QCOMPARE(b.actions.size(), 7);
    QCOMPARE(b.actions[1].type, PlanAction::Type::RunSql);
    QCOMPARE(b.actions[1].replicationFactor, 3);
    QCOMPARE(b.actions[0].nodes, 3);
    QCOMPARE(b.actions[2].mix.value(u"search"_s), 0.8);
    QCOMPARE(b.actions[4].seconds, 30.0);
    QVERIFY(b.actions[4].mix.isEmpty());
    QCOMPARE(b.actions[5].file, u"sql/90-backup.sql"_s);
    QCOMPARE(b.actions[6].ordinal, 2);
    QVERIFY(b.actions[1].changesCluster());
    QVERIFY(!b.actions[2].changesCluster());
    QCOMPARE(b.actions[0].describe(), u"Scale the cluster to 3 nodes"_s);
    QCOMPARE(b.expectations[0].condition(), u"sum(ranges_underreplicated) == 0"_s);
    QCOMPARE(b.expectations[0].describe(), u"sum(ranges_underreplicated) == 0 within 180 s"_s);
    QCOMPARE(b.expectations[1].describe(), u"load up within 30 s"_s);
    QCOMPARE(plan->sqlFiles(), (QStringList {u"sql/20-phase2-rf3.sql"_s, u"sql/90-backup.sql"_s}));
    QCOMPARE(plan->promqlExpressions(), QStringList {u"sum(ranges_underreplicated)"_s});
    QCOMPARE(plan->indexOf(u"two"_s), 1);
    QCOMPARE(plan->indexOf(u"three"_s), -1);
    QVERIFY(b.focus.isEmpty());
    QCOMPARE(plan->beats[1].focus, (QStringList {u"live-nodes"_s, u"ranges"_s}));
    QCOMPARE(plan->focusAt(-1), (QStringList {u"requests"_s, u"latency"_s}));
    QCOMPARE(plan->focusAt(0), (QStringList {u"requests"_s, u"latency"_s}));
    QCOMPARE(plan->focusAt(1), (QStringList {u"live-nodes"_s, u"ranges"_s}));
    QCOMPARE(plan->focusAt(7), (QStringList {u"live-nodes"_s, u"ranges"_s}));
    // Budgets are optional: a beat without one has 0, the talk without a length has 0.
    QCOMPARE(b.budgetS, 0.0);
    QCOMPARE(plan->beats[1].budgetS, 45.0);
    QCOMPARE(plan->budgetTotalS(), 45.0);
    QCOMPARE(plan->talkMinutes, 0.0);
}

void TestDemoPlan::validationErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError"); // a substring of one of the errors

    const QString beat = uR"j({"id": "b", "title": "T", "narration": "N", %1})j"_s;
    auto withBeat = [&](const QString &rest) { return minimalPlan(beat.arg(rest)); };
    QTest::addRow("not json") << QByteArray("{") << u"plan: not valid JSON"_s;
    QTest::addRow("wrong version") << QByteArray(R"({"version": 2, "title": "t", "beats": []})") << u"plan.version"_s;
    QTest::addRow("no beats") << QByteArray(R"({"version": 1, "title": "t", "beats": []})")
                              << u"plan.beats: must be a non-empty array"_s;
    QTest::addRow("unknown top-level") << QByteArray(R"({"version": 1, "title": "t", "beats": [], "x": 1})")
                                       << u"plan.x: unknown field"_s;
    QTest::addRow("missing title") << minimalPlan(uR"j({"id": "b", "narration": "N"})j"_s)
                                   << u"beat 'b'.title: missing"_s;
    QTest::addRow("bad id") << minimalPlan(uR"j({"id": "Phase 1", "title": "T", "narration": "N"})j"_s)
                            << u"beats[0].id: must be lower-case"_s;
    QTest::addRow("duplicate id") << minimalPlan(uR"j({"id": "b", "title": "T", "narration": "N"},
                                                      {"id": "b", "title": "T", "narration": "N"})j"_s)
                                  << u"duplicate beat id 'b'"_s;
    QTest::addRow("unknown beat field") << withBeat(uR"j("actons": [])j"_s) << u"beat 'b'.actons: unknown field"_s;
    QTest::addRow("unknown action") << withBeat(uR"j("actions": [{"type": "reboot"}])j"_s)
                                    << u"beat 'b'.actions[0].type: unknown action 'reboot'"_s;
    QTest::addRow("sql outside sql/") << withBeat(uR"j("actions": [{"type": "run_sql", "file": "../x.sql"}])j"_s)
                                      << u"beat 'b'.actions[0].file: must be a .sql file under sql/"_s;
    QTest::addRow("scale not integer") << withBeat(uR"j("actions": [{"type": "scale", "nodes": 2.5}])j"_s)
                                       << u"beat 'b'.actions[0].nodes: must be an integer"_s;
    QTest::addRow("scale missing nodes") << withBeat(uR"j("actions": [{"type": "scale"}])j"_s)
                                         << u"beat 'b'.actions[0].nodes: missing"_s;
    QTest::addRow("spike over the guardrail")
        << withBeat(uR"j("actions": [{"type": "spike", "seconds": 30, "rps": 5000}])j"_s)
        << u"beat 'b'.actions[0].rps: must be between"_s;
    QTest::addRow("mix not summing to 1")
        << withBeat(uR"j("actions": [{"type": "load_start", "rps": 5, "mix": {"login": 0.5, "search": 0.2}}])j"_s)
        << u"beat 'b'.actions[0].mix: shares must sum to 1"_s;
    QTest::addRow("mix unknown route") << withBeat(
        uR"j("actions": [{"type": "load_start", "rps": 5, "mix": {"checkout": 1}}])j"_s)
                                       << u"beat 'b'.actions[0].mix.checkout: unknown route"_s;
    QTest::addRow("action extra field") << withBeat(uR"j("actions": [{"type": "load_stop", "rps": 3}])j"_s)
                                        << u"beat 'b'.actions[0].rps: unknown field"_s;
    QTest::addRow("expectation kind") << withBeat(
        uR"j("expectations": [{"kind": "sql", "op": "==", "value": 0, "within_s": 5}])j"_s)
                                      << u"beat 'b'.expectations[0].kind: must be \"promql\" or \"feed\""_s;
    QTest::addRow("expectation op") << withBeat(
        uR"j("expectations": [{"kind": "promql", "expr": "up", "op": "=", "value": 0, "within_s": 5}])j"_s)
                                    << u"beat 'b'.expectations[0].op: must be one of"_s;
    QTest::addRow("expectation within_s missing")
        << withBeat(uR"j("expectations": [{"kind": "promql", "expr": "up", "op": "==", "value": 0}])j"_s)
        << u"beat 'b'.expectations[0].within_s: missing"_s;
    QTest::addRow("feed field unknown") << withBeat(
        uR"j("expectations": [{"kind": "feed", "field": "load.rps", "op": "==", "value": 0, "within_s": 5}])j"_s)
                                        << u"beat 'b'.expectations[0].field: unknown feed field 'load.rps'"_s;
    // Cluster steps replayed from the set-up position (1 node, RF 1) on CockroachDB's rules.
    QTest::addRow("two voting copies") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 2}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 2}])j"_s)
                                       << u"actions[1].replication_factor: CockroachDB refuses two voting copies"_s;
    QTest::addRow("more replicas than nodes") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 2}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3}])j"_s)
                                              << u"asks for 3 replicas with 2 node(s)"_s;
    QTest::addRow("scale below the replication factor")
        << withBeat(
               uR"j("actions": [{"type": "scale", "nodes": 3}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3},
                         {"type": "scale", "nodes": 2}])j"_s)
        << u"actions[2].nodes: scales to 2 node(s), below the replication factor 3"_s;
    QTest::addRow("stop a node at RF 1") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 3}, {"type": "stop_node", "ordinal": 1}])j"_s)
                                         << u"takes a node down at replication factor 1"_s;
    QTest::addRow("stop a node that does not exist") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 3}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3},
                         {"type": "stop_node", "ordinal": 3}])j"_s)
                                                     << u"node 3 does not exist with 3 node(s)"_s;
    const QString rf3
        = uR"j({"type": "scale", "nodes": 3}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3}, )j"_s;
    QTest::addRow("second node down without allow_majority_loss") << withBeat(u"\"actions\": ["_s + rf3
        + uR"j({"type": "keep_down", "ordinal": 2}, {"type": "kill_node", "ordinal": 1}, {"type": "heal_all"}])j"_s)
                                                                  << u"takes a second node down while crdb-2 is down"_s;
    QTest::addRow("start a node that was not kept down") << withBeat(u"\"actions\": ["_s + rf3
        + uR"j({"type": "pause_node", "ordinal": 2}, {"type": "start_node", "ordinal": 2}])j"_s)
                                                         << u"crdb-2 was not kept down by an earlier action"_s;
    QTest::addRow("plan ends with a node down")
        << withBeat(u"\"actions\": ["_s + rf3 + uR"j({"type": "keep_down", "ordinal": 1}])j"_s)
        << u"ends with crdb-1 still down (keep_down)"_s;
    QTest::addRow("fault at RF 1") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 2}, {"type": "kill_node", "ordinal": 1}])j"_s)
                                   << u"takes a node down at replication factor 1"_s;
    QTest::addRow("fault at RF 1 even when allowed") << withBeat(
        uR"j("actions": [{"type": "scale", "nodes": 2}, {"type": "kill_node", "ordinal": 1, "allow_majority_loss": true}])j"_s)
                                                     << u"takes a node down at replication factor 1"_s;
    QTest::addRow("allow_majority_loss on start_node")
        << withBeat(uR"j("actions": [{"type": "start_node", "ordinal": 1, "allow_majority_loss": true}])j"_s)
        << u"allow_majority_loss: unknown field"_s;
    QTest::addRow("unknown mode") << withBeat(
        uR"j("expectations": [{"kind": "feed", "field": "ready", "op": "==", "value": 1, "within_s": 5, "mode": "always"}])j"_s)
                                  << u"mode: must be"_s;
    QTest::addRow("from without recovers") << withBeat(
        uR"j("expectations": [{"kind": "feed", "field": "ready", "op": "==", "value": 1, "within_s": 5, "mode": "holds", "from": "fault"}])j"_s)
                                           << u"only a \"recovers\" expectation is timed from a marker"_s;
    QTest::addRow("value not a number") << withBeat(
        uR"j("expectations": [{"kind": "promql", "expr": "up", "op": "==", "value": "0", "within_s": 5}])j"_s)
                                        << u"beat 'b'.expectations[0].value: must be a number"_s;
    QTest::addRow("focus on an unknown chart") << withBeat(uR"j("focus": ["live-nodes", "Live nodes"])j"_s)
                                               << u"beat 'b'.focus[1]: unknown chart 'Live nodes' (one of requests"_s;
    QTest::addRow("focus not an array") << withBeat(uR"j("focus": "ranges")j"_s)
                                        << u"beat 'b'.focus: must be a non-empty array of chart ids"_s;
    QTest::addRow("budget not a number") << withBeat(uR"j("budget_s": "60")j"_s)
                                         << u"beat 'b'.budget_s: must be a number"_s;
    QTest::addRow("budget zero") << withBeat(uR"j("budget_s": 0)j"_s) << u"beat 'b'.budget_s"_s;
    QTest::addRow("talk length negative")
        << QByteArray(R"({"version": 1, "title": "t", "talk_minutes": -5, "beats": [{"id": "b", "title": "T"}]})")
        << u"plan.talk_minutes"_s;
    QTest::addRow("focus twice") << withBeat(uR"j("focus": ["ranges", "ranges"])j"_s)
                                 << u"beat 'b'.focus[1]: chart 'ranges' named twice"_s;
}

void TestDemoPlan::validationErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);
    QStringList errors;
    QVERIFY(!DemoPlan::fromJson(json, &errors));
    QVERIFY(!errors.isEmpty());
    const bool found
        = std::any_of(errors.begin(), errors.end(), [&](const QString &e) { return e.contains(expectedError); });
    QVERIFY2(found, qPrintable(u"expected '%1' in:\n%2"_s.arg(expectedError, errors.join(u'\n'))));
}

void TestDemoPlan::expectationHolds_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<double>("observed");
    QTest::addColumn<bool>("holds");
    QTest::addRow("< yes") << u"<"_s << 1.0 << true;
    QTest::addRow("< equal") << u"<"_s << 2.0 << false;
    QTest::addRow("<= equal") << u"<="_s << 2.0 << true;
    QTest::addRow("== yes") << u"=="_s << 2.0 << true;
    QTest::addRow("== no") << u"=="_s << 2.5 << false;
    QTest::addRow(">= equal") << u">="_s << 2.0 << true;
    QTest::addRow("> no") << u">"_s << 2.0 << false;
    QTest::addRow("NaN never holds") << u"<"_s << std::numeric_limits<double>::quiet_NaN() << false;
}

void TestDemoPlan::expectationHolds()
{
    QFETCH(QString, op);
    QFETCH(double, observed);
    QFETCH(bool, holds);
    QStringList errors;
    const auto plan = DemoPlan::fromJson(minimalPlan(uR"j({"id": "b", "title": "T", "narration": "N", "expectations":
            [{"kind": "promql", "expr": "up", "op": "%1", "value": 2, "within_s": 5}]})j"_s.arg(op)),
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QCOMPARE(plan->beats[0].expectations[0].holds(observed), holds);
}

void TestDemoPlan::promqlMetricNames_data()
{
    QTest::addColumn<QString>("promql");
    QTest::addColumn<QStringList>("names");
    QTest::addRow("plain") << u"liveness_livenodes"_s << QStringList {u"liveness_livenodes"_s};
    QTest::addRow("aggregated") << u"sum(ranges_underreplicated)"_s << QStringList {u"ranges_underreplicated"_s};
    QTest::addRow("by clause first") << u"sum by (pod, instance) (replicas)"_s << QStringList {u"replicas"_s};
    QTest::addRow("by clause last") << u"sum(replicas_leaseholders) by (instance)"_s
                                    << QStringList {u"replicas_leaseholders"_s};
    QTest::addRow("matchers and range") << uR"j(rate(sql_query_count{job="crdb", instance=~"a.*"}[1m]))j"_s
                                        << QStringList {u"sql_query_count"_s};
    QTest::addRow("histogram")
        << u"histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket[5m]))) / 1e6"_s
        << QStringList {u"sql_service_latency_bucket"_s};
    QTest::addRow("binary op") << u"sum(a_metric) / on(instance) group_left sum(b_metric) > bool 3"_s
                               << QStringList {u"a_metric"_s, u"b_metric"_s};
}

void TestDemoPlan::promqlMetricNames()
{
    QFETCH(QString, promql);
    QFETCH(QStringList, names);
    QCOMPARE(::promqlMetricNames(promql), names);
}

void TestDemoPlan::positionBetweenBeats()
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(minimalPlan(uR"j({"id": "a", "title": "A", "narration": "N",
          "actions": [{"type": "scale", "nodes": 2}]},
        {"id": "b", "title": "B", "narration": "N",
          "actions": [{"type": "scale", "nodes": 3}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3}]},
        {"id": "c", "title": "C", "narration": "N"})j"_s),
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    using P = DemoPlan::Position;
    QCOMPARE(plan->positionBefore(0), (P {1, 1}));
    QCOMPARE(plan->positionBefore(1), (P {2, 1}));
    QCOMPARE(plan->positionBefore(2), (P {3, 3}));
    QCOMPARE(plan->positionBefore(3), (P {3, 3}));
    QVERIFY(DemoPlan::replicationFactorRefusal(1).isEmpty());
    QVERIFY(DemoPlan::replicationFactorRefusal(3).isEmpty());
    QVERIFY(!DemoPlan::replicationFactorRefusal(2).isEmpty());
    QVERIFY(!DemoPlan::replicationFactorRefusal(0).isEmpty());
}

void TestDemoPlan::faultsAndModes()
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(minimalPlan(uR"j({"id": "f", "title": "F", "narration": "N",
        "actions": [{"type": "scale", "nodes": 3}, {"type": "run_sql", "file": "sql/x.sql", "replication_factor": 3},
                    {"type": "keep_down", "ordinal": 2}, {"type": "pause_node", "ordinal": 1, "allow_majority_loss": true},
                    {"type": "resume_node", "ordinal": 1}, {"type": "start_node", "ordinal": 2},
                    {"type": "kill_node", "ordinal": 0}, {"type": "stop_node", "ordinal": 1}, {"type": "heal_all"}],
        "expectations": [{"kind": "promql", "expr": "sum(ranges_unavailable)", "op": "==", "value": 0, "within_s": 60, "mode": "holds"},
                         {"kind": "promql", "expr": "sum(ranges_underreplicated)", "op": "==", "value": 0, "within_s": 300,
                          "mode": "recovers", "from": "fault"},
                         {"kind": "feed", "field": "ready", "op": "==", "value": 1, "within_s": 30}]})j"_s),
        &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    const Beat &b = plan->beats[0];
    using T = PlanAction::Type;
    QCOMPARE(b.actions[2].type, T::KeepDown);
    QVERIFY(b.actions[2].isFault());
    QVERIFY(!b.actions[2].allowMajorityLoss);
    QCOMPARE(b.actions[3].type, T::PauseNode);
    QVERIFY(b.actions[3].allowMajorityLoss);
    QVERIFY(b.actions[3].describe().contains(u"MAJORITY LOSS"_s));
    QCOMPARE(b.actions[4].type, T::ResumeNode);
    QVERIFY(!b.actions[4].isFault());
    QCOMPARE(b.actions[5].type, T::StartNode);
    QCOMPARE(b.actions[6].type, T::KillNode);
    QCOMPARE(b.actions[8].type, T::HealAll);
    QCOMPARE(PlanAction::typeName(T::HealAll), u"heal_all"_s);
    QVERIFY(b.actions[8].changesCluster());
    QCOMPARE(b.expectations[0].mode, PlanExpectation::Mode::Holds);
    QCOMPARE(b.expectations[1].mode, PlanExpectation::Mode::Recovers);
    QCOMPARE(b.expectations[1].from, u"fault"_s);
    QCOMPARE(b.expectations[2].mode, PlanExpectation::Mode::Eventually);
    QCOMPARE(b.expectations[0].describe(), u"sum(ranges_unavailable) == 0 holds for 60 s"_s);
    QCOMPARE(b.expectations[1].describe(),
        u"sum(ranges_underreplicated) == 0 recovers within 300 s (timed from the fault)"_s);
}

void TestDemoPlan::realPlanValidates()
{
    QStringList errors;
    const auto plan = DemoPlan::load(planPath(), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QCOMPARE(plan->beatIds(), kStoryBeats);
    for (const Beat &b : plan->beats) {
        QVERIFY2(!b.narration.isEmpty(), qPrintable(b.id));
        QVERIFY2(b.budgetS > 0, qPrintable(b.id + u": the talk's plan gives every beat a budget"_s));
    }
    // The beats' budgets fit the talk's length (the pace display counts against both).
    QVERIFY(plan->talkMinutes > 0);
    QVERIFY2(plan->budgetTotalS() <= plan->talkMinutes * 60,
        qPrintable(u"budgets %1 s > talk %2 min"_s.arg(plan->budgetTotalS()).arg(plan->talkMinutes)));
    // The climax: a controlled outage whose invariants hold, then a heal timed from the fault.
    const Beat &failure = plan->beats[plan->indexOf(u"failure"_s)];
    QCOMPARE(failure.actions.size(), 1);
    QCOMPARE(failure.actions[0].type, PlanAction::Type::KeepDown);
    QVERIFY(!failure.actions[0].allowMajorityLoss);
    QVERIFY(std::any_of(failure.expectations.begin(), failure.expectations.end(), [](const PlanExpectation &e) {
        return e.expr == u"sum(ranges_unavailable)" && e.mode == PlanExpectation::Mode::Holds;
    }));
    const Beat &heal = plan->beats[plan->indexOf(u"heal"_s)];
    QCOMPARE(heal.actions.size(), 1);
    QCOMPARE(heal.actions[0].type, PlanAction::Type::StartNode);
    QCOMPARE(heal.actions[0].ordinal, failure.actions[0].ordinal);
    QVERIFY(std::any_of(heal.expectations.begin(), heal.expectations.end(), [](const PlanExpectation &e) {
        return e.expr == u"sum(ranges_underreplicated)" && e.op == PlanExpectation::Op::Equal && e.value == 0
            && e.mode == PlanExpectation::Mode::Recovers && e.from == u"fault";
    }));
}

void TestDemoPlan::realPlanSqlFilesExist()
{
    QStringList errors;
    const auto plan = DemoPlan::load(planPath(), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QVERIFY(!plan->sqlFiles().isEmpty());
    for (const QString &f : plan->sqlFiles()) {
        QVERIFY2(QFile::exists(testenv::sourceDir() + u'/' + f), qPrintable(f + u" does not exist"_s));
    }
}

void TestDemoPlan::realPlanMetricsExist()
{
    const auto known = readNames(testenv::sourceDir() + u"/tests/desktop/model/cockroach-metric-names.txt"_s, false);
    QVERIFY(!known.isEmpty());
    QStringList errors;
    const auto plan = DemoPlan::load(planPath(), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QStringList exprs = plan->promqlExpressions();
    for (const auto &q : ClusterMetrics::queries()) {
        exprs.append(q.promql);
    }
    QSet<QString> used;
    for (const QString &expr : exprs) {
        const QStringList names = ::promqlMetricNames(expr);
        QVERIFY2(!names.isEmpty(), qPrintable(expr));
        for (const QString &name : names) {
            if (name.startsWith(u"app_")) {
                continue; // the sample app's own metrics (sampleapp/PROTOCOL.md)
            }
            const QString base = promqlBaseMetricName(name);
            const bool ok = (known.contains(name) && known.value(name) != u"HISTOGRAM")
                || (base != name && known.value(base) == u"HISTOGRAM");
            QVERIFY2(ok,
                qPrintable(u"%1 (in %2) is not a CockroachDB metric of cockroach-metric-names.txt"_s.arg(name, expr)));
            used.insert(known.contains(name) ? name : base);
        }
    }
    // The list holds only what is used, so it stays a reviewable derivative of the reference.
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        QVERIFY2(used.contains(it.key()), qPrintable(it.key() + u" is listed but no query uses it"_s));
    }
}

void TestDemoPlan::metricListMatchesReference()
{
    const QString dir = qEnvironmentVariable("TEST_REFERENCE_DIR", testenv::sourceDir() + u"/tests/reference"_s);
    const QString tsv = dir + u"/cockroach-metrics.tsv"_s;
    QVERIFY2(QFile::exists(tsv), qPrintable(tsv + u" is missing (committed under tests/reference)"_s));
    const auto reference = readNames(tsv, true);
    QVERIFY(reference.size() > 1000);
    const auto known = readNames(testenv::sourceDir() + u"/tests/desktop/model/cockroach-metric-names.txt"_s, false);
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        QVERIFY2(reference.contains(it.key()), qPrintable(it.key() + u" is not in "_s + tsv));
        QCOMPARE(it.value(), reference.value(it.key()));
    }
}

void TestDemoPlan::demoMarkdownMatchesPlan()
{
    QFile md(testenv::sourceDir() + u"/demo/DEMO.md"_s);
    QVERIFY2(md.open(QIODevice::ReadOnly), "demo/DEMO.md is missing");
    static const QRegularExpression marker(u"<!--\\s*beat:\\s*([a-z0-9-]+)\\s*-->"_s);
    QStringList ids;
    auto it = marker.globalMatch(QString::fromUtf8(md.readAll()));
    while (it.hasNext()) {
        ids.append(it.next().captured(1));
    }
    QStringList errors;
    const auto plan = DemoPlan::load(planPath(), &errors);
    QVERIFY2(plan, qPrintable(errors.join(u'\n')));
    QCOMPARE(ids, plan->beatIds());
}

// demo/PLAN.md names the feed fields a plan may read and the charts a focus may name: the same
// lists, in the same order, as the feed's table and the chart catalog.
void TestDemoPlan::planMarkdownListsTheTables()
{
    QCOMPARE(planMarkdownNames(u"Feed fields:"_s, u"Booleans read"_s), feedschema::fieldNames());
    QCOMPARE(planMarkdownNames(u"ids: `requests`"_s, u"(an unknown id"_s), chartcatalog::presenterIds());
    QCOMPARE(planMarkdownNames(u"(before the first beat:"_s, u")"_s), chartcatalog::defaultFocus());
}

void TestDemoPlan::chartCatalog()
{
    QCOMPARE(DemoPlan::chartIds(), chartcatalog::presenterIds());
    QStringList ids;
    for (const ChartInfo &c : chartcatalog::charts()) {
        QVERIFY2(!c.title.isEmpty() && !c.unit.isEmpty(), qPrintable(c.id));
        QVERIFY2(!ids.contains(c.id), qPrintable(c.id + u" twice"_s));
        ids << c.id;
        QCOMPARE(chartcatalog::chart(c.id).title, c.title);
    }
    QVERIFY(chartcatalog::chart(u"no-such-chart"_s).id.isEmpty());
    // The kiosk's own p99 (a rolling mean) is a chart, but not one a focus may name.
    QVERIFY(ids.contains(u"p99"_s));
    QVERIFY(!chartcatalog::presenterIds().contains(u"p99"_s));
    for (const QString &id : chartcatalog::defaultFocus()) {
        QVERIFY2(chartcatalog::presenterIds().contains(id), qPrintable(id));
    }
    // CockroachDB's charts, and only those, have nothing to show on the local stack.
    QCOMPARE(chartcatalog::chart(u"live-nodes"_s).needsCockroachDB(), true);
    QCOMPARE(chartcatalog::chart(u"db-latency"_s).needsCockroachDB(), false);
    // A beat's focus is validated against the catalog.
    QStringList errors;
    QVERIFY(!DemoPlan::fromJson(
        minimalPlan(u"{\"id\": \"b\", \"title\": \"t\", \"narration\": \"n\", \"focus\": [\"p99\"]}"_s), &errors));
    QVERIFY2(
        errors.value(0).contains(u"unknown chart 'p99' (one of requests, latency,"_s), qPrintable(errors.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestDemoPlan)
#include "tst_demo_plan.moc"
