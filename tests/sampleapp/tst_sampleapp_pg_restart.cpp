// A PostgreSQL restart (immediate stop: a crash) in the middle of continuous /login writes: every
// login the app acknowledged with 201 must be in the database afterwards, every other answer must
// be a JSON 503, and the app must keep serving.
#include "log_check.h"
#include "pgkit/pg_connection.h"
#include "processes.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSampleAppPgRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acknowledgedLoginsSurviveARestart();
};

void TestSampleAppPgRestart::acknowledgedLoginsSurviveARestart()
{
    testenv::SampleAppProcess app;
    QVERIFY2(app.start(), app.output().constData());

    QNetworkAccessManager nam;
    QStringList acked;
    QMap<int, int> statuses;
    int transportErrors = 0;
    int inFlight = 0;
    int sent = 0;
    bool sending = true;
    const QUrl loginUrl = app.url(u"/login"_s);

    std::function<void()> sendOne = [&] {
        QNetworkRequest req(loginUrl);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setTransferTimeout(15000);
        const QByteArray body
            = QJsonDocument(QJsonObject {{u"user_id"_s, QStringLiteral("restart-%1").arg(sent++)}}).toJson();
        QNetworkReply *reply = nam.post(req, body);
        ++inFlight;
        QObject::connect(reply, &QNetworkReply::finished, this, [&, reply] {
            --inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
            if (status == 0) {
                ++transportErrors;
            }
            ++statuses[status];
            if (status == 201) {
                acked << o.value(u"id").toString();
            } else if (status != 0) {
                QVERIFY2(status == 503 && o.value(u"error").toString() == u"database_unavailable",
                    qPrintable(QString::number(status)));
            }
            reply->deleteLater();
            if (sending) {
                sendOne();
            }
        });
    };
    for (int i = 0; i < 8; ++i) { // 8 concurrent writers, each sending as soon as it is answered
        sendOne();
    }
    QTest::qWait(1500);
    const int ackedBeforeRestart = int(acked.size());

    QProcess restart;
    restart.setProcessChannelMode(QProcess::ForwardedChannels);
    restart.start(
        testenv::sourceDir() + u"/tests/fixtures/postgres.sh"_s, {u"restart"_s, qEnvironmentVariable("TEST_PG_DIR")});
    QTRY_VERIFY_WITH_TIMEOUT(restart.state() == QProcess::NotRunning, 60000);
    QCOMPARE(restart.exitCode(), 0);
    const int ackedAtRestart = int(acked.size());
    QTest::qWait(2000);
    sending = false;
    QTRY_COMPARE_WITH_TIMEOUT(inFlight, 0, 30000);

    qInfo("sent %d, acknowledged %lld (before restart %d, during %d), statuses %s, transport errors %d", sent,
        acked.size(), ackedBeforeRestart, ackedAtRestart - ackedBeforeRestart,
        qPrintable(QString::fromUtf8(
            QJsonDocument(QJsonObject {{u"201"_s, statuses.value(201)}, {u"503"_s, statuses.value(503)}})
                .toJson(QJsonDocument::Compact))),
        transportErrors);
    QCOMPARE(transportErrors, 0); // the app answered every request
    QVERIFY(ackedBeforeRestart > 50);
    QVERIFY2(acked.size() > ackedAtRestart, "writes did not resume after the restart");

    // Every acknowledged login is in the database.
    pgkit::PgConnPtr c = pgkit::openConnection(testenv::pgConninfo());
    QCOMPARE(PQstatus(c.get()), CONNECTION_OK);
    const QByteArray ids = "{" + acked.join(u',').toUtf8() + "}";
    const char *values[] = {ids.constData()};
    pgkit::PgResultPtr r(PQexecParams(c.get(), "SELECT count(*) FROM login_events WHERE id = ANY($1::UUID[])", 1,
        nullptr, values, nullptr, nullptr, 0));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    QCOMPARE(QByteArray(PQgetvalue(r.get(), 0, 0)).toLongLong(), qint64(acked.size()));

    // The restart really hit the app: it retried or replaced connections.
    const QByteArray metrics = testenv::http("GET", app.url(u"/metrics"_s)).body;
    QVERIFY2(metrics.contains("app_db_retries_total{pool=\"writer\"}")
            && !metrics.contains("app_db_retries_total{pool=\"writer\"} 0\n"),
        "no writer retries recorded");
    QCOMPARE(testenv::http("GET", app.url(u"/readyz"_s)).status, 200);
    QCOMPARE(app.stop(), 0);
    // The restart is this test's fault: while PostgreSQL is down the readiness check fails on either
    // pool, the non-blocking reader pool loses its connections, and the 503s the test accepts may
    // come as an error burst. Nothing else may be logged.
    VERIFY_LOG_CLEAN(app.output(),
        {uR"(\[warning\] (still )?not ready: (writer|reader): (writer|reader): cannot connect: )"_s,
            uR"(\[warning\] reader pool: connection lost: )"_s, uR"(\[warning\] error burst: \d+ errors in )"_s});
}

QTEST_GUILESS_MAIN(TestSampleAppPgRestart)
#include "tst_sampleapp_pg_restart.moc"
