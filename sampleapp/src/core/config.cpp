#include "config.h"

#include "log.h"
#include "pgkit/pg_connection.h"

#include <QHostAddress>

#include <cmath>

namespace {

// Integer variable in [lo, hi]; unset = keep default.
bool readInt(const QProcessEnvironment &env, const char *name, qint64 lo, qint64 hi, qint64 *out, QString *error)
{
    const QString key = QString::fromLatin1(name);
    if (!env.contains(key)) {
        return true;
    }
    bool ok = false;
    const qint64 v = env.value(key).trimmed().toLongLong(&ok);
    if (!ok || v < lo || v > hi) {
        *error = QStringLiteral("%1 must be an integer from %2 to %3, got '%4'")
                     .arg(key)
                     .arg(lo)
                     .arg(hi)
                     .arg(env.value(key));
        return false;
    }
    *out = v;
    return true;
}

bool readDouble(const QProcessEnvironment &env, const char *name, double lo, double hi, double *out, QString *error)
{
    const QString key = QString::fromLatin1(name);
    if (!env.contains(key)) {
        return true;
    }
    bool ok = false;
    const double v = env.value(key).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || v <= lo || v > hi) {
        *error = QStringLiteral("%1 must be a number above %2 and at most %3, got '%4'")
                     .arg(key)
                     .arg(lo)
                     .arg(hi)
                     .arg(env.value(key));
        return false;
    }
    *out = v;
    return true;
}

bool readConninfo(const QProcessEnvironment &env, const char *name, QByteArray *out, QString *error)
{
    const QString key = QString::fromLatin1(name);
    const QByteArray value = env.value(key).toUtf8();
    if (value.trimmed().isEmpty()) {
        *error = QStringLiteral(
            "%1 is required (a libpq URL such as postgresql://user@host:26257/evolution?sslmode=verify-full)")
                     .arg(key);
        return false;
    }
    QString why;
    if (!pgkit::validateConninfo(value, &why)) {
        *error = QStringLiteral("%1 is not a valid libpq URL or conninfo: %2").arg(key, why);
        return false;
    }
    *out = value;
    return true;
}

} // namespace

std::optional<AppConfig> AppConfig::fromEnvironment(const QProcessEnvironment &env, QString *error)
{
    AppConfig c;
    if (!readConninfo(env, "APP_DB_WRITER_URL", &c.writerConninfo, error)
        || !readConninfo(env, "APP_DB_READER_URL", &c.readerConninfo, error)) {
        return std::nullopt;
    }
    qint64 port = c.httpPort;
    qint64 writerPool = c.writerPoolSize;
    qint64 readerPool = c.readerPoolSize;
    qint64 acquire = c.acquireTimeoutMs;
    qint64 lifetime = c.dbMaxConnLifetimeS;
    qint64 concurrency = c.maxConcurrency;
    qint64 body = c.maxBodyBytes;
    qint64 tick = c.tickMs;
    qint64 drain = c.shutdownDrainMs;
    qint64 shutdownTimeout = c.shutdownTimeoutMs;
    if (!readInt(env, "APP_HTTP_PORT", 0, 65535, &port, error)
        || !readInt(env, "APP_WRITER_POOL_SIZE", 1, 256, &writerPool, error)
        || !readInt(env, "APP_READER_POOL_SIZE", 1, 256, &readerPool, error)
        || !readInt(env, "APP_DB_ACQUIRE_TIMEOUT_MS", 1, 60000, &acquire, error)
        || !readInt(env, "APP_DB_MAX_CONN_LIFETIME_S", 0, 86400, &lifetime, error)
        || !readInt(env, "APP_MAX_CONCURRENCY", 1, 1024, &concurrency, error)
        || !readInt(env, "APP_MAX_BODY_BYTES", 256, 16 * 1024 * 1024, &body, error)
        || !readInt(env, "APP_TICK_MS", 100, 10000, &tick, error)
        || !readInt(env, "APP_SHUTDOWN_DRAIN_MS", 0, 600000, &drain, error)
        || !readInt(env, "APP_SHUTDOWN_TIMEOUT_MS", 1000, 600000, &shutdownTimeout, error)
        || !readDouble(env, "APP_MAX_RPS", 0, 100000, &c.maxRps, error)
        || !readDouble(env, "APP_MAX_SECONDS", 0, 86400, &c.maxSeconds, error)) {
        return std::nullopt;
    }
    c.httpPort = quint16(port);
    c.writerPoolSize = int(writerPool);
    c.readerPoolSize = int(readerPool);
    c.acquireTimeoutMs = int(acquire);
    c.dbMaxConnLifetimeS = int(lifetime);
    c.maxConcurrency = int(concurrency);
    c.maxBodyBytes = body;
    c.tickMs = int(tick);
    if (drain >= shutdownTimeout) {
        *error = QStringLiteral("APP_SHUTDOWN_DRAIN_MS (%1) must be below APP_SHUTDOWN_TIMEOUT_MS (%2): in-flight work "
                                "needs time to finish after the drain")
                     .arg(drain)
                     .arg(shutdownTimeout);
        return std::nullopt;
    }
    c.shutdownDrainMs = int(drain);
    c.shutdownTimeoutMs = int(shutdownTimeout);

    if (env.contains(QStringLiteral("APP_HTTP_ADDRESS"))) {
        c.httpAddress = env.value(QStringLiteral("APP_HTTP_ADDRESS")).trimmed();
        if (QHostAddress address; !address.setAddress(c.httpAddress)) {
            *error = QStringLiteral("APP_HTTP_ADDRESS must be an IP address, got '%1'").arg(c.httpAddress);
            return std::nullopt;
        }
    }
    if (env.contains(QStringLiteral("APP_CONTROL_TOKEN"))) {
        c.controlToken = env.value(QStringLiteral("APP_CONTROL_TOKEN")).toUtf8();
        if (c.controlToken.trimmed().isEmpty() || c.controlToken.size() < 8) {
            *error = QStringLiteral(
                "APP_CONTROL_TOKEN must be at least 8 characters when set (unset it for open demo mode)");
            return std::nullopt;
        }
    }
    if (env.contains(QStringLiteral("APP_LOG_LEVEL"))
        && !applog::parseLevel(env.value(QStringLiteral("APP_LOG_LEVEL")).trimmed().toLower(), &c.logLevel)) {
        *error = QStringLiteral("APP_LOG_LEVEL must be one of trace, debug, info, warn, error, got '%1'")
                     .arg(env.value(QStringLiteral("APP_LOG_LEVEL")));
        return std::nullopt;
    }
    c.otel = otel::Config::fromEnvironment(env);
    return c;
}
