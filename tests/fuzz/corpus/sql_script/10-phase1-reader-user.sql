-- 10-phase1-reader-user.sql: Phase 1, the read-only user of the reader path (crdb-reader).
-- @dialect portable
-- GRANT SELECT only: no INSERT, UPDATE, DELETE, no CREATE (00-bootstrap.sql revokes CREATE on schema
-- public from everyone). /readyz proves it on every check: an INSERT that would insert no row
-- (WHERE false) and a CREATE TABLE of a name that already exists must both fail with SQLSTATE
-- 42501 (sampleapp/PROTOCOL.md, reader_read_only and reader_cannot_create).
-- Idempotent; run as an admin user. Its password, in secure mode, comes from a Secret at apply time.

-- @database evolution

-- @tolerate 42710
CREATE ROLE app_reader WITH LOGIN;

GRANT CONNECT ON DATABASE evolution TO app_reader;
GRANT USAGE ON SCHEMA public TO app_reader;
GRANT SELECT ON TABLE search_terms TO app_reader;
GRANT SELECT ON TABLE login_events TO app_reader;
