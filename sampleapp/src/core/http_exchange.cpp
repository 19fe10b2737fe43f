#include "core/http_exchange.h"

#include "core/log.h"
#include "core/telemetry.h"
#include "otel/instrument.h"

#include <QHttpServerResponse>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

double secondsSince(HttpExchange::Clock::time_point t0)
{
    return std::chrono::duration<double>(HttpExchange::Clock::now() - t0).count();
}

// The statuses this app answers with, in the words of qthttpserver 6.4's table
// (src/httpserver/qhttpserverresponder.cpp, statusString); nullptr: not one of them.
const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Request Entity Too Large";
    case 422:
        return "Unprocessable Entity";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return nullptr;
    }
}

void appendHeader(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out.append(name).append(": ").append(value).append("\r\n");
}

} // namespace

QByteArray methodName(QHttpServerRequest::Method method)
{
    using Method = QHttpServerRequest::Method;
    switch (method) {
    case Method::Get:
        return "GET";
    case Method::Post:
        return "POST";
    case Method::Put:
        return "PUT";
    case Method::Delete:
        return "DELETE";
    case Method::Head:
        return "HEAD";
    case Method::Options:
        return "OPTIONS";
    case Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &h : request.headers()) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

JsonReply databaseErrorReply(const DbFailure &failure, bool withAttempts)
{
    const bool unavailable = failure.kind != DbErrorKind::Permanent;
    QJsonObject body {{u"error"_s, unavailable ? u"database_unavailable"_s : u"database_error"_s},
        {u"message"_s, failure.message}, {u"sqlstate"_s, failure.sqlState}};
    if (withAttempts) {
        body.insert(u"attempts"_s, failure.attempts);
    }
    return {unavailable ? 503 : 500, body};
}

QByteArray httpResponseBytes(
    int status, QByteArrayView contentType, const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView body)
{
    const char *reason = reasonPhrase(status);
    if (!reason) {
        return {};
    }
    QByteArray out;
    out.reserve(128 + body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reason).append("\r\n");
    appendHeader(out, "Content-Type", contentType);
    for (const auto &h : headers) {
        appendHeader(out, h.first, h.second);
    }
    appendHeader(out, "Content-Length", QByteArray::number(body.size()));
    out.append("\r\n").append(body);
    return out;
}

HttpExchange::HttpExchange(const char *route, const QHttpServerRequest &request, QHttpServerResponder &&responder,
    Telemetry &telemetry, std::shared_ptr<std::atomic<int>> pending)
    : m_route(route)
    , m_method(methodName(request.method()))
    , m_t0(Clock::now())
    , m_socket(responder.socket())
    , m_responder(std::move(responder))
    , m_telemetry(telemetry)
    , m_pending(std::move(pending))
    , m_span(otel::startHttpServerSpan(m_method, route, request))
{
    ++*m_pending;
}

HttpExchange::~HttpExchange()
{
    if (!m_answered) {
        // A handler that lost its request: a bug, counted so the metrics still add up (any thread:
        // only the thread-safe telemetry, counter and logger are touched here).
        --*m_pending;
        m_telemetry.httpRequest(m_route, m_method.toStdString(), 500, secondsSince(m_t0));
        otel::endHttpServerSpan(m_span, 500);
        applog::logger()->error("bug: {} {} was never answered", m_method.constData(), m_route);
    }
}

bool HttpExchange::begin(int status)
{
    if (m_answered) {
        applog::logger()->error("bug: {} {} answered twice (second status {})", m_method.constData(), m_route, status);
        return false;
    }
    m_answered = true;
    --*m_pending;
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        // The client hung up while its request ran: nobody to answer (nginx calls this 499).
        m_telemetry.httpRequest(m_route, m_method.toStdString(), 499, secondsSince(m_t0));
        otel::endHttpServerSpan(m_span, 499);
        return false;
    }
    m_telemetry.httpRequest(m_route, m_method.toStdString(), status, secondsSince(m_t0));
    otel::endHttpServerSpan(m_span, status);
    return true;
}

void HttpExchange::reply(int status, const QJsonObject &body)
{
    replyJson(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void HttpExchange::replyJson(int status, const QByteArray &json)
{
    if (begin(status)) {
        send(status, QByteArrayLiteral("application/json"), json);
    }
}

void HttpExchange::replyError(const ApiError &error)
{
    if (error.status != 401) {
        reply(error.status, error.toJson());
        return;
    }
    replyRendered(error.status, QByteArrayLiteral("application/json"),
        [&error] { return QJsonDocument(error.toJson()).toJson(QJsonDocument::Compact); },
        {{QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")}});
}

void HttpExchange::replyRendered(
    int status, const QByteArray &contentType, const std::function<QByteArray()> &render, const Headers &headers)
{
    if (begin(status)) {
        send(status, contentType, render(), headers);
    }
}

void HttpExchange::send(int status, const QByteArray &contentType, const QByteArray &body, const Headers &headers)
{
    const QByteArray bytes = httpResponseBytes(status, contentType, headers, body);
    if (bytes.isEmpty()) {
        // A status without a known reason phrase: Qt writes it (its QHttpServerResponse::write).
        QHttpServerResponse response(contentType, body, QHttpServerResponse::StatusCode(status));
        for (const auto &h : headers) {
            response.setHeader(h.first, h.second);
        }
        response.write(std::move(m_responder));
        return;
    }
    m_socket->write(bytes);
    // Now, not when the event loop next sees the socket writable: that would cost another poll
    // and another pass per answer. What the kernel does not take at once stays buffered and goes
    // out when the socket can take it, as before.
    m_socket->flush();
}

void HttpExchange::handOverToWebSocket()
{
    if (!m_answered) {
        m_answered = true;
        --*m_pending;
        otel::endHttpServerSpan(m_span, 101); // Switching Protocols: the feed takes the connection
    }
}
