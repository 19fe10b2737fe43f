#!/usr/bin/env bash
# The real presenter binary and its recordings folder (desktop/docs/RECORDING.md "Managing the
# folder"): a screenshot, timed or benchmark run writes nothing unless it asks (--always-record);
# --list-recordings runs without a display and says what is there; --keep-recording marks a file;
# retention after a session keeps the newest N and never deletes a kept recording or the fallback;
# --fallback latest names the newest complete rehearsal in which nothing failed.
#   presenter_recordings.sh PRESENTER_BINARY
set -euo pipefail
presenter=$(realpath "$1")
src=${TEST_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$src" # the profile names the plan relative to the repository
work=$(mktemp -d /tmp/presenter-recordings.XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_RUNTIME_DIR=$work/runtime XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
mkdir -m 700 "$XDG_RUNTIME_DIR"
rec=$XDG_DATA_HOME/crdb-live-evolution/recordings # RecordingWriter::defaultDirectory()
unset PRESENTER_RECORDING_DIR
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
files() { find "$XDG_DATA_HOME" -type f 2>/dev/null | sort; }
run() { # run NAME ARGS...: the live presenter on the local profile (nothing listening), offscreen
    local name=$1
    shift
    QT_QPA_PLATFORM=offscreen "$presenter" --profile demo/profiles/local.json "$@" >"$work/$name.log" 2>&1 \
        || { cat "$work/$name.log"; fail "$name: exit code $?"; }
}

# 1. Runs made for a screenshot, a timer or a benchmark record nothing.
run screenshot --screenshot "$work/shot.png" --quit-after-ms 1500
run timed --quit-after-ms 800
run bench --perf-log "$work/perf.log" --quit-after-ms 800
[ -s "$work/shot.png" ] || fail "screenshot: no screenshot"
[ -z "$(files)" ] || fail "screenshot/timed/bench runs wrote: $(files)"
grep -q "not recording: a screenshot run (--screenshot)" "$work/screenshot.log" \
    || fail "screenshot: does not say why it did not record: $(cat "$work/screenshot.log")"
grep -q "not recording: a benchmark run (--perf-log)" "$work/bench.log" || fail "bench: does not say why"

# 2. Asked, it records into the folder.
run asked --quit-after-ms 800 --always-record
[ "$(find "$rec" -name 'session-*.jsonl.gz' | wc -l)" = 1 ] || fail "--always-record: expected one recording: $(files)"

# 3. A folder of recordings written as the presenter writes them (RECORDING.md "Format"): talks,
#    a good rehearsal, a newer failed one, a newer cut one.
python3 - "$rec" <<'PY'
import gzip, json, sys
folder = sys.argv[1]
def write(name, start_min, purpose, records, end=True):
    t0 = 1765000000000 + start_min * 60000
    lines = [{"format": "crdb-live-evolution-recording", "version": 1, "started_ms": t0, "purpose": purpose}]
    lines += [{"t": t0 + 1000 * (i + 1), "k": k, "d": d} for i, (k, d) in enumerate(records)]
    if end:
        lines.append({"t": t0 + 600000, "k": "end", "d": {}})
    with gzip.open(f"{folder}/{name}", "wt") as f:
        f.write("".join(json.dumps(line) + "\n" for line in lines))
passed = [("verdict", {"beat": "baseline", "index": 0, "verdict": "pass", "text": "PASS"})]
write("session-20251206-000000.jsonl.gz", 0, "talk", [])
write("session-20251206-001000.jsonl.gz", 10, "rehearsal", passed)  # the good one, old
write("session-20251206-002000.jsonl.gz", 20, "talk", [])
write("session-20251206-003000.jsonl.gz", 30, "rehearsal", [("verdict", {"beat": "heal", "index": 0, "verdict": "fail", "text": "FAIL healed within 90 s"})])
write("session-20251206-004000.jsonl.gz", 40, "rehearsal", passed, end=False)  # cut
write("session-20251206-005000.jsonl.gz", 50, "talk", [])
PY
good=$rec/session-20251206-001000.jsonl.gz

# 4. --keep-recording and --list-recordings, with no display at all (a QApplication would abort).
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb "$presenter" --keep-recording "$rec/session-20251206-000000.jsonl.gz" \
    >"$work/keep.log" 2>&1 || fail "--keep-recording: exit code $?: $(cat "$work/keep.log")"
[ -f "$rec/session-20251206-000000.jsonl.gz.keep" ] || fail "--keep-recording wrote no .keep"
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb "$presenter" --list-recordings >"$work/list.log" 2>&1 \
    || fail "--list-recordings: exit code $?: $(cat "$work/list.log")"
cat "$work/list.log"
grep -q "complete  rehearsal  FAIL .*session-20251206-003000" "$work/list.log" || fail "list: the failed rehearsal"
grep -q "failed: heal: FAIL healed within 90 s" "$work/list.log" || fail "list: the failure's words"
grep -q "cut       rehearsal .*session-20251206-004000" "$work/list.log" || fail "list: the cut rehearsal"
grep -q "complete  rehearsal  pass .*session-20251206-001000" "$work/list.log" || fail "list: the good rehearsal"
grep -q "complete  talk       -        kept  session-20251206-000000" "$work/list.log" || fail "list: the kept talk"
grep -qx -- "--fallback latest: $good" "$work/list.log" || fail "list: --fallback latest is not $good"
[ "$(grep -cE '^[0-9]{4}-.*jsonl\.gz$' "$work/list.log")" = 7 ] || fail "list: expected 7 recordings"

# 5. --fallback latest picks the good rehearsal; after the session retention keeps the newest 2
#    (this session's and the newest talk) plus the kept talk and the fallback.
run retention --quit-after-ms 800 --always-record --fallback latest --keep-newest 2
grep -q "fallback latest: $good (rehearsal of 2025-12-06 05:56 UTC" "$work/retention.log" \
    || fail "--fallback latest: $(grep fallback "$work/retention.log")"
left=$(cd "$rec" && ls session-*.jsonl.gz | tr '\n' ' ')
# The two runs recorded here (the newest), the kept talk and the fallback.
[[ "$left" =~ ^session-20251206-000000.jsonl.gz\ session-20251206-001000.jsonl.gz\ session-[0-9-]+.jsonl.gz\ session-[0-9-]+.jsonl.gz\ $ ]] \
    || fail "retention: expected the kept talk, the fallback and the two new recordings, got: $left"
[ -f "$rec/session-20251206-000000.jsonl.gz.keep" ] || fail "retention deleted a .keep"
grep -q "retention deleted .*session-20251206-002000.jsonl.gz" "$work/retention.log" \
    || fail "retention did not say what it deleted: $(cat "$work/retention.log")"

if [ "$failures" != 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "recordings folder: screenshot/timed/bench runs record nothing, list, keep, retention, fallback latest: ok"
