#pragma once

#include "pgkit/pg_connection.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

// A bounded pool of blocking libpq connections. Connections open lazily (the app starts and
// answers /healthz while the database is down), are prepared once by `prepare`, and are replaced
// when broken or past their maximum lifetime. acquire() waits at most `acquireTimeout` for a free
// slot.
//
// Lifetime: each connection gets `maxLifetime` ±10 % when it opens (0 = lives forever). One past
// it is closed when it is given back or found idle by acquire(), never while leased, so no request
// fails for it; the next acquire() opens a new one. Kubernetes Services balance per connection, so
// this is what lets the app's connections reach nodes added after it started.
//
// Threading: every method is thread-safe; a Lease is used by one thread at a time.
class ConnectionPool
{
public:
    struct Options
    {
        QString name; // "writer" / "reader": for messages and metrics
        QByteArray conninfo;
        int size = 8;
        std::chrono::milliseconds acquireTimeout {2000};
        int connectTimeoutSeconds = 3;
        // Runs once on every new connection (PQprepare etc.); false + error discards it.
        std::function<bool(pg_conn *, QString *error)> prepare {};
        std::chrono::milliseconds maxLifetime {0}; // 0 = never replaced for age
        std::function<void()> recycled {}; // called (outside the lock) per connection closed for age
    };

    enum class FailureKind { None, Connect, AcquireTimeout, Closed };

    class Lease
    {
    public:
        Lease() = default;
        Lease(Lease &&other) noexcept;
        Lease &operator=(Lease &&other) noexcept;
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;
        ~Lease();

        explicit operator bool() const { return m_conn != nullptr; }
        pg_conn *get() const { return m_conn; }
        // The connection is unusable (lost, protocol error): it is closed instead of reused.
        void markBroken() { m_broken = true; }

    private:
        friend class ConnectionPool;
        Lease(ConnectionPool *pool, pg_conn *conn, std::chrono::steady_clock::time_point expires)
            : m_pool(pool), m_conn(conn), m_expires(expires)
        { }
        void release();
        ConnectionPool *m_pool = nullptr;
        pg_conn *m_conn = nullptr;
        std::chrono::steady_clock::time_point m_expires;
        bool m_broken = false;
    };

    explicit ConnectionPool(Options options);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool &) = delete;
    ConnectionPool &operator=(const ConnectionPool &) = delete;

    // Blocks up to the acquire timeout. On failure returns an empty lease and sets the kind and a
    // message (connection errors come from libpq and never contain the password).
    Lease acquire(FailureKind *kind, QString *error);

    // Closes idle connections and refuses new leases; leases in use close when returned.
    void close();

    const QString &name() const { return m_options.name; }
    int size() const { return m_options.size; }
    int idleCount() const;
    int busyCount() const;
    pgkit::Dialect dialect() const;

    // `lifetime` ±10 %, uniformly: connections opened together do not all reconnect together.
    // 0 stays 0. Thread-safe.
    static std::chrono::milliseconds jitteredLifetime(std::chrono::milliseconds lifetime);

private:
    struct Idle
    {
        pg_conn *conn;
        std::chrono::steady_clock::time_point expires;
    };
    void giveBack(pg_conn *conn, std::chrono::steady_clock::time_point expires, bool broken);
    std::chrono::steady_clock::time_point newExpiry() const;

    Options m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_available;
    std::deque<Idle> m_idle;
    int m_open = 0; // connections that exist or are being opened
    bool m_closed = false;
    pgkit::Dialect m_dialect = pgkit::Dialect::Unknown;
};
