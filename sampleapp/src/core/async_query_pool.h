#pragma once

#include "db_types.h"
#include "pgkit/pg_connection.h"
#include "pgkit/retry_policy.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QThreadPool>
#include <QTimer>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

// Non-blocking libpq on the thread that owns the pool (the HTTP server thread): the requests that
// arrive in one pass of the event loop are sent together with PQsendQueryPrepared in pipeline mode,
// one sync point and one write per batch, and their results read when the socket is readable, so
// a request costs no thread hand-off and a batch costs the server one wake-up. The batch goes out
// when that pass ends (the event dispatcher's aboutToBlock / awake signals), not from a posted
// event: posting one wakes the thread's own event loop (an eventfd write, a read, one more poll). A query aborted
// only because an earlier one in its batch failed is sent again. Only opening a connection (blocking in libpq, with
// TLS) runs on a helper thread. Broken connections are replaced; transient errors (40001, 40003, class 08, 57P01, a
// lost connection) are retried on another connection within the retry budget.
//
// Lifetime: each connection gets `maxLifetime` ±10 % when it opens (0 = never replaced for age).
// Past it, the connection takes no new batch; it is closed once its last batch has come back, and
// a new one opens for the requests that wait. No request fails or is retried for it. The check is
// one clock read per dispatch, and only when a lifetime is set.
//
// Threading: owner thread only; callbacks run on it.
class AsyncQueryPool : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString name;
        PoolId pool = PoolId::Reader;
        QByteArray conninfo;
        int size = 8;
        int maxQueued = 1024; // requests waiting for a connection; past it: refused at once
        std::chrono::milliseconds acquireTimeout {2000};
        pgkit::RetryPolicy retry = pgkit::RetryPolicy::sampleApp();
        int connectTimeoutSeconds = 3;
        // Queries in flight per connection (libpq pipeline mode): queued requests go out together
        // and their results come back together, which saves wake-ups on both sides.
        int pipelineDepth = 8;
        std::chrono::milliseconds maxLifetime {0}; // 0 = never replaced for age
        std::function<bool(pg_conn *, QString *error)> prepare; // runs on the helper thread
    };
    using Failure = DbFailure;
    // Exactly one of result / failure is set.
    using Callback = std::function<void(pgkit::PgResultPtr result, const Failure &failure)>;

    AsyncQueryPool(Options options, DbObserver &observer, QObject *parent = nullptr);
    ~AsyncQueryPool() override;

    void execPrepared(const char *statement, QList<QByteArray> params, Callback callback);
    // Fails queued requests, closes every connection; later requests fail at once.
    void close();

    int openCount() const { return int(m_conns.size()); }
    int busyCount() const;

private:
    struct Job
    {
        const char *statement = nullptr;
        QList<QByteArray> params;
        Callback callback;
        std::chrono::steady_clock::time_point started;
        int attempts = 0;
        Failure lastFailure;
    };
    struct Conn
    {
        std::uint64_t id = 0; // never reused, unlike the address: what queued work looks up
        pgkit::PgConnPtr conn;
        std::unique_ptr<QSocketNotifier> readable;
        std::unique_ptr<QSocketNotifier> writable;
        std::deque<Job> inflight; // in the order sent; the front one's results come first
        pgkit::PgResultPtr frontResult; // first result of the front query
        int syncsPending = 0; // batches whose sync point has not come back yet
        std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
        bool retiring = false; // past its lifetime: no new batch, closed once idle
    };

    void scheduleDispatch();
    void onPassEnd(); // the event loop finished a pass: send what it queued
    void dispatch();
    bool send(Conn &c, Job job);
    void endBatch(Conn &c);
    void flush(Conn &c);
    void drainIfBuffered(Conn *c);
    Conn *find(std::uint64_t id) const;
    // A miscount of our own in the pipeline bookkeeping: fatal in debug builds (the tests run
    // them), logged as an error in release, where the connection is dropped and its queries retried.
    void bookkeepingError(const Conn &c, const char *what);
    void onReadable(Conn *c);
    void onWritable(Conn *c);
    Job takeFront(Conn *c);
    void completeFront(Conn *c); // the front query's results are complete
    void requeueFront(std::vector<Job> jobs);
    void dropConnection(Conn *c, const QString &why);
    void retireExpired(); // marks connections past their lifetime; closes the idle ones
    void retire(Conn *c); // closes an idle connection past its lifetime
    void retryOrFail(Job job, const Failure &failure);
    void openConnection();
    void expireQueued();
    void fail(Job &job, const Failure &failure);
    void succeed(Job &job, pgkit::PgResultPtr result);

    Options m_options;
    DbObserver &m_observer;
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::deque<Job> m_queue;
    int m_connecting = 0;
    std::uint64_t m_nextConnId = 1;
    bool m_closed = false;
    bool m_dispatchPending = false;
    bool m_passHooked = false; // the owner thread's event dispatcher reports the end of each pass
    QString m_lastConnectError;
    std::chrono::steady_clock::time_point m_nextExpiry = std::chrono::steady_clock::time_point::max();
    QThreadPool m_connectThreads;
    QTimer m_expiry;
};
