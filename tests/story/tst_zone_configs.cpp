// The zone-config statements in sql/, replayed in the order the talk runs them, on pgkit's model of
// CockroachDB's zones (pgkit/src/pgkit/zone_config.h: the bootstrap zones, inheritance,
// ZoneConfig.Validate on the complete zone, and the story's rule of never more voters than live
// nodes). No CockroachDB runs here, so this is where a zone config the cluster would refuse, or one
// it could not satisfy with the nodes it has at that point, is caught before the stage.
//
// The order: the set-up applies the files of k8s/sql/phase0/job.yaml (00-bootstrap.sql,
// 01-phase0-rf1.sql) on the one node of k8s/base/crdb-cluster.yaml (demo/DEMO.md, "Before the talk");
// then demo/plan.json beat by beat: each `scale` action sets the live nodes, each `run_sql` action
// replays its file. A statement marked `-- @expect-error 23514` must be one the model refuses with
// that SQLSTATE (the refusal is what the talk shows); every other one must be accepted.
#include "pgkit/sql_script.h"
#include "pgkit/zone_config.h"
#include "test_env.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using pgkit::SqlScript;

namespace {

struct Step
{
    QString where; // "set-up" or the beat id
    SqlScript script;
    int liveNodes = 0;
};

// Every disagreement between the files and the model, one line each; empty when the story holds.
QStringList replay(const QList<Step> &steps)
{
    QStringList problems;
    pgkit::ZoneModel model = pgkit::ZoneModel::atBootstrap();
    int zoneStatements = 0;
    for (const Step &step : steps) {
        if (!step.script.isValid()) {
            problems << u"%1: %2: %3"_s.arg(step.where, step.script.name, step.script.error);
            continue;
        }
        for (const auto &s : step.script.steps) {
            if (s.kind != pgkit::SqlStep::Kind::Statement || !pgkit::isConfigureZone(s.text)) {
                continue;
            }
            ++zoneStatements;
            const QString at = u"%1 (%2 live node(s)): %3 line %4"_s.arg(step.where)
                                   .arg(step.liveNodes)
                                   .arg(step.script.name)
                                   .arg(s.line);
            QString error;
            const auto parsed = pgkit::parseConfigureZone(s.text, &error);
            if (!parsed) {
                problems << at + u": "_s + error;
                continue;
            }
            const pgkit::ZoneVerdict v = pgkit::applyZoneStatement(model, *parsed, step.liveNodes);
            if (!s.expectedError.isEmpty()) {
                if (v.rule != pgkit::ZoneVerdict::Rule::Validate || v.sqlState != s.expectedError) {
                    problems << at
                            + u": marked @expect-error %1, but CockroachDB would %2"_s.arg(s.expectedError,
                                v.accepted() ? u"accept it"_s
                                             : u"accept it (only the story refuses it: %1)"_s.arg(v.message));
                }
            } else if (!v.accepted()) {
                problems << at + u": "_s + s.text.simplified() + u" -> "_s
                        + (v.sqlState.isEmpty() ? v.message : u"ERROR %1 (SQLSTATE %2)"_s.arg(v.message, v.sqlState));
            }
        }
    }
    if (zoneStatements == 0) {
        problems << u"no zone-config statement replayed: the check would be vacuous"_s;
    }
    return problems;
}

QJsonObject readPlan()
{
    QFile f(testenv::sourceDir() + u"/demo/plan.json"_s);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

} // namespace

class TestZoneConfigs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void selfTest_data();
    void selfTest();
    void storyZoneConfigsHold();
};

void TestZoneConfigs::selfTest_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QString>("problem"); // empty: must pass
    const QString rf1 = u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 1;\n"_s;
    QTest::addRow("rf 2 unmarked") << rf1 + u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2;"_s << 2
                                   << u"at least 3 replicas are required for multi-replica configurations"_s;
    QTest::addRow("rf 2 marked") << rf1
            + u"-- @expect-error 23514\nALTER RANGE default CONFIGURE ZONE USING num_replicas = 2;"_s
                                 << 2 << QString();
    QTest::addRow("marked but accepted") << rf1
            + u"-- @expect-error 23514\nALTER RANGE default CONFIGURE ZONE USING num_replicas = 1;"_s
                                         << 2 << u"marked @expect-error 23514, but CockroachDB would accept it"_s;
    QTest::addRow("marked, only the story refuses")
        << rf1 + u"-- @expect-error 23514\nALTER RANGE default CONFIGURE ZONE USING num_replicas = 3;"_s << 2
        << u"only the story refuses it"_s;
    QTest::addRow("rf 3 on 2 nodes") << rf1 + u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3;"_s << 2
                                     << u"the replicate queue would reach 1 voter(s)"_s;
    QTest::addRow("nothing to replay") << u"SELECT 1;"_s << 1 << u"vacuous"_s;
}

void TestZoneConfigs::selfTest()
{
    QFETCH(QString, sql);
    QFETCH(int, nodes);
    QFETCH(QString, problem);
    const QStringList problems = replay({Step {u"crafted"_s, SqlScript::parse(sql, u"crafted.sql"_s), nodes}});
    if (problem.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    } else {
        QVERIFY2(problems.size() == 1 && problems[0].contains(problem), qPrintable(problems.join(u'\n')));
    }
}

void TestZoneConfigs::storyZoneConfigsHold()
{
    QList<Step> steps;
    // The set-up: the files the phase 0 Job applies, on one node.
    QFile job(testenv::sourceDir() + u"/k8s/sql/phase0/job.yaml"_s);
    QVERIFY(job.open(QIODevice::ReadOnly));
    static const QRegularExpression sqlFile(u"/sql/([\\w.-]+\\.sql)"_s);
    QStringList setupFiles;
    for (auto it = sqlFile.globalMatch(QString::fromUtf8(job.readAll())); it.hasNext();) {
        setupFiles << it.next().captured(1);
    }
    QVERIFY2(setupFiles.contains(u"01-phase0-rf1.sql"_s), qPrintable(setupFiles.join(u", "_s)));
    int nodes = 1;
    for (const auto &f : setupFiles) {
        steps << Step {u"set-up"_s, SqlScript::load(testenv::sourceDir() + u"/sql/"_s + f), nodes};
    }
    // The talk, beat by beat.
    const QJsonObject plan = readPlan();
    QVERIFY(!plan.value(u"beats"_s).toArray().isEmpty());
    int runSql = 0;
    for (const auto &beatValue : plan.value(u"beats"_s).toArray()) {
        const QJsonObject beat = beatValue.toObject();
        for (const auto &actionValue : beat.value(u"actions"_s).toArray()) {
            const QJsonObject action = actionValue.toObject();
            const QString type = action.value(u"type"_s).toString();
            if (type == "scale"_L1) {
                nodes = action.value(u"nodes"_s).toInt();
            } else if (type == "run_sql"_L1) {
                ++runSql;
                steps << Step {beat.value(u"id"_s).toString(),
                    SqlScript::load(testenv::sourceDir() + u"/"_s + action.value(u"file"_s).toString()), nodes};
            }
        }
    }
    QVERIFY(runSql >= 3);
    const QStringList problems = replay(steps);
    QVERIFY2(problems.isEmpty(), qPrintable(u"\n"_s + problems.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestZoneConfigs)
#include "tst_zone_configs.moc"
