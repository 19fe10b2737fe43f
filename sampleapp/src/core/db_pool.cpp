#include "db_pool.h"

#include <libpq-fe.h>

#include <QRandomGenerator>

#include <vector>

using Clock = std::chrono::steady_clock;

namespace {
// Connections closed for age, finished after the pool's lock is released.
struct Retired
{
    std::vector<pg_conn *> conns;
    const std::function<void()> *recycled = nullptr;
    ~Retired()
    {
        for (pg_conn *c : conns) {
            PQfinish(c);
            if (*recycled) {
                (*recycled)();
            }
        }
    }
};
} // namespace

ConnectionPool::Lease::Lease(Lease &&other) noexcept
    : m_pool(std::exchange(other.m_pool, nullptr))
    , m_conn(std::exchange(other.m_conn, nullptr))
    , m_expires(other.m_expires)
    , m_broken(other.m_broken)
{ }

ConnectionPool::Lease &ConnectionPool::Lease::operator=(Lease &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_conn = std::exchange(other.m_conn, nullptr);
        m_expires = other.m_expires;
        m_broken = other.m_broken;
    }
    return *this;
}

ConnectionPool::Lease::~Lease()
{
    release();
}

void ConnectionPool::Lease::release()
{
    if (m_pool && m_conn) {
        m_pool->giveBack(m_conn, m_expires,
            m_broken || PQstatus(m_conn) != CONNECTION_OK || PQtransactionStatus(m_conn) != PQTRANS_IDLE);
    }
    m_pool = nullptr;
    m_conn = nullptr;
}

ConnectionPool::ConnectionPool(Options options) : m_options(std::move(options)) { }

ConnectionPool::~ConnectionPool()
{
    close();
}

std::chrono::milliseconds ConnectionPool::jitteredLifetime(std::chrono::milliseconds lifetime)
{
    if (lifetime.count() <= 0) {
        return std::chrono::milliseconds(0);
    }
    const double factor = 0.9 + 0.2 * QRandomGenerator::global()->generateDouble(); // [0.9, 1.1)
    return std::chrono::milliseconds(qint64(double(lifetime.count()) * factor));
}

Clock::time_point ConnectionPool::newExpiry() const
{
    const auto lifetime = jitteredLifetime(m_options.maxLifetime);
    return lifetime.count() > 0 ? Clock::now() + lifetime : Clock::time_point::max();
}

ConnectionPool::Lease ConnectionPool::acquire(FailureKind *kind, QString *error)
{
    const auto deadline = Clock::now() + m_options.acquireTimeout;
    Retired retired {{}, &m_options.recycled}; // declared before the lock: finished after unlocking
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_closed) {
            *kind = FailureKind::Closed;
            *error = QStringLiteral("%1 pool is closed").arg(m_options.name);
            return {};
        }
        if (m_options.maxLifetime.count() > 0) {
            // Idle connections past their lifetime go now, the least recently used ones too.
            const auto now = Clock::now();
            const auto kept = std::remove_if(m_idle.begin(), m_idle.end(), [&](const Idle &i) {
                if (i.expires > now) {
                    return false;
                }
                retired.conns.push_back(i.conn);
                return true;
            });
            m_open -= int(m_idle.end() - kept);
            m_idle.erase(kept, m_idle.end());
        }
        if (!m_idle.empty()) {
            const Idle c = m_idle.back(); // most recently used: warm caches
            m_idle.pop_back();
            *kind = FailureKind::None;
            return Lease(this, c.conn, c.expires);
        }
        if (m_open < m_options.size) {
            ++m_open; // reserve the slot, then connect without holding the lock
            lock.unlock();
            pgkit::PgConnPtr conn = pgkit::openConnection(m_options.conninfo, {}, m_options.connectTimeoutSeconds);
            QString why;
            bool ok = PQstatus(conn.get()) == CONNECTION_OK;
            if (!ok) {
                why = pgkit::connectFailureMessage(conn.get());
            } else if (m_options.prepare && !m_options.prepare(conn.get(), &why)) {
                ok = false;
            }
            pgkit::Dialect dialect = pgkit::Dialect::Unknown;
            if (ok) {
                dialect = pgkit::detectDialect(conn.get());
            }
            lock.lock();
            if (!ok) {
                --m_open;
                m_available.notify_one();
                *kind = FailureKind::Connect;
                *error = QStringLiteral("%1: cannot connect: %2").arg(m_options.name, why);
                return {};
            }
            m_dialect = dialect;
            *kind = FailureKind::None;
            return Lease(this, conn.release(), newExpiry());
        }
        if (m_available.wait_until(lock, deadline) == std::cv_status::timeout && m_idle.empty()
            && m_open >= m_options.size) {
            *kind = FailureKind::AcquireTimeout;
            *error = QStringLiteral("%1: no free connection within %2 ms (pool size %3)")
                         .arg(m_options.name)
                         .arg(m_options.acquireTimeout.count())
                         .arg(m_options.size);
            return {};
        }
    }
}

void ConnectionPool::giveBack(pg_conn *conn, Clock::time_point expires, bool broken)
{
    const bool expired = expires <= Clock::now();
    std::unique_lock lock(m_mutex);
    if (broken || m_closed || expired) {
        const bool recycledForAge = expired && !broken && !m_closed;
        --m_open;
        lock.unlock();
        PQfinish(conn);
        m_available.notify_one(); // a waiter may open the replacement
        if (recycledForAge && m_options.recycled) {
            m_options.recycled();
        }
        return;
    }
    m_idle.push_back(Idle {conn, expires});
    lock.unlock();
    m_available.notify_one();
}

void ConnectionPool::close()
{
    std::deque<Idle> idle;
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        idle.swap(m_idle);
        m_open -= int(idle.size());
    }
    m_available.notify_all();
    for (const Idle &i : idle) {
        PQfinish(i.conn);
    }
}

int ConnectionPool::idleCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_idle.size());
}

int ConnectionPool::busyCount() const
{
    std::lock_guard lock(m_mutex);
    return m_open - int(m_idle.size());
}

pgkit::Dialect ConnectionPool::dialect() const
{
    std::lock_guard lock(m_mutex);
    return m_dialect;
}
