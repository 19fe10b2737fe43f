#pragma once

#include "pg_connection.h"
#include "sql_script.h"

#include <QByteArray>
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
};

struct ApplyResult
{
    bool ok = false;
    int applied = 0; // statements that ran (tolerated ones included)
    int total = 0;
    // On failure: which statement, and what the server said.
    int failedLine = 0;
    QString failedStatement;
    QString sqlState;
    QString message;
    Dialect dialect = Dialect::Unknown;
    // The file was refused before anything ran (CockroachDB-only on another server): the server
    // itself is fine.
    bool refused = false;
};

// Runs a parsed script statement by statement in autocommit mode and stops at the first error.
// Blocking: call it from a worker thread (the presenter) or a CLI (sqlapply). `progress` is called
// on the calling thread after each statement; setting `*cancel` stops before the next statement.
// A CockroachDB-only script is refused on any other server before anything runs.
ApplyResult applyScript(const SqlScript &script, const QByteArray &conninfo,
    const std::function<void(const ApplyProgress &)> &progress = {}, const std::atomic_bool *cancel = nullptr);

// Sets a role's password (ALTER ROLE ... WITH PASSWORD, literal escaped by libpq). The password
// is never logged or returned in messages.
ApplyResult setRolePassword(const QByteArray &conninfo, const QString &role, const QByteArray &password);

} // namespace pgkit
