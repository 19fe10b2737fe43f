#include "core/sample_app.h"

#include "core/log.h"
#include "otel/instrument.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QWebSocket>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace {

// One retry policy for both database paths (/login and the load generator's blocking calls,
// /search's non-blocking ones).
const pgkit::RetryPolicy kRetry = pgkit::RetryPolicy::sampleApp();

QByteArray hashHex(const QByteArray &value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex().left(32);
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
    QJsonObject o {{u"count"_s, double(s.count)}, {u"errors"_s, double(s.errors)}, {u"p50_ms"_s, ms(s.p50Ms)},
        {u"p95_ms"_s, ms(s.p95Ms)}, {u"p99_ms"_s, ms(s.p99Ms)}};
    if (withRate) {
        o.insert(u"rps"_s, intervalSeconds > 0 ? std::round(double(s.count) / intervalSeconds * 10.0) / 10.0 : 0.0);
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
    , m_tracing(config.otel, version(), m_telemetry.registry(),
          [](const QString &warning) { applog::logger()->warn("{}", warning); })
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
    , m_routes(m_server, m_telemetry, m_dbThreads, m_limits, config.controlToken)
    , m_dataRoutes(m_db, m_readerAsync, m_telemetry)
    , m_loadRoutes(m_load, m_limits)
    , m_opsRoutes(m_db, m_telemetry, version(),
          OpsRoutes::Hooks {.shuttingDown = [this] { return m_shuttingDown; },
              .readinessObserved =
                  [this](const AppDatabase::Readiness &r) {
                      QMetaObject::invokeMethod(
                          this, [this, r] { updateReadiness(r); }, Qt::QueuedConnection);
                  }})
{
    // One thread per pooled connection (plus headroom for /readyz): a request waits for a
    // connection in the pool, never for a thread to run it.
    m_dbThreads.setMaxThreadCount(config.writerPoolSize + config.readerPoolSize + 2);
    m_load.setEventCallback([this](const LoadEngine::Event &e) { postEvent(e); });
    m_telemetry.setBuildInfo(version(), QStringLiteral("unknown"));
    m_telemetry.setReady(false);
    for (const QString &warning : config.otel.warnings) {
        applog::logger()->warn("tracing: {}", warning);
    }
    if (config.otel.enabled) {
        applog::logger()->info("tracing: on, OTLP/HTTP JSON to {} (service {}, sampler {})",
            config.otel.tracesUrl.toString(QUrl::RemoveUserInfo), config.otel.serviceName,
            config.otel.sampler.description());
    }

    m_dataRoutes.addRoutes(m_routes);
    m_loadRoutes.addRoutes(m_routes);
    m_opsRoutes.addRoutes(m_routes);
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

bool SampleApp::runOperation(Op op)
{
    const std::uint64_t n = m_loadCounter.fetch_add(1);
    if (op == Op::Login) {
        static const QByteArray loadHash = hashHex("load-generator");
        auto span = otel::startDbSpan({}, {"INSERT", "login_events", PoolId::Writer}); // a trace of its own
        const auto r = m_db.login(QStringLiteral("load-user-%1").arg(n % 10000), loadHash, loadHash);
        otel::endDbSpan(span, r.ok ? nullptr : &r.error);
        return r.ok;
    }
    const QString prefix
        = QStringLiteral("%1 %2")
              .arg(QLatin1String(kPrefixes[n % std::size(kPrefixes)]))
              .arg(QLatin1Char(kSecondLetters[(n / std::size(kPrefixes)) % (std::size(kSecondLetters) - 1)]));
    auto span = otel::startDbSpan({}, {"SELECT", "search_terms", PoolId::Reader});
    const auto r = m_db.search(prefix, 10);
    otel::endDbSpan(span, r.ok ? nullptr : &r.error, r.ok ? std::optional<qint64>(r.rows.size()) : std::nullopt);
    return r.ok;
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
        state.insert(u"auth_required"_s, !m_config.controlToken.isEmpty());
        m_feed.addClient(std::move(socket),
            QJsonObject {{u"tick_ms"_s, m_config.tickMs}, {u"version"_s, version()},
                {u"dialect"_s, pgkit::dialectName(m_db.dialect())}, {u"load"_s, state}, {u"ready"_s, m_ready}});
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
    load.insert(u"auth_required"_s, !m_config.controlToken.isEmpty());
    m_telemetry.setPoolConnections(
        PoolId::Writer, m_db.pool(PoolId::Writer).idleCount(), m_db.pool(PoolId::Writer).busyCount());
    // The reader has two sets: blocking (load generator, readiness) and non-blocking (HTTP /search).
    const int asyncBusy = m_readerAsync.busyCount();
    m_telemetry.setPoolConnections(PoolId::Reader,
        m_db.pool(PoolId::Reader).idleCount() + m_readerAsync.openCount() - asyncBusy,
        m_db.pool(PoolId::Reader).busyCount() + asyncBusy);
    m_feed.broadcast(QStringLiteral("tick"),
        QJsonObject {{u"interval_ms"_s, std::round(interval * 1000.0)},
            {u"routes"_s,
                QJsonObject {{u"login"_s, windowJson(login, interval, true)},
                    {u"search"_s, windowJson(search, interval, true)}}},
            {u"db"_s,
                QJsonObject {{u"writer"_s, windowJson(writer, interval, false)},
                    {u"reader"_s, windowJson(reader, interval, false)}}},
            {u"load"_s, load}, {u"ready"_s, m_ready}});
    const auto errors = login.errors + search.errors;
    if (errors >= 10) {
        m_feed.event(QStringLiteral("error_burst"),
            QStringLiteral("%1 errors in the last %2 s").arg(errors).arg(interval, 0, 'f', 1),
            QJsonObject {{u"errors"_s, double(errors)}, {u"interval_ms"_s, std::round(interval * 1000.0)}});
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
        // Still not ready, for another reason: say so. The first reason is often only the symptom
        // (pooled connections cut by a server restart); the next check finds the cause (a server
        // certificate that fails verification), and the log must show it, not just the symptom.
        if (!ready && reason != m_notReadyReason) {
            m_notReadyReason = reason;
            applog::logger()->warn("still not ready: {}", reason);
        }
        return;
    }
    m_readyKnown = true;
    m_ready = ready;
    m_notReadyReason = ready ? QString() : reason;
    if (ready) {
        applog::logger()->info("ready: writer ok, reader ok, reader cannot write or create");
    } else {
        applog::logger()->warn("not ready: {}", reason);
    }
    m_feed.event(QStringLiteral("readiness_changed"),
        ready ? QStringLiteral("Ready") : QStringLiteral("Not ready: ") + reason,
        QJsonObject {{u"ready"_s, ready}, {u"reason"_s, reason}});
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
            QJsonObject {{u"ready"_s, false}, {u"reason"_s, u"shutting down"_s}});
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
    m_routes.refuseNewWork();
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
    return m_routes.pendingAnswers() == 0 && m_load.inFlight() == 0 && !m_readinessPending
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
        kCancelReserveMs, m_routes.pendingAnswers(), m_load.inFlight());
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
