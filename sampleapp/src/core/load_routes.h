#pragma once
// The load generator's resources: GET /load (state) and the commands POST /spike, /spike/stop,
// /load/start, /load/stop, /load/{readers,writers}/{start,stop}. Commands need the control token
// when one is set (RouteRule::command). Registered through RouteTable.

#include "core/requests.h"

class LoadEngine;
class RouteTable;

class LoadRoutes
{
public:
    // `load` outlives the routes (SampleApp owns it).
    LoadRoutes(LoadEngine &load, const Guardrails &limits);
    void addRoutes(RouteTable &routes);

private:
    LoadEngine &m_load;
    Guardrails m_limits;
};
