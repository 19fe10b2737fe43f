// ConnectionPool (the blocking pool of the writer, and of the reader's load generator and
// /readyz) against the real PostgreSQL fixture: connections past their maximum lifetime are
// replaced between leases, never under one, and no request fails; with 0 they are never replaced.
#include "core/db_pool.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QTest>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

class TestDbPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectionsPastTheirLifetimeAreReplaced_data();
    void connectionsPastTheirLifetimeAreReplaced();
    void jitterSpreadsLifetimes();
};

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
        .conninfo = testenv::pgConninfo(u"app_writer"_qs) + " application_name=" + appName,
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
                        failures.append(u"the connection changed under a lease"_qs);
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
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"; "_qs)));
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

QTEST_GUILESS_MAIN(TestDbPool)
#include "tst_db_pool.moc"
