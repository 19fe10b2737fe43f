#pragma once
// The database resources: POST /login (writer pool, blocking libpq on the worker threads) and
// GET /search (reader, non-blocking libpq on the HTTP thread). Registered through RouteTable.

class AppDatabase;
class AsyncQueryPool;
class RouteTable;
class Telemetry;

class DataRoutes
{
public:
    // All three outlive the routes (SampleApp owns them).
    DataRoutes(AppDatabase &db, AsyncQueryPool &readerAsync, Telemetry &telemetry);
    void addRoutes(RouteTable &routes);

private:
    AppDatabase &m_db;
    AsyncQueryPool &m_readerAsync;
    Telemetry &m_telemetry;
};
