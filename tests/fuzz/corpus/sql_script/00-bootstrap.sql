-- 00-bootstrap.sql: the sample app's database, writer user, schema and seed data.
-- @dialect portable
-- Runs unchanged on CockroachDB and PostgreSQL, as an admin user (root / postgres), any number
-- of times: every statement is idempotent (IF NOT EXISTS, ON CONFLICT DO NOTHING, or an
-- "already exists" SQLSTATE the runner is told to accept with @tolerate). No DROP, TRUNCATE or
-- DELETE. Apply with `sqlapply` (sql/README.md explains the @ directives).
-- The TPC-C workload shares this database (`cockroach workload init tpcc --db=evolution`).

-- Neither dialect has a portable CREATE DATABASE IF NOT EXISTS; 42P04 = duplicate_database.
-- @tolerate 42P04
CREATE DATABASE evolution;

-- @database evolution

-- The writer user: the app's /login path (crdb-writer Service). Its password, in secure mode,
-- comes from a Kubernetes Secret at apply time, never from this file. 42710 = duplicate_object.
-- @tolerate 42710
CREATE ROLE app_writer WITH LOGIN;

-- Insert-only event table: the app generates the UUID, so a retried insert after an ambiguous
-- commit is a no-op (ON CONFLICT DO NOTHING) instead of a duplicate.
CREATE TABLE IF NOT EXISTS login_events (
    id UUID PRIMARY KEY,
    user_id TEXT NOT NULL,
    ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    ip_hash TEXT NOT NULL,
    user_agent_hash TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS login_events_user_ts_idx ON login_events (user_id, ts);

-- Read-heavy seed table for GET /search.
CREATE TABLE IF NOT EXISTS search_terms (
    id INT8 PRIMARY KEY,
    term TEXT NOT NULL,
    popularity INT8 NOT NULL
);

-- Serves the prefix search, written as a range predicate (term >= $1 AND term < $2), which both
-- CockroachDB and PostgreSQL answer from this index (LIKE 'x%' would need text_pattern_ops on
-- PostgreSQL databases that do not use the C collation).
CREATE INDEX IF NOT EXISTS search_terms_term_idx ON search_terms (term);

-- 60,000 deterministic terms ("amber harbor 00042"): 20 x 25 word pairs, 120 rows per pair, so a
-- table scan would be visible in latency while the index answers in microseconds.
-- The second word is picked by i div 20, written CAST(floor(g.i * 0.05) AS INT8): exact decimal
-- arithmetic on both databases, INT8 on both. Not `g.i / 20`: INT / INT is DECIMAL on CockroachDB
-- (pkg/sql/sem/tree/eval.go, treebin.Div on Int, Int returns Decimal) and an array subscript must be
-- INT there, so the INSERT failed; PostgreSQL truncated. tests/story/tst_portable_sql.cpp forbids `/`
-- in portable files; tests/pgkit/tst_sql_apply.cpp checks the rows are the same as before.
INSERT INTO search_terms (id, term, popularity)
SELECT g.i,
       (ARRAY['amber', 'basil', 'cedar', 'delta', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper',
              'kelp', 'lumen', 'maple', 'nectar', 'onyx', 'pepper', 'quartz', 'raven', 'sierra', 'tundra'])[1 + g.i % 20]
           || ' ' ||
       (ARRAY['anchor', 'beacon', 'canyon', 'dune', 'echo', 'forest', 'glacier', 'harbor', 'island', 'jetty',
              'keystone', 'lagoon', 'meadow', 'nebula', 'orchard', 'prairie', 'quarry', 'reef', 'summit', 'thicket',
              'upland', 'valley', 'willow', 'yonder', 'zenith'])[1 + CAST(floor(g.i * 0.05) AS INT8) % 25]
           || ' ' || lpad(g.i::TEXT, 5, '0'),
       (g.i * 7919) % 1000
FROM generate_series(1, 60000) AS g (i)
ON CONFLICT (id) DO NOTHING;

-- Nobody but the admin creates objects in schema public. CockroachDB grants CREATE (and USAGE) on it
-- to the role public in every new database (cluster setting
-- sql.auth.public_schema_create_privilege.enabled, default true: pkg/sql/sqlclustersettings/
-- clustersettings.go, PublicSchemaCreatePrivilegeEnabled), so app_reader could CREATE TABLE;
-- PostgreSQL 15 no longer grants it. Revoking a privilege nobody holds is a no-op on both, so this
-- runs any number of times. USAGE stays: the app users need it to read the tables.
REVOKE CREATE ON SCHEMA public FROM public;

GRANT CONNECT ON DATABASE evolution TO app_writer;
GRANT USAGE ON SCHEMA public TO app_writer;
GRANT SELECT, INSERT ON TABLE login_events TO app_writer;
GRANT SELECT ON TABLE search_terms TO app_writer;
