#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds with the dev preset
# (warnings are errors), starts Xvfb for the GUI tests, and runs every CTest test. The servers the
# tests need (PostgreSQL, Prometheus, the sample app, Chromium) are started by the tests themselves.
#   tests/run.sh [extra ctest args, e.g. -R tst_sampleapp]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

.ci/install-deps.sh

preset=${CRDB_EVO_PRESET:-dev}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

xvfb_pid=""
if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null 2>&1; then
    display=":$((90 + RANDOM % 9))"
    Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    export DISPLAY=$display
    trap '[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT
fi

ctest --preset "$preset" -j 2 "$@"
