-- 90-backup.sql: a full backup of the evolution database, taken between phases.
-- @dialect cockroachdb
-- CockroachDB-only. Non-destructive: BACKUP ... INTO adds a new dated backup to the collection and
-- never overwrites or deletes an older one; running it again simply adds another backup.
-- nodelocal://1 is the extern/ directory of node 1 (pod crdb-0, on its persistent volume): good for a
-- demo, not for production (use s3://, gs:// or azure-blob:// there; see k8s/README.md).
-- AS OF SYSTEM TIME '-10s' reads a slightly old snapshot so the backup does not contend with the
-- running load. Restore is documented (k8s/README.md, demo/DEMO.md) and never run by the demo.
BACKUP DATABASE evolution INTO 'nodelocal://1/backups/evolution' AS OF SYSTEM TIME '-10s';
