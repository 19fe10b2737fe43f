#!/usr/bin/env bash
# GUI test functions must not depend on each other's order: runs every function of a Qt Test binary
# alone (`tst_x fn`), then all of them in reverse order in one process. Any failure fails the run.
#   tests/gui-order.sh <test binary>   (what the CTest entries <name>.order run, with the test's
#                                       environment and fixtures: tests/desktop/gui/CMakeLists.txt)
#   tests/gui-order.sh                 (all of them: ctest -L order on the dev preset)
set -euo pipefail

if [ $# -eq 0 ]; then
    root=$(cd "$(dirname "$0")/.." && pwd)
    cd "$root"
    exec ctest --preset "${CRDB_EVO_PRESET:-dev}" -L '^order$' --output-on-failure
fi

bin=$1
name=$(basename "$bin")
mapfile -t functions < <("$bin" -functions | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)()$/\1/p')
if [ "${#functions[@]}" -eq 0 ]; then
    echo "gui-order: $name lists no test functions" >&2
    exit 2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
run() { # label, then the binary's arguments
    local label=$1
    shift
    if "$bin" "$@" >"$log" 2>&1; then
        echo "gui-order: $name $label: pass"
    else
        echo "gui-order: $name $label: FAIL"
        grep -E '^(FAIL!|   Loc:|QWARN|QFATAL)' "$log" | head -20 | sed 's/^/    /'
        failed+=("$label")
    fi
}

for fn in "${functions[@]}"; do
    run "$fn alone" "$fn"
done
reversed=()
for ((i = ${#functions[@]} - 1; i >= 0; i--)); do
    reversed+=("${functions[i]}")
done
run "in reverse order (${reversed[*]})" "${reversed[@]}"

if [ "${#failed[@]}" -gt 0 ]; then
    echo "gui-order: $name: ${#failed[@]} run(s) failed: ${failed[*]}" >&2
    exit 1
fi
