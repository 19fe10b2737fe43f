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
#   - frames per second, per window and together, counted over the measured interval only (frames
#     drawn after it, while the presenter saves its screenshot and quits, are not counted), charts
#     redrawn per second, and the longest GUI-thread stall (the presenter's 50 ms heartbeat lateness)
# Each figure is printed for both feed tick rates (the default 1 s and the full rate, 100 ms), each
# a fresh sample app. With BENCH_BEFORE=<presenter binary> (e.g. built from main's commit in a second
# build dir) each run is made with that binary too, in the same invocation, and the ratio printed.
# Usage: tests/bench/presenter_bench.sh [--quick] [--duration S] [--talk]
#   default 600 s per run; --quick 60 s. The chart window is half the run (at least 1 min, env
#   BENCH_WINDOW_MIN), so memory after the window filled is visible. --talk: one run the length of a
#   talk (BENCH_TALK_MIN, default 30) at full rate, printing RSS at 1/6, 1/2 and the end of it (5, 15
#   and 30 min), with the default 10-minute chart window. Env: BENCH_BUILD_DIR (default
#   build/bench-presenter, Release), BENCH_RPS (default 200), BENCH_TICKS (feed ticks in ms, default
#   "1000 100"), BENCH_FPS (--max-fps, default the app's 15), BENCH_KIOSK (default 1: the kiosk
#   window too, both at 1920x1080), BENCH_OUT (default <build>/out: perf logs, screenshots).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=600
talk=0
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) duration=60 ;;
    --duration) duration=$2; shift ;;
    --talk) talk=1 ;;
    *) echo "usage: $0 [--quick] [--duration S] [--talk]" >&2; exit 2 ;;
    esac
    shift
done
talk_min=${BENCH_TALK_MIN:-30}
if [ "$talk" = 1 ]; then
    duration=$(( talk_min * 60 ))
fi
window_min=${BENCH_WINDOW_MIN:-$(( duration / 120 > 1 ? duration / 120 : 1 ))}
[ "$talk" = 1 ] && window_min=${BENCH_WINDOW_MIN:-10}
rps=${BENCH_RPS:-200}
ticks=${BENCH_TICKS:-1000 100}
[ "$talk" = 1 ] && ticks=100
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

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
stats() { # median p99 max count of a column of numbers on stdin
    sort -g | awk '{v[NR]=$1} END {if (NR == 0) {print "n/a"; exit}
        m=v[int((NR+1)/2)]; p=v[int(NR*0.99) > 0 ? int(NR*0.99) : 1];
        printf "median %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)", m, p, v[NR], NR}'
}
kiosk_args=()
[ "${BENCH_KIOSK:-1}" = 1 ] && kiosk_args=(--kiosk-screen 0)

# run_presenter BINARY TAG TICK_MS: one measured run; prints its figures and sets run_cpu.
run_presenter() {
    local bin=$1 tag=$2 tick=$3
    local perf=$out/perf-$tag-$tick.log
    : >"$perf"
    # Fresh settings: the window's size (what each frame redraws) is not the one a person left saved.
    rm -rf "$out/config"
    XDG_CONFIG_HOME=$out/config "$bin" --sampleapp-url "$bench_base" --prometheus-url "http://127.0.0.1:$promport" \
        --sql-url "postgresql://postgres@127.0.0.1:$pgport/evolution?sslmode=disable" \
        --kube-context presenter-bench-no-cluster --plan demo/plan.json \
        --window-minutes "$window_min" --perf-log "$perf" --max-fps "${BENCH_FPS:-15}" \
        --screenshot "$out/presenter-$tag-$tick.png" --quit-after-ms $(( (duration + 15) * 1000 )) "${kiosk_args[@]}" \
        >"$out/presenter-$tag-$tick.log" 2>&1 &
    local pid=$!
    bench_pids+=($pid)
    sleep 5 # warm-up: windows up, feed connected
    local rss_start t0 c0 lines0 rss_marks=""
    rss_start=$(rss_mb "$pid")
    t0=$(date +%s.%N)
    c0=$(cpu_ticks "$pid")
    lines0=$(wc -l <"$perf")
    if [ "$talk" = 1 ]; then
        local done_s=0
        for at in $(( duration / 6 )) $(( duration / 2 )) "$duration"; do
            sleep $(( at - done_s )); done_s=$at
            rss_marks+="$(( at / 60 )) min $(rss_mb "$pid") MB, "
        done
    else
        local fill_s=$(( window_min * 60 - 5 ))
        if [ "$fill_s" -lt "$duration" ]; then
            sleep "$fill_s"
            rss_marks="window filled $(rss_mb "$pid") MB, "
            sleep $(( duration - fill_s ))
        else
            sleep "$duration"
        fi
    fi
    local t1 c1 lines1 rss_end
    t1=$(date +%s.%N)
    c1=$(cpu_ticks "$pid")
    lines1=$(wc -l <"$perf")
    rss_end=$(rss_mb "$pid")
    # The presenter saves its screenshot (live data) and quits by itself shortly after.
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local measured=$out/measured-$tag-$tick.log
    sed -n "$(( lines0 + 1 )),${lines1}p" "$perf" >"$measured"
    local e
    e=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
    run_cpu=$(awk -v c0="$c0" -v c1="$c1" -v hz="$clk" -v e="$e" 'BEGIN {print (c1 - c0) / hz / e * 100}')
    printf "  %-6s CPU: %.2f %% of one core (utime+stime over %.0f s)\n" "$tag" "$run_cpu" "$e"
    awk -v e="$e" '$1 == "frame" {n++; c += $4; p += $3; k = split($5, w, ","); for (i = 1; i <= k; i++) per[w[i]]++}
        END {printf "         frames: %.1f / s together", n / e; for (name in per) printf ", %s %.1f / s", name, per[name] / e;
             if (n) printf "; charts redrawn %.1f / s (%.1f per frame, %.0f points per frame)", c / e, c / n, p / n; print ""}' "$measured"
    echo "         frame time: $(awk '$1 == "frame" {print $2}' "$measured" | stats)"
    awk '$1 == "stall" {if ($2 > w) {w = $2; c = $3}; if ($3 > b) b = $3; n++}
        END {if (n) printf "         longest frame (GUI-thread stall: 50 ms heartbeat lateness): %.1f ms (the GUI thread ran %.1f ms in that beat); most the GUI thread ran in one beat: %.1f ms\n", w, c, b
             else print "         longest frame: n/a (no heartbeat in the perf log)"}' "$measured"
    echo "         RSS: start $rss_start MB, ${rss_marks}end $rss_end MB"
    echo "         feed message -> store: $(awk '$1 == "store_latency" {print $2}' "$measured" | stats)"
}

echo "presenter benchmark: ${duration} s per run after 5 s warm-up, platform $platform, build $(basename "$build")"
echo "  load target $rps req/s; Prometheus: $prom_note; chart window $window_min min; kiosk window: ${BENCH_KIOSK:-1}"
for tick in $ticks; do
    bench_start_sampleapp "$build" "$pgport" "$apport" "$tick" "$out/sampleapp-$tick.log"
    app_pid=${bench_pids[-1]}
    bench_load_start "$rps"
    echo "feed tick $tick ms$([ "$tick" = 1000 ] && echo " (the default)")$([ "$tick" = 100 ] && echo " (full rate)"):"
    before_cpu=
    if [ -n "${BENCH_BEFORE:-}" ]; then
        run_presenter "$BENCH_BEFORE" before "$tick"
        before_cpu=$run_cpu
    fi
    run_presenter "$presenter" "$([ -n "${BENCH_BEFORE:-}" ] && echo after || echo run)" "$tick"
    if [ -n "$before_cpu" ]; then
        awk -v a="$run_cpu" -v b="$before_cpu" 'BEGIN {if (b > 0) printf "         CPU after / before: %.2f\n", a / b}'
    fi
    achieved=$(curl -fs "$bench_base/load" | sed -n 's/.*"achieved_rps":\([0-9.]*\).*/\1/p')
    echo "         load achieved ${achieved:-?} req/s at the end"
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
done
echo "  files: $out (perf-*.log, presenter-*.log, presenter-*.png)"
