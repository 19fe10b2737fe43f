#include "core/load_routes.h"

#include "core/load_engine.h"
#include "core/route_table.h"

#include <string_view>

using namespace Qt::StringLiterals;

namespace {
using Method = QHttpServerRequest::Method;
} // namespace

LoadRoutes::LoadRoutes(LoadEngine &load, const Guardrails &limits) : m_load(load), m_limits(limits) { }

void LoadRoutes::addRoutes(RouteTable &routes)
{
    // A command answers with the load state after it: 202 for a spike (it runs on), 200 otherwise.
    auto command = [this, &routes](const char *path, auto action) {
        routes.add(path, {.method = Method::Post, .command = true},
            [this, path, action](const QHttpServerRequest &request, const ExchangePtr &exchange) {
                if (std::optional<ApiError> error = action(request)) {
                    exchange->replyError(*error);
                    return;
                }
                exchange->reply(std::string_view(path) == "/spike" ? 202 : 200, m_load.state());
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

    routes.add(
        "/load", {.method = Method::Get}, [this, &routes](const QHttpServerRequest &, const ExchangePtr &exchange) {
            QJsonObject state = m_load.state();
            state.insert(u"auth_required"_s, routes.commandsNeedToken());
            exchange->reply(200, state);
        });
}
