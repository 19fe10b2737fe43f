#!/usr/bin/env bash
# The main job: the presenter against a local stack, on one machine, no Kubernetes.
#   PostgreSQL 15 (stands in for CockroachDB) on 127.0.0.1:55432, data in /tmp/crdb-evo-local-pg
#   the phase SQL (portable files) applied with sqlapply
#   the sample app on http://127.0.0.1:8080 (web page at /) with a 20 rps baseline load
#   Prometheus on http://127.0.0.1:9090 scraping it
#   the presenter (demo/profiles/local.json); under Xvfb when there is no display
# Ctrl-C (or SIGTERM/SIGHUP) stops everything it started, the presenter first with SIGTERM, waited
# for, so its session ends cleanly (the recording gets its end record). Nothing is deleted: the
# database survives restarts.
#   demo/local-stack.sh [--no-presenter] [presenter flags...]
# CRDB_EVO_PRESET=dev uses the dev build (the tests' tree) instead of the release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run_presenter=1
if [ "${1:-}" = "--no-presenter" ]; then run_presenter=0; shift; fi

.ci/install-deps.sh
preset=${CRDB_EVO_PRESET:-release}
build=$root/build/$preset
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target sampleapp sqlapply $([ "$run_presenter" = 1 ] && echo presenter)

pgdir=/tmp/crdb-evo-local-pg
pgport=55432
pids=()
presenter_pid=""
cleanup() {
    trap - EXIT INT TERM HUP
    echo "local-stack: stopping"
    # The presenter first, and waited for: SIGTERM closes its session cleanly (recording ended,
    # port-forwards stopped); killing it with the rest would cut the recording.
    if [ -n "$presenter_pid" ]; then
        kill -TERM "$presenter_pid" 2>/dev/null || true
        wait "$presenter_pid" 2>/dev/null || true
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    tests/fixtures/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Each port free before anything starts (a stale PostgreSQL of this stack's own data directory is
# fine: postgres.sh stops it first).
. demo/lib/ports.sh
own_pg=$(head -1 "$pgdir/data/postmaster.pid" 2>/dev/null || true)
require_free_port "$pgport" "PostgreSQL" "$own_pg"
require_free_port 8080 "the sample app"
require_free_port 9090 "Prometheus"

tests/fixtures/postgres.sh start "$pgdir" "$pgport"
"$build/pgkit/sqlapply" --quiet --url "host=127.0.0.1 port=$pgport user=postgres dbname=postgres" \
    sql/00-bootstrap.sql sql/10-phase1-reader-user.sql

export APP_DB_WRITER_URL="postgresql://app_writer@127.0.0.1:$pgport/evolution?sslmode=disable"
export APP_DB_READER_URL="postgresql://app_reader@127.0.0.1:$pgport/evolution?sslmode=disable"
export APP_HTTP_PORT=8080 APP_HTTP_ADDRESS=127.0.0.1
"$build/sampleapp/sampleapp" &
pids+=($!)
until curl -fs -o /dev/null http://127.0.0.1:8080/readyz; do sleep 0.1; done
curl -fs -o /dev/null -X POST -d '{"rps":20,"mix":{"login":0.2,"search":0.8}}' http://127.0.0.1:8080/load/start

promdir=$(mktemp -d /tmp/crdb-evo-local-prom.XXXXXX)
prometheus --config.file=demo/local/prometheus.yml --storage.tsdb.path="$promdir" \
    --web.listen-address=127.0.0.1:9090 --log.level=warn &
pids+=($!)

echo "local-stack: sample app http://127.0.0.1:8080/  Prometheus http://127.0.0.1:9090/  PostgreSQL 127.0.0.1:$pgport"
if [ "$run_presenter" = 0 ]; then
    echo "local-stack: running without the presenter; Ctrl-C to stop"
    wait
    exit 0
fi
if [ -z "${DISPLAY:-}" ]; then
    export DISPLAY=:77
    Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    echo "local-stack: no display; the presenter runs under Xvfb $DISPLAY (pass --screenshot FILE to see it)"
    sleep 0.5
fi
# In the background, so a signal to this script reaches the trap at once (bash runs a trap only
# after a foreground command ends) and the trap stops the presenter as above.
"$build/desktop/app/presenter" --profile demo/profiles/local.json "$@" &
presenter_pid=$!
rc=0
wait "$presenter_pid" || rc=$?
presenter_pid=""
exit "$rc"
