# Sourced by the benchmark scripts (presenter_bench.sh, recording_size.sh), never run: the local
# stack they measure against. Call from the repository root with `set -euo pipefail`.
#   bench_pids          processes stopped on exit (add background jobs: bench_pids+=($!))
#   bench_start_db DIR PORT BUILD
#                       the PostgreSQL fixture at DIR on 127.0.0.1:PORT with the portable phase SQL
#                       (database evolution, users app_writer and app_reader); stopped on exit
#   bench_start_sampleapp BUILD PGPORT HTTPPORT TICK_MS LOG
#                       the real sample app (feed tick TICK_MS) on 127.0.0.1:HTTPPORT, logging to
#                       LOG, waited for until /readyz answers; sets bench_base (its URL)
#   bench_load_start RPS
#                       the app's load generator at RPS, 20 % logins, 80 % searches
bench_pids=()
bench_pgdir=
bench_base=
bench_cleanup() {
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$bench_pgdir" ]; then
        tests/fixtures/postgres.sh stop "$bench_pgdir" >/dev/null 2>&1 || true
    fi
}
trap bench_cleanup EXIT INT TERM

bench_start_db() {
    bench_pgdir=$1
    tests/fixtures/postgres.sh start "$1" "$2" >/dev/null
    "$3/pgkit/sqlapply" --quiet --url "host=127.0.0.1 port=$2 user=postgres dbname=postgres" \
        sql/00-bootstrap.sql sql/10-phase1-reader-user.sql >/dev/null
}

bench_start_sampleapp() {
    APP_DB_WRITER_URL="host=127.0.0.1 port=$2 user=app_writer dbname=evolution" \
    APP_DB_READER_URL="host=127.0.0.1 port=$2 user=app_reader dbname=evolution" \
    APP_HTTP_PORT=$3 APP_HTTP_ADDRESS=127.0.0.1 APP_LOG_LEVEL=warn APP_TICK_MS=$4 \
        "$1/sampleapp/sampleapp" >"$5" 2>&1 &
    bench_pids+=($!)
    bench_base=http://127.0.0.1:$3
    for _ in $(seq 100); do curl -fs -o /dev/null "$bench_base/readyz" && break; sleep 0.1; done
}

bench_load_start() {
    curl -fs -o /dev/null -X POST -d "{\"rps\":$1,\"mix\":{\"login\":0.2,\"search\":0.8}}" "$bench_base/load/start"
}
