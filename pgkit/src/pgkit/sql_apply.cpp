#include "sql_apply.h"

#include <libpq-fe.h>

namespace pgkit {

namespace {
ApplyResult connectionFailure(const PgConnPtr &conn, ApplyResult r, const QString &what)
{
    r.ok = false;
    r.message = QStringLiteral("%1: %2").arg(what, connectFailureMessage(conn.get()));
    return r;
}
} // namespace

QString describeExpectedRefusal(const QString &sqlState, const QString &message)
{
    return QStringLiteral("refused as expected (%1): %2").arg(sqlState, message);
}

ApplyResult applyScript(const SqlScript &script, const QByteArray &conninfo,
    const std::function<void(const ApplyProgress &)> &progress, const std::atomic_bool *cancel)
{
    ApplyResult r;
    r.total = script.statementCount();
    if (!script.isValid()) {
        r.message = QStringLiteral("%1: %2").arg(script.name, script.error);
        return r;
    }
    PgConnPtr conn = openConnection(conninfo);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        return connectionFailure(conn, r, QStringLiteral("cannot connect (%1)").arg(redactConninfo(conninfo)));
    }
    r.dialect = detectDialect(conn.get());
    if (script.dialect == SqlScript::Dialect::CockroachDB && r.dialect != Dialect::CockroachDB) {
        r.refused = true;
        r.message
            = QStringLiteral("%1 is CockroachDB-only (zone configs, BACKUP) and the server is %2; nothing was run")
                  .arg(script.name, dialectName(r.dialect));
        return r;
    }
    int index = 0;
    for (const SqlStep &step : script.steps) {
        if (cancel && cancel->load()) {
            r.message = QStringLiteral("cancelled after %1 of %2 statements").arg(r.applied).arg(r.total);
            return r;
        }
        if (step.kind == SqlStep::Kind::UseDatabase) {
            if (QString::fromUtf8(PQdb(conn.get())) != step.text) {
                conn = openConnection(conninfo, step.text.toUtf8());
                if (PQstatus(conn.get()) != CONNECTION_OK) {
                    r.failedLine = step.line;
                    return connectionFailure(conn, r, QStringLiteral("cannot connect to database %1").arg(step.text));
                }
            }
            continue;
        }
        ++index;
        PgResultPtr res(PQexec(conn.get(), step.text.toUtf8().constData()));
        const auto status = PQresultStatus(res.get());
        const bool succeeded = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        ApplyProgress p;
        p.index = index;
        p.total = r.total;
        p.line = step.line;
        p.statement = step.text;
        const auto fail = [&](const QString &state, const QString &message) {
            r.failedLine = step.line;
            r.failedStatement = step.text;
            r.sqlState = state;
            r.message = message;
            r.expectedSqlState = step.expectedError;
            return r;
        };
        if (!step.expectedError.isEmpty()) {
            if (succeeded) {
                return fail({},
                    QStringLiteral("the statement succeeded, but @expect-error said it must fail with SQLSTATE %1")
                        .arg(step.expectedError));
            }
            const QString state = sqlState(res.get());
            const QString message = errorMessage(conn.get(), res.get());
            if (state != step.expectedError) {
                return fail(
                    state, QStringLiteral("%1 (@expect-error wanted SQLSTATE %2)").arg(message, step.expectedError));
            }
            p.refusedAsExpected = true;
            p.sqlState = state;
            p.message = message;
            r.expectedRefusals.append(ExpectedRefusal {step.line, step.text, state, message});
        } else if (!succeeded) {
            const QString state = sqlState(res.get());
            if (!step.tolerated.contains(state)) {
                return fail(state, errorMessage(conn.get(), res.get()));
            }
            p.tolerated = true;
            p.sqlState = state;
        }
        ++r.applied;
        if (progress) {
            progress(p);
        }
    }
    r.ok = true;
    return r;
}

ApplyResult setRolePassword(const QByteArray &conninfo, const QString &role, const QByteArray &password)
{
    ApplyResult r;
    r.total = 1;
    PgConnPtr conn = openConnection(conninfo);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        return connectionFailure(conn, r, QStringLiteral("cannot connect (%1)").arg(redactConninfo(conninfo)));
    }
    const QByteArray roleUtf8 = role.toUtf8();
    char *ident = PQescapeIdentifier(conn.get(), roleUtf8.constData(), size_t(roleUtf8.size()));
    char *literal = PQescapeLiteral(conn.get(), password.constData(), size_t(password.size()));
    if (!ident || !literal) {
        PQfreemem(ident);
        PQfreemem(literal);
        r.message = QStringLiteral("cannot escape role or password");
        return r;
    }
    const QByteArray sql = QByteArray("ALTER ROLE ") + ident + " WITH PASSWORD " + literal;
    PQfreemem(ident);
    PQfreemem(literal);
    PgResultPtr res(PQexec(conn.get(), sql.constData()));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
        r.sqlState = sqlState(res.get());
        r.failedStatement = QStringLiteral("ALTER ROLE %1 WITH PASSWORD ****").arg(role);
        r.message = errorMessage(conn.get(), res.get());
        return r;
    }
    r.ok = true;
    r.applied = 1;
    return r;
}

} // namespace pgkit
