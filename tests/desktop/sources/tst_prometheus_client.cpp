#include "sources/prometheus_client.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include "processes.h"
#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

// PrometheusClient against a real Prometheus scraping the real sample app.
class TestPrometheusClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<testenv::SampleAppProcess> m_app;
    std::unique_ptr<testenv::PrometheusProcess> m_prometheus;

    // Waits for the answer to request `id`; returns the series or fails the test.
    static QList<PromSeries> waitResult(PrometheusClient &client, int id, QString *error = nullptr)
    {
        QSignalSpy results(&client, &PrometheusClient::result);
        QSignalSpy failures(&client, &PrometheusClient::queryFailed);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            for (const auto &args : std::as_const(results)) {
                if (args.at(0).toInt() == id) {
                    return args.at(1).value<QList<PromSeries>>();
                }
            }
            for (const auto &args : std::as_const(failures)) {
                if (args.at(0).toInt() == id) {
                    if (error) {
                        *error = args.at(1).toString();
                    }
                    return {};
                }
            }
            QTest::qWait(20);
        }
        if (error) {
            *error = u"no answer within 10 s"_s;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!testenv::sampleappBinary().isEmpty(), "SAMPLEAPP_BIN not set: the sampleapp target is not built");
        m_app = std::make_unique<testenv::SampleAppProcess>();
        QVERIFY2(m_app->start(), m_app->output().constData());
        m_prometheus = std::make_unique<testenv::PrometheusProcess>(QStringList {u"127.0.0.1:%1"_s.arg(m_app->port())});
        QVERIFY2(m_prometheus->start(), m_prometheus->output().constData());
    }

    void cleanupTestCase()
    {
        m_prometheus.reset();
        m_app.reset();
    }

    void instantUp()
    {
        PrometheusClient client;
        client.setBaseUrl(m_prometheus->url());
        // The first scrape happens within a scrape interval (1 s) of Prometheus starting.
        QList<PromSeries> series;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 15000) {
            QString error;
            series = waitResult(client, client.instantQuery(u"up{job=\"sampleapp\"}"_s), &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            if (!series.isEmpty()) {
                break;
            }
            QTest::qWait(250);
        }
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.at(0).labels.value(u"job"_s), u"sampleapp"_s);
        QCOMPARE(series.at(0).labels.value(u"instance"_s), u"127.0.0.1:%1"_s.arg(m_app->port()));
        QCOMPARE(series.at(0).points.size(), 1);
        QCOMPARE(series.at(0).points.at(0).y(), 1.0);
        const double nowMs = double(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(std::abs(series.at(0).points.at(0).x() - nowMs) < 5000); // x is Unix ms
        QVERIFY(client.isHealthy());

        // A sample app metric with its labels, the way the charts will read it. (The app reports
        // dialect "unknown" until its first query has seen the server, so wait for the scrape.)
        QString error;
        t.restart();
        while (t.elapsed() < 15000) {
            series = waitResult(client, client.instantQuery(u"app_build_info{dialect=\"postgresql\"}"_s), &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            if (!series.isEmpty()) {
                break;
            }
            QTest::qWait(250);
        }
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.at(0).labels.value(u"__name__"_s), u"app_build_info"_s);
        QCOMPARE(series.at(0).labels.value(u"job"_s), u"sampleapp"_s);
    }

    void rangeQuery()
    {
        PrometheusClient client;
        client.setBaseUrl(m_prometheus->url());
        // Enough scrapes for several points.
        QTRY_VERIFY_WITH_TIMEOUT(m_prometheus->query(u"count_over_time(up{job=\"sampleapp\"}[1m])"_s)
                                     .object()
                                     .value("data"_L1)["result"_L1][0]["value"_L1][1]
                                     .toString()
                                     .toInt()
                >= 3,
            15000);
        const QDateTime to = QDateTime::currentDateTimeUtc();
        const QDateTime from = to.addSecs(-60);
        QString error;
        const QList<PromSeries> series
            = waitResult(client, client.rangeQuery(u"sum by (job) (up)"_s, from, to, 1), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.at(0).labels, (QMap<QString, QString> {{u"job"_s, u"sampleapp"_s}}));
        const QList<QPointF> points = series.at(0).points;
        QVERIFY2(points.size() >= 3, qPrintable(QString::number(points.size())));
        for (qsizetype i = 0; i < points.size(); ++i) {
            QVERIFY(points.at(i).x() >= double(from.toMSecsSinceEpoch()) - 1);
            QVERIFY(points.at(i).x() <= double(to.toMSecsSinceEpoch()) + 1);
            QCOMPARE(points.at(i).y(), 1.0);
            if (i > 0) {
                QCOMPARE(points.at(i).x() - points.at(i - 1).x(), 1000.0); // step 1 s, in ms
            }
        }
    }

    // A query Prometheus rejects fails with Prometheus's own words; the source is not "down".
    void badPromQl()
    {
        PrometheusClient client;
        client.setBaseUrl(m_prometheus->url());
        QSignalSpy failed(&client, &PrometheusClient::failed);
        const QString bad = u"sum(rate(app_http_requests_total[1m]) by"_s;
        QString error;
        const auto series = waitResult(client, client.instantQuery(bad), &error);
        QVERIFY(series.isEmpty());
        int httpStatus = 0;
        const QJsonObject direct = m_prometheus->query(bad, &httpStatus).object();
        QCOMPARE(httpStatus, 400);
        QCOMPARE(direct.value("errorType"_L1).toString(), u"bad_data"_s);
        QCOMPARE(error, u"bad_data: "_s + direct.value("error"_L1).toString());
        QVERIFY(error.contains(u"parse error"_s));
        QCOMPARE(failed.size(), 0);
        QVERIFY(client.isHealthy());
    }

    void unreachable()
    {
        PrometheusClient client;
        QSignalSpy failed(&client, &PrometheusClient::failed);
        QSignalSpy recovered(&client, &PrometheusClient::recovered);
        client.setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(testenv::freePort())));
        QString error;
        waitResult(client, client.instantQuery(u"up"_s), &error);
        QVERIFY2(error.contains(u"Prometheus unreachable"_s), qPrintable(error));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), error);
        QVERIFY(!client.isHealthy());
        QVERIFY(client.downSince().isValid());

        // Pointing it at the real server heals it.
        client.setBaseUrl(m_prometheus->url());
        error.clear();
        waitResult(client, client.instantQuery(u"up"_s), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(recovered.size(), 1);
        QVERIFY(client.isHealthy());
    }

    void polls()
    {
        PrometheusClient client;
        client.setBaseUrl(m_prometheus->url());
        QSignalSpy polled(&client, &PrometheusClient::polled);
        QSignalSpy pollFailed(&client, &PrometheusClient::pollFailed);
        client.addPoll(u"up"_s, u"up"_s, 200);
        client.addPoll(u"broken"_s, u"rate("_s, 200);
        QTest::qWait(300);
        QCOMPARE(polled.size(), 0); // polls only run while started
        client.start();
        QTRY_VERIFY_WITH_TIMEOUT(polled.size() >= 3, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(pollFailed.size() >= 2, 5000);
        for (const auto &args : std::as_const(polled)) {
            QCOMPARE(args.at(0).toString(), u"up"_s);
            QCOMPARE(args.at(1).value<QList<PromSeries>>().size(), 1);
        }
        QCOMPARE(pollFailed.at(0).at(0).toString(), u"broken"_s);
        QVERIFY(pollFailed.at(0).at(1).toString().startsWith(u"bad_data: "_s));
        client.stop();
        QTest::qWait(100); // let an answer already on its way arrive
        const qsizetype after = polled.size();
        QTest::qWait(600);
        QCOMPARE(polled.size(), after);
    }

    void parseScalarAndSpecialValues()
    {
        QString error;
        const auto scalar = parsePrometheusResponse(
            R"({"status":"success","data":{"resultType":"scalar","result":[1763800000.5,"42"]}})", &error);
        QVERIFY2(scalar, qPrintable(error));
        QCOMPARE(scalar->at(0).points.at(0), QPointF(1763800000500.0, 42.0));
        const auto special = parsePrometheusResponse(
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"NaN"]},
                {"metric":{},"value":[1,"+Inf"]}]}})",
            &error);
        QVERIFY2(special, qPrintable(error));
        QVERIFY(std::isnan(special->at(0).points.at(0).y()));
        QVERIFY(std::isinf(special->at(1).points.at(0).y()));
        QVERIFY(!parsePrometheusResponse("<html>proxy error</html>", &error));
        QVERIFY(error.startsWith(u"not a Prometheus API answer"_s));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusClient)
#include "tst_prometheus_client.moc"
