-- deploy/postgres-bootstrap.sql — the PostgreSQL 15 role, database and schema of a Scale Scheduler
-- cluster, with least privilege. Run once as a superuser with psql (again any time: it is
-- idempotent and re-applies every privilege):
--
--   psql -X -v ON_ERROR_STOP=1 -h DBHOST -U postgres -d postgres \
--        -v password_file=/root/scale-db-password -f deploy/postgres-bootstrap.sql
--
-- Variables (-v NAME=VALUE), all optional:
--   role            login role of the replicas                            (default scale)
--   owner           NOLOGIN role that owns the database and the schema    (default scale_owner)
--   db              database                                              (default scale)
--   schema          schema the replicas' tables live in                   (default scale)
--   conn_limit      connections the role may hold at once                 (default 50)
--   password_file   file whose first line becomes the role's password; without it the role has
--                   no password (peer/cert auth, or set one later with psql's \password)
--   lock_maintenance_dbs  on (default): revoke PUBLIC's CONNECT on the databases postgres and
--                   template1 (superusers are not affected). off on a shared server whose other
--                   roles rely on connecting there.
--
-- What the replica role can do: connect to its database only; create, read and write tables in
-- its schema (the replicas run the embedded migrations, db/migrations/*.sql, themselves at
-- start-up under pg_advisory_lock, so it needs CREATE there and owns the tables it creates).
-- What it cannot: superuser, create databases or roles, replication, bypass row security, create
-- anything in public or any other schema, temporary tables, change its database or schema, connect
-- to another database whose CONNECT is not granted to PUBLIC. Add a pg_hba.conf line for the role
-- and this database only, e.g. `hostssl scale scale 10.0.1.0/24 scram-sha-256`.

\set QUIET on
SET client_min_messages = warning;
\if :{?role} \else \set role scale \endif
\if :{?owner} \else \set owner scale_owner \endif
\if :{?db} \else \set db scale \endif
\if :{?schema} \else \set schema scale \endif
\if :{?conn_limit} \else \set conn_limit 50 \endif
\if :{?lock_maintenance_dbs} \else \set lock_maintenance_dbs on \endif

SELECT :'conn_limit' ~ '^[0-9]{1,5}$' AS conn_limit_ok,
       :'role' <> :'owner' AND :'role' <> '' AND :'owner' <> '' AS names_ok,
       :'db' NOT IN ('postgres', 'template0', 'template1') AS db_ok,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
\gset
\if :superuser \else
  \warn 'postgres-bootstrap: run this as a superuser'
  SELECT 1 / 0 AS run_as_superuser;
\endif
\if :conn_limit_ok \else
  \warn 'postgres-bootstrap: conn_limit must be a whole number'
  SELECT 1 / 0 AS conn_limit_must_be_a_number;
\endif
\if :names_ok \else
  \warn 'postgres-bootstrap: role and owner must be two different, non-empty names'
  SELECT 1 / 0 AS role_and_owner_must_differ;
\endif
\if :db_ok \else
  \warn 'postgres-bootstrap: db must not be postgres or a template'
  SELECT 1 / 0 AS db_must_be_its_own;
\endif
\if :{?password_file}
  -- Statements carrying the password stay out of the server log; the server stores only its
  -- SCRAM-SHA-256 verifier.
  SET log_statement = 'none';
  SET log_min_duration_statement = -1;
  SET log_min_error_statement = 'panic';
  SET password_encryption = 'scram-sha-256';
  \set password `head -n 1 :'password_file'`
  SELECT length(:'password') >= 12 AS password_ok \gset
  \if :password_ok \else
    \warn 'postgres-bootstrap: the first line of password_file must hold at least 12 characters'
    SELECT 1 / 0 AS password_too_short;
  \endif
\endif

-- The owner: holds the database and the schema, cannot log in (a DBA uses SET ROLE).
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') AS create_owner \gset
\if :create_owner
  CREATE ROLE :"owner";
\endif
ALTER ROLE :"owner" WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- The replicas' login role.
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') AS create_role \gset
\if :create_role
  CREATE ROLE :"role";
\endif
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  INHERIT CONNECTION LIMIT :conn_limit;
\if :{?password_file}
  ALTER ROLE :"role" PASSWORD :'password';
  \unset password
  RESET log_min_error_statement;
  RESET log_min_duration_statement;
  RESET log_statement;
\endif

-- The database, owned by the owner role; nobody but the replica role may connect.
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') AS create_db \gset
\if :create_db
  CREATE DATABASE :"db" OWNER :"owner";
\endif
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"role";

\if :lock_maintenance_dbs
  REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
  REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
\endif

-- Inside the database: one schema for the replicas' tables; public closed.
\connect :"db"
SET client_min_messages = warning;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"owner";
ALTER SCHEMA :"schema" OWNER TO :"owner";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA :"schema" TO :"role";
-- Unqualified names (every statement of the replicas) resolve to the schema.
ALTER ROLE :"role" IN DATABASE :"db" SET search_path = :"schema";

\echo postgres-bootstrap: role :role, database :db, schema :schema ready
