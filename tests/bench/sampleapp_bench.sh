#!/usr/bin/env bash
# Sample app benchmark: prints measured figures side by side; asserts nothing.
#   /search through HTTP (wrk) vs the same prepared query straight through libpq (pgbench -M prepared)
#   at the same concurrency against the same PostgreSQL, with the CPU time each process spent per
#   request (client, app, PostgreSQL); /healthz through HTTP (the HTTP exchange alone); /login through
#   HTTP; a spike's achieved vs target rate (from the app's own summary); idle memory; start-to-ready.
#   --before REF also builds REF's sample app (git archive into build/bench-before) and measures its
#   /search in the same run, alternating with this tree's, so both ratios share the same machine load.
# Usage: tests/bench/sampleapp_bench.sh [--quick] [--before REF]
#   env: CONC=16 (client connections, both sides) POOL=CONC (the app's pool sizes) DURATION=10 SPIKE_RPS=1000
#        SPIKE_SECONDS=30 ROUNDS=2 (alternating /search runs per binary with --before)
#        PGPORT_BENCH=45432 APPPORT_BENCH=18181
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
quick=0
before_ref=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --before) before_ref=$2; shift ;;
    *) echo "usage: $0 [--quick] [--before REF]" >&2; exit 2 ;;
    esac
    shift
done
conc=${CONC:-16}
duration=${DURATION:-10}
spike_rps=${SPIKE_RPS:-1000}
spike_seconds=${SPIKE_SECONDS:-30}
rounds=${ROUNDS:-2}
if [ "$quick" = 1 ]; then duration=3; spike_seconds=5; fi

build=$root/build/bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRDB_EVO_BUILD_DESKTOP=OFF -DCRDB_EVO_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target sampleapp sqlapply >/dev/null
app_bin=$build/sampleapp/sampleapp
before_bin=""
if [ -n "$before_ref" ]; then
    # REF's sources exactly as committed, built the same way in their own folder.
    before_dir=$root/build/bench-before
    rm -rf "$before_dir/src" && mkdir -p "$before_dir/src"
    git archive "$before_ref" | tar -x -C "$before_dir/src"
    cmake -S "$before_dir/src" -B "$before_dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRDB_EVO_BUILD_DESKTOP=OFF \
        -DCRDB_EVO_BUILD_TESTS=OFF >/dev/null
    cmake --build "$before_dir/build" --target sampleapp >/dev/null
    before_bin=$before_dir/build/sampleapp/sampleapp
fi

pgport=${PGPORT_BENCH:-45432}
apport=${APPPORT_BENCH:-18181}
pgdir=/tmp/crdb-evo-bench-pg-$pgport
tests/fixtures/postgres.sh start "$pgdir" "$pgport" >/dev/null
app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
    tests/fixtures/postgres.sh stop "$pgdir" >/dev/null || true
}
trap cleanup EXIT
"$build/pgkit/sqlapply" --quiet --url "host=127.0.0.1 port=$pgport user=postgres dbname=postgres" \
    sql/00-bootstrap.sql sql/10-phase1-reader-user.sql >/dev/null

export APP_DB_WRITER_URL="host=127.0.0.1 port=$pgport user=app_writer dbname=evolution"
export APP_DB_READER_URL="host=127.0.0.1 port=$pgport user=app_reader dbname=evolution"
export APP_HTTP_PORT=$apport APP_HTTP_ADDRESS=127.0.0.1 APP_LOG_LEVEL=warn
export APP_READER_POOL_SIZE=${POOL:-$conc} APP_WRITER_POOL_SIZE=${POOL:-$conc}
base=http://127.0.0.1:$apport
clk_tck=$(getconf CLK_TCK)

# CPU time in clock ticks: one process (user + system), and the whole PostgreSQL server (the
# postmaster with its exited children, which it waits for, plus every live backend).
proc_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
pg_ticks() {
    local pm
    pm=$(head -1 "$pgdir/data/postmaster.pid")
    {
        sed 's/.*) //' "/proc/$pm/stat" | awk '{print $12 + $13 + $14 + $15}'
        for f in /proc/[0-9]*/stat; do sed 's/.*) //' "$f" 2>/dev/null; done | awk -v pm="$pm" '$2 == pm {print $12 + $13}'
    } | awk '{s += $1} END {print s}'
}
# Microseconds of CPU per request from a tick count and a request count.
us_per() { awk -v t="$1" -v n="$2" -v hz="$clk_tck" 'BEGIN {printf "%.1f", (n > 0) ? t / hz * 1e6 / n : 0}'; }

start_app() { # binary → app_pid; from exec to the first /readyz 200 (polled every 2 ms) → ready_ms
    local start_ns
    start_ns=$(date +%s%N)
    "$1" 2>>/tmp/crdb-evo-bench-app.log &
    app_pid=$!
    until curl -fs -o /dev/null "$base/readyz"; do sleep 0.002; done
    ready_ms=$((($(date +%s%N) - start_ns) / 1000000))
}
stop_app() {
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=""
}

wrk_rate() { awk '/^Requests\/sec:/{printf "%.0f", $2}'; }
wrk_p99() { awk '/^ +99%/{print $2}'; }
# wrk against the running app: "rate p99 non2xx client_us app_us pg_us" (CPU per request).
http_run() {
    local out client_t app0 app1 pg0 pg1 n
    app0=$(proc_ticks "$app_pid") pg0=$(pg_ticks)
    out=$(/usr/bin/time -f 'CPU %U %S' wrk -t 2 -c "$conc" -d "${duration}s" --latency "$@" 2>&1)
    app1=$(proc_ticks "$app_pid") pg1=$(pg_ticks)
    client_t=$(echo "$out" | awk -v hz="$clk_tck" '/^CPU /{printf "%.0f", ($2 + $3) * hz}')
    n=$(echo "$out" | awk '/requests in/{print $1}')
    echo "$(echo "$out" | wrk_rate) $(echo "$out" | wrk_p99) $(echo "$out" | awk '/Non-2xx/{print $NF}' | grep . || echo 0)" \
        "$(us_per "$client_t" "$n") $(us_per $((app1 - app0)) "$n") $(us_per $((pg1 - pg0)) "$n")"
}

rm -f /tmp/crdb-evo-bench-app.log
start_app "$app_bin"
sleep 2
idle_rss_kb=$(awk '/VmRSS/{print $2}' /proc/$app_pid/status)

# The app's statement and parameters exactly (sampleapp/src/core/app_database.cpp): pgbench sends
# :lo/:hi/:lim as parameters of a named prepared statement, as the app's reader pool does.
cat >/tmp/crdb-evo-bench-search.sql <<'SQL'
\set lim 10
SELECT term, popularity FROM search_terms WHERE term >= :lo AND term < :hi ORDER BY term LIMIT :lim::INT8;
SQL
# "rate client_us - pg_us": pgbench's tps and CPU per query of pgbench and of PostgreSQL.
direct_run() {
    local out pg0 pg1 client_t n
    pg0=$(pg_ticks)
    out=$(/usr/bin/time -f 'CPU %U %S' pgbench -n -M prepared -c "$conc" -j 2 -T "$duration" -D lo='amber b' \
        -D hi=$'amber b\xf4\x8f\xbf\xbf' -f /tmp/crdb-evo-bench-search.sql \
        "host=127.0.0.1 port=$pgport user=app_reader dbname=evolution" 2>&1)
    pg1=$(pg_ticks)
    client_t=$(echo "$out" | awk -v hz="$clk_tck" '/^CPU /{printf "%.0f", ($2 + $3) * hz}')
    n=$(echo "$out" | awk '/number of transactions actually processed/{split($NF, a, "/"); print a[1]}')
    echo "$(echo "$out" | awk '/^tps = /{printf "%.0f", $3}') $(us_per "$client_t" "$n") - $(us_per $((pg1 - pg0)) "$n")"
}
# PostgreSQL's default re-plans this statement on every execution; the app's reader sessions set
# plan_cache_mode = force_generic_plan. Both are measured; the ratio uses the faster one.
direct_default=$(direct_run)
direct=$(PGOPTIONS='-c plan_cache_mode=force_generic_plan' direct_run)

search_url="$base/search?q=amber%20b"
health=$(http_run "$base/healthz")
search=$(http_run "$search_url")
# With --before: the same /search run for REF's binary and again for this tree's, alternating.
search_before=""
search_after=""
if [ -n "$before_bin" ]; then
    after_ready_ms=$ready_ms
    for ((r = 0; r < rounds; r++)); do
        stop_app
        start_app "$before_bin"
        search_before+="$(http_run "$search_url");"
        stop_app
        start_app "$app_bin"
        search_after+="$(http_run "$search_url");"
    done
    ready_ms=$after_ready_ms
fi

cat >/tmp/crdb-evo-bench-login.lua <<'LUA'
counter = 0
request = function()
   counter = counter + 1
   return wrk.format("POST", "/login", {["Content-Type"] = "application/json"}, '{"user_id":"bench-' .. counter .. '"}')
end
LUA
login=$(http_run -s /tmp/crdb-evo-bench-login.lua "$base/login")

curl -fs -o /dev/null -X POST -d "{\"seconds\":$spike_seconds,\"rps\":$spike_rps}" "$base/spike"
sleep "$spike_seconds"
until curl -fs "$base/load" | grep -q '"last_spike":{'; do sleep 0.2; done
spike=$(curl -fs "$base/load")
busy_rss_kb=$(awk '/VmRSS/{print $2}' /proc/$app_pid/status)

export B_DIRECT=$direct B_DIRECT_DEFAULT=$direct_default B_SEARCH=$search B_HEALTH=$health B_LOGIN=$login \
    B_BEFORE=$search_before B_AFTER=$search_after B_BEFORE_REF=$before_ref B_SPIKE=$spike B_CONC=$conc \
    B_POOL=$APP_READER_POOL_SIZE B_DURATION=$duration B_READY_MS=$ready_ms B_IDLE_KB=$idle_rss_kb B_BUSY_KB=$busy_rss_kb
python3 - <<'PY'
import json, os, statistics
e = os.environ
def run(text):  # "rate p99 non2xx client_us app_us pg_us" or "rate client_us - pg_us"
    f = text.split()
    return {"rate": float(f[0] or 0), "p99": f[1], "non2xx": f[2], "client": float(f[3]), "app": f[4], "pg": float(f[5])} \
        if len(f) == 6 else {"rate": float(f[0] or 0), "client": float(f[1]), "app": "-", "pg": float(f[3])}
def cpu(r):
    app = f"{float(r['app']):5.1f}" if r["app"] != "-" else "    -"
    return f"cpu/req us: client {r['client']:5.1f}  app {app}  postgres {r['pg']:5.1f}"
generic, default = run(e["B_DIRECT"]), run(e["B_DIRECT_DEFAULT"])
direct = max(generic["rate"], default["rate"])
search, health, login = run(e["B_SEARCH"]), run(e["B_HEALTH"]), run(e["B_LOGIN"])
spike = json.loads(e["B_SPIKE"])["last_spike"]
print("crdb-live-evolution sample app benchmark (2 cores shared by client, app and PostgreSQL)")
print(f"  concurrency                     {e['B_CONC']} client connections (app pool size {e['B_POOL']}), {e['B_DURATION']} s per run")
print(f"  /search direct libpq (pgbench)  {default['rate']:10.0f} req/s   server default plan cache (re-plans each run)   {cpu(default)}")
print(f"  /search direct libpq (pgbench)  {generic['rate']:10.0f} req/s   the app's session setting (generic plan)        {cpu(generic)}")
print(f"  /search through HTTP (wrk)      {search['rate']:10.0f} req/s   p99 {search['p99']:>8}   non-2xx {search['non2xx']:>3}          {cpu(search)}")
print(f"  ratio HTTP / faster direct      {search['rate'] / direct if direct else 0:10.2f}")
# Throughput follows whatever CPU other work leaves free; the CPU each request costs all three
# processes together does not: its inverse ratio is the throughput ratio on otherwise idle cores.
def total(r):
    return r["client"] + (float(r["app"]) if r["app"] != "-" else 0) + r["pg"]
best = generic if generic["rate"] >= default["rate"] else default
print(f"  ratio by CPU per request        {total(best) / total(search) if total(search) else 0:10.2f}   "
      f"direct {total(best):.1f} us, HTTP {total(search):.1f} us (client + app + postgres)")
print(f"  /healthz through HTTP (wrk)     {health['rate']:10.0f} req/s   p99 {health['p99']:>8}   non-2xx {health['non2xx']:>3}          {cpu(health)}")
if e.get("B_BEFORE_REF"):
    for label, key in ((e["B_BEFORE_REF"], "B_BEFORE"), ("this tree", "B_AFTER")):
        runs = [run(t) for t in e[key].split(";") if t.strip()]
        rate = statistics.mean(r["rate"] for r in runs)
        app = statistics.mean(float(r["app"]) for r in runs)
        cpu_total = statistics.mean(total(r) for r in runs)
        print(f"  /search, {label[:12]:12} ({len(runs)} runs) {rate:10.0f} req/s   ratio to direct {rate / direct if direct else 0:4.2f}"
              f" (by CPU {total(best) / cpu_total if cpu_total else 0:4.2f})   app cpu/req {app:5.1f} us   runs: "
              + ", ".join(f"{r['rate']:.0f}" for r in runs))
print(f"  /login through HTTP (wrk)       {login['rate']:10.0f} req/s   p99 {login['p99']:>8}   non-2xx {login['non2xx']:>3}          {cpu(login)}")
print(f"  spike target                    {spike['target_rps']:10.0f} rps for {spike['seconds']:.1f} s")
print(f"  spike achieved (app's summary)  {spike['achieved_rps']:10.1f} rps  ratio {spike['achieved_ratio']:.4f}  "
      f"dropped {spike['dropped']:.0f}  errors {spike['errors']:.0f}")
print(f"  start to ready                  {int(e['B_READY_MS']):10d} ms")
print(f"  idle RSS                        {int(e['B_IDLE_KB'])/1024:10.1f} MB   after the runs {int(e['B_BUSY_KB'])/1024:.1f} MB")
PY

# ---- Tracing: /search with OpenTelemetry tracing on (always_on, 100 % of requests) vs off -------
# The same binary started afresh for each run, off and on alternated twice, spans sent to a local
# OTLP receiver that counts them (tests/bench/otlp_sink.mjs). Besides the rate: the app's own CPU
# time per request (utime + stime from /proc), which the other processes on the 2 cores disturb
# less. BENCH_TRACING=0 skips it.
if [ "${BENCH_TRACING:-1}" != 0 ]; then
    kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
    app_pid=""
    sink_out=/tmp/crdb-evo-bench-otlp-sink.out
    rm -f "$sink_out"
    node tests/bench/otlp_sink.mjs >"$sink_out" &
    sink_pid=$!
    trap 'kill $sink_pid 2>/dev/null; cleanup' EXIT
    until grep -qx '[0-9]\+' "$sink_out" 2>/dev/null; do sleep 0.05; done
    sink_port=$(head -1 "$sink_out")
    clk_tck=$(getconf CLK_TCK)
    cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
    # The exporter thread's CPU ticks (0 when tracing is off: there is no such thread).
    export_ticks() {
        local t
        for t in /proc/"$1"/task/*; do
            if [ "$(cat "$t/comm")" = otel-export ]; then awk '{print $14 + $15}' "$t/stat"; return; fi
        done
        echo 0
    }
    # One run: prints "<req/s> <app CPU us per request> <spans exported> <spans dropped> <exporter
    # thread's CPU us per request>"; wrk's output goes to /tmp/crdb-evo-bench-tracing-<mode>-<n>.txt.
    traced_run() {
        local mode=$1 n=$2 out t0 t1 e0 e1 rate total metrics
        export APP_SHUTDOWN_DRAIN_MS=100
        if [ "$mode" = on ]; then
            env OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER=always_on \
                OTEL_SERVICE_NAME=sampleapp-bench "$build/sampleapp/sampleapp" 2>>/tmp/crdb-evo-bench-app.log &
        else
            "$build/sampleapp/sampleapp" 2>>/tmp/crdb-evo-bench-app.log &
        fi
        app_pid=$!
        until curl -fs -o /dev/null "$base/readyz"; do sleep 0.01; done
        wrk -t 2 -c "$conc" -d 1s "$base/search?q=amber%20b" >/dev/null # warm the pool and the caches
        t0=$(cpu_ticks "$app_pid")
        e0=$(export_ticks "$app_pid")
        out=$(wrk -t 2 -c "$conc" -d "${duration}s" "$base/search?q=amber%20b")
        t1=$(cpu_ticks "$app_pid")
        e1=$(export_ticks "$app_pid")
        echo "$out" >"/tmp/crdb-evo-bench-tracing-$mode-$n.txt"
        rate=$(echo "$out" | awk '/^Requests\/sec:/{printf "%.0f", $2}')
        total=$(echo "$out" | awk '/requests in/{print $1}')
        sleep 6 # one schedule delay (5 s): what was queued is sent
        metrics=$(curl -fs "$base/metrics")
        kill "$app_pid" && wait "$app_pid" 2>/dev/null || true
        app_pid=""
        echo "$rate $(( (t1 - t0) * 1000000 / clk_tck / total ))" \
            "$(echo "$metrics" | awk '/^app_otel_spans_exported_total /{s += $2} END {printf "%.0f", s}')" \
            "$(echo "$metrics" | awk '/^app_otel_spans_dropped_total/{s += $2} END {printf "%.0f", s}')" \
            "$(( (e1 - e0) * 1000000 / clk_tck / total ))"
    }
    declare -a off_runs on_runs
    for n in 1 2; do
        off_runs+=("$(traced_run off "$n")")
        on_runs+=("$(traced_run on "$n")")
    done
    received=$(curl -fs "http://127.0.0.1:$sink_port/count")
    export B_OFF="${off_runs[*]}" B_ON="${on_runs[*]}" B_RECEIVED=$received
    python3 - <<'PY'
import json, os
def runs(text):
    v = text.split()
    return [v[i:i + 5] for i in range(0, len(v), 5)]
off, on = runs(os.environ["B_OFF"]), runs(os.environ["B_ON"])
rate = lambda rs: sum(float(r[0]) for r in rs) / len(rs)
cpu = lambda rs: sum(float(r[1]) for r in rs) / len(rs)
received = json.loads(os.environ["B_RECEIVED"])
print("tracing (OTLP/HTTP JSON to a local receiver), /search, two runs each, alternated")
runs_text = lambda rs: ", ".join(f"{r[0]} req/s {r[1]} us" for r in rs)
print(f"  off                             {rate(off):10.0f} req/s   app CPU {cpu(off):6.1f} us/request   runs: {runs_text(off)}")
print(f"  on, always_on                   {rate(on):10.0f} req/s   app CPU {cpu(on):6.1f} us/request   runs: {runs_text(on)}")
exporter = sum(float(r[4]) for r in on) / len(on)
print(f"  of which the exporter thread    {exporter:10.1f} us/request (encoding and posting the spans it sent)")
print(f"  on / off                        {rate(on) / rate(off) if rate(off) else 0:10.2f} throughput, "
      f"{cpu(on) / cpu(off) if cpu(off) else 0:.2f} CPU per request")
print(f"  spans exported / dropped        {sum(int(r[2] or 0) for r in on):10d} / {sum(int(r[3] or 0) for r in on)}   "
      f"(receiver counted {received['spans']} spans in {received['requests']} requests)")
PY
fi
