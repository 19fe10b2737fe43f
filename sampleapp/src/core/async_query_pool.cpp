// Over 500 lines: one state machine (batches out, results and sync points back, aborted queries
// requeued, connections retired) whose steps share the same bookkeeping and read best together.

#include "async_query_pool.h"

#include "db_pool.h"
#include "log.h"

#include <libpq-fe.h>

#include <QAbstractEventDispatcher>
#include <QRandomGenerator>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}
} // namespace

AsyncQueryPool::AsyncQueryPool(Options options, DbObserver &observer, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_observer(observer)
{
    m_connectThreads.setMaxThreadCount(2);
    m_expiry.setInterval(100);
    connect(&m_expiry, &QTimer::timeout, this, &AsyncQueryPool::expireQueued);
    // aboutToBlock: after the pass's notifiers, timers and posted events, before the poll that would
    // sleep; awake: the start of the next pass, for a pass that polls without sleeping (posted events
    // still pending), which emits no aboutToBlock. Both run on this thread (direct connections).
    if (auto *dispatcher = QAbstractEventDispatcher::instance(thread())) {
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &AsyncQueryPool::onPassEnd);
        connect(dispatcher, &QAbstractEventDispatcher::awake, this, &AsyncQueryPool::onPassEnd);
        m_passHooked = true;
    }
}

AsyncQueryPool::~AsyncQueryPool()
{
    close();
    m_connectThreads.waitForDone();
}

int AsyncQueryPool::busyCount() const
{
    return int(std::count_if(m_conns.begin(), m_conns.end(), [](const auto &c) { return !c->inflight.empty(); }));
}

void AsyncQueryPool::execPrepared(const char *statement, QList<QByteArray> params, Callback callback)
{
    Job job {statement, std::move(params), std::move(callback), Clock::now(), 0, {}};
    if (m_closed) {
        fail(job, Failure {DbErrorKind::Permanent, {}, m_options.name + u" pool is closed"_s, 0});
        return;
    }
    if (int(m_queue.size()) >= m_options.maxQueued) {
        fail(job,
            Failure {DbErrorKind::AcquireTimeout, {},
                QStringLiteral("%1: %2 requests already wait for a connection").arg(m_options.name).arg(m_queue.size()),
                0});
        return;
    }
    m_queue.push_back(std::move(job));
    scheduleDispatch();
}

void AsyncQueryPool::scheduleDispatch()
{
    // Requests read in one pass of the event loop go out together: dispatch once that pass ends.
    if (m_dispatchPending) {
        return;
    }
    m_dispatchPending = true;
    if (!m_passHooked) {
        // No event dispatcher on this thread when the pool was made: a posted event ends the pass.
        QMetaObject::invokeMethod(this, &AsyncQueryPool::onPassEnd, Qt::QueuedConnection);
    }
}

void AsyncQueryPool::onPassEnd()
{
    if (m_dispatchPending) {
        m_dispatchPending = false;
        dispatch();
    }
}

void AsyncQueryPool::dispatch()
{
    // Each round fills the least loaded connection up to the pipeline depth and closes the batch
    // with one sync point and one flush: the server wakes once for the batch and answers it in one
    // write. A query failing inside a batch aborts the ones after it; those are sent again.
    if (m_options.maxLifetime.count() > 0 && Clock::now() >= m_nextExpiry) {
        retireExpired();
    }
    while (!m_queue.empty()) {
        Conn *best = nullptr;
        for (auto &c : m_conns) {
            if (!c->retiring && int(c->inflight.size()) < m_options.pipelineDepth
                && (!best || c->inflight.size() < best->inflight.size())) {
                best = c.get();
            }
        }
        if (!best) {
            break;
        }
        bool sent = true;
        while (sent && !m_queue.empty() && int(best->inflight.size()) < m_options.pipelineDepth) {
            Job job = std::move(m_queue.front());
            m_queue.pop_front();
            sent = send(*best, std::move(job));
        }
        if (sent) {
            endBatch(*best); // may drop the connection; best is not used afterwards
        }
    }
    if (!m_queue.empty()) {
        // Open more connections while there is demand and room (each one serves many requests).
        const int wanted = std::min<int>(int(m_queue.size()), m_options.size - int(m_conns.size()) - m_connecting);
        for (int i = 0; i < wanted; ++i) {
            openConnection();
        }
        if (!m_expiry.isActive()) {
            m_expiry.start();
        }
    } else {
        m_expiry.stop();
    }
}

bool AsyncQueryPool::send(Conn &c, Job job)
{
    ++job.attempts;
    std::vector<const char *> values;
    values.reserve(size_t(job.params.size()));
    for (const QByteArray &p : std::as_const(job.params)) {
        values.push_back(p.constData());
    }
    c.inflight.push_back(std::move(job));
    if (!PQsendQueryPrepared(
            c.conn.get(), c.inflight.back().statement, int(values.size()), values.data(), nullptr, nullptr, 0)) {
        dropConnection(&c, pgkit::errorMessage(c.conn.get(), nullptr));
        return false;
    }
    return true;
}

void AsyncQueryPool::endBatch(Conn &c)
{
    // PQpipelineSync also flushes (libpq 14-16); a partial write leaves the rest to PQflush.
    if (!PQpipelineSync(c.conn.get())) {
        dropConnection(&c, pgkit::errorMessage(c.conn.get(), nullptr));
        return;
    }
    ++c.syncsPending;
    flush(c);
}

void AsyncQueryPool::flush(Conn &c)
{
    const int flushed = PQflush(c.conn.get());
    if (flushed < 0) {
        dropConnection(&c, pgkit::errorMessage(c.conn.get(), nullptr));
        return;
    }
    c.writable->setEnabled(flushed == 1); // the rest goes out when the socket can take it
    drainIfBuffered(&c);
}

void AsyncQueryPool::drainIfBuffered(Conn *c)
{
    // A write that could not go out at once makes libpq read the server's answers into its buffer:
    // the socket then has nothing left to signal, so look at the buffer once this call chain is
    // done. Nothing buffered (the usual case): the socket notifier will fire.
    if (PQisBusy(c->conn.get())) {
        return;
    }
    // By id: the connection may be gone by then, and a new one may have its address.
    QMetaObject::invokeMethod(
        this,
        [this, id = c->id] {
            Conn *alive = find(id);
            if (alive && !PQisBusy(alive->conn.get())) {
                onReadable(alive);
            }
        },
        Qt::QueuedConnection);
}

AsyncQueryPool::Conn *AsyncQueryPool::find(std::uint64_t id) const
{
    for (const auto &c : m_conns) {
        if (c->id == id) {
            return c.get();
        }
    }
    return nullptr;
}

void AsyncQueryPool::bookkeepingError(const Conn &c, const char *what)
{
    applog::logger()->error("{} pool: connection {}: {}: dropping it", m_options.name, c.id, what);
    Q_ASSERT_X(false, "AsyncQueryPool", what);
}

void AsyncQueryPool::onWritable(Conn *c)
{
    flush(*c);
}

void AsyncQueryPool::onReadable(Conn *c)
{
    if (!PQconsumeInput(c->conn.get())) {
        dropConnection(c, pgkit::errorMessage(c->conn.get(), nullptr));
        return;
    }
    if (c->inflight.empty() && c->syncsPending == 0) {
        // An idle connection became readable: the server closed it (restart, admin shutdown).
        if (PQstatus(c->conn.get()) != CONNECTION_OK) {
            dropConnection(c, pgkit::errorMessage(c->conn.get(), nullptr));
        }
        return;
    }
    // Per query: its result, then a NULL; per batch, after its queries: the sync point.
    std::vector<Job> aborted;
    bool previousWasNull = false;
    const char *miscount = nullptr;
    while ((!c->inflight.empty() || c->syncsPending > 0) && !PQisBusy(c->conn.get())) {
        PGresult *r = PQgetResult(c->conn.get());
        if (!r) {
            if (previousWasNull) {
                // libpq has nothing more to give although we count queries or syncs pending. On a
                // broken connection that is expected (handled below); on a good one it is our miscount.
                if (PQstatus(c->conn.get()) == CONNECTION_OK) {
                    miscount = "two NULL results in a row while queries or syncs are counted as pending";
                }
                break; // never spin on it
            }
            previousWasNull = true;
            if (c->frontResult) {
                if (PQresultStatus(c->frontResult.get()) == PGRES_PIPELINE_ABORTED) {
                    aborted.push_back(takeFront(c));
                } else {
                    completeFront(c);
                }
            }
            continue;
        }
        previousWasNull = false;
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            if (c->syncsPending == 0) {
                miscount = "a sync point came back that was never counted as sent";
                break;
            }
            --c->syncsPending;
            continue;
        }
        if (!c->frontResult && !c->inflight.empty()) {
            c->frontResult.reset(r);
        } else {
            PQclear(r);
        }
    }
    if (miscount) {
        bookkeepingError(*c, miscount);
        requeueFront(std::move(aborted));
        dropConnection(c, QString::fromLatin1(miscount));
        return;
    }
    if (PQstatus(c->conn.get()) != CONNECTION_OK) {
        requeueFront(std::move(aborted));
        dropConnection(c, pgkit::errorMessage(c->conn.get(), nullptr));
        return;
    }
    requeueFront(std::move(aborted));
    if (c->retiring && c->inflight.empty() && c->syncsPending == 0) {
        retire(c); // its last batch is back: nothing of it is in flight any more
    }
    scheduleDispatch();
}

AsyncQueryPool::Job AsyncQueryPool::takeFront(Conn *c)
{
    Job job = std::move(c->inflight.front());
    c->inflight.pop_front();
    c->frontResult.reset();
    return job;
}

void AsyncQueryPool::requeueFront(std::vector<Job> jobs)
{
    // Aborted only because an earlier query of their batch failed: sent again first, in order,
    // without counting as a database error. The attempt cap still bounds a repeating abort.
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
        if (it->attempts >= m_options.retry.maxAttempts) {
            fail(*it,
                Failure {DbErrorKind::Transient, {},
                    m_options.name + u": aborted by failing queries sent with it, %1 times"_s.arg(it->attempts),
                    it->attempts});
            continue;
        }
        m_queue.push_front(std::move(*it));
    }
}

void AsyncQueryPool::completeFront(Conn *c)
{
    pgkit::PgResultPtr result = std::move(c->frontResult);
    Job job = takeFront(c);
    const auto status = PQresultStatus(result.get());
    if (result && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)) {
        succeed(job, std::move(result));
        return;
    }
    const QString state = pgkit::sqlState(result.get());
    Failure failure {DbErrorKind::Permanent, state, pgkit::errorMessage(c->conn.get(), result.get()), job.attempts};
    if (pgkit::classifyFailure(c->conn.get(), result.get()) != pgkit::FailureClass::Permanent) {
        failure.kind = DbErrorKind::Transient;
        retryOrFail(std::move(job), failure);
    } else {
        fail(job, failure);
    }
}

void AsyncQueryPool::dropConnection(Conn *c, const QString &why)
{
    auto it = std::find_if(m_conns.begin(), m_conns.end(), [c](const auto &p) { return p.get() == c; });
    if (it == m_conns.end()) {
        return;
    }
    std::unique_ptr<Conn> dead = std::move(*it);
    m_conns.erase(it);
    dead->readable->setEnabled(false);
    dead->writable->setEnabled(false);
    applog::logger()->warn("{} pool: connection lost: {}", m_options.name, why);
    for (Job &job : dead->inflight) {
        const Failure lost {DbErrorKind::Transient, QStringLiteral("08006"), why, job.attempts};
        retryOrFail(std::move(job), lost);
    }
    dead->inflight.clear();
    // Notifiers must not be deleted inside their own activation: defer.
    dead->readable.release()->deleteLater();
    dead->writable.release()->deleteLater();
    dead.reset();
    scheduleDispatch();
}

void AsyncQueryPool::retireExpired()
{
    const auto now = Clock::now();
    m_nextExpiry = Clock::time_point::max();
    std::vector<Conn *> idle;
    for (auto &c : m_conns) {
        if (c->retiring) {
            continue;
        }
        if (c->expires <= now) {
            c->retiring = true;
            if (c->inflight.empty() && c->syncsPending == 0) {
                idle.push_back(c.get());
            }
        } else {
            m_nextExpiry = std::min(m_nextExpiry, c->expires);
        }
    }
    for (Conn *c : idle) {
        retire(c);
    }
}

void AsyncQueryPool::retire(Conn *c)
{
    auto it = std::find_if(m_conns.begin(), m_conns.end(), [c](const auto &p) { return p.get() == c; });
    if (it == m_conns.end()) {
        return;
    }
    std::unique_ptr<Conn> old = std::move(*it);
    m_conns.erase(it);
    old->readable->setEnabled(false);
    old->writable->setEnabled(false);
    // Notifiers must not be deleted inside their own activation: defer.
    old->readable.release()->deleteLater();
    old->writable.release()->deleteLater();
    old.reset(); // PQfinish: a clean Terminate, the server ends the session
    m_observer.dbConnectionRecycled(m_options.pool);
    applog::logger()->debug("{} pool: connection replaced after its maximum lifetime", m_options.name);
    scheduleDispatch(); // waiting requests get a new connection
}

void AsyncQueryPool::retryOrFail(Job job, const Failure &failure)
{
    m_observer.dbError(m_options.pool, failure.kind);
    const auto delay = m_options.retry.backoff(job.attempts, QRandomGenerator::global()->generateDouble());
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - job.started);
    if (m_closed || !m_options.retry.mayRetry(job.attempts, elapsed, delay)) {
        fail(job, failure);
        return;
    }
    m_observer.dbRetry(m_options.pool);
    job.lastFailure = failure;
    // The job keeps its place: it goes back to the front of the queue.
    auto holder = std::make_shared<Job>(std::move(job));
    QTimer::singleShot(delay, this, [this, holder] {
        m_queue.push_front(std::move(*holder));
        dispatch();
    });
}

void AsyncQueryPool::openConnection()
{
    ++m_connecting;
    const Options opts = m_options;
    // The connection travels in an owning holder: if the pool is gone before the continuation runs
    // (it is then dropped with the future), the holder still closes it.
    struct Opened
    {
        pgkit::PgConnPtr conn;
        QString error;
    };
    QtConcurrent::run(&m_connectThreads, [opts]() -> std::shared_ptr<Opened> {
        auto opened = std::make_shared<Opened>();
        pgkit::PgConnPtr conn = pgkit::openConnection(opts.conninfo, {}, opts.connectTimeoutSeconds);
        if (PQstatus(conn.get()) != CONNECTION_OK) {
            opened->error = pgkit::connectFailureMessage(conn.get());
        } else if (opts.prepare && !opts.prepare(conn.get(), &opened->error)) {
            // discarded with `conn`
        } else {
            opened->conn = std::move(conn);
        }
        return opened;
    }).then(this, [this](const std::shared_ptr<Opened> &opened) {
        --m_connecting;
        pgkit::PgConnPtr conn = std::move(opened->conn);
        if (!conn || m_closed) {
            if (!conn) {
                m_lastConnectError = opened->error;
                m_observer.dbError(m_options.pool, DbErrorKind::Connect);
                // Without any connection, waiting requests cannot be served: answer them now.
                if (m_conns.empty() && m_connecting == 0) {
                    const Failure f {DbErrorKind::Connect, {},
                        QStringLiteral("%1: cannot connect: %2").arg(m_options.name, opened->error), 0};
                    std::deque<Job> waiting;
                    waiting.swap(m_queue);
                    for (Job &job : waiting) {
                        fail(job, f);
                    }
                }
            }
            return;
        }
        PQsetnonblocking(conn.get(), 1);
        if (!PQenterPipelineMode(conn.get())) {
            m_lastConnectError = pgkit::errorMessage(conn.get(), nullptr);
            applog::logger()->warn("{} pool: cannot enter pipeline mode: {}", m_options.name, m_lastConnectError);
            return;
        }
        auto c = std::make_unique<Conn>();
        c->id = m_nextConnId++;
        const auto fd = qintptr(PQsocket(conn.get()));
        c->conn = std::move(conn);
        c->readable = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        c->writable = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        c->writable->setEnabled(false);
        if (const auto lifetime = ConnectionPool::jitteredLifetime(m_options.maxLifetime); lifetime.count() > 0) {
            c->expires = Clock::now() + lifetime;
            m_nextExpiry = std::min(m_nextExpiry, c->expires);
        }
        Conn *raw = c.get();
        connect(c->readable.get(), &QSocketNotifier::activated, this, [this, raw] { onReadable(raw); });
        connect(c->writable.get(), &QSocketNotifier::activated, this, [this, raw] { onWritable(raw); });
        m_conns.push_back(std::move(c));
        dispatch();
    });
}

void AsyncQueryPool::expireQueued()
{
    const auto now = Clock::now();
    while (!m_queue.empty() && now - m_queue.front().started > m_options.acquireTimeout) {
        Job job = std::move(m_queue.front());
        m_queue.pop_front();
        Failure f = job.lastFailure;
        if (f.message.isEmpty()) {
            f = Failure {m_conns.empty() ? DbErrorKind::Connect : DbErrorKind::AcquireTimeout, {},
                m_conns.empty() ? QStringLiteral("%1: cannot connect: %2").arg(m_options.name, m_lastConnectError)
                                : QStringLiteral("%1: no free connection within %2 ms (pool size %3)")
                                      .arg(m_options.name)
                                      .arg(m_options.acquireTimeout.count())
                                      .arg(m_options.size),
                job.attempts};
        }
        fail(job, f);
    }
    if (m_queue.empty()) {
        m_expiry.stop();
    }
}

void AsyncQueryPool::fail(Job &job, const Failure &failure)
{
    if (failure.kind != DbErrorKind::Transient) {
        m_observer.dbError(m_options.pool, failure.kind);
    }
    m_observer.dbQuery(m_options.pool, secondsSince(job.started), false);
    Failure f = failure;
    f.attempts = std::max(f.attempts, job.attempts);
    job.callback(nullptr, f);
}

void AsyncQueryPool::succeed(Job &job, pgkit::PgResultPtr result)
{
    m_observer.dbQuery(m_options.pool, secondsSince(job.started), true);
    job.callback(std::move(result), Failure {});
}

void AsyncQueryPool::close()
{
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_expiry.stop();
    m_connectThreads.clear(); // connects not started yet: none is needed any more
    std::deque<Job> waiting;
    waiting.swap(m_queue);
    for (Job &job : waiting) {
        fail(job, Failure {DbErrorKind::Permanent, {}, m_options.name + u" pool is closed"_s, job.attempts});
    }
    for (auto &c : m_conns) {
        c->readable->setEnabled(false);
        c->writable->setEnabled(false);
        for (Job &job : c->inflight) {
            fail(job, Failure {DbErrorKind::Permanent, {}, m_options.name + u" pool is closed"_s, job.attempts});
        }
        c->inflight.clear();
    }
    m_conns.clear();
}
