#pragma once

#include "app_options.h"

#include "preflight/preflight_runner.h"

namespace presenter {

// The pre-flight's configuration for these options: the plan's position (--preflight-at or the
// first beat), the dashboards of grafana/dashboards/ (relative to the current directory, the
// repository root, like the plan's SQL paths). False with *error when the plan or the beat is bad.
bool preflightConfigFor(const AppOptions &options, PreflightConfig *config, QString *error);

// `presenter --preflight`: runs the checklist, prints one line per check, returns the exit code
// (0 when none failed, 1 when one did, 2 for bad options). Runs its own event loop.
int runPreflightCli(const AppOptions &options);

} // namespace presenter
