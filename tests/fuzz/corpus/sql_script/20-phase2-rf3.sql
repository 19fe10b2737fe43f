-- 20-phase2-rf3.sql: Phase 2, replication factor 3, as zone configs (not a cluster setting).
-- @dialect cockroachdb
-- CockroachDB-only: PostgreSQL has no zone configs. Idempotent (setting the same value again is a
-- no-op) and non-destructive. Run as root (admin), after the cluster has at least 3 live node(s):
-- never ask for more replicas than there are nodes to hold them.
-- RF=3: every range keeps a majority (2 of 3) when any one node fails. Right after this runs,
-- ranges_underreplicated jumps and then drains to 0 as the replicate queue adds the third copies;
-- the Evolution dashboard shows it settle.
-- RANGE default covers every table that has no zone of its own (evolution.*, the TPC-C tables).
ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3;

-- The system ranges carry their own zones (5 replicas by default) and do not inherit from default.
ALTER RANGE meta CONFIGURE ZONE USING num_replicas = 3;
ALTER RANGE liveness CONFIGURE ZONE USING num_replicas = 3;
ALTER RANGE system CONFIGURE ZONE USING num_replicas = 3;
ALTER DATABASE system CONFIGURE ZONE USING num_replicas = 3;
