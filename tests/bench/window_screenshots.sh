#!/usr/bin/env bash
# Screenshots of both windows from the real presenter binary on Xvfb (not the offscreen platform)
# at 1024x768, 1280x720 and 1920x1080, after start-up: the presenter window (placed by its own
# rules, with fresh settings) and the kiosk full screen on screen 0. Local profile, nothing
# recorded; no service needs to run (the windows then show the banner and the pre-flight's fails).
#   tests/bench/window_screenshots.sh [OUT_DIR]   (default build/dev/test-output/windows)
# PRESENTER=path (default build/dev/desktop/app/presenter); PRESENTER_XVFB_DISPLAY=:N uses that
# display number (default: Xvfb picks a free one). Writes presenter-WxH.png and kiosk-WxH.png and
# prints each window's geometry as X reports it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
presenter=$(realpath "${PRESENTER:-build/dev/desktop/app/presenter}")
out=$(realpath -m "${1:-build/dev/test-output/windows}")
mkdir -p "$out"
work=$(mktemp -d /tmp/window-screenshots.XXXXXX)
export XDG_RUNTIME_DIR=$work/runtime
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb_pid=""
finish() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap finish EXIT
for size in 1024x768 1280x720 1920x1080; do
    if [ -n "${PRESENTER_XVFB_DISPLAY:-}" ]; then
        Xvfb "$PRESENTER_XVFB_DISPLAY" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
        xvfb_pid=$!
        export DISPLAY=$PRESENTER_XVFB_DISPLAY
    else
        : >"$work/display"
        Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
        xvfb_pid=$!
        for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
        export DISPLAY=:$(tr -d '[:space:]' <"$work/display")
    fi
    for _ in $(seq 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.05; done
    rm -rf "$work/config"
    XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=xcb "$presenter" --profile demo/profiles/local.json --no-record \
        --kiosk-screen 0 --quit-after-ms 6000 --screenshot "$work/shot.png" >"$work/log" 2>&1 &
    app=$!
    sleep 4
    echo "$size: $(xwininfo -root -tree | grep -E '"presenter(: | kiosk")' | sed -E 's/^ *0x[0-9a-f]+ //; s/: \(.*\)  / /')"
    wait "$app" || { cat "$work/log"; exit 1; }
    mv "$work/shot.png" "$out/presenter-$size.png"
    mv "$work/shot-kiosk.png" "$out/kiosk-$size.png"
    kill "$xvfb_pid"
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=""
done
echo "screenshots in $out"
