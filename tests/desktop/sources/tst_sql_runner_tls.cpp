// The presenter's admin SQL connection (the profile's sql_url, SqlRunner) with
// sslmode=verify-full against a real PostgreSQL 15 with TLS (tests/fixtures/postgres-tls.sh): the
// right CA runs a file over TLS; a server certificate from another CA, a client trusting another
// CA, a certificate for another host, an expired one and a server without TLS each fail the run
// with one sentence that says why, on finished() and as the source's failure.
#include "config/connection_profile.h"
#include "sources/sql_runner.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

class TestSqlRunnerTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &sql) { return testenv::writeFile(m_dir.filePath(name), sql); }

    // The SQL URL as a profile carries it (the field the presenter reads, validated like a real one).
    static QByteArray profileSqlUrl(const QString &rootCert, const QString &host = u"localhost"_s)
    {
        const QByteArray url = testenv::pgTlsUrl(u"app_writer"_s, testenv::pgTlsVerifyFull(rootCert), host);
        QString error;
        const ConnectionProfile profile = ConnectionProfile::fromJson(
            R"({"sql_url": ")" + url + R"(", "cluster_kind": "none"})", &error, u"tls.json"_s);
        return error.isEmpty() ? profile.sqlConninfo : QByteArray("invalid profile: ") + error.toUtf8();
    }

    struct Run
    {
        bool ok = false;
        QString summary;
        QStringList failures; // the source's failed() reasons
    };

    Run runToEnd(const QByteArray &conninfo)
    {
        SqlRunner runner;
        runner.setConninfo(conninfo);
        QSignalSpy finished(&runner, &SqlRunner::finished);
        QSignalSpy failed(&runner, &SqlRunner::failed);
        Run run;
        QString whyNot;
        if (!runner.runFile(m_file, &whyNot)) {
            run.summary = u"refused: "_s + whyNot;
            return run;
        }
        if (!finished.wait(20000)) {
            run.summary = u"no finished() within 20 s"_s;
            return run;
        }
        run.ok = finished.at(0).at(0).toBool();
        run.summary = finished.at(0).at(1).toString();
        for (const auto &args : failed) {
            run.failures << args.at(0).toString();
        }
        if (!run.ok && runner.isHealthy()) {
            run.failures << u"(the runner still says it is healthy)"_s;
        }
        return run;
    }

    QString m_file;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_file = write(u"tls-probe.sql"_s,
            "-- @dialect portable\n"
            "SELECT count(*) FROM login_events;\n"
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl;\n");
    }

    void rightCaRunsTheFile_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("localhost") << u"localhost"_s;
        QTest::newRow("127.0.0.1") << u"127.0.0.1"_s;
    }

    void rightCaRunsTheFile()
    {
        QFETCH(QString, host);
        QVERIFY(testenv::pgTlsServe(u"good"_s));
        const Run run = runToEnd(profileSqlUrl(u"ca.crt"_s, host));
        QVERIFY2(run.ok, qPrintable(run.summary));
        QCOMPARE(run.summary, u"tls-probe.sql: 2 of 2 statements applied"_s);
        QVERIFY2(run.failures.isEmpty(), qPrintable(run.failures.join(u'\n')));
    }

    void badCasesFailWithOneSentence_data()
    {
        QTest::addColumn<QString>("serverCert");
        QTest::addColumn<QString>("rootCert");
        QTest::addColumn<QString>("why");
        QTest::newRow("server certificate from another CA")
            << u"wrong-ca"_s << u"ca.crt"_s
            << u"the server's certificate (issued by /CN=crdb-evolution wrong CA) is not signed by a CA in sslrootcert"_s;
        QTest::newRow("client trusts another CA")
            << u"good"_s << u"wrong-ca.crt"_s
            << u"the server's certificate (issued by /CN=crdb-evolution test CA) is not signed by a CA in sslrootcert"_s;
        QTest::newRow("certificate for another host")
            << u"other-host"_s << u"ca.crt"_s
            << u"server certificate for \"other-host.invalid\" does not match host name \"localhost\""_s;
        QTest::newRow("expired certificate")
            << u"expired"_s << u"ca.crt"_s
            << u"the server's certificate has expired (valid until 2021-01-01 00:00 UTC"_s;
        QTest::newRow("server without TLS")
            << u"none"_s << u"ca.crt"_s << u"server does not support SSL, but SSL was required"_s;
    }

    void badCasesFailWithOneSentence()
    {
        QFETCH(QString, serverCert);
        QFETCH(QString, rootCert);
        QFETCH(QString, why);
        QVERIFY(testenv::pgTlsServe(serverCert));
        const Run run = runToEnd(profileSqlUrl(rootCert));
        QVERIFY2(!run.ok, qPrintable(run.summary));
        QVERIFY2(run.summary.startsWith(u"tls-probe.sql not applied: cannot connect ("_s) && run.summary.contains(why),
            qPrintable(run.summary));
        QVERIFY2(!run.summary.contains(u'\n'), qPrintable(run.summary)); // one sentence, one line
        QVERIFY2(!run.summary.contains(qEnvironmentVariable("TEST_PG_TLS_WRITER_PASSWORD")), "password shown");
        QCOMPARE(run.failures, QStringList {run.summary});
    }

    void cleanupTestCase()
    {
        QVERIFY(testenv::pgTlsServe(u"good"_s)); // leave the fixture as it started
    }
};

QTEST_GUILESS_MAIN(TestSqlRunnerTls)
#include "tst_sql_runner_tls.moc"
