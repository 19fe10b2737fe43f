#!/usr/bin/env bash
# The talk as the presenter runs it, looked at: demo/local-stack.sh (the main job: PostgreSQL, the
# sample app, Prometheus and the real presenter binary, dev build) on Xvfb at 1024x768, 1280x720
# and 1920x1080, the clicker's PageDown sent through X (xdotool) twice per beat (arm, run) from the
# first beat up to and including BEAT, then both windows saved (the presenter, and the kiosk full
# screen on screen 0). Nothing recorded; fresh window settings for each size.
#   tests/bench/talk_screenshots.sh [BEAT [OUT_DIR]]   (default: failure, build/dev/test-output/talk)
# Needs the ports of the local stack free (55432, 8080, 9090). Prints each window's geometry as X
# reports it and the presenter's log lines about beats.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
beat=${1:-failure}
out=$(realpath -m "${2:-build/dev/test-output/talk}")
mkdir -p "$out"
index=$(python3 -c 'import json,sys; ids=[b["id"] for b in json.load(open("demo/plan.json"))["beats"]]; print(ids.index(sys.argv[1]))' "$beat")
work=$(mktemp -d /tmp/talk-screenshots.XXXXXX)
export XDG_RUNTIME_DIR=$work/runtime
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb_pid=""
stack_pid=""
finish() {
    [ -n "$stack_pid" ] && kill -TERM "$stack_pid" 2>/dev/null || true
    [ -n "$stack_pid" ] && wait "$stack_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap finish EXIT
# Start-up (window, pre-flight), then 4 s a beat (arm, run, its actions), then 15 s of verdicts.
step_s=4
quit_ms=$(( (12 + (index + 1) * step_s + 15) * 1000 ))
for size in 1024x768 1280x720 1920x1080; do
    : >"$work/display"
    Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
    export DISPLAY=:$(tr -d '[:space:]' <"$work/display")
    for _ in $(seq 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
    rm -rf "$work/config"
    XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=xcb CRDB_EVO_PRESET=dev demo/local-stack.sh --no-record \
        --kiosk-screen 0 --quit-after-ms "$quit_ms" --screenshot "$work/shot.png" >"$work/log" 2>&1 &
    stack_pid=$!
    window=$(timeout 120 xdotool search --sync --onlyvisible --name '^presenter: ' | head -n 1)
    sleep 8
    xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
    for _ in $(seq 0 "$index"); do
        xdotool key Next
        sleep 1
        xdotool key Next
        sleep $((step_s - 1))
    done
    echo "$size: $(xwininfo -root -tree | grep -E '"presenter(: | kiosk")' | sed -E 's/^ *0x[0-9a-f]+ //; s/: \(.*\)  / /' | tr '\n' ' ')"
    wait "$stack_pid" || true
    stack_pid=""
    grep -E 'presenter: ' "$work/log" | tail -n 5 || true
    [ -f "$work/shot.png" ] || { tail -n 40 "$work/log"; echo "talk-screenshots: no screenshot at $size"; exit 1; }
    mv "$work/shot.png" "$out/presenter-$beat-$size.png"
    mv "$work/shot-kiosk.png" "$out/kiosk-$beat-$size.png"
    kill "$xvfb_pid"
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=""
done
echo "screenshots in $out"
