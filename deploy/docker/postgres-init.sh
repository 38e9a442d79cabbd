#!/bin/bash
# Run once by the postgres image (docker-entrypoint-initdb.d) when it initialises an empty data
# directory: the Scale Scheduler role, database and schema from deploy/postgres-bootstrap.sql,
# with the password from the scale_db_password secret.
set -euo pipefail
psql -X -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v password_file=/run/secrets/scale_db_password -f /scale/postgres-bootstrap.sql
