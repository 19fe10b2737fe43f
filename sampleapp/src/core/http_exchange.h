#pragma once
// One HTTP request's answer, from the moment the route table accepts it to the one write that ends
// it. Every answer goes through here, so every request is counted and timed in Telemetry exactly
// once, whichever path answers it (at once, later from a database callback, or never because the
// client hung up: status 499).
//
// Threading: created, answered and destroyed on the HTTP thread (the thread of the QHttpServer).
// Handlers that answer later keep the shared pointer and answer from a continuation that runs on
// that thread (RouteTable::answerFromWorker, AsyncQueryPool's callbacks).

#include "core/db_types.h"
#include "core/requests.h"
#include "otel/span.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class Telemetry;

QByteArray methodName(QHttpServerRequest::Method method); // "GET", "POST", ...
QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name); // case-insensitive; empty if absent

// A status and a JSON body, built off the HTTP thread and written on it.
struct JsonReply
{
    int status = 200;
    QJsonObject body;
};

// The one body for a database operation that failed after its retries (/login, /search): 503
// "database_unavailable" when another attempt may succeed (transient, connect, acquire timeout),
// 500 "database_error" when it cannot (a permanent SQL error). `attempts` is left out when unknown.
JsonReply databaseErrorReply(const DbFailure &failure, bool withAttempts);

// One whole HTTP answer, byte for byte as QHttpServer 6.4 writes it (QHttpServerResponder::write and
// QHttpServerResponse::write: status line, Content-Type, the extra headers, Content-Length, a blank
// line, the body), so it can go to the socket in one write. Empty for a status whose reason phrase
// is not known here: Qt's responder writes those.
QByteArray httpResponseBytes(
    int status, QByteArrayView contentType, const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView body);

class HttpExchange
{
public:
    using Clock = std::chrono::steady_clock;
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // `pending` counts the exchanges not answered yet (RouteTable::pendingAnswers); shared, so an
    // exchange still held by a database callback may outlive the table. `telemetry` outlives both.
    HttpExchange(const char *route, const QHttpServerRequest &request, QHttpServerResponder &&responder,
        Telemetry &telemetry, std::shared_ptr<std::atomic<int>> pending);
    ~HttpExchange();
    HttpExchange(const HttpExchange &) = delete;
    HttpExchange &operator=(const HttpExchange &) = delete;

    const char *route() const { return m_route; }
    const QByteArray &method() const { return m_method; }
    Clock::time_point started() const { return m_t0; }
    // The request's span (parent of its database spans); records nothing while tracing is off.
    const otel::SpanContext &traceContext() const { return m_span.context(); }
    bool answered() const { return m_answered; }

    void reply(int status, const QJsonObject &body);
    void replyJson(int status, const QByteArray &json); // JSON text already built (the /search hot path)
    void replyError(const ApiError &error); // its JSON body; 401 adds WWW-Authenticate: Bearer
    // Counts the request first, then renders the body: /metrics includes the request asking for it.
    void replyRendered(int status, const QByteArray &contentType, const std::function<QByteArray()> &render,
        const Headers &headers = {});
    // No HTTP answer: the connection is upgraded to a WebSocket (counted when the feed accepts it).
    void handOverToWebSocket();

private:
    bool begin(int status); // false if already answered or the client is gone (then counted 499)
    // Writes the answer with one socket write and sends it at once, without waiting for the event
    // loop's next pass to flush it (Qt's responder writes it in many pieces and leaves it buffered).
    void send(int status, const QByteArray &contentType, const QByteArray &body, const Headers &headers = {});

    const char *m_route;
    QByteArray m_method;
    Clock::time_point m_t0;
    QPointer<QTcpSocket> m_socket; // Qt 6.4's responder keeps a plain pointer; a client may hang up
    QHttpServerResponder m_responder;
    Telemetry &m_telemetry;
    std::shared_ptr<std::atomic<int>> m_pending;
    bool m_answered = false;
    otel::Span m_span;
};

using ExchangePtr = std::shared_ptr<HttpExchange>;
