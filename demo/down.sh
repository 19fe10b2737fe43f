#!/usr/bin/env bash
# The explicit tear-down, after the talk: removes what demo/up.sh made and nothing else, after a
# typed confirmation. What up.sh made is each namespace it created, labelled
# app.kubernetes.io/managed-by=crdb-live-evolution-up (deleting a namespace deletes everything in
# it, the CockroachDB volumes included). A namespace that existed before up.sh ran has no label and
# stays, and so does a kind cluster (kind delete cluster --name NAME, if you want it gone).
#   demo/down.sh --context CTX [--yes]      # --yes: no question (scripts)
#   demo/down.sh --kind [NAME] [--yes]      # context kind-NAME (default kind-crdb-evolution)
#   demo/down.sh --context CTX --dry-run    # only list what would go
# Idempotent: nothing labelled, nothing to do. It never scales anything down.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly managed_label=app.kubernetes.io/managed-by=crdb-live-evolution-up
ctx=""
yes=0
dry_run=0
usage() {
    sed -n '7,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --context) ctx=${2:?--context needs a name}; shift 2 ;;
    --context=*) ctx=${1#*=}; shift ;;
    --kind)
        if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then ctx=kind-$2; shift 2; else ctx=kind-crdb-evolution; shift; fi ;;
    --yes) yes=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage ;;
    *) echo "down: unknown argument $1" >&2; usage ;;
    esac
done
if [ -z "$ctx" ]; then echo "down: say which cluster: --context CTX or --kind [NAME]" >&2; usage; fi

# Selected by the label, and the label checked again on each answer before anything is deleted; a
# namespace already terminating (an earlier run) is only reported, so running again is harmless.
if ! listed=$(kubectl --context "$ctx" get namespaces -l "$managed_label" -o \
    'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.app\.kubernetes\.io/managed-by} {.status.phase}{"\n"}{end}'); then
    echo "down: cannot list namespaces on context $ctx" >&2
    exit 1
fi
namespaces=""
while read -r name owner phase; do
    [ "$owner" = "${managed_label#*=}" ] || continue
    if [ "$phase" = Terminating ]; then
        echo "down: namespace/$name is already being deleted"
    else
        namespaces="$namespaces${namespaces:+ }$name"
    fi
done <<<"$listed"
if [ -z "$namespaces" ]; then
    echo "down: nothing made by up.sh left to delete on context $ctx (no namespace labelled $managed_label that is not already going)"
    exit 0
fi
echo "down: on context $ctx, up.sh made these namespaces; deleting them deletes everything in them (data included):"
for ns in $namespaces; do echo "  namespace/$ns"; done
if [ "$dry_run" = 1 ]; then
    echo "down: --dry-run: nothing deleted"
    exit 0
fi
if [ "$yes" != 1 ]; then
    printf 'down: type the context name (%s) to delete them: ' "$ctx"
    answer=""
    read -r answer || true
    if [ "$answer" != "$ctx" ]; then
        echo "down: not confirmed; nothing deleted"
        exit 1
    fi
fi
for ns in $namespaces; do
    echo "+ kubectl --context $ctx delete namespace $ns --wait=false"
    kubectl --context "$ctx" delete namespace "$ns" --wait=false
done
echo "down: deleted (the namespaces finish terminating in the background: kubectl --context $ctx get namespaces)"
