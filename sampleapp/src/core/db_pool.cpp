#include "db_pool.h"

#include <libpq-fe.h>

ConnectionPool::Lease::Lease(Lease &&other) noexcept
    : m_pool(std::exchange(other.m_pool, nullptr))
    , m_conn(std::exchange(other.m_conn, nullptr))
    , m_broken(other.m_broken)
{ }

ConnectionPool::Lease &ConnectionPool::Lease::operator=(Lease &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_conn = std::exchange(other.m_conn, nullptr);
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
        m_pool->giveBack(
            m_conn, m_broken || PQstatus(m_conn) != CONNECTION_OK || PQtransactionStatus(m_conn) != PQTRANS_IDLE);
    }
    m_pool = nullptr;
    m_conn = nullptr;
}

ConnectionPool::ConnectionPool(Options options) : m_options(std::move(options)) { }

ConnectionPool::~ConnectionPool()
{
    close();
}

ConnectionPool::Lease ConnectionPool::acquire(FailureKind *kind, QString *error)
{
    const auto deadline = std::chrono::steady_clock::now() + m_options.acquireTimeout;
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_closed) {
            *kind = FailureKind::Closed;
            *error = QStringLiteral("%1 pool is closed").arg(m_options.name);
            return {};
        }
        if (!m_idle.empty()) {
            pg_conn *c = m_idle.back(); // most recently used: warm caches, lets idle ones age out
            m_idle.pop_back();
            *kind = FailureKind::None;
            return Lease(this, c);
        }
        if (m_open < m_options.size) {
            ++m_open; // reserve the slot, then connect without holding the lock
            lock.unlock();
            pgkit::PgConnPtr conn = pgkit::openConnection(m_options.conninfo, {}, m_options.connectTimeoutSeconds);
            QString why;
            bool ok = PQstatus(conn.get()) == CONNECTION_OK;
            if (!ok) {
                why = pgkit::errorMessage(conn.get(), nullptr);
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
            return Lease(this, conn.release());
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

void ConnectionPool::giveBack(pg_conn *conn, bool broken)
{
    std::unique_lock lock(m_mutex);
    if (broken || m_closed) {
        --m_open;
        lock.unlock();
        PQfinish(conn);
        m_available.notify_one();
        return;
    }
    m_idle.push_back(conn);
    lock.unlock();
    m_available.notify_one();
}

void ConnectionPool::close()
{
    std::deque<pg_conn *> idle;
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        idle.swap(m_idle);
        m_open -= int(idle.size());
    }
    m_available.notify_all();
    for (pg_conn *c : idle) {
        PQfinish(c);
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
