#!/usr/bin/env bash
# One command to a running talk: the set-up of demo/DEMO.md ("Before the talk"), in its order, with a
# progress line per part, then the pre-flight and what to type next.
#   demo/up.sh --kind [NAME]      # creates kind cluster NAME (default crdb-evolution: context
#                                 # kind-crdb-evolution, the one demo/profiles/kind.json pins), builds
#                                 # the sample app image and loads it into the cluster (needs kind, docker)
#   demo/up.sh --context CTX      # an existing cluster (the sample app image already there)
# Options: --timeout SECONDS (per part, default 600), --no-preflight, --presenter PATH.
# CRDB_SECURE=1: the secure variant (after k8s/secure/make-certs.sh).
#
# Safe at any phase and idempotent: it only applies kustomizations (kubectl apply -k) and waits; it
# never scales and never deletes. The StatefulSet's node count stays what it is (demo/apply-cluster.sh).
# The namespaces it creates carry the label app.kubernetes.io/managed-by=crdb-live-evolution-up, so
# demo/down.sh removes what this script made and nothing else.
# Waits poll with `kubectl get` (one line per check with the counts and the time spent).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly managed_label=app.kubernetes.io/managed-by=crdb-live-evolution-up
ctx=""
kind_name=""
timeout=600
preflight=1
presenter=build/dev/desktop/app/presenter

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --context) ctx=${2:?--context needs a name}; shift 2 ;;
    --context=*) ctx=${1#*=}; shift ;;
    --kind)
        if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then kind_name=$2; shift 2; else kind_name=crdb-evolution; shift; fi ;;
    --kind=*) kind_name=${1#*=}; shift ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --no-preflight) preflight=0; shift ;;
    --presenter) presenter=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "up: unknown argument $1" >&2; usage ;;
    esac
done
if [ -n "$kind_name" ] && [ -n "$ctx" ]; then echo "up: --kind or --context, not both" >&2; exit 2; fi
if [ -z "$kind_name" ] && [ -z "$ctx" ]; then echo "up: say where: --kind [NAME] or --context CTX" >&2; usage; fi

step() { printf '\n== %s\n' "$*" >&2; }
run() { echo "+ $*" >&2; "$@"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "up: $1 not found: $2" >&2; exit 1; }; }
k() { kubectl --context "$ctx" "$@"; }

# The sample app's image as k8s/images/ names it (the one place its tag is written).
app_image() {
    awk '/- name: crdb-live-evolution\/sampleapp$/ { found = 1; next }
         found && /newTag:/ { print "crdb-live-evolution/sampleapp:" $2; exit }' k8s/images/kustomization.yaml
}

kind_cluster() {
    need kind "--kind needs kind (https://kind.sigs.k8s.io) and docker; or use --context with a cluster you have"
    need docker "--kind builds the sample app image with docker"
    ctx=kind-$kind_name
    step "kind cluster $kind_name (context $ctx)"
    if kind get clusters 2>/dev/null | grep -qx "$kind_name"; then
        echo "up: kind cluster $kind_name exists; using it" >&2
    else
        run kind create cluster --name "$kind_name" --wait 120s
    fi
    local image
    image=$(app_image)
    step "sample app image $image"
    run docker build -t "$image" -f sampleapp/Dockerfile .
    run kind load docker-image "$image" --name "$kind_name"
}

# A namespace this script creates carries its label; one that exists already is left as it is.
own_namespace() {
    if k get namespace "$1" >/dev/null 2>&1; then
        echo "up: namespace $1 exists (not made by up.sh unless labelled so); using it" >&2
        return
    fi
    echo "up: creating namespace $1 ($managed_label)" >&2
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    %s: "%s"\n' \
        "$1" "${managed_label%%=*}" "${managed_label#*=}" | k create -f - >/dev/null
}

# wait_until WHAT NAMESPACE KIND/NAME JSONPATH TEST [FAILED]: polls until TEST (a function of the
# jsonpath's output) holds, printing one progress line per change, for at most $timeout seconds;
# stops at once when FAILED holds.
wait_until() {
    local what=$1 ns=$2 obj=$3 path=$4 test=$5 failed=${6:-never} start=$SECONDS last="" now
    while :; do
        now=$(k -n "$ns" get "$obj" -o "jsonpath=$path" 2>/dev/null || true)
        if "$test" "$now"; then
            printf 'up: %-34s ready (%s) after %ds\n' "$what" "${now:-done}" $((SECONDS - start)) >&2
            return 0
        fi
        if "$failed" "$now"; then
            echo "up: $what failed ($now): kubectl --context $ctx -n $ns logs $obj" >&2
            exit 1
        fi
        if [ "$now" != "$last" ] || [ $(((SECONDS - start) % 30)) -eq 0 ]; then
            printf 'up: %-34s waiting (%s) %ds\n' "$what" "${now:-not there yet}" $((SECONDS - start)) >&2
            last=$now
        fi
        if [ $((SECONDS - start)) -ge "$timeout" ]; then
            echo "up: $what not ready after ${timeout}s: kubectl --context $ctx -n $ns describe $obj" >&2
            exit 1
        fi
        sleep 2
    done
}
never() { false; }
# The types of the Job's true conditions: Complete (with SuccessCriteriaMet on newer clusters) or Failed.
job_done() { [[ " $1 " == *" Complete "* ]]; }
job_failed() { [[ " $1 " == *" Failed "* ]]; }
# "active/succeeded": a pod of the Job runs (or ran).
job_started() { [ "${1%/*}" -ge 1 ] 2>/dev/null || [ "${1#*/}" -ge 1 ] 2>/dev/null; }
# "ready/wanted" from {.status.readyReplicas}/{.spec.replicas}: every wanted replica ready.
all_ready() { local ready=${1%/*} want=${1#*/}; [ -n "$ready" ] && [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$ready" = "$want" ]; }
wait_job() { wait_until "job/$2" "$1" "job/$2" '{.status.conditions[?(@.status=="True")].type}' job_done job_failed; }
wait_ready() { wait_until "$2" "$1" "$2" '{.status.readyReplicas}/{.spec.replicas}' all_ready; }

need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
if [ -n "$kind_name" ]; then kind_cluster; fi
step "cluster: context $ctx"
if ! k get namespaces >/dev/null; then
    echo "up: cannot reach the cluster of context $ctx (kubectl --context $ctx get namespaces failed)" >&2
    exit 1
fi
secure=${CRDB_SECURE:-0}
app=k8s/app/
if [ "$secure" = 1 ]; then
    app=k8s/secure/app/
    if ! k -n crdb-evolution get secret crdb-node-certs >/dev/null 2>&1; then
        echo "up: CRDB_SECURE=1 needs the certificates first: k8s/secure/make-certs.sh (k8s/secure/README.md)" >&2
        exit 1
    fi
fi

own_namespace crdb-evolution
own_namespace crdb-observability

step "CockroachDB (the cluster and its Services; the node count stays as it is)"
CRDB_SECURE=$secure KUBE_CONTEXT=$ctx run demo/apply-cluster.sh
wait_job crdb-evolution crdb-init
wait_ready crdb-evolution statefulset/crdb

step "Phase 0 SQL: schema, writer user, RF=1, shutdown wait; then the read-only user"
run kubectl --context "$ctx" apply -k k8s/sql/phase0/
wait_job crdb-evolution sql-phase0
run kubectl --context "$ctx" apply -k k8s/sql/reader-user/
wait_job crdb-evolution sql-reader-user

step "Observability: Prometheus and Grafana, dashboards provisioned"
run kubectl --context "$ctx" apply -k k8s/observability/
wait_ready crdb-observability deployment/prometheus
wait_ready crdb-observability deployment/grafana

step "The sample app"
run kubectl --context "$ctx" apply -k "$app"
wait_ready crdb-evolution deployment/sampleapp

step "The TPC-C load (runs for the whole talk)"
run kubectl --context "$ctx" apply -k k8s/loadgen/
wait_until "job/crdb-loadgen started" crdb-evolution job/crdb-loadgen '{.status.active}/{.status.succeeded}' job_started

profile=demo/profiles/kind.json
if [ "$secure" = 1 ]; then echo "up: secure: give the presenter a profile whose sql_url verifies the server (k8s/secure/README.md)" >&2; fi
if [ "$preflight" = 1 ] && [ -x "$presenter" ]; then
    step "Pre-flight ($presenter --preflight)"
    if run "$presenter" --profile "$profile" --kube-context "$ctx" --preflight --port-forward; then pf=passed; else pf="FAILED: each FAIL line above ends with its fix"; fi
    echo "up: pre-flight $pf" >&2
elif [ "$preflight" = 1 ]; then
    echo "up: no presenter at $presenter (cmake --build --preset dev --target presenter); pre-flight skipped" >&2
fi

cat >&2 <<EOF

== Set up on context $ctx. Next:
  kubectl --context $ctx -n crdb-observability port-forward svc/grafana 3000:3000 &   # Grafana, admin / admin
  $presenter --profile $profile --kube-context $ctx --port-forward
  # the talk: demo/DEMO.md from "Phase 0"; tear down after it: demo/down.sh --context $ctx
EOF
