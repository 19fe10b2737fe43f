#include "core/ops_routes.h"

#include "core/route_table.h"
#include "core/telemetry.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace {
using Method = QHttpServerRequest::Method;
} // namespace

OpsRoutes::OpsRoutes(AppDatabase &db, Telemetry &telemetry, QString version, Hooks hooks)
    : m_db(db), m_telemetry(telemetry), m_version(std::move(version)), m_hooks(std::move(hooks))
{ }

void OpsRoutes::addRoutes(RouteTable &routes)
{
    routes.add("/healthz", {.method = Method::Get}, [this](const QHttpServerRequest &, const ExchangePtr &exchange) {
        exchange->reply(200, QJsonObject {{u"status"_s, u"ok"_s}, {u"version"_s, m_version}});
    });

    routes.add(
        "/readyz", {.method = Method::Get}, [this, &routes](const QHttpServerRequest &, const ExchangePtr &exchange) {
            if (m_hooks.shuttingDown()) {
                exchange->reply(503, QJsonObject {{u"ready"_s, false}, {u"reason"_s, u"shutting down"_s}});
                return;
            }
            routes.answerFromWorker(exchange, [this]() -> JsonReply {
                const auto r = m_db.checkReadiness();
                m_hooks.readinessObserved(r);
                QJsonObject body {{u"ready"_s, r.ready()}, {u"checks"_s, r.toJson()}};
                if (!r.ready()) {
                    body.insert(u"reason"_s, r.reason());
                }
                return {r.ready() ? 200 : 503, body};
            });
        });

    routes.add("/metrics", {.method = Method::Get}, [this](const QHttpServerRequest &, const ExchangePtr &exchange) {
        exchange->replyRendered(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), [this] {
            const std::string text = m_telemetry.exposition();
            return QByteArray(text.data(), qsizetype(text.size()));
        });
    });

    // Qt 6.4 upgrades a WebSocket request only after a route accepted it, so /ws has a route that
    // stays silent for upgrades and explains itself to plain HTTP clients. No precheck: an upgrade
    // must get through untouched (the feed refuses it itself while shutting down).
    routes.add("/ws", {.precheck = false}, [](const QHttpServerRequest &request, const ExchangePtr &exchange) {
        if (headerValue(request, "Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
            exchange->handOverToWebSocket();
            return;
        }
        exchange->reply(426,
            QJsonObject {{u"error"_s, u"upgrade_required"_s},
                {u"message"_s, u"GET /ws is the WebSocket timeline feed: connect with a WebSocket client"_s}});
    });

    routes.add("/", {.method = Method::Get}, [](const QHttpServerRequest &, const ExchangePtr &exchange) {
        static const QByteArray page = [] {
            QFile f(QStringLiteral(":/web/index.html"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        if (page.isEmpty()) {
            exchange->replyJson(
                500, QByteArrayLiteral("{\"error\":\"page_missing\",\"message\":\"the web page was not built in\"}"));
            return;
        }
        exchange->replyRendered(200, QByteArrayLiteral("text/html; charset=utf-8"), [] { return page; },
            {{QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")}});
    });

    routes.setFallback([](const QHttpServerRequest &request, const ExchangePtr &exchange) {
        exchange->reply(404,
            QJsonObject {{u"error"_s, u"not_found"_s},
                {u"message"_s,
                    QStringLiteral("no route %1 %2")
                        .arg(QString::fromLatin1(methodName(request.method())), request.url().path())}});
    });
}
