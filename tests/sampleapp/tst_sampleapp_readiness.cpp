// /readyz and start-up failures of the real binary: unreachable reader, a reader that can write,
// and configuration errors that must stop the process with a message naming the variable.
#include "pgkit/pg_connection.h"
#include "processes.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QJsonObject>
#include <QProcess>
#include <QTest>

using testenv::http;

class TestSampleAppReadiness : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unreachableReaderIs503WithReason();
    void readerThatCanWriteIsNotReady();
    void badConfigurationStopsAtStart_data();
    void badConfigurationStopsAtStart();
};

void TestSampleAppReadiness::unreachableReaderIs503WithReason()
{
    const quint16 closed = testenv::freePort(); // nothing listens there
    testenv::SampleAppProcess app({{u"APP_DB_READER_URL"_qs,
        QStringLiteral("host=127.0.0.1 port=%1 user=app_reader password=s3cret dbname=evolution").arg(closed)}});
    QVERIFY2(app.start(), app.output().constData()); // liveness does not depend on the database
    const auto r = http("GET", app.url(u"/readyz"_qs));
    QCOMPARE(r.status, 503);
    const QJsonObject o = r.json().object();
    QCOMPARE(o.value(u"ready").toBool(), false);
    QVERIFY2(o.value(u"reason").toString().startsWith(u"reader: "_qs), r.body.constData());
    QVERIFY(o.value(u"checks").toObject().value(u"writer").toObject().value(u"ok").toBool());
    // Writes still work; reads fail with a clear 503, not a hang or a crash.
    QCOMPARE(http("POST", app.url(u"/login"_qs), R"({"user_id":"still-writing"})").status, 201);
    const auto s = http("GET", app.url(u"/search?q=amber"_qs));
    QCOMPARE(s.status, 503);
    QCOMPARE(s.json().object().value(u"error").toString(), u"database_unavailable"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(http("GET", app.url(u"/metrics"_qs)).body.contains("app_ready 0"), 5000);
    QCOMPARE(app.stop(), 0);
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
        {{u"APP_DB_READER_URL"_qs, QString::fromUtf8(testenv::pgConninfo(u"tst_bad_reader"_qs))}});
    QVERIFY2(app.start(), app.output().constData());
    const auto r = http("GET", app.url(u"/readyz"_qs));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.json().object().value(u"reason").toString().startsWith(u"reader_read_only"_qs), r.body.constData());
    pgkit::PgResultPtr after(PQexec(admin.get(), "SELECT count(*) FROM login_events WHERE user_id = 'readyz'"));
    QCOMPARE(QByteArray(PQgetvalue(after.get(), 0, 0)), QByteArray("0"));
    QCOMPARE(app.stop(), 0);
}

void TestSampleAppReadiness::badConfigurationStopsAtStart_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addRow("missing writer") << u"APP_DB_WRITER_URL"_qs << QString();
    QTest::addRow("malformed reader") << u"APP_DB_READER_URL"_qs << u"host=x port password=topsecret"_qs;
    QTest::addRow("bad port") << u"APP_HTTP_PORT"_qs << u"-3"_qs;
    QTest::addRow("bad rps limit") << u"APP_MAX_RPS"_qs << u"lots"_qs;
}

void TestSampleAppReadiness::badConfigurationStopsAtStart()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"APP_DB_WRITER_URL"_qs, QString::fromUtf8(testenv::pgConninfo(u"app_writer"_qs)));
    env.insert(u"APP_DB_READER_URL"_qs, QString::fromUtf8(testenv::pgConninfo(u"app_reader"_qs)));
    env.insert(u"APP_HTTP_PORT"_qs, QString::number(testenv::freePort()));
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
