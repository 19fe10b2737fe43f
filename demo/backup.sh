#!/usr/bin/env bash
# Takes backup N (0, 1 or 2) of database evolution with the documented Job, waits for it, and lists
# the backups in the collection. Non-destructive: BACKUP ... INTO adds a dated backup; nothing is
# overwritten and restore is never run here (see DEMO.md, "Restore (documented, not run)").
#   demo/backup.sh 0
set -euo pipefail
cd "$(dirname "$0")/.."
ns=crdb-evolution
n=${1:-}
case "$n" in 0 | 1 | 2) ;; *) echo "usage: $0 0|1|2" >&2; exit 2 ;; esac
run() { echo "+ $*" >&2; "$@"; }
if [ "${CRDB_SECURE:-0}" = 1 ]; then sqlflags=(--certs-dir=/cockroach/cockroach-certs); else sqlflags=(--insecure); fi

run kubectl apply -k "k8s/sql/backup-$n/"
run kubectl -n "$ns" wait --for=condition=complete "job/sql-backup-$n" --timeout=900s
run kubectl -n "$ns" logs "job/sql-backup-$n"
run kubectl -n "$ns" exec crdb-0 -c cockroachdb -- /cockroach/cockroach sql "${sqlflags[@]}" --host=localhost \
    -e "SHOW BACKUPS IN 'nodelocal://1/backups/evolution'"
