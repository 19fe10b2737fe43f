// sslmode=verify-full against a real PostgreSQL 15 with TLS (tests/fixtures/postgres-tls.sh): the
// right CA connects over TLS; a server certificate from another CA, a client trusting another CA, a
// certificate for another host, an expired one and a server without TLS each fail, and
// pgkit::connectFailureMessage says why in words (OpenSSL's reason where libpq only says
// "certificate verify failed").
#include "pgkit/pg_connection.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QTest>

using namespace Qt::StringLiterals;

class TestPgTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rightCaConnectsOverTls_data();
    void rightCaConnectsOverTls();
    void badCasesFailWithTheReason_data();
    void badCasesFailWithTheReason();
    void cleanupTestCase();
};

void TestPgTls::rightCaConnectsOverTls_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("localhost") << u"localhost"_s;
    QTest::newRow("127.0.0.1 (an IP name in the certificate)") << u"127.0.0.1"_s;
}

void TestPgTls::rightCaConnectsOverTls()
{
    QFETCH(QString, host);
    QVERIFY(testenv::pgTlsServe(u"good"_s));
    pgkit::PgConnPtr conn = pgkit::openConnection(testenv::pgTlsUrl(u"app_writer"_s, testenv::pgTlsVerifyFull(), host));
    QVERIFY2(PQstatus(conn.get()) == CONNECTION_OK, qPrintable(pgkit::connectFailureMessage(conn.get())));
    QCOMPARE(PQsslInUse(conn.get()), 1);
    // The server's side of it: this session is encrypted.
    pgkit::PgResultPtr r(PQexec(conn.get(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    QCOMPARE(QByteArray(PQgetvalue(r.get(), 0, 0)), QByteArray("t"));
}

void TestPgTls::badCasesFailWithTheReason_data()
{
    QTest::addColumn<QString>("serverCert");
    QTest::addColumn<QString>("rootCert");
    QTest::addColumn<QStringList>("says");
    QTest::newRow("server certificate from another CA")
        << u"wrong-ca"_s << u"ca.crt"_s
        << QStringList {u"certificate verify failed"_s, u"is not signed by a CA in sslrootcert"_s,
               u"crdb-evolution wrong CA"_s, u"OpenSSL: "_s};
    QTest::newRow("client trusts another CA")
        << u"good"_s << u"wrong-ca.crt"_s
        << QStringList {u"certificate verify failed"_s, u"is not signed by a CA in sslrootcert"_s, u"wrong-ca.crt"_s,
               u"crdb-evolution test CA"_s};
    QTest::newRow("certificate for another host")
        << u"other-host"_s << u"ca.crt"_s
        << QStringList {u"server certificate for \"other-host.invalid\" does not match host name \"localhost\""_s};
    QTest::newRow("expired certificate")
        << u"expired"_s << u"ca.crt"_s
        << QStringList {u"certificate verify failed"_s,
               u"the server's certificate has expired (valid until 2021-01-01 00:00 UTC"_s,
               u"OpenSSL: certificate has expired"_s};
    QTest::newRow("server without TLS") << u"none"_s << u"ca.crt"_s
                                        << QStringList {u"server does not support SSL, but SSL was required"_s};
}

void TestPgTls::badCasesFailWithTheReason()
{
    QFETCH(QString, serverCert);
    QFETCH(QString, rootCert);
    QFETCH(QStringList, says);
    QVERIFY(testenv::pgTlsServe(serverCert));
    pgkit::PgConnPtr conn
        = pgkit::openConnection(testenv::pgTlsUrl(u"app_writer"_s, testenv::pgTlsVerifyFull(rootCert)));
    const QString message = pgkit::connectFailureMessage(conn.get());
    QVERIFY2(PQstatus(conn.get()) != CONNECTION_OK, "connected although the server must not be trusted");
    for (const QString &words : says) {
        QVERIFY2(message.contains(words), qPrintable(u"missing \"%1\" in: %2"_s.arg(words, message)));
    }
    QVERIFY2(!message.contains(qEnvironmentVariable("TEST_PG_TLS_WRITER_PASSWORD")), "the password is in the message");
}

void TestPgTls::cleanupTestCase()
{
    QVERIFY(testenv::pgTlsServe(u"good"_s)); // leave the fixture as it started
}

QTEST_GUILESS_MAIN(TestPgTls)
#include "tst_pg_tls.moc"
