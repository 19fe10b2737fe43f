-- 15-phase1-rf2.sql: Phase 1, replication factor 2, as zone configs (not a cluster setting).
-- @dialect cockroachdb
-- CockroachDB-only: PostgreSQL has no zone configs. Idempotent (setting the same value again is a
-- no-op) and non-destructive. Run as root (admin), after the cluster has at least 2 live node(s):
-- never ask for more replicas than there are nodes to hold them.
-- RF=2 survives NO failure: a range needs a majority of its replicas (2 of 2) to make progress, so
-- losing either node stops every range it holds a replica of. Phase 1 buys a second copy of the
-- data and a second node to serve reads; fault tolerance comes with RF=3 (Phase 2).
-- RANGE default covers every table that has no zone of its own (evolution.*, the TPC-C tables).
ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2;

-- The system ranges carry their own zones (5 replicas by default) and do not inherit from default.
ALTER RANGE meta CONFIGURE ZONE USING num_replicas = 2;
ALTER RANGE liveness CONFIGURE ZONE USING num_replicas = 2;
ALTER RANGE system CONFIGURE ZONE USING num_replicas = 2;
ALTER DATABASE system CONFIGURE ZONE USING num_replicas = 2;
