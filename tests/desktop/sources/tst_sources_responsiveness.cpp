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

using namespace presenter;

namespace {
// Nanoseconds this thread has spent runnable but waiting for a CPU (Linux schedstat, field 2).
// On a loaded machine the scheduler can keep any thread off the CPU for a while; that is not
// the event loop stalling, so it is taken out of each gap.
qint64 runQueueWaitNs()
{
    QFile f(u"/proc/thread-self/schedstat"_s);
    if (!f.open(QIODevice::ReadOnly)) {
        return -1;
    }
    const QList<QByteArray> fields = f.readAll().trimmed().split(' ');
    return fields.size() >= 2 ? fields.at(1).toLongLong() : -1;
}
} // namespace

// The GUI thread's event loop keeps turning while the slow sources work: a 2 s SQL statement on
// the real PostgreSQL and a kubectl call against an API server that answers late. This is a
// responsiveness property (no blocking call on the GUI thread), not a performance figure: the
// 100 ms bound is 10 timer periods, far above scheduling noise, and any blocking wait
// (waitForFinished, a libpq call) would exceed it by an order of magnitude. Time the kernel kept
// the thread waiting for a CPU (other processes on 2 shared cores) is measured and subtracted:
// a thread blocked in a call is not waiting for a CPU, so a real stall still counts in full.
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
        driver.setKubectl(u"kubectl"_s, api.kubectlArgs(dir.filePath(u"kube-cache"_s)));
        driver.setProcessEnvironment(FakeKubeApi::kubectlEnvironment());
        driver.setPollIntervalMs(100);

        QSignalSpy sqlFinished(&runner, &SqlRunner::finished);
        QSignalSpy scaleFinished(&driver, &ClusterDriver::operationFinished);

        QVERIFY2(runQueueWaitNs() >= 0, "/proc/thread-self/schedstat is not readable");
        QElapsedTimer clock;
        qint64 last = -1;
        qint64 lastWaitNs = 0;
        qint64 maxGap = 0; // wall clock
        qint64 maxStall = 0; // wall clock minus time spent waiting for a CPU
        qint64 totalWaitNs = 0;
        int ticks = 0;
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            const qint64 waitNs = runQueueWaitNs();
            if (last >= 0) {
                const qint64 gap = now - last;
                const qint64 waited = (waitNs - lastWaitNs) / 1000000;
                maxGap = std::max(maxGap, gap);
                maxStall = std::max(maxStall, gap - waited);
                totalWaitNs += waitNs - lastWaitNs;
            }
            last = now;
            lastWaitNs = waitNs;
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
        qInfo(
            "GUI event loop: %d ticks of 10 ms over %lld ms; max gap %lld ms, of which not waiting for a CPU %lld ms; "
            "%lld ms waiting for a CPU in total",
            ticks, total, maxGap, maxStall, totalWaitNs / 1000000);
        QVERIFY2(maxStall < 100, qPrintable(u"the GUI event loop stalled for %1 ms"_s.arg(maxStall)));
    }
};

QTEST_GUILESS_MAIN(TestSourcesResponsiveness)
#include "tst_sources_responsiveness.moc"
