-- 01-phase0-rf1.sql: Phase 0, replication factor 1, as zone configs (not a cluster setting).
-- @dialect cockroachdb
-- CockroachDB-only: PostgreSQL has no zone configs. Idempotent (setting the same value again is a
-- no-op) and non-destructive. Run as root (admin), after the cluster has at least 1 live node(s):
-- never ask for more replicas than there are nodes to hold them.
-- A cluster started with `cockroach start` + `cockroach init` (not start-single-node) keeps the
-- default of 3 replicas (5 for system ranges): on one node every range would count as
-- under-replicated forever. RF=1 makes the single node honest: healthy, and no copy anywhere else.
-- RANGE default covers every table that has no zone of its own (evolution.*, the TPC-C tables).
ALTER RANGE default CONFIGURE ZONE USING num_replicas = 1;

-- The system ranges carry their own zones (5 replicas by default) and do not inherit from default.
ALTER RANGE meta CONFIGURE ZONE USING num_replicas = 1;
ALTER RANGE liveness CONFIGURE ZONE USING num_replicas = 1;
ALTER RANGE system CONFIGURE ZONE USING num_replicas = 1;
ALTER DATABASE system CONFIGURE ZONE USING num_replicas = 1;
