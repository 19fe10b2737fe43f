# The pre-flight checklist (paths relative to desktop/core): plain results, the plan's position,
# the CockroachDB SQL seam and the asynchronous checks.
set(PRESENTER_PREFLIGHT_FILES
    preflight/preflight_result.h preflight/preflight_result.cpp
    preflight/plan_position.h preflight/plan_position.cpp
    preflight/preflight_sql.h preflight/preflight_sql.cpp
    preflight/preflight_runner.h preflight/preflight_runner.cpp)
