#pragma once

#include "core/app_database.h"
#include "core/async_query_pool.h"
#include "core/config.h"
#include "core/data_routes.h"
#include "core/feed_hub.h"
#include "core/load_engine.h"
#include "core/load_routes.h"
#include "core/ops_routes.h"
#include "core/route_table.h"
#include "core/telemetry.h"
#include "otel/tracer.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <chrono>

// The composition root of the sample app: owns the database, load generator, feed, metrics and the
// HTTP server, whose routes live in one class per resource (DataRoutes, LoadRoutes, OpsRoutes),
// all registered through one RouteTable (precheck + telemetry). Runs start, ticks, readiness and
// shutdown. Lives on the main thread, which never blocks: /search runs on non-blocking libpq
// connections (AsyncQueryPool); /login and /readyz run on a bounded thread pool.
class SampleApp : public QObject
{
    Q_OBJECT
public:
    static QString version();

    explicit SampleApp(const AppConfig &config, QObject *parent = nullptr);
    ~SampleApp() override;

    // Listens on the configured address/port; false + error if it cannot.
    bool start(QString *error);
    quint16 port() const { return m_port; }
    // Graceful shutdown, asynchronous (the HTTP thread never blocks in it): /readyz answers 503
    // and the load generator stops at once; requests are still served for APP_SHUTDOWN_DRAIN_MS
    // (the time for the pod to leave the Service's endpoints); then the listeners close and
    // in-flight work finishes. Past APP_SHUTDOWN_TIMEOUT_MS - kCancelReserveMs the pools close, so
    // retries stop and waiting requests are answered 503; stopped() comes before
    // APP_SHUTDOWN_TIMEOUT_MS. The backstop for work that outlives it (a libpq connect blocked with a
    // connect_timeout above the reserve) is ShutdownWatchdog (main.cpp).
    void shutdown();
    // Connect timeout the pools use (3 s) plus a margin: what a blocked connect may still take.
    static constexpr int kCancelReserveMs = 4000;

    Telemetry &telemetry() { return m_telemetry; }
    LoadEngine &load() { return m_load; }
    const RouteTable &routes() const { return m_routes; }

Q_SIGNALS:
    void stopped();

private:
    void onNewWebSocket();
    void tick();
    void checkReadinessAsync();
    void updateReadiness(const AppDatabase::Readiness &r);
    void postEvent(const LoadEngine::Event &e);
    void closeListeners(); // end of the drain
    void pollInFlight();
    void cancelInFlight(); // close the pools: retries stop, waiting requests fail fast
    void finishShutdown();
    bool idle() const;
    bool runOperation(Op op); // one load-generated operation

    AppConfig m_config;
    Guardrails m_limits;
    Telemetry m_telemetry;
    otel::Tracing m_tracing; // before everything that may end a span: it outlives their threads
    AppDatabase m_db;
    QThreadPool m_dbThreads;
    AsyncQueryPool m_readerAsync; // GET /search: non-blocking libpq on the HTTP thread
    LoadEngine m_load;
    FeedHub m_feed;
    QHttpServer m_server;
    RouteTable m_routes; // every route goes through it
    DataRoutes m_dataRoutes;
    LoadRoutes m_loadRoutes;
    OpsRoutes m_opsRoutes;
    QTimer m_tickTimer;
    QTimer m_readyTimer;
    QElapsedTimer m_sinceTick;
    quint16 m_port = 0;
    bool m_ready = false;
    bool m_readyKnown = false;
    QString m_notReadyReason; // the last reason logged while not ready
    bool m_readinessPending = false;
    bool m_shuttingDown = false;
    bool m_cancelled = false;
    bool m_finished = false;
    QElapsedTimer m_sinceShutdown;
    QTimer m_shutdownPoll;
    std::atomic<std::uint64_t> m_loadCounter {0};
};
