#include "otel/instrument.h"

#include "otel/semconv.h"
#include "otel/tracer.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace otel {

namespace {

QByteArray header(const QHttpServerRequest &request, QByteArrayView name)
{
    QByteArray value;
    for (const auto &[key, v] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) {
            // W3C: several tracestate headers are one list, joined with commas.
            value = value.isEmpty() ? v : value + ',' + v;
        }
    }
    return value;
}

} // namespace

Span startHttpServerSpan(const QByteArray &method, const char *route, const QHttpServerRequest &request)
{
    Tracer *tracer = Tracer::active();
    if (!tracer) {
        return {};
    }
    const auto parent = parseTraceparent(header(request, "traceparent"), header(request, "tracestate"));
    // Unknown methods are "_OTHER" (http.request.method); "other" is the route of unknown paths,
    // which has no http.route and names the span by its method alone.
    const QByteArray knownMethod = method == "OTHER" ? QByteArrayLiteral("_OTHER") : method;
    const bool routed = qstrcmp(route, "other") != 0;
    const QByteArray name = routed ? knownMethod + ' ' + route : knownMethod;
    Span span = tracer->startSpan(
        name == "_OTHER" ? QByteArrayLiteral("HTTP") : name, SpanKind::Server, parent ? &*parent : nullptr);
    if (!span.recording()) {
        return span;
    }
    span.setAttribute(semconv::kHttpRequestMethod, knownMethod);
    if (routed) {
        span.setAttribute(semconv::kHttpRoute, QByteArray(route));
    }
    const QUrl url = request.url();
    span.setAttribute(semconv::kUrlPath, url.path(QUrl::FullyEncoded).toUtf8());
    if (url.hasQuery()) {
        span.setAttribute(semconv::kUrlQuery, url.query(QUrl::FullyEncoded).toUtf8());
    }
    span.setAttribute(semconv::kUrlScheme, QByteArrayLiteral("http"));
    return span;
}

void endHttpServerSpan(Span &span, int status)
{
    if (!span.recording()) {
        return;
    }
    if (status == 499) {
        // Nothing was sent, so no http.response.status_code.
        span.setAttribute(semconv::kErrorType, QByteArrayLiteral("client_closed_request"));
        span.setError(QByteArrayLiteral("the client hung up before the answer"));
    } else {
        span.setAttribute(semconv::kHttpResponseStatusCode, std::int64_t(status));
        // Server spans: 5xx is an error, 4xx is the client's and leaves the status unset.
        if (status >= 500) {
            span.setAttribute(semconv::kErrorType, QByteArray::number(status));
            span.setError({});
        }
    }
    span.end();
}

Span startDbSpan(const SpanContext &parent, const DbCall &call)
{
    Tracer *tracer = Tracer::active();
    if (!tracer) {
        return {};
    }
    // Span name {db.query.summary}: "{db.operation.name} {db.collection.name}".
    const QByteArray summary = QByteArray(call.operation) + ' ' + call.collection;
    Span span = tracer->startSpan(summary, SpanKind::Client, &parent);
    span.setAttribute(semconv::kDbSystemName, QByteArrayLiteral("postgresql"));
    span.setAttribute(semconv::kDbOperationName, QByteArray(call.operation));
    span.setAttribute(semconv::kDbCollectionName, QByteArray(call.collection));
    span.setAttribute(semconv::kDbQuerySummary, summary);
    span.setAttribute(
        semconv::kAppDbPool, call.pool == PoolId::Writer ? QByteArrayLiteral("writer") : QByteArrayLiteral("reader"));
    return span;
}

void endDbSpan(Span &span, const DbFailure *failure, std::optional<qint64> returnedRows)
{
    if (!span.recording()) {
        return;
    }
    if (returnedRows) {
        span.setAttribute(semconv::kDbResponseReturnedRows, std::int64_t(*returnedRows));
    }
    if (failure) {
        if (failure->attempts > 0) {
            span.setAttribute(semconv::kAppDbAttempts, std::int64_t(failure->attempts));
        }
        // error.type: the SQLSTATE when the server gave one (as db.response.status_code), else the
        // app's failure kind (connect, acquire_timeout, ...).
        if (!failure->sqlState.isEmpty()) {
            span.setAttribute(semconv::kDbResponseStatusCode, failure->sqlState.toUtf8());
            span.setAttribute(semconv::kErrorType, failure->sqlState.toUtf8());
        } else {
            span.setAttribute(semconv::kErrorType, QByteArray(errorKindName(failure->kind)));
        }
        span.setError(failure->message.toUtf8());
    }
    span.end();
}

} // namespace otel
