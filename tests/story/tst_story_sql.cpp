// The CockroachDB-only phase SQL cannot run here (PostgreSQL has no zone configs), so it is checked
// statically with the same parser every runner uses: marked `@dialect cockroachdb`, parses, non-
// destructive, and says what the story needs (RF N on every range class; BACKUP INTO, never
// RESTORE). The portable files run for real in tests/pgkit/tst_sql_apply.cpp.
#include "pgkit/sql_script.h"
#include "test_env.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using pgkit::SqlScript;

class TestStorySql : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dialectsAreDeclared();
    void cockroachFilesParseAndAreNonDestructive_data();
    void cockroachFilesParseAndAreNonDestructive();
    void replicationFactorFiles_data();
    void replicationFactorFiles();
    void phase1ShowsTheRefusal();
    void backupOnlyAddsBackups();
};

namespace {
QString sqlPath(const QString &file)
{
    return testenv::sourceDir() + u"/sql/"_s + file;
}
QStringList statements(const SqlScript &s)
{
    QStringList out;
    for (const auto &step : s.steps) {
        if (step.kind == pgkit::SqlStep::Kind::Statement) {
            out << step.text.simplified();
        }
    }
    return out;
}
const QStringList kCockroachOnly {u"01-phase0-rf1.sql"_s, u"02-phase0-shutdown.sql"_s, u"15-phase1-rf2-refused.sql"_s,
    u"20-phase2-rf3.sql"_s, u"90-backup.sql"_s};
} // namespace

// Each file says where it may run, and only the portable ones claim to be portable.
void TestStorySql::dialectsAreDeclared()
{
    const auto files = QDir(testenv::sourceDir() + u"/sql"_s).entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    for (const auto &f : kCockroachOnly) {
        QVERIFY2(files.contains(f), qPrintable(u"missing sql/"_s + f));
    }
    for (const auto &f : files) {
        const auto script = SqlScript::load(sqlPath(f));
        QVERIFY2(script.isValid(), qPrintable(f + u": "_s + script.error));
        const bool zoneOrBackup = std::any_of(script.steps.cbegin(), script.steps.cend(), [](const pgkit::SqlStep &s) {
            return s.text.contains(u"CONFIGURE ZONE"_s, Qt::CaseInsensitive)
                || s.text.contains(u"BACKUP"_s, Qt::CaseInsensitive);
        });
        if (zoneOrBackup || kCockroachOnly.contains(f)) {
            QVERIFY2(script.dialect == SqlScript::Dialect::CockroachDB,
                qPrintable(f + u" must be marked -- @dialect cockroachdb"_s));
        }
    }
}

void TestStorySql::cockroachFilesParseAndAreNonDestructive_data()
{
    QTest::addColumn<QString>("file");
    for (const auto &f : kCockroachOnly) {
        QTest::addRow("%s", qPrintable(f)) << f;
    }
}

void TestStorySql::cockroachFilesParseAndAreNonDestructive()
{
    QFETCH(QString, file);
    const auto script = SqlScript::load(sqlPath(file));
    QVERIFY2(script.isValid(), qPrintable(script.error));
    QCOMPARE(script.dialect, SqlScript::Dialect::CockroachDB);
    QVERIFY(script.statementCount() > 0);
    QVERIFY2(pgkit::findDestructiveStatements(script).isEmpty(),
        qPrintable(pgkit::findDestructiveStatements(script).join(u"; "_s)));
    for (const auto &s : statements(script)) {
        QVERIFY2(
            !s.contains(u"RESTORE"_s, Qt::CaseInsensitive), qPrintable(u"restore is documented, never run: "_s + s));
        QVERIFY2(
            !s.contains(u"default_replication_factor"_s), "replication factor is a zone config, not a cluster setting");
        QVERIFY2(!s.contains(u"crdb_internal"_s), "crdb_internal needs allow_unsafe_internals since v26.2");
    }
}

void TestStorySql::replicationFactorFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("rf");
    // Phase 1 keeps RF=1 (15-phase1-rf2-refused.sql only shows CockroachDB refusing 2).
    QTest::addRow("phase 0") << u"01-phase0-rf1.sql"_s << 1;
    QTest::addRow("phase 2") << u"20-phase2-rf3.sql"_s << 3;
}

// RANGE default alone would leave the system ranges at their own (5-replica) zones.
void TestStorySql::replicationFactorFiles()
{
    QFETCH(QString, file);
    QFETCH(int, rf);
    const QStringList stmts = statements(SqlScript::load(sqlPath(file)));
    const QStringList targets {
        u"RANGE default"_s, u"RANGE meta"_s, u"RANGE liveness"_s, u"RANGE system"_s, u"DATABASE system"_s};
    for (const auto &target : targets) {
        const QString want = u"ALTER %1 CONFIGURE ZONE USING num_replicas = %2"_s.arg(target).arg(rf);
        QVERIFY2(stmts.contains(want, Qt::CaseInsensitive), qPrintable(file + u" lacks: "_s + want));
    }
    static const QRegularExpression anyRf(u"num_replicas\\s*=\\s*(\\d+)"_s);
    for (const auto &s : stmts) {
        for (auto it = anyRf.globalMatch(s); it.hasNext();) {
            QCOMPARE(it.next().captured(1).toInt(), rf);
        }
    }
}

// Phase 1 is two nodes and one copy: its file asks for two copies only to show the refusal, and
// the runner fails unless CockroachDB refuses (tst_zone_configs checks the refusal is real).
void TestStorySql::phase1ShowsTheRefusal()
{
    QVERIFY2(!QFile::exists(sqlPath(u"15-phase1-rf2.sql"_s)), "15-phase1-rf2.sql asked for a refused RF=2");
    const auto script = SqlScript::load(sqlPath(u"15-phase1-rf2-refused.sql"_s));
    QVERIFY2(script.isValid(), qPrintable(script.error));
    QCOMPARE(script.statementCount(), 1);
    QCOMPARE(script.steps[0].text.simplified(), u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2"_s);
    QCOMPARE(script.steps[0].expectedError, u"23514"_s);
}

void TestStorySql::backupOnlyAddsBackups()
{
    const QStringList stmts = statements(SqlScript::load(sqlPath(u"90-backup.sql"_s)));
    QCOMPARE(stmts.size(), 1);
    QVERIFY(stmts[0].startsWith(u"BACKUP DATABASE evolution INTO '"_s));
}

QTEST_GUILESS_MAIN(TestStorySql)
#include "tst_story_sql.moc"
