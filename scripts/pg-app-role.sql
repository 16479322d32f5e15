-- pg-app-role.sql: the privileges of the role that bont's app servers and commands log in as,
-- on a bont store in PostgreSQL (docs/deploy.md, Roles and grants).
--
-- Run it as the role that owns the store's tables (the one that created or last migrated the
-- store), in the store's database, after every migration:
--     psql -v app=bont_app -d bont -f scripts/pg-app-role.sql
--
-- The app role reads every record and adds new ones. It changes only what bont itself changes:
-- a visit's wear-off date, a user's login state, the sessions. It cannot delete a record (and the
-- tables' triggers refuse that to every role), cannot change, delete or empty the audit log,
-- cannot change the schema, and cannot drop a table or a trigger: only an owner can.
\set ON_ERROR_STOP on
BEGIN;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app";
GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO :"app";
REVOKE INSERT ON bont_schema FROM :"app";
-- Locking a patient's row for a visit (SELECT ... FOR NO KEY UPDATE) needs an UPDATE privilege
-- on some column; the patients_keep_id trigger refuses any change of an id, so this one changes
-- nothing.
GRANT UPDATE (id) ON patients TO :"app";
GRANT UPDATE (wore_off_date) ON visits TO :"app";
GRANT UPDATE (disabled, failed_logins, locked_until) ON users TO :"app";
GRANT UPDATE (last_seen), DELETE ON sessions TO :"app";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"app";
COMMIT;
