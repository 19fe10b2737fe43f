#pragma once

#include "app_options.h"

#include "preflight/preflight_runner.h"

namespace presenter {

// The pre-flight's configuration for these options: the plan's position (--preflight-at or the
// first beat), the dashboards of grafana/dashboards/ in the shipped data (DataPaths: the checkout,
// or share/crdb-live-evolution once installed). False with *error when the plan or the beat is bad.
bool preflightConfigFor(const AppOptions &options, PreflightConfig *config, QString *error);

// `presenter --preflight`: prints the files it read (the plan, the plan's SQL, the dashboards:
// from the checkout or the installed data), runs the checklist, prints one line per check,
// returns the exit code (0 when none failed, 1 when one did, 2 for bad options). Runs its own
// event loop.
int runPreflightCli(const AppOptions &options);

} // namespace presenter
