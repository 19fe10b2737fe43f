#pragma once

#include "pg_connection.h"
#include "sql_script.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>

namespace pgkit {

struct ApplyProgress
{
    int index = 0; // 1-based statement number
    int total = 0;
    int line = 0;
    QString statement;
    bool tolerated = false; // failed with a tolerated SQLSTATE: counted as already applied
    // Failed with the SQLSTATE its @expect-error names: counted as done; sqlState and message are
    // the server's.
    bool refusedAsExpected = false;
    QString sqlState;
    QString message;
};

// A statement that failed as its @expect-error said it would (the refusal is the point).
struct ExpectedRefusal
{
    int line = 0;
    QString statement;
    QString sqlState;
    QString message; // the server's message, e.g. "could not validate zone config: at least 3 ..."
};

// "refused as expected (23514): could not validate zone config: ..."; the one wording every
// caller (sqlapply, the presenter) prints.
QString describeExpectedRefusal(const QString &sqlState, const QString &message);

struct ApplyResult
{
    bool ok = false;
    int applied = 0; // statements done (tolerated ones and expected refusals included)
    int total = 0;
    // On failure: which statement, and what the server said.
    int failedLine = 0;
    QString failedStatement;
    QString sqlState;
    QString message;
    // The SQLSTATE the failed statement's @expect-error wanted (empty without one). When the
    // statement succeeded instead, sqlState is empty and message says so.
    QString expectedSqlState;
    // Statements refused as their @expect-error said (also counted in applied).
    QList<ExpectedRefusal> expectedRefusals;
    Dialect dialect = Dialect::Unknown;
    // The file was refused before anything ran (CockroachDB-only on another server): the server
    // itself is fine.
    bool refused = false;
};

// Runs a parsed script statement by statement in autocommit mode and stops at the first error.
// A statement marked @expect-error must fail with that SQLSTATE: then it counts as done and the
// run goes on; if it succeeds, or fails with another SQLSTATE, the run stops there as failed.
// Blocking: call it from a worker thread (the presenter) or a CLI (sqlapply). `progress` is called
// on the calling thread after each statement; setting `*cancel` stops before the next statement.
// A CockroachDB-only script is refused on any other server before anything runs.
ApplyResult applyScript(const SqlScript &script, const QByteArray &conninfo,
    const std::function<void(const ApplyProgress &)> &progress = {}, const std::atomic_bool *cancel = nullptr);

// Sets a role's password (ALTER ROLE ... WITH PASSWORD, literal escaped by libpq). The password
// is never logged or returned in messages.
ApplyResult setRolePassword(const QByteArray &conninfo, const QString &role, const QByteArray &password);

} // namespace pgkit
