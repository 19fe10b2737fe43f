// The pre-flight's reading of Prometheus's answers (preflight/preflight_prometheus.h), pure and
// data-driven: durations, which targets are the story's and still unscraped, the bounded wait,
// the tally by health, wrong intervals, the clock skew.
#include "preflight/preflight_prometheus.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using namespace preflight;

namespace {

// One active target as GET /api/v1/targets lists it.
QByteArray target(const QString &job, const QString &instance, const QString &health, const QString &interval,
    const QString &lastError = {})
{
    return u"{\"labels\":{\"job\":\"%1\",\"instance\":\"%2\"},\"health\":\"%3\",\"scrapeInterval\":\"%4\","
           u"\"lastError\":\"%5\"}"_s.arg(job, instance, health, interval, lastError)
               .toUtf8();
}

QByteArray targetsAnswer(const QList<QByteArray> &targets)
{
    QByteArray joined;
    for (const QByteArray &t : targets) {
        joined += (joined.isEmpty() ? "" : ",") + t;
    }
    return "{\"status\":\"success\",\"data\":{\"activeTargets\":[" + joined + "]}}";
}

} // namespace

class TestPreflightPrometheus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("seconds");
        QTest::addRow("seconds") << u"15s"_s << 15.0;
        QTest::addRow("minutes") << u"1m"_s << 60.0;
        QTest::addRow("minutes and seconds") << u"1m30s"_s << 90.0;
        QTest::addRow("milliseconds") << u"500ms"_s << 0.5;
        QTest::addRow("hours") << u"2h"_s << 7200.0;
        QTest::addRow("fraction") << u"1.5s"_s << 1.5;
        QTest::addRow("no unit") << u"15"_s << -1.0;
        QTest::addRow("empty") << QString() << -1.0;
        QTest::addRow("unknown unit") << u"3d"_s << -1.0;
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(double, seconds);
        QCOMPARE(durationSeconds(text), seconds);
    }

    void withPathKeepsThePrefix_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("url");
        QTest::addRow("bare") << u"http://127.0.0.1:9090"_s << u"http://127.0.0.1:9090/api/v1/targets"_s;
        QTest::addRow("slash") << u"http://127.0.0.1:9090/"_s << u"http://127.0.0.1:9090/api/v1/targets"_s;
        QTest::addRow("prefix") << u"http://h/prom//"_s << u"http://h/prom/api/v1/targets"_s;
    }
    void withPathKeepsThePrefix()
    {
        QFETCH(QString, base);
        QFETCH(QString, url);
        QCOMPARE(withPath(QUrl(base), u"/api/v1/targets"_s).toString(), url);
    }

    void scanKeepsTheStorysTargets()
    {
        const QByteArray body = targetsAnswer({target(u"cockroachdb"_s, u"crdb-0"_s, u"up"_s, u"15s"_s),
            target(u"node"_s, u"n1"_s, u"unknown"_s, u"1m"_s),
            target(u"sampleapp"_s, u"app:8080"_s, u"unknown"_s, u"30s"_s),
            target(u"cockroachdb"_s, u"crdb-1"_s, u"unknown"_s, u"10s"_s)});
        const TargetsScan waiting = scanTargets(body, true);
        QCOMPARE(waiting.targets.size(), 3); // not job "node"
        QCOMPARE(waiting.waitingFor, (QStringList {u"sampleapp/app:8080"_s, u"cockroachdb/crdb-1"_s}));
        QCOMPARE(waiting.longestUnscrapedIntervalS, 30.0); // job "node"'s 1m is not the story's
        const TargetsScan listed = scanTargets(body, false);
        QCOMPARE(listed.targets.size(), 3);
        QVERIFY(listed.waitingFor.isEmpty());
    }

    void scanWaitsForDiscovery()
    {
        QCOMPARE(scanTargets(targetsAnswer({}), false).waitingFor, QStringList {u"no target discovered yet"_s});
        // Something else was scraped: discovery is done, the story's jobs are just not there.
        const TargetsScan other = scanTargets(targetsAnswer({target(u"node"_s, u"n1"_s, u"up"_s, u"15s"_s)}), true);
        QVERIFY(other.targets.isEmpty());
        QVERIFY(other.waitingFor.isEmpty());
        QCOMPARE(scanTargets("not json", true).waitingFor, QStringList {u"no target discovered yet"_s});
    }

    void waitBound_data()
    {
        QTest::addColumn<double>("longestS");
        QTest::addColumn<int>("expectedS");
        QTest::addColumn<int>("maxMs");
        QTest::addColumn<qint64>("boundMs");
        QTest::addRow("two intervals") << 10.0 << 15 << 60000 << qint64(20000);
        QTest::addRow("unknown: the expected one") << 0.0 << 15 << 60000 << qint64(30000);
        QTest::addRow("capped") << 60.0 << 15 << 60000 << qint64(60000);
    }
    void waitBound()
    {
        QFETCH(double, longestS);
        QFETCH(int, expectedS);
        QFETCH(int, maxMs);
        QFETCH(qint64, boundMs);
        QCOMPARE(scrapeWaitBoundMs(longestS, expectedS, maxMs), boundMs);
    }

    void tallyByHealth()
    {
        const TargetsScan scan
            = scanTargets(targetsAnswer({target(u"cockroachdb"_s, u"crdb-0"_s, u"up"_s, u"15s"_s),
                              target(u"cockroachdb"_s, u"crdb-1"_s, u"down"_s, u"15s"_s, u"connection refused"_s),
                              target(u"sampleapp"_s, u"app"_s, u"up"_s, u"15s"_s),
                              target(u"sampleapp"_s, u"app2"_s, u"unknown"_s, u"15s"_s)}),
                false);
        const TargetsTally tally = tallyTargets(scan.targets);
        QCOMPARE(tally.cockroachUp, 1);
        QCOMPARE(tally.sampleAppUp, 1);
        QCOMPARE(
            tally.down, (QStringList {u"cockroachdb/crdb-1 down (connection refused)"_s, u"sampleapp/app2 unknown"_s}));
    }

    void wrongIntervalsOnce()
    {
        const TargetsScan scan = scanTargets(targetsAnswer({target(u"cockroachdb"_s, u"crdb-0"_s, u"up"_s, u"30s"_s),
                                                 target(u"cockroachdb"_s, u"crdb-1"_s, u"up"_s, u"30s"_s),
                                                 target(u"sampleapp"_s, u"app"_s, u"up"_s, u"15s"_s),
                                                 target(u"sampleapp"_s, u"app2"_s, u"up"_s, QString())}),
            false);
        QCOMPARE(wrongIntervals(scan.targets, 15),
            (QStringList {u"cockroachdb every 30s"_s, u"sampleapp every (unknown)"_s}));
        QVERIFY(wrongIntervals(scan.targets, 30).contains(u"sampleapp every 15s"_s));
    }

    void skewFromTheMidpoint()
    {
        const QDateTime sent = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
        const QDateTime received = sent.addMSecs(200);
        // Prometheus answers 1700000003.100 s: 3 s after the midpoint (sent + 100 ms).
        const auto skew = clockSkew(
            R"({"status":"success","data":{"resultType":"scalar","result":[1700000003.1,"1700000003.100"]}})", sent,
            received);
        QVERIFY(skew);
        QCOMPARE(skew->skewMs, 3000.0);
        QCOMPARE(skew->uncertaintyMs, 100.0);
        const auto behind = clockSkew(R"({"data":{"result":[0,"1699999999.1"]}})", sent, received);
        QVERIFY(behind);
        QCOMPARE(behind->skewMs, -1000.0);
        QVERIFY(!clockSkew(R"({"data":{"result":[]}})", sent, received));
        QVERIFY(!clockSkew("<html>", sent, received));
    }
};

QTEST_GUILESS_MAIN(TestPreflightPrometheus)
#include "tst_preflight_prometheus.moc"
