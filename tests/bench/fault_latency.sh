#!/usr/bin/env bash
# Fault-to-screen latency benchmark: prints measured figures; asserts nothing.
# Runs tests/bench/fault_latency (C++, built with the tests: it uses their stand-ins) for repeated
# keep_down / start_node cycles on crdb-2: the presenter's ClusterDriver runs the real kubectl
# against FakeKubeApi (the fake Kubernetes API; its container model holds cockroach), the
# presenter's fast path (NodeStatusClient, production intervals) reads stand-ins of each node's
# HTTP port that follow the fake's processes, and the real main and kiosk windows show
# ClusterView. Prints, per cycle and as median / max, the time from the keepDown() call to:
#   - the signal delivered (kubectl exec);
#   - the stand-in answering readiness 503 "node is shutting down" (the process drains for
#     --drain-ms, default 15000: server.shutdown.initial_wait in k8s/README.md), and the kiosk
#     showing crdb-2 "draining" and 2 / 3 live (the presenter's own observation; target <= 2 s);
#   - the stand-in's port closing (the drain is over, the process gone), and the kiosk showing
#     crdb-2 DOWN (target <= 2 s after the port closed);
#   - "CockroachDB's status" turning suspect: the STAND-IN's timing, a configured delay after the
#     process stopped (--suspect-after-ms, default 6000: CockroachDB's liveness record expires
#     3-6 s after the last heartbeat), and the kiosk showing it;
# and from the startNode() call to the kiosk showing crdb-2 live, 3 / 3.
# No CockroachDB and no Kubernetes run here: what a real cluster adds is the exec through the API
# server and kubelet, the port-forward, and CockroachDB's real liveness timing.
# Usage: tests/bench/fault_latency.sh [--quick] [--cycles N] [--suspect-after-ms MS] [--drain-ms MS]
#   default 10 cycles (about 6 min with the 15 s drain); --quick 3 cycles. Env: BENCH_BUILD_DIR (default build/dev, the
#   dev preset: the figures are dominated by kubectl, poll intervals and timeouts, not by the
#   build type).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cycles=10
suspect=6000
drain=15000
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) cycles=3 ;;
    --cycles) cycles=$2; shift ;;
    --suspect-after-ms) suspect=$2; shift ;;
    --drain-ms) drain=$2; shift ;;
    *) echo "usage: $0 [--quick] [--cycles N] [--suspect-after-ms MS] [--drain-ms MS]" >&2; exit 2 ;;
    esac
    shift
done
build=${BENCH_BUILD_DIR:-$root/build/dev}
if [ -z "${BENCH_BUILD_DIR:-}" ]; then
    [ -f "$build/build.ninja" ] || cmake --preset dev >/dev/null
    cmake --build "$build" --target fault_latency >/dev/null
fi
command -v kubectl >/dev/null || { echo "fault_latency.sh: kubectl is not on PATH" >&2; exit 1; }
echo "kubectl: $(kubectl version --client 2>/dev/null | head -n 1)"
echo "machine: $(nproc) cores, $(uname -sr)"
# Real widgets: on $DISPLAY when there is one (Xvfb works), else on Qt's offscreen platform (whose
# "does not support propagateSizeHints()" warnings are dropped).
[ -n "${DISPLAY:-}" ] || export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$build/tests/bench/fault_latency" --cycles "$cycles" --suspect-after-ms "$suspect" --drain-ms "$drain" \
    2> >(grep -v 'does not support propagateSizeHints' >&2)
