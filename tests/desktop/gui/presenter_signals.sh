#!/usr/bin/env bash
# The real presenter binary stopped by SIGINT (Ctrl-C), SIGTERM and SIGHUP closes its session
# cleanly: exit code 0, the recording is a whole gzip file (gzip -t) whose last record is the end
# record, and the kubectl port-forwards it started are gone. The port-forwards are the real kubectl,
# pointed (KUBECONFIG) at a TCP listener that accepts and never answers, so each kubectl is still
# running, waiting, when the signal comes.
#   presenter_signals.sh PRESENTER_BINARY
set -euo pipefail
set -m # background jobs keep SIGINT (without job control a script's background job ignores it)
presenter=$(realpath "$1")
src=${TEST_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$src" # the profile names the plan relative to the repository
for tool in kubectl python3 gzip zcat; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (.ci/debian-packages.txt)"; exit 1; }
done
work=$(mktemp -d /tmp/presenter-signals.XXXXXX)
export XDG_RUNTIME_DIR=$work/runtime XDG_CONFIG_HOME=$work/config
mkdir -m 700 "$XDG_RUNTIME_DIR"
listener_pid=""
app_pid=""
finish() {
    [ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null || true
    [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap finish EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A Kubernetes API endpoint that accepts connections and never answers.
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' >"$work/port" &
listener_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
cat >"$work/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: silent, cluster: {server: "http://127.0.0.1:$(cat "$work/port")"}}]
users: [{name: nobody, user: {}}]
contexts: [{name: silent, context: {cluster: silent, user: nobody}}]
current-context: silent
EOF
export KUBECONFIG=$work/kubeconfig

for sig in INT TERM HUP; do
    rec=$work/session-$sig.jsonl.gz
    QT_QPA_PLATFORM=offscreen "$presenter" --profile "$src/demo/profiles/local.json" --port-forward \
        --record "$rec" >"$work/presenter-$sig.log" 2>&1 &
    app_pid=$!
    # Running: its port-forwards started (waiting on the silent API) and the recording flushed once.
    forwards=""
    for _ in $(seq 200); do
        forwards=$(pgrep -P "$app_pid" -x kubectl | tr '\n' ' ' || true)
        [ -n "$forwards" ] && [ -s "$rec" ] && break
        sleep 0.05
    done
    [ -n "$forwards" ] || fail "SIG$sig: no kubectl port-forward was running"
    sleep 1.5 # past the writer's first one-second flush: records before the end one
    kill -"$sig" "$app_pid"
    rc=0
    timeout 30 tail --pid="$app_pid" -f /dev/null || true
    wait "$app_pid" || rc=$?
    app_pid=""
    if [ "$rc" != 0 ]; then
        cat "$work/presenter-$sig.log"
        fail "SIG$sig: exit code $rc (expected 0)"
    fi
    grep -q "recorded [0-9]* records ([0-9]* bytes) to $rec\$" "$work/presenter-$sig.log" \
        || fail "SIG$sig: the presenter did not say where it recorded: $(grep recorded "$work/presenter-$sig.log")"
    if gzip -t "$rec" 2>"$work/gzip.err"; then
        last=$(zcat "$rec" | tail -n 1)
        case $last in
        *'"k":"end"'*) echo "ok: SIG$sig: exit 0, gzip -t passes, last record $last" ;;
        *) fail "SIG$sig: the last record is not the end record: $last" ;;
        esac
    else
        fail "SIG$sig: gzip -t: $(cat "$work/gzip.err")"
    fi
    left=""
    for pid in $forwards; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        if kill -0 "$pid" 2>/dev/null; then
            left="$left $pid"
            kill -KILL "$pid" 2>/dev/null || true # ours: started by the presenter this script ran
        fi
    done
    if [ -n "$left" ]; then
        fail "SIG$sig: kubectl port-forward(s)$left still ran after the presenter exited"
    elif [ -n "$forwards" ]; then
        echo "ok: SIG$sig: kubectl port-forwards ($forwards) stopped"
    fi
done

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
