#pragma once
// The operations resources: GET / (live page), /healthz, /readyz, /metrics, the /ws route that lets
// WebSocket upgrades through, and the JSON 404 for everything else. Registered through RouteTable.

#include "core/app_database.h"

#include <QString>

#include <functional>

class RouteTable;
class Telemetry;

class OpsRoutes
{
public:
    struct Hooks
    {
        std::function<bool()> shuttingDown; // HTTP thread: /readyz answers 503 at once when true
        // Worker thread: every /readyz result, so the app's own readiness follows it.
        std::function<void(const AppDatabase::Readiness &)> readinessObserved;
    };
    // `db` and `telemetry` outlive the routes (SampleApp owns them).
    OpsRoutes(AppDatabase &db, Telemetry &telemetry, QString version, Hooks hooks);
    void addRoutes(RouteTable &routes);

private:
    AppDatabase &m_db;
    Telemetry &m_telemetry;
    QString m_version;
    Hooks m_hooks;
};
