#pragma once
// What the sample app's hooks call: one span per HTTP request (kind SERVER, child of an incoming
// W3C traceparent) and one per database call (kind CLIENT, child of its request's span, or a root
// for the load generator's calls), with the attributes of the semantic conventions (semconv.h).
// While tracing is off every function returns at once (Tracer::active() is nullptr) and the Span
// they return records nothing.
//
// Threading: as Span (span.h): start and end may be on different threads, never at the same time.

#include "core/db_types.h"
#include "otel/span.h"

#include <QByteArray>
#include <QHttpServerRequest>

#include <optional>

namespace otel {

// `method` as the app's metrics spell it ("GET", ..., "OTHER"); `route` its label ("/search", or
// "other" for an unknown path).
Span startHttpServerSpan(const QByteArray &method, const char *route, const QHttpServerRequest &request);
// `status` as answered; 499: the client hung up first and no answer was written.
void endHttpServerSpan(Span &span, int status);

struct DbCall
{
    const char *operation; // db.operation.name: "SELECT", "INSERT"
    const char *collection; // db.collection.name: "search_terms"
    PoolId pool; // app.db.pool: the writer or the reader path
};
Span startDbSpan(const SpanContext &parent, const DbCall &call);
// `failure` nullptr: success. `returnedRows` for a query that returns rows.
void endDbSpan(Span &span, const DbFailure *failure, std::optional<qint64> returnedRows = std::nullopt);

} // namespace otel
