#pragma once
// What every test needs to find its servers and files. Values come from the CTest environment
// set by crdb_add_test (tests/CMakeLists.txt).

#include <QByteArray>
#include <QJsonDocument>
#include <QString>
#include <QUrl>

namespace testenv {

QString sourceDir(); // repository root
QString binaryDir(); // build tree root
QString outputDir(); // where tests save screenshots and reports (created)
QString sampleappBinary(); // the built sampleapp, or empty when it is not part of this build
QString sqlapplyBinary();

int pgPort();
// Conninfo of the PostgreSQL fixture for a user (postgres = admin, app_writer, app_reader).
QByteArray pgConninfo(
    const QString &user = QStringLiteral("postgres"), const QString &db = QStringLiteral("evolution"));
// Runs tests/fixtures/postgres.sh <command> on the fixture (e.g. "restart"); true on success.
bool pgFixture(const QString &command);

// The TLS PostgreSQL fixture (tests/fixtures/postgres-tls.sh, FIXTURES pg_tls).
int pgTlsPort();
QString pgTlsCertDir(); // its certificates: ca.crt, wrong-ca.crt (the second CA), ...
// Restarts it with the server certificate `cert`: good, wrong-ca, other-host, expired, or none
// (TLS off). True on success.
bool pgTlsServe(const QString &cert);
// "sslmode=verify-full&sslrootcert=<pgTlsCertDir()>/<rootCert>": the secure variant's check, the
// one place the TLS tests take it from (so they can be shown to fail with verification off).
QString pgTlsVerifyFull(const QString &rootCert = QStringLiteral("ca.crt"));
// A libpq URL for app_writer or app_reader (with its test password) to database evolution on
// `host` (localhost or 127.0.0.1) at the TLS fixture's port, with `query` appended, e.g.
// "sslmode=verify-full&sslrootcert=/path/ca.crt".
QByteArray pgTlsUrl(const QString &user, const QString &query, const QString &host = QStringLiteral("localhost"));

// Writes `bytes` to `path`; returns the path, or empty when it cannot be written.
QString writeFile(const QString &path, const QByteArray &bytes);

// A TCP port that was free a moment ago on 127.0.0.1.
quint16 freePort();

// A blocking HTTP exchange for tests (runs a local event loop; never use from production code).
struct HttpReply
{
    int status = 0; // 0 = no HTTP answer (connection error or timeout)
    QByteArray body;
    QByteArray contentType;
    QString error;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};
HttpReply http(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
    const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 10000);

} // namespace testenv
