#!/usr/bin/env bash
# Screenshots of the presenter window with the pace display (desktop/docs/PACE.md) from the real
# binary on Xvfb at 1280x720 and 1920x1080: the clicker (PageDown twice: preview, run) runs the
# first beat, then the second 3 s later, well inside the first beat's 90 s budget, so the pace
# reads "ahead". Local profile, nothing needs to run, nothing recorded.
#   tests/bench/pace_screenshots.sh [OUT_DIR]   (default build/dev/test-output/pace)
# PRESENTER=path (default build/dev/desktop/app/presenter); PRESENTER_XVFB_DISPLAY=:N (default :57).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
presenter=$(realpath "${PRESENTER:-build/dev/desktop/app/presenter}")
out=$(realpath -m "${1:-build/dev/test-output/pace}")
display=${PRESENTER_XVFB_DISPLAY:-:57}
mkdir -p "$out"
work=$(mktemp -d /tmp/pace-screenshots.XXXXXX)
export XDG_RUNTIME_DIR=$work/runtime XDG_DATA_HOME=$work/data
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb_pid=""
finish() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap finish EXIT
for size in 1280x720 1920x1080; do
    Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    export DISPLAY=$display
    for _ in $(seq 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
    rm -rf "$work/config"
    XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=xcb "$presenter" --profile demo/profiles/local.json \
        --quit-after-ms 12000 --screenshot "$work/shot.png" >"$work/log" 2>&1 &
    app=$!
    window=""
    for _ in $(seq 100); do
        window=$(xdotool search --name '^presenter: ' 2>/dev/null | head -1 || true)
        [ -n "$window" ] && break
        sleep 0.1
    done
    [ -n "$window" ] || { cat "$work/log"; echo "no presenter window"; exit 1; }
    sleep 2
    xdotool windowactivate --sync "$window" 2>/dev/null || xdotool windowfocus --sync "$window"
    xdotool key --window "$window" Next
    sleep 0.5
    xdotool key --window "$window" Next # the first beat runs
    sleep 3
    xdotool key --window "$window" Next
    sleep 0.5
    xdotool key --window "$window" Next # the second beat runs, 87 s early
    wait "$app" || { cat "$work/log"; exit 1; }
    mv "$work/shot.png" "$out/presenter-pace-$size.png"
    kill "$xvfb_pid"
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=""
done
echo "screenshots in $out"
