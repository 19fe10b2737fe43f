#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

#include "otel/config.h"

#include <spdlog/common.h>

#include <optional>

// The sample app's configuration, read once at start from the environment (sampleapp/PROTOCOL.md).
struct AppConfig
{
    QByteArray writerConninfo;
    QByteArray readerConninfo;
    QString httpAddress = QStringLiteral("0.0.0.0");
    quint16 httpPort = 8080;
    int writerPoolSize = 8;
    int readerPoolSize = 8;
    int acquireTimeoutMs = 2000;
    // Pooled connections are replaced after this long (±10 % jitter), between requests; 0 = never.
    // Kubernetes Services balance per connection: without it the app stays on the nodes it first
    // reached.
    int dbMaxConnLifetimeS = 300;
    double maxRps = 1000;
    double maxSeconds = 300;
    int maxConcurrency = 64;
    qsizetype maxBodyBytes = 65536;
    QByteArray controlToken; // empty = load commands are open
    int tickMs = 1000;
    // SIGTERM: /readyz answers 503 at once and requests are still served for the drain, then the
    // listeners close; the process exits within the timeout (below the pod's grace period).
    int shutdownDrainMs = 5000;
    int shutdownTimeoutMs = 15000;
    spdlog::level::level_enum logLevel = spdlog::level::info;
    otel::Config otel; // tracing: the standard OTEL_* variables, off unless an endpoint is set

    // Reads and validates every variable. On error returns nullopt and sets *error to a sentence
    // that names the variable (and never contains a password).
    static std::optional<AppConfig> fromEnvironment(const QProcessEnvironment &env, QString *error);
};
