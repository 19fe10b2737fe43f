#include "pgkit/sql_apply.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QTest>

using namespace Qt::StringLiterals;

using namespace pgkit;

class TestSqlApply : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void portableFilesAreIdempotent();
    void seedIsLargeAndIndexed();
    void seedIsUnchanged();
    void noAppUserCanCreateInPublic();
    void readerIsReadOnly();
    void stopsAtFirstError();
    void expectedErrorIsTheSuccess();
    void unexpectedSuccessFails();
    void otherErrorThanExpectedFails();
    void refusesCockroachOnlyOnPostgres();
    void reportsConnectionFailureWithoutPassword();
    void setsPassword();

private:
    static QString scalar(const QByteArray &conninfo, const char *sql)
    {
        PgConnPtr c = openConnection(conninfo);
        PgResultPtr r(PQexec(c.get(), sql));
        return PQresultStatus(r.get()) == PGRES_TUPLES_OK ? QString::fromUtf8(PQgetvalue(r.get(), 0, 0)) : QString();
    }
};

void TestSqlApply::portableFilesAreIdempotent()
{
    // The fixture applied both files once already; apply them twice more.
    const QByteArray admin = testenv::pgConninfo(QStringLiteral("postgres"), QStringLiteral("postgres"));
    for (int round = 0; round < 2; ++round) {
        for (const char *f : {"/sql/00-bootstrap.sql", "/sql/10-phase1-reader-user.sql"}) {
            const auto script = SqlScript::load(testenv::sourceDir() + QLatin1String(f));
            int tolerated = 0;
            const auto r = applyScript(script, admin, [&](const ApplyProgress &p) { tolerated += p.tolerated; });
            QVERIFY2(r.ok,
                qPrintable(QStringLiteral("%1 round %2: %3 (%4) at line %5")
                               .arg(QLatin1String(f))
                               .arg(round)
                               .arg(r.message, r.sqlState)
                               .arg(r.failedLine)));
            QCOMPARE(r.applied, r.total);
            QVERIFY(tolerated > 0); // CREATE ROLE / DATABASE were already there
            QCOMPARE(r.dialect, Dialect::PostgreSQL);
        }
    }
    QCOMPARE(scalar(testenv::pgConninfo(), "SELECT count(*) FROM search_terms"), u"60000"_s);
}

void TestSqlApply::seedIsLargeAndIndexed()
{
    const QByteArray c = testenv::pgConninfo(QStringLiteral("app_reader"));
    QVERIFY(scalar(c, "SELECT count(*) FROM search_terms").toInt() >= 50000);
    PgConnPtr conn = openConnection(c);
    PgResultPtr r(PQexec(conn.get(),
        "EXPLAIN SELECT term, popularity FROM search_terms WHERE term >= 'amber b' "
        "AND term < 'amber c' ORDER BY term LIMIT 10"));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    QString plan;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        plan += QString::fromUtf8(PQgetvalue(r.get(), i, 0)) + u'\n';
    }
    QVERIFY2(plan.contains(u"search_terms_term_idx"_s), qPrintable(plan));
    QVERIFY2(!plan.contains(u"Seq Scan"_s), qPrintable(plan));
}

// The seed must stay what it was before 00-bootstrap.sql became portable (the sample app and its
// tests rely on the same term for the same id). The checksum is of the rows produced by the
// earlier `(g.i / 20) % 25` form on PostgreSQL 15, taken before the change.
void TestSqlApply::seedIsUnchanged()
{
    // The table may predate the file (the fixture's data directory is kept between runs and the
    // INSERT is ON CONFLICT DO NOTHING), so evaluate the file's own SELECT afresh.
    const auto script = SqlScript::load(testenv::sourceDir() + u"/sql/00-bootstrap.sql"_s);
    QString select;
    for (const auto &step : script.steps) {
        if (step.text.startsWith(u"INSERT INTO search_terms"_s)) {
            select = step.text;
        }
    }
    const qsizetype from = select.indexOf(u"SELECT"_s);
    const qsizetype to = select.lastIndexOf(u"ON CONFLICT"_s);
    QVERIFY2(
        from > 0 && to > from, qPrintable(u"no INSERT INTO search_terms ... SELECT ... ON CONFLICT in: "_s + select));
    select = select.mid(from, to - from);
    const QByteArray sql
        = "CREATE TEMP TABLE seed AS SELECT * FROM (" + select.toUtf8() + ") AS s (id, term, popularity)";
    PgConnPtr conn = openConnection(testenv::pgConninfo());
    PgResultPtr t(PQexec(conn.get(), sql.constData()));
    QVERIFY2(PQresultStatus(t.get()) == PGRES_COMMAND_OK, PQresultErrorMessage(t.get()));
    for (const char *table : {"seed", "search_terms"}) {
        const QByteArray q = QByteArray("SELECT md5(string_agg(id::text || '|' || term || '|' || popularity::text, "
                                        "E'\\n' ORDER BY id)) FROM ")
            + table;
        PgResultPtr m(PQexec(conn.get(), q.constData()));
        QCOMPARE(PQresultStatus(m.get()), PGRES_TUPLES_OK);
        QCOMPARE(QString::fromUtf8(PQgetvalue(m.get(), 0, 0)), u"89d41c5478402d8488a56933bb0ec186"_s);
    }
    PgResultPtr r(PQexec(conn.get(),
        "SELECT id, term, popularity FROM seed WHERE id IN (1, 19, 20, 42, 499, 500, 59999, 60000) "
        "ORDER BY id"));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    QStringList rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        rows << QStringLiteral("%1|%2|%3")
                    .arg(QString::fromUtf8(PQgetvalue(r.get(), i, 0)), QString::fromUtf8(PQgetvalue(r.get(), i, 1)),
                        QString::fromUtf8(PQgetvalue(r.get(), i, 2)));
    }
    const QStringList want {u"1|basil anchor 00001|919"_s, u"19|tundra anchor 00019|461"_s,
        u"20|amber beacon 00020|380"_s, u"42|cedar canyon 00042|598"_s, u"499|tundra zenith 00499|581"_s,
        u"500|amber anchor 00500|500"_s, u"59999|tundra zenith 59999|81"_s, u"60000|amber anchor 60000|0"_s};
    QCOMPARE(rows, want);
}

// CockroachDB grants CREATE on schema public to the public role in every new database
// (sql.auth.public_schema_create_privilege.enabled, default true); PostgreSQL 15 does not. The
// fixture first puts PostgreSQL in CockroachDB's state, then the bootstrap must take it away.
void TestSqlApply::noAppUserCanCreateInPublic()
{
    const QByteArray admin = testenv::pgConninfo();
    {
        PgConnPtr conn = openConnection(admin);
        PgResultPtr g(PQexec(conn.get(), "GRANT CREATE ON SCHEMA public TO PUBLIC"));
        QCOMPARE(PQresultStatus(g.get()), PGRES_COMMAND_OK);
    }
    const QByteArray server = testenv::pgConninfo(QStringLiteral("postgres"), QStringLiteral("postgres"));
    for (const char *f : {"/sql/00-bootstrap.sql", "/sql/10-phase1-reader-user.sql"}) {
        const auto r = applyScript(SqlScript::load(testenv::sourceDir() + QLatin1String(f)), server);
        QVERIFY2(r.ok, qPrintable(r.message));
    }
    for (const QString &user : {QStringLiteral("app_reader"), QStringLiteral("app_writer")}) {
        PgConnPtr conn = openConnection(testenv::pgConninfo(user));
        QCOMPARE(PQstatus(conn.get()), CONNECTION_OK);
        PgResultPtr r(PQexec(conn.get(), "CREATE TABLE app_user_was_here (id INT8)"));
        QVERIFY2(PQresultStatus(r.get()) == PGRES_FATAL_ERROR, qPrintable(user + u" could CREATE TABLE in public"_s));
        QCOMPARE(sqlState(r.get()), u"42501"_s); // insufficient_privilege
    }
}

void TestSqlApply::readerIsReadOnly()
{
    PgConnPtr conn = openConnection(testenv::pgConninfo(QStringLiteral("app_reader")));
    QCOMPARE(PQstatus(conn.get()), CONNECTION_OK);
    for (const char *sql : {"INSERT INTO login_events (id, user_id, ip_hash, user_agent_hash) VALUES "
                            "(gen_random_uuid(), 'x', 'x', 'x')",
             "UPDATE search_terms SET popularity = 0 WHERE id = 1", "DELETE FROM search_terms WHERE id = 1",
             "CREATE TABLE reader_was_here (id INT)"}) {
        PgResultPtr r(PQexec(conn.get(), sql));
        QCOMPARE(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
        QCOMPARE(sqlState(r.get()), u"42501"_s); // insufficient_privilege
    }
    // And the writer can write (the split is permission, not luck).
    PgConnPtr writer = openConnection(testenv::pgConninfo(QStringLiteral("app_writer")));
    PgResultPtr w(PQexec(writer.get(),
        "BEGIN; INSERT INTO login_events (id, user_id, ip_hash, user_agent_hash) "
        "VALUES (gen_random_uuid(), 'x', 'x', 'x'); ROLLBACK"));
    QCOMPARE(PQresultStatus(w.get()), PGRES_COMMAND_OK);
}

void TestSqlApply::stopsAtFirstError()
{
    const auto script = SqlScript::parse(
        QStringLiteral("SELECT 1;\nSELECT no_such_column FROM search_terms;\nSELECT 3;"), QStringLiteral("bad.sql"));
    QList<int> seen;
    const auto r = applyScript(script, testenv::pgConninfo(), [&](const ApplyProgress &p) { seen << p.index; });
    QVERIFY(!r.ok);
    QCOMPARE(seen, QList<int> {1});
    QCOMPARE(r.applied, 1);
    QCOMPARE(r.total, 3);
    QCOMPARE(r.failedLine, 2);
    QCOMPARE(r.sqlState, u"42703"_s);
    QVERIFY2(r.message.contains(u"no_such_column"_s), qPrintable(r.message));
    QVERIFY(r.failedStatement.startsWith(u"SELECT no_such_column"_s));
}

// A statement that really fails on PostgreSQL with a given SQLSTATE, non-destructively: a CHECK
// constraint (23514 check_violation, the code CockroachDB uses for "could not validate zone config")
// on a temporary table of this session.
void TestSqlApply::expectedErrorIsTheSuccess()
{
    const auto script = SqlScript::parse(QStringLiteral("CREATE TEMP TABLE expect_t (n INT8 CHECK (n <> 2));\n"
                                                        "-- @expect-error 23514\n"
                                                        "INSERT INTO expect_t VALUES (2);\n"
                                                        "INSERT INTO expect_t VALUES (1);\n"),
        QStringLiteral("refused.sql"));
    QList<ApplyProgress> seen;
    const auto r = applyScript(script, testenv::pgConninfo(), [&](const ApplyProgress &p) { seen << p; });
    QVERIFY2(r.ok, qPrintable(r.message));
    QCOMPARE(r.applied, 3);
    QCOMPARE(seen.size(), 3);
    QVERIFY(seen[1].refusedAsExpected);
    QCOMPARE(seen[1].sqlState, u"23514"_s);
    QVERIFY2(seen[1].message.contains(u"violates check constraint"_s), qPrintable(seen[1].message));
    QVERIFY(!seen[2].refusedAsExpected);
    QCOMPARE(r.expectedRefusals.size(), 1);
    QCOMPARE(r.expectedRefusals[0].line, 3);
    const QString text = describeExpectedRefusal(r.expectedRefusals[0].sqlState, r.expectedRefusals[0].message);
    QVERIFY2(text.startsWith(u"refused as expected (23514): new row for relation \"expect_t\" violates check"_s),
        qPrintable(text));
}

void TestSqlApply::unexpectedSuccessFails()
{
    const auto script = SqlScript::parse(QStringLiteral("CREATE TEMP TABLE expect_t (n INT8 CHECK (n <> 2));\n"
                                                        "-- @expect-error 23514\n"
                                                        "INSERT INTO expect_t VALUES (3);\n"
                                                        "SELECT 4;\n"),
        QStringLiteral("not-refused.sql"));
    const auto r = applyScript(script, testenv::pgConninfo());
    QVERIFY(!r.ok);
    QCOMPARE(r.applied, 1);
    QCOMPARE(r.failedLine, 3);
    QVERIFY(r.sqlState.isEmpty());
    QCOMPARE(r.expectedSqlState, u"23514"_s);
    QVERIFY2(r.message.contains(u"succeeded"_s) && r.message.contains(u"23514"_s), qPrintable(r.message));
    QVERIFY(r.expectedRefusals.isEmpty());
}

void TestSqlApply::otherErrorThanExpectedFails()
{
    const auto script = SqlScript::parse(QStringLiteral("-- @expect-error 23514\n"
                                                        "SELECT no_such_column FROM search_terms;\n"),
        QStringLiteral("wrong-refusal.sql"));
    const auto r = applyScript(script, testenv::pgConninfo());
    QVERIFY(!r.ok);
    QCOMPARE(r.applied, 0);
    QCOMPARE(r.sqlState, u"42703"_s);
    QCOMPARE(r.expectedSqlState, u"23514"_s);
    QVERIFY2(r.message.contains(u"no_such_column"_s) && r.message.contains(u"wanted SQLSTATE 23514"_s),
        qPrintable(r.message));
}

void TestSqlApply::refusesCockroachOnlyOnPostgres()
{
    const auto script = SqlScript::parse(QStringLiteral("-- @dialect cockroachdb\n"
                                                        "ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3;"),
        QStringLiteral("20-x.sql"));
    const auto r = applyScript(script, testenv::pgConninfo());
    QVERIFY(!r.ok);
    QCOMPARE(r.applied, 0);
    QVERIFY(r.refused);
    QVERIFY2(r.message.contains(u"CockroachDB-only"_s) && r.message.contains(u"postgresql"_s), qPrintable(r.message));
}

void TestSqlApply::reportsConnectionFailureWithoutPassword()
{
    const QByteArray bad = "host=127.0.0.1 port=1 user=postgres password=hunter2 dbname=x connect_timeout=2";
    const auto r = applyScript(SqlScript::parse(QStringLiteral("SELECT 1")), bad);
    QVERIFY(!r.ok);
    QVERIFY2(r.message.contains(u"cannot connect"_s), qPrintable(r.message));
    QVERIFY2(!r.message.contains(u"hunter2"_s), qPrintable(r.message));
    QVERIFY(redactConninfo(bad).contains(u"password=****"_s));
    QVERIFY(!redactConninfo("postgresql://u:hunter2@h:5/db").contains(u"hunter2"_s));
    // A conninfo libpq cannot parse: its error quotes the text, which may hold the password
    // (found by tests/fuzz.sh, fuzz_connection_profile).
    for (const QByteArray &unparsable : {QByteArray("opstgresql://u:hunter2@h:5/db?sslmode=disable"),
             QByteArray("u:hunter2@h:5"), QByteArray("host=h password=hunter2 port"),
             QByteArray("host=h password='hunter2 port=5"), QByteArray("postgresql://u:hunter2@h:5/db?x y"),
             QByteArray("opstgresql://u:hunter2@h/db?s\0\0@x", 30), QByteArray("ftp://u:hunter2@word@h:5/db?x y"),
             // libpq's user information runs to the first '@' or '/', spaces and all; a bad
             // percent-escape in it is quoted whole (found by tests/fuzz.sh, sampleapp_config).
             QByteArray("postgresql://u:hunter2 x) password=y%ql@h:5/db")}) {
        QString error;
        QVERIFY(!validateConninfo(unparsable, &error));
        QVERIFY2(!error.isEmpty() && !error.contains(u"hunter2"_s), qPrintable(error));
        QVERIFY2(!redactConninfo(unparsable).contains(u"hunter2"_s), qPrintable(redactConninfo(unparsable)));
    }
}

void TestSqlApply::setsPassword()
{
    const QByteArray admin = testenv::pgConninfo();
    const auto r = setRolePassword(admin, QStringLiteral("app_reader"), QByteArrayLiteral("it's \"secret\""));
    QVERIFY2(r.ok, qPrintable(r.message));
    QCOMPARE(scalar(admin, "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'app_reader'"), u"t"_s);
}

QTEST_GUILESS_MAIN(TestSqlApply)
#include "tst_sql_apply.moc"
