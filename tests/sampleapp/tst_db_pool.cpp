// ConnectionPool (the blocking pool of the writer, and of the reader's load generator and
// /readyz) against the real PostgreSQL fixture: connections past their maximum lifetime are
// replaced between leases, never under one, and no request fails; with 0 they are never replaced.
#include "core/db_pool.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace Qt::StringLiterals;

class TestDbPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectionsPastTheirLifetimeAreReplaced_data();
    void connectionsPastTheirLifetimeAreReplaced();
    void jitterSpreadsLifetimes();
    void acquireTimesOutWhenEveryConnectionIsLeased();
    void brokenConnectionIsReplaced();
    void closeWithLeasesOut();

private:
    static int openBackends(const QByteArray &appName);
};

int TestDbPool::openBackends(const QByteArray &appName)
{
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    pgkit::PgResultPtr r(PQexec(admin.get(),
        QByteArray("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + appName + "'").constData()));
    return QByteArray(PQgetvalue(r.get(), 0, 0)).toInt();
}

namespace {
ConnectionPool::Options options(
    const QByteArray &appName, int size, std::chrono::milliseconds acquireTimeout = std::chrono::milliseconds(2000))
{
    return ConnectionPool::Options {.name = QStringLiteral("writer"),
        .conninfo = testenv::pgConninfo(u"app_writer"_s) + " application_name=" + appName,
        .size = size,
        .acquireTimeout = acquireTimeout};
}
} // namespace

void TestDbPool::connectionsPastTheirLifetimeAreReplaced_data()
{
    QTest::addColumn<int>("lifetimeMs");
    QTest::addRow("250 ms") << 250;
    QTest::addRow("0 = never") << 0;
}

void TestDbPool::connectionsPastTheirLifetimeAreReplaced()
{
    // Three threads use a pool of two for 2 s, each query reporting the backend that answered it.
    QFETCH(int, lifetimeMs);
    const QByteArray appName = "tst_db_pool_" + QByteArray::number(lifetimeMs);
    std::atomic<int> recycled {0};
    ConnectionPool pool(ConnectionPool::Options {.name = QStringLiteral("writer"),
        .conninfo = testenv::pgConninfo(u"app_writer"_s) + " application_name=" + appName,
        .size = 2,
        .maxLifetime = std::chrono::milliseconds(lifetimeMs),
        .recycled = [&recycled] { ++recycled; }});
    std::mutex mutex;
    std::set<QByteArray> pids;
    QStringList failures;
    std::atomic<int> completed {0};
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&] {
            while (std::chrono::steady_clock::now() < end) {
                ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
                QString error;
                ConnectionPool::Lease lease = pool.acquire(&kind, &error);
                if (!lease) {
                    std::lock_guard lock(mutex);
                    failures.append(error);
                    continue;
                }
                const QByteArray before = QByteArray::number(PQbackendPID(lease.get()));
                // The lease holds one connection for two queries: both must see the same backend.
                for (int q = 0; q < 2; ++q) {
                    pgkit::PgResultPtr r(PQexec(lease.get(), "SELECT pg_backend_pid(), pg_sleep(0.005)"));
                    std::lock_guard lock(mutex);
                    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
                        failures.append(pgkit::errorMessage(lease.get(), r.get()));
                    } else if (QByteArray(PQgetvalue(r.get(), 0, 0)) != before) {
                        failures.append(u"the connection changed under a lease"_s);
                    } else {
                        pids.insert(before);
                    }
                }
                ++completed;
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"; "_s)));
    QVERIFY2(completed > 50, qPrintable(QString::number(completed)));
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    const QByteArray countSql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + appName + "'";
    auto openBackends = [&] {
        pgkit::PgResultPtr r(PQexec(admin.get(), countSql.constData()));
        return QByteArray(PQgetvalue(r.get(), 0, 0)).toInt();
    };
    if (lifetimeMs > 0) {
        QVERIFY2(pids.size() >= 5, qPrintable(QStringLiteral("only %1 backends answered").arg(pids.size())));
        QVERIFY(recycled >= 3);
        QTRY_VERIFY_WITH_TIMEOUT(openBackends() <= 2, 5000); // replaced, not leaked
    } else {
        QVERIFY2(pids.size() <= 2, qPrintable(QStringLiteral("%1 backends answered").arg(pids.size())));
        QCOMPARE(recycled.load(), 0);
        QCOMPARE(openBackends(), int(pids.size()));
    }
    pool.close();
}

void TestDbPool::jitterSpreadsLifetimes()
{
    // ±10 %: connections opened together do not all expire together (and so do not all reconnect
    // in the same instant), and none lives outside the band.
    std::set<qint64> seen;
    for (int i = 0; i < 200; ++i) {
        const auto d = ConnectionPool::jitteredLifetime(std::chrono::milliseconds(300000));
        QVERIFY2(d >= std::chrono::milliseconds(270000) && d <= std::chrono::milliseconds(330000),
            qPrintable(QString::number(d.count())));
        seen.insert(d.count());
    }
    QVERIFY(seen.size() > 100);
    QCOMPARE(ConnectionPool::jitteredLifetime(std::chrono::milliseconds(0)).count(), 0);
}

void TestDbPool::acquireTimesOutWhenEveryConnectionIsLeased()
{
    ConnectionPool pool(options("tst_db_pool_timeout", 1, std::chrono::milliseconds(200)));
    ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
    QString error;
    ConnectionPool::Lease held = pool.acquire(&kind, &error);
    QVERIFY2(held, qPrintable(error));
    QElapsedTimer waited;
    waited.start();
    ConnectionPool::Lease second = pool.acquire(&kind, &error);
    QVERIFY(!second);
    QCOMPARE(kind, ConnectionPool::FailureKind::AcquireTimeout);
    QVERIFY(waited.elapsed() >= 190); // it waited for a slot, at least the timeout
    QVERIFY2(error.contains(u"writer") && error.contains(u"200 ms"), qPrintable(error));
    held = {}; // given back: the next one gets it
    QVERIFY(pool.acquire(&kind, &error));
}

void TestDbPool::brokenConnectionIsReplaced()
{
    const QByteArray appName = "tst_db_pool_broken";
    ConnectionPool pool(options(appName, 1));
    ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
    QString error;
    int firstPid = 0;
    {
        ConnectionPool::Lease lease = pool.acquire(&kind, &error);
        QVERIFY2(lease, qPrintable(error));
        firstPid = PQbackendPID(lease.get());
    }
    // The server ends the idle pooled session (an admin, a restart): the next user sees it broken.
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    pgkit::PgResultPtr killed(PQexec(
        admin.get(), QByteArray("SELECT pg_terminate_backend(" + QByteArray::number(firstPid) + ")").constData()));
    QCOMPARE(QByteArray(PQgetvalue(killed.get(), 0, 0)), QByteArray("t"));
    {
        ConnectionPool::Lease lease = pool.acquire(&kind, &error);
        QVERIFY2(lease, qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(openBackends(appName) == 0, 5000); // the kill has landed
        pgkit::PgResultPtr r(PQexec(lease.get(), "SELECT 1"));
        QVERIFY(PQresultStatus(r.get()) != PGRES_TUPLES_OK);
    } // given back broken (PQstatus): closed, its slot freed
    QCOMPARE(pool.busyCount(), 0);
    QCOMPARE(pool.idleCount(), 0);
    ConnectionPool::Lease fresh = pool.acquire(&kind, &error);
    QVERIFY2(fresh, qPrintable(error));
    QVERIFY(PQbackendPID(fresh.get()) != firstPid);
    pgkit::PgResultPtr r(PQexec(fresh.get(), "SELECT 1"));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
}

void TestDbPool::closeWithLeasesOut()
{
    const QByteArray appName = "tst_db_pool_close";
    ConnectionPool pool(options(appName, 2));
    ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
    QString error;
    ConnectionPool::Lease out = pool.acquire(&kind, &error);
    QVERIFY2(out, qPrintable(error));
    {
        ConnectionPool::Lease idle = pool.acquire(&kind, &error);
        QVERIFY2(idle, qPrintable(error));
    }
    QCOMPARE(openBackends(appName), 2);
    pool.close();
    // The idle one is closed at once; the leased one keeps working until it is given back.
    QTRY_COMPARE_WITH_TIMEOUT(openBackends(appName), 1, 5000);
    QCOMPARE(pool.busyCount(), 1);
    pgkit::PgResultPtr r(PQexec(out.get(), "SELECT 1"));
    QCOMPARE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    QVERIFY(!pool.acquire(&kind, &error));
    QCOMPARE(kind, ConnectionPool::FailureKind::Closed);
    out = {};
    QCOMPARE(pool.busyCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(openBackends(appName), 0, 5000);
}

QTEST_GUILESS_MAIN(TestDbPool)
#include "tst_db_pool.moc"
