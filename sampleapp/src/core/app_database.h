#pragma once

#include "db_pool.h"
#include "db_types.h"
#include "pgkit/retry_policy.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUuid>

#include <memory>

struct AppConfig;

// The sample app's database work: the writer pool (/login) and the reader pool (/search), with
// prepared statements and bounded retries of transient errors. Blocking: call from worker threads
// (the HTTP handlers run it via QtConcurrent on a bounded pool, the load generator on its workers).
class AppDatabase
{
public:
    using Error = DbFailure;

    struct LoginResult
    {
        bool ok = false;
        QUuid id;
        Error error;
    };

    struct SearchRow
    {
        QString term;
        qint64 popularity = 0;
    };
    struct SearchResult
    {
        bool ok = false;
        QList<SearchRow> rows;
        Error error;
    };

    struct Check
    {
        bool ok = false;
        QString detail;
    };
    struct Readiness
    {
        Check writer, reader, readerReadOnly, readerCannotCreate;
        bool ready() const { return writer.ok && reader.ok && readerReadOnly.ok && readerCannotCreate.ok; }
        QString reason() const; // first failing check, as a sentence
        QJsonObject toJson() const;
    };

    AppDatabase(
        const AppConfig &config, DbObserver &observer, pgkit::RetryPolicy retry = pgkit::RetryPolicy::sampleApp());
    ~AppDatabase();

    // Inserts one login event with an app-generated UUID; a retry after an ambiguous failure
    // cannot duplicate it (ON CONFLICT DO NOTHING). ok == true only after the commit succeeded.
    LoginResult login(const QString &userId, const QByteArray &ipHash, const QByteArray &userAgentHash);
    // Prefix search as a range predicate on the indexed column, through the read-only user.
    SearchResult search(const QString &prefix, int limit);
    Readiness checkReadiness();

    ConnectionPool &pool(PoolId id) { return id == PoolId::Writer ? *m_writer : *m_reader; }
    pgkit::Dialect dialect() const;
    void close();

    // Exclusive upper bound for "starts with prefix" in byte order: prefix + U+10FFFF.
    static QByteArray prefixUpperBound(const QByteArray &prefixUtf8);

    // For the non-blocking HTTP read path (AsyncQueryPool): the same prepared search statement,
    // its parameters and the parsing of its rows.
    static const char *const kSearchStatement;
    static bool prepareReaderConnection(pg_conn *conn, QString *error);
    static QList<QByteArray> searchParams(const QString &prefix, int limit);
    static QList<SearchRow> searchRows(const pg_result *result);

private:
    // "Cannot create" readiness probe on a reader connection (see kCreateProbe).
    static Check checkCannotCreate(ConnectionPool::Lease &lease);
    template<typename Fn> bool runWithRetry(PoolId poolId, Fn &&attempt, Error *error);

    DbObserver &m_observer;
    const pgkit::RetryPolicy m_retry;
    std::unique_ptr<ConnectionPool> m_writer;
    std::unique_ptr<ConnectionPool> m_reader;
};
