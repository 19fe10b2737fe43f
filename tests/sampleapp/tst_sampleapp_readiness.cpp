// /readyz and start-up failures of the real binary: unreachable reader, a reader that can write,
// a reader that can create tables (granted to it, or to PUBLIC as CockroachDB does by default),
// and configuration errors that must stop the process with a message naming the variable.
#include "log_check.h"
#include "pgkit/pg_connection.h"
#include "processes.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

using testenv::http;

namespace {
// Runs admin statements on the fixture; false (with the failing statement) on the first error.
bool adminExec(const QByteArray &conninfo, std::initializer_list<const char *> statements, QByteArray *failed)
{
    pgkit::PgConnPtr admin = pgkit::openConnection(conninfo);
    for (const char *sql : statements) {
        pgkit::PgResultPtr r(PQexec(admin.get(), sql));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            *failed = QByteArray(sql) + ": " + PQerrorMessage(admin.get());
            return false;
        }
    }
    return true;
}

QByteArray publicTables(const QByteArray &conninfo)
{
    pgkit::PgConnPtr admin = pgkit::openConnection(conninfo);
    pgkit::PgResultPtr r(PQexec(admin.get(),
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"));
    return QByteArray(PQgetvalue(r.get(), 0, 0));
}

QJsonObject check(const testenv::HttpReply &r, const char *name)
{
    return r.json().object().value(u"checks").toObject().value(QLatin1String(name)).toObject();
}
} // namespace

class TestSampleAppReadiness : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unreachableReaderIs503WithReason();
    void readerThatCanWriteIsNotReady();
    void readerThatCanCreateIsNotReady();
    void createGrantedToPublicIsNotReady();
    void connectionsAreReplacedUnderContinuousRequests();
    void badConfigurationStopsAtStart_data();
    void badConfigurationStopsAtStart();
};

void TestSampleAppReadiness::unreachableReaderIs503WithReason()
{
    const quint16 closed = testenv::freePort(); // nothing listens there
    testenv::SampleAppProcess app({{u"APP_DB_READER_URL"_s,
        QStringLiteral("host=127.0.0.1 port=%1 user=app_reader password=s3cret dbname=evolution").arg(closed)}});
    QVERIFY2(app.start(), app.output().constData()); // liveness does not depend on the database
    const auto r = http("GET", app.url(u"/readyz"_s));
    QCOMPARE(r.status, 503);
    const QJsonObject o = r.json().object();
    QCOMPARE(o.value(u"ready").toBool(), false);
    QVERIFY2(o.value(u"reason").toString().startsWith(u"reader: "_s), r.body.constData());
    QVERIFY(o.value(u"checks").toObject().value(u"writer").toObject().value(u"ok").toBool());
    // Writes still work; reads fail with a clear 503, not a hang or a crash.
    QCOMPARE(http("POST", app.url(u"/login"_s), R"({"user_id":"still-writing"})").status, 201);
    const auto s = http("GET", app.url(u"/search?q=amber"_s));
    QCOMPARE(s.status, 503);
    QCOMPARE(s.json().object().value(u"error").toString(), u"database_unavailable"_s);
    QTRY_VERIFY_WITH_TIMEOUT(http("GET", app.url(u"/metrics"_s)).body.contains("app_ready 0"), 5000);
    QCOMPARE(app.stop(), 0);
    // The unreachable reader this test sets up, and nothing else.
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] (still )?not ready: reader: reader: cannot connect: )"_s});
    QVERIFY2(!app.output().contains("s3cret"), "the reader password appeared in the log");
}

void TestSampleAppReadiness::readerThatCanWriteIsNotReady()
{
    // A misconfigured "reader" with INSERT rights must be caught by the probe (which writes nothing).
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    for (const char *sql : {"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tst_bad_reader') THEN "
                            "CREATE ROLE tst_bad_reader LOGIN; END IF; END $$",
             "GRANT SELECT, INSERT ON login_events, search_terms TO tst_bad_reader"}) {
        pgkit::PgResultPtr r(PQexec(admin.get(), sql));
        QCOMPARE(PQresultStatus(r.get()), PGRES_COMMAND_OK);
    }
    pgkit::PgResultPtr before(PQexec(admin.get(), "SELECT count(*) FROM login_events WHERE user_id = 'readyz'"));
    testenv::SampleAppProcess app(
        {{u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"tst_bad_reader"_s))}});
    QVERIFY2(app.start(), app.output().constData());
    const auto r = http("GET", app.url(u"/readyz"_s));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.json().object().value(u"reason").toString().startsWith(u"reader_read_only"_s), r.body.constData());
    pgkit::PgResultPtr after(PQexec(admin.get(), "SELECT count(*) FROM login_events WHERE user_id = 'readyz'"));
    QCOMPARE(QByteArray(PQgetvalue(after.get(), 0, 0)), QByteArray("0"));
    QCOMPARE(app.stop(), 0);
    // The reader that can write this test sets up, and nothing else.
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] not ready: reader_read_only: )"_s});
}

void TestSampleAppReadiness::readerThatCanCreateIsNotReady()
{
    // A reader that cannot write rows but can create tables in schema public is not read-only:
    // /readyz names the check; once CREATE is revoked, the same process is ready again.
    QByteArray failed;
    QVERIFY2(adminExec(testenv::pgConninfo(),
                 {"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tst_creating_reader') THEN "
                  "CREATE ROLE tst_creating_reader LOGIN; END IF; END $$",
                     "GRANT USAGE, CREATE ON SCHEMA public TO tst_creating_reader",
                     "GRANT SELECT ON login_events, search_terms TO tst_creating_reader"},
                 &failed),
        failed.constData());
    const QByteArray tablesBefore = publicTables(testenv::pgConninfo());
    testenv::SampleAppProcess app(
        {{u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"tst_creating_reader"_s))}});
    QVERIFY2(app.start(), app.output().constData());
    const auto r = http("GET", app.url(u"/readyz"_s));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.json().object().value(u"reason").toString().startsWith(u"reader_cannot_create: "_s), r.body.constData());
    QVERIFY2(check(r, "reader_read_only").value(u"ok").toBool(), r.body.constData()); // it still cannot INSERT
    QCOMPARE(check(r, "reader_cannot_create").value(u"ok").toBool(), false);

    QVERIFY2(adminExec(testenv::pgConninfo(), {"REVOKE CREATE ON SCHEMA public FROM tst_creating_reader"}, &failed),
        failed.constData());
    const auto ok = http("GET", app.url(u"/readyz"_s));
    QCOMPARE(ok.status, 200);
    QVERIFY2(check(ok, "reader_cannot_create").value(u"detail").toString().contains(u"42501"_s), ok.body.constData());
    QCOMPARE(app.stop(), 0);
    // The reader that can create this test sets up, and nothing else.
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] not ready: reader_cannot_create: )"_s});
    QCOMPARE(publicTables(testenv::pgConninfo()), tablesBefore); // the probe never creates anything
}

void TestSampleAppReadiness::createGrantedToPublicIsNotReady()
{
    // CockroachDB's default: the role PUBLIC (every user) has CREATE on schema public. Its own
    // database here, so the grant never reaches the other tests' app_reader in "evolution".
    QByteArray failed;
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo(u"postgres"_s, u"postgres"_s));
    pgkit::PgResultPtr created(PQexec(admin.get(), "CREATE DATABASE tst_public_create"));
    QVERIFY2(PQresultStatus(created.get()) == PGRES_COMMAND_OK || pgkit::sqlState(created.get()) == u"42P04",
        PQerrorMessage(admin.get()));
    const QByteArray db = testenv::pgConninfo(u"postgres"_s, u"tst_public_create"_s);
    QVERIFY2(
        adminExec(db,
            {"CREATE TABLE IF NOT EXISTS login_events (id UUID PRIMARY KEY, user_id TEXT NOT NULL, "
             "ts TIMESTAMPTZ NOT NULL DEFAULT now(), ip_hash TEXT NOT NULL, user_agent_hash TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS search_terms (id INT8 PRIMARY KEY, term TEXT NOT NULL, "
                "popularity INT8 NOT NULL)",
                "GRANT USAGE ON SCHEMA public TO app_writer, app_reader",
                "GRANT SELECT, INSERT ON login_events TO app_writer",
                "GRANT SELECT ON login_events, search_terms TO app_reader", "GRANT CREATE ON SCHEMA public TO PUBLIC"},
            &failed),
        failed.constData());
    const QByteArray tablesBefore = publicTables(db);
    testenv::SampleAppProcess app(
        {{u"APP_DB_WRITER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_writer"_s, u"tst_public_create"_s))},
            {u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_reader"_s, u"tst_public_create"_s))}});
    QVERIFY2(app.start(), app.output().constData());
    const auto r = http("GET", app.url(u"/readyz"_s));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.json().object().value(u"reason").toString().startsWith(u"reader_cannot_create: "_s), r.body.constData());

    QVERIFY2(adminExec(db, {"REVOKE CREATE ON SCHEMA public FROM PUBLIC"}, &failed), failed.constData());
    const auto ok = http("GET", app.url(u"/readyz"_s));
    QVERIFY2(ok.status == 200, ok.body.constData());
    QVERIFY(check(ok, "reader_cannot_create").value(u"ok").toBool());
    QCOMPARE(app.stop(), 0);
    // The CREATE granted to PUBLIC this test sets up, and nothing else.
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] not ready: reader_cannot_create: )"_s});
    QCOMPARE(publicTables(db), tablesBefore);
}

void TestSampleAppReadiness::connectionsAreReplacedUnderContinuousRequests()
{
    // APP_DB_MAX_CONN_LIFETIME_S=1 through the real binary: under continuous /search and /login
    // for 3.5 s, every request succeeds, both pools count replaced connections, and the backends
    // serving the app at the end are not the ones of the start.
    const QString suffix = u" application_name=tst_recycle"_s;
    testenv::SampleAppProcess app({{u"APP_DB_MAX_CONN_LIFETIME_S"_s, u"1"_s},
        {u"APP_DB_WRITER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_writer"_s)) + suffix},
        {u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_reader"_s)) + suffix}});
    QVERIFY2(app.start(), app.output().constData());
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    auto backends = [&] {
        pgkit::PgResultPtr r(
            PQexec(admin.get(), "SELECT pid FROM pg_stat_activity WHERE application_name = 'tst_recycle'"));
        QSet<QByteArray> pids;
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            pids.insert(QByteArray(PQgetvalue(r.get(), i, 0)));
        }
        return pids;
    };
    QElapsedTimer clock;
    clock.start();
    QSet<QByteArray> first;
    int requests = 0;
    while (clock.elapsed() < 3500) {
        const auto s = http("GET", app.url(u"/search?q=amber"_s));
        QVERIFY2(s.status == 200, s.body.constData());
        const auto l = http("POST", app.url(u"/login"_s), R"({"user_id":"recycle"})");
        QVERIFY2(l.status == 201, l.body.constData());
        requests += 2;
        if (first.isEmpty() && clock.elapsed() > 300) {
            first = backends();
        }
    }
    const QSet<QByteArray> last = backends();
    QVERIFY2(!first.isEmpty() && !last.isEmpty(), "no backend of the app seen in pg_stat_activity");
    QVERIFY2(!first.intersects(last), "a connection of the start was still open at the end");
    const QByteArray metrics = http("GET", app.url(u"/metrics"_s)).body;
    for (const char *pool : {"writer", "reader"}) {
        const QByteArray line = QByteArray("app_db_connections_recycled_total{pool=\"") + pool + "\"} ";
        const qsizetype at = metrics.indexOf(line);
        QVERIFY2(at >= 0, metrics.constData());
        const double n = metrics.mid(at + line.size(), metrics.indexOf('\n', at) - at - line.size()).toDouble();
        QVERIFY2(n >= 1,
            qPrintable(QStringLiteral("%1 pool: %2 recycled after %3 requests")
                           .arg(QLatin1String(pool))
                           .arg(n)
                           .arg(requests)));
    }
    QCOMPARE(app.stop(), 0);
    VERIFY_LOG_CLEAN(app.output());
}

void TestSampleAppReadiness::badConfigurationStopsAtStart_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addRow("missing writer") << u"APP_DB_WRITER_URL"_s << QString();
    QTest::addRow("malformed reader") << u"APP_DB_READER_URL"_s << u"host=x port password=topsecret"_s;
    QTest::addRow("bad port") << u"APP_HTTP_PORT"_s << u"-3"_s;
    QTest::addRow("bad rps limit") << u"APP_MAX_RPS"_s << u"lots"_s;
    QTest::addRow("negative connection lifetime") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"-5"_s;
    QTest::addRow("connection lifetime with unit") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"5m"_s;
}

void TestSampleAppReadiness::badConfigurationStopsAtStart()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"APP_DB_WRITER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_writer"_s)));
    env.insert(u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"app_reader"_s)));
    env.insert(u"APP_HTTP_PORT"_s, QString::number(testenv::freePort()));
    if (value.isNull()) {
        env.remove(name);
    } else {
        env.insert(name, value);
    }
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(testenv::sampleappBinary(), {});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    const QByteArray out = p.readAll();
    QVERIFY2(out.contains(name.toUtf8()), out.constData());
    QVERIFY2(!out.contains("topsecret"), out.constData());
}

QTEST_GUILESS_MAIN(TestSampleAppReadiness)
#include "tst_sampleapp_readiness.moc"
