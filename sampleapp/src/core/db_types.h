#pragma once

#include <QString>

// The database paths' own vocabulary, shared by the pools, AppDatabase and whoever watches them.
// No metrics here: the pools report through DbObserver, which Telemetry implements.

enum class PoolId { Writer = 0, Reader = 1 };
enum class DbErrorKind { Transient, Permanent, Connect, AcquireTimeout };

// A database operation that did not succeed, after its retries.
struct DbFailure
{
    DbErrorKind kind = DbErrorKind::Permanent;
    QString sqlState;
    QString message;
    int attempts = 0;
};

const char *poolName(PoolId pool); // "writer", "reader"

// "transient", "permanent", "connect", "acquire_timeout": the metrics' label and the trace's
// error.type (header only: the tracing library reads it without linking the app's core).
inline const char *errorKindName(DbErrorKind kind)
{
    switch (kind) {
    case DbErrorKind::Transient:
        return "transient";
    case DbErrorKind::Permanent:
        return "permanent";
    case DbErrorKind::Connect:
        return "connect";
    case DbErrorKind::AcquireTimeout:
        return "acquire_timeout";
    }
    return "unknown";
}

// What the database paths report, and nothing else: a query's outcome and duration, a failure by
// kind, a retry, a connection closed for its age and replaced. Called from the HTTP thread and from
// worker threads: implementations must be thread-safe and must not block.
class DbObserver
{
public:
    virtual ~DbObserver() = default;
    virtual void dbQuery(PoolId pool, double seconds, bool ok) = 0;
    virtual void dbError(PoolId pool, DbErrorKind kind) = 0;
    virtual void dbRetry(PoolId pool) = 0;
    virtual void dbConnectionRecycled(PoolId pool) = 0;

protected:
    DbObserver() = default;
    DbObserver(const DbObserver &) = default;
    DbObserver &operator=(const DbObserver &) = default;
};
