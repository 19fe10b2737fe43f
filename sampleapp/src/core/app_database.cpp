#include "app_database.h"

#include "config.h"
#include "log.h"

#include <libpq-fe.h>

#include <QJsonObject>
#include <QRandomGenerator>

#include <chrono>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

constexpr const char *kLoginInsert = "login_insert";
constexpr const char *kSearch = "search_prefix";
constexpr const char *kPing = "ping";
// Not prepared: a server may check privileges at PREPARE time, which would discard the connection.
// WHERE false: the privilege check runs, but no row is ever written even if the grant were wrong.
constexpr const char *kReadOnlyProbe = "INSERT INTO login_events (id, user_id, ip_hash, user_agent_hash) "
                                       "SELECT '00000000-0000-0000-0000-000000000000'::UUID, 'readyz', '', '' "
                                       "WHERE false";
// "Cannot create": CREATE TABLE in schema public must be refused with 42501. The name is an existing
// table, so even a reader that is allowed to create gets 42P07 (duplicate_table) and nothing is
// ever created: both databases check the CREATE privilege before the name.
//   PostgreSQL: RangeVarGetAndCheckCreationNamespace (namespace.c) checks CREATE on the schema
//   before transformCreateStmt looks at an existing relation.
//   CockroachDB: pkg/sql/create_table.go getSchemaForCreateTable calls canCreateOnSchema before
//   GetDescriptorCollidingWithObject (a descriptor-backed public schema is SchemaUserDefined, so its
//   CREATE privilege is checked, schemadesc immutable.SchemaKind); the declarative builder
//   (scbuildstmt/create_table.go CreateTable) resolves the target with privilege.CREATE before its
//   existence check.
// The colliding name, not the transaction, is what makes it harmless: since v25.1 CockroachDB's
// autocommit_before_ddl session variable is on by default ("any schema change statement that is
// sent during an explicit transaction will cause the transaction to commit before executing the
// schema change", docs: session-variables), so BEGIN ... ROLLBACK does not contain DDL there.
// The transaction still keeps PostgreSQL (transactional DDL) and older CockroachDB tidy.
constexpr const char *kCreateProbe = "CREATE TABLE public.search_terms (readyz_probe INT8)";

bool prepare(pg_conn *conn, const char *name, const char *sql, int nParams, QString *error)
{
    pgkit::PgResultPtr r(PQprepare(conn, name, sql, nParams, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        *error = QStringLiteral("prepare %1: %2").arg(QLatin1String(name), pgkit::errorMessage(conn, r.get()));
        return false;
    }
    return true;
}

bool prepareWriter(pg_conn *conn, QString *error)
{
    return prepare(conn, kLoginInsert,
               "INSERT INTO login_events (id, user_id, ip_hash, user_agent_hash) "
               "VALUES ($1::UUID, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
               4, error)
        && prepare(conn, kPing, "SELECT 1", 0, error);
}

bool prepareReader(pg_conn *conn, QString *error)
{
    // PostgreSQL plans a parameterised range predicate anew on every execution (its custom plan
    // looks cheaper than the generic one), which costs more than running it. The generic plan is
    // the same index scan for any prefix, so keep it. CockroachDB caches its plans by itself.
    if (pgkit::detectDialect(conn) == pgkit::Dialect::PostgreSQL) {
        pgkit::PgResultPtr r(PQexec(conn, "SET plan_cache_mode = force_generic_plan"));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            *error = QStringLiteral("set plan_cache_mode: %1").arg(pgkit::errorMessage(conn, r.get()));
            return false;
        }
    }
    return prepare(conn, kSearch,
               "SELECT term, popularity FROM search_terms WHERE term >= $1 AND term < $2 "
               "ORDER BY term LIMIT $3::INT8",
               3, error)
        && prepare(conn, kPing, "SELECT 1", 0, error);
}

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Result of one attempt: done (ok or permanent failure) or retry.
enum class Attempt { Ok, Retry, Fail };

// Classifies a failed result: broken connection / transient SQLSTATE → retry.
Attempt classify(ConnectionPool::Lease &lease, const pg_result *res, AppDatabase::Error *error)
{
    error->sqlState = pgkit::sqlState(res);
    error->message = pgkit::errorMessage(lease.get(), res);
    const auto failure = pgkit::classifyFailure(lease.get(), res);
    if (failure == pgkit::FailureClass::ConnectionLost) {
        lease.markBroken();
    }
    if (failure != pgkit::FailureClass::Permanent) {
        error->kind = DbErrorKind::Transient;
        return Attempt::Retry;
    }
    error->kind = DbErrorKind::Permanent;
    return Attempt::Fail;
}

} // namespace

QString AppDatabase::Readiness::reason() const
{
    if (!writer.ok) {
        return QStringLiteral("writer: ") + writer.detail;
    }
    if (!reader.ok) {
        return QStringLiteral("reader: ") + reader.detail;
    }
    if (!readerReadOnly.ok) {
        return QStringLiteral("reader_read_only: ") + readerReadOnly.detail;
    }
    if (!readerCannotCreate.ok) {
        return QStringLiteral("reader_cannot_create: ") + readerCannotCreate.detail;
    }
    return {};
}

QJsonObject AppDatabase::Readiness::toJson() const
{
    auto check = [](const Check &c) { return QJsonObject {{u"ok"_s, c.ok}, {u"detail"_s, c.detail}}; };
    return QJsonObject {{u"writer"_s, check(writer)}, {u"reader"_s, check(reader)},
        {u"reader_read_only"_s, check(readerReadOnly)}, {u"reader_cannot_create"_s, check(readerCannotCreate)}};
}

AppDatabase::AppDatabase(const AppConfig &config, DbObserver &observer, pgkit::RetryPolicy retry)
    : m_observer(observer), m_retry(retry)
{
    const auto timeout = std::chrono::milliseconds(config.acquireTimeoutMs);
    const auto lifetime = std::chrono::milliseconds(qint64(config.dbMaxConnLifetimeS) * 1000);
    m_writer = std::make_unique<ConnectionPool>(ConnectionPool::Options {.name = QStringLiteral("writer"),
        .conninfo = config.writerConninfo,
        .size = config.writerPoolSize,
        .acquireTimeout = timeout,
        .connectTimeoutSeconds = 3,
        .prepare = prepareWriter,
        .maxLifetime = lifetime,
        .recycled = [&observer] { observer.dbConnectionRecycled(PoolId::Writer); }});
    m_reader = std::make_unique<ConnectionPool>(ConnectionPool::Options {.name = QStringLiteral("reader"),
        .conninfo = config.readerConninfo,
        .size = config.readerPoolSize,
        .acquireTimeout = timeout,
        .connectTimeoutSeconds = 3,
        .prepare = prepareReader,
        .maxLifetime = lifetime,
        .recycled = [&observer] { observer.dbConnectionRecycled(PoolId::Reader); }});
}

AppDatabase::~AppDatabase()
{
    close();
}

void AppDatabase::close()
{
    m_writer->close();
    m_reader->close();
}

pgkit::Dialect AppDatabase::dialect() const
{
    const auto d = m_writer->dialect();
    return d != pgkit::Dialect::Unknown ? d : m_reader->dialect();
}

template<typename Fn> bool AppDatabase::runWithRetry(PoolId poolId, Fn &&attempt, Error *error)
{
    ConnectionPool &p = pool(poolId);
    const auto t0 = std::chrono::steady_clock::now();
    for (int n = 1;; ++n) {
        error->attempts = n;
        ConnectionPool::FailureKind failure = ConnectionPool::FailureKind::None;
        ConnectionPool::Lease lease = p.acquire(&failure, &error->message);
        Attempt outcome = Attempt::Fail;
        if (!lease) {
            error->sqlState.clear();
            if (failure == ConnectionPool::FailureKind::AcquireTimeout) {
                error->kind = DbErrorKind::AcquireTimeout;
                outcome = Attempt::Fail; // the pool is saturated: retrying would only queue longer
            } else if (failure == ConnectionPool::FailureKind::Closed) {
                error->kind = DbErrorKind::Permanent;
                outcome = Attempt::Fail;
            } else {
                error->kind = DbErrorKind::Connect;
                outcome = Attempt::Retry;
            }
        } else {
            outcome = attempt(lease, error);
        }
        if (outcome == Attempt::Ok) {
            m_observer.dbQuery(poolId, secondsSince(t0), true);
            return true;
        }
        m_observer.dbError(poolId, error->kind);
        const auto delay = m_retry.backoff(n, QRandomGenerator::global()->generateDouble());
        const auto elapsed
            = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
        if (outcome == Attempt::Fail || !m_retry.mayRetry(n, elapsed, delay)) {
            m_observer.dbQuery(poolId, secondsSince(t0), false);
            return false;
        }
        m_observer.dbRetry(poolId);
        std::this_thread::sleep_for(delay);
    }
}

AppDatabase::LoginResult AppDatabase::login(
    const QString &userId, const QByteArray &ipHash, const QByteArray &userAgentHash)
{
    LoginResult result;
    result.id = QUuid::createUuid();
    const QByteArray id = result.id.toByteArray(QUuid::WithoutBraces);
    const QByteArray user = userId.toUtf8();
    const char *values[4] = {id.constData(), user.constData(), ipHash.constData(), userAgentHash.constData()};
    result.ok = runWithRetry(
        PoolId::Writer,
        [&](ConnectionPool::Lease &lease, Error *error) {
            pgkit::PgResultPtr r(PQexecPrepared(lease.get(), kLoginInsert, 4, values, nullptr, nullptr, 0));
            if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) {
                return Attempt::Ok;
            }
            return classify(lease, r.get(), error);
        },
        &result.error);
    return result;
}

QByteArray AppDatabase::prefixUpperBound(const QByteArray &prefixUtf8)
{
    return prefixUtf8 + QByteArrayLiteral("\xF4\x8F\xBF\xBF");
}

const char *const AppDatabase::kSearchStatement = kSearch;

bool AppDatabase::prepareReaderConnection(pg_conn *conn, QString *error)
{
    return prepareReader(conn, error);
}

QList<QByteArray> AppDatabase::searchParams(const QString &prefix, int limit)
{
    const QByteArray low = prefix.toUtf8();
    return {low, prefixUpperBound(low), QByteArray::number(limit)};
}

QList<AppDatabase::SearchRow> AppDatabase::searchRows(const pg_result *result)
{
    QList<SearchRow> rows;
    const int n = PQntuples(result);
    rows.reserve(n);
    for (int i = 0; i < n; ++i) {
        rows.append(SearchRow {QString::fromUtf8(PQgetvalue(result, i, 0), PQgetlength(result, i, 0)),
            QByteArray(PQgetvalue(result, i, 1)).toLongLong()});
    }
    return rows;
}

AppDatabase::SearchResult AppDatabase::search(const QString &prefix, int limit)
{
    SearchResult result;
    const QList<QByteArray> params = searchParams(prefix, limit);
    const char *values[3] = {params[0].constData(), params[1].constData(), params[2].constData()};
    result.ok = runWithRetry(
        PoolId::Reader,
        [&](ConnectionPool::Lease &lease, Error *error) {
            pgkit::PgResultPtr r(PQexecPrepared(lease.get(), kSearch, 3, values, nullptr, nullptr, 0));
            if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
                return classify(lease, r.get(), error);
            }
            result.rows = searchRows(r.get());
            return Attempt::Ok;
        },
        &result.error);
    return result;
}

AppDatabase::Check AppDatabase::checkCannotCreate(ConnectionPool::Lease &lease)
{
    Check check;
    pgkit::PgResultPtr begin(PQexec(lease.get(), "BEGIN"));
    if (PQresultStatus(begin.get()) != PGRES_COMMAND_OK) {
        lease.markBroken();
        check.detail
            = QStringLiteral("cannot start the create probe: %1").arg(pgkit::errorMessage(lease.get(), begin.get()));
        return check;
    }
    pgkit::PgResultPtr res(PQexec(lease.get(), kCreateProbe));
    const QString state = pgkit::sqlState(res.get());
    const QString message = pgkit::errorMessage(lease.get(), res.get());
    // A warning only when autocommit_before_ddl already ended the transaction (CockroachDB).
    pgkit::PgResultPtr rollback(PQexec(lease.get(), "ROLLBACK"));
    if (PQtransactionStatus(lease.get()) != PQTRANS_IDLE) {
        lease.markBroken();
    }
    if (state == u"42501") {
        check.ok = true;
        check.detail = QStringLiteral("CREATE TABLE in schema public refused (42501 insufficient_privilege)");
    } else if (PQresultStatus(res.get()) == PGRES_COMMAND_OK || state == u"42P07") {
        check.detail = QStringLiteral("the reader user can CREATE tables in schema public: it must have SELECT only "
                                      "(REVOKE CREATE ON SCHEMA public FROM public)");
    } else {
        if (PQstatus(lease.get()) != CONNECTION_OK) {
            lease.markBroken();
        }
        check.detail = QStringLiteral("unexpected answer to the create probe (%1): %2").arg(state, message);
    }
    return check;
}

AppDatabase::Readiness AppDatabase::checkReadiness()
{
    Readiness r;
    auto ping = [this](PoolId id, Check *check) {
        // Twice at most: a pooled connection may have died since its last use (server restart).
        for (int attempt = 0; attempt < 2; ++attempt) {
            ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
            QString error;
            ConnectionPool::Lease lease = pool(id).acquire(&kind, &error);
            if (!lease) {
                check->detail = error;
                return;
            }
            pgkit::PgResultPtr res(PQexecPrepared(lease.get(), kPing, 0, nullptr, nullptr, nullptr, 0));
            if (PQresultStatus(res.get()) == PGRES_TUPLES_OK) {
                check->ok = true;
                check->detail = QStringLiteral("SELECT 1 ok");
                return;
            }
            check->detail = pgkit::errorMessage(lease.get(), res.get());
            if (PQstatus(lease.get()) == CONNECTION_OK) {
                return;
            }
            lease.markBroken();
        }
    };
    ping(PoolId::Writer, &r.writer);
    ping(PoolId::Reader, &r.reader);
    if (!r.reader.ok) {
        r.readerReadOnly.detail = QStringLiteral("not checked: reader unreachable");
        r.readerCannotCreate.detail = r.readerReadOnly.detail;
        return r;
    }
    ConnectionPool::FailureKind kind = ConnectionPool::FailureKind::None;
    QString error;
    ConnectionPool::Lease lease = pool(PoolId::Reader).acquire(&kind, &error);
    if (!lease) {
        r.readerReadOnly.detail = error;
        r.readerCannotCreate.detail = error;
        return r;
    }
    pgkit::PgResultPtr res(PQexec(lease.get(), kReadOnlyProbe));
    const QString state = pgkit::sqlState(res.get());
    if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) {
        r.readerReadOnly.detail
            = QStringLiteral("the reader user can INSERT into login_events: it must have SELECT only");
    } else if (state == u"42501") {
        r.readerReadOnly.ok = true;
        r.readerReadOnly.detail = QStringLiteral("INSERT refused (42501 insufficient_privilege)");
    } else {
        if (PQstatus(lease.get()) != CONNECTION_OK) {
            lease.markBroken();
        }
        r.readerReadOnly.detail = QStringLiteral("unexpected answer to the write probe (%1): %2")
                                      .arg(state, pgkit::errorMessage(lease.get(), res.get()));
    }
    r.readerCannotCreate = checkCannotCreate(lease);
    return r;
}
