#!/usr/bin/env bash
# Recording size benchmark: prints measured figures; asserts nothing.
# Starts PostgreSQL and the real sample app at its feed's full rate (APP_TICK_MS=100) under load,
# lets tests/bench/recording_size capture its real feed messages, then writes a synthetic
# 15-minute session (feed ticks at 100 ms and at the default 1000 ms, Prometheus polls every 5 s,
# node status every 1.5 s, cluster status every 2 s, the 13 beats) through the real
# RecordingWriter and prints bytes per minute compressed and uncompressed, the 15-minute total and
# the writer's CPU time per record; then plays the full-rate session at 10x (tests/bench/
# replay_cpu) and prints the replay's CPU, without and with the windows.
# Usage: tests/bench/recording_size.sh [--minutes N] [--nodes N]
#   Env: BENCH_BUILD_DIR (default build/dev: the recording_size target is built there),
#   BENCH_RPS (load, default 200), BENCH_CAPTURE_S (feed capture, default 15).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --minutes|--nodes) args+=("$1" "$2"); shift ;;
    *) echo "usage: $0 [--minutes N] [--nodes N]" >&2; exit 2 ;;
    esac
    shift
done
build=${BENCH_BUILD_DIR:-$root/build/dev}
rps=${BENCH_RPS:-200}
capture=${BENCH_CAPTURE_S:-15}
if [ -z "${BENCH_BUILD_DIR:-}" ]; then
    cmake --preset dev >/dev/null
    cmake --build --preset dev --target recording_size replay_cpu sampleapp sqlapply >/dev/null
fi
out=$build/bench-recording
mkdir -p "$out"

pgport=${PGPORT_BENCH:-45434}
apport=${APPPORT_BENCH:-18183}
. tests/bench/bench_stack.sh
bench_start_db /tmp/crdb-evo-bench-recording-pg "$pgport" "$build"
bench_start_sampleapp "$build" "$pgport" "$apport" 100 "$out/sampleapp.log"
bench_load_start "$rps"
# A spike during the capture, so its events are among the recorded feed messages.
( sleep 3; curl -fs -o /dev/null -X POST -d '{"rps":400,"seconds":4}' "$bench_base/spike" || true ) &
bench_pids+=($!)

"$build/tests/bench/recording_size" --feed-url "ws://127.0.0.1:$apport/ws" --capture-s "$capture" \
    --out "$out" "${args[@]}"
# The replay's CPU at 10x on the full-rate session just written (the presenter's own code paths).
"$build/tests/bench/replay_cpu" --speed 10 --seconds "${BENCH_REPLAY_S:-20}" "$out/session-tick100ms.jsonl.gz"
