// The secure variant's database URLs (sslmode=verify-full&sslrootcert=...) against a real
// PostgreSQL 15 with TLS (tests/fixtures/postgres-tls.sh), through the real sampleapp binary: with
// the right CA it is ready and serves both paths over TLS; a server certificate from another CA,
// one for another host, an expired one and a server without TLS each make /readyz 503 naming the
// side (writer, reader) and the reason in words, in the log too; once the server has its good
// certificate again, the same process is ready by itself.
#include "log_check.h"
#include "processes.h"
#include "test_env.h"

#include <QJsonObject>
#include <QTest>

using testenv::http;
using namespace Qt::StringLiterals;

namespace {
QJsonObject check(const testenv::HttpReply &r, const char *name)
{
    return r.json().object().value(u"checks").toObject().value(QLatin1String(name)).toObject();
}

QMap<QString, QString> tlsEnv(const QString &rootCert = u"ca.crt"_s)
{
    const QString query = testenv::pgTlsVerifyFull(rootCert);
    return {{u"APP_DB_WRITER_URL"_s, QString::fromUtf8(testenv::pgTlsUrl(u"app_writer"_s, query))},
        {u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgTlsUrl(u"app_reader"_s, query))}};
}
} // namespace

class TestSampleAppTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readyOverVerifiedTls();
    void badServerCertificateIsNotReadyThenRecovers_data();
    void badServerCertificateIsNotReadyThenRecovers();
    void readerSideIsNamed();
    void cleanupTestCase();
};

void TestSampleAppTls::readyOverVerifiedTls()
{
    QVERIFY(testenv::pgTlsServe(u"good"_s));
    testenv::SampleAppProcess app(tlsEnv());
    QVERIFY2(app.start(), app.output().constData());
    QTRY_COMPARE_WITH_TIMEOUT(http("GET", app.url(u"/readyz"_s)).status, 200, 15000);
    QCOMPARE(http("POST", app.url(u"/login"_s), R"({"user_id":"tls-user"})").status, 201);
    QCOMPARE(http("GET", app.url(u"/search?q=amber"_s)).status, 200);
    QCOMPARE(app.stop(), 0);
    VERIFY_LOG_CLEAN(app.output());
    QVERIFY2(!app.output().contains(qEnvironmentVariable("TEST_PG_TLS_WRITER_PASSWORD").toUtf8()),
        "the writer password appeared in the log");
}

void TestSampleAppTls::badServerCertificateIsNotReadyThenRecovers_data()
{
    QTest::addColumn<QString>("serverCert");
    QTest::addColumn<QString>("why");
    QTest::newRow("certificate from another CA") << u"wrong-ca"_s << u"is not signed by a CA in sslrootcert"_s;
    QTest::newRow("certificate for another host")
        << u"other-host"_s << u"server certificate for \"other-host.invalid\" does not match host name \"localhost\""_s;
    QTest::newRow("expired certificate") << u"expired"_s
                                         << u"the server's certificate has expired (valid until 2021-01-01 00:00 UTC"_s;
    QTest::newRow("server without TLS") << u"none"_s << u"server does not support SSL, but SSL was required"_s;
}

void TestSampleAppTls::badServerCertificateIsNotReadyThenRecovers()
{
    QFETCH(QString, serverCert);
    QFETCH(QString, why);
    QVERIFY(testenv::pgTlsServe(u"good"_s));
    testenv::SampleAppProcess app(tlsEnv());
    QVERIFY2(app.start(), app.output().constData());
    QTRY_COMPARE_WITH_TIMEOUT(http("GET", app.url(u"/readyz"_s)).status, 200, 15000);

    QVERIFY(testenv::pgTlsServe(serverCert));
    testenv::HttpReply r;
    QTRY_VERIFY_WITH_TIMEOUT((r = http("GET", app.url(u"/readyz"_s))).status == 503, 15000);
    const QString reason = r.json().object().value(u"reason").toString();
    QVERIFY2(reason.startsWith(u"writer: "_s) && reason.contains(why), r.body.constData());
    for (const char *side : {"writer", "reader"}) {
        QCOMPARE(check(r, side).value(u"ok").toBool(), false);
        QVERIFY2(check(r, side).value(u"detail").toString().contains(why), r.body.constData());
    }
    QCOMPARE(http("POST", app.url(u"/login"_s), R"({"user_id":"tls-user"})").status, 503);
    // The log says it too: when the app stops being ready, or, if the first check only saw the
    // pooled connections cut by the restart, when the reason changes (the periodic check, every 2 s).
    const auto loggedWhy = [&app, &why] {
        for (const QByteArray &line : app.output().split('\n')) {
            if (line.contains("[warning] ") && line.contains("not ready: writer: ") && line.contains(why.toUtf8())) {
                return true;
            }
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(loggedWhy(), app.output().constData(), 10000);

    // Fixed on the server side: the same process is ready again, nobody restarts it.
    QVERIFY(testenv::pgTlsServe(u"good"_s));
    QTRY_COMPARE_WITH_TIMEOUT(http("GET", app.url(u"/readyz"_s)).status, 200, 15000);
    QCOMPARE(http("POST", app.url(u"/login"_s), R"({"user_id":"tls-user"})").status, 201);
    QCOMPARE(http("GET", app.url(u"/search?q=amber"_s)).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(app.output().contains("ready: writer ok, reader ok"), 10000);
    QCOMPARE(app.stop(), 0);
    // The failure this test provokes, as the readiness change, and nothing else.
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] (still )?not ready: writer: )"_s});
}

void TestSampleAppTls::readerSideIsNamed()
{
    // The writer on the plain fixture, the reader on the TLS server with an expired certificate:
    // /readyz names the reader, the writer is fine.
    QVERIFY(testenv::pgTlsServe(u"expired"_s));
    auto env = tlsEnv();
    env.remove(u"APP_DB_WRITER_URL"_s);
    testenv::SampleAppProcess app(env);
    QVERIFY2(app.start(), app.output().constData());
    testenv::HttpReply r;
    QTRY_VERIFY_WITH_TIMEOUT((r = http("GET", app.url(u"/readyz"_s))).status == 503, 15000);
    const QString reason = r.json().object().value(u"reason").toString();
    QVERIFY2(reason.startsWith(u"reader: "_s) && reason.contains(u"the server's certificate has expired"_s),
        r.body.constData());
    QVERIFY2(check(r, "writer").value(u"ok").toBool(), r.body.constData());
    QCOMPARE(app.stop(), 0);
    VERIFY_LOG_CLEAN(app.output(), {uR"(\[warning\] not ready: reader: .*has expired)"_s});
}

void TestSampleAppTls::cleanupTestCase()
{
    QVERIFY(testenv::pgTlsServe(u"good"_s)); // leave the fixture as it started
}

QTEST_GUILESS_MAIN(TestSampleAppTls)
#include "tst_sampleapp_tls.moc"
