#include "pg_connection.h"

#include "tls_probe.h"

#include <libpq-fe.h>

#include <QDir>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

#include <vector>

namespace pgkit {

void PgResultDeleter::operator()(pg_result *r) const
{
    PQclear(r);
}

void PgConnDeleter::operator()(pg_conn *c) const
{
    PQfinish(c);
}

namespace {
struct ConninfoOptionsDeleter
{
    void operator()(PQconninfoOption *o) const { PQconninfoFree(o); }
};
using ConninfoOptionsPtr = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

ConninfoOptionsPtr parse(const QByteArray &conninfo, QString *error)
{
    if (conninfo.contains('\0')) {
        // libpq would read up to the NUL and silently drop the rest.
        if (error) {
            *error = QStringLiteral("the connection string contains a NUL character");
        }
        return nullptr;
    }
    char *err = nullptr;
    ConninfoOptionsPtr opts(PQconninfoParse(conninfo.constData(), &err));
    if (!opts) {
        if (error) {
            // libpq's parse errors quote the offending text, and that text can hold the password:
            // a URL with a mistyped scheme is not a URL to libpq (`missing "=" after "<the URL>"`).
            *error = err ? maskPasswords(QString::fromUtf8(err).trimmed(), QString::fromUtf8(conninfo))
                         : QStringLiteral("cannot parse connection string");
        }
        PQfreemem(err);
    }
    return opts;
}
} // namespace

QString maskPasswords(QString message, const QString &source)
{
    // The user information of a URL, up to its last '@' (a password may hold one), after "//", the
    // start, a space, a quote or '='; and as libpq reads it after "://": up to the first '@' or
    // '/', spaces and all (fe-connect.c, conninfo_uri_parse_options). The password is what follows
    // its first ':'.
    static const QRegularExpression userInfos[] = {
        QRegularExpression(QStringLiteral("(?:^|//|[\\s'\"=])([^\\s/]*)@")),
        QRegularExpression(QStringLiteral("://([^/@]*)@")),
    };
    static const QRegularExpression pairs[] = {
        QRegularExpression(QStringLiteral("password\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'?")),
        QRegularExpression(QStringLiteral("password\\s*=\\s*([^\\s'&]+)")),
    };
    QStringList secrets;
    for (const QRegularExpression &userInfo : userInfos) {
        for (auto it = userInfo.globalMatch(source); it.hasNext();) {
            const QString info = it.next().captured(1);
            const qsizetype colon = info.indexOf(u':');
            if (colon < 0 || colon + 1 >= info.size()) {
                continue;
            }
            // Up to the last '@', and up to each earlier one: a message may quote either.
            const QString password = info.mid(colon + 1);
            secrets << password;
            for (qsizetype at = password.indexOf(u'@'); at > 0; at = password.indexOf(u'@', at + 1)) {
                secrets << password.left(at);
            }
        }
    }
    for (const QRegularExpression &pair : pairs) {
        for (auto it = pair.globalMatch(source); it.hasNext();) {
            const QString secret = it.next().captured(1);
            if (!secret.isEmpty()) {
                secrets << secret;
            }
        }
    }
    for (qsizetype i = 0, n = secrets.size(); i < n; ++i) {
        secrets << QString::fromUtf8(QByteArray::fromPercentEncoding(secrets.at(i).toUtf8()));
    }
    // Longest first, so that a password containing another is masked whole.
    std::sort(secrets.begin(), secrets.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &secret : std::as_const(secrets)) {
        message.replace(secret, QStringLiteral("****"));
    }
    return message;
}

QString redactConninfo(const QByteArray &conninfo)
{
    QString error;
    auto opts = parse(conninfo, &error);
    if (!opts) {
        return QStringLiteral("<invalid connection string: %1>").arg(error);
    }
    QStringList parts;
    for (auto *o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val) {
            continue;
        }
        const auto key = QString::fromUtf8(o->keyword);
        const bool secret = key == u"password" || key == u"sslpassword";
        parts << key + u'=' + (secret ? QStringLiteral("****") : QString::fromUtf8(o->val));
    }
    return parts.join(u' ');
}

QString conninfoValue(const QByteArray &conninfo, const char *keyword)
{
    auto opts = parse(conninfo, nullptr);
    for (auto *o = opts.get(); o && o->keyword; ++o) {
        if (o->val && qstrcmp(o->keyword, keyword) == 0) {
            return QString::fromLocal8Bit(o->val);
        }
    }
    return {};
}

bool validateConninfo(const QByteArray &conninfo, QString *error)
{
    if (conninfo.trimmed().isEmpty()) {
        if (error) {
            *error = QStringLiteral("empty connection string");
        }
        return false;
    }
    return parse(conninfo, error) != nullptr;
}

PgConnPtr openConnection(const QByteArray &conninfo, const QByteArray &databaseOverride, int connectTimeoutSeconds)
{
    // expand_dbname=1: the first "dbname" value is a full conninfo; later keywords override it.
    std::vector<const char *> keys {"dbname"};
    std::vector<const char *> values {conninfo.constData()};
    const QByteArray timeout = QByteArray::number(connectTimeoutSeconds);
    if (!conninfo.contains("connect_timeout")) {
        keys.push_back("connect_timeout");
        values.push_back(timeout.constData());
    }
    if (!databaseOverride.isEmpty()) {
        keys.push_back("dbname");
        values.push_back(databaseOverride.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 1));
    // Server NOTICEs ("relation ... already exists, skipping") would go to stderr unasked.
    PQsetNoticeProcessor(
        conn.get(), [](void *, const char *) {}, nullptr);
    return conn;
}

QString sqlState(const pg_result *result)
{
    if (!result) {
        return {};
    }
    const char *s = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    return s ? QString::fromLatin1(s) : QString();
}

QString errorMessage(const pg_conn *conn, const pg_result *result)
{
    if (result) {
        const char *primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        if (primary && *primary) {
            return QString::fromUtf8(primary);
        }
        const char *whole = PQresultErrorMessage(result);
        if (whole && *whole) {
            return QString::fromUtf8(whole).trimmed();
        }
    }
    if (conn) {
        return QString::fromUtf8(PQerrorMessage(conn)).trimmed();
    }
    return QStringLiteral("no connection");
}

QString connectFailureMessage(pg_conn *conn)
{
    if (!conn) {
        return QStringLiteral("no connection");
    }
    const QString message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
    if (!message.contains(u"certificate verify failed")) {
        return message; // name mismatch, no TLS on the server, a missing file: libpq says it clearly
    }
    QByteArray sslmode;
    QString rootCert;
    ConninfoOptionsPtr opts(PQconninfo(conn));
    for (auto *o = opts.get(); o && o->keyword; ++o) {
        if (!o->val) {
            continue;
        }
        if (qstrcmp(o->keyword, "sslmode") == 0) {
            sslmode = o->val;
        } else if (qstrcmp(o->keyword, "sslrootcert") == 0) {
            rootCert = QString::fromLocal8Bit(o->val);
        }
    }
    if (rootCert.isEmpty()) {
        // libpq's default (docs: libpq-ssl, "Client Verification of Server Certificates").
        rootCert = QDir::homePath() + QStringLiteral("/.postgresql/root.crt");
    }
    const QString reason = probeCertificateVerification(
        QByteArray(PQhost(conn)), QByteArray(PQhostaddr(conn)), QByteArray(PQport(conn)), rootCert);
    if (reason.isEmpty()) {
        return message;
    }
    return QStringLiteral("%1: %2 (sslmode=%3)").arg(message, reason, QString::fromLatin1(sslmode));
}

Dialect detectDialect(pg_conn *conn, QString *versionText)
{
    PgResultPtr r(PQexec(conn, "SELECT version()"));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) < 1) {
        return Dialect::Unknown;
    }
    const QString v = QString::fromUtf8(PQgetvalue(r.get(), 0, 0));
    if (versionText) {
        *versionText = v;
    }
    if (v.contains(u"CockroachDB", Qt::CaseInsensitive)) {
        return Dialect::CockroachDB;
    }
    if (v.startsWith(u"PostgreSQL")) {
        return Dialect::PostgreSQL;
    }
    return Dialect::Unknown;
}

QString dialectName(Dialect d)
{
    switch (d) {
    case Dialect::PostgreSQL:
        return QStringLiteral("postgresql");
    case Dialect::CockroachDB:
        return QStringLiteral("cockroachdb");
    case Dialect::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

FailureClass classifyFailure(const pg_conn *conn, const pg_result *result)
{
    const QString state = sqlState(result);
    if (!result || PQstatus(conn) != CONNECTION_OK || state.isEmpty() || state.startsWith(u"08") || state == u"57P01") {
        return FailureClass::ConnectionLost;
    }
    // Serialization failure, statement completion unknown: the server asks for the retry.
    return state == u"40001" || state == u"40003" ? FailureClass::Retry : FailureClass::Permanent;
}

} // namespace pgkit
