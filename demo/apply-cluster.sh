#!/usr/bin/env bash
# Applies the CockroachDB cluster (kustomization), safely at any phase: it never changes the node count.
#   demo/apply-cluster.sh                  # kubectl apply -k k8s/         (the insecure default)
#   CRDB_SECURE=1 demo/apply-cluster.sh    # kubectl apply -k k8s/secure/  (after k8s/secure/make-certs.sh)
# The StatefulSet has no `replicas` (kubectl scale owns it). A StatefulSet created while the manifest
# still said `replicas: 1` keeps that in its kubectl.kubernetes.io/last-applied-configuration
# annotation, and client-side apply deletes every field that is in the annotation but not in the file
# (kubernetes/kubectl pkg/cmd/apply/patcher.go, patchSimple: three-way patch from original =
# annotation, modified = file, current = live object): the API server would default replicas back
# to 1 and stop the other nodes. So when the annotation still names replicas, it is removed first:
# without an annotation the patch only adds and changes fields of the file, it deletes nothing, and
# apply writes a fresh annotation without replicas. Non-destructive: only an annotation changes.
set -euo pipefail
cd "$(dirname "$0")/.."
ns=crdb-evolution
run() { echo "+ $*" >&2; "$@"; }
# KUBE_CONTEXT (demo/up.sh): every kubectl here talks to that context.
if [ -n "${KUBE_CONTEXT:-}" ]; then kubectl() { command kubectl --context "$KUBE_CONTEXT" "$@"; }; fi
overlay=k8s/
if [ "${CRDB_SECURE:-0}" = 1 ]; then overlay=k8s/secure/; fi

if applied=$(kubectl -n "$ns" get statefulset crdb -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}' 2>/dev/null) \
    && printf '%s' "$applied" | grep -q '"replicas"'; then
    echo "apply-cluster: the StatefulSet's last-applied annotation still holds replicas; removing it so apply keeps the node count" >&2
    run kubectl -n "$ns" annotate statefulset crdb kubectl.kubernetes.io/last-applied-configuration-
fi
run kubectl apply -k "$overlay"
