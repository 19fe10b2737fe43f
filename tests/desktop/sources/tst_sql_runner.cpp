#include "sources/sql_runner.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

// SqlRunner against the real PostgreSQL fixture.
class TestSqlRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &sql) { return testenv::writeFile(m_dir.filePath(name), sql); }

    struct Run
    {
        bool ok = false;
        QString summary;
        pgkit::ApplyResult result;
        QList<QList<QVariant>> progress;
    };

    static Run runToEnd(SqlRunner &runner, const QString &path)
    {
        QSignalSpy finished(&runner, &SqlRunner::finished);
        QSignalSpy progress(&runner, &SqlRunner::progress);
        Run run;
        QString whyNot;
        if (!runner.runFile(path, &whyNot)) {
            run.summary = u"refused: "_s + whyNot;
            return run;
        }
        if (!finished.wait(20000)) {
            run.summary = u"no finished() within 20 s"_s;
            return run;
        }
        run.ok = finished.at(0).at(0).toBool();
        run.summary = finished.at(0).at(1).toString();
        run.result = finished.at(0).at(2).value<pgkit::ApplyResult>();
        run.progress = progress;
        return run;
    }

private Q_SLOTS:
    void goodFile()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        const QString path = write(u"good.sql"_s,
            "-- @dialect portable\n"
            "CREATE TEMP TABLE runner_probe (id int);\n"
            "INSERT INTO runner_probe VALUES (1), (2);\n"
            "SELECT count(*) FROM runner_probe;\n");
        QSignalSpy busy(&runner, &SqlRunner::busyChanged);
        const Run run = runToEnd(runner, path);
        QVERIFY2(run.ok, qPrintable(run.summary));
        QCOMPARE(run.summary, u"good.sql: 3 of 3 statements applied"_s);
        QCOMPARE(run.result.applied, 3);
        QCOMPARE(run.progress.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(run.progress.at(i).at(0).toInt(), i + 1);
            QCOMPARE(run.progress.at(i).at(1).toInt(), 3);
        }
        QCOMPARE(run.progress.at(1).at(2).toString(), u"INSERT INTO runner_probe VALUES (1), (2)"_s);
        QCOMPARE(busy.size(), 2); // true, then false
        QVERIFY(!runner.isBusy());
        QVERIFY(runner.isHealthy());
    }

    // An @expect-error refusal is shown as such, with the server's message; success fails.
    void expectedRefusal()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        const QString path = write(u"refused.sql"_s,
            "CREATE TEMP TABLE runner_refusal (n int8 CHECK (n <> 2));\n"
            "-- @expect-error 23514\n"
            "INSERT INTO runner_refusal VALUES (2);\n");
        const Run run = runToEnd(runner, path);
        QVERIFY2(run.ok, qPrintable(run.summary));
        QVERIFY2(run.summary.startsWith(u"refused.sql: 2 of 2 statements applied, 1 of them refused as expected\n"
                                        "line 3: refused as expected (23514): new row for relation"_s),
            qPrintable(run.summary));
        QVERIFY(runner.isHealthy());

        const QString accepted = write(u"accepted.sql"_s,
            "CREATE TEMP TABLE runner_refusal (n int8 CHECK (n <> 2));\n"
            "-- @expect-error 23514\n"
            "INSERT INTO runner_refusal VALUES (3);\n");
        const Run bad = runToEnd(runner, accepted);
        QVERIFY(!bad.ok);
        QVERIFY2(bad.summary.contains(u"stopped at line 3"_s)
                && bad.summary.contains(u"succeeded, but @expect-error said it must fail with SQLSTATE 23514"_s),
            qPrintable(bad.summary));
    }

    // The repository's own portable files run (they are idempotent).
    void repositoryPortableFile()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo(u"postgres"_s, u"postgres"_s));
        const Run run = runToEnd(runner, testenv::sourceDir() + u"/sql/10-phase1-reader-user.sql"_s);
        QVERIFY2(run.ok, qPrintable(run.summary));
        QVERIFY(run.result.applied > 0);
    }

    void failingStatement()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        QSignalSpy failed(&runner, &SqlRunner::failed);
        const QString path = write(u"bad.sql"_s,
            "SELECT 1;\n"
            "SELECT name\n  FROM no_such_table_for_runner;\n"
            "SELECT 3;\n");
        const Run run = runToEnd(runner, path);
        QVERIFY(!run.ok);
        QCOMPARE(run.progress.size(), 1); // stopped at the first error
        QCOMPARE(run.result.failedLine, 2);
        QCOMPARE(run.result.sqlState, u"42P01"_s);
        QCOMPARE(run.result.failedStatement, u"SELECT name\n  FROM no_such_table_for_runner"_s);
        QVERIFY2(
            run.summary.contains(u"relation \"no_such_table_for_runner\" does not exist"_s), qPrintable(run.summary));
        QVERIFY2(
            run.summary.contains(u"statement: SELECT name FROM no_such_table_for_runner"_s), qPrintable(run.summary));
        QVERIFY2(run.summary.contains(u"line 2"_s), qPrintable(run.summary));
        QCOMPARE(failed.size(), 1);
        QVERIFY(!runner.isHealthy());
        // The next good run clears the banner.
        QSignalSpy recovered(&runner, &SqlRunner::recovered);
        QVERIFY(runToEnd(runner, write(u"ok.sql"_s, "SELECT 1;")).ok);
        QCOMPARE(recovered.size(), 1);
    }

    void cockroachOnlyRefusedOnPostgres()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        QStringList files {write(u"rf3.sql"_s,
            "-- @dialect cockroachdb\n"
            "ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3;\n")};
        // And every CockroachDB-only file the repository has.
        const QDir sql(testenv::sourceDir() + u"/sql"_s);
        for (const QString &name : sql.entryList({u"*.sql"_s}, QDir::Files)) {
            QFile f(sql.filePath(name));
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains("-- @dialect cockroachdb")) {
                files << f.fileName();
            }
        }
        for (const QString &path : std::as_const(files)) {
            const Run run = runToEnd(runner, path);
            QVERIFY(!run.ok);
            QVERIFY(run.progress.isEmpty());
            QCOMPARE(run.result.applied, 0);
            QVERIFY2(run.summary.contains(u"CockroachDB-only"_s), qPrintable(run.summary));
            QVERIFY(run.result.refused);
            QVERIFY(runner.isHealthy()); // the server is fine: no "SQL down" banner
            QVERIFY2(run.summary.contains(u"the server is postgresql"_s), qPrintable(run.summary));
            QVERIFY2(run.summary.contains(u"nothing was run"_s), qPrintable(run.summary));
        }
    }

    void busyRefusal()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        QSignalSpy finished(&runner, &SqlRunner::finished);
        QSignalSpy failed(&runner, &SqlRunner::failed);
        QVERIFY(runner.runFile(write(u"slow.sql"_s, "SELECT pg_sleep(0.5);")));
        QVERIFY(runner.isBusy());
        QString whyNot;
        QVERIFY(!runner.runFile(write(u"other.sql"_s, "SELECT 1;"), &whyNot));
        QCOMPARE(whyNot, u"SQL runner busy with slow.sql; wait for it to finish or cancel it"_s);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), whyNot);
        QVERIFY(runner.isHealthy()); // a refused click is not an outage
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.at(0).at(0).toBool());
        QCOMPARE(finished.size(), 1); // the refused run never finishes
        QVERIFY(!runner.isBusy());
    }

    void cancelStopsBeforeNextStatement()
    {
        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        QSignalSpy progress(&runner, &SqlRunner::progress);
        QSignalSpy finished(&runner, &SqlRunner::finished);
        QVERIFY(runner.runFile(write(u"cancel.sql"_s, "SELECT pg_sleep(0.3);\nSELECT 2;\nSELECT 3;\n")));
        runner.cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY2(finished.at(0).at(1).toString().contains(u"cancelled after"_s),
            qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(finished.at(0).at(2).value<pgkit::ApplyResult>().applied < 3);
        QVERIFY(progress.size() < 3);
    }

    void refusedBeforeRunning()
    {
        SqlRunner runner;
        QString whyNot;
        QVERIFY(!runner.runFile(write(u"x.sql"_s, "SELECT 1;"), &whyNot));
        QVERIFY2(whyNot.contains(u"--sql-url"_s), qPrintable(whyNot));
        runner.setConninfo(testenv::pgConninfo());
        QVERIFY(!runner.runFile(m_dir.filePath(u"missing.sql"_s), &whyNot));
        QVERIFY2(whyNot.contains(u"cannot read"_s), qPrintable(whyNot));
        QVERIFY(!runner.runFile(write(u"unterminated.sql"_s, "SELECT 'oops;\n"), &whyNot));
        QVERIFY2(whyNot.startsWith(u"unterminated.sql: "_s), qPrintable(whyNot));
        QVERIFY(!runner.isBusy());
    }

    void connectionFailure()
    {
        SqlRunner runner;
        runner.setConninfo(u"host=127.0.0.1 port=%1 user=postgres dbname=evolution connect_timeout=2 password=hunter2"_s
                               .arg(testenv::freePort())
                               .toUtf8());
        QSignalSpy failed(&runner, &SqlRunner::failed);
        const Run run = runToEnd(runner, write(u"c.sql"_s, "SELECT 1;"));
        QVERIFY(!run.ok);
        QVERIFY2(run.summary.contains(u"cannot connect"_s), qPrintable(run.summary));
        QVERIFY2(!run.summary.contains(u"hunter2"_s), qPrintable(run.summary));
        QCOMPARE(failed.size(), 1);
        QVERIFY(!runner.isHealthy());
    }

    // Destroying the runner mid-run must neither crash nor deliver to the dead object.
    void destroyedWhileRunning()
    {
        auto *runner = new SqlRunner;
        runner->setConninfo(testenv::pgConninfo());
        QVERIFY(runner->runFile(write(u"late.sql"_s, "SELECT pg_sleep(0.3);\nSELECT 1;\n")));
        delete runner;
        QTest::qWait(800);
    }
};

QTEST_GUILESS_MAIN(TestSqlRunner)
#include "tst_sql_runner.moc"
