#!/usr/bin/env bash
# The real presenter binary on a real X server (Xvfb, not the offscreen platform) at 1024x768,
# 1280x720 and 1920x1080: the presenter window and a kiosk that opens as a normal window (no such
# --kiosk-screen) fit the screen, as read from X (xwininfo); a second run restores the size and place
# the first run ended with (QSettings in a temp XDG_CONFIG_HOME), and a geometry saved on 1920x1080
# opened on 1024x768 is clamped to the smaller screen; under a window manager (openbox) the frame
# (title bar, borders) fits too. Each run is ended with SIGTERM and must exit 0.
#   presenter_window_xvfb.sh PRESENTER_BINARY
# PRESENTER_XVFB_DISPLAY=:N uses that display number (default: Xvfb picks a free one).
set -euo pipefail
presenter=$(realpath "$1")
src=${TEST_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$src" # the profile names the plan relative to the repository
for tool in Xvfb xwininfo xprop xdotool openbox; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (.ci/debian-packages.txt)"; exit 1; }
done
work=$(mktemp -d /tmp/presenter-window-xvfb.XXXXXX)
export XDG_RUNTIME_DIR=$work/runtime
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb_pid=""
app_pid=""
finish() {
    [ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap finish EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

start_xvfb() { # WxH
    [ -n "$xvfb_pid" ] && { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; }
    : >"$work/display"
    if [ -n "${PRESENTER_XVFB_DISPLAY:-}" ]; then
        Xvfb "$PRESENTER_XVFB_DISPLAY" -screen 0 "$1x24" -nolisten tcp >/dev/null 2>&1 &
        xvfb_pid=$!
        export DISPLAY=$PRESENTER_XVFB_DISPLAY
    else
        Xvfb -displayfd 3 -screen 0 "$1x24" -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
        xvfb_pid=$!
        for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
        export DISPLAY=:$(tr -d '[:space:]' <"$work/display")
    fi
    for _ in $(seq 100); do xwininfo -root >/dev/null 2>&1 && return 0; sleep 0.05; done
    echo "FAIL: Xvfb $1 did not start"
    exit 1
}

# The geometry of the mapped window whose name matches $1, as "X Y W H" (from X, not from Qt).
geometry_of() {
    local id
    id=$(xdotool search --sync --onlyvisible --name "$1" | head -n 1)
    xwininfo -id "$id" | awk '/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF}
        /^ *Width:/ {w=$NF} /^ *Height:/ {h=$NF} END {print x, y, w, h}'
}
window_id() { xdotool search --sync --onlyvisible --name "$1" | head -n 1; }

# Starts the presenter (local profile, nothing recorded, the kiosk as a normal window) with
# settings in $1; waits until both windows are mapped.
start_presenter() {
    XDG_CONFIG_HOME=$1 QT_QPA_PLATFORM=xcb "$presenter" --profile "$src/demo/profiles/local.json" --no-record \
        --kiosk-screen 9 >"$work/presenter.log" 2>&1 &
    app_pid=$!
    timeout 30 xdotool search --sync --onlyvisible --name '^presenter: ' >/dev/null \
        || { cat "$work/presenter.log"; echo "FAIL: the presenter window never showed"; exit 1; }
    timeout 30 xdotool search --sync --onlyvisible --name '^presenter kiosk$' >/dev/null \
        || { cat "$work/presenter.log"; echo "FAIL: the kiosk window never showed"; exit 1; }
    sleep 0.5 # let the windows take their final geometry
}

stop_presenter() { # SIGTERM: a clean stop, exit code 0
    kill -TERM "$app_pid"
    local rc=0
    timeout 20 tail --pid="$app_pid" -f /dev/null || true
    wait "$app_pid" || rc=$?
    app_pid=""
    [ "$rc" = 0 ] || { cat "$work/presenter.log"; fail "the presenter exited $rc on SIGTERM (expected 0)"; }
}

fits() { # NAME "X Y W H" SCREEN_W SCREEN_H
    local x y w h
    read -r x y w h <<<"$2"
    if [ "$x" -lt 0 ] || [ "$y" -lt 0 ] || [ $((x + w)) -gt "$3" ] || [ $((y + h)) -gt "$4" ]; then
        fail "$1 is ${w}x${h}+${x}+${y}: it does not fit the $3x$4 screen"
    else
        echo "ok: $1 ${w}x${h}+${x}+${y} fits $3x$4"
    fi
}

for size in 1024x768 1280x720 1920x1080; do
    sw=${size%x*}
    sh=${size#*x}
    start_xvfb "$size"
    cfg=$work/config-$size
    mkdir -p "$cfg"
    # First run: no saved geometry.
    start_presenter "$cfg"
    main=$(geometry_of '^presenter: ')
    kiosk=$(geometry_of '^presenter kiosk$')
    fits "first run at $size: presenter" "$main" "$sw" "$sh"
    fits "first run at $size: kiosk" "$kiosk" "$sw" "$sh"
    read -r _ _ w h <<<"$main"
    # Not a token window either: at least half the screen.
    [ $((w * h * 2)) -ge $((sw * sh)) ] || fail "first run at $size: presenter ${w}x${h} is under half the screen"
    # The presenter moves and resizes the window (as with a window manager), then stops. 40 px from
    # the top: restoreGeometry keeps room for a title bar above the window (there is none on a bare
    # X server), which would move a window saved higher.
    want="24 40 $((sw - 64)) $((sh - 64))"
    read -r x y w h <<<"$want"
    xdotool windowsize "$(window_id '^presenter: ')" "$w" "$h"
    xdotool windowmove "$(window_id '^presenter: ')" "$x" "$y"
    sleep 0.5
    [ "$(geometry_of '^presenter: ')" = "$want" ] || fail "xdotool could not move the window: $(geometry_of '^presenter: ')"
    stop_presenter
    # Second run: the same place and size, from the settings.
    start_presenter "$cfg"
    again=$(geometry_of '^presenter: ')
    [ "$again" = "$want" ] && echo "ok: second run at $size restores the presenter at $again" \
        || fail "second run at $size: presenter at '$again', saved '$want'"
    kiosk_again=$(geometry_of '^presenter kiosk$')
    [ "$kiosk_again" = "$kiosk" ] && echo "ok: second run at $size restores the kiosk at $kiosk_again" \
        || fail "second run at $size: kiosk at '$kiosk_again', saved '$kiosk'"
    stop_presenter
done

# Saved on 1920x1080 (nearly the whole screen, far from the origin), opened on 1024x768.
start_xvfb 1920x1080
cfg=$work/config-moved
mkdir -p "$cfg"
start_presenter "$cfg"
xdotool windowsize "$(window_id '^presenter: ')" 1800 1000
xdotool windowmove "$(window_id '^presenter: ')" 100 60
xdotool windowmove "$(window_id '^presenter kiosk$')" 700 400
sleep 0.5
echo "saved on 1920x1080: presenter $(geometry_of '^presenter: '), kiosk $(geometry_of '^presenter kiosk$')"
stop_presenter
start_xvfb 1024x768
start_presenter "$cfg"
fits "saved on 1920x1080, opened on 1024x768: presenter" "$(geometry_of '^presenter: ')" 1024 768
fits "saved on 1920x1080, opened on 1024x768: kiosk" "$(geometry_of '^presenter kiosk$')" 1024 768
stop_presenter

# Under a window manager (openbox: a title bar and borders around the client area): the frame fits
# the screen too, on a first run and when restored.
wm_pid=""
frame_of() { # "X Y W H" of the window and its frame (_NET_FRAME_EXTENTS: left, right, top, bottom)
    local id x y w h l r t b
    id=$(window_id "$1")
    read -r x y w h <<<"$(geometry_of "$1")"
    for _ in $(seq 50); do xprop -id "$id" _NET_FRAME_EXTENTS | grep -q '=' && break; sleep 0.1; done
    IFS=', ' read -r l r t b <<<"$(xprop -id "$id" _NET_FRAME_EXTENTS | sed 's/.*= //')"
    echo "$((x - l)) $((y - t)) $((w + l + r)) $((h + t + b))"
}
for size in 1024x768 1280x720; do
    start_xvfb "$size"
    openbox --sm-disable >/dev/null 2>&1 &
    wm_pid=$!
    for _ in $(seq 100); do xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q window && break; sleep 0.05; done
    cfg=$work/config-wm-$size
    mkdir -p "$cfg"
    for run in first second; do
        start_presenter "$cfg"
        sleep 1.5 # the frame is known a moment after the window maps; the presenter then fits it
        fits "$run run under a window manager at $size: presenter's frame" "$(frame_of '^presenter: ')" "${size%x*}" "${size#*x}"
        fits "$run run under a window manager at $size: kiosk's frame" "$(frame_of '^presenter kiosk$')" "${size%x*}" "${size#*x}"
        stop_presenter
    done
    kill "$wm_pid" 2>/dev/null || true
    wait "$wm_pid" 2>/dev/null || true
done

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
