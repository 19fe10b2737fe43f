#pragma once

#include "app_database.h"
#include "async_query_pool.h"
#include "config.h"
#include "feed_hub.h"
#include "load_engine.h"
#include "telemetry.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimer>

#include <chrono>

class QHttpServerRequest;

// The composition root of the sample app: HTTP routes, database, load generator, feed, metrics.
// Lives on the main thread, which never blocks: /search runs on non-blocking libpq connections
// (AsyncQueryPool); /login and /readyz run on a bounded thread pool and answer through a responder.
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

Q_SIGNALS:
    void stopped();

private:
    using Clock = std::chrono::steady_clock;

    void addDataRoutes(); // /login, /search
    void addLoadRoutes(); // /spike, /load...
    void addOpsRoutes(); // /, /healthz, /readyz, /metrics, /ws and the 404 handler
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

    // Records the request and builds a JSON response (any thread).
    QHttpServerResponse reply(const char *route, const QHttpServerRequest &request, Clock::time_point t0, int status,
        const QJsonObject &body);
    QHttpServerResponse reply(
        const char *route, const QByteArray &method, Clock::time_point t0, int status, const QJsonObject &body);
    QHttpServerResponse replyError(
        const char *route, const QHttpServerRequest &request, Clock::time_point t0, const ApiError &error);
    // The same for handlers that answer through a responder.
    void respond(QHttpServerResponder &responder, const char *route, const QByteArray &method, Clock::time_point t0,
        int status, const QJsonObject &body);
    void respondBytes(QHttpServerResponder &responder, const char *route, const QByteArray &method,
        Clock::time_point t0, int status, const QByteArray &json);
    // A responder kept for a later answer, with a guard on its socket: Qt 6.4's responder keeps a
    // plain pointer, and a client may hang up before its answer is ready.
    struct PendingReply
    {
        explicit PendingReply(QHttpServerResponder &&r);
        QPointer<QTcpSocket> socket;
        QHttpServerResponder responder;
    };
    void finish(PendingReply &pending, const char *route, const QByteArray &method, Clock::time_point t0, int status,
        const QJsonObject &body);
    // The same with the JSON text already built (the /search hot path).
    void finish(PendingReply &pending, const char *route, const QByteArray &method, Clock::time_point t0, int status,
        const QByteArray &json);
    struct Reply
    {
        int status = 200;
        QJsonObject body;
    };
    // Runs blocking database work on the database threads; answers on the HTTP thread.
    void answerFromWorker(QHttpServerResponder &&responder, const char *route, const QByteArray &method,
        Clock::time_point t0, std::function<Reply()> work);
    // Method check, auth check for commands, body size: an error response or nothing.
    std::optional<ApiError> precheck(
        const QHttpServerRequest &request, QHttpServerRequest::Method allowed, bool command) const;

    AppConfig m_config;
    Guardrails m_limits;
    Telemetry m_telemetry;
    AppDatabase m_db;
    QThreadPool m_dbThreads;
    AsyncQueryPool m_readerAsync; // GET /search: non-blocking libpq on the HTTP thread
    LoadEngine m_load;
    FeedHub m_feed;
    QHttpServer m_server;
    QTimer m_tickTimer;
    QTimer m_readyTimer;
    QElapsedTimer m_sinceTick;
    quint16 m_port = 0;
    bool m_ready = false;
    bool m_readyKnown = false;
    bool m_readinessPending = false;
    bool m_shuttingDown = false;
    bool m_listenersClosed = false;
    bool m_cancelled = false;
    bool m_finished = false;
    int m_repliesPending = 0; // deferred answers (database work) not written yet; HTTP thread only
    QElapsedTimer m_sinceShutdown;
    QTimer m_shutdownPoll;
    std::atomic<std::uint64_t> m_loadCounter {0};
};
