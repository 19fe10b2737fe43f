#include "core/data_routes.h"

#include "core/app_database.h"
#include "core/async_query_pool.h"
#include "core/json_text.h"
#include "core/route_table.h"
#include "core/telemetry.h"
#include "otel/instrument.h"

#include <libpq-fe.h>

#include <QCryptographicHash>

using namespace Qt::StringLiterals;

namespace {

using Method = QHttpServerRequest::Method;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

QByteArray hashHex(const QByteArray &value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex().left(32);
}

// {"q": ..., "count": n, "results": [{"term": ..., "popularity": n}, ...]} straight from the rows.
QByteArray searchJson(const QString &q, const pg_result *result)
{
    const int n = PQntuples(result);
    QByteArray out;
    out.reserve(64 + n * 48);
    out.append("{\"q\":");
    jsontext::appendString(out, q.toUtf8());
    out.append(",\"count\":").append(QByteArray::number(n)).append(",\"results\":[");
    for (int i = 0; i < n; ++i) {
        out.append(i ? ",{\"term\":" : "{\"term\":");
        jsontext::appendString(out, PQgetvalue(result, i, 0), PQgetlength(result, i, 0));
        // popularity is an INT8 rendered by the server as digits: valid JSON as it is.
        out.append(",\"popularity\":").append(PQgetvalue(result, i, 1), PQgetlength(result, i, 1)).append('}');
    }
    out.append("]}");
    return out;
}

} // namespace

DataRoutes::DataRoutes(AppDatabase &db, AsyncQueryPool &readerAsync, Telemetry &telemetry)
    : m_db(db), m_readerAsync(readerAsync), m_telemetry(telemetry)
{ }

void DataRoutes::addRoutes(RouteTable &routes)
{
    routes.add("/login", {.method = Method::Post},
        [this, &routes](const QHttpServerRequest &request, const ExchangePtr &exchange) {
            auto parsed = parseLogin(request.body());
            if (auto *e = std::get_if<ApiError>(&parsed)) {
                exchange->replyError(*e);
                return;
            }
            // Copy what the worker needs: the request object belongs to the server thread.
            QByteArray ip = headerValue(request, "X-Forwarded-For").split(',').first().trimmed();
            if (ip.isEmpty()) {
                ip = request.remoteAddress().toString().toUtf8();
            }
            const QByteArray ipHash = hashHex(ip);
            const QByteArray uaHash = hashHex(headerValue(request, "User-Agent"));
            const QString user = std::get<QString>(parsed);
            routes.answerFromWorker(
                exchange, [this, user, ipHash, uaHash, trace = exchange->traceContext()]() -> JsonReply {
                    const auto opStart = Clock::now();
                    auto span = otel::startDbSpan(trace, {"INSERT", "login_events", PoolId::Writer});
                    const auto r = m_db.login(user, ipHash, uaHash);
                    otel::endDbSpan(span, r.ok ? nullptr : &r.error);
                    m_telemetry.operation(Op::Login, Origin::Http, r.ok, secondsSince(opStart));
                    if (r.ok) {
                        return {
                            201, QJsonObject {{u"id"_s, r.id.toString(QUuid::WithoutBraces)}, {u"user_id"_s, user}}};
                    }
                    return databaseErrorReply(r.error, true);
                });
        });

    // The hot read path: no thread hand-off. The query goes out on a non-blocking connection and
    // the answer is written when its result arrives, all on the HTTP thread.
    routes.add(
        "/search", {.method = Method::Get}, [this](const QHttpServerRequest &request, const ExchangePtr &exchange) {
            auto parsed = parseSearch(request.query());
            if (auto *e = std::get_if<ApiError>(&parsed)) {
                exchange->replyError(*e);
                return;
            }
            const SearchRequest search = std::get<SearchRequest>(parsed);
            auto span = otel::startDbSpan(exchange->traceContext(), {"SELECT", "search_terms", PoolId::Reader});
            m_readerAsync.execPrepared(AppDatabase::kSearchStatement, AppDatabase::searchParams(search.q, search.limit),
                [this, exchange, q = search.q, span](
                    pgkit::PgResultPtr result, const AsyncQueryPool::Failure &failure) mutable {
                    otel::endDbSpan(span, result ? nullptr : &failure,
                        result ? std::optional<qint64>(PQntuples(result.get())) : std::nullopt);
                    m_telemetry.operation(
                        Op::Search, Origin::Http, result != nullptr, secondsSince(exchange->started()));
                    if (!result) {
                        const JsonReply error = databaseErrorReply(failure, false);
                        exchange->reply(error.status, error.body);
                        return;
                    }
                    exchange->replyJson(200, searchJson(q, result.get()));
                });
        });
}
