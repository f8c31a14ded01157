#!/usr/bin/env bash
# Creates the application role and database ("drydock") next to the Temporal
# databases. Run by the postgres image's entrypoint, once, when the data
# volume is initialised (files in /docker-entrypoint-initdb.d are ignored on
# later starts).
#
# The entrypoint *sources* .sh files that are not executable, so this file
# must not change shell options or call `exit`: it only runs psql.
# ON_ERROR_STOP makes psql fail (and the entrypoint, which runs with -e, abort)
# on any SQL error.

psql -v ON_ERROR_STOP=1 \
  --username "$POSTGRES_USER" \
  --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set=app_db="${DRYDOCK_DB_NAME:-drydock}" \
  --set=app_user="${DRYDOCK_DB_USER:-drydock}" \
  --set=app_password="${DRYDOCK_DB_PASSWORD:-drydock}" <<'EOSQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_user', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user')
\gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'app_db', :'app_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app_db')
\gexec
EOSQL

echo "drydock init: database '${DRYDOCK_DB_NAME:-drydock}' owned by '${DRYDOCK_DB_USER:-drydock}' is ready"
