#include "test_env.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTimer>

namespace testenv {

namespace {
QString env(const char *name)
{
    return qEnvironmentVariable(name);
}
} // namespace

QString sourceDir()
{
    return env("TEST_SOURCE_DIR");
}

QString binaryDir()
{
    return env("TEST_BINARY_DIR");
}

QString outputDir()
{
    QString dir = env("TEST_OUTPUT_DIR");
    if (dir.isEmpty()) {
        dir = QDir::tempPath() + QStringLiteral("/crdb-evo-test-output");
    }
    QDir().mkpath(dir);
    return dir;
}

QString sampleappBinary()
{
    return env("SAMPLEAPP_BIN");
}

QString sqlapplyBinary()
{
    return env("SQLAPPLY_BIN");
}

int pgPort()
{
    return env("TEST_PG_PORT").toInt();
}

QByteArray pgConninfo(const QString &user, const QString &db)
{
    return QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=%3 connect_timeout=5")
        .arg(pgPort())
        .arg(user, db)
        .toUtf8();
}

bool pgFixture(const QString &command)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(sourceDir() + QStringLiteral("/tests/fixtures/postgres.sh"), {command, env("TEST_PG_DIR")});
    return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

int pgTlsPort()
{
    return env("TEST_PG_TLS_PORT").toInt();
}

QString pgTlsCertDir()
{
    return env("TEST_PG_TLS_DIR") + QStringLiteral("/certs");
}

bool pgTlsServe(const QString &cert)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedChannels);
    p.start(sourceDir() + QStringLiteral("/tests/fixtures/postgres-tls.sh"),
        {QStringLiteral("restart"), env("TEST_PG_TLS_DIR"), cert});
    return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QString pgTlsVerifyFull(const QString &rootCert)
{
    return QStringLiteral("sslmode=verify-full&sslrootcert=%1/%2").arg(pgTlsCertDir(), rootCert);
}

QString writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        return {};
    }
    return f.fileName();
}

QByteArray pgTlsUrl(const QString &user, const QString &query, const QString &host)
{
    const QString password
        = user == u"app_reader" ? env("TEST_PG_TLS_READER_PASSWORD") : env("TEST_PG_TLS_WRITER_PASSWORD");
    return QStringLiteral("postgresql://%1:%2@%3:%4/evolution?%5")
        .arg(user, password, host)
        .arg(pgTlsPort())
        .arg(query)
        .toUtf8();
}

quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return s.serverPort();
}

HttpReply http(const QByteArray &method, const QUrl &url, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkAccessManager nam;
    QNetworkRequest req(url);
    req.setTransferTimeout(timeoutMs);
    if (!body.isEmpty()) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    for (const auto &h : headers) {
        req.setRawHeader(h.first, h.second);
    }
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (reply->error() != QNetworkReply::NoError && r.status == 0) {
        r.error = reply->errorString();
    }
    reply->deleteLater();
    return r;
}

} // namespace testenv
