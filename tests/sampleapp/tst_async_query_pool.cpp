// AsyncQueryPool against the real PostgreSQL fixture: requests issued together go out as one
// pipelined batch; a query that fails inside a batch fails alone (the ones it aborted are sent
// again and succeed); the reader sessions keep PostgreSQL's generic plan; connections past their
// maximum lifetime are replaced between batches, without failing or retrying a request; a request
// queued just before the event loop sleeps still goes out (the batch leaves when the pass ends).
#include "core/app_database.h"
#include "core/async_query_pool.h"
#include "core/db_types.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTest>
#include <QTimer>

#include <atomic>

#include <set>

using namespace Qt::StringLiterals;

namespace {
bool prepareForTest(pg_conn *conn, QString *error)
{
    if (!AppDatabase::prepareReaderConnection(conn, error)) {
        return false;
    }
    for (const auto &[name, sql] : {std::pair {"divide", "SELECT 100 / $1::INT4"},
             std::pair {"plan_mode", "SELECT current_setting('plan_cache_mode')"},
             std::pair {"pid", "SELECT pg_backend_pid()"}}) {
        pgkit::PgResultPtr r(PQprepare(conn, name, sql, 0, nullptr));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            *error = pgkit::errorMessage(conn, r.get());
            return false;
        }
    }
    return true;
}

struct Outcome
{
    bool done = false;
    QByteArray value; // first column of the first row
    int rows = -1;
    AsyncQueryPool::Failure failure;
};
} // namespace

class TestAsyncQueryPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void requestsIssuedTogetherAllComplete();
    void failingQueryFailsAloneInItsBatch();
    void readerSessionsKeepTheGenericPlan();
    void requestQueuedJustBeforeTheLoopSleepsGoesOut();
    void connectionsPastTheirLifetimeAreReplaced_data();
    void connectionsPastTheirLifetimeAreReplaced();
    void connectionOpenedForADestroyedPoolIsClosed();

private:
    std::unique_ptr<AsyncQueryPool> makePool(int size, int depth, std::chrono::milliseconds lifetime = {},
        const QByteArray &applicationName = "tst_async_query_pool");
    void run(AsyncQueryPool &pool, const char *statement, QList<QByteArray> params, Outcome *out);
    // The pool reports through the narrow DbObserver seam only (no metrics class): counted here.
    struct CountingObserver : DbObserver
    {
        std::atomic<int> ok {0}, failed {0}, errors {0}, retries {0}, recycled {0};
        void dbQuery(PoolId, double, bool success) override { ++(success ? ok : failed); }
        void dbError(PoolId, DbErrorKind) override { ++errors; }
        void dbRetry(PoolId) override { ++retries; }
        void dbConnectionRecycled(PoolId) override { ++recycled; }
    };
    std::unique_ptr<CountingObserver> m_observer;
};

void TestAsyncQueryPool::init()
{
    m_observer = std::make_unique<CountingObserver>();
}

void TestAsyncQueryPool::cleanup()
{
    m_observer.reset();
}

std::unique_ptr<AsyncQueryPool> TestAsyncQueryPool::makePool(
    int size, int depth, std::chrono::milliseconds lifetime, const QByteArray &applicationName)
{
    return std::make_unique<AsyncQueryPool>(
        AsyncQueryPool::Options {.name = QStringLiteral("test"),
            .pool = PoolId::Reader,
            .conninfo = testenv::pgConninfo(u"app_reader"_s) + " application_name=" + applicationName,
            .size = size,
            .pipelineDepth = depth,
            .maxLifetime = lifetime,
            .prepare = prepareForTest},
        *m_observer);
}

void TestAsyncQueryPool::run(AsyncQueryPool &pool, const char *statement, QList<QByteArray> params, Outcome *out)
{
    pool.execPrepared(statement, std::move(params), [out](pgkit::PgResultPtr r, const AsyncQueryPool::Failure &f) {
        out->done = true;
        out->failure = f;
        if (r) {
            out->rows = PQntuples(r.get());
            if (out->rows > 0) {
                out->value = QByteArray(PQgetvalue(r.get(), 0, 0));
            }
        }
    });
}

void TestAsyncQueryPool::requestsIssuedTogetherAllComplete()
{
    // One connection, batches of at most 8: 50 requests issued in one go need at least 7 batches,
    // and every one of them gets its own rows back, in the order of its own query.
    auto pool = makePool(1, 8);
    const QList<QByteArray> prefixes {"amber b", "basil", "cedar", "delta", "ember"};
    std::vector<Outcome> out(50);
    for (int i = 0; i < 50; ++i) {
        const QString prefix = QString::fromUtf8(prefixes[i % prefixes.size()]);
        run(*pool, AppDatabase::kSearchStatement, AppDatabase::searchParams(prefix, 1 + i % 10), &out[size_t(i)]);
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(out.begin(), out.end(), [](const Outcome &o) { return o.done; }), 10000);
    QCOMPARE(pool->openCount(), 1);
    for (int i = 0; i < 50; ++i) {
        const Outcome &o = out[size_t(i)];
        QVERIFY2(o.failure.message.isEmpty(), qPrintable(o.failure.message));
        QCOMPARE(o.rows, 1 + i % 10);
        QVERIFY2(o.value.startsWith(prefixes[i % prefixes.size()]), o.value.constData());
    }
}

void TestAsyncQueryPool::failingQueryFailsAloneInItsBatch()
{
    // 100 / 0 fails with 22012 and aborts the queries sent after it in the same batch: those must
    // be sent again and answered, and only the division by zero reports a failure.
    auto pool = makePool(1, 8);
    const QList<int> divisors {1, 2, 0, 4, 5, 10, 20, 25};
    std::vector<Outcome> out(size_t(divisors.size()));
    for (int i = 0; i < divisors.size(); ++i) {
        run(*pool, "divide", {QByteArray::number(divisors[i])}, &out[size_t(i)]);
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(out.begin(), out.end(), [](const Outcome &o) { return o.done; }), 10000);
    for (int i = 0; i < divisors.size(); ++i) {
        const Outcome &o = out[size_t(i)];
        if (divisors[i] == 0) {
            QCOMPARE(o.failure.sqlState, u"22012"_s);
            QCOMPARE(o.failure.kind, DbErrorKind::Permanent);
            QCOMPARE(o.failure.attempts, 1); // a permanent error is not retried
            continue;
        }
        QVERIFY2(o.failure.message.isEmpty(), qPrintable(o.failure.message));
        QCOMPARE(o.value.toInt(), 100 / divisors[i]);
    }
    // The pool is still usable, on the same connection.
    Outcome after;
    run(*pool, "divide", {"50"}, &after);
    QTRY_VERIFY(after.done);
    QCOMPARE(after.value, QByteArray("2"));
    QCOMPARE(pool->openCount(), 1);
}

void TestAsyncQueryPool::readerSessionsKeepTheGenericPlan()
{
    auto pool = makePool(2, 8);
    Outcome mode;
    run(*pool, "plan_mode", {}, &mode);
    QTRY_VERIFY_WITH_TIMEOUT(mode.done, 10000);
    QVERIFY2(mode.failure.message.isEmpty(), qPrintable(mode.failure.message));
    QCOMPARE(mode.value, QByteArray("force_generic_plan"));
}

void TestAsyncQueryPool::requestQueuedJustBeforeTheLoopSleepsGoesOut()
{
    // A posted event runs after the pass has started and before it polls: a request it queues must
    // be sent before the loop sleeps, since nothing else may wake it (no timer, no answer due).
    // A real QEventLoop, as in the app; the guard only ends a loop that would sleep for good.
    auto pool = makePool(1, 8);
    Outcome warm; // opens the connection first: a connect's completion would dispatch by itself
    run(*pool, "divide", {"1"}, &warm);
    QTRY_VERIFY_WITH_TIMEOUT(warm.done, 10000);
    QEventLoop loop;
    QByteArray value;
    // Posted while the loop is about to sleep (as another thread may post at any time): that pass's
    // poll consumes the wake-up, and the next pass delivers the event and would sleep right after.
    QMetaObject::Connection once;
    once = connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock, &loop, [&] {
        disconnect(once);
        QMetaObject::invokeMethod(
            &loop,
            [&] {
                pool->execPrepared("divide", {"4"}, [&](pgkit::PgResultPtr r, const AsyncQueryPool::Failure &) {
                    value = r ? QByteArray(PQgetvalue(r.get(), 0, 0)) : QByteArray("failed");
                    loop.exit(0);
                });
            },
            Qt::QueuedConnection);
    });
    QTimer::singleShot(10000, &loop, [&loop] { loop.exit(1); });
    QCOMPARE(loop.exec(), 0);
    QCOMPARE(value, QByteArray("25"));
}

void TestAsyncQueryPool::connectionsPastTheirLifetimeAreReplaced_data()
{
    QTest::addColumn<int>("lifetimeMs");
    QTest::addRow("250 ms") << 250;
    QTest::addRow("0 = never") << 0;
}

void TestAsyncQueryPool::connectionsPastTheirLifetimeAreReplaced()
{
    // Continuous requests for 2 s on two connections, each request reporting the backend that
    // answered it. With a 250 ms lifetime every slot is replaced several times; with 0 never.
    QFETCH(int, lifetimeMs);
    const QByteArray appName = "tst_lifetime_" + QByteArray::number(lifetimeMs);
    auto pool = makePool(2, 8, std::chrono::milliseconds(lifetimeMs), appName);
    std::set<QByteArray> pids;
    int inFlight = 0;
    int completed = 0;
    QStringList failures;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 2000 || inFlight > 0) {
        while (clock.elapsed() < 2000 && inFlight < 16) {
            ++inFlight;
            pool->execPrepared("pid", {}, [&](pgkit::PgResultPtr r, const AsyncQueryPool::Failure &f) {
                --inFlight;
                ++completed;
                if (!r) {
                    failures.append(f.message);
                    return;
                }
                pids.insert(QByteArray(PQgetvalue(r.get(), 0, 0)));
            });
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QVERIFY2(clock.elapsed() < 15000, "requests did not complete");
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"; "_s)));
    QVERIFY2(completed > 100, qPrintable(QString::number(completed)));
    // Nothing was cut while in flight: a cut query would have been retried (and counted). Every
    // query was reported as a success, and the replacements as recycled connections.
    QCOMPARE(m_observer->retries.load(), 0);
    QCOMPARE(m_observer->failed.load(), 0);
    QCOMPARE(m_observer->ok.load(), completed);
    if (lifetimeMs > 0) {
        QVERIFY(m_observer->recycled.load() > 0);
    } else {
        QCOMPARE(m_observer->recycled.load(), 0);
    }
    // The old connections are closed, not leaked: at most the pool size is open at the end.
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    const QByteArray countSql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + appName + "'";
    auto openBackends = [&] {
        pgkit::PgResultPtr r(PQexec(admin.get(), countSql.constData()));
        return QByteArray(PQgetvalue(r.get(), 0, 0)).toInt();
    };
    if (lifetimeMs > 0) {
        QVERIFY2(pids.size() >= 5, qPrintable(QStringLiteral("only %1 backends answered").arg(pids.size())));
        QTRY_VERIFY_WITH_TIMEOUT(openBackends() <= 2, 5000);
    } else {
        QVERIFY2(pids.size() <= 2, qPrintable(QStringLiteral("%1 backends answered").arg(pids.size())));
        QCOMPARE(openBackends(), int(pids.size()));
    }
}

void TestAsyncQueryPool::connectionOpenedForADestroyedPoolIsClosed()
{
    // The pool dies while its helper thread opens a connection: that connection must not outlive it.
    const QByteArray appName = "tst_dead_pool";
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    const QByteArray countSql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + appName + "'";
    auto openBackends = [&] {
        pgkit::PgResultPtr r(PQexec(admin.get(), countSql.constData()));
        return QByteArray(PQgetvalue(r.get(), 0, 0)).toInt();
    };
    for (int i = 0; i < 3; ++i) {
        auto pool = makePool(1, 8, {}, appName);
        Outcome out;
        run(*pool, "pid", {}, &out);
        QCoreApplication::processEvents(); // the dispatch starts the connect on the helper thread
        pool.reset(); // mid-connect
        QVERIFY(out.done); // answered (pool closed), never left hanging
    }
    QTRY_COMPARE_WITH_TIMEOUT(openBackends(), 0, 5000);
}

QTEST_GUILESS_MAIN(TestAsyncQueryPool)
#include "tst_async_query_pool.moc"
