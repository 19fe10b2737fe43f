#pragma once
// The one door every HTTP route of the sample app goes through (one class per
// resource registers its routes here, never on the QHttpServer itself). For each request it runs
// the shared precheck (shutdown, method, control token for commands, body size) and hands the
// handler an HttpExchange, which counts and times the answer exactly once.
//
// Threading: everything but answerFromWorker's `work` runs on the HTTP thread.

#include "core/http_exchange.h"
#include "core/requests.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QHttpServer;
class QThreadPool;
class Telemetry;

struct RouteRule
{
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Get; // anything else: 405
    bool command = false; // needs 'Authorization: Bearer <APP_CONTROL_TOKEN>' when a token is set
    bool precheck = true; // false only for /ws: a WebSocket upgrade must reach the server untouched
};

class RouteTable
{
public:
    using Handler = std::function<void(const QHttpServerRequest &request, const ExchangePtr &exchange)>;

    // `controlToken` empty: commands are open (the laptop default). `workers` runs answerFromWorker.
    RouteTable(QHttpServer &server, Telemetry &telemetry, QThreadPool &workers, const Guardrails &limits,
        QByteArray controlToken);
    RouteTable(const RouteTable &) = delete;
    RouteTable &operator=(const RouteTable &) = delete;

    // `path` is a literal path (it is also the route label in the metrics).
    void add(const char *path, RouteRule rule, Handler handler);
    // Unknown paths: no precheck, route label "other".
    void setFallback(Handler handler);
    QStringList paths() const { return m_paths; } // in registration order

    // Method, control token and body size for `rule`; shutting_down once refuseNewWork() was called.
    std::optional<ApiError> precheck(const QHttpServerRequest &request, const RouteRule &rule) const;
    // After the shutdown drain: every prechecked route answers 503 shutting_down, so in-flight work
    // can end while kept-alive connections still send requests.
    void refuseNewWork() { m_refusing = true; }
    bool commandsNeedToken() const { return !m_controlToken.isEmpty(); }

    // Exchanges accepted and not answered yet (deferred database work).
    int pendingAnswers() const { return m_pending->load(); }

    // Runs blocking `work` on the worker pool and answers on the HTTP thread.
    void answerFromWorker(const ExchangePtr &exchange, std::function<JsonReply()> work);

private:
    QHttpServer &m_server;
    Telemetry &m_telemetry;
    QThreadPool &m_workers;
    Guardrails m_limits;
    QByteArray m_controlToken;
    bool m_refusing = false;
    std::shared_ptr<std::atomic<int>> m_pending = std::make_shared<std::atomic<int>>(0);
    QStringList m_paths;
};
