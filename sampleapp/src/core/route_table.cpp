#include "core/route_table.h"

#include "core/telemetry.h"

#include <QHttpServer>
#include <QThreadPool>
#include <QtConcurrent>

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

} // namespace

RouteTable::RouteTable(
    QHttpServer &server, Telemetry &telemetry, QThreadPool &workers, const Guardrails &limits, QByteArray controlToken)
    : m_server(server)
    , m_telemetry(telemetry)
    , m_workers(workers)
    , m_limits(limits)
    , m_controlToken(std::move(controlToken))
{ }

void RouteTable::add(const char *path, RouteRule rule, Handler handler)
{
    m_paths << QString::fromLatin1(path);
    // Every route takes every method and answers through the responder: the precheck, not Qt's
    // router, says 405, and one answer path counts every request.
    m_server.route(QString::fromLatin1(path), QHttpServerRequest::Method::AnyKnown,
        [this, path, rule, handler = std::move(handler)](
            const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            auto exchange = std::make_shared<HttpExchange>(path, request, std::move(responder), m_telemetry, m_pending);
            if (rule.precheck) {
                if (auto error = precheck(request, rule)) {
                    exchange->replyError(*error);
                    return;
                }
            }
            handler(request, exchange);
        });
}

void RouteTable::setFallback(Handler handler)
{
    m_server.setMissingHandler(
        [this, handler = std::move(handler)](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handler(request,
                std::make_shared<HttpExchange>("other", request, std::move(responder), m_telemetry, m_pending));
        });
}

std::optional<ApiError> RouteTable::precheck(const QHttpServerRequest &request, const RouteRule &rule) const
{
    if (m_refusing) {
        // A kept-alive connection after the drain: no new work, so the in-flight work can end.
        return ApiError {503, QStringLiteral("shutting_down"),
            QStringLiteral("the app is shutting down: send the request to another instance"), {}, 0};
    }
    if (request.method() != rule.method) {
        return ApiError {405, QStringLiteral("method_not_allowed"),
            QStringLiteral("use %1 for %2").arg(QString::fromLatin1(methodName(rule.method)), request.url().path()), {},
            0};
    }
    if (rule.command && !m_controlToken.isEmpty()) {
        const QByteArray auth = headerValue(request, "Authorization");
        if (!auth.startsWith("Bearer ") || !constantTimeEquals(auth.mid(7).trimmed(), m_controlToken)) {
            return ApiError {401, QStringLiteral("unauthorized"),
                QStringLiteral("load and spike commands need 'Authorization: Bearer <APP_CONTROL_TOKEN>'"), {}, 0};
        }
    }
    return checkBodySize(request.body().size(), m_limits);
}

void RouteTable::answerFromWorker(const ExchangePtr &exchange, std::function<JsonReply()> work)
{
    // The continuation runs on the server's thread (the HTTP thread), which owns the socket.
    QtConcurrent::run(&m_workers, std::move(work)).then(&m_server, [exchange](const JsonReply &r) {
        exchange->reply(r.status, r.body);
    });
}
