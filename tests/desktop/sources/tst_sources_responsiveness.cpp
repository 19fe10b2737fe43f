#include "sources/cluster_driver.h"
#include "sources/sql_runner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "fake_kube_api.h"
#include "test_env.h"

using namespace Qt::StringLiterals;

// The GUI thread's event loop keeps turning while the slow sources work: a 2 s SQL statement on
// the real PostgreSQL and a kubectl call against an API server that answers late. This is a
// responsiveness property (no blocking call on the GUI thread), not a performance figure: the
// 100 ms bound is 10 timer periods, far above scheduling noise, and any blocking wait
// (waitForFinished, a libpq call) would exceed it by an order of magnitude.
class TestSourcesResponsiveness : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventLoopNeverStalls()
    {
        QTemporaryDir dir;
        QFile sql(dir.filePath(u"slow.sql"_s));
        QVERIFY(sql.open(QIODevice::WriteOnly));
        sql.write("SELECT pg_sleep(2);\n");
        sql.close();

        FakeKubeApi api;
        QVERIFY(api.listen());
        api.reset(u"crdb-evolution"_s, 1);
        api.setResponseDelayMs(700);

        SqlRunner runner;
        runner.setConninfo(testenv::pgConninfo());
        ClusterDriver driver;
        driver.setKubectl(u"kubectl"_s, {api.serverArg(), u"--cache-dir="_s + dir.filePath(u"kube-cache"_s)});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"KUBECONFIG"_s, u"/dev/null"_s);
        driver.setProcessEnvironment(env);
        driver.setPollIntervalMs(100);

        QSignalSpy sqlFinished(&runner, &SqlRunner::finished);
        QSignalSpy scaleFinished(&driver, &ClusterDriver::operationFinished);

        QElapsedTimer clock;
        qint64 last = -1;
        qint64 maxGap = 0;
        int ticks = 0;
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (last >= 0) {
                maxGap = std::max(maxGap, now - last);
            }
            last = now;
            ++ticks;
        });
        clock.start();
        timer.start();

        QVERIFY(runner.runFile(sql.fileName()));
        QString whyNot;
        QVERIFY2(driver.scaleTo(1, &whyNot), qPrintable(whyNot)); // discovery + scale + status, every answer late
        QTRY_VERIFY_WITH_TIMEOUT(!sqlFinished.isEmpty() && !scaleFinished.isEmpty(), 60000);
        timer.stop();
        const qint64 total = clock.elapsed();

        QVERIFY2(sqlFinished.at(0).at(0).toBool(), qPrintable(sqlFinished.at(0).at(1).toString()));
        QVERIFY2(scaleFinished.at(0).at(0).toBool(), qPrintable(scaleFinished.at(0).at(1).toString()));
        QVERIFY(total >= 2000); // the slow work really happened while we measured
        QVERIFY(api.requests().size() >= 5); // kubectl really talked to the slow API
        qInfo("GUI event loop: %d ticks of 10 ms over %lld ms, max gap %lld ms", ticks, total, maxGap);
        QVERIFY2(maxGap < 100, qPrintable(u"the GUI event loop stalled for %1 ms"_s.arg(maxGap)));
    }
};

QTEST_GUILESS_MAIN(TestSourcesResponsiveness)
#include "tst_sources_responsiveness.moc"
