#include "sample_app.h"

#include "json_text.h"
#include "log.h"

#include <libpq-fe.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QtConcurrent>

namespace {

using Method = QHttpServerRequest::Method;

// One retry policy for both database paths (/login and the load generator's blocking calls,
// /search's non-blocking ones).
const pgkit::RetryPolicy kRetry = pgkit::RetryPolicy::sampleApp();

QByteArray methodName(Method m)
{
    switch (m) {
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

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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

QByteArray hashHex(const QByteArray &value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex().left(32);
}

QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &h : request.headers()) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

void writeJson(QHttpServerResponder &responder, QHttpServerResponder::StatusCode status, const QJsonObject &body)
{
    responder.write(QJsonDocument(body).toJson(QJsonDocument::Compact), QByteArrayLiteral("application/json"), status);
}

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

// Words of the seeded search_terms: the load generator searches real prefixes.
const char *const kPrefixes[] = {"amber", "basil", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo",
    "juniper", "kelp", "lumen", "maple", "nectar", "onyx", "pepper", "quartz", "raven", "sierra", "tundra"};
const char kSecondLetters[] = "abcdefghijklmnopqrstuvwyz";

QJsonValue ms(const std::optional<double> &v)
{
    return v ? QJsonValue(std::round(*v * 1000.0) / 1000.0) : QJsonValue(QJsonValue::Null);
}

QJsonObject windowJson(const LatencyHistogram::Snapshot &s, double intervalSeconds, bool withRate)
{
    QJsonObject o {{u"count"_qs, double(s.count)}, {u"errors"_qs, double(s.errors)}, {u"p50_ms"_qs, ms(s.p50Ms)},
        {u"p95_ms"_qs, ms(s.p95Ms)}, {u"p99_ms"_qs, ms(s.p99Ms)}};
    if (withRate) {
        o.insert(u"rps"_qs, intervalSeconds > 0 ? std::round(double(s.count) / intervalSeconds * 10.0) / 10.0 : 0.0);
    }
    return o;
}

} // namespace

QString SampleApp::version()
{
    return QStringLiteral(SAMPLEAPP_VERSION);
}

SampleApp::SampleApp(const AppConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_limits {config.maxRps, config.maxSeconds, config.maxConcurrency, config.maxBodyBytes}
    , m_db(config, m_telemetry, kRetry)
    , m_readerAsync(AsyncQueryPool::Options {.name = QStringLiteral("reader"),
                        .pool = PoolId::Reader,
                        .conninfo = config.readerConninfo,
                        .size = config.readerPoolSize,
                        .maxQueued = 1024,
                        .acquireTimeout = std::chrono::milliseconds(config.acquireTimeoutMs),
                        .retry = kRetry,
                        .connectTimeoutSeconds = 3,
                        .pipelineDepth = 8,
                        .maxLifetime = std::chrono::milliseconds(qint64(config.dbMaxConnLifetimeS) * 1000),
                        .prepare = AppDatabase::prepareReaderConnection},
          m_telemetry)
    , m_load(
          m_limits, [this](Op op) { return runOperation(op); }, m_telemetry)
{
    // One thread per pooled connection (plus headroom for /readyz): a request waits for a
    // connection in the pool, never for a thread to run it.
    m_dbThreads.setMaxThreadCount(config.writerPoolSize + config.readerPoolSize + 2);
    m_load.setEventCallback([this](const LoadEngine::Event &e) { postEvent(e); });
    m_telemetry.setBuildInfo(version(), QStringLiteral("unknown"));
    m_telemetry.setReady(false);

    addDataRoutes();
    addLoadRoutes();
    addOpsRoutes();
    connect(&m_server, &QAbstractHttpServer::newWebSocketConnection, this, &SampleApp::onNewWebSocket);

    m_tickTimer.setInterval(config.tickMs);
    m_tickTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_tickTimer, &QTimer::timeout, this, &SampleApp::tick);
    m_readyTimer.setInterval(2000);
    connect(&m_readyTimer, &QTimer::timeout, this, &SampleApp::checkReadinessAsync);
}

SampleApp::~SampleApp()
{
    m_load.shutdown(std::chrono::milliseconds(5000));
    m_dbThreads.waitForDone(5000);
    m_db.close();
}

bool SampleApp::start(QString *error)
{
    const QHostAddress address(m_config.httpAddress);
    m_port = m_server.listen(address, m_config.httpPort);
    if (m_port == 0) {
        *error = QStringLiteral("cannot listen on %1:%2 (APP_HTTP_ADDRESS / APP_HTTP_PORT)")
                     .arg(m_config.httpAddress)
                     .arg(m_config.httpPort);
        return false;
    }
    m_sinceTick.start();
    m_tickTimer.start();
    m_readyTimer.start();
    checkReadinessAsync(); // opens the first connections right away
    return true;
}

// ---------------------------------------------------------------------------------------------
// Responses

QHttpServerResponse SampleApp::reply(
    const char *route, const QByteArray &method, Clock::time_point t0, int status, const QJsonObject &body)
{
    m_telemetry.httpRequest(route, method.toStdString(), status, secondsSince(t0));
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
        QJsonDocument(body).toJson(QJsonDocument::Compact), QHttpServerResponse::StatusCode(status));
}

QHttpServerResponse SampleApp::reply(
    const char *route, const QHttpServerRequest &request, Clock::time_point t0, int status, const QJsonObject &body)
{
    return reply(route, methodName(request.method()), t0, status, body);
}

QHttpServerResponse SampleApp::replyError(
    const char *route, const QHttpServerRequest &request, Clock::time_point t0, const ApiError &error)
{
    QHttpServerResponse r = reply(route, request, t0, error.status, error.toJson());
    if (error.status == 401) {
        r.setHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer"));
    }
    return r;
}

void SampleApp::respond(QHttpServerResponder &responder, const char *route, const QByteArray &method,
    Clock::time_point t0, int status, const QJsonObject &body)
{
    respondBytes(responder, route, method, t0, status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void SampleApp::respondBytes(QHttpServerResponder &responder, const char *route, const QByteArray &method,
    Clock::time_point t0, int status, const QByteArray &json)
{
    m_telemetry.httpRequest(route, method.toStdString(), status, secondsSince(t0));
    responder.write(json, QByteArrayLiteral("application/json"), QHttpServerResponder::StatusCode(status));
}

SampleApp::PendingReply::PendingReply(QHttpServerResponder &&r) : socket(r.socket()), responder(std::move(r)) { }

void SampleApp::finish(PendingReply &pending, const char *route, const QByteArray &method, Clock::time_point t0,
    int status, const QByteArray &json)
{
    --m_repliesPending;
    if (!pending.socket || pending.socket->state() != QAbstractSocket::ConnectedState) {
        // The client hung up while its request ran: nobody to answer (nginx calls this 499).
        m_telemetry.httpRequest(route, method.toStdString(), 499, secondsSince(t0));
        return;
    }
    respondBytes(pending.responder, route, method, t0, status, json);
}

void SampleApp::finish(PendingReply &pending, const char *route, const QByteArray &method, Clock::time_point t0,
    int status, const QJsonObject &body)
{
    finish(pending, route, method, t0, status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void SampleApp::answerFromWorker(QHttpServerResponder &&responder, const char *route, const QByteArray &method,
    Clock::time_point t0, std::function<Reply()> work)
{
    auto pending = std::make_shared<PendingReply>(std::move(responder));
    ++m_repliesPending;
    QtConcurrent::run(&m_dbThreads, std::move(work)).then(this, [this, pending, route, method, t0](const Reply &r) {
        finish(*pending, route, method, t0, r.status, r.body);
    });
}

std::optional<ApiError> SampleApp::precheck(const QHttpServerRequest &request, Method allowed, bool command) const
{
    if (m_listenersClosed) {
        // A kept-alive connection after the drain: no new work, so the in-flight work can end.
        return ApiError {503, QStringLiteral("shutting_down"),
            QStringLiteral("the app is shutting down: send the request to another instance"), {}, 0};
    }
    if (request.method() != allowed) {
        return ApiError {405, QStringLiteral("method_not_allowed"),
            QStringLiteral("use %1 for %2").arg(QString::fromLatin1(methodName(allowed)), request.url().path()), {}, 0};
    }
    if (command && !m_config.controlToken.isEmpty()) {
        const QByteArray auth = header(request, "Authorization");
        if (!auth.startsWith("Bearer ") || !constantTimeEquals(auth.mid(7).trimmed(), m_config.controlToken)) {
            return ApiError {401, QStringLiteral("unauthorized"),
                QStringLiteral("load and spike commands need 'Authorization: Bearer <APP_CONTROL_TOKEN>'"), {}, 0};
        }
    }
    return checkBodySize(request.body().size(), m_limits);
}

// ---------------------------------------------------------------------------------------------
// /login and /search: the database paths

void SampleApp::addDataRoutes()
{
    m_server.route(QStringLiteral("/login"), Method::AnyKnown,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto t0 = Clock::now();
            if (auto e = precheck(request, Method::Post, false)) {
                respond(responder, "/login", methodName(request.method()), t0, e->status, e->toJson());
                return;
            }
            auto parsed = parseLogin(request.body());
            if (auto *e = std::get_if<ApiError>(&parsed)) {
                respond(responder, "/login", "POST", t0, e->status, e->toJson());
                return;
            }
            // Copy what the worker needs: the request object belongs to the server thread.
            QByteArray ip = header(request, "X-Forwarded-For").split(',').first().trimmed();
            if (ip.isEmpty()) {
                ip = request.remoteAddress().toString().toUtf8();
            }
            const QByteArray ipHash = hashHex(ip);
            const QByteArray uaHash = hashHex(header(request, "User-Agent"));
            const QString user = std::get<QString>(parsed);
            answerFromWorker(std::move(responder), "/login", "POST", t0, [this, user, ipHash, uaHash]() -> Reply {
                const auto opStart = Clock::now();
                const auto r = m_db.login(user, ipHash, uaHash);
                m_telemetry.operation(Op::Login, Origin::Http, r.ok, secondsSince(opStart));
                if (r.ok) {
                    return {201, QJsonObject {{u"id"_qs, r.id.toString(QUuid::WithoutBraces)}, {u"user_id"_qs, user}}};
                }
                const bool unavailable = r.error.kind != DbErrorKind::Permanent;
                return {unavailable ? 503 : 500,
                    QJsonObject {{u"error"_qs, unavailable ? u"database_unavailable"_qs : u"database_error"_qs},
                        {u"message"_qs, r.error.message}, {u"sqlstate"_qs, r.error.sqlState},
                        {u"attempts"_qs, r.error.attempts}}};
            });
        });

    // The hot read path: no thread hand-off. The query goes out on a non-blocking connection and
    // the answer is written when its result arrives, all on the HTTP thread.
    m_server.route(QStringLiteral("/search"), Method::AnyKnown,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto t0 = Clock::now();
            if (auto e = precheck(request, Method::Get, false)) {
                respond(responder, "/search", methodName(request.method()), t0, e->status, e->toJson());
                return;
            }
            auto parsed = parseSearch(request.query());
            if (auto *e = std::get_if<ApiError>(&parsed)) {
                respond(responder, "/search", "GET", t0, e->status, e->toJson());
                return;
            }
            const SearchRequest search = std::get<SearchRequest>(parsed);
            auto holder = std::make_shared<PendingReply>(std::move(responder));
            ++m_repliesPending;
            m_readerAsync.execPrepared(AppDatabase::kSearchStatement, AppDatabase::searchParams(search.q, search.limit),
                [this, t0, holder, q = search.q](pgkit::PgResultPtr result, const AsyncQueryPool::Failure &failure) {
                    m_telemetry.operation(Op::Search, Origin::Http, result != nullptr, secondsSince(t0));
                    if (!result) {
                        const bool unavailable = failure.kind != DbErrorKind::Permanent;
                        finish(*holder, "/search", "GET", t0, unavailable ? 503 : 500,
                            QJsonObject {{u"error"_qs, unavailable ? u"database_unavailable"_qs : u"database_error"_qs},
                                {u"message"_qs, failure.message}, {u"sqlstate"_qs, failure.sqlState}});
                        return;
                    }
                    finish(*holder, "/search", "GET", t0, 200, searchJson(q, result.get()));
                });
        });
}

bool SampleApp::runOperation(Op op)
{
    const std::uint64_t n = m_loadCounter.fetch_add(1);
    if (op == Op::Login) {
        static const QByteArray loadHash = hashHex("load-generator");
        return m_db.login(QStringLiteral("load-user-%1").arg(n % 10000), loadHash, loadHash).ok;
    }
    const QString prefix
        = QStringLiteral("%1 %2")
              .arg(QLatin1String(kPrefixes[n % std::size(kPrefixes)]))
              .arg(QLatin1Char(kSecondLetters[(n / std::size(kPrefixes)) % (std::size(kSecondLetters) - 1)]));
    return m_db.search(prefix, 10).ok;
}

// ---------------------------------------------------------------------------------------------
// Load commands

void SampleApp::addLoadRoutes()
{
    auto command = [this](const char *route, auto action) {
        m_server.route(
            QString::fromLatin1(route), Method::AnyKnown, [this, route, action](const QHttpServerRequest &request) {
                const auto t0 = Clock::now();
                if (auto e = precheck(request, Method::Post, true)) {
                    return replyError(route, request, t0, *e);
                }
                std::optional<ApiError> error = action(request);
                if (error) {
                    return replyError(route, request, t0, *error);
                }
                return reply(route, request, t0, std::string_view(route) == "/spike" ? 202 : 200, m_load.state());
            });
    };

    command("/spike", [this](const QHttpServerRequest &request) -> std::optional<ApiError> {
        auto parsed = parseSpike(request.body(), m_limits, m_load.baseRps());
        if (auto *e = std::get_if<ApiError>(&parsed)) {
            return *e;
        }
        if (auto busy = m_load.startSpike(std::get<SpikeRequest>(parsed))) {
            return ApiError {409, QStringLiteral("spike_running"), *busy, {}, 0};
        }
        return std::nullopt;
    });
    command("/spike/stop", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.stopSpike();
        return std::nullopt;
    });
    command("/load/start", [this](const QHttpServerRequest &request) -> std::optional<ApiError> {
        auto parsed = parseLoadStart(request.body(), m_limits, m_load.spikeRps());
        if (auto *e = std::get_if<ApiError>(&parsed)) {
            return *e;
        }
        m_load.startLoad(std::get<LoadRequest>(parsed));
        return std::nullopt;
    });
    command("/load/stop", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.stopLoad();
        return std::nullopt;
    });
    command("/load/readers/start", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.setReaders(true);
        return std::nullopt;
    });
    command("/load/readers/stop", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.setReaders(false);
        return std::nullopt;
    });
    command("/load/writers/start", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.setWriters(true);
        return std::nullopt;
    });
    command("/load/writers/stop", [this](const QHttpServerRequest &) -> std::optional<ApiError> {
        m_load.setWriters(false);
        return std::nullopt;
    });

    m_server.route(QStringLiteral("/load"), Method::AnyKnown, [this](const QHttpServerRequest &request) {
        const auto t0 = Clock::now();
        if (auto e = precheck(request, Method::Get, false)) {
            return replyError("/load", request, t0, *e);
        }
        QJsonObject state = m_load.state();
        state.insert(u"auth_required"_qs, !m_config.controlToken.isEmpty());
        return reply("/load", request, t0, 200, state);
    });
}

// ---------------------------------------------------------------------------------------------
// Operations: page, health, readiness, metrics, feed

void SampleApp::addOpsRoutes()
{
    m_server.route(QStringLiteral("/healthz"), Method::AnyKnown, [this](const QHttpServerRequest &request) {
        const auto t0 = Clock::now();
        if (auto e = precheck(request, Method::Get, false)) {
            return replyError("/healthz", request, t0, *e);
        }
        return reply("/healthz", request, t0, 200, QJsonObject {{u"status"_qs, u"ok"_qs}, {u"version"_qs, version()}});
    });

    m_server.route(QStringLiteral("/readyz"), Method::AnyKnown,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto t0 = Clock::now();
            if (auto e = precheck(request, Method::Get, false)) {
                respond(responder, "/readyz", methodName(request.method()), t0, e->status, e->toJson());
                return;
            }
            if (m_shuttingDown) {
                respond(responder, "/readyz", "GET", t0, 503,
                    QJsonObject {{u"ready"_qs, false}, {u"reason"_qs, u"shutting down"_qs}});
                return;
            }
            answerFromWorker(std::move(responder), "/readyz", "GET", t0, [this]() -> Reply {
                const auto r = m_db.checkReadiness();
                QMetaObject::invokeMethod(
                    this, [this, r] { updateReadiness(r); }, Qt::QueuedConnection);
                QJsonObject body {{u"ready"_qs, r.ready()}, {u"checks"_qs, r.toJson()}};
                if (!r.ready()) {
                    body.insert(u"reason"_qs, r.reason());
                }
                return {r.ready() ? 200 : 503, body};
            });
        });

    m_server.route(QStringLiteral("/metrics"), Method::AnyKnown, [this](const QHttpServerRequest &request) {
        const auto t0 = Clock::now();
        if (auto e = precheck(request, Method::Get, false)) {
            return replyError("/metrics", request, t0, *e);
        }
        m_telemetry.httpRequest("/metrics", "GET", 200, secondsSince(t0));
        const std::string text = m_telemetry.exposition();
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
            QByteArray(text.data(), qsizetype(text.size())));
    });

    // Qt 6.4 upgrades a WebSocket request only after a route accepted it, so /ws has a route that
    // stays silent for upgrades and explains itself to plain HTTP clients.
    m_server.route(QStringLiteral("/ws"), Method::AnyKnown,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            if (header(request, "Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
                return;
            }
            m_telemetry.httpRequest("/ws", methodName(request.method()).toStdString(), 426, 0);
            writeJson(responder, QHttpServerResponder::StatusCode::UpgradeRequired,
                QJsonObject {{u"error"_qs, u"upgrade_required"_qs},
                    {u"message"_qs, u"GET /ws is the WebSocket timeline feed: connect with a WebSocket client"_qs}});
        });

    m_server.route(QStringLiteral("/"), Method::AnyKnown, [this](const QHttpServerRequest &request) {
        const auto t0 = Clock::now();
        if (auto e = precheck(request, Method::Get, false)) {
            return replyError("/", request, t0, *e);
        }
        static const QByteArray page = [] {
            QFile f(QStringLiteral(":/web/index.html"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        m_telemetry.httpRequest("/", "GET", page.isEmpty() ? 500 : 200, secondsSince(t0));
        if (page.isEmpty()) {
            return QHttpServerResponse(QByteArrayLiteral("application/json"),
                QByteArrayLiteral("{\"error\":\"page_missing\",\"message\":\"the web page was not built in\"}"),
                QHttpServerResponse::StatusCode::InternalServerError);
        }
        QHttpServerResponse r(QByteArrayLiteral("text/html; charset=utf-8"), page);
        r.setHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
        return r;
    });

    m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        m_telemetry.httpRequest("other", methodName(request.method()).toStdString(), 404, 0);
        writeJson(responder, QHttpServerResponder::StatusCode::NotFound,
            QJsonObject {{u"error"_qs, u"not_found"_qs},
                {u"message"_qs,
                    QStringLiteral("no route %1 %2")
                        .arg(QString::fromLatin1(methodName(request.method())), request.url().path())}});
    });
}

void SampleApp::onNewWebSocket()
{
    while (m_server.hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_server.nextPendingWebSocketConnection();
        if (!socket) {
            continue;
        }
        if (socket->requestUrl().path() != u"/ws" || m_shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("the feed is at /ws"));
            socket.release()->deleteLater();
            continue;
        }
        m_telemetry.httpRequest("/ws", "GET", 101, 0);
        QJsonObject state = m_load.state();
        state.insert(u"auth_required"_qs, !m_config.controlToken.isEmpty());
        m_feed.addClient(std::move(socket),
            QJsonObject {{u"tick_ms"_qs, m_config.tickMs}, {u"version"_qs, version()},
                {u"dialect"_qs, pgkit::dialectName(m_db.dialect())}, {u"load"_qs, state}, {u"ready"_qs, m_ready}});
    }
}

void SampleApp::tick()
{
    const double interval = double(m_sinceTick.restart()) / 1000.0;
    const auto login = m_telemetry.opWindow(Op::Login).takeSnapshot();
    const auto search = m_telemetry.opWindow(Op::Search).takeSnapshot();
    const auto writer = m_telemetry.dbWindow(PoolId::Writer).takeSnapshot();
    const auto reader = m_telemetry.dbWindow(PoolId::Reader).takeSnapshot();
    QJsonObject load = m_load.sampleInterval(interval);
    load.insert(u"auth_required"_qs, !m_config.controlToken.isEmpty());
    m_telemetry.setPoolConnections(
        PoolId::Writer, m_db.pool(PoolId::Writer).idleCount(), m_db.pool(PoolId::Writer).busyCount());
    // The reader has two sets: blocking (load generator, readiness) and non-blocking (HTTP /search).
    const int asyncBusy = m_readerAsync.busyCount();
    m_telemetry.setPoolConnections(PoolId::Reader,
        m_db.pool(PoolId::Reader).idleCount() + m_readerAsync.openCount() - asyncBusy,
        m_db.pool(PoolId::Reader).busyCount() + asyncBusy);
    m_feed.broadcast(QStringLiteral("tick"),
        QJsonObject {{u"interval_ms"_qs, std::round(interval * 1000.0)},
            {u"routes"_qs,
                QJsonObject {{u"login"_qs, windowJson(login, interval, true)},
                    {u"search"_qs, windowJson(search, interval, true)}}},
            {u"db"_qs,
                QJsonObject {{u"writer"_qs, windowJson(writer, interval, false)},
                    {u"reader"_qs, windowJson(reader, interval, false)}}},
            {u"load"_qs, load}, {u"ready"_qs, m_ready}});
    const auto errors = login.errors + search.errors;
    if (errors >= 10) {
        m_feed.event(QStringLiteral("error_burst"),
            QStringLiteral("%1 errors in the last %2 s").arg(errors).arg(interval, 0, 'f', 1),
            QJsonObject {{u"errors"_qs, double(errors)}, {u"interval_ms"_qs, std::round(interval * 1000.0)}});
        applog::logger()->warn("error burst: {} errors in {:.1f} s", errors, interval);
    }
}

void SampleApp::checkReadinessAsync()
{
    if (m_readinessPending || m_shuttingDown) {
        return;
    }
    m_readinessPending = true;
    QtConcurrent::run(&m_dbThreads, [this] {
        return m_db.checkReadiness();
    }).then(this, [this](const AppDatabase::Readiness &r) {
        m_readinessPending = false;
        updateReadiness(r);
    });
}

void SampleApp::updateReadiness(const AppDatabase::Readiness &r)
{
    if (m_shuttingDown) {
        return; // not ready any more, whatever the database says
    }
    const bool ready = r.ready();
    const QString reason = r.reason();
    m_telemetry.setReady(ready);
    if (m_db.dialect() != pgkit::Dialect::Unknown) {
        m_telemetry.setBuildInfo(version(), pgkit::dialectName(m_db.dialect()));
    }
    if (m_readyKnown && ready == m_ready) {
        return;
    }
    m_readyKnown = true;
    m_ready = ready;
    if (ready) {
        applog::logger()->info("ready: writer ok, reader ok, reader cannot write or create");
    } else {
        applog::logger()->warn("not ready: {}", reason);
    }
    m_feed.event(QStringLiteral("readiness_changed"),
        ready ? QStringLiteral("Ready") : QStringLiteral("Not ready: ") + reason,
        QJsonObject {{u"ready"_qs, ready}, {u"reason"_qs, reason}});
}

void SampleApp::postEvent(const LoadEngine::Event &e)
{
    QMetaObject::invokeMethod(
        this,
        [this, e] {
            applog::logger()->info("event {}: {}", e.kind, e.text);
            m_feed.event(e.kind, e.text, e.detail);
        },
        Qt::QueuedConnection);
}

void SampleApp::shutdown()
{
    if (m_shuttingDown) {
        return;
    }
    m_shuttingDown = true;
    m_sinceShutdown.start();
    applog::logger()->info("shutting down: /readyz answers 503, requests served for {} ms, exit within {} ms",
        m_config.shutdownDrainMs, m_config.shutdownTimeoutMs);
    m_readyTimer.stop();
    m_load.stopScheduling(); // operations already running finish below
    m_telemetry.setReady(false);
    if (!m_readyKnown || m_ready) {
        m_readyKnown = true;
        m_ready = false;
        m_feed.event(QStringLiteral("readiness_changed"), QStringLiteral("Not ready: shutting down"),
            QJsonObject {{u"ready"_qs, false}, {u"reason"_qs, u"shutting down"_qs}});
    }
    // The drain keeps the listeners open while the Service stops sending new connections here.
    QTimer::singleShot(m_config.shutdownDrainMs, Qt::PreciseTimer, this, &SampleApp::closeListeners);
    const int cancelAt = std::max(m_config.shutdownDrainMs, m_config.shutdownTimeoutMs - kCancelReserveMs);
    QTimer::singleShot(cancelAt, Qt::PreciseTimer, this, &SampleApp::cancelInFlight);
    m_shutdownPoll.setInterval(20);
    connect(&m_shutdownPoll, &QTimer::timeout, this, &SampleApp::pollInFlight);
}

void SampleApp::closeListeners()
{
    m_listenersClosed = true;
    for (QTcpServer *s : m_server.servers()) {
        s->close(); // no new connections; open ones finish their requests
    }
    applog::logger()->info(
        "shutting down: listeners closed after the {} ms drain, finishing in-flight work", m_config.shutdownDrainMs);
    m_shutdownPoll.start();
    pollInFlight();
}

bool SampleApp::idle() const
{
    return m_repliesPending == 0 && m_load.inFlight() == 0 && !m_readinessPending
        && m_dbThreads.activeThreadCount() == 0;
}

void SampleApp::pollInFlight()
{
    if (!m_finished && idle()) {
        finishShutdown();
    }
}

void SampleApp::cancelInFlight()
{
    if (m_finished || idle()) {
        return;
    }
    m_cancelled = true;
    applog::logger()->warn("shutting down: work still in flight {} ms before APP_SHUTDOWN_TIMEOUT_MS: closing the "
                           "database pools ({} deferred answers, {} load operations)",
        kCancelReserveMs, m_repliesPending, m_load.inFlight());
    m_db.close(); // blocking callers stop retrying: acquire() now fails at once
    m_readerAsync.close(); // queued and in-flight searches are answered 503
    m_shutdownPoll.start();
}

void SampleApp::finishShutdown()
{
    m_finished = true;
    m_shutdownPoll.stop();
    m_tickTimer.stop();
    m_load.shutdown(std::chrono::milliseconds(0)); // idle: joins the scheduler thread
    m_readerAsync.close();
    m_feed.closeAll();
    m_db.close();
    applog::logger()->info("stopped after {} ms", m_sinceShutdown.elapsed());
    // One more pass of the event loop writes the feed's close frames.
    QTimer::singleShot(50, this, [this] { Q_EMIT stopped(); });
}
