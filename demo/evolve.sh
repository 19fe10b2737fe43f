#!/usr/bin/env bash
# Runs the documented evolution commands of demo/DEMO.md, one phase at a time, and waits for each to
# settle. Nothing hidden: every command is echoed before it runs. Never scales down, never deletes.
#   demo/evolve.sh phase0   # cluster (1 node when new; never rescaled), Services, init, schema + RF=1, reader user,
#                           # the TPC-C load (the set-up owns it: no beat starts it)
#   demo/evolve.sh phase1   # scale to 2 nodes, wait until both are Ready, then show RF=2 refused (RF stays 1)
#   demo/evolve.sh phase2   # scale to 3 nodes, wait until all are Ready, then RF=3
# Secure mode: CRDB_SECURE=1 (after k8s/secure/make-certs.sh; applies the overlay k8s/secure/).
set -euo pipefail
cd "$(dirname "$0")/.."
ns=crdb-evolution
run() { echo "+ $*" >&2; "$@"; }

wait_job() { run kubectl -n "$ns" wait --for=condition=complete "job/$1" --timeout="${2:-600s}"; }

scale_to() {
    local want=$1 have
    have=$(kubectl -n "$ns" get statefulset crdb -o jsonpath='{.spec.replicas}')
    if [ "$have" -gt "$want" ]; then
        echo "evolve: the StatefulSet has $have replicas; this script never scales down (see DEMO.md)" >&2
        exit 1
    fi
    run kubectl -n "$ns" scale statefulset crdb --replicas="$want"
    # Ready = /health?ready=1: the node is live and serves SQL. Only then may RF reach $want.
    run kubectl -n "$ns" rollout status statefulset/crdb --timeout=600s
}

case "${1:-}" in
phase0)
    # The cluster and its Services; safe at any phase: never changes the node count (see the script).
    run demo/apply-cluster.sh
    wait_job crdb-init
    run kubectl apply -k k8s/sql/phase0/
    wait_job sql-phase0
    run kubectl apply -k k8s/sql/reader-user/
    wait_job sql-reader-user
    # Needs database evolution (sql-phase0); runs until stopped, for the whole talk.
    run kubectl apply -k k8s/loadgen/
    ;;
phase1)
    scale_to 2
    run kubectl apply -k k8s/sql/phase1-rf2-refused/
    wait_job sql-phase1-rf2-refused
    run kubectl -n crdb-evolution logs job/sql-phase1-rf2-refused   # "refused as expected (23514): ..."
    ;;
phase2)
    scale_to 3
    run kubectl apply -k k8s/sql/phase2-rf3/
    wait_job sql-phase2-rf3
    ;;
*)
    echo "usage: $0 phase0|phase1|phase2" >&2
    exit 2
    ;;
esac
echo "evolve: $1 applied; demo/check.sh shows the state" >&2
