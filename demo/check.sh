#!/usr/bin/env bash
# Read-only health check of the demo: nodes, replication factor, range health, Services, app, load.
# Changes nothing; safe to run at any moment of the talk.
#   demo/check.sh
set -uo pipefail
ns=crdb-evolution
run() { echo "+ $*" >&2; "$@"; }
if [ "${CRDB_SECURE:-0}" = 1 ]; then sqlflags=(--certs-dir=/cockroach/cockroach-certs); else sqlflags=(--insecure); fi
sql() { run kubectl -n "$ns" exec crdb-0 -c cockroachdb -- /cockroach/cockroach sql "${sqlflags[@]}" --host=localhost --format=table -e "$1"; }

echo "== StatefulSet and pods"
run kubectl -n "$ns" get statefulset crdb
run kubectl -n "$ns" get pods -l app.kubernetes.io/name=cockroachdb -o wide
echo "== Nodes (cockroach node status)"
run kubectl -n "$ns" exec crdb-0 -c cockroachdb -- /cockroach/cockroach node status "${sqlflags[@]}" --host=localhost
echo "== Replication factor (zone config of RANGE default)"
sql "SHOW ZONE CONFIGURATION FROM RANGE default"
echo "== Range health (Prometheus, if k8s/observability/ is deployed)"
for q in 'sum(ranges_underreplicated)' 'sum(ranges_unavailable)' 'sum(replicas)/sum(ranges)' 'max(liveness_livenodes)'; do
    enc=$(printf '%s' "$q" | sed 's/ /%20/g; s/(/%28/g; s/)/%29/g; s/\//%2F/g')
    printf '%-28s ' "$q"
    kubectl -n crdb-observability exec deploy/prometheus -- wget -qO- "http://localhost:9090/api/v1/query?query=$enc" 2>/dev/null \
        | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p' || echo "(Prometheus not reachable)"
    echo
done
echo "== Services (stable in every phase)"
run kubectl -n "$ns" get service crdb-writer crdb-reader -o wide
run kubectl -n "$ns" get endpoints crdb-writer crdb-reader
echo "== Sample app and load"
run kubectl -n "$ns" get deployment sampleapp
run kubectl -n "$ns" get job crdb-loadgen
echo "== Backups"
sql "SHOW BACKUPS IN 'nodelocal://1/backups/evolution'" || echo "(no backup yet)"
