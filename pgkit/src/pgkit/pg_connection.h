#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

struct pg_conn;
struct pg_result;

namespace pgkit {

// Owning handles for libpq objects.
struct PgResultDeleter
{
    void operator()(pg_result *r) const;
};
using PgResultPtr = std::unique_ptr<pg_result, PgResultDeleter>;

struct PgConnDeleter
{
    void operator()(pg_conn *c) const;
};
using PgConnPtr = std::unique_ptr<pg_conn, PgConnDeleter>;

// A libpq URL or key=value conninfo rendered for logs: every parameter but the password, which
// shows as ****. Returns a readable error text if the conninfo does not parse.
QString redactConninfo(const QByteArray &conninfo);

// The value of one keyword (e.g. "sslrootcert") in a URL or key=value conninfo; empty when it is
// not set or the conninfo does not parse.
QString conninfoValue(const QByteArray &conninfo, const char *keyword);

// `message` with every password `source` carries replaced by ****, found by the text's shape, not
// by parsing (for messages about a conninfo or URL that did not parse): what follows the first ':'
// of a URL's user information (up to its last '@', and up to each earlier '@'), password=... or
// password='...' as a pair or a URL parameter; each as it is and percent-decoded.
QString maskPasswords(QString message, const QString &source);

// Parses the conninfo; on failure returns false and sets *error (never containing the password).
bool validateConninfo(const QByteArray &conninfo, QString *error);

// Opens a blocking connection. `databaseOverride`, if non-empty, replaces the dbname of the
// conninfo (used by the @database directive). `connectTimeoutSeconds` applies unless the conninfo
// sets connect_timeout itself. Never returns null; check PQstatus().
PgConnPtr openConnection(
    const QByteArray &conninfo, const QByteArray &databaseOverride = {}, int connectTimeoutSeconds = 5);

// The SQLSTATE of a failed result ("" if none), and its primary message.
QString sqlState(const pg_result *result);
QString errorMessage(const pg_conn *conn, const pg_result *result);

// Why a connection could not be opened, for logs, /readyz and the presenter: libpq's message, and
// when libpq only says "SSL error: certificate verify failed" (its words for every chain failure),
// the reason in words from OpenSSL after it: an expired certificate, one from a CA that sslrootcert
// does not hold, ... (probeCertificateVerification, pgkit/tls_probe.h: one extra TLS handshake with
// the same server, only in that case). Use it for every failed connect; blocking.
QString connectFailureMessage(pg_conn *conn);

enum class Dialect { Unknown, PostgreSQL, CockroachDB };
// Detects the server from `SELECT version()`.
Dialect detectDialect(pg_conn *conn, QString *versionText = nullptr);
QString dialectName(Dialect d);

// What a failed query means for the caller, one rule for every pool: the connection is gone (no
// result, a broken connection, no SQLSTATE, class 08, 57P01: replace it and retry elsewhere), the
// server asked for a retry (40001, 40003), or the error is the answer (anything else).
enum class FailureClass { ConnectionLost, Retry, Permanent };
FailureClass classifyFailure(const pg_conn *conn, const pg_result *result);

} // namespace pgkit
