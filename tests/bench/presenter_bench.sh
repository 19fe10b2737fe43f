#!/usr/bin/env bash
# Presenter benchmark: prints measured figures; asserts nothing.
# Runs the real presenter (every chart live) against the local stack: PostgreSQL, the real sample
# app at its feed's full rate (APP_TICK_MS=100) with load running, Prometheus when installed (it
# scrapes the sample app and tests/bench/fake_crdb_exporter.py, three stand-in CockroachDB nodes
# serving the metrics the cluster charts query, so every chart is live). Measures:
#   - presenter CPU, % of one core (utime+stime from /proc/<pid>/stat over the run, after warm-up)
#   - frame time, median / p99 / max (the presenter's --perf-log: chart refresh + repaint per frame)
#   - RSS at start, when the chart window has filled, and at the end (/proc/<pid>/status VmRSS)
#   - feed message to store latency, median (store time minus the message's ts_ms; same host clock)
# Usage: tests/bench/presenter_bench.sh [--quick] [--duration S]
#   default 600 s; --quick 60 s. The chart window is half the run (at least 1 min, env
#   BENCH_WINDOW_MIN), so memory after the window filled is visible. Env: BENCH_BUILD_DIR (default
#   build/bench-presenter, Release), BENCH_RPS (default 200), BENCH_TICK_MS (feed tick, default 100 =
#   the fastest the sample app allows), BENCH_FPS (--max-fps, default the app's 15), BENCH_KIOSK=1 adds the kiosk window,
#   BENCH_OUT (default build/bench-presenter/out: perf log, screenshot at the end).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=600
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) duration=60 ;;
    --duration) duration=$2; shift ;;
    *) echo "usage: $0 [--quick] [--duration S]" >&2; exit 2 ;;
    esac
    shift
done
window_min=${BENCH_WINDOW_MIN:-$(( duration / 120 > 1 ? duration / 120 : 1 ))}
rps=${BENCH_RPS:-200}
tick_ms=${BENCH_TICK_MS:-100}
build=${BENCH_BUILD_DIR:-$root/build/bench-presenter}
out=${BENCH_OUT:-$build/out}
mkdir -p "$out"

if [ -z "${BENCH_BUILD_DIR:-}" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRDB_EVO_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build" --target presenter sampleapp sqlapply >/dev/null
fi
presenter=$build/desktop/app/presenter
[ -x "$presenter" ] || { echo "presenter_bench: $presenter not built" >&2; exit 1; }

pgport=${PGPORT_BENCH:-45433}
apport=${APPPORT_BENCH:-18182}
promport=${PROMPORT_BENCH:-19092}
. tests/bench/bench_stack.sh
bench_start_db /tmp/crdb-evo-bench-presenter-pg "$pgport" "$build"
bench_start_sampleapp "$build" "$pgport" "$apport" "$tick_ms" "$out/sampleapp.log"
bench_load_start "$rps"

prom_note="not installed: cluster charts empty"
if command -v prometheus >/dev/null 2>&1; then
    promdir=$(mktemp -d /tmp/crdb-evo-bench-prom.XXXXXX)
    # No CockroachDB can run here: three stand-in nodes serve the metrics the cluster charts query
    # (tests/bench/fake_crdb_exporter.py, benchmark only), so every chart is live.
    crdbport=${CRDBPORT_BENCH:-19301}
    python3 tests/bench/fake_crdb_exporter.py "$crdbport" 3 &
    bench_pids+=($!)
    cat >"$promdir/prometheus.yml" <<YML
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: sampleapp
    static_configs: [{targets: ["127.0.0.1:$apport"]}]
  - job_name: cockroachdb-stand-in
    metrics_path: /_status/vars
    static_configs: [{targets: ["127.0.0.1:$crdbport", "127.0.0.1:$((crdbport + 1))", "127.0.0.1:$((crdbport + 2))"]}]
YML
    prometheus --config.file="$promdir/prometheus.yml" --storage.tsdb.path="$promdir/data" \
        --web.listen-address=127.0.0.1:$promport --log.level=warn >"$out/prometheus.log" 2>&1 &
    bench_pids+=($!)
    prom_note="running (scrapes the sample app and 3 stand-in CockroachDB nodes: every chart live)"
fi

if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null 2>&1; then
    export DISPLAY=:$(( 60 + RANDOM % 20 ))
    Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    bench_pids+=($!)
    sleep 0.5
    platform="xcb (Xvfb $DISPLAY)"
elif [ -n "${DISPLAY:-}" ]; then
    platform="xcb ($DISPLAY)"
else
    export QT_QPA_PLATFORM=offscreen
    platform=offscreen
fi

perf=$out/perf.log
: >"$perf"
kiosk_args=()
[ "${BENCH_KIOSK:-0}" = 1 ] && kiosk_args=(--kiosk-screen 0)
# Fresh settings: the window's size (what each frame redraws) is not the one a person left saved.
rm -rf "$out/config"
XDG_CONFIG_HOME=$out/config "$presenter" --sampleapp-url "$bench_base" --prometheus-url "http://127.0.0.1:$promport" \
    --sql-url "postgresql://postgres@127.0.0.1:$pgport/evolution?sslmode=disable" \
    --kube-context presenter-bench-no-cluster --plan demo/plan.json \
    --window-minutes "$window_min" --perf-log "$perf" --max-fps "${BENCH_FPS:-15}" \
    --screenshot "$out/presenter.png" --quit-after-ms $(( (duration + 15) * 1000 )) "${kiosk_args[@]}" \
    >"$out/presenter.log" 2>&1 &
ppid_=$!
bench_pids+=($ppid_)

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

sleep 5 # warm-up: windows up, feed connected
rss_start=$(rss_mb "$ppid_")
t0=$(date +%s.%N)
c0=$(cpu_ticks "$ppid_")
frames0=$(grep -c '^frame ' "$perf" || true)
fill_s=$(( window_min * 60 - 5 ))
rss_fill="(run shorter than the window)"
if [ "$fill_s" -lt "$duration" ]; then
    sleep "$fill_s"
    rss_fill=$(rss_mb "$ppid_")
    sleep $(( duration - fill_s ))
else
    sleep "$duration"
fi
t1=$(date +%s.%N)
c1=$(cpu_ticks "$ppid_")
rss_end=$(rss_mb "$ppid_")
# The presenter saves its screenshot (live data) and quits by itself shortly after.
for _ in $(seq 60); do kill -0 "$ppid_" 2>/dev/null || break; sleep 0.5; done
kill "$ppid_" 2>/dev/null || true
wait "$ppid_" 2>/dev/null || true

stats() { # median p99 max count of a column of numbers on stdin
    sort -g | awk '{v[NR]=$1} END {if (NR == 0) {print "n/a"; exit}
        m=v[int((NR+1)/2)]; p=v[int(NR*0.99) > 0 ? int(NR*0.99) : 1];
        printf "median %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)", m, p, v[NR], NR}'
}
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
cpu_pct=$(awk -v c0="$c0" -v c1="$c1" -v hz="$clk" -v e="$elapsed" 'BEGIN {print (c1 - c0) / hz / e * 100}')
frames=$(grep '^frame ' "$perf" | tail -n +"$(( frames0 + 1 ))" | wc -l)
achieved=$(curl -fs "$bench_base/load" | sed -n 's/.*"achieved_rps":\([0-9.]*\).*/\1/p')

echo "presenter benchmark: ${duration} s measured after 5 s warm-up, platform $platform, Qt build $(basename "$build")"
echo "  feed: sample app ticks every $tick_ms ms (100 = full rate), load target $rps req/s (achieved ${achieved:-?} at the end)"
echo "  Prometheus: $prom_note; chart window $window_min min; kiosk window: ${BENCH_KIOSK:-0}"
printf "  CPU: %.2f %% of one core (utime+stime over %.0f s)\n" "$cpu_pct" "$elapsed"
printf "  frames: %d drawn (%.1f / s)\n" "$frames" "$(awk -v f="$frames" -v e="$elapsed" 'BEGIN {print f / e}')"
echo "  frame time: $(grep '^frame ' "$perf" | tail -n +"$(( frames0 + 1 ))" | awk '{print $2}' | stats)"
echo "  charts redrawn: $(grep '^frame ' "$perf" | tail -n +"$(( frames0 + 1 ))" | awk -v e="$elapsed" '{n++; c += $4; p += $3}
    END {if (n) printf "%.1f per frame, %.1f per second, %.0f points per frame", c / n, c / e, p / n}')"
echo "  RSS: start $rss_start MB, window filled $rss_fill MB, end $rss_end MB"
echo "  feed message -> store: $(grep '^store_latency ' "$perf" | awk '{print $2}' | stats)"
echo "  files: $perf, $out/presenter.log, $out/presenter.png"
