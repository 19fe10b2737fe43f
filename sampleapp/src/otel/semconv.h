#pragma once
// Attribute names from the OpenTelemetry semantic conventions v1.44.0 (stable HTTP and database
// conventions):
//   HTTP server spans  https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server-span
//   database spans     https://opentelemetry.io/docs/specs/semconv/db/database-spans/
//   PostgreSQL         https://opentelemetry.io/docs/specs/semconv/db/postgresql/
// db.system.name is "postgresql" on CockroachDB too: the app speaks libpq, and the conventions
// say "when using PostgreSQL client libraries to connect to a CockroachDB, the db.system.name is
// set to postgresql". Attributes of this app's own are under "app.".

namespace otel::semconv {

inline constexpr const char *kHttpRequestMethod = "http.request.method";
inline constexpr const char *kHttpRoute = "http.route";
inline constexpr const char *kHttpResponseStatusCode = "http.response.status_code";
inline constexpr const char *kUrlPath = "url.path";
inline constexpr const char *kUrlQuery = "url.query";
inline constexpr const char *kUrlScheme = "url.scheme";
inline constexpr const char *kNetworkProtocolVersion = "network.protocol.version";
inline constexpr const char *kErrorType = "error.type";

inline constexpr const char *kDbSystemName = "db.system.name";
inline constexpr const char *kDbOperationName = "db.operation.name";
inline constexpr const char *kDbCollectionName = "db.collection.name";
inline constexpr const char *kDbQuerySummary = "db.query.summary";
inline constexpr const char *kDbResponseStatusCode = "db.response.status_code";
inline constexpr const char *kDbResponseReturnedRows = "db.response.returned_rows";
inline constexpr const char *kAppDbPool = "app.db.pool"; // "writer" or "reader": the Service it went through
inline constexpr const char *kAppDbAttempts = "app.db.attempts"; // attempts, retries included

inline constexpr const char *kServiceName = "service.name";
inline constexpr const char *kServiceVersion = "service.version";
inline constexpr const char *kTelemetrySdkName = "telemetry.sdk.name";
inline constexpr const char *kTelemetrySdkLanguage = "telemetry.sdk.language";
inline constexpr const char *kTelemetrySdkVersion = "telemetry.sdk.version";

} // namespace otel::semconv
