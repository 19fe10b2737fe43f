// pgkit::classifyFailure against real PostgreSQL errors: the one retry rule both sample app pools use.
#include "pgkit/pg_connection.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QTest>

using pgkit::FailureClass;

class TestPgFailure : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifies_data();
    void classifies();
    void terminatedSessionIsConnectionLost();
    void noResultIsConnectionLost();
};

void TestPgFailure::classifies_data()
{
    QTest::addColumn<QByteArray>("sql");
    QTest::addColumn<FailureClass>("expected");
    QTest::newRow("division by zero") << QByteArray("SELECT 1/0") << FailureClass::Permanent;
    QTest::newRow("syntax error") << QByteArray("SELEC 1") << FailureClass::Permanent;
    QTest::newRow("unique violation") << QByteArray("DO $$ BEGIN RAISE EXCEPTION 'dup' USING ERRCODE = '23505'; END $$")
                                      << FailureClass::Permanent;
    QTest::newRow("serialization failure 40001")
        << QByteArray("DO $$ BEGIN RAISE EXCEPTION 'retry' USING ERRCODE = '40001'; END $$") << FailureClass::Retry;
    QTest::newRow("completion unknown 40003")
        << QByteArray("DO $$ BEGIN RAISE EXCEPTION 'unknown' USING ERRCODE = '40003'; END $$") << FailureClass::Retry;
    QTest::newRow("connection failure 08006")
        << QByteArray("DO $$ BEGIN RAISE EXCEPTION 'gone' USING ERRCODE = '08006'; END $$")
        << FailureClass::ConnectionLost;
}

void TestPgFailure::classifies()
{
    QFETCH(QByteArray, sql);
    QFETCH(FailureClass, expected);
    pgkit::PgConnPtr conn = pgkit::openConnection(testenv::pgConninfo());
    QCOMPARE(PQstatus(conn.get()), CONNECTION_OK);
    pgkit::PgResultPtr r(PQexec(conn.get(), sql.constData()));
    QCOMPARE(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
    QCOMPARE(pgkit::classifyFailure(conn.get(), r.get()), expected);
}

void TestPgFailure::terminatedSessionIsConnectionLost()
{
    pgkit::PgConnPtr conn = pgkit::openConnection(testenv::pgConninfo());
    pgkit::PgResultPtr r(PQexec(conn.get(), "SELECT pg_terminate_backend(pg_backend_pid())"));
    QVERIFY(PQresultStatus(r.get()) != PGRES_TUPLES_OK);
    QCOMPARE(pgkit::classifyFailure(conn.get(), r.get()), FailureClass::ConnectionLost);
}

void TestPgFailure::noResultIsConnectionLost()
{
    pgkit::PgConnPtr conn = pgkit::openConnection(testenv::pgConninfo());
    QCOMPARE(pgkit::classifyFailure(conn.get(), nullptr), FailureClass::ConnectionLost);
}

QTEST_GUILESS_MAIN(TestPgFailure)
#include "tst_pg_failure.moc"
